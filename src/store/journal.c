/* The journal of offline mailbox operations, in the queue file:
 * 'J' seq64 -> op record, 'j' seq64 -> the message of an OP_APPEND. */
#include "common.h"

#include "store/store-private.h"
#include "util/err.h"

/* Version 2 added dest_uidvalidity and dest_uidnext at the end; version 1
 * records are still read (as never sent). */
#define OP_RECORD_VERSION 2
#define OP_MAX_UIDS (1u << 24)
#define OP_MAX_KEYWORDS 1024

void queue_key(struct buf *key, char tag, uint64_t id)
{
	buf_reset(key);
	buf_addc(key, tag);
	enc_be64(key, id);
}

static void enc_strv(struct buf *b, char *const *v, size_t n)
{
	enc_uvar(b, n);
	for (size_t i = 0; i < n; i++)
		enc_str(b, v[i]);
}

static char **dec_strv(struct dec *d, size_t *n_r)
{
	size_t n = (size_t)dec_uvar_max(d, OP_MAX_KEYWORDS);
	char **v = n ? xcalloc(n, sizeof *v) : NULL;
	for (size_t i = 0; i < n; i++) {
		v[i] = dec_strdup(d);
		if (!v[i])
			d->bad = true;
	}
	*n_r = n;
	return v;
}

static void op_encode(struct buf *b, const struct store_op *op)
{
	enc_u8(b, OP_RECORD_VERSION);
	enc_uvar(b, op->kind);
	enc_uvar(b, op->folder);
	enc_uvar(b, op->uidvalidity);
	enc_uvar(b, op->n_uids);
	for (size_t i = 0; i < op->n_uids; i++)
		enc_uvar(b, op->uids[i]);
	enc_uvar(b, op->flags_add);
	enc_uvar(b, op->flags_del);
	enc_strv(b, op->kw_add, op->n_kw_add);
	enc_strv(b, op->kw_del, op->n_kw_del);
	enc_str(b, op->dest);
	enc_uvar(b, op->append_flags);
	enc_svar(b, op->created);
	enc_uvar(b, op->attempts);
	enc_str(b, op->last_error);
	enc_uvar(b, op->dest_uidvalidity);
	enc_uvar(b, op->dest_uidnext);
}

