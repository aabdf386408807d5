/* The outbox: messages waiting to be sent, and sending them.
 *
 * A message is queued in the account's store (durably, store/store.h)
 * before any connection is made, then outbox_flush() submits it over SMTP
 * (smtp/smtp.h). What each state means for the user:
 *   QUEUED   waiting for its first or next attempt (next_attempt); after a
 *            temporary failure (network, timeout, 4xx, login, TLS) with the
 *            reason in last_error, retried with backoff: 1, 2, 4 ... minutes,
 *            at most an hour apart, for OUTBOX_GIVE_UP seconds, then FAILED;
 *   SENDING  an attempt is past the point where the server may have it;
 *   SENT     the server took it; the copy to the Sent folder is being made
 *            (fcc holds the folder's name until it is); then it goes;
 *   FAILED   a permanent failure (5xx, too big for the server, a bad
 *            address): kept with the server's words until the user edits
 *            (outbox message, then drop), retries (outbox_retry) or drops it;
 *   HELD     kept back by the user (outbox_hold) until outbox_retry.
 * Recipients: each keeps its own result. ACCEPTED means the server took the
 * message for it (it is never sent to that recipient again); REJECTED ones
 * are skipped until outbox_retry; PENDING and TEMPFAIL ones are tried. A
 * message accepted for some recipients and refused for others stays (FAILED
 * or QUEUED) for the rest, and its copy goes to Sent at the first success.
 *
 * Crashes (kill -9 at any point): a queued message is never lost, and the
 * window in which it may be sent twice is as small as SMTP allows. The state
 * becomes SENDING (durably) only after the whole message but its final "."
 * went out (smtp_submission.commit); before that the server has nothing, and
 * a crash leaves the entry QUEUED, sent once by the next flush. A crash
 * between that "." and recording the server's answer leaves SENDING: the
 * server may or may not have taken the message, and nothing can tell. postie
 * then sends it again (at-least-once: a duplicate, with the same Message-ID,
 * which clients and servers can recognise, is better than mail silently
 * lost), and says so in last_error. A crash after SENT only repeats the copy
 * to Sent.
 *
 * Threads and store: one flush per account at a time (the account's worker
 * runs it). The caller either holds the account's store for the whole call,
 * or gives lock/unlock, which the outbox calls around each use of the store
 * so that others may read it while SMTP runs. The copy to Sent goes through
 * ops_append() (core/ops.h): for IMAP a journalled APPEND the driver replays,
 * for POP3 the local Sent folder.
 *
 * Errors: -1 and ERR_STORE when the store fails, ERR_CANCELLED when
 * ctx->cancel fired, ERR_INPUT for a message that cannot be queued. Delivery
 * failures are not errors of these functions: they are recorded in the
 * entries (and reported through the observer). */
#ifndef POSTIE_CORE_OUTBOX_H
#define POSTIE_CORE_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct account_conf;
struct buf;
struct err;
struct net_cancel;
struct net_ctx;
struct store_acct;
struct store_outbox_entry;

#define OUTBOX_GIVE_UP (5 * 24 * 3600)  /* temporary failures for this long: FAILED */

struct outbox_observer {
	void *aux;
	/* An entry's state changed (an attempt ended, it was sent, given up,
	 * its copy saved). e is valid during the call only; removed says it has
	 * left the outbox (sent and done). */
	void (*entry)(void *aux, const struct store_outbox_entry *e, bool removed);
	/* Something worth saying that is not about one entry ("connecting to
	 * smtp.example.org:587"). */
	void (*status)(void *aux, const char *text);
};

struct outbox_ctx {
	const struct account_conf *conf;
	struct store_acct *store;
	struct net_ctx *net;
	struct net_cancel *cancel;              /* may be NULL */
	const struct outbox_observer *obs;      /* may be NULL */
	/* Optional: called around every use of store (see above). */
	void (*lock)(void *aux);
	void (*unlock)(void *aux);
	void *lock_aux;
	/* The clock, for tests; NULL: time(). */
	time_t (*now)(void);
	/* The account's spool (outbox_spool_dir), imported by each flush;
	 * NULL: none. */
	const char *spool_dir;
};

