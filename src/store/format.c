/* The header record at the start of every store file, and counters. */
#include "common.h"

#include "store/store-private.h"
#include "util/err.h"

int format_write(struct kv *kv, char kind, uint32_t version, struct err *err)
{
	struct buf b = BUF_INIT;
	buf_add(&b, FORMAT_MAGIC, strlen(FORMAT_MAGIC));
	enc_u8(&b, (uint8_t)kind);
	enc_uvar(&b, version);
	int r = kv_put(kv, FORMAT_KEY, FORMAT_KEY_LEN, b.data, b.len, err);
	buf_release(&b);
	return r;
}

int format_read(struct kv *kv, char kind, uint32_t *version_r, struct err *err)
{
	struct buf b = BUF_INIT;
	int r = kv_get(kv, FORMAT_KEY, FORMAT_KEY_LEN, &b, err);
	if (r <= 0) {
		buf_release(&b);
		return r;
	}
	size_t ml = strlen(FORMAT_MAGIC);
	struct dec d;
	dec_init(&d, b.data, b.len);
	const void *magic = dec_bytes(&d, ml);
	uint8_t k = dec_u8(&d);
	uint64_t v = dec_uvar(&d);
	bool ok = magic && memcmp(magic, FORMAT_MAGIC, ml) == 0 && !d.bad && dec_done(&d) &&
		  v > 0 && v <= UINT32_MAX;
	buf_release(&b);
	if (!ok)
		return err_set(err, ERR_STORE, _("%s: the format record is garbled"), kv_path(kv));
	if (k != (uint8_t)kind)
		return err_set(err, ERR_STORE, _("%s: this is not the file it should be (kind "
						 "'%c', expected '%c')"), kv_path(kv),
			       k >= 0x20 && k < 0x7f ? k : '?', kind);
	*version_r = (uint32_t)v;
	return 1;
}

int counter_next(struct kv *kv, const char *name, uint64_t first, uint64_t *v_r,
		 struct err *err)
{
	struct buf key = BUF_INIT, val = BUF_INIT;
	buf_addc(&key, '\0');
	buf_adds(&key, name);
	int r = kv_get(kv, key.data, key.len, &val, err);
	uint64_t v = first;
	if (r > 0) {
		struct dec d;
		dec_init(&d, val.data, val.len);
		v = dec_uvar(&d);
		if (d.bad || !dec_done(&d) || v < first)
			r = err_set(err, ERR_STORE, _("%s: the counter %s is garbled"), kv_path(kv),
				    name);
	}
	if (r >= 0) {
		buf_reset(&val);
		enc_uvar(&val, v + 1);
		r = kv_put(kv, key.data, key.len, val.data, val.len, err);
	}
	buf_release(&key);
	buf_release(&val);
	if (r < 0)
		return -1;
	*v_r = v;
	return 0;
}
