/* Message summaries: batch writes through chunks, lookups, scans, and the
 * POP3 UIDL index ('U' folder32 uidl -> uvar uid). */
#include "common.h"

#include "store/store-private.h"
#include "util/err.h"

void uidl_key(struct buf *key, uint32_t folder, const char *uidl)
{
	buf_reset(key);
	buf_addc(key, 'U');
	enc_be32(key, folder);
	buf_adds(key, uidl);
}

static int uidl_put(struct store_acct *a, uint32_t folder, const char *uidl, uint32_t uid,
		    struct err *err)
{
	struct kv *kv = acct_kv_write(a, FILE_META, err);
	if (!kv)
		return -1;
	struct buf key = BUF_INIT, val = BUF_INIT;
	uidl_key(&key, folder, uidl);
	enc_uvar(&val, uid);
	int r = key.len > KV_KEY_MAX ? err_set(err, ERR_INPUT, _("a UIDL of %zu bytes is too "
							       "long"), strlen(uidl))
				     : kv_put(kv, key.data, key.len, val.data, val.len, err);
	buf_release(&key);
	buf_release(&val);
	return r;
}

static int uidl_del(struct store_acct *a, uint32_t folder, const char *uidl, struct err *err)
{
	struct kv *kv = acct_kv_write(a, FILE_META, err);
	if (!kv)
		return -1;
	struct buf key = BUF_INIT;
	uidl_key(&key, folder, uidl);
	int r = key.len > KV_KEY_MAX ? 0 : kv_del(kv, key.data, key.len, err);
	buf_release(&key);
	return r < 0 ? -1 : 0;
}

/* The summary at entry i of c, decoded into s (empty before). */
static int entry_decode(struct store_acct *a, const struct chunk *c, size_t i,
			struct msg_summary *s, struct err *err)
{
	if (summary_decode(chunk_entry_data(c, i), c->e.v[i].len, s) == 0)
		return 0;
	return err_set(err, ERR_STORE, _("account %s: folder %u: the summary of UID %u is "
					 "garbled"), a->name, c->folder, c->e.v[i].uid);
}

/* A batch walks its UIDs in order and keeps the chunk it is in. */
struct batch {
	struct store_acct *a;
	struct store_folder f;
	struct chunk c;
	uint32_t *order;     /* indexes into the caller's array, by UID */
};

static int batch_start(struct batch *b, struct store_acct *a, uint32_t folder, struct err *err)
{
	memset(b, 0, sizeof *b);
	b->a = a;
	chunk_init(&b->c);
	int r = folder_load(a, folder, &b->f, err);
	if (r == 0)
		return err_set(err, ERR_NOT_FOUND, _("account %s has no folder %u"), a->name, folder);
	return r < 0 ? -1 : 0;
}

/* Makes b->c the chunk of uid. */
static int batch_seek(struct batch *b, uint32_t uid, struct err *err)
{
	if (chunk_covers(&b->c, uid))
		return 0;
	if (chunk_flush(b->a, &b->c, err) < 0)
		return -1;
	return chunk_load(b->a, b->f.id, uid, &b->c, err);
}

/* Writes the last chunk and the counters; frees the batch either way. */
static int batch_end(struct batch *b, int r, bool save_folder, struct err *err)
{
	if (r >= 0 && chunk_flush(b->a, &b->c, err) < 0)
		r = -1;
	if (r >= 0 && save_folder && folder_save(b->a, &b->f, err) < 0)
		r = -1;
	chunk_release(&b->c);
	store_folder_release(&b->f);
	free(b->order);
	return r;
}

static void count_out(struct store_folder *f, uint32_t flags)
{
	if (f->n_messages)
		f->n_messages--;
	if (!(flags & MSG_SEEN) && f->n_unseen)
		f->n_unseen--;
}

static void count_in(struct store_folder *f, uint32_t flags)
{
	f->n_messages++;
	if (!(flags & MSG_SEEN))
		f->n_unseen++;
}

/* Sorting by UID: v points at structs of `stride` bytes that each start
 * with a uint32_t uid. */
struct sort_ctx {
	const char *base;
	size_t stride;
};

static int cmp_order(const void *x, const void *y, void *aux)
{
	const struct sort_ctx *c = aux;
	uint32_t i = *(const uint32_t *)x, j = *(const uint32_t *)y;
	uint32_t ui, uj;
	memcpy(&ui, c->base + i * c->stride, sizeof ui);
	memcpy(&uj, c->base + j * c->stride, sizeof uj);
	if (ui != uj)
		return ui < uj ? -1 : 1;
	return i < j ? -1 : i > j;  /* stable: of duplicates the last is the one kept */
}