/* A message to queue. */
struct outbox_new {
	const void *msg;                /* the exact bytes to send: 7-bit, CRLF */
	size_t len;
	const char *from;               /* envelope sender; NULL: the account's address */
	const char *const *rcpts;       /* envelope recipients, n_rcpts > 0 */
	size_t n_rcpts;
	const char *fcc;                /* folder for the copy once sent; NULL: none */
};

/* The checks outbox_queue makes: recipients, and every address safe for
 * SMTP (ERR_INPUT naming a bad one). */
int outbox_check(const struct account_conf *a, const struct outbox_new *m, struct err *err);
/* Checks the addresses (ERR_INPUT naming a bad one) and queues the message
 * (QUEUED, due at once). When this returns 0 the message is on the disk:
 * *id_r (may be NULL) gets its outbox id. */
int outbox_queue(const struct outbox_ctx *ctx, const struct outbox_new *m, uint64_t *id_r,
		 struct err *err);

enum outbox_flush_flags {
	OUTBOX_FLUSH_NOW = 1 << 0,      /* also entries whose next_attempt is later */
};

struct outbox_result {
	unsigned sent;                  /* entries that left the outbox */
	unsigned deferred;              /* QUEUED after a temporary failure */
	unsigned failed;                /* FAILED now */
	time_t next_attempt;            /* the earliest retry still due; 0: none */
};

/* Sends what is due: finishes SENT entries (their copy), puts SENDING ones
 * (left by a crash) back in the queue, then submits every QUEUED entry
 * whose time has come (all with OUTBOX_FLUSH_NOW), oldest first, over one
 * SMTP connection, or only the entry `only` when it is not 0. Connecting or
 * logging in is done only when something is due; when it fails, every due
 * entry records why. res (may be NULL) says what happened. Returns 0, or -1
 * for the errors above. */
int outbox_flush(const struct outbox_ctx *ctx, unsigned flags, uint64_t only,
		 struct outbox_result *res, struct err *err);

/* A FAILED, HELD or QUEUED entry is due again at once: its rejected and
 * deferred recipients are tried again, attempts restart. ERR_NOT_FOUND when
 * there is no such entry, ERR_USAGE when it is being sent or sent. */
int outbox_retry(const struct outbox_ctx *ctx, uint64_t id, struct err *err);
/* Keeps a QUEUED or FAILED entry back (HELD) until outbox_retry. */
int outbox_hold(const struct outbox_ctx *ctx, uint64_t id, struct err *err);
/* Removes an entry for good (ERR_NOT_FOUND when there is none). */
int outbox_drop(const struct outbox_ctx *ctx, uint64_t id, struct err *err);

/* ---- The spool (spool.c) ----
 * Where `postie send` leaves a message when another postie has the store
 * (ERR_LOCKED): DATA_DIR/spool/ACCOUNT/new/, one file each, written durably.
 * The outbox's owner imports them with every flush; the importer removes a
 * file only once its message is queued, and never queues it twice. */

/* DATA_DIR/spool/ACCOUNT; a new string. */
char *outbox_spool_dir(const char *data_dir, const char *account);
/* Writes m into the spool (durable when this returns 0). The caller has
 * checked its addresses. */
int outbox_spool_add(const char *spool_dir, const struct outbox_new *m, struct err *err);
/* Queues what the spool holds; returns how many, or -1. A file that is no
 * spool message is moved to spool/ACCOUNT/bad. */
int outbox_spool_import(const struct outbox_ctx *ctx, struct err *err);

/* Seconds to wait after the n-th failed attempt (n >= 1). */
unsigned outbox_backoff(unsigned attempts);
/* A short translated name of an entry's state ("queued", "failed" ...). */
const char *outbox_state_name(int state);

#endif