int op_decode(const void *p, size_t n, uint64_t seq, struct store_op *op)
{
	struct dec d;
	dec_init(&d, p, n);
	memset(op, 0, sizeof *op);
	op->seq = seq;
	uint8_t version = dec_u8(&d);
	if (version < 1 || version > OP_RECORD_VERSION)
		return -1;
	op->kind = (enum store_op_kind)dec_uvar_max(&d, STORE_OP_KIND_MAX);
	op->folder = (uint32_t)dec_uvar_max(&d, UINT32_MAX);
	op->uidvalidity = (uint32_t)dec_uvar_max(&d, UINT32_MAX);
	op->n_uids = (size_t)dec_uvar_max(&d, OP_MAX_UIDS);
	if (op->n_uids > (size_t)(d.end - d.p))
		d.bad = true;  /* each takes a byte at least: do not allocate for garbage */
	if (!d.bad && op->n_uids)
		op->uids = xcalloc(op->n_uids, sizeof *op->uids);
	for (size_t i = 0; i < op->n_uids && !d.bad; i++)
		op->uids[i] = (uint32_t)dec_uvar_max(&d, UINT32_MAX);
	op->flags_add = (uint32_t)dec_uvar_max(&d, MSG_FLAGS_ALL);
	op->flags_del = (uint32_t)dec_uvar_max(&d, MSG_FLAGS_ALL);
	op->kw_add = dec_strv(&d, &op->n_kw_add);
	op->kw_del = dec_strv(&d, &op->n_kw_del);
	op->dest = dec_strdup(&d);
	op->append_flags = (uint32_t)dec_uvar_max(&d, MSG_FLAGS_ALL);
	op->created = dec_svar(&d);
	op->attempts = (uint32_t)dec_uvar_max(&d, UINT32_MAX);
	op->last_error = dec_strdup(&d);
	if (version >= 2) {
		op->dest_uidvalidity = (uint32_t)dec_uvar_max(&d, UINT32_MAX);
		op->dest_uidnext = (uint32_t)dec_uvar_max(&d, UINT32_MAX);
	}
	if (d.bad || !dec_done(&d)) {
		if (!op->uids)
			op->n_uids = 0;
		store_op_release(op);
		return -1;
	}
	return 0;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void store_op_release(struct store_op *op)
{
	free(op->uids);
	free_strv(op->kw_add, op->n_kw_add);
	free_strv(op->kw_del, op->n_kw_del);
	free(op->dest);
	free(op->last_error);
	memset(op, 0, sizeof *op);
}

void store_ops_release(store_ops *list)
{
	for (size_t i = 0; i < list->n; i++)
		store_op_release(&list->v[i]);
	ARRAY_RELEASE(list);
}

static int put_record(struct store_acct *a, char tag, uint64_t id, const void *p, size_t n,
		      struct err *err)
{
	struct kv *kv = acct_kv_write(a, FILE_QUEUE, err);
	if (!kv)
		return -1;
	struct buf key = BUF_INIT;
	queue_key(&key, tag, id);
	int r = kv_put(kv, key.data, key.len, p, n, err);
	buf_release(&key);
	return r;
}

int queue_put_message(struct store_acct *a, char tag, uint64_t id, const void *msg,
		      size_t len, struct err *err)
{
	struct buf val = BUF_INIT;
	buf_grow(&val, len + 1);
	enc_u8(&val, 1);
	buf_add(&val, msg, len);
	int r = put_record(a, tag, id, val.data, val.len, err);
	buf_release(&val);
	return r;
}

int queue_get_message(struct store_acct *a, char tag, uint64_t id, struct buf *out,
		      struct err *err)
{
	struct kv *kv = acct_kv_read(a, FILE_QUEUE, err);
	if (!kv)
		return -1;
	struct buf key = BUF_INIT;
	queue_key(&key, tag, id);
	int r = kv_get(kv, key.data, key.len, out, err);
	buf_release(&key);
	if (r > 0 && (out->len < 1 || out->data[0] != 1)) {
		buf_reset(out);
		return err_set(err, ERR_STORE, _("%s: message %llu is garbled"), kv_path(kv),
			       (unsigned long long)id);
	}
	if (r > 0)
		buf_consume(out, 1);
	return r;
}

int queue_del(struct store_acct *a, char tag, uint64_t id, struct err *err)
{
	struct kv *kv = acct_kv_write(a, FILE_QUEUE, err);
	if (!kv)
		return -1;
	struct buf key = BUF_INIT;
	queue_key(&key, tag, id);
	int r = kv_del(kv, key.data, key.len, err);
	buf_release(&key);
	return r;
}

static int journal_add(struct store_acct *a, struct store_op *op, const void *msg, size_t len,
		       struct err *err)
{
	struct kv *kv = acct_kv_write(a, FILE_QUEUE, err);
	uint64_t seq;
	if (!kv || counter_next(kv, "next-seq", 1, &seq, err) < 0)
		return -1;
	op->seq = seq;
	struct buf val = BUF_INIT;
	op_encode(&val, op);
	int r = put_record(a, 'J', seq, val.data, val.len, err);
	buf_release(&val);
	if (r >= 0 && msg)
		r = queue_put_message(a, 'j', seq, msg, len, err);
	return r;
}

int store_journal_add(struct store_acct *a, struct store_op *op, const void *msg, size_t len,
		      struct err *err)
{
	int own = acct_write_start(a, err);
	if (own < 0)
		return -1;
	return acct_write_end(a, own, journal_add(a, op, msg, len, err), err);
}

static int list_op(const void *key, size_t klen, const void *val, size_t vlen, void *aux,
		   struct err *err)
{
	store_ops *list = aux;
	struct store_op op;
	uint64_t seq = klen == 9 ? be64_get((const char *)key + 1) : 0;
	if (!seq || op_decode(val, vlen, seq, &op) < 0)
		return err_set(err, ERR_STORE, _("the journal entry %llu is garbled"),
			       (unsigned long long)seq);
	ARRAY_PUSH(list, op);
	return 0;
}

int store_journal_list(struct store_acct *a, store_ops *list, struct err *err)
{
	struct kv *kv = acct_kv_read(a, FILE_QUEUE, err);
	if (!kv)
		return -1;
	if (kv_scan(kv, "J", 1, NULL, 0, 0, list_op, list, err) < 0) {
		err_prefix(err, "%s", kv_path(kv));
		return -1;
	}
	return 0;
}

int store_journal_message(struct store_acct *a, uint64_t seq, struct buf *out,
			  struct err *err)
{
	return queue_get_message(a, 'j', seq, out, err);
}

static int journal_update(struct store_acct *a, const struct store_op *op, struct err *err)
{
	struct kv *kv = acct_kv_write(a, FILE_QUEUE, err);
	if (!kv)
		return -1;
	struct buf key = BUF_INIT, val = BUF_INIT;
	queue_key(&key, 'J', op->seq);
	int r = kv_get(kv, key.data, key.len, &val, err);
	struct store_op cur;
	if (r == 0)
		r = err_set(err, ERR_NOT_FOUND, _("there is no journal entry %llu"),
			    (unsigned long long)op->seq);
	else if (r > 0 && op_decode(val.data, val.len, op->seq, &cur) < 0)
		r = err_set(err, ERR_STORE, _("the journal entry %llu is garbled"),
			    (unsigned long long)op->seq);
	if (r > 0) {
		cur.attempts = op->attempts;
		msg_summary_set(&cur.last_error, op->last_error);
		cur.dest_uidvalidity = op->dest_uidvalidity;
		cur.dest_uidnext = op->dest_uidnext;
		buf_reset(&val);
		op_encode(&val, &cur);
		store_op_release(&cur);
		r = kv_put(kv, key.data, key.len, val.data, val.len, err);
	}
	buf_release(&key);
	buf_release(&val);
	return r;
}

int store_journal_update(struct store_acct *a, const struct store_op *op, struct err *err)
{
	int own = acct_write_start(a, err);
	if (own < 0)
		return -1;
	return acct_write_end(a, own, journal_update(a, op, err), err);
}

static int journal_remove(struct store_acct *a, uint64_t seq, struct err *err)
{
	if (queue_del(a, 'J', seq, err) < 0 || queue_del(a, 'j', seq, err) < 0)
		return -1;
	return 0;
}

int store_journal_remove(struct store_acct *a, uint64_t seq, struct err *err)
{
	int own = acct_write_start(a, err);
	if (own < 0)
		return -1;
	return acct_write_end(a, own, journal_remove(a, seq, err), err);
}
