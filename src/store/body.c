/* Message bodies: 'B' folder32 uid32 -> u8 BODY_RECORD_VERSION, raw bytes,
 * in the compressed KV_BLOB file. */
#include "common.h"

#include "store/store-private.h"
#include "util/err.h"

#define BODY_RECORD_VERSION 1

void body_key(struct buf *key, uint32_t folder, uint32_t uid)
{
	buf_reset(key);
	buf_addc(key, 'B');
	enc_be32(key, folder);
	enc_be32(key, uid);
}

static int body_put(struct store_acct *a, uint32_t folder, uint32_t uid, const void *data,
		    size_t len, struct err *err)
{
	struct kv *kv = acct_kv_write(a, FILE_BODIES, err);
	if (!kv)
		return -1;
	struct buf key = BUF_INIT, val = BUF_INIT;
	body_key(&key, folder, uid);
	buf_grow(&val, len + 1);
	enc_u8(&val, BODY_RECORD_VERSION);
	buf_add(&val, data, len);
	int r = kv_put(kv, key.data, key.len, val.data, val.len, err);
	buf_release(&key);
	buf_release(&val);
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

int store_body_get(struct store_acct *a, uint32_t folder, uint32_t uid, struct buf *out,
		   struct err *err)
{
	struct kv *kv = acct_kv_read(a, FILE_BODIES, err);
	if (!kv)
		return -1;
	struct buf key = BUF_INIT;
	body_key(&key, folder, uid);
	int r = kv_get(kv, key.data, key.len, out, err);
	buf_release(&key);
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

static int body_del(struct store_acct *a, uint32_t folder, uint32_t uid, struct err *err)
{
	struct kv *kv = acct_kv_write(a, FILE_BODIES, err);
	if (!kv)
		return -1;
	struct buf key = BUF_INIT;
	body_key(&key, folder, uid);
	int r = kv_del(kv, key.data, key.len, err);
	buf_release(&key);
	return r < 0 ? -1 : 0;
}

int store_body_del(struct store_acct *a, uint32_t folder, uint32_t uid, struct err *err)
{
	int own = acct_write_start(a, err);
	if (own < 0)
		return -1;
	return acct_write_end(a, own, body_del(a, folder, uid, err), err);
}

int body_delete_folder(struct store_acct *a, uint32_t folder, struct err *err)
{
	/* Bodies are found through the folder's summaries; bodies of messages that
	 * had none are left to store_compact(). */
	ARRAY(uint32_t) uids = ARRAY_INIT;
	struct chunk c;
	chunk_init(&c);
	int r = chunk_load(a, folder, 0, &c, err);
	while (r == 0) {
		for (size_t i = 0; i < c.e.n; i++)
			ARRAY_PUSH(&uids, c.e.v[i].uid);
		if (!c.has_next)
			break;
		r = chunk_load(a, folder, c.next_base, &c, err);
	}
	chunk_release(&c);
	for (size_t i = 0; i < uids.n && r == 0; i++)
		r = body_del(a, folder, uids.v[i], err);
	ARRAY_RELEASE(&uids);
	return r;
}
