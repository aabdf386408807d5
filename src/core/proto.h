/* The messages between the user interface and the account workers: a closed
 * catalogue of requests (UI -> worker) and events (worker -> UI).
 *
 * Protocol:
 *  - The UI submits a request to an account (core/account.h); it gets an id.
 *  - The account answers with zero or more data events that carry the id in
 *    in_reply_to (EV_PROGRESS, EV_INDEX, EV_BODY, ...), then exactly one
 *    terminal event: EV_DONE, EV_ERROR (err says why), EV_CANCELLED or
 *    EV_UNSUPPORTED. Never none, never two.
 *  - Besides replies, accounts send unsolicited events (in_reply_to 0): their
 *    state, folder list changes, new mail, messages added or changed by a
 *    sync, notices, and questions (EV_QUESTION) the UI must answer with
 *    account_answer(): a worker waits for the answer.
 *  - Events go into one inbox for the whole UI (core/queue.h) in the order
 *    they happened per account. Each event is owned by whoever holds it;
 *    the receiver frees it with event_free().
 *
 * Store-only requests (the REQ_STORE_* group) need nothing but the account's
 * store; any thread holding the account's store lock may serve them (see
 * core/account.h). The others need the network. */
#ifndef POSTIE_CORE_PROTO_H
#define POSTIE_CORE_PROTO_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"

struct store_index;

#define REQ_KINDS(X) \
	/* store only: served by whoever holds the store lock */ \
	X(REQ_LOAD_FOLDERS, "load-folders")   /* -> EV_FOLDERS */ \
	X(REQ_LOAD_INDEX, "load-index")       /* folder -> EV_INDEX (the newest part first) */ \
	X(REQ_SEARCH, "search")               /* folder, text (pattern) -> EV_SEARCH */ \
	X(REQ_SET_FLAGS, "set-flags")         /* folder, uids, add, del */ \
	X(REQ_MOVE, "move")                   /* folder, uids, dest */ \
	X(REQ_COPY, "copy")                   /* folder, uids, dest */ \
	X(REQ_DELETE, "delete")               /* folder, uids (per the delete policy) */ \
	X(REQ_EXPUNGE, "expunge")             /* folder */ \
	X(REQ_APPEND, "append")               /* dest, data, add (flags) */ \
	X(REQ_OUTBOX_LIST, "outbox-list")     /* -> EV_OUTBOX */ \
	X(REQ_OUTBOX_SET, "outbox-set")       /* id in uid64, add: OUTBOX_HELD holds, else retry */ \
	X(REQ_OUTBOX_REMOVE, "outbox-remove") /* id in uid64 */ \
	X(REQ_SEND, "send")                   /* payload: a struct msg_compose, queued in the */ \
					      /* outbox (done: n1 its id); sent in the background */ \
	X(REQ_POSTPONE, "postpone")           /* payload: a struct msg_compose, into Drafts */ \
	/* the network may be needed */ \
	X(REQ_GET_BODY, "get-body")           /* folder, uid -> EV_BODY (from the store or fetched) */ \
	X(REQ_OPEN_FOLDER, "open-folder")     /* folder: watch it (IDLE) and sync it now */ \
	X(REQ_SYNC, "sync")                   /* connect if needed, sync folders, open folder, */ \
					      /* journal and outbox, now */ \
	X(REQ_FOLDER_OP, "folder-op")         /* add: enum folder_op, text: name, text2: new name */

enum req_kind {
#define X(id, name) id,
	REQ_KINDS(X)
#undef X
	REQ_N
};

/* The last store-only kind. */
#define REQ_LAST_STORE_ONLY REQ_POSTPONE

struct request {
	uint64_t id;            /* given by account_submit() */
	enum req_kind kind;
	uint32_t folder;
	uint32_t dest;
	uint32_t uid;
	uint64_t uid64;         /* an outbox entry's id */
	uint32_t add, del;      /* flags (enum msg_flag), or another number */
	uint32_t *uids;
	size_t n_uids;
	char *text, *text2;
	struct buf data;
	void *payload;          /* REQ_SEND, REQ_POSTPONE: owned, freed with payload_free */
	void (*payload_free)(void *payload);
	atomic_bool cancelled;  /* set by account_cancel() */
	bool deferred;          /* the worker's: not servable at a service point */
	struct request *next;   /* queue link */
};

