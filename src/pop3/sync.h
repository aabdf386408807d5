/* Inside the pop3 module: the driver's state and one pass over the server
 * (download.c), shared by sync_folder, replay_journal and wait_changes. */
#ifndef POSTIE_POP3_SYNC_H
#define POSTIE_POP3_SYNC_H

#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

struct driver;
struct err;
struct pop3_session;

/* POP3 servers lock the mailbox while a session lasts, and drop idle ones:
 * a session is never kept between passes. "Connected" means the server was
 * reachable at the last try (connect() or a pass), so the worker treats the
 * account as online between passes. */
struct pop3_driver {
	struct pop3_session *s;   /* opened by connect(), used by the next pass */
	int64_t s_opened;         /* when (seconds, monotonic) */
	bool online;              /* the last connect or pass reached the server */
	uint32_t inbox;           /* the store folder new mail goes to */
	bool told_no_uidl;        /* the "no UIDL" notice was given */
};

/* A session connect() opened is used by a pass only this young (seconds). */
#define POP3_SESSION_FRESH 30
/* Whether an error means the server could not be reached (or refused us). */
bool pop3_unreachable(enum err_kind kind);

/* A commit (synced to disk) at least every this many messages or bytes. */
#define POP3_BATCH_MESSAGES 256
#define POP3_BATCH_BYTES (16u << 20)

enum pop3_pass_mode {
	PASS_DOWNLOAD,            /* new messages in, then the deletions due */
	PASS_DELETE_ONLY,         /* only the deletions due (journal replay) */
};

/* Connects unless a session is open, reads the listing, downloads what the
 * store lacks (batches committed to disk before any DELE), deletes on the
 * server what the account's keys say is due, forgets records of messages the
 * server no longer has, and ends with QUIT, whose answer decides whether the
 * deletions happened. *n_new_r (may be NULL) gets the number of messages
 * stored. The session is gone afterwards, also on failure. */
int pop3_pass(struct driver *d, enum pop3_pass_mode mode, uint32_t *n_new_r, struct err *err);

#endif