static uint32_t *sorted_order(const void *v, size_t n, size_t stride)
{
	uint32_t *order = xreallocarray(NULL, n ? n : 1, sizeof *order);
	for (size_t i = 0; i < n; i++)
		order[i] = (uint32_t)i;
	struct sort_ctx c = { v, stride };
	if (n > 1)
		qsort_r(order, n, sizeof *order, cmp_order, &c);
	return order;
}

static int put_one(struct batch *b, const struct msg_summary *s, struct err *err)
{
	if (s->uid == 0)
		return err_set(err, ERR_USAGE, "store_msg_put: uid 0");
	if (batch_seek(b, s->uid, err) < 0)
		return -1;
	long i = chunk_find(&b->c, s->uid);
	if (i >= 0) {
		struct msg_summary old;
		msg_summary_init(&old);
		if (entry_decode(b->a, &b->c, (size_t)i, &old, err) < 0)
			return -1;
		count_out(&b->f, old.flags);
		int r = old.uidl && (!s->uidl || strcmp(old.uidl, s->uidl) != 0)
			? uidl_del(b->a, b->f.id, old.uidl, err) : 0;
		msg_summary_release(&old);
		if (r < 0)
			return -1;
	}
	count_in(&b->f, s->flags);
	if (s->uid >= b->f.next_local_id)
		b->f.next_local_id = s->uid == UINT32_MAX ? UINT32_MAX : s->uid + 1;
	if (s->uidl && *s->uidl && uidl_put(b->a, b->f.id, s->uidl, s->uid, err) < 0)
		return -1;
	chunk_set(&b->c, s);
	return 0;
}

static int msgs_put(struct store_acct *a, uint32_t folder, const struct msg_summary *v,
		    size_t n, struct err *err)
{
	struct batch b;
	if (batch_start(&b, a, folder, err) < 0)
		return batch_end(&b, -1, false, err);
	b.order = sorted_order(v, n, sizeof *v);
	int r = 0;
	for (size_t k = 0; k < n && r >= 0; k++) {
		/* Of duplicates only the last counts. */
		if (k + 1 < n && v[b.order[k]].uid == v[b.order[k + 1]].uid)
			continue;
		r = put_one(&b, &v[b.order[k]], err);
	}
	return batch_end(&b, r, true, err);
}

int store_msg_put(struct store_acct *a, uint32_t folder, const struct msg_summary *v,
		  size_t n, struct err *err)
{
	int own = acct_write_start(a, err);
	if (own < 0)
		return -1;
	return acct_write_end(a, own, msgs_put(a, folder, v, n, err), err);
}

int store_msg_get(struct store_acct *a, uint32_t folder, uint32_t uid, struct msg_summary *s_r,
		  struct err *err)
{
	msg_summary_release(s_r);
	struct chunk c;
	chunk_init(&c);
	int r = chunk_load(a, folder, uid, &c, err);
	long i = r < 0 ? -1 : chunk_find(&c, uid);
	if (i >= 0)
		r = entry_decode(a, &c, (size_t)i, s_r, err) < 0 ? -1 : 1;
	chunk_release(&c);
	return r;
}

static void set_keywords(struct msg_summary *s, const struct store_flag_change *ch)
{
	for (size_t k = 0; k < s->n_keywords; k++)
		free(s->keywords[k]);
	s->n_keywords = 0;
	for (size_t k = 0; k < ch->n_keywords; k++)
		msg_summary_add_keyword(s, ch->keywords[k]);
}

static int flags_one(struct batch *b, const struct store_flag_change *ch, struct err *err)
{
	if (batch_seek(b, ch->uid, err) < 0)
		return -1;
	long i = chunk_find(&b->c, ch->uid);
	if (i < 0)
		return 0;
	struct msg_summary s, before;
	msg_summary_init(&s);
	msg_summary_init(&before);
	if (entry_decode(b->a, &b->c, (size_t)i, &s, err) < 0)
		return -1;
	msg_summary_copy(&before, &s);
	s.flags = ch->flags & MSG_FLAGS_ALL;
	if (ch->modseq)
		s.modseq = ch->modseq;
	if (ch->set_keywords)
		set_keywords(&s, ch);
	int changed = !msg_summary_equal(&s, &before);
	if (changed) {
		count_out(&b->f, before.flags);
		count_in(&b->f, s.flags);
		chunk_set(&b->c, &s);
	}
	msg_summary_release(&s);
	msg_summary_release(&before);
	return changed;
}

