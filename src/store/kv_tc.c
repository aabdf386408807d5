/* The Tokyo Cabinet engine of kv.h: the only file in postie that includes
 * Tokyo Cabinet's headers.
 *
 * KV_ORDERED is a B+tree database (tcbdb), KV_BLOB a hash database (tchdb) in
 * large mode with Deflate-compressed records. Both are opened with non-
 * blocking locks (TC otherwise waits forever for another process) and write
 * only inside TC transactions, whose write-ahead log TC replays when a file
 * left by a killed process is opened again. */
#include "common.h"

#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>
#include <tcutil.h>
#include <tcbdb.h>
#include <tchdb.h>

#include "store/kv.h"
#include "util/buf.h"
#include "util/err.h"

struct kv_tc {
	struct kv kv;   /* first: handles are cast both ways */
	TCBDB *bdb;     /* KV_ORDERED */
	TCHDB *hdb;     /* KV_BLOB */
};

/* Leaves kept in memory per B+tree file. Summaries come in records of tens
 * of kilobytes, each its own leaf, so the default (1024) would hold tens of
 * megabytes that the in-memory index already has. */
#define TC_LEAF_CACHE 128
#define TC_HASH_MIN_BUCKETS 65521

/* The file being worked on by this thread, for the fatal-error handler. */
static __thread const char *tc_current_path;

/* Tokyo Cabinet ends the process on some damaged files (an absurd record
 * size becomes a failed allocation). It exits anyway; at least say which
 * file did it and what to do. */
static void tc_fatal(const char *msg)
{
	fprintf(stderr, _("postie: fatal error in the store library (%s) while reading %s; "
			  "the file is probably damaged: run 'postie store check'\n"),
		msg, tc_current_path ? tc_current_path : _("a store file"));
}

static struct kv_tc *tc(struct kv *kv)
{
	tc_current_path = kv->path;
	return (struct kv_tc *)kv;
}

static int tc_ecode(struct kv_tc *t)
{
	return t->bdb ? tcbdbecode(t->bdb) : tchdbecode(t->hdb);
}

static int tc_fail(struct kv_tc *t, const char *path, const char *what, struct err *err)
{
	int ecode = tc_ecode(t);
	const char *msg = t->bdb ? tcbdberrmsg(ecode) : tchdberrmsg(ecode);
	switch (ecode) {
	case TCELOCK:
		return err_set(err, ERR_LOCKED, _("%s is in use by another process"), path);
	case TCETHREAD:
		return err_set(err, ERR_LOCKED, _("%s is already open in this process"), path);
	case TCENOFILE:
		return err_set(err, ERR_NOT_FOUND, _("%s does not exist"), path);
	default:
		return err_set(err, ERR_STORE, _("%s: cannot %s: %s"), path, what, msg);
	}
}

static int tc_omode(unsigned flags)
{
	if (flags & KV_READONLY)
		return BDBOREADER | BDBOLCKNB;
	int m = BDBOWRITER | BDBOLCKNB;
	if (flags & KV_CREATE)
		m |= BDBOCREAT;
	if (flags & KV_SYNC_COMMITS)
		m |= BDBOTSYNC;
	return m;
}

/* TC turns an existing empty file into a new database when a writer opens
 * it; a store file cut to nothing must be reported, not silently reset. */
static int check_existing(const char *path, unsigned flags, struct err *err)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		if (errno == ENOENT && (flags & KV_CREATE))
			return 0;
		if (errno == ENOENT)
			return err_set(err, ERR_NOT_FOUND, _("%s does not exist"), path);
		return err_set(err, ERR_STORE, _("cannot open %s: %s"), path, strerror(errno));
	}
	if (!S_ISREG(st.st_mode))
		return err_set(err, ERR_STORE, _("%s is not a regular file"), path);
	if (st.st_size < 256)
		return err_set(err, ERR_STORE, _("%s is truncated (%lld bytes)"), path,
			       (long long)st.st_size);
	return 0;
}

static bool open_bdb(struct kv_tc *t, const char *path, unsigned flags)
{
	t->bdb = tcbdbnew();
	tcbdbtune(t->bdb, 0, 0, 0, -1, -1, BDBTLARGE);
	tcbdbsetcache(t->bdb, TC_LEAF_CACHE, 0);
	return tcbdbopen(t->bdb, path, tc_omode(flags));
}

