/* Folders: 'F' id records with the sync state and counters, 'N' name -> id. */
#include "common.h"

#include "store/store-private.h"
#include "util/err.h"
#include "util/strutil.h"

#define FOLDER_RECORD_VERSION 1

void folder_key(struct buf *key, uint32_t id)
{
	buf_reset(key);
	buf_addc(key, 'F');
	enc_be32(key, id);
}

static void name_key(struct buf *key, const char *name)
{
	buf_reset(key);
	buf_addc(key, 'N');
	buf_adds(key, name);
}

/* Version 1 of the meta file had no counters and no epoch: with_counters is
 * false there. */
void folder_encode(struct buf *b, const struct store_folder *f, bool with_counters)
{
	enc_u8(b, FOLDER_RECORD_VERSION);
	enc_uvar(b, f->id);
	enc_str(b, f->name);
	enc_u8(b, (uint8_t)f->delim);
	enc_uvar(b, f->role);
	enc_uvar(b, f->attrs);
	enc_uvar(b, f->uidvalidity);
	enc_uvar(b, f->uidnext);
	enc_uvar(b, f->highestmodseq);
	enc_svar(b, f->last_full_check);
	enc_uvar(b, f->next_local_id);
	if (with_counters) {
		enc_uvar(b, f->n_messages);
		enc_uvar(b, f->n_unseen);
		enc_uvar(b, f->epoch);
		/* Optional: records without them read as 0 (older records). */
		if (f->status_messages || f->status_unseen) {
			enc_uvar(b, f->status_messages);
			enc_uvar(b, f->status_unseen);
		}
	}
}

int folder_decode(const void *p, size_t n, struct store_folder *f, bool with_counters)
{
	struct dec d;
	dec_init(&d, p, n);
	memset(f, 0, sizeof *f);
	if (dec_u8(&d) != FOLDER_RECORD_VERSION)
		return -1;
	f->id = (uint32_t)dec_uvar_max(&d, UINT32_MAX);
	f->name = dec_strdup(&d);
	f->delim = (char)dec_u8(&d);
	f->role = (enum store_role)dec_uvar_max(&d, STORE_ROLE_MAX);
	f->attrs = (unsigned)dec_uvar_max(&d, UINT32_MAX);
	f->uidvalidity = (uint32_t)dec_uvar_max(&d, UINT32_MAX);
	f->uidnext = (uint32_t)dec_uvar_max(&d, UINT32_MAX);
	f->highestmodseq = dec_uvar(&d);
	f->last_full_check = dec_svar(&d);
	f->next_local_id = (uint32_t)dec_uvar_max(&d, UINT32_MAX);
	if (with_counters) {
		f->n_messages = (uint32_t)dec_uvar_max(&d, UINT32_MAX);
		f->n_unseen = (uint32_t)dec_uvar_max(&d, UINT32_MAX);
		f->epoch = (uint32_t)dec_uvar_max(&d, UINT32_MAX);
		if (!dec_done(&d)) {
			f->status_messages = (uint32_t)dec_uvar_max(&d, UINT32_MAX);
			f->status_unseen = (uint32_t)dec_uvar_max(&d, UINT32_MAX);
		}
	}
	if (d.bad || !dec_done(&d) || !f->name || f->id == 0) {
		store_folder_release(f);
		return -1;
	}
	return 0;
}

void store_folder_release(struct store_folder *f)
{
	free(f->name);
	memset(f, 0, sizeof *f);
}

void store_folders_release(store_folders *list)
{
	for (size_t i = 0; i < list->n; i++)
		store_folder_release(&list->v[i]);
	ARRAY_RELEASE(list);
}

bool store_folder_listed(const struct store_folder *f, bool subscribed_only)
{
	return !subscribed_only || !(f->attrs & FOLDER_UNSUBSCRIBED) || f->role != ROLE_NONE;
}

void store_folder_set_subscribed(struct store_folder *f, bool subscribed)
{
	f->attrs &= ~(unsigned)(FOLDER_SUBSCRIBED | FOLDER_UNSUBSCRIBED);
	f->attrs |= subscribed ? FOLDER_SUBSCRIBED : FOLDER_UNSUBSCRIBED;
}

void store_folders_keep_listed(store_folders *list, bool subscribed_only)
{
	size_t k = 0;
	for (size_t i = 0; i < list->n; i++) {
		if (store_folder_listed(&list->v[i], subscribed_only))
			list->v[k++] = list->v[i];
		else
			store_folder_release(&list->v[i]);
	}
	list->n = k;
}