static int msgs_set_flags(struct store_acct *a, uint32_t folder,
			  const struct store_flag_change *v, size_t n, struct err *err)
{
	struct batch b;
	if (batch_start(&b, a, folder, err) < 0)
		return batch_end(&b, -1, false, err);
	b.order = sorted_order(v, n, sizeof *v);
	int r = 0, changed = 0;
	for (size_t k = 0; k < n && r >= 0; k++) {
		r = flags_one(&b, &v[b.order[k]], err);
		changed += r > 0;
	}
	r = batch_end(&b, r, changed > 0, err);
	return r < 0 ? -1 : changed;
}

int store_msg_set_flags(struct store_acct *a, uint32_t folder,
			const struct store_flag_change *v, size_t n, struct err *err)
{
	int own = acct_write_start(a, err);
	if (own < 0)
		return -1;
	return acct_write_end(a, own, msgs_set_flags(a, folder, v, n, err), err);
}

static int delete_one(struct batch *b, uint32_t uid, struct err *err)
{
	if (batch_seek(b, uid, err) < 0)
		return -1;
	long i = chunk_find(&b->c, uid);
	if (i < 0)
		return 0;
	struct msg_summary s;
	msg_summary_init(&s);
	if (entry_decode(b->a, &b->c, (size_t)i, &s, err) < 0)
		return -1;
	count_out(&b->f, s.flags);
	int r = s.uidl ? uidl_del(b->a, b->f.id, s.uidl, err) : 0;
	msg_summary_release(&s);
	if (r < 0)
		return -1;
	body_del_later(b->a, b->f.id, b->f.epoch, uid);
	chunk_remove(&b->c, (size_t)i);
	return 1;
}

static int msgs_delete(struct store_acct *a, uint32_t folder, const uint32_t *uids, size_t n,
		       struct err *err)
{
	struct batch b;
	if (batch_start(&b, a, folder, err) < 0)
		return batch_end(&b, -1, false, err);
	b.order = sorted_order(uids, n, sizeof *uids);
	int r = 0, deleted = 0;
	for (size_t k = 0; k < n && r >= 0; k++) {
		if (k + 1 < n && uids[b.order[k]] == uids[b.order[k + 1]])
			continue;
		r = delete_one(&b, uids[b.order[k]], err);
		deleted += r > 0;
	}
	r = batch_end(&b, r, deleted > 0, err);
	return r < 0 ? -1 : deleted;
}

int store_msg_delete(struct store_acct *a, uint32_t folder, const uint32_t *uids, size_t n,
		     struct err *err)
{
	int own = acct_write_start(a, err);
	if (own < 0)
		return -1;
	return acct_write_end(a, own, msgs_delete(a, folder, uids, n, err), err);
}

static int new_local_id(struct store_acct *a, uint32_t folder, uint32_t *id_r, struct err *err)
{
	struct store_folder f = { 0 };
	int r = folder_load(a, folder, &f, err);
	if (r == 0)
		r = err_set(err, ERR_NOT_FOUND, _("account %s has no folder %u"), a->name, folder);
	if (r > 0 && f.next_local_id == UINT32_MAX)
		r = err_set(err, ERR_STORE, _("account %s: folder %s is out of message ids"),
			    a->name, f.name);
	if (r > 0) {
		*id_r = f.next_local_id ? f.next_local_id : 1;
		f.next_local_id = *id_r + 1;
		r = folder_save(a, &f, err);
	}
	store_folder_release(&f);
	return r < 0 ? -1 : 0;
}

int store_msg_new_local_id(struct store_acct *a, uint32_t folder, uint32_t *id_r,
			   struct err *err)
{
	int own = acct_write_start(a, err);
	if (own < 0)
		return -1;
	return acct_write_end(a, own, new_local_id(a, folder, id_r, err), err);
}

