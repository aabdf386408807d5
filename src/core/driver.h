/* An account's mail backend (IMAP or POP3), as the worker thread and the
 * command line drive it.
 *
 * Every call blocks (libetpan is blocking). The account's worker thread runs
 * them one at a time; the command line calls them directly. A driver owns its
 * connection(s) and writes everything it learns from the server into the
 * account's store (d->store), grouped in transactions so that an interrupted
 * call keeps the progress it committed. While a driver call runs, nobody else
 * uses d->store: the caller guarantees it (the worker holds the account's
 * store lock around each driver call; the command line is single-threaded).
 *
 * What happened is reported through d->obs (the worker turns the calls into
 * events for the UI; the command line prints progress). Observer calls come on
 * the driver's thread, synchronously; their pointer arguments are valid only
 * during the call.
 *
 * Offline work: operations the user makes (flags, moves, deletes, appends)
 * never call the driver directly. The core applies them to the store at once
 * and records them in the store's journal (core/ops.h); replay_journal() then
 * carries the journal to the server in order and removes each entry the
 * server has applied, or drops it with a notice when it no longer makes sense
 * (the message vanished). So nothing the user does waits for the network or
 * is lost without one.
 *
 * Errors: -1 with a struct err whose kind says what to do next: ERR_NET and
 * ERR_TIMEOUT (connection lost: the worker reports "offline" and reconnects
 * with backoff; the driver must be usable again after connect()), ERR_AUTH,
 * ERR_TLS (needs the user), ERR_CANCELLED (d->cancel fired), ERR_PROTOCOL
 * (the server said something odd; the message names the server and quotes
 * it), ERR_STORE. After any error but ERR_PROTOCOL from a command the server
 * refused (NO), the driver may have dropped its connection; connected() says.
 *
 * Ownership: the caller owns everything in struct driver but priv, which the
 * driver's free() releases; all of it outlives the driver. */
#ifndef POSTIE_CORE_DRIVER_H
#define POSTIE_CORE_DRIVER_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct account_conf;
struct err;
struct msg_summary;
struct net_cancel;
struct net_ctx;
struct store_acct;

struct sync_observer {
	void *aux;
	/* A long operation advanced: what is a translated label for the user,
	 * counts included ("INBOX: new messages: 450 of 2500", "INBOX: message
	 * 3 of 30"); done of total units (messages, bytes: the backend's
	 * choice) for a bar or a percentage (total 0 when unknown). Called at
	 * most every ~100 ms or per batch, never per message. */
	void (*progress)(void *aux, const char *what, uint64_t done, uint64_t total);
	/* The folder list (names, roles, attributes or counts) changed in the store. */
	void (*folders_changed)(void *aux);
	/* Summaries added to or replaced in a folder, as they were stored. */
	void (*messages_added)(void *aux, uint32_t folder, const struct msg_summary *v, size_t n);
	/* Flags or keywords of these messages changed in the store. */
	void (*flags_changed)(void *aux, uint32_t folder, const uint32_t *uids, size_t n);
	/* Messages gone from a folder (expunged on the server, or downloaded
	 * into another folder). */
	void (*messages_removed)(void *aux, uint32_t folder, const uint32_t *uids, size_t n);
	/* Everything known about a folder was dropped (UIDVALIDITY changed):
	 * whoever shows it reloads it. */
	void (*folder_reset)(void *aux, uint32_t folder);
	/* New, unseen mail arrived in a folder. */
	void (*new_mail)(void *aux, uint32_t folder, size_t n);
	/* Something the user should read that is not an error, e.g. "a
	 * flag change was dropped: the message no longer exists on the server". */
	void (*notice)(void *aux, const char *text);
};

struct driver;

enum driver_caps {
	DRIVER_CAP_SERVER_FOLDERS = 1 << 0, /* folders live on the server (IMAP) */
	DRIVER_CAP_SERVER_FLAGS = 1 << 1,   /* flags live on the server */
	DRIVER_CAP_IDLE = 1 << 2,           /* wait_changes() can push, not poll */
	DRIVER_CAP_APPEND = 1 << 3,         /* append() stores on the server */
};

enum sync_flags {
	SYNC_FULL = 1 << 0,        /* also re-check flags and expunges of known messages */
	SYNC_BODIES = 1 << 1,      /* also fetch bodies per the account's sync_bodies */
};

enum folder_op { FOLDER_CREATE, FOLDER_RENAME, FOLDER_DELETE, FOLDER_SUBSCRIBE,
		 FOLDER_UNSUBSCRIBE };

struct driver_ops {
	const char *name;   /* "imap", "pop3" */
	unsigned caps;      /* enum driver_caps */

	/* Connects and authenticates; a no-op when already connected. */
	int (*connect)(struct driver *d, struct err *err);
	/* Logs out politely if it can; never blocks longer than the timeout. */
	void (*disconnect)(struct driver *d);
	bool (*connected)(struct driver *d);

	/* Brings the folder list in the store in line with the server (IMAP:
	 * LIST, special-use roles, subscriptions, STATUS counts). NULL for
	 * POP3, whose local folders exist only in the store. */
	int (*sync_folders)(struct driver *d, struct err *err);
	/* Brings one folder in the store in line with the server (IMAP), or
	 * downloads new mail into it (POP3: only the INBOX). */
	int (*sync_folder)(struct driver *d, uint32_t folder, unsigned flags, struct err *err);
	/* Makes sure the body of one message is in the store. */
	int (*fetch_body)(struct driver *d, uint32_t folder, uint32_t uid, struct err *err);
	/* Carries the store's journal to the server (see above). */
	int (*replay_journal)(struct driver *d, struct err *err);
	/* Waits up to timeout_ms for changes in folder (IMAP IDLE, or NOOP
	 * polling without it), returning early when wake_fd becomes readable
	 * (0) or when the server reported changes, which it has synced into the
	 * store and reported (1). */
	int (*wait_changes)(struct driver *d, uint32_t folder, int wake_fd, int timeout_ms,
			    struct err *err);
	/* Folder management on the server; new_name only for FOLDER_RENAME.
	 * The driver updates the store to match. NULL when unsupported. */
	int (*folder_op)(struct driver *d, enum folder_op op, const char *name,
			 const char *new_name, struct err *err);
	/* Stores a message in a folder on the server (Sent, Drafts), recording
	 * its summary under the UID the server gave (APPENDUID) when it can.
	 * NULL for POP3 (the core stores it locally). */
	int (*append)(struct driver *d, uint32_t folder, const void *msg, size_t len,
		      unsigned flags, uint32_t *uid_r, struct err *err);

	/* Disconnects, releases priv and frees *d itself, NULLing it. */
	void (*free)(struct driver **d);
};

struct driver {
	const struct driver_ops *ops;
	const struct account_conf *conf;
	struct store_acct *store;
	struct net_ctx *net;
	struct net_cancel *cancel;      /* fired from another thread to stop a call */
	const struct sync_observer *obs;
	void *priv;                     /* the backend's own state */
};

/* Creates the driver for conf->protocol; the fields above are copied in.
 * Each backend has a constructor `int PROTO_driver_new(struct driver *d,
 * struct err *err)` that sets d->ops and d->priv on a struct driver whose
 * other fields are filled (imap/imap.h, pop3/pop3.h). */
int driver_new(const struct account_conf *conf, struct store_acct *store, struct net_ctx *net,
	       struct net_cancel *cancel, const struct sync_observer *obs, struct driver **d_r,
	       struct err *err);
void driver_free(struct driver **d);

/* Formats a notice and hands it to d->obs (nothing when nobody listens). */
void driver_vnotice(const struct driver *d, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#endif
