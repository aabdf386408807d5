/* Committing a group, including one that changes both the mail (meta) and
 * the queue, which live in different files that no engine commits as one.
 *
 * Order: bodies first (a body without its summary is never returned), then
 * the queue, then meta. For a group that touches both queue and meta, the
 * meta writes of the group (recorded as they happen, kv_set_recorder()) go
 * into the queue's commit as a redo record "\0redo" = uvar G, log; the same
 * meta commit sets meta's "\0redo-gen" to G. Once the queue has committed,
 * the group counts as done: if meta's commit does not happen (a crash), the
 * next open replays the log into meta unless meta's redo-gen shows it is
 * already there. The redo record is deleted right after meta's commit. */
#include "common.h"

#include "store/store-private.h"
#include "util/err.h"

#define REDO_KEY "\0redo"
#define REDO_KEY_LEN 5
#define REDO_GEN_KEY "\0redo-gen"
#define REDO_GEN_KEY_LEN 9

void (*redo_test_hook)(void);

static uint64_t read_gen(struct kv *meta, struct err *err, int *r_r)
{
	struct buf v = BUF_INIT;
	uint64_t gen = 0;
	*r_r = kv_get(meta, REDO_GEN_KEY, REDO_GEN_KEY_LEN, &v, err);
	if (*r_r > 0) {
		struct dec d;
		dec_init(&d, v.data, v.len);
		gen = dec_uvar(&d);
		if (d.bad || !dec_done(&d))
			*r_r = err_set(err, ERR_STORE, _("%s: the redo counter is garbled"),
				       kv_path(meta));
	}
	buf_release(&v);
	return gen;
}

static int put_gen(struct kv *meta, uint64_t gen, struct err *err)
{
	struct buf v = BUF_INIT;
	enc_uvar(&v, gen);
	int r = kv_put(meta, REDO_GEN_KEY, REDO_GEN_KEY_LEN, v.data, v.len, err);
	buf_release(&v);
	return r;
}

/* Puts the redo record of the open group into the queue's transaction. */
static int write_redo(struct store_acct *a, struct err *err)
{
	struct kv *meta = a->kv[FILE_META], *queue = a->kv[FILE_QUEUE];
	int r;
	uint64_t gen = read_gen(meta, err, &r) + 1;
	if (r < 0 || put_gen(meta, gen, err) < 0)
		return -1;
	struct buf v = BUF_INIT;
	enc_uvar(&v, gen);
	buf_add(&v, a->redo.data, a->redo.len);
	r = kv_put(queue, REDO_KEY, REDO_KEY_LEN, v.data, v.len, err);
	buf_release(&v);
	return r;
}

static int drop_redo(struct store_acct *a, struct err *err)
{
	struct kv *queue = a->kv[FILE_QUEUE];
	if (kv_begin(queue, err) < 0)
		return -1;
	if (kv_del(queue, REDO_KEY, REDO_KEY_LEN, err) < 0 || kv_commit(queue, err) < 0) {
		kv_abort(queue, NULL);
		return -1;
	}
	return 0;
}

int redo_recover(struct store_acct *a, struct err *err)
{
	struct kv *meta = a->kv[FILE_META], *queue = a->kv[FILE_QUEUE];
	if (!meta || !queue)
		return 0;
	struct buf v = BUF_INIT;
	int r = kv_get(queue, REDO_KEY, REDO_KEY_LEN, &v, err);
	if (r <= 0) {
		buf_release(&v);
		return r;
	}
	struct dec d;
	dec_init(&d, v.data, v.len);
	uint64_t gen = dec_uvar(&d);
	uint64_t have = read_gen(meta, err, &r);
	if (r >= 0 && d.bad)
		r = err_set(err, ERR_STORE, _("%s: the log of an unfinished change is garbled"),
			    kv_path(queue));
	if (r >= 0 && have < gen && !a->readonly) {
		r = kv_begin(meta, err);
		if (r >= 0 && (kv_replay(meta, d.p, (size_t)(d.end - d.p), err) < 0 ||
			       kv_commit(meta, err) < 0 || kv_sync(meta, err) < 0)) {
			kv_abort(meta, NULL);
			r = -1;
		}
		if (r >= 0)
			acct_note(a, _("account %s: a change interrupted by a crash was completed"),
				  a->name);
	}
	buf_release(&v);
	if (r >= 0 && !a->readonly)
		r = drop_redo(a, err);
	return r < 0 ? -1 : 0;
}

int redo_commit(struct store_acct *a, enum store_sync sync, struct err *err)
{
	struct kv *meta = a->kv[FILE_META], *queue = a->kv[FILE_QUEUE];
	struct kv *bodies = a->kv[FILE_BODIES];
	bool mixed = kv_in_txn(meta) && kv_in_txn(queue);
	if (kv_in_txn(bodies) && (kv_commit(bodies, err) < 0 ||
				  (sync == STORE_SYNC && !(bodies->flags & KV_SYNC_COMMITS) &&
				   kv_sync(bodies, err) < 0)))
		return -1;
	if (mixed && write_redo(a, err) < 0)
		return -1;
	kv_set_recorder(meta, NULL, 0);
	/* The queue always commits to the disk (KV_SYNC_COMMITS). */
	if (kv_in_txn(queue) && kv_commit(queue, err) < 0)
		return -1;
	if (mixed && redo_test_hook)
		redo_test_hook();
	if (kv_in_txn(meta) && (kv_commit(meta, err) < 0 ||
				(sync == STORE_SYNC && !(meta->flags & KV_SYNC_COMMITS) &&
				 kv_sync(meta, err) < 0))) {
		if (!mixed)
			return -1;
		/* The group is in the queue's log: finish it from there. */
		kv_abort(meta, NULL);
		struct err again = ERR_INIT;
		int r = redo_recover(a, &again);
		err_clear(&again);
		if (r < 0)
			return -1;
		err_clear(err);
		return 0;
	}
	return mixed ? drop_redo(a, err) : 0;
}
