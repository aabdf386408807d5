/* Message bodies: 'B' folder32 epoch32 uid32 -> u8 BODY_RECORD_VERSION, raw
 * bytes, in the compressed KV_BLOB file. A body counts only while its
 * message's summary exists: a crash between the two commits of a delivery
 * (bodies go first) leaves a body nobody can reach, which the next delivery
 * under the same local id overwrites and store_compact() drops. */
#include "common.h"

#include "store/store-private.h"
#include "util/err.h"
#include "util/log.h"

#define BODY_RECORD_VERSION 1

void body_key(struct buf *key, uint32_t folder, uint32_t epoch, uint32_t uid)
{
	buf_reset(key);
	buf_addc(key, 'B');
	enc_be32(key, folder);
	enc_be32(key, epoch);
	enc_be32(key, uid);
}

static int load_folder(struct store_acct *a, uint32_t folder, struct store_folder *f,
		       struct err *err)
{
	int r = folder_load(a, folder, f, err);
	if (r == 0)
		return err_set(err, ERR_NOT_FOUND, _("account %s has no folder %u"), a->name, folder);
	return r < 0 ? -1 : 0;
}

static int body_put(struct store_acct *a, uint32_t folder, uint32_t uid, const void *data,
		    size_t len, struct err *err)
{
	struct store_folder f = { 0 };
	if (load_folder(a, folder, &f, err) < 0)
		return -1;
	for (size_t i = 0; i < a->dead_bodies.n; i++) {
		struct body_ref *d = &a->dead_bodies.v[i];
		if (d->folder == folder && d->epoch == f.epoch && d->uid == uid)
			*d = a->dead_bodies.v[--a->dead_bodies.n];  /* alive again */
	}
	struct kv *kv = acct_kv_write(a, FILE_BODIES, err);
	struct buf key = BUF_INIT, val = BUF_INIT;
	body_key(&key, folder, f.epoch, uid);
	buf_grow(&val, len + 1);
	enc_u8(&val, BODY_RECORD_VERSION);
	buf_add(&val, data, len);
	int r = kv ? kv_put(kv, key.data, key.len, val.data, val.len, err) : -1;
	buf_release(&key);
	buf_release(&val);
	store_folder_release(&f);
	return r;
}

int store_body_put(struct store_acct *a, uint32_t folder, uint32_t uid, const void *data,
		   size_t len, struct err *err)
{
	if (uid == 0)
		return err_set(err, ERR_USAGE, "store_body_put: uid 0");
	int own = acct_write_start(a, err);
	if (own < 0)
		return -1;
	return acct_write_end(a, own, body_put(a, folder, uid, data, len, err), err);
}

/* Whether folder has a summary of uid: 1, 0 or -1. */
static int has_summary(struct store_acct *a, uint32_t folder, uint32_t uid, struct err *err)
{
	struct chunk c;
	chunk_init(&c);
	int r = chunk_load(a, folder, uid, &c, err);
	if (r == 0)
		r = chunk_find(&c, uid) >= 0;
	chunk_release(&c);
	return r;
}

int store_body_get(struct store_acct *a, uint32_t folder, uint32_t uid, struct buf *out,
		   struct err *err)
{
	buf_reset(out);
	struct store_folder f = { 0 };
	int r = folder_load(a, folder, &f, err);
	if (r > 0)
		r = has_summary(a, folder, uid, err);
	struct kv *kv = r > 0 ? acct_kv_read(a, FILE_BODIES, err) : NULL;
	if (r > 0 && !kv)
		r = -1;
	if (r > 0) {
		struct buf key = BUF_INIT;
		body_key(&key, folder, f.epoch, uid);
		r = kv_get(kv, key.data, key.len, out, err);
		buf_release(&key);
	}
	store_folder_release(&f);
	if (r <= 0)
		return r;
	if (out->len < 1 || (unsigned char)out->data[0] != BODY_RECORD_VERSION) {
		buf_reset(out);
		return err_set(err, ERR_STORE, _("%s: the message with UID %u in folder %u is "
						 "garbled"), kv_path(kv), uid, folder);
	}
	buf_consume(out, 1);
	return 1;
}

