/* The local store: everything postie keeps about mail, per account.
 *
 * What it holds, per account: folders with their sync state; a summary of
 * every message (store/summary.h) keyed by folder and UID (IMAP) or local id
 * (POP3, local folders); message bodies (raw RFC 5322 bytes, compressed,
 * apart from the summaries so the index never loads them); the journal of
 * mailbox operations made offline; the outbox of messages waiting to be sent.
 * For IMAP accounts folders, summaries and bodies are a cache of the server.
 * For POP3 accounts, and for the journal and outbox of every account, the
 * store holds the only copy: it is primary data.
 *
 * Layout under the data dir (see doc/store.md for the record formats):
 *   lock                    the writer's pid; fcntl (OFD) lock, see store_open
 *   accounts/NAME/account   text: whether the account holds primary mail, engine
 *   accounts/NAME/meta.tcb  folders, summaries, POP3 UIDL index (KV_ORDERED)
 *   accounts/NAME/bodies.tch message bodies (KV_BLOB, compressed)
 *   accounts/NAME/queue.tcb journal and outbox, with their messages (KV_ORDERED)
 * The journal and outbox have a file of their own so that damage to the IMAP
 * cache, which can be rebuilt, never takes pending work with it.
 *
 * Processes: one writer per data dir. store_open() of a writer fails at once
 * with ERR_LOCKED ("already running (pid N)") while another writer or a reader
 * has it; read-only handles (STORE_READONLY, for command-line readers) share
 * with each other but not with a writer (the storage engine cannot serve
 * readers while a writer has its files open).
 *
 * Threads: a struct store may be shared; a struct store_acct is used by one
 * thread at a time (in practice the account's worker). Different accounts may
 * be used from different threads at once.
 *
 * Transactions: every write function here is atomic on its own (it commits
 * before returning, without waiting for the disk). To group writes, call
 * store_begin(), the writes, then store_commit() or store_abort() (also after
 * a write in the group failed); after a crash the group is there as a whole
 * or not at all. A commit with STORE_SYNC returns only when the changes are
 * on the disk: use it before acting on them (a POP3 DELE). Journal and outbox
 * changes always reach the disk before the call (or commit) returns; so do
 * all commits of an account that holds primary mail.
 *
 * A group may change the mail (folders, summaries, bodies) and the queue
 * (journal, outbox) together, e.g. an offline flag change and its journal
 * entry: they live in different files, and the group's changes to the mail
 * are also logged in the queue's commit, from which the next open completes
 * them if a crash came between the two commits. (Such a group's changes to
 * the mail must stay under 8 MB; larger ones, like a first sync, are for
 * mail alone.)
 *
 * Bodies and summaries in one group (store_msg_deliver) are committed bodies
 * first. A crash between the two leaves a body without its summary, which no
 * function returns (a body exists only with its summary) and store_compact()
 * drops.
 *
 * Errors: -1 and a struct err. ERR_LOCKED: another process (or handle) has
 * the store. ERR_STORE: a file is damaged or of an unknown format; the message
 * says what to do. ERR_NOT_FOUND: no such account or folder where one is
 * required. ERR_USAGE: a programming error (e.g. a write on a read-only
 * handle). Lookups return 1 (found), 0 (absent) or -1.
 *
 * Ownership: structs filled by the store (folders, summaries, journal and
 * outbox entries) belong to the caller, who releases them with the matching
 * _release function; const pointers passed in are only read during the call. */
#ifndef POSTIE_STORE_STORE_H
#define POSTIE_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/summary.h"
#include "util/array.h"

struct buf;
struct err;
struct store;
struct store_acct;

/* ---- The data dir ---- */

enum store_open_flags {
	STORE_READONLY = 1 << 0,
};

/* Opens (for a writer: creates) the data dir and takes its lock. Fails with
 * ERR_LOCKED, naming the pid, when another writer has it, or when this is a
 * writer and a read-only command is running. *store_r is freed by
 * store_close(), which the caller calls after closing every account. */
int store_open(const char *data_dir, unsigned flags, struct store **store_r, struct err *err);
void store_close(struct store **store);
const char *store_data_dir(const struct store *store);
bool store_is_readonly(const struct store *store);

/* The accounts that have a directory in the store, sorted, as new strings
 * appended to names (caller frees each). */
typedef ARRAY(char *) store_names;
int store_list_accounts(struct store *store, store_names *names, struct err *err);
void store_names_release(store_names *names);

/* ---- Accounts ---- */

enum store_acct_kind {
	STORE_ACCT_CACHE,    /* IMAP: folders, summaries and bodies mirror a server */
	STORE_ACCT_PRIMARY,  /* POP3: the store holds the only copy of the mail */
};