/* A new request (zeroed, kind set); the caller fills it and submits it. */
struct request *request_new(enum req_kind kind);
void request_set_uids(struct request *r, const uint32_t *uids, size_t n);
void request_free(struct request **r);
const char *req_kind_name(enum req_kind k);
bool req_is_store_only(enum req_kind k);

enum acct_state {
	ACCT_OFFLINE,       /* no connection; the text says why and when it retries */
	ACCT_CONNECTING,
	ACCT_ONLINE,        /* connected and idle (watching the open folder) */
	ACCT_SYNCING,       /* a network operation is running */
	ACCT_ERROR,         /* cannot go on without the user (login refused, certificate) */
	ACCT_LOCAL,         /* works from the store only (no driver for it) */
};

const char *acct_state_name(enum acct_state s);   /* translated: "online", ... */

enum question_kind {
	Q_CERT,         /* a certificate failed verification: answer 0 reject, 1 once, 2 always */
	Q_SECRET,       /* a password: the answer is the text (empty or none: give up) */
};

#define EV_KINDS(X) \
	/* terminal replies */ \
	X(EV_DONE, "done")                    /* n1: the result (REQ_DELETE: 1 moved to the Trash, */ \
					      /* 0 flagged; REQ_EXPUNGE: how many) */ \
	X(EV_ERROR, "error")                  /* err */ \
	X(EV_CANCELLED, "cancelled") \
	X(EV_UNSUPPORTED, "unsupported")      /* the account's protocol cannot do it */ \
	/* data */ \
	X(EV_STATE, "state")                  /* n1: enum acct_state, text: detail or NULL */ \
	X(EV_PROGRESS, "progress")            /* text: what, n1 done of n2 (0: unknown) */ \
	X(EV_FOLDERS, "folders")              /* folders: the whole list with counts */ \
	X(EV_INDEX, "index")                  /* folder, index (owned by the event); n1: 1 */ \
					      /* when only the newest messages (the whole */ \
					      /* index follows in the next EV_INDEX) */ \
	X(EV_BODY, "body")                    /* folder, uid, data: the raw message */ \
	X(EV_SEARCH, "search")                /* folder, uids matching */ \
	X(EV_MSGS_ADDED, "messages-added")    /* folder, msgs */ \
	X(EV_FLAGS, "flags")                  /* folder, uids with their flags in vals */ \
	X(EV_MSGS_REMOVED, "messages-removed") /* folder, uids */ \
	X(EV_FOLDER_RESET, "folder-reset")    /* folder: reload it */ \
	X(EV_NEW_MAIL, "new-mail")            /* folder, n1 messages */ \
	X(EV_NOTICE, "notice")                /* text */ \
	X(EV_QUESTION, "question")            /* n1: question id, n2: enum question_kind, text */ \
	X(EV_OUTBOX, "outbox")                /* outbox: the entries */ \
	X(EV_OUTBOX_CHANGED, "outbox-changed") /* an entry came, changed or went */

enum ev_kind {
#define X(id, name) id,
	EV_KINDS(X)
#undef X
	EV_N
};

struct event {
	enum ev_kind kind;
	size_t account;         /* index of the account in the manager */
	uint64_t in_reply_to;   /* the request's id, 0 when unsolicited */
	uint32_t folder, uid;
	uint64_t n1, n2;
	char *text;
	struct err err;
	uint32_t *uids;
	uint32_t *vals;         /* EV_FLAGS: flags of uids[i] */
	size_t n;               /* of uids (and vals) */
	struct msg_summary *msgs;
	size_t n_msgs;
	store_folders folders;
	struct store_index *index;
	struct buf data;
	store_outbox_entries outbox;
	struct event *next;     /* queue link */
};

struct event *event_new(enum ev_kind kind, size_t account, uint64_t in_reply_to);
void event_free(struct event **ev);
const char *ev_kind_name(enum ev_kind k);
/* Whether the event ends its request. */
static inline bool ev_is_terminal(enum ev_kind k)
{
	return k <= EV_UNSUPPORTED;
}

#endif
