/* The outbox, in the queue file: 'O' id64 -> entry, 'o' id64 -> the message
 * to send, byte for byte. */
#include "common.h"

#include "store/store-private.h"
#include "util/err.h"

#define OUTBOX_RECORD_VERSION 1
#define OUTBOX_MAX_RCPTS 100000

static void outbox_encode(struct buf *b, const struct store_outbox_entry *e)
{
	enc_u8(b, OUTBOX_RECORD_VERSION);
	enc_uvar(b, e->state);
	enc_str(b, e->envelope_from);
	enc_uvar(b, e->n_rcpts);
	for (size_t i = 0; i < e->n_rcpts; i++) {
		const struct store_rcpt *r = &e->rcpts[i];
		enc_str(b, r->addr);
		enc_uvar(b, r->state);
		enc_uvar(b, (uint64_t)(r->code < 0 ? 0 : r->code));
		enc_str(b, r->reply);
	}
	enc_str(b, e->fcc);
	enc_svar(b, e->created);
	enc_uvar(b, e->attempts);
	enc_svar(b, e->next_attempt);
	enc_str(b, e->last_error);
	enc_uvar(b, e->size);
}

int outbox_decode(const void *p, size_t n, uint64_t id, struct store_outbox_entry *e)
{
	struct dec d;
	dec_init(&d, p, n);
	memset(e, 0, sizeof *e);
	e->id = id;
	if (dec_u8(&d) != OUTBOX_RECORD_VERSION)
		return -1;
	e->state = (enum store_outbox_state)dec_uvar_max(&d, STORE_OUTBOX_STATE_MAX);
	e->envelope_from = dec_strdup(&d);
	size_t nr = (size_t)dec_uvar_max(&d, OUTBOX_MAX_RCPTS);
	if (nr > (size_t)(d.end - d.p))
		d.bad = true;
	if (!d.bad && nr) {
		e->rcpts = xcalloc(nr, sizeof *e->rcpts);
		e->n_rcpts = nr;
	}
	for (size_t i = 0; i < e->n_rcpts && !d.bad; i++) {
		struct store_rcpt *r = &e->rcpts[i];
		r->addr = dec_strdup(&d);
		r->state = (enum store_rcpt_state)dec_uvar_max(&d, RCPT_REJECTED);
		r->code = (int)dec_uvar_max(&d, 999);
		r->reply = dec_strdup(&d);
		if (!r->addr)
			d.bad = true;
	}
	e->fcc = dec_strdup(&d);
	e->created = dec_svar(&d);
	e->attempts = (uint32_t)dec_uvar_max(&d, UINT32_MAX);
	e->next_attempt = dec_svar(&d);
	e->last_error = dec_strdup(&d);
	e->size = dec_uvar(&d);
	if (d.bad || !dec_done(&d)) {
		store_outbox_entry_release(e);
		return -1;
	}
	return 0;
}

void store_outbox_entry_release(struct store_outbox_entry *e)
{
	free(e->envelope_from);
	for (size_t i = 0; i < e->n_rcpts; i++) {
		free(e->rcpts[i].addr);
		free(e->rcpts[i].reply);
	}
	free(e->rcpts);
	free(e->fcc);
	free(e->last_error);
	memset(e, 0, sizeof *e);
}

void store_outbox_entries_release(store_outbox_entries *list)
{
	for (size_t i = 0; i < list->n; i++)
		store_outbox_entry_release(&list->v[i]);
	ARRAY_RELEASE(list);
}

void store_outbox_entry_add_rcpt(struct store_outbox_entry *e, const char *addr)
{
	e->rcpts = xreallocarray(e->rcpts, e->n_rcpts + 1, sizeof *e->rcpts);
	e->rcpts[e->n_rcpts++] = (struct store_rcpt){ xstrdup(addr), RCPT_PENDING, 0, NULL };
}

static int entry_put(struct store_acct *a, const struct store_outbox_entry *e, struct err *err)
{
	struct kv *kv = acct_kv_write(a, FILE_QUEUE, err);
	if (!kv)
		return -1;
	struct buf key = BUF_INIT, val = BUF_INIT;
	queue_key(&key, 'O', e->id);
	outbox_encode(&val, e);
	int r = kv_put(kv, key.data, key.len, val.data, val.len, err);
	buf_release(&key);
	buf_release(&val);
	return r;
}

