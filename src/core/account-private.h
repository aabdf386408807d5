/* Inside an account: the state its worker, its observer and the store
 * request handlers share. */
#ifndef POSTIE_CORE_ACCOUNT_PRIVATE_H
#define POSTIE_CORE_ACCOUNT_PRIVATE_H

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "core/account.h"
#include "core/driver.h"
#include "core/queue.h"
#include "net/secret.h"

struct account {
	struct account_opts o;
	struct store_acct *store;
	pthread_mutex_t store_lock;     /* who may use store (see account.h) */
	struct driver *driver;          /* NULL: store only */
	struct net_cancel *cancel;
	struct sync_observer obs;
	struct reqq q;
	int wake_rd, wake_wr;           /* wakes the worker (also wait_changes' wake fd) */
	pthread_t thread;
	bool thread_started;

	atomic_bool stop;
	atomic_int state;               /* enum acct_state */
	atomic_uint view_folder;        /* the folder the UI shows */
	atomic_bool busy;               /* a cancellable operation runs */

	pthread_mutex_t mu;             /* guards current and the question slot */
	struct request *current;        /* the request the worker serves, or NULL */
	pthread_cond_t answer_cv;
	uint64_t question_id;           /* the question waiting for an answer, 0: none */
	bool answered;
	int answer_choice;
	struct secret answer_secret;

	/* Worker-only state. */
	uint32_t watch_folder;          /* the folder IDLE watches */
	int64_t retry_at;               /* next connection attempt (ms, monotonic) */
	int backoff;                    /* ms to wait after the next failure */
	int64_t next_check;             /* next periodic check (ms, monotonic) */
	atomic_bool journal_dirty;      /* user operations wait for replay_journal */
	atomic_bool outbox_due;         /* the outbox has something to send now */
	atomic_int unsent;              /* outbox entries queued or being sent */
	int64_t next_flush;             /* the outbox's next retry (ms, monotonic) */
	char *spool_dir;                /* where `postie send` leaves mail meanwhile */
	bool folders_dirty;             /* send EV_FOLDERS after this driver call */
	struct timespec last_progress, last_folders;
	uint64_t reply_to;              /* the request the driver call serves, 0: a task */
	bool in_driver_call;            /* service points serve only reads then */
};

/* serve.c: store-only requests. The caller holds the store lock. Sends the
 * data events and the terminal reply, and frees r. */
void account_serve_store(struct account *a, struct request *r);
/* Whether r can be served at a service point inside a driver call (a read
 * whose answer is in the store). */
bool account_is_read(const struct request *r, void *aux);

/* Posts EV_BODY for r's message when the store has it: 1, 0 (absent), -1. */
int account_body_from_store(struct account *a, struct request *r, struct err *err);

/* observer.c */
void account_observer_init(struct account *a);
/* The service point: serves queued reads (called with the store lock held,
 * from the worker inside a driver call). */
void account_service_point(struct account *a);
/* Sends EV_FOLDERS now when the folder list changed since the last one. */
void account_flush_folders(struct account *a, bool force);

/* account.c helpers for the other files. */
void account_post(struct account *a, struct event *ev);
/* Ends request id with a terminal event of kind (EV_ERROR takes err's message). */
void account_reply(struct account *a, uint64_t id, enum ev_kind kind, struct err *err,
		   const char *text);
/* The terminal reply for r after its handler returned rc (err when < 0). */
void account_finish(struct account *a, struct request *r, int rc, struct err *err);
void account_set_state(struct account *a, enum acct_state s, const char *text);
/* Empties the wake pipe. */
void account_drain_wake(struct account *a);
void account_wake(struct account *a);

/* send.c: the outbox. */
bool account_can_send(const struct account *a);
/* Counts the entries still to go out, for account_unsent() (store lock held). */
void account_count_unsent(struct account *a);
/* Sends what is due (the worker, without the store lock: it is taken around
 * each use of the store). */
int account_flush_outbox(struct account *a, unsigned flags, uint64_t reply_to, struct err *err);
/* REQ_SEND, REQ_POSTPONE; REQ_OUTBOX_SET, REQ_OUTBOX_REMOVE (store lock held). */
int account_serve_compose(struct account *a, struct request *r, struct err *err);
int account_serve_outbox_op(struct account *a, struct request *r, struct err *err);

/* Makes a the account of the calling thread (account_current()). */
void account_bind_thread(struct account *a);

/* worker.c */
void *account_worker_main(void *arg);
/* Around a cancellable network operation: set marks it running (and fires
 * the cancel handle if the current request was cancelled before it began);
 * clear ends it, re-arms the handle unless the account stops, and says
 * whether it had fired. */
void account_set_busy(struct account *a);
bool account_clear_busy(struct account *a);

#endif
