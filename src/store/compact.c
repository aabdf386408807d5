/* store_compact(): each file is copied record by record into FILE.compact
 * (summaries repacked into full chunks, orphan bodies of cache accounts
 * dropped), synced, and renamed over the original once the account is
 * closed. Until the rename the original is untouched; a new file left by a
 * crash is removed the next time the account is opened. */
#include "common.h"

#include <sys/stat.h>
#include <unistd.h>

#include "store/store-private.h"
#include "util/err.h"
#include "util/paths.h"

/* Commit the new file every so often: a transaction's writes are kept in
 * memory until its commit. */
#define COMPACT_TXN_BYTES (16u << 20)

struct copy {
	struct store_acct *a;
	struct kv *dst;
	size_t pending;
	struct chunk ch;             /* summaries being repacked */
	ARRAY(uint64_t) msgs;        /* folder << 32 | uid of every summary */
	ARRAY(uint64_t) epochs;      /* folder << 32 | epoch of every folder */
	bool drop_orphans;
	uint32_t dropped;
};

static int copy_step(struct copy *c, size_t bytes, struct err *err)
{
	c->pending += bytes;
	if (c->pending < COMPACT_TXN_BYTES)
		return 0;
	c->pending = 0;
	if (kv_commit(c->dst, err) < 0 || kv_begin(c->dst, err) < 0)
		return -1;
	return 0;
}

static int flush_repack(struct copy *c, struct err *err)
{
	if (!c->ch.folder || c->ch.e.n == 0)
		return 0;
	c->ch.has_next = false;   /* full pieces */
	c->ch.on_disk = false;
	size_t bytes = c->ch.data.len;
	if (chunk_write(c->dst, &c->ch, err) < 0)
		return -1;
	return copy_step(c, bytes, err);
}

static int copy_meta_rec(const void *key, size_t klen, const void *val, size_t vlen,
			 void *aux, struct err *err)
{
	struct copy *c = aux;
	const unsigned char *k = key;
	if (!(klen == 9 && k[0] == 'S')) {
		struct store_folder f;
		if (klen == 5 && k[0] == 'F' && folder_decode(val, vlen, &f, true) == 0) {
			ARRAY_PUSH(&c->epochs, (uint64_t)f.id << 32 | f.epoch);
			store_folder_release(&f);
		}
		if (kv_put(c->dst, key, klen, val, vlen, err) < 0)
			return -1;
		return copy_step(c, klen + vlen, err);
	}
	uint32_t folder = be32_get(k + 1);
	if (folder != c->ch.folder) {
		if (flush_repack(c, err) < 0)
			return -1;
		c->ch.folder = folder;
		c->ch.base = be32_get(k + 5);
	}
	struct chunk part;
	chunk_init(&part);
	part.base = be32_get(k + 5);
	const char *why;
	if (chunk_parse(&part, val, vlen, &why) < 0) {
		chunk_release(&part);
		return err_set(err, ERR_STORE, _("folder %u: the summaries from UID %u on are "
						 "garbled (%s); compacting would lose them: run "
						 "'postie store check'"), folder, part.base, why);
	}
	for (size_t i = 0; i < part.e.n; i++) {
		struct chunk_entry e = part.e.v[i];
		e.off = (uint32_t)c->ch.data.len;
		buf_add(&c->ch.data, chunk_entry_data(&part, i), e.len);
		ARRAY_PUSH(&c->ch.e, e);
		ARRAY_PUSH(&c->msgs, (uint64_t)folder << 32 | e.uid);
	}
	chunk_release(&part);
	return 0;
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return a < b ? -1 : a > b;
}