enum store_acct_flags {
	STORE_ACCT_READONLY = 1 << 0,
	/* A damaged cache file of a STORE_ACCT_CACHE account is moved aside (to
	 * FILE.damaged-DATE, never deleted) and started afresh; store_acct_notice()
	 * says so. Without this flag such damage is an error. Never applies to
	 * primary data. */
	STORE_ACCT_REBUILD_CACHE = 1 << 1,
	/* Read-only, for rescuing mail: a file that cannot be opened is skipped
	 * instead of failing the open (its functions then find nothing). */
	STORE_ACCT_SALVAGE = 1 << 2,
};

/* Opens account name (a config file name: no '/', not starting with '.'),
 * creating its directory and files for a writer. kind is recorded: once an
 * account has held primary mail it is always treated as primary. Old formats
 * are migrated in place; a format from a newer postie is refused and left
 * untouched. Read-only opens need a read-only or writable store; writable
 * opens a writable store. Missing account with STORE_ACCT_READONLY:
 * ERR_NOT_FOUND. Opening an account twice at a time is refused (ERR_LOCKED). */
int store_acct_open(struct store *store, const char *name, enum store_acct_kind kind,
		    unsigned flags, struct store_acct **acct_r, struct err *err);
/* Aborts an open group and closes; *acct is NULL afterwards. */
void store_acct_close(struct store_acct **acct);
const char *store_acct_name(const struct store_acct *acct);
bool store_acct_is_primary(const struct store_acct *acct);
/* A message for the user about something the open did (a damaged cache moved
 * aside, a migration), or NULL. Owned by acct. */
const char *store_acct_notice(const struct store_acct *acct);

/* ---- Transactions ---- */

enum store_sync { STORE_NOSYNC, STORE_SYNC };

int store_begin(struct store_acct *acct, struct err *err);
int store_commit(struct store_acct *acct, enum store_sync sync, struct err *err);
void store_abort(struct store_acct *acct);
/* Makes everything committed so far durable against power loss. */
int store_sync(struct store_acct *acct, struct err *err);

/* ---- Folders ---- */

enum store_role {
	ROLE_NONE, ROLE_INBOX, ROLE_SENT, ROLE_DRAFTS, ROLE_TRASH, ROLE_JUNK,
	ROLE_ARCHIVE, ROLE_ALL, ROLE_FLAGGED,
};
#define STORE_ROLE_MAX ROLE_FLAGGED

enum store_folder_attr {
	FOLDER_NOSELECT = 1 << 0,    /* a level of the hierarchy, holds no mail */
	FOLDER_SUBSCRIBED = 1 << 1,
	/* The server said it is not subscribed (or the user unsubscribed it).
	 * Folders made elsewhere (local folders, imports) have neither bit. */
	FOLDER_UNSUBSCRIBED = 1 << 2,
};

struct store_folder {
	uint32_t id;             /* given by the store; never reused in an account */
	char *name;              /* UTF-8 (IMAP names already decoded); owned */
	char delim;              /* hierarchy delimiter, '\0' when flat */
	enum store_role role;    /* special use (RFC 6154) */
	unsigned attrs;          /* enum store_folder_attr */
	uint32_t uidvalidity;    /* 0 until known */
	uint32_t uidnext;
	uint64_t highestmodseq;
	int64_t last_full_check; /* when a full sync last completed; 0 never */
	/* Kept by the store; ignored by store_folder_update(). */
	uint32_t n_messages;
	uint32_t n_unseen;
	uint32_t next_local_id;  /* above every UID in the folder */
	uint32_t epoch;          /* bumped by store_folder_clear(); part of body keys */
	/* The server's counts (STATUS) of a folder never synced (uidvalidity
	 * 0), for folder lists; written by store_folder_update().
	 * store_folder_list() gives them as n_messages and n_unseen while the
	 * folder holds no summary. */
	uint32_t status_messages, status_unseen;
};

typedef ARRAY(struct store_folder) store_folders;

void store_folder_release(struct store_folder *f);
void store_folders_release(store_folders *list);
/* Whether a folder is shown in folder lists: the store keeps every folder
 * the server has, subscribed or not; with subscribed_only (the account's
 * key) those marked FOLDER_UNSUBSCRIBED are left out, unless they have a
 * special use (INBOX, Sent, Trash, ...), which postie needs whatever the
 * subscriptions say. */
