/* The engine-independent half of kv.h: argument and state checks, so every
 * engine gets the same contract. */
#include "common.h"

#include "store/codec.h"
#include "store/kv.h"
#include "util/buf.h"
#include "util/err.h"

const struct kv_ops *const kv_backends[] = {
	&kv_tc_ops,
	NULL,
};

const struct kv_ops *kv_backend_find(const char *name)
{
	for (size_t i = 0; kv_backends[i]; i++)
		if (strcmp(kv_backends[i]->name, name) == 0)
			return kv_backends[i];
	return NULL;
}

const struct kv_ops *kv_backend_default(void)
{
	return kv_backends[0];
}

int kv_open(const struct kv_ops *ops, const char *path, enum kv_kind kind, unsigned flags,
	    const struct kv_tuning *tuning, struct kv **kv_r, struct err *err)
{
	*kv_r = NULL;
	if ((flags & KV_READONLY) && (flags & (KV_CREATE | KV_SYNC_COMMITS)))
		return err_set(err, ERR_USAGE, "%s: read-only open cannot create or sync", path);
	struct kv_tuning none = { 0 };
	struct kv *kv;
	if (ops->open(path, kind, flags, tuning ? tuning : &none, &kv, err) < 0)
		return -1;
	kv->ops = ops;
	kv->path = xstrdup(path);
	kv->kind = kind;
	kv->flags = flags;
	kv->in_txn = false;
	*kv_r = kv;
	return 0;
}

int kv_close(struct kv **kvp, struct err *err)
{
	struct kv *kv = *kvp;
	if (!kv)
		return 0;
	*kvp = NULL;
	char *path = kv->path;
	int r = kv->ops->close(kv, err);
	free(path);
	return r;
}

static int check_key(struct kv *kv, size_t klen, struct err *err)
{
	if (klen > KV_KEY_MAX)
		return err_set(err, ERR_USAGE, "%s: key of %zu bytes is too long", kv->path, klen);
	return 0;
}

static int check_write(struct kv *kv, size_t klen, struct err *err)
{
	if (kv->flags & KV_READONLY)
		return err_set(err, ERR_USAGE, "%s: write to a read-only store file", kv->path);
	if (!kv->in_txn)
		return err_set(err, ERR_USAGE, "%s: write outside a transaction", kv->path);
	return check_key(kv, klen, err);
}

int kv_get(struct kv *kv, const void *key, size_t klen, struct buf *val, struct err *err)
{
	if (check_key(kv, klen, err) < 0)
		return -1;
	return kv->ops->get(kv, key, klen, val, err);
}

int kv_put(struct kv *kv, const void *key, size_t klen, const void *val, size_t vlen,
	   struct err *err)
{
	if (check_write(kv, klen, err) < 0 || kv->ops->put(kv, key, klen, val, vlen, err) < 0)
		return -1;
	if (kv->recorder && kv->recorder->len + klen + vlen + 21 > kv->recorder_limit) {
		kv->recorder = NULL;
		kv->recorder_overflow = true;
	}
	if (kv->recorder) {
		enc_u8(kv->recorder, 'P');
		enc_bytes(kv->recorder, key, klen);
		enc_bytes(kv->recorder, val, vlen);
	}
	return 0;
}

int kv_del(struct kv *kv, const void *key, size_t klen, struct err *err)
{
	if (check_write(kv, klen, err) < 0)
		return -1;
	int r = kv->ops->del(kv, key, klen, err);
	if (r >= 0 && kv->recorder) {
		enc_u8(kv->recorder, 'D');
		enc_bytes(kv->recorder, key, klen);
	}
	return r;
}

void kv_set_recorder(struct kv *kv, struct buf *log, size_t limit)
{
	kv->recorder = log;
	kv->recorder_limit = limit;
	kv->recorder_overflow = false;
}

/* One record of a log: 1 and the parts, 0 at the end, -1 if garbled. */
static int replay_next(struct dec *d, char *op, struct str_slice *key, struct str_slice *val)
{
	if (dec_done(d))
		return 0;
	*op = (char)dec_u8(d);
	key->p = dec_str(d, &key->n);
	if (*op == 'P')
		val->p = dec_str(d, &val->n);
	return d->bad || (*op != 'P' && *op != 'D') || key->n > KV_KEY_MAX ? -1 : 1;
}

int kv_replay(struct kv *kv, const void *log, size_t len, struct err *err)
{
	struct dec d;
	char op;
	struct str_slice key, val;
	int r;
	dec_init(&d, log, len);
	while ((r = replay_next(&d, &op, &key, &val)) > 0)
		;
	if (r < 0)
		return err_set(err, ERR_STORE, _("%s: the log of an unfinished change is garbled"),
			       kv->path);
	dec_init(&d, log, len);
	while ((r = replay_next(&d, &op, &key, &val)) > 0) {
		r = op == 'P' ? kv_put(kv, key.p, key.n, val.p, val.n, err)
			      : kv_del(kv, key.p, key.n, err);
		if (r < 0)
			return -1;
	}
	return 0;
}

int kv_scan(struct kv *kv, const void *prefix, size_t plen, const void *start, size_t slen,
	    unsigned flags, kv_scan_fn *fn, void *aux, struct err *err)
{
	if (kv->kind == KV_BLOB && (start || (flags & KV_SCAN_REVERSE)))
		return err_set(err, ERR_UNSUPPORTED, "%s: unordered file scanned in order",
			       kv->path);
	if (start && (slen < plen || (plen && memcmp(start, prefix, plen) != 0)))
		return err_set(err, ERR_USAGE, "%s: scan start outside its prefix", kv->path);
	if (check_key(kv, plen, err) < 0 || (start && check_key(kv, slen, err) < 0))
		return -1;
	return kv->ops->scan(kv, prefix, plen, start, slen, flags, fn, aux, err);
}

int kv_begin(struct kv *kv, struct err *err)
{
	if (kv->flags & KV_READONLY)
		return err_set(err, ERR_USAGE, "%s: transaction on a read-only store file",
			       kv->path);
	if (kv->in_txn)
		return err_set(err, ERR_USAGE, "%s: transaction already open", kv->path);
	if (kv->ops->begin(kv, err) < 0)
		return -1;
	kv->in_txn = true;
	return 0;
}

int kv_commit(struct kv *kv, struct err *err)
{
	if (!kv->in_txn)
		return err_set(err, ERR_USAGE, "%s: commit without a transaction", kv->path);
	kv->in_txn = false;
	if (kv->ops->commit(kv, err) < 0) {
		/* Whatever the engine managed, leave nothing half open. */
		kv->ops->abort(kv, NULL);
		return -1;
	}
	return 0;
}

int kv_abort(struct kv *kv, struct err *err)
{
	if (!kv->in_txn)
		return 0;
	kv->in_txn = false;
	return kv->ops->abort(kv, err);
}

int kv_sync(struct kv *kv, struct err *err)
{
	if (kv->flags & KV_READONLY)
		return 0;
	if (kv->in_txn)
		return err_set(err, ERR_USAGE, "%s: sync inside a transaction", kv->path);
	return kv->ops->sync(kv, err);
}

int kv_stats(struct kv *kv, struct kv_stats *st, struct err *err)
{
	return kv->ops->stats(kv, st, err);
}

const char *kv_path(const struct kv *kv)
{
	return kv->path;
}

bool kv_in_txn(const struct kv *kv)
{
	return kv && kv->in_txn;
}
