/* What a POP3 account downloaded and the server may still hold: one 'P'
 * record per UIDL, in the meta file (see store.h, "POP3"). */
#include "common.h"

#include "store/store-private.h"
#include "util/err.h"

#define POP3_RECORD_VERSION 1

static int pop3_key(struct buf *key, const char *uidl, struct err *err)
{
	buf_reset(key);
	buf_addc(key, 'P');
	buf_adds(key, uidl);
	if (!*uidl || key->len > KV_KEY_MAX)
		return err_set(err, ERR_INPUT, _("a UIDL of %zu bytes cannot be stored"),
			       strlen(uidl));
	return 0;
}

static void pop3_encode(struct buf *b, const struct store_pop3_msg *m)
{
	enc_u8(b, POP3_RECORD_VERSION);
	enc_svar(b, m->downloaded);
	enc_uvar(b, m->flags);
	enc_uvar(b, m->folder);
	enc_uvar(b, m->uid);
}

int store_pop3_decode(const void *key, size_t klen, const void *val, size_t vlen,
		      struct store_pop3_msg *m)
{
	memset(m, 0, sizeof *m);
	const char *k = key;
	if (klen < 2 || k[0] != 'P' || memchr(k + 1, '\0', klen - 1))
		return -1;
	struct dec d;
	dec_init(&d, val, vlen);
	if (dec_u8(&d) != POP3_RECORD_VERSION)
		return -1;
	m->downloaded = dec_svar(&d);
	m->flags = (unsigned)dec_uvar_max(&d, STORE_POP3_FLAGS_ALL);
	m->folder = (uint32_t)dec_uvar_max(&d, UINT32_MAX);
	m->uid = (uint32_t)dec_uvar_max(&d, UINT32_MAX);
	if (d.bad || !dec_done(&d))
		return -1;
	m->uidl = xstrndup(k + 1, klen - 1);
	return 0;
}

void store_pop3_msg_release(struct store_pop3_msg *m)
{
	free(m->uidl);
	memset(m, 0, sizeof *m);
}

int store_pop3_get(struct store_acct *a, const char *uidl, struct store_pop3_msg *m_r,
		   struct err *err)
{
	struct kv *kv = acct_kv_read(a, FILE_META, err);
	if (!kv)
		return -1;
	if (pop3_key(&a->key, uidl, NULL) < 0)
		return 0;       /* could never have been stored */
	int r = kv_get(kv, a->key.data, a->key.len, &a->val, err);
	if (r <= 0)
		return r;
	store_pop3_msg_release(m_r);
	if (store_pop3_decode(a->key.data, a->key.len, a->val.data, a->val.len, m_r) < 0)
		return err_set(err, ERR_STORE, _("%s: the record of downloaded UIDL %s is garbled"),
			       kv_path(kv), uidl);
	return 1;
}

static int pop3_put(struct store_acct *a, const struct store_pop3_msg *m, struct err *err)
{
	struct kv *kv = acct_kv_write(a, FILE_META, err);
	if (!kv)
		return -1;
	struct buf key = BUF_INIT, val = BUF_INIT;
	int r = pop3_key(&key, m->uidl, err);
	if (r == 0) {
		pop3_encode(&val, m);
		r = kv_put(kv, key.data, key.len, val.data, val.len, err);
	}
	buf_release(&key);
	buf_release(&val);
	return r;
}

int store_pop3_put(struct store_acct *a, const struct store_pop3_msg *m, struct err *err)
{
	int own = acct_write_start(a, err);
	if (own < 0)
		return -1;
	return acct_write_end(a, own, pop3_put(a, m, err), err);
}

static int pop3_del(struct store_acct *a, const char *uidl, struct err *err)
{
	struct kv *kv = acct_kv_write(a, FILE_META, err);
	if (!kv)
		return -1;
	struct buf key = BUF_INIT;
	int r = pop3_key(&key, uidl, NULL) < 0 ? 0 : kv_del(kv, key.data, key.len, err);
	buf_release(&key);
	return r < 0 ? -1 : 0;
}

int store_pop3_del(struct store_acct *a, const char *uidl, struct err *err)
{
	int own = acct_write_start(a, err);
	if (own < 0)
		return -1;
	return acct_write_end(a, own, pop3_del(a, uidl, err), err);
}

struct scan_ctx {
	store_pop3_fn *fn;
	void *aux;
	const char *path;
};

static int scan_one(const void *key, size_t klen, const void *val, size_t vlen, void *aux,
		    struct err *err)
{
	struct scan_ctx *c = aux;
	struct store_pop3_msg m;
	if (store_pop3_decode(key, klen, val, vlen, &m) < 0)
		return err_set(err, ERR_STORE, _("%s: a record of a downloaded UIDL is garbled"),
			       c->path);
	int r = c->fn(&m, c->aux, err);
	store_pop3_msg_release(&m);
	return r;
}

int store_pop3_scan(struct store_acct *a, store_pop3_fn *fn, void *aux, struct err *err)
{
	struct kv *kv = acct_kv_read(a, FILE_META, err);
	if (!kv)
		return -1;
	struct scan_ctx c = { fn, aux, kv_path(kv) };
	return kv_scan(kv, "P", 1, NULL, 0, 0, scan_one, &c, err) < 0 ? -1 : 0;
}