bool store_folder_listed(const struct store_folder *f, bool subscribed_only);
/* Sets FOLDER_SUBSCRIBED and clears FOLDER_UNSUBSCRIBED, or the reverse. */
void store_folder_set_subscribed(struct store_folder *f, bool subscribed);
/* Drops (and releases) the folders of list that are not listed. */
void store_folders_keep_listed(store_folders *list, bool subscribed_only);

/* By name or by id: 1 and *f_r filled, 0 when there is none. */
int store_folder_get(struct store_acct *acct, const char *name, struct store_folder *f_r,
		     struct err *err);
int store_folder_get_id(struct store_acct *acct, uint32_t id, struct store_folder *f_r,
			struct err *err);
/* The folder called name, created (empty, no sync state) when missing:
 * returns 1 if it was created, 0 if it existed; *f_r is filled either way. */
int store_folder_ensure(struct store_acct *acct, const char *name, struct store_folder *f_r,
			struct err *err);
/* Writes f's sync state, role, attributes and delimiter to folder f->id. */
int store_folder_update(struct store_acct *acct, const struct store_folder *f,
			struct err *err);
/* Renaming onto an existing name fails with ERR_USAGE. */
int store_folder_rename(struct store_acct *acct, uint32_t id, const char *new_name,
			struct err *err);
/* Deletes the folder with its summaries and bodies. */
int store_folder_remove(struct store_acct *acct, uint32_t id, struct err *err);
/* Deletes every message (summaries and bodies) and resets the sync state and
 * counters, keeping the folder: for a changed UIDVALIDITY. */
int store_folder_clear(struct store_acct *acct, uint32_t id, struct err *err);
/* Every folder, sorted by name. */
int store_folder_list(struct store_acct *acct, store_folders *list, struct err *err);

/* ---- Message summaries ---- */

/* Inserts or replaces (same uid) summaries; v need not be sorted. uid 0 is
 * refused. The folder's counters follow. */
int store_msg_put(struct store_acct *acct, uint32_t folder, const struct msg_summary *v,
		  size_t n, struct err *err);
/* 1 and *s_r filled (released first), or 0. */
int store_msg_get(struct store_acct *acct, uint32_t folder, uint32_t uid,
		  struct msg_summary *s_r, struct err *err);

/* A flag change: flags become exactly `flags`; modseq is set when not 0;
 * keywords are replaced when set_keywords. */
struct store_flag_change {
	uint32_t uid;
	uint32_t flags;
	uint64_t modseq;
	bool set_keywords;
	const char *const *keywords;
	size_t n_keywords;
};
/* Applies changes; UIDs the store does not have are skipped. Returns how many
 * summaries changed. */
int store_msg_set_flags(struct store_acct *acct, uint32_t folder,
			const struct store_flag_change *v, size_t n, struct err *err);
/* Deletes summaries and bodies (expunge); missing UIDs are skipped. Returns
 * how many were deleted. */
int store_msg_delete(struct store_acct *acct, uint32_t folder, const uint32_t *uids, size_t n,
		     struct err *err);
/* A new local id for a POP3 or local message in folder (never handed out
 * before in that folder). */
int store_msg_new_local_id(struct store_acct *acct, uint32_t folder, uint32_t *id_r,
			   struct err *err);
/* The local id of the message downloaded under POP3 UIDL uidl: 1 and *uid_r,
 * or 0. */
int store_msg_find_uidl(struct store_acct *acct, uint32_t folder, const char *uidl,
			uint32_t *uid_r, struct err *err);

/* Called with each summary of a scan, in UID order; s is valid during the
 * call only. Return 0 to go on, 1 to stop, -1 to fail (fill err). */
typedef int store_msg_fn(const struct msg_summary *s, void *aux, struct err *err);
/* Visits the summaries with uid >= from_uid. */
int store_msg_scan(struct store_acct *acct, uint32_t folder, uint32_t from_uid,
		   store_msg_fn *fn, void *aux, struct err *err);

/* The UIDs of folder, ascending, appended to uids (no summary is decoded:
 * cheap enough to compare with the server's list after every select). */
typedef ARRAY(uint32_t) store_uids;
int store_msg_uids(struct store_acct *acct, uint32_t folder, store_uids *uids,
		   struct err *err);
/* The same for the UIDs >= from_uid only: reads just the chunks that hold
 * them (a sync asking "anything stored past UIDNEXT?" of a large folder). */
int store_msg_uids_from(struct store_acct *acct, uint32_t folder, uint32_t from_uid,
			store_uids *uids, struct err *err);

/* Stores a downloaded message (POP3, local delivery): body and summary
 * together, the body durably first. s->uid 0 gets a new local id (written
 * back to s->uid). With STORE_SYNC the message is on disk when this returns
 * (inside a group: when store_commit() returns). */