static bool open_hdb(struct kv_tc *t, const char *path, unsigned flags,
		     const struct kv_tuning *tuning)
{
	t->hdb = tchdbnew();
	uint64_t bnum = tuning->expected_records * 2;
	if (bnum < TC_HASH_MIN_BUCKETS)
		bnum = TC_HASH_MIN_BUCKETS;
	tchdbtune(t->hdb, (int64_t)bnum, -1, -1, HDBTLARGE | HDBTDEFLATE);
	return tchdbopen(t->hdb, path, tc_omode(flags));
}

/* A file left by a killed writer has a write-ahead log beside it. Tokyo
 * Cabinet 1.4.48 replays it on any open, but a writer that replays it keeps
 * the free-space state it loaded before the replay and goes on to overwrite
 * live records (found by tests/unit/test-store-crash.c: "invalid record
 * header" a few writes later). A reader replays it cleanly, so recovery is
 * always done by a read-only open first. */
static int recover_wal(const char *path, enum kv_kind kind, struct err *err)
{
	char *wal = xasprintf("%s.wal", path);
	struct stat st;
	bool pending = stat(wal, &st) == 0;
	if (pending && stat(path, &st) < 0 && errno == ENOENT) {
		/* The log of a file that is gone: nothing to recover. */
		unlink(wal);
		pending = false;
	}
	free(wal);
	if (!pending)
		return 0;
	struct kv_tc t = { 0 };
	bool ok = kind == KV_ORDERED ? open_bdb(&t, path, KV_READONLY)
				     : open_hdb(&t, path, KV_READONLY, &(struct kv_tuning){ 0 });
	int r = ok ? 0 : tc_fail(&t, path, _("recover it after a crash"), err);
	if (ok && !(t.bdb ? tcbdbclose(t.bdb) : tchdbclose(t.hdb)))
		r = tc_fail(&t, path, _("recover it after a crash"), err);
	if (t.bdb)
		tcbdbdel(t.bdb);
	if (t.hdb)
		tchdbdel(t.hdb);
	return r;
}

static void tc_free(struct kv_tc *t)
{
	if (t->bdb)
		tcbdbdel(t->bdb);
	if (t->hdb)
		tchdbdel(t->hdb);
	free(t);
}

static int tc_open(const char *path, enum kv_kind kind, unsigned flags,
		   const struct kv_tuning *tuning, struct kv **kv_r, struct err *err)
{
	tcfatalfunc = tc_fatal;
	tc_current_path = path;
	if (check_existing(path, flags, err) < 0)
		return -1;
	if (!(flags & KV_READONLY) && recover_wal(path, kind, err) < 0)
		return -1;
	struct kv_tc *t = xcalloc(1, sizeof *t);
	bool ok = kind == KV_ORDERED ? open_bdb(t, path, flags)
				     : open_hdb(t, path, flags, tuning);
	if (!ok) {
		tc_fail(t, path, _("open it"), err);
		tc_free(t);
		return -1;
	}
	*kv_r = &t->kv;
	return 0;
}

static int tc_close(struct kv *kv, struct err *err)
{
	struct kv_tc *t = tc(kv);
	bool ok = t->bdb ? tcbdbclose(t->bdb) : tchdbclose(t->hdb);
	int r = ok ? 0 : tc_fail(t, kv->path, _("close it"), err);
	tc_free(t);
	tc_current_path = NULL;
	return r;
}

static int tc_get(struct kv *kv, const void *key, size_t klen, struct buf *val, struct err *err)
{
	struct kv_tc *t = tc(kv);
	int sz;
	buf_reset(val);
	if (t->bdb) {
		const void *v = tcbdbget3(t->bdb, key, (int)klen, &sz);
		if (!v)
			return tc_ecode(t) == TCENOREC ? 0 : tc_fail(t, kv->path, _("read"), err);
		buf_add(val, v, (size_t)sz);
		return 1;
	}
	void *v = tchdbget(t->hdb, key, (int)klen, &sz);
	if (!v)
		return tc_ecode(t) == TCENOREC ? 0 : tc_fail(t, kv->path, _("read"), err);
	buf_add(val, v, (size_t)sz);
	free(v);
	return 1;
}

