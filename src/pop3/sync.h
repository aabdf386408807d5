/* Inside the pop3 module: the driver's state and one pass over the server
 * (download.c), shared by sync_folder, replay_journal and wait_changes. */
#ifndef POSTIE_POP3_SYNC_H
#define POSTIE_POP3_SYNC_H

#include <stdbool.h>
#include <stdint.h>

struct driver;
struct err;
struct pop3_session;

struct pop3_driver {
	struct pop3_session *s;   /* open between connect() and the end of a pass */
	uint32_t inbox;           /* the store folder new mail goes to */
	bool told_no_uidl;        /* the "no UIDL" notice was given */
};

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