int store_msg_deliver(struct store_acct *acct, uint32_t folder, struct msg_summary *s,
		      const void *body, size_t len, struct err *err);

/* ---- POP3: downloaded messages the server may still hold ----
 *
 * One record per UIDL (for servers without UIDL: per digest) that a POP3
 * account has stored, kept apart from the summaries so that moving or
 * deleting the local copy never makes a message new again. The POP3 code
 * writes it in the same group as the delivery (store_msg_deliver) and removes
 * it once the server no longer lists the UIDL; so the records are bounded by
 * what the server holds. */

enum store_pop3_flags {
	/* The user deleted the local copy and the account says
	 * delete_on_server_when_deleted: DELE it at the next chance. */
	STORE_POP3_DELETE = 1 << 0,
};
#define STORE_POP3_FLAGS_ALL 1u

struct store_pop3_msg {
	char *uidl;              /* owned */
	int64_t downloaded;      /* when it was stored (seconds since the epoch) */
	uint32_t folder, uid;    /* where it was delivered; it may have moved since */
	unsigned flags;          /* enum store_pop3_flags */
};

void store_pop3_msg_release(struct store_pop3_msg *m);
/* 1 and *m_r filled (released first), or 0. */
int store_pop3_get(struct store_acct *acct, const char *uidl, struct store_pop3_msg *m_r,
		   struct err *err);
/* Inserts or replaces the record of m->uidl. */
int store_pop3_put(struct store_acct *acct, const struct store_pop3_msg *m, struct err *err);
/* Removes it; a missing one is fine. */
int store_pop3_del(struct store_acct *acct, const char *uidl, struct err *err);
/* Visits every record, in UIDL byte order; m is valid during the call only.
 * The callback must not write to the store (collect, then write). */
typedef int store_pop3_fn(const struct store_pop3_msg *m, void *aux, struct err *err);
int store_pop3_scan(struct store_acct *acct, store_pop3_fn *fn, void *aux, struct err *err);

/* ---- Bodies ---- */

/* The raw message (RFC 5322 bytes as received). */
int store_body_put(struct store_acct *acct, uint32_t folder, uint32_t uid, const void *data,
		   size_t len, struct err *err);
/* 1 with the message in out (replacing its content), 0 if not stored. */
int store_body_get(struct store_acct *acct, uint32_t folder, uint32_t uid, struct buf *out,
		   struct err *err);
int store_body_del(struct store_acct *acct, uint32_t folder, uint32_t uid, struct err *err);
/* Appends the UIDs of folder's messages whose body is stored, in no
 * particular order, without reading the bodies. */
int store_body_uids(struct store_acct *acct, uint32_t folder, store_uids *uids,
		    struct err *err);

/* ---- Journal: mailbox operations made offline, replayed in order ---- */

enum store_op_kind {
	OP_FLAGS,    /* add flags_add/kw_add, remove flags_del/kw_del on uids */
	OP_MOVE,     /* uids to folder dest */
	OP_COPY,     /* uids to folder dest */
	OP_EXPUNGE,  /* delete uids for good (\Deleted + UID EXPUNGE) */
	OP_APPEND,   /* the op's message to folder dest (e.g. a copy to Sent) */
};
#define STORE_OP_KIND_MAX OP_APPEND

struct store_op {
	uint64_t seq;            /* given by store_journal_add(); the replay order */
	enum store_op_kind kind;
	uint32_t folder;         /* source folder id (OP_APPEND: 0) */
	uint32_t uidvalidity;    /* of folder when the op was made: void if it changed */
	uint32_t *uids;
	size_t n_uids;
	uint32_t flags_add, flags_del;
	char **kw_add, **kw_del;
	size_t n_kw_add, n_kw_del;
	char *dest;              /* destination folder name (MOVE, COPY, APPEND) */
	uint32_t append_flags;   /* OP_APPEND: flags of the appended message */
	int64_t created;
	uint32_t attempts;
	char *last_error;        /* why the last replay failed; NULL */
	/* MOVE, COPY, APPEND: the destination's UIDVALIDITY and UIDNEXT, noted
	 * (with store_journal_update) right before the op is sent; 0 until
	 * then. An attempt whose answer was lost may have been carried out:
	 * what it made in the destination has a UID of at least dest_uidnext,
	 * so the next attempt can look before making a second copy. */
	uint32_t dest_uidvalidity, dest_uidnext;
};

typedef ARRAY(struct store_op) store_ops;

void store_op_release(struct store_op *op);
void store_ops_release(store_ops *list);

/* Appends op (its seq is set, written back to op->seq); msg is the message of
 * an OP_APPEND (NULL otherwise). Durable when it returns (or at commit). */