int store_msg_find_uidl(struct store_acct *a, uint32_t folder, const char *uidl,
			uint32_t *uid_r, struct err *err)
{
	struct kv *kv = acct_kv_read(a, FILE_META, err);
	if (!kv)
		return -1;
	uidl_key(&a->key, folder, uidl);
	if (a->key.len > KV_KEY_MAX)
		return 0;
	int r = kv_get(kv, a->key.data, a->key.len, &a->val, err);
	if (r <= 0)
		return r;
	struct dec d;
	dec_init(&d, a->val.data, a->val.len);
	uint64_t uid = dec_uvar_max(&d, UINT32_MAX);
	if (d.bad || !dec_done(&d) || uid == 0)
		return err_set(err, ERR_STORE, _("%s: the UIDL entry %s is garbled"), kv_path(kv),
			       uidl);
	*uid_r = (uint32_t)uid;
	return 1;
}

int store_msg_scan(struct store_acct *a, uint32_t folder, uint32_t from_uid, store_msg_fn *fn,
		   void *aux, struct err *err)
{
	struct chunk c;
	chunk_init(&c);
	struct msg_summary s;
	msg_summary_init(&s);
	int r = chunk_load(a, folder, from_uid, &c, err);
	while (r == 0) {
		for (size_t i = 0; i < c.e.n && r == 0; i++) {
			if (c.e.v[i].uid < from_uid)
				continue;
			r = entry_decode(a, &c, i, &s, err);
			if (r == 0)
				r = fn(&s, aux, err);
			msg_summary_release(&s);
		}
		if (r != 0 || !c.has_next)
			break;
		/* Chunk by chunk, so fn may write to the store between records. */
		r = chunk_load(a, folder, c.next_base, &c, err);
	}
	chunk_release(&c);
	return r < 0 ? -1 : 0;
}

int store_msg_uids(struct store_acct *a, uint32_t folder, store_uids *uids, struct err *err)
{
	return store_msg_uids_from(a, folder, 0, uids, err);
}

int store_msg_uids_from(struct store_acct *a, uint32_t folder, uint32_t from_uid,
			store_uids *uids, struct err *err)
{
	struct chunk c;
	chunk_init(&c);
	int r = chunk_load(a, folder, from_uid, &c, err);
	while (r == 0) {
		ARRAY_RESERVE(uids, uids->n + c.e.n);
		for (size_t i = 0; i < c.e.n; i++)
			if (c.e.v[i].uid >= from_uid)
				uids->v[uids->n++] = c.e.v[i].uid;
		if (!c.has_next)
			break;
		r = chunk_load(a, folder, c.next_base, &c, err);
	}
	chunk_release(&c);
	return r;
}

static int msg_deliver(struct store_acct *a, uint32_t folder, struct msg_summary *s,
		       const void *body, size_t len, struct err *err)
{
	if (!s->uid && new_local_id(a, folder, &s->uid, err) < 0)
		return -1;
	if (store_body_put(a, folder, s->uid, body, len, err) < 0)
		return -1;
	return msgs_put(a, folder, s, 1, err);
}

int store_msg_deliver(struct store_acct *a, uint32_t folder, struct msg_summary *s,
		      const void *body, size_t len, struct err *err)
{
	int own = acct_write_start(a, err);
	if (own < 0)
		return -1;
	return acct_write_end_sync(a, own, msg_deliver(a, folder, s, body, len, err), STORE_SYNC,
				   err);
}

/* Collects keys under a prefix, to delete them after the scan. */
static int collect_key(const void *key, size_t klen, const void *val, size_t vlen, void *aux,
		       struct err *err)
{
	store_names *keys = aux;
	char *k = xmalloc(klen + sizeof(size_t));
	memcpy(k, &klen, sizeof klen);
	memcpy(k + sizeof klen, key, klen);
	ARRAY_PUSH(keys, k);
	return 0;
}

static int delete_prefix(struct kv *kv, char tag, uint32_t folder, struct err *err)
{
	unsigned char prefix[5] = { (unsigned char)tag };
	be32_put(prefix + 1, folder);
	store_names keys = ARRAY_INIT;
	int r = kv_scan(kv, prefix, 5, NULL, 0, 0, collect_key, &keys, err);
	for (size_t i = 0; i < keys.n && r >= 0; i++) {
		size_t klen;
		memcpy(&klen, keys.v[i], sizeof klen);
		r = kv_del(kv, keys.v[i] + sizeof klen, klen, err);
	}
	store_names_release(&keys);
	return r < 0 ? -1 : 0;
}

int msgs_delete_folder(struct store_acct *a, uint32_t folder, struct err *err)
{
	struct kv *kv = acct_kv_write(a, FILE_META, err);
	if (!kv || delete_prefix(kv, 'S', folder, err) < 0 || delete_prefix(kv, 'U', folder, err) < 0)
		return -1;
	return 0;
}