int folder_load(struct store_acct *a, uint32_t id, struct store_folder *f, struct err *err)
{
	struct kv *kv = acct_kv_read(a, FILE_META, err);
	if (!kv)
		return -1;
	folder_key(&a->key, id);
	int r = kv_get(kv, a->key.data, a->key.len, &a->val, err);
	if (r <= 0)
		return r;
	if (folder_decode(a->val.data, a->val.len, f, true) < 0 || f->id != id)
		return err_set(err, ERR_STORE, _("%s: the record of folder %u is garbled"),
			       kv_path(kv), id);
	return 1;
}

int folder_save(struct store_acct *a, const struct store_folder *f, struct err *err)
{
	struct kv *kv = acct_kv_write(a, FILE_META, err);
	if (!kv)
		return -1;
	struct buf key = BUF_INIT, val = BUF_INIT;
	folder_key(&key, f->id);
	folder_encode(&val, f, true);
	int r = kv_put(kv, key.data, key.len, val.data, val.len, err);
	buf_release(&key);
	buf_release(&val);
	return r;
}

/* The id under 'N' name: 1, 0 or -1. */
static int lookup_name(struct store_acct *a, const char *name, uint32_t *id_r, struct err *err)
{
	struct kv *kv = acct_kv_read(a, FILE_META, err);
	if (!kv)
		return -1;
	name_key(&a->key, name);
	int r = kv_get(kv, a->key.data, a->key.len, &a->val, err);
	if (r <= 0)
		return r;
	if (a->val.len != 4)
		return err_set(err, ERR_STORE, _("%s: the entry of folder %s is garbled"),
			       kv_path(kv), name);
	*id_r = be32_get(a->val.data);
	return 1;
}

int store_folder_get_id(struct store_acct *a, uint32_t id, struct store_folder *f_r,
			struct err *err)
{
	store_folder_release(f_r);
	return folder_load(a, id, f_r, err);
}

int store_folder_get(struct store_acct *a, const char *name, struct store_folder *f_r,
		     struct err *err)
{
	uint32_t id;
	store_folder_release(f_r);
	int r = lookup_name(a, name, &id, err);
	if (r <= 0)
		return r;
	r = folder_load(a, id, f_r, err);
	if (r == 0)
		return err_set(err, ERR_STORE, _("account %s: folder %s has no record"), a->name,
			       name);
	return r;
}

static int put_name(struct store_acct *a, const char *name, uint32_t id, struct err *err)
{
	struct kv *kv = acct_kv_write(a, FILE_META, err);
	if (!kv)
		return -1;
	unsigned char v[4];
	be32_put(v, id);
	name_key(&a->key, name);
	return kv_put(kv, a->key.data, a->key.len, v, 4, err);
}

static int folder_create(struct store_acct *a, const char *name, struct store_folder *f,
			 struct err *err)
{
	struct kv *kv = acct_kv_write(a, FILE_META, err);
	uint64_t id;
	if (!kv || counter_next(kv, "next-folder", 1, &id, err) < 0)
		return -1;
	if (id > UINT32_MAX)
		return err_set(err, ERR_STORE, _("account %s: out of folder ids"), a->name);
	f->id = (uint32_t)id;
	f->name = xstrdup(name);
	f->next_local_id = 1;
	if (str_casecmp(name, "INBOX") == 0)
		f->role = ROLE_INBOX;
	if (folder_save(a, f, err) < 0 || put_name(a, name, f->id, err) < 0)
		return -1;
	return 1;
}

int store_folder_ensure(struct store_acct *a, const char *name, struct store_folder *f_r,
			struct err *err)
{
	if (!*name)
		return err_set(err, ERR_USAGE, _("a folder needs a name"));
	int r = store_folder_get(a, name, f_r, err);
	if (r != 0)
		return r < 0 ? -1 : 0;
	int own = acct_write_start(a, err);
	if (own < 0)
		return -1;
	return acct_write_end(a, own, folder_create(a, name, f_r, err), err);
}

static int folder_must_load(struct store_acct *a, uint32_t id, struct store_folder *f,
			    struct err *err)
{
	int r = folder_load(a, id, f, err);
	if (r == 0)
		return err_set(err, ERR_NOT_FOUND, _("account %s has no folder %u"), a->name, id);
	return r < 0 ? -1 : 0;
}

static int folder_update(struct store_acct *a, const struct store_folder *f, struct err *err)
{
	struct store_folder cur = { 0 };
	if (folder_must_load(a, f->id, &cur, err) < 0)
		return -1;
	cur.delim = f->delim;
	cur.role = f->role;
	cur.attrs = f->attrs;
	cur.uidvalidity = f->uidvalidity;
	cur.uidnext = f->uidnext;
	cur.highestmodseq = f->highestmodseq;
	cur.last_full_check = f->last_full_check;
	cur.status_messages = f->status_messages;
	cur.status_unseen = f->status_unseen;
	int r = folder_save(a, &cur, err);
	store_folder_release(&cur);
	return r;
}

