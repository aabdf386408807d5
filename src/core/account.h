/* An account at run time: its worker thread, its request queue and its
 * share of the store.
 *
 * Threads. account_start() opens the account's store and starts one worker
 * thread, which owns the driver (the connection) and runs every network
 * operation, one at a time: connecting (with backoff after a failure),
 * syncing, fetching bodies, replaying the journal, watching the open folder
 * for changes (IMAP IDLE through driver->wait_changes, woken by the account's
 * wake pipe), periodic checks. Everything it learns goes to the inbox as
 * events (core/proto.h).
 *
 * The store lock. A struct store_acct may be used by one thread at a time;
 * the account's store lock says which. The worker holds it around each
 * driver call but connect (the driver contract: connect never touches the
 * store), so it is held across network waits. Nobody else ever blocks on
 * it: store-only requests (reads of folders, indexes and cached bodies, and
 * the user's operations, which core/ops.h applies to the store and
 * journals) are served by whichever thread gets the lock first:
 *  - account_submit() on the caller's thread, when the queue is empty and
 *    the lock is free (trylock): the answer is in the inbox at once;
 *  - else the worker, between driver calls, and, for reads, also at the
 *    driver's progress points in the middle of a long call (a sync reports
 *    at least every ~100 ms or per batch), and by interrupting IDLE through
 *    its wake pipe.
 * So a read never waits for more than one network round trip, and the UI
 * thread never waits for the network at all.
 *
 * Cancellation: account_cancel() marks the running request and fires the
 * account's net_cancel, which makes the blocked network call return
 * ERR_CANCELLED; the request then ends with EV_CANCELLED. A request
 * cancelled before its network call began has it cancelled as it begins (the
 * cancel is never lost). A queued request that is cancelled is answered with
 * EV_CANCELLED at once and leaves the running one alone.
 *
 * Stopping: account_stop() tells the worker to stop, fires the cancel handle
 * (a network call in progress returns at once), answers a pending question
 * with "no", joins the thread and closes the store. It never waits for a
 * server's timeout.
 *
 * Every function here may be called from any thread. */
#ifndef POSTIE_CORE_ACCOUNT_H
#define POSTIE_CORE_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/proto.h"

struct account;
struct account_conf;
struct driver;
struct global_conf;
struct inbox;
struct net_cancel;
struct net_ctx;
struct secret;
struct store;
struct store_acct;
struct sync_observer;

/* Makes the account's driver; the signature of driver_new(). */
typedef int driver_factory(const struct account_conf *conf, struct store_acct *store,
			   struct net_ctx *net, struct net_cancel *cancel,
			   const struct sync_observer *obs, struct driver **d_r, struct err *err);

struct account_opts {
	size_t index;                   /* its number in events */
	const struct account_conf *conf;
	const struct global_conf *global;       /* postie.conf (composing); may be NULL */
	struct store *store;            /* opened by the caller; outlives the account */
	struct net_ctx *net;            /* may be NULL with make_driver NULL */
	struct inbox *inbox;
	driver_factory *make_driver;    /* NULL: the account works from the store only */
	int check_interval;             /* seconds between periodic checks; 0: 300 */
	int retry_min_ms, retry_max_ms; /* reconnect backoff; 0: 2 s and 5 minutes */
	bool start_offline;             /* don't connect until a REQ_SYNC */
};

/* Opens the account's store and starts its worker. The first events are its
 * state and its folder list. */
int account_start(const struct account_opts *o, struct account **a_r, struct err *err);
/* Asks the worker to stop without waiting (to stop many accounts at once). */
void account_request_stop(struct account *a);
/* Stops the worker (see above), closes the store, frees a; *a is NULL after. */
void account_stop(struct account **a);

/* Queues r (taking it) and returns its id; see "The store lock" above. */
uint64_t account_submit(struct account *a, struct request *r);
/* Cancels request id, queued or running; id 0: whatever is running (a
 * request or a background task). Returns false if nothing was found. */
bool account_cancel(struct account *a, uint64_t id);
/* Answers question qid (an EV_QUESTION): choice for Q_CERT, text for
 * Q_SECRET (NULL: the user gave up). An answer nobody waits for is ignored. */
void account_answer(struct account *a, uint64_t qid, int choice, const char *text);

/* The folder the UI shows, whose message changes it wants as events (0:
 * none of this account's folders). Its index is loaded with REQ_LOAD_INDEX. */
void account_set_view(struct account *a, uint32_t folder);

const struct account_conf *account_conf(const struct account *a);
const char *account_name(const struct account *a);
size_t account_index(const struct account *a);
enum acct_state account_state(const struct account *a);
/* Whether the account is running a network operation the user can cancel. */
bool account_busy(const struct account *a);
/* How many messages of the outbox are still to go out (queued, or being
 * sent), as the worker last counted them: at start and after each change.
 * Never waits. */
size_t account_unsent(const struct account *a);

/* The account whose worker is the calling thread, or NULL: for the net
 * callbacks (certificate decisions, passwords), which run on it. */
struct account *account_current(void);
/* From the worker thread: posts an EV_QUESTION and waits for the answer
 * (or for the account to stop: -1). For Q_SECRET the answer goes into
 * *secret_r (wiped memory; NULL for Q_CERT); an empty answer is -1. */
int account_ask(struct account *a, enum question_kind kind, const char *text, int *choice_r,
		struct secret *secret_r);

#endif
