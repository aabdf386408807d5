/* Inside the imap module: the session's libetpan handle and the error
 * mapping every IMAP command shares. */
#ifndef POSTIE_IMAP_PRIVATE_H
#define POSTIE_IMAP_PRIVATE_H

#include <libetpan/libetpan.h>

#include "imap/imap.h"
#include "net/net.h"
#include "util/buf.h"

struct imap_session {
	mailimap *imap;                 /* owns the stream, which owns conn */
	struct net_conn *conn;
	struct net_ctx *ctx;
	struct net_endpoint ep;         /* strings borrowed from the account */
	char *login_method;
	bool broken;
	char tag[16];                   /* of the command sent by hand (AUTHENTICATE) */
	struct buf caps;                /* for imap_session_capabilities() */
	bool login_caps;                /* the login's reply brought the capabilities */
};

/* Takes the capabilities of a reply's text "[CAPABILITY ...] ..." (RFC 3501
 * 7.1) as the session's; false when the text carries none. */
bool imap_session_caps_from_text(struct imap_session *s, const char *text);

/* The libetpan session, for the module's other files. */
static inline mailimap *imap_session_etpan(struct imap_session *s)
{
	return s->imap;
}

/* Turns the result r of a libetpan call into an error naming the server
 * and what it said; what names the command ("selecting INBOX"). Marks the
 * session broken when the stream is out of sync (I/O, parse error, BYE,
 * BAD). Returns -1 (0 for MAILIMAP_NO_ERROR*). */
int imap_error(struct imap_session *s, int r, const char *what, struct err *err);

/* Logs in on a connected session (auth.c). */
int imap_login(struct imap_session *s, struct err *err);
/* Reads the capabilities again (after STARTTLS and login). */
int imap_refresh_capabilities(struct imap_session *s, struct err *err);
/* Gives capability data libetpan left without a list an empty one (call
 * after each command whose reply may carry capabilities). */
void imap_caps_repair(struct imap_session *s);

/* ---- The driver (core/driver.h) over a session ---- */

#include "core/driver.h"
#include "store/store.h"
#include "util/array.h"

/* One FETCH response as libetpan parsed it. Pointers point into libetpan's
 * data and live only during the handler call (msgatt.c). */
struct imap_msg {
	uint32_t seq, uid;
	bool has_flags;
	uint32_t flags;                 /* enum msg_flag, without MSG_RECENT */
	const char **keywords;
	size_t n_keywords;
	uint64_t modseq;
	bool has_size;
	uint32_t size;
	int64_t internaldate;           /* 0 when not fetched */
	const char *header;             /* BODY[HEADER.FIELDS (...)], NULL when absent */
	size_t header_len;
	const char *body;               /* BODY[], NULL when absent */
	size_t body_len;
};

/* Flags of one message as the server reported them, owned. */
struct imap_flagrec {
	uint32_t uid;
	uint32_t flags;
	uint64_t modseq;
	char **keywords;
	size_t n_keywords;
};
typedef ARRAY(struct imap_flagrec) imap_flagrecs;
void imap_flagrec_release(struct imap_flagrec *r);
void imap_flagrecs_release(imap_flagrecs *v);
/* Appends m's UID, flags, keywords and MODSEQ (copied). */
void imap_add_flagrec(imap_flagrecs *v, const struct imap_msg *m);

/* What the FETCH handler does with each response of the running command. */
typedef void imap_msg_fn(void *aux, const struct imap_msg *m);

/* A folder's name as the server spells it (modified UTF-7), by store name. */
struct imap_name {
	char *utf8;
	char *wire;
};

/* What SELECT told (select.c). */
struct imap_selected {
	uint32_t folder;                /* store folder id; 0: nothing selected */
	char *wire;
	uint32_t uidvalidity, uidnext, exists;
	uint64_t modseq;                /* HIGHESTMODSEQ, 0 without CONDSTORE */
	bool qresync;                   /* selected with QRESYNC parameters */
	store_uids vanished;            /* QRESYNC: UIDs gone since our modseq */
};

struct imap_driver {
	struct driver *d;
	struct imap_session *s;         /* NULL when disconnected */
	bool qresync;                   /* ENABLE QRESYNC accepted on this session */
	bool condstore;
	struct imap_selected sel;
	ARRAY(struct imap_name) names;
	/* The FETCH handler's target; NULL: flag updates go to flagrecs. */
	imap_msg_fn *on_msg;
	void *on_msg_aux;
	imap_flagrecs flagrecs;         /* flag updates not asked for (or asked: flags fetches) */
	bool untagged_seen;             /* a FETCH without UID arrived (sequence numbers only) */
	store_uids vanished;            /* VANISHED read by wire.c, for the sync to apply */
	bool replaying;                 /* inside replay_journal (sync does not replay again) */
};