static int copy_rec(const void *key, size_t klen, const void *val, size_t vlen, void *aux,
		    struct err *err)
{
	struct copy *c = aux;
	const unsigned char *k = key;
	if (c->drop_orphans && klen == 13 && k[0] == 'B') {
		uint64_t epoch = (uint64_t)be32_get(k + 1) << 32 | be32_get(k + 5);
		uint64_t id = (uint64_t)be32_get(k + 1) << 32 | be32_get(k + 9);
		if (!bsearch(&epoch, c->epochs.v, c->epochs.n, sizeof epoch, cmp_u64) ||
		    !bsearch(&id, c->msgs.v, c->msgs.n, sizeof id, cmp_u64)) {
			c->dropped++;
			return 0;
		}
	}
	if (kv_put(c->dst, key, klen, val, vlen, err) < 0)
		return -1;
	return copy_step(c, klen + vlen, err);
}

static char *compact_path(struct kv *kv)
{
	return xasprintf("%s.compact", kv_path(kv));
}

static int copy_file(struct copy *c, enum store_file f, struct err *err)
{
	struct kv *src = c->a->kv[f];
	struct kv_stats st;
	if (kv_stats(src, &st, err) < 0)
		return -1;
	char *path = compact_path(src);
	struct kv_tuning tuning = { st.records };
	unlink(path);
	int r = kv_open(c->a->engine, path, src->kind, KV_CREATE, &tuning, &c->dst, err);
	free(path);
	if (r < 0 || kv_begin(c->dst, err) < 0)
		return -1;
	c->pending = 0;
	if (f == FILE_META) {
		r = kv_scan(src, NULL, 0, NULL, 0, 0, copy_meta_rec, c, err);
		if (r == 0)
			r = flush_repack(c, err);
		if (c->msgs.n)
			qsort(c->msgs.v, c->msgs.n, sizeof *c->msgs.v, cmp_u64);
		if (c->epochs.n)
			qsort(c->epochs.v, c->epochs.n, sizeof *c->epochs.v, cmp_u64);
	} else {
		r = kv_scan(src, NULL, 0, NULL, 0, 0, copy_rec, c, err);
	}
	if (r == 0 && (kv_commit(c->dst, err) < 0 || kv_sync(c->dst, err) < 0))
		r = -1;
	if (kv_close(&c->dst, r < 0 ? NULL : err) < 0)
		r = -1;
	return r;
}

static int rename_all(const char *const paths[FILE_COUNT], struct err *err)
{
	for (int f = 0; f < FILE_COUNT; f++) {
		char *tmp = xasprintf("%s.compact", paths[f]);
		int r = rename(tmp, paths[f]);
		if (r < 0)
			err_set(err, ERR_IO, _("cannot rename %s to %s: %s"), tmp, paths[f],
				strerror(errno));
		free(tmp);
		if (r < 0 || fsync_parent_dir(paths[f], err) < 0)
			return -1;
	}
	return 0;
}

static uint64_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

int store_compact(struct store *store, const char *name, struct store_compact_stats *st,
		  struct err *err)
{
	memset(st, 0, sizeof *st);
	struct store_acct *a;
	if (store_acct_open(store, name, STORE_ACCT_CACHE, 0, &a, err) < 0)
		return -1;
	struct copy c = { .a = a, .drop_orphans = !a->primary };
	chunk_init(&c.ch);
	char *paths[FILE_COUNT] = { NULL };
	int r = 0;
	/* Meta first: the bodies pass needs its list of messages. */
	static const enum store_file order[FILE_COUNT] = { FILE_META, FILE_BODIES, FILE_QUEUE };
	for (int i = 0; i < FILE_COUNT; i++) {
		enum store_file f = order[i];
		paths[f] = xstrdup(kv_path(a->kv[f]));
		st->bytes_before += file_size(paths[f]);
		if (r == 0)
			r = copy_file(&c, f, err);
	}
	st->bodies_dropped = c.dropped;
	chunk_release(&c.ch);
	ARRAY_RELEASE(&c.msgs);
	ARRAY_RELEASE(&c.epochs);
	store_acct_close(&a);
	if (r == 0)
		r = rename_all((const char *const *)paths, err);
	for (int f = 0; f < FILE_COUNT; f++) {
		if (r < 0) {
			char *tmp = xasprintf("%s.compact", paths[f]);
			unlink(tmp);
			free(tmp);
		}
		st->bytes_after += file_size(paths[f]);
		free(paths[f]);
	}
	return r;
}