static int outbox_add(struct store_acct *a, struct store_outbox_entry *e, const void *msg,
		      size_t len, struct err *err)
{
	struct kv *kv = acct_kv_write(a, FILE_QUEUE, err);
	uint64_t id;
	if (!kv || counter_next(kv, "next-outbox", 1, &id, err) < 0)
		return -1;
	e->id = id;
	e->size = len;
	if (queue_put_message(a, 'o', id, msg, len, err) < 0)
		return -1;
	return entry_put(a, e, err);
}

int store_outbox_add(struct store_acct *a, struct store_outbox_entry *e, const void *msg,
		     size_t len, struct err *err)
{
	int own = acct_write_start(a, err);
	if (own < 0)
		return -1;
	return acct_write_end(a, own, outbox_add(a, e, msg, len, err), err);
}

static int list_entry(const void *key, size_t klen, const void *val, size_t vlen, void *aux,
		      struct err *err)
{
	store_outbox_entries *list = aux;
	struct store_outbox_entry e;
	uint64_t id = klen == 9 ? be64_get((const char *)key + 1) : 0;
	if (!id || outbox_decode(val, vlen, id, &e) < 0)
		return err_set(err, ERR_STORE, _("the outbox entry %llu is garbled"),
			       (unsigned long long)id);
	ARRAY_PUSH(list, e);
	return 0;
}

int store_outbox_list(struct store_acct *a, store_outbox_entries *list, struct err *err)
{
	struct kv *kv = acct_kv_read(a, FILE_QUEUE, err);
	if (!kv)
		return -1;
	if (kv_scan(kv, "O", 1, NULL, 0, 0, list_entry, list, err) < 0) {
		err_prefix(err, "%s", kv_path(kv));
		return -1;
	}
	return 0;
}

int store_outbox_get(struct store_acct *a, uint64_t id, struct store_outbox_entry *e_r,
		     struct err *err)
{
	store_outbox_entry_release(e_r);
	struct kv *kv = acct_kv_read(a, FILE_QUEUE, err);
	if (!kv)
		return -1;
	struct buf key = BUF_INIT, val = BUF_INIT;
	queue_key(&key, 'O', id);
	int r = kv_get(kv, key.data, key.len, &val, err);
	if (r > 0 && outbox_decode(val.data, val.len, id, e_r) < 0)
		r = err_set(err, ERR_STORE, _("%s: the outbox entry %llu is garbled"), kv_path(kv),
			    (unsigned long long)id);
	buf_release(&key);
	buf_release(&val);
	return r;
}

int store_outbox_message(struct store_acct *a, uint64_t id, struct buf *out, struct err *err)
{
	return queue_get_message(a, 'o', id, out, err);
}

static int outbox_update(struct store_acct *a, const struct store_outbox_entry *e,
			 struct err *err)
{
	struct store_outbox_entry cur = { 0 };
	int r = store_outbox_get(a, e->id, &cur, err);
	if (r == 0)
		r = err_set(err, ERR_NOT_FOUND, _("there is no outbox entry %llu"),
			    (unsigned long long)e->id);
	if (r > 0) {
		struct store_outbox_entry upd = *e;
		upd.size = cur.size;  /* fixed by the message */
		r = entry_put(a, &upd, err);
	}
	store_outbox_entry_release(&cur);
	return r < 0 ? -1 : 0;
}

int store_outbox_update(struct store_acct *a, const struct store_outbox_entry *e,
			struct err *err)
{
	int own = acct_write_start(a, err);
	if (own < 0)
		return -1;
	return acct_write_end(a, own, outbox_update(a, e, err), err);
}

static int outbox_remove(struct store_acct *a, uint64_t id, struct err *err)
{
	if (queue_del(a, 'O', id, err) < 0 || queue_del(a, 'o', id, err) < 0)
		return -1;
	return 0;
}

int store_outbox_remove(struct store_acct *a, uint64_t id, struct err *err)
{
	int own = acct_write_start(a, err);
	if (own < 0)
		return -1;
	return acct_write_end(a, own, outbox_remove(a, id, err), err);
}
