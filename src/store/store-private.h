/* Shared by the files of src/store only.
 *
 * Record formats (all integers in keys big-endian so key order is numeric
 * order; see codec.h for values):
 *
 * meta (KV_ORDERED), format version META_VERSION:
 *   "\0format"            file header: FORMAT_MAGIC, kind 'M', version
 *   "\0next-folder"       uvar: the next folder id
 *   'F' id32              folder record (folder.c)
 *   'N' name              id32: folder by name
 *   'S' folder32 base32   a chunk of up to CHUNK_MAX summaries with base <=
 *                         uid < the next chunk's base (chunk.c)
 *   'U' folder32 uidl     uvar uid: POP3 UIDL index
 *   'P' uidl              u8 1, svar downloaded, uvar flags, folder, uid: a
 *                         downloaded POP3 message the server may hold (pop3.c)
 *   'M' folder32 uid32    version 1 only: one summary per record (migrate.c)
 * bodies (KV_BLOB), version 1:
 *   "\0format"            file header, kind 'B'
 *   'B' folder32 epoch32 uid32   u8 1, then the raw message; epoch is the
 *                         folder's, so bodies of a cleared folder (and any a
 *                         crash left without a summary) are never reached
 * queue (KV_ORDERED), version 1:
 *   "\0format"            file header, kind 'Q'
 *   "\0next-seq", "\0next-outbox"   uvar counters
 *   'J' seq64 / 'j' seq64 journal op / its message
 *   'O' id64 / 'o' id64   outbox entry / its message */
#ifndef POSTIE_STORE_PRIVATE_H
#define POSTIE_STORE_PRIVATE_H

#include <pthread.h>

#include "store/codec.h"
#include "store/kv.h"
#include "store/store.h"
#include "util/buf.h"

#define FORMAT_KEY "\0format"
#define FORMAT_KEY_LEN 7
#define FORMAT_MAGIC "postie-store"
#define META_VERSION 2
#define BODIES_VERSION 1
#define QUEUE_VERSION 1

/* A chunk is written out when it holds this many summaries or bytes. */
#define CHUNK_MAX 256
#define CHUNK_BYTES_MAX (64 * 1024)
#define CHUNK_FORMAT 2
/* Summaries of one record: version 2 (chunk entries) and 1 (migrate.c). */
#define SUMMARY_MAX_STRING (1u << 24)

enum store_file { FILE_META, FILE_BODIES, FILE_QUEUE, FILE_COUNT };

struct store {
	char *dir;
	int lock_fd;
	bool readonly;
	pthread_mutex_t mu;          /* guards open_accts */
	store_names open_accts;
};

struct body_ref {
	uint32_t folder, epoch, uid;
};

struct store_acct {
	struct store *store;
	char *name;
	char *dir;
	bool readonly, primary;
	const struct kv_ops *engine;
	struct kv *kv[FILE_COUNT];   /* NULL only for a file skipped in salvage mode */
	bool group;                  /* inside store_begin() */
	char *notice;
	struct buf key, val;         /* scratch */
	/* Bodies of messages deleted in the open group: removed after the group
	 * has committed, so that a crash never leaves a summary without its body
	 * (only, harmlessly, a body without a summary). */
	ARRAY(struct body_ref) dead_bodies;
	/* The meta writes of the open group, kept in case it also changes the
	 * queue: see redo.c. */
	struct buf redo;
};

/* acct.c */
const char *store_file_name(enum store_file f);
/* The kv of file f, inside a transaction (started on first use in a group).
 * Fails on read-only accounts. */
struct kv *acct_kv_write(struct store_acct *a, enum store_file f, struct err *err);
/* The kv of file f for reading, or NULL with ERR_NOT_FOUND when salvage mode
 * skipped it. */
