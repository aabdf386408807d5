/* A small key-value interface under the store, so the storage engine can be
 * replaced by adding one file.
 *
 * A kv is one file holding records: a key and a value, both arbitrary bytes
 * (keys up to KV_KEY_MAX bytes). Two kinds of file exist:
 *   KV_ORDERED  keys kept in bytewise order; scans run in key order, forwards
 *               or backwards. For metadata: many small or medium records.
 *   KV_BLOB     no order; values may be large and are compressed by the engine.
 *               For message bodies.
 *
 * Transactions: every write (put, del) happens between kv_begin() and
 * kv_commit()/kv_abort(); a write outside one is refused. A transaction is
 * all or nothing even when the process is killed: a file reopened after a
 * crash holds every committed transaction and no part of an uncommitted one.
 * A commit survives the death of the process at once. It survives a power
 * failure only once kv_sync() has returned, or at once for a file opened with
 * KV_SYNC_COMMITS (each commit then waits for the disk). Reads see the
 * transaction's own writes.
 *
 * Locking: one writer per file, across processes and inside one process;
 * opening a file some other handle already has open as a writer fails at once
 * with ERR_LOCKED, never blocks. Read-only handles may share a file with each
 * other.
 *
 * Threads: a kv handle may be used by one thread at a time.
 *
 * Errors: every failure fills the struct err with a message that names the
 * file. ERR_LOCKED: another handle has the file. ERR_NOT_FOUND: opening a
 * missing file without KV_CREATE. ERR_STORE: the file cannot be used (damaged,
 * not a database, I/O failure), with the engine's words.
 *
 * Engines: each is a const struct kv_ops in its own file (kv_tc.c for Tokyo
 * Cabinet), listed in kv_backends[] (kv.c). The contract above is checked for
 * every entry by tests/unit/test-kv.c. */
#ifndef POSTIE_STORE_KV_H
#define POSTIE_STORE_KV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct err;

#define KV_KEY_MAX 1024

enum kv_kind { KV_ORDERED, KV_BLOB };

enum kv_open_flags {
	KV_READONLY = 1 << 0,
	KV_CREATE = 1 << 1,        /* create the file if missing (writers only) */
	KV_SYNC_COMMITS = 1 << 2,  /* every commit reaches the disk before it returns */
};

/* Hints used when a file is created; 0 means the engine's default. */
struct kv_tuning {
	uint64_t expected_records;
};

/* Called for each record a scan visits. key and val point into the engine's
 * memory and are valid only during the call; the callback must not write to
 * the same kv. Returns 0 to go on, 1 to stop the scan (which then returns 0),
 * -1 to fail it (the scan returns -1; the callback has filled err). */
typedef int kv_scan_fn(const void *key, size_t klen, const void *val, size_t vlen,
		       void *aux, struct err *err);

enum kv_scan_flags {
	KV_SCAN_REVERSE = 1 << 0,  /* KV_ORDERED only: descending key order */
	KV_SCAN_KEYS = 1 << 1,     /* keys only: val is NULL, vlen 0 (cheaper) */
};

struct kv_stats {
	uint64_t records;
	uint64_t file_bytes;
};

/* The common head of every engine's handle. */
struct kv {
	const struct kv_ops *ops;
	char *path;
	enum kv_kind kind;
	unsigned flags;
	bool in_txn;
	struct buf *recorder;   /* see kv_set_recorder() */
	size_t recorder_limit;
	bool recorder_overflow;
};

/* What an engine implements. The wrappers below check the arguments and the
 * transaction state before calling these, so engines can assume: writes only
 * inside a transaction on a writable handle, begin never nested, start keys
 * only with KV_ORDERED. Each returns -1 and fills err on failure. */