static inline struct imap_driver *imap_drv(struct driver *d)
{
	return d->priv;
}

/* driver.c */
/* Checks the result of a libetpan call like imap_error(); on a broken
 * session also drops it, so that connect() opens a new one. */
int imap_check(struct imap_driver *drv, int r, const char *what, struct err *err);
/* Fails with ERR_NET unless connected (connect() is the caller's job). */
int imap_need_session(struct imap_driver *drv, struct err *err);
/* The store's folder id into f, or -1 with ERR_NOT_FOUND. */
int imap_folder_load(struct imap_driver *drv, uint32_t id, struct store_folder *f,
		     struct err *err);
/* The server's name of a store folder name: from the last LIST, else encoded. */
char *imap_wire_name(struct imap_driver *drv, const char *utf8, struct err *err);
void imap_names_clear(struct imap_driver *drv);
void imap_names_add(struct imap_driver *drv, const char *utf8, const char *wire);
/* Reports a notice through the observer (printf-like). */
void imap_notice(struct imap_driver *drv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void imap_progress(struct imap_driver *drv, const char *what, uint64_t done, uint64_t total);

/* msgatt.c */
/* Installs the FETCH handler on a new session. */
void imap_install_handler(struct imap_driver *drv);
/* Runs fn for each FETCH response until imap_end_fetch(). */
void imap_begin_fetch(struct imap_driver *drv, imap_msg_fn *fn, void *aux);
void imap_end_fetch(struct imap_driver *drv);
/* Feeds one response (or a result list libetpan kept) through the handler. */
void imap_take_msg_att(struct imap_driver *drv, const struct mailimap_msg_att *ma);
void imap_take_fetch_list(struct imap_driver *drv, clist *list);
/* A libetpan flag list for flags and keywords (NULL when empty). */
struct mailimap_flag_list *imap_flag_list(uint32_t flags, char *const *keywords, size_t n);
/* A set of UIDs (any order, duplicates allowed) as ranges. */
struct mailimap_set *imap_uid_set(const uint32_t *uids, size_t n);
/* The UIDs in a set from the server (VANISHED, COPYUID), appended. */
void imap_set_uids(const struct mailimap_set *set, store_uids *out);

/* wire.c */
/* UID FETCH uids (items), sent with libetpan's next tag (into tag); the
 * responses are read and parsed without libetpan's parser by
 * imap_wire_read_fetch(), each FETCH handed to fn (see the file's comment).
 * Commands may be sent ahead: the server answers them in order, so the next
 * batch streams in while the last one is stored. */
int imap_wire_send_fetch(struct imap_driver *drv, const uint32_t *uids, size_t n,
			 const char *items, char tag[static 16], const char *what,
			 struct err *err);
/* The same for a set given as text ("1:500"), with FETCH modifiers
 * ("CHANGEDSINCE 12") or NULL. */
int imap_wire_send_fetch_set(struct imap_driver *drv, const char *set, const char *items,
			     const char *modifiers, char tag[static 16], const char *what,
			     struct err *err);
/* FETCH first:last (items) by sequence number, for the newest messages of
 * a folder whose UIDs are not known yet. */
int imap_wire_send_fetch_seq(struct imap_driver *drv, uint32_t first, uint32_t last,
			     const char *items, char tag[static 16], const char *what,
			     struct err *err);
/* fn NULL: FETCH responses with flags go to drv->flagrecs. */
int imap_wire_read_fetch(struct imap_driver *drv, const char *tag, imap_msg_fn *fn, void *aux,
			 const char *what, struct err *err);
/* The same while a UID SEARCH is pending besides it: a server may run
 * pipelined commands at once and answer the search first (Dovecot does);
 * its UIDs are appended to search. */
int imap_wire_read_fetch_search(struct imap_driver *drv, const char *tag, imap_msg_fn *fn,
				void *aux, store_uids *search, const char *what,
				struct err *err);
/* UID SEARCH UID from:to (to 0: *), with ESEARCH's compact answer where
 * the server has it; the UIDs appended to out (the server's "n:*" quirk
 * included: callers filter). */
int imap_wire_search(struct imap_driver *drv, uint32_t from, uint32_t to, store_uids *out,
		     const char *what, struct err *err);
/* The same in two halves, so that other commands can be sent in between. */
int imap_wire_send_search(struct imap_driver *drv, uint32_t from, uint32_t to,
			  char tag[static 16], const char *what, struct err *err);
int imap_wire_read_search(struct imap_driver *drv, const char *tag, store_uids *out,
			  const char *what, struct err *err);
/* uids (any order) as an IMAP set, appended: "1:5,9,12:14". */
void imap_uid_set_text(const uint32_t *uids, size_t n, struct buf *out);

/* select.c */
/* Selects folder f (a no-op when it is selected and !again). With QRESYNC
 * and sync state it passes UIDVALIDITY and HIGHESTMODSEQ, so changed flags
 * arrive in drv->flagrecs and expunged UIDs in drv->sel.vanished. */
int imap_select(struct imap_driver *drv, const struct store_folder *f, bool again,
		struct err *err);
void imap_selected_release(struct imap_selected *sel);

/* folders.c */
int imap_sync_folders(struct driver *d, struct err *err);
int imap_folder_op(struct driver *d, enum folder_op op, const char *name, const char *new_name,
		   struct err *err);

/* sync.c */
int imap_sync_folder(struct driver *d, uint32_t folder, unsigned flags, struct err *err);
/* Applies flag records to the store and reports them. */
int imap_apply_flagrecs(struct imap_driver *drv, uint32_t folder, imap_flagrecs *recs,
			struct err *err);
/* Removes UIDs from the store and reports them. */
int imap_remove_uids(struct imap_driver *drv, uint32_t folder, const uint32_t *uids, size_t n,
		     struct err *err);

/* fetch.c */
/* Fetches the summaries of uids into the store, newest first, in batches
 * committed one by one. */
int imap_fetch_summaries(struct imap_driver *drv, uint32_t folder, uint32_t *uids, size_t n,
			 size_t *n_unseen_r, struct err *err);
int imap_fetch_body(struct driver *d, uint32_t folder, uint32_t uid, struct err *err);
/* Fetches the bodies the account's sync_bodies asks for and lacks. */
int imap_prefetch_bodies(struct imap_driver *drv, uint32_t folder, struct err *err);
/* UID SEARCH UID from:to (to 0: *), the UIDs in [from, to] appended. */
int imap_search_uids(struct imap_driver *drv, uint32_t from, uint32_t to, store_uids *out,
		     struct err *err);
/* For a folder never synced, whose EXISTS is exists: the newest screenful
 * of summaries (by sequence number) reported to the observer first, then
 * the UID SEARCH from:* (its UIDs appended to out) and their sizes, then
 * they are stored; the caller fetches the messages the store still lacks. */
int imap_search_uids_first_screen(struct imap_driver *drv, uint32_t folder, uint32_t exists,
				  uint32_t from, store_uids *out, struct err *err);

/* replay.c */
int imap_replay_journal(struct driver *d, struct err *err);
int imap_append(struct driver *d, uint32_t folder, const void *msg, size_t len, unsigned flags,
		uint32_t *uid_r, struct err *err);

/* folders.c: STATUS of a folder (MESSAGES, UNSEEN, UIDNEXT, UIDVALIDITY;
 * 0 for what the server left out). */
struct imap_status {
	uint32_t messages, unseen, uidnext, uidvalidity;
};
int imap_folder_status(struct imap_driver *drv, const char *wire, struct imap_status *out,
		       struct err *err);

/* replay_doubt.c */
/* Whether replaying op makes copies (COPY, APPEND, MOVE as COPY+EXPUNGE),
 * which must not be made twice. */
bool imap_op_copies(struct imap_driver *drv, const struct store_op *op);
/* Before an attempt of such an op: leaves out of uids (*n of them, copies
 * from src, which is selected) those that an earlier attempt whose answer
 * was lost already copied to dest_wire, or for an APPEND (src and uids
 * NULL) sets *done when msg is already there; then notes the destination's
 * UIDVALIDITY and UIDNEXT in op, durably, for the next attempt. */
int imap_doubt_check(struct imap_driver *drv, struct store_op *op, const struct store_folder *src,
		     const char *dest_wire, uint32_t *uids, size_t *n, const struct buf *msg,
		     bool *done, struct err *err);
/* Only notes the destination's state in op (for a MOVE the server does
 * atomically: a later attempt then knows one may have been carried out). */
int imap_doubt_mark(struct imap_driver *drv, struct store_op *op, const char *dest_wire,
		    struct err *err);

/* idle.c */
int imap_wait_changes(struct driver *d, uint32_t folder, int wake_fd, int timeout_ms,
		      struct err *err);

#endif