struct kv *acct_kv_read(struct store_acct *a, enum store_file f, struct err *err);
/* Wraps a write function:
 *	int own = acct_write_start(a, err);
 *	if (own < 0) return -1;
 *	return acct_write_end(a, own, do_the_writes(...), err);
 * start() opens a group of the function's own (returns 1) unless the caller
 * has one open (returns 0); end() commits an own group, or aborts it when
 * r < 0, and returns r or -1. */
int acct_write_start(struct store_acct *a, struct err *err);
int acct_write_end(struct store_acct *a, int own, int r, struct err *err);
int acct_write_end_sync(struct store_acct *a, int own, int r, enum store_sync sync,
			struct err *err);
void acct_note(struct store_acct *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* format.c: the header record every file starts with. */
int format_write(struct kv *kv, char kind, uint32_t version, struct err *err);
/* 1 and *version_r, 0 if the file has no header (a new, empty file), -1 on a
 * garbled header or a kind that is not `kind`. */
int format_read(struct kv *kv, char kind, uint32_t *version_r, struct err *err);
/* uvar counters under "\0NAME" keys. */
int counter_next(struct kv *kv, const char *name, uint64_t first, uint64_t *v_r,
		 struct err *err);

/* folder.c */
int folder_load(struct store_acct *a, uint32_t id, struct store_folder *f, struct err *err);
int folder_save(struct store_acct *a, const struct store_folder *f, struct err *err);
void folder_encode(struct buf *b, const struct store_folder *f, bool with_counters);
int folder_decode(const void *p, size_t n, struct store_folder *f, bool with_counters);
void folder_key(struct buf *key, uint32_t id);

/* summary_codec.c */
/* A decoded summary whose strings point into the encoded bytes. */
struct summary_view {
	uint32_t uid, flags, size;
	bool has_attachment;
	int64_t date, internaldate;
	uint64_t modseq;
	struct str_slice from, to, cc, subject, message_id, in_reply_to, references, uidl;
	size_t n_keywords;
	struct dec keywords;   /* read them with summary_view_keyword() */
};

void summary_encode(struct buf *b, const struct msg_summary *s);
/* The eight strings, from to uidl, in the order both formats keep them. */
void summary_encode_strings(struct buf *b, const struct msg_summary *s);
/* Checks and decodes one encoded summary; -1 if garbled. strict also
 * refuses strings holding a NUL (which the encoder never writes: only
 * damage, which the chunk checksum catches first, puts one there). */
int summary_view_decode(const void *p, size_t n, bool strict, struct summary_view *v);
/* The next of v->n_keywords keywords. */
struct str_slice summary_view_keyword(struct summary_view *v);
/* Fills s (which must be empty) from one encoded summary; -1 if garbled. */
int summary_decode(const void *p, size_t n, struct msg_summary *s);
/* The uid of an encoded summary, without decoding the rest; 0 if garbled. */
uint32_t summary_peek_uid(const void *p, size_t n);

/* chunk.c: the summaries of a folder in 'S' records. */
struct chunk_entry {
	uint32_t uid;
	uint32_t off, len;           /* the encoded summary in chunk.data */
};

struct chunk {
	uint32_t folder;
	uint32_t base;               /* key of the record: every uid >= base */
	uint32_t disk_base;          /* key it was read under; valid when on_disk */
	bool on_disk;
	bool has_next;
	uint32_t next_base;          /* every uid < next_base when has_next */
	bool dirty;
	struct buf data;
	ARRAY(struct chunk_entry) e; /* sorted by uid */
};

void chunk_key(struct buf *key, uint32_t folder, uint32_t base);
void chunk_init(struct chunk *c);
void chunk_release(struct chunk *c);
/* Parses an encoded chunk record into c's entries; -1 and a reason if garbled. */
int chunk_parse(struct chunk *c, const void *val, size_t len, const char **why_r);
/* Loads the chunk that holds (or would hold) uid; *c is reset first. */
int chunk_load(struct store_acct *a, uint32_t folder, uint32_t uid, struct chunk *c,
	       struct err *err);
/* Whether uid belongs in the loaded chunk c. */
bool chunk_covers(const struct chunk *c, uint32_t uid);
/* Index of uid in c->e, or -1. */
long chunk_find(const struct chunk *c, uint32_t uid);
/* Inserts or replaces the encoded summary s at its place. */
void chunk_set(struct chunk *c, const struct msg_summary *s);
void chunk_remove(struct chunk *c, size_t i);
/* Writes c back if it changed (splitting it when too big; deleting it when
 * empty). c must be loaded again before further use. */
int chunk_flush(struct store_acct *a, struct chunk *c, struct err *err);
/* The same, unconditionally, to kv (inside a transaction). */
int chunk_write(struct kv *kv, struct chunk *c, struct err *err);
/* Encodes entries [from, to) of c as a record value into out. */
void chunk_encode(const struct chunk *c, size_t from, size_t to, struct buf *out);
/* Entry i as a pointer and length. */
static inline const void *chunk_entry_data(const struct chunk *c, size_t i)
{
	return c->data.data + c->e.v[i].off;
}

/* body.c */
void body_key(struct buf *key, uint32_t folder, uint32_t epoch, uint32_t uid);
/* Deletes a body at once. */
int body_del(struct store_acct *a, uint32_t folder, uint32_t epoch, uint32_t uid,
	     struct err *err);
/* Deletes a body once the group has committed (see dead_bodies). */
void body_del_later(struct store_acct *a, uint32_t folder, uint32_t epoch, uint32_t uid);
/* Runs the deletes body_del_later() queued; called after a commit. */
void body_del_pending(struct store_acct *a);
int body_delete_folder(struct store_acct *a, uint32_t folder, uint32_t epoch,
		       struct err *err);

/* msgs.c */
void uidl_key(struct buf *key, uint32_t folder, const char *uidl);
/* Deletes every summary and UIDL entry of a folder (bodies: the caller). */
int msgs_delete_folder(struct store_acct *a, uint32_t folder, struct err *err);

/* pop3.c: decodes a 'P' record; -1 if garbled. */
int store_pop3_decode(const void *key, size_t klen, const void *val, size_t vlen,
		      struct store_pop3_msg *m);

/* journal.c and outbox.c: the queue file. */
void queue_key(struct buf *key, char tag, uint64_t id);
int queue_put_message(struct store_acct *a, char tag, uint64_t id, const void *msg,
		      size_t len, struct err *err);
int queue_get_message(struct store_acct *a, char tag, uint64_t id, struct buf *out,
		      struct err *err);
int queue_del(struct store_acct *a, char tag, uint64_t id, struct err *err);
int op_decode(const void *p, size_t n, uint64_t seq, struct store_op *op);
int outbox_decode(const void *p, size_t n, uint64_t id, struct store_outbox_entry *e);

/* migrate.c: brings meta from an older version to META_VERSION, in the
 * current transaction. */
int migrate_meta(struct store_acct *a, uint32_t from_version, struct err *err);
/* Version 1 summary records (kept for migration and its tests). */
int summary_v1_decode(const void *p, size_t n, struct msg_summary *s);
void summary_v1_encode(struct buf *b, const struct msg_summary *s);

/* redo.c: groups that change both the mail and the queue. The meta writes
 * of a group are kept up to this size; a larger group (a big sync) cannot
 * also change the queue. */
#define REDO_LIMIT (8u << 20)
/* Commits the open group; see store_commit(). */
int redo_commit(struct store_acct *a, enum store_sync sync, struct err *err);
/* Finishes a group a crash interrupted between its queue and meta commits. */
int redo_recover(struct store_acct *a, struct err *err);
/* Tests only: called between the queue's and meta's commits of a mixed
 * group, to play a crash there. NULL otherwise. */
extern void (*redo_test_hook)(void);

/* lock.c */
int lock_take(struct store *s, struct err *err);
void lock_release(struct store *s);

#endif