struct kv_ops {
	const char *name;
	/* File name suffix of each kind, e.g. ".tcb"; used by callers to name files. */
	const char *suffix[2];
	/* Allocates the handle (whose struct kv head the wrapper fills). */
	int (*open)(const char *path, enum kv_kind kind, unsigned flags,
		    const struct kv_tuning *tuning, struct kv **kv_r, struct err *err);
	/* Aborts an open transaction and frees the handle even when it fails. */
	int (*close)(struct kv *kv, struct err *err);
	/* 1 with the value in val (replacing its content), 0 if absent. */
	int (*get)(struct kv *kv, const void *key, size_t klen, struct buf *val, struct err *err);
	int (*put)(struct kv *kv, const void *key, size_t klen, const void *val, size_t vlen,
		   struct err *err);
	/* 1 if a record was deleted, 0 if there was none. */
	int (*del)(struct kv *kv, const void *key, size_t klen, struct err *err);
	int (*scan)(struct kv *kv, const void *prefix, size_t plen, const void *start,
		    size_t slen, unsigned flags, kv_scan_fn *fn, void *aux, struct err *err);
	int (*begin)(struct kv *kv, struct err *err);
	int (*commit)(struct kv *kv, struct err *err);
	int (*abort)(struct kv *kv, struct err *err);
	int (*sync)(struct kv *kv, struct err *err);
	int (*stats)(struct kv *kv, struct kv_stats *st, struct err *err);
};

/* The engines, one file each. */
extern const struct kv_ops kv_tc_ops;     /* kv_tc.c: Tokyo Cabinet */

/* Every engine, NULL-ended; the first is the default for new stores. */
extern const struct kv_ops *const kv_backends[];
const struct kv_ops *kv_backend_find(const char *name);
const struct kv_ops *kv_backend_default(void);

/* Opens path (see enum kv_open_flags); *kv_r is freed by kv_close(). tuning
 * may be NULL. */
int kv_open(const struct kv_ops *ops, const char *path, enum kv_kind kind, unsigned flags,
	    const struct kv_tuning *tuning, struct kv **kv_r, struct err *err);
/* Aborts any open transaction, closes and frees; *kv is NULL afterwards even
 * when closing reports an error. NULL is allowed. */
int kv_close(struct kv **kv, struct err *err);

/* 1 found (value in val), 0 absent, -1 error. */
int kv_get(struct kv *kv, const void *key, size_t klen, struct buf *val, struct err *err);
int kv_put(struct kv *kv, const void *key, size_t klen, const void *val, size_t vlen,
	   struct err *err);
/* 1 deleted, 0 absent, -1 error. */
int kv_del(struct kv *kv, const void *key, size_t klen, struct err *err);

/* Visits the records whose key starts with prefix[0..plen) (plen 0: all).
 * KV_ORDERED: in key order; with start, from the first key >= start (or,
 * with KV_SCAN_REVERSE, from the last key <= start); start must itself begin
 * with prefix. KV_BLOB: in no particular order; start and KV_SCAN_REVERSE are
 * refused with ERR_UNSUPPORTED. */
int kv_scan(struct kv *kv, const void *prefix, size_t plen, const void *start, size_t slen,
	    unsigned flags, kv_scan_fn *fn, void *aux, struct err *err);

int kv_begin(struct kv *kv, struct err *err);
int kv_commit(struct kv *kv, struct err *err);
/* Undoes every write since kv_begin(). */
int kv_abort(struct kv *kv, struct err *err);
/* Makes every committed transaction durable against power loss. */
int kv_sync(struct kv *kv, struct err *err);
int kv_stats(struct kv *kv, struct kv_stats *st, struct err *err);

/* While log is set, every successful kv_put() and kv_del() on kv is also
 * appended to it ('P' uvar klen key uvar vlen value, or 'D' uvar klen key),
 * so the writes can be replayed (kv_replay()). NULL stops recording. When
 * the log would grow past limit bytes, recording stops and
 * kv->recorder_overflow is set. */
void kv_set_recorder(struct kv *kv, struct buf *log, size_t limit);
/* Applies a log of kv_set_recorder() to kv (inside a transaction). A garbled
 * log is refused before anything is written. */
int kv_replay(struct kv *kv, const void *log, size_t len, struct err *err);

const char *kv_path(const struct kv *kv);
/* false for NULL */
bool kv_in_txn(const struct kv *kv);

#endif
