/* A scripted mail backend for the worker and model tests: folders and
 * messages held in memory play the server; the driver writes what it
 * "fetches" into the account's store and reports it through the observer
 * like a real one. Knobs make it fail, ask for a password, go slowly or
 * block until cancelled. */
#ifndef POSTIE_TESTS_FAKE_DRIVER_H
#define POSTIE_TESTS_FAKE_DRIVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/account.h"
#include "util/err.h"

struct fake_msg {
	uint32_t uid;
	char *from, *subject, *body;
	uint32_t flags;
	int64_t date;
};

struct fake_folder {
	char *name;
	struct fake_msg *v;     /* an ARRAY() */
	size_t n, cap;
};

struct fake_server {
	pthread_mutex_t mu;
	struct fake_folder folders[8];
	size_t n_folders;
	/* knobs, set before the account starts or under mu */
	int connect_failures;           /* fail the next N connects */
	enum err_kind connect_error;    /* with this kind (ERR_NET by default) */
	bool ask_password;              /* connect asks a Q_SECRET question */
	int batch;                      /* sync stores this many messages per batch (0: all) */
	int batch_delay_ms;             /* and waits this long after each */
	atomic_bool block_sync;         /* sync_folder waits until cancelled */
	atomic_bool hold_folders;       /* sync_folders waits until cleared, cancel or not */
	atomic_bool hold_batches;       /* a sync waits after its first batch until cleared, */
					/* reporting progress (a service point) meanwhile */
	int folders_delay_ms;           /* sync_folders takes this long, deaf to cancel */
	int arrive;                     /* messages that arrive during the next wait_changes */
	/* what happened */
	char *password;                 /* the answer to the password question */
	atomic_int connects, syncs, fetches, waits, replays;
	atomic_int blocked;             /* times sync_folder began to wait (block_sync) */
	atomic_int held;                /* times a sync began to wait (hold_folders, _batches) */
	atomic_bool waiting;            /* in wait_changes now: connected, the checks done */
};

/* Makes s the server every fake driver talks to. */
void fake_server_init(struct fake_server *s);
void fake_server_release(struct fake_server *s);
void fake_server_add(struct fake_server *s, const char *folder, uint32_t uid, const char *from,
		     const char *subject, uint32_t flags, const char *body);

/* A driver_factory for struct account_opts. */
int fake_driver_new(const struct account_conf *conf, struct store_acct *store, struct net_ctx *net,
		    struct net_cancel *cancel, const struct sync_observer *obs, struct driver **d_r,
		    struct err *err);

#endif