static int collect_uid(const void *key, size_t klen, const void *val, size_t vlen, void *aux,
		       struct err *err)
{
	(void)val;
	(void)vlen;
	(void)err;
	store_uids *uids = aux;
	if (klen == 13)
		ARRAY_PUSH(uids, be32_get((const char *)key + 9));
	return 0;
}

int store_body_uids(struct store_acct *a, uint32_t folder, store_uids *uids, struct err *err)
{
	struct store_folder f = { 0 };
	int r = load_folder(a, folder, &f, err);
	struct kv *kv = r == 0 ? acct_kv_read(a, FILE_BODIES, err) : NULL;
	if (kv) {
		struct buf prefix = BUF_INIT;
		body_key(&prefix, folder, f.epoch, 0);
		r = kv_scan(kv, prefix.data, 9, NULL, 0, KV_SCAN_KEYS, collect_uid, uids, err);
		buf_release(&prefix);
	} else {
		r = -1;
	}
	store_folder_release(&f);
	return r < 0 ? -1 : 0;
}

int body_del(struct store_acct *a, uint32_t folder, uint32_t epoch, uint32_t uid,
	     struct err *err)
{
	struct kv *kv = acct_kv_write(a, FILE_BODIES, err);
	if (!kv)
		return -1;
	struct buf key = BUF_INIT;
	body_key(&key, folder, epoch, uid);
	int r = kv_del(kv, key.data, key.len, err);
	buf_release(&key);
	return r < 0 ? -1 : 0;
}

void body_del_later(struct store_acct *a, uint32_t folder, uint32_t epoch, uint32_t uid)
{
	struct body_ref d = { folder, epoch, uid };
	ARRAY_PUSH(&a->dead_bodies, d);
}

void body_del_pending(struct store_acct *a)
{
	if (!a->dead_bodies.n)
		return;
	struct kv *kv = a->kv[FILE_BODIES];
	struct err err = ERR_INIT;
	struct buf key = BUF_INIT;
	int r = kv ? kv_begin(kv, &err) : -1;
	for (size_t i = 0; i < a->dead_bodies.n && r >= 0; i++) {
		struct body_ref *d = &a->dead_bodies.v[i];
		body_key(&key, d->folder, d->epoch, d->uid);
		r = kv_del(kv, key.data, key.len, &err);
	}
	if (r >= 0)
		r = kv_commit(kv, &err);
	if (r < 0 && kv) {
		/* Left for store_compact(): nothing can reach them any more. */
		kv_abort(kv, NULL);
		log_warn("%s: %s", a->name, err_msg(&err));
	}
	err_clear(&err);
	buf_release(&key);
	a->dead_bodies.n = 0;
}

static int body_del_current(struct store_acct *a, uint32_t folder, uint32_t uid,
			    struct err *err)
{
	struct store_folder f = { 0 };
	int r = load_folder(a, folder, &f, err);
	if (r == 0)
		r = body_del(a, folder, f.epoch, uid, err);
	store_folder_release(&f);
	return r;
}

int store_body_del(struct store_acct *a, uint32_t folder, uint32_t uid, struct err *err)
{
	int own = acct_write_start(a, err);
	if (own < 0)
		return -1;
	return acct_write_end(a, own, body_del_current(a, folder, uid, err), err);
}

int body_delete_folder(struct store_acct *a, uint32_t folder, uint32_t epoch,
		       struct err *err)
{
	/* Bodies are found through the folder's summaries; any others are out
	 * of reach once the epoch moves on, and store_compact() drops them. */
	store_uids uids = ARRAY_INIT;
	int r = store_msg_uids(a, folder, &uids, err);
	for (size_t i = 0; i < uids.n && r == 0; i++)
		body_del_later(a, folder, epoch, uids.v[i]);
	ARRAY_RELEASE(&uids);
	return r;
}