static int tc_put(struct kv *kv, const void *key, size_t klen, const void *val, size_t vlen,
		  struct err *err)
{
	struct kv_tc *t = tc(kv);
	if (vlen > INT_MAX / 2)
		return err_set(err, ERR_STORE, _("%s: a record of %zu bytes is too large"),
			       kv->path, vlen);
	bool ok = t->bdb ? tcbdbput(t->bdb, key, (int)klen, val, (int)vlen)
			 : tchdbput(t->hdb, key, (int)klen, val, (int)vlen);
	return ok ? 0 : tc_fail(t, kv->path, _("write"), err);
}

static int tc_del(struct kv *kv, const void *key, size_t klen, struct err *err)
{
	struct kv_tc *t = tc(kv);
	bool ok = t->bdb ? tcbdbout(t->bdb, key, (int)klen) : tchdbout(t->hdb, key, (int)klen);
	if (ok)
		return 1;
	return tc_ecode(t) == TCENOREC ? 0 : tc_fail(t, kv->path, _("delete"), err);
}

static bool has_prefix(const void *key, int klen, const void *prefix, size_t plen)
{
	return plen == 0 || ((size_t)klen >= plen && memcmp(key, prefix, plen) == 0);
}

/* The smallest key greater than every key starting with prefix, in succ
 * (plen bytes of room); its length, or 0 when there is none (all 0xff). */
static size_t prefix_successor(const unsigned char *prefix, size_t plen, unsigned char *succ)
{
	if (plen == 0)
		return 0;
	memcpy(succ, prefix, plen);
	while (plen > 0) {
		if (succ[plen - 1] != 0xff) {
			succ[plen - 1]++;
			return plen;
		}
		plen--;
	}
	return 0;
}

/* Puts the cursor on the first record of the scan; false when there is none. */
static bool cursor_start(BDBCUR *cur, const void *prefix, size_t plen, const void *start,
			 size_t slen, bool reverse)
{
	if (!reverse) {
		if (start)
			return tcbdbcurjump(cur, start, (int)slen);
		return plen ? tcbdbcurjump(cur, prefix, (int)plen) : tcbdbcurfirst(cur);
	}
	if (start)
		return tcbdbcurjumpback(cur, start, (int)slen);
	unsigned char succ[KV_KEY_MAX];
	size_t n = prefix_successor(prefix, plen, succ);
	if (n == 0)
		return tcbdbcurlast(cur);
	if (!tcbdbcurjumpback(cur, succ, (int)n))
		return false;
	int klen;
	const void *key = tcbdbcurkey3(cur, &klen);
	if (key && (size_t)klen == n && memcmp(key, succ, n) == 0)
		return tcbdbcurprev(cur);
	return true;
}

static int scan_bdb(struct kv_tc *t, const void *prefix, size_t plen, const void *start,
		    size_t slen, unsigned flags, kv_scan_fn *fn, void *aux, struct err *err)
{
	bool reverse = flags & KV_SCAN_REVERSE;
	BDBCUR *cur = tcbdbcurnew(t->bdb);
	int r = 0;
	bool more = cursor_start(cur, prefix, plen, start, slen, reverse);
	while (more) {
		int klen, vlen = 0;
		const void *key = tcbdbcurkey3(cur, &klen);
		const void *val = NULL;
		if (key && !(flags & KV_SCAN_KEYS) && !(val = tcbdbcurval3(cur, &vlen)))
			break;
		if (!key)
			break;
		if (!has_prefix(key, klen, prefix, plen))
			break;
		r = fn(key, (size_t)klen, val, (size_t)vlen, aux, err);
		if (r != 0)
			break;
		more = reverse ? tcbdbcurprev(cur) : tcbdbcurnext(cur);
	}
	if (r == 0 && tc_ecode(t) != TCENOREC && tc_ecode(t) != TCESUCCESS)
		r = tc_fail(t, t->kv.path, _("read"), err);
	tcbdbcurdel(cur);
	return r < 0 ? -1 : 0;
}

static int scan_hdb_keys(struct kv_tc *t, const void *prefix, size_t plen, kv_scan_fn *fn,
			 void *aux, struct err *err)
{
	int r = 0, klen;
	void *key;
	while (r == 0 && (key = tchdbiternext(t->hdb, &klen))) {
		if (has_prefix(key, klen, prefix, plen))
			r = fn(key, (size_t)klen, NULL, 0, aux, err);
		free(key);
	}
	if (r == 0 && tc_ecode(t) != TCENOREC && tc_ecode(t) != TCESUCCESS)
		r = tc_fail(t, t->kv.path, _("read"), err);
	return r < 0 ? -1 : 0;
}