int store_journal_add(struct store_acct *acct, struct store_op *op, const void *msg,
		      size_t len, struct err *err);
/* Every pending op in seq order. */
int store_journal_list(struct store_acct *acct, store_ops *list, struct err *err);
/* The message of an OP_APPEND: 1 and out, or 0. */
int store_journal_message(struct store_acct *acct, uint64_t seq, struct buf *out,
			  struct err *err);
/* Rewrites an op's attempts, last_error, dest_uidvalidity and dest_uidnext
 * (the rest is fixed). */
int store_journal_update(struct store_acct *acct, const struct store_op *op, struct err *err);
/* Removes a replayed (or abandoned) op and its message. */
int store_journal_remove(struct store_acct *acct, uint64_t seq, struct err *err);

/* ---- Outbox: messages waiting to be sent ---- */

enum store_outbox_state {
	OUTBOX_QUEUED,    /* waiting for its next attempt */
	OUTBOX_SENDING,   /* an attempt was under way (after a crash: maybe sent) */
	OUTBOX_SENT,      /* accepted by the server; waiting for post-send work */
	OUTBOX_FAILED,    /* given up (permanent failure): needs the user */
	OUTBOX_HELD,      /* kept back by the user */
};
#define STORE_OUTBOX_STATE_MAX OUTBOX_HELD

enum store_rcpt_state { RCPT_PENDING, RCPT_ACCEPTED, RCPT_TEMPFAIL, RCPT_REJECTED };

struct store_rcpt {
	char *addr;
	enum store_rcpt_state state;
	int code;                /* the server's reply code, 0 before any */
	char *reply;             /* the server's reply text; NULL */
};

struct store_outbox_entry {
	uint64_t id;             /* given by store_outbox_add() */
	enum store_outbox_state state;
	char *envelope_from;
	struct store_rcpt *rcpts;
	size_t n_rcpts;
	char *fcc;               /* folder to save a copy in after sending; NULL */
	int64_t created;
	uint32_t attempts;
	int64_t next_attempt;    /* not before this time; 0: at once */
	char *last_error;        /* NULL */
	uint64_t size;           /* of the message; set by store_outbox_add() */
};

typedef ARRAY(struct store_outbox_entry) store_outbox_entries;

void store_outbox_entry_release(struct store_outbox_entry *e);
void store_outbox_entries_release(store_outbox_entries *list);
/* Adds a recipient (copied) to e. */
void store_outbox_entry_add_rcpt(struct store_outbox_entry *e, const char *addr);

/* Queues the message msg (the exact bytes to send) with the state in e; sets
 * e->id and e->size. Durable when it returns (inside a group: at commit). */
int store_outbox_add(struct store_acct *acct, struct store_outbox_entry *e, const void *msg,
		     size_t len, struct err *err);
int store_outbox_list(struct store_acct *acct, store_outbox_entries *list, struct err *err);
int store_outbox_get(struct store_acct *acct, uint64_t id, struct store_outbox_entry *e_r,
		     struct err *err);
/* The message: 1 and out, or 0. */
int store_outbox_message(struct store_acct *acct, uint64_t id, struct buf *out,
			 struct err *err);
/* Rewrites the entry's state, recipients and retry data. Durable. */
int store_outbox_update(struct store_acct *acct, const struct store_outbox_entry *e,
			struct err *err);
int store_outbox_remove(struct store_acct *acct, uint64_t id, struct err *err);

/* ---- Maintenance ---- */

struct store_check_report {
	store_names problems;   /* one line each, for the user */
	store_names notes;      /* facts worth a mention (orphan bodies ...) */
	uint32_t folders, messages, chunks, bodies, orphan_bodies, journal, outbox;
	uint64_t bytes;             /* size of the account's files */
};

void store_check_report_release(struct store_check_report *r);
/* Reads every record of the account and checks it: every summary decodes
 * and passes its checksum, chunks are in order and do not overlap, folder
 * counters match, every UIDL entry points at its summary, every journal and
 * outbox entry decodes and has its message. Returns 0 after a complete
 * check (problems, if any, are in the report), -1 when it could not run. */
int store_check(struct store_acct *acct, struct store_check_report *r, struct err *err);

struct store_compact_stats {
	uint64_t bytes_before, bytes_after;
	uint32_t bodies_dropped;    /* bodies with no summary (cache accounts only) */
};
/* Rewrites the account's files without free space and with full summary
 * records. The account must not be open; the store must be writable. A
 * crash during compaction leaves the old files in place. */
int store_compact(struct store *store, const char *name, struct store_compact_stats *st,
		  struct err *err);

#endif