int store_folder_update(struct store_acct *a, const struct store_folder *f, struct err *err)
{
	int own = acct_write_start(a, err);
	if (own < 0)
		return -1;
	return acct_write_end(a, own, folder_update(a, f, err), err);
}

static int folder_rename(struct store_acct *a, uint32_t id, const char *new_name,
			 struct err *err)
{
	struct store_folder f = { 0 };
	uint32_t other;
	int r = lookup_name(a, new_name, &other, err);
	if (r > 0)
		return other == id ? 0 : err_set(err, ERR_USAGE, _("there is already a folder %s"),
						 new_name);
	if (r < 0 || folder_must_load(a, id, &f, err) < 0)
		return -1;
	struct kv *kv = acct_kv_write(a, FILE_META, err);
	name_key(&a->key, f.name);
	r = kv ? kv_del(kv, a->key.data, a->key.len, err) : -1;
	if (r >= 0) {
		msg_summary_set(&f.name, new_name);
		r = folder_save(a, &f, err) < 0 || put_name(a, new_name, id, err) < 0 ? -1 : 0;
	}
	store_folder_release(&f);
	return r;
}

int store_folder_rename(struct store_acct *a, uint32_t id, const char *new_name,
			struct err *err)
{
	if (!*new_name)
		return err_set(err, ERR_USAGE, _("a folder needs a name"));
	int own = acct_write_start(a, err);
	if (own < 0)
		return -1;
	return acct_write_end(a, own, folder_rename(a, id, new_name, err), err);
}

/* Empties a folder; remove also deletes its records. */
static int folder_empty(struct store_acct *a, uint32_t id, bool remove, struct err *err)
{
	struct store_folder f = { 0 };
	if (folder_must_load(a, id, &f, err) < 0)
		return -1;
	int r = body_delete_folder(a, id, f.epoch, err);
	if (r >= 0)
		r = msgs_delete_folder(a, id, err);
	struct kv *kv = r >= 0 ? acct_kv_write(a, FILE_META, err) : NULL;
	if (kv && remove) {
		name_key(&a->key, f.name);
		r = kv_del(kv, a->key.data, a->key.len, err);
		folder_key(&a->key, id);
		if (r >= 0)
			r = kv_del(kv, a->key.data, a->key.len, err);
	} else if (kv) {
		f.uidvalidity = f.uidnext = 0;
		f.highestmodseq = 0;
		f.last_full_check = 0;
		f.n_messages = f.n_unseen = 0;
		f.status_messages = f.status_unseen = 0;
		/* Bodies left behind by a crash become unreachable. */
		f.epoch++;
		r = folder_save(a, &f, err);
	} else {
		r = -1;
	}
	store_folder_release(&f);
	return r < 0 ? -1 : 0;
}

int store_folder_remove(struct store_acct *a, uint32_t id, struct err *err)
{
	int own = acct_write_start(a, err);
	if (own < 0)
		return -1;
	return acct_write_end(a, own, folder_empty(a, id, true, err), err);
}

int store_folder_clear(struct store_acct *a, uint32_t id, struct err *err)
{
	int own = acct_write_start(a, err);
	if (own < 0)
		return -1;
	return acct_write_end(a, own, folder_empty(a, id, false, err), err);
}

struct list_ctx {
	store_folders *list;
	const char *path;
};

static int list_one(const void *key, size_t klen, const void *val, size_t vlen, void *aux,
		    struct err *err)
{
	struct list_ctx *c = aux;
	struct store_folder f;
	if (klen != 5 || folder_decode(val, vlen, &f, true) < 0 || f.id != be32_get((const char *)key + 1))
		return err_set(err, ERR_STORE, _("%s: a folder record is garbled"), c->path);
	if (!f.uidvalidity && !f.n_messages) {
		f.n_messages = f.status_messages;
		f.n_unseen = f.status_unseen;
	}
	ARRAY_PUSH(c->list, f);
	return 0;
}

static int cmp_folder(const void *a, const void *b)
{
	return strcmp(((const struct store_folder *)a)->name,
		      ((const struct store_folder *)b)->name);
}

int store_folder_list(struct store_acct *a, store_folders *list, struct err *err)
{
	struct kv *kv = acct_kv_read(a, FILE_META, err);
	if (!kv)
		return -1;
	struct list_ctx c = { list, kv_path(kv) };
	size_t first = list->n;
	if (kv_scan(kv, "F", 1, NULL, 0, 0, list_one, &c, err) < 0)
		return -1;
	if (list->n > first)
		qsort(list->v + first, list->n - first, sizeof *list->v, cmp_folder);
	return 0;
}