static int scan_hdb(struct kv_tc *t, const void *prefix, size_t plen, unsigned flags,
		    kv_scan_fn *fn, void *aux, struct err *err)
{
	if (!tchdbiterinit(t->hdb))
		return tc_fail(t, t->kv.path, _("read"), err);
	if (flags & KV_SCAN_KEYS)
		return scan_hdb_keys(t, prefix, plen, fn, aux, err);
	TCXSTR *k = tcxstrnew(), *v = tcxstrnew();
	int r = 0;
	while (tchdbiternext3(t->hdb, k, v)) {
		if (!has_prefix(tcxstrptr(k), tcxstrsize(k), prefix, plen))
			continue;
		r = fn(tcxstrptr(k), (size_t)tcxstrsize(k), tcxstrptr(v), (size_t)tcxstrsize(v),
		       aux, err);
		if (r != 0)
			break;
	}
	if (r == 0 && tc_ecode(t) != TCENOREC && tc_ecode(t) != TCESUCCESS)
		r = tc_fail(t, t->kv.path, _("read"), err);
	tcxstrdel(k);
	tcxstrdel(v);
	return r < 0 ? -1 : 0;
}

static int tc_scan(struct kv *kv, const void *prefix, size_t plen, const void *start,
		   size_t slen, unsigned flags, kv_scan_fn *fn, void *aux, struct err *err)
{
	struct kv_tc *t = tc(kv);
	/* A stale "no record" code from an earlier lookup must not look like the
	 * end of this scan, nor a real error like a stale one. */
	if (t->bdb)
		tcbdbsetecode(t->bdb, TCESUCCESS, __FILE__, __LINE__, __func__);
	else
		tchdbsetecode(t->hdb, TCESUCCESS, __FILE__, __LINE__, __func__);
	if (t->bdb)
		return scan_bdb(t, prefix, plen, start, slen, flags, fn, aux, err);
	return scan_hdb(t, prefix, plen, flags, fn, aux, err);
}

static int tc_begin(struct kv *kv, struct err *err)
{
	struct kv_tc *t = tc(kv);
	bool ok = t->bdb ? tcbdbtranbegin(t->bdb) : tchdbtranbegin(t->hdb);
	return ok ? 0 : tc_fail(t, kv->path, _("start a transaction"), err);
}

static int tc_commit(struct kv *kv, struct err *err)
{
	struct kv_tc *t = tc(kv);
	bool ok = t->bdb ? tcbdbtrancommit(t->bdb) : tchdbtrancommit(t->hdb);
	return ok ? 0 : tc_fail(t, kv->path, _("commit"), err);
}

static int tc_abort(struct kv *kv, struct err *err)
{
	struct kv_tc *t = tc(kv);
	bool ok = t->bdb ? tcbdbtranabort(t->bdb) : tchdbtranabort(t->hdb);
	return ok ? 0 : tc_fail(t, kv->path, _("roll back"), err);
}

static int tc_sync(struct kv *kv, struct err *err)
{
	struct kv_tc *t = tc(kv);
	bool ok = t->bdb ? tcbdbsync(t->bdb) : tchdbsync(t->hdb);
	return ok ? 0 : tc_fail(t, kv->path, _("sync"), err);
}

static int tc_stats(struct kv *kv, struct kv_stats *st, struct err *err)
{
	struct kv_tc *t = tc(kv);
	st->records = t->bdb ? tcbdbrnum(t->bdb) : tchdbrnum(t->hdb);
	st->file_bytes = t->bdb ? tcbdbfsiz(t->bdb) : tchdbfsiz(t->hdb);
	return 0;
}

const struct kv_ops kv_tc_ops = {
	.name = "tc",
	.suffix = { [KV_ORDERED] = ".tcb", [KV_BLOB] = ".tch" },
	.open = tc_open,
	.close = tc_close,
	.get = tc_get,
	.put = tc_put,
	.del = tc_del,
	.scan = tc_scan,
	.begin = tc_begin,
	.commit = tc_commit,
	.abort = tc_abort,
	.sync = tc_sync,
	.stats = tc_stats,
};
