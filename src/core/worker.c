#include "common.h"

#include <poll.h>
#include <time.h>

#include "conf/conf.h"
#include "core/account-private.h"
#include "core/outbox.h"
#include "net/net.h"
#include "store/store.h"
#include "util/log.h"

#define WATCH_MAX_MS (10 * 60 * 1000)  /* re-enter IDLE well before 29 minutes */
#define NEVER INT64_MAX

/* Milliseconds on the monotonic clock. */
static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool stopping(struct account *a)
{
	return atomic_load(&a->stop);
}

static bool connected(struct account *a)
{
	return a->driver && a->driver->ops->connected(a->driver);
}

static void state_if_changed(struct account *a, enum acct_state s, const char *text)
{
	if (atomic_load(&a->state) != (int)s || text)
		account_set_state(a, s, text);
}

/* Waits until the wake pipe is readable or ms pass (-1: forever). */
static void wait_wake(struct account *a, int ms)
{
	struct pollfd p = { a->wake_rd, POLLIN, 0 };
	poll(&p, 1, ms);
}

static int ms_until(int64_t when)
{
	if (when == NEVER)
		return -1;
	int64_t now = now_ms();
	if (when <= now)
		return 0;
	return when - now > 3600 * 1000 ? 3600 * 1000 : (int)(when - now);
}

/* ---- Driver calls ---- */

/* Marks a cancellable network operation as running. account_cancel() marks
 * the request and then fires the handle only if it sees busy; here busy is
 * set first and the mark read after, so a cancel that came just before
 * (while busy was false) is fired now instead of being lost. */
void account_set_busy(struct account *a)
{
	atomic_store(&a->busy, true);
	pthread_mutex_lock(&a->mu);
	bool cancelled = a->current && atomic_load(&a->current->cancelled);
	pthread_mutex_unlock(&a->mu);
	if (cancelled)
		net_cancel_fire(a->cancel);
}

static void call_begin(struct account *a, uint64_t reply_to, bool cancellable)
{
	pthread_mutex_lock(&a->store_lock);
	a->reply_to = reply_to;
	a->in_driver_call = true;
	if (cancellable) {
		account_set_busy(a);
		state_if_changed(a, ACCT_SYNCING, NULL);
	}
}

bool account_clear_busy(struct account *a)
{
	atomic_store(&a->busy, false);
	bool fired = net_cancel_fired(a->cancel);
	if (fired && !atomic_load(&a->stop))
		net_cancel_reset(a->cancel);
	return fired;
}

/* Returns whether a cancel fired during the call (the handle is reset for
 * the next one, so a caller making several calls checks it in between). */
static bool call_end(struct account *a)
{
	account_flush_folders(a, false);
	a->in_driver_call = false;
	a->reply_to = 0;
	pthread_mutex_unlock(&a->store_lock);
	bool fired = account_clear_busy(a);
	if (connected(a))
		state_if_changed(a, ACCT_ONLINE, NULL);
	return fired;
}

static bool needs_user(const struct err *err)
{
	return err->kind == ERR_AUTH || err->kind == ERR_TLS || err->kind == ERR_CONFIG;
}

/* After a failed network operation: offline (retry later) or error (wait
 * for the user), unless the connection survived it. */
static void after_failure(struct account *a, const struct err *err)
{
	if (stopping(a) || connected(a))
		return;
	if (needs_user(err)) {
		a->retry_at = NEVER;
		account_set_state(a, ACCT_ERROR, err_msg(err));
		return;
	}
	a->retry_at = now_ms() + a->backoff;
	int secs = (a->backoff + 999) / 1000;
	char *text = xasprintf(ngettext("%s; trying again in %d second",
					"%s; trying again in %d seconds", secs), err_msg(err), secs);
	account_set_state(a, ACCT_OFFLINE, text);
	free(text);
	a->backoff = a->backoff * 2 > a->o.retry_max_ms ? a->o.retry_max_ms : a->backoff * 2;
}

static int do_connect(struct account *a, struct err *err)
{
	state_if_changed(a, ACCT_CONNECTING, a->o.conf->host);
	account_set_busy(a);
	/* Without the store lock: connecting never touches the store, and the
	 * UI keeps reading it meanwhile. */
	int r = a->driver->ops->connect(a->driver, err);
	account_clear_busy(a);
	if (r < 0) {
		after_failure(a, err);
		return -1;
	}
	a->backoff = a->o.retry_min_ms;
	a->retry_at = 0;
	a->next_check = 0;      /* check everything at once */
	state_if_changed(a, ACCT_ONLINE, NULL);
	return 0;
}

/* Connects for a request the user made: also out of the error state and
 * regardless of the backoff. */
static int ensure_connected(struct account *a, struct err *err)
{
	if (!a->driver)
		return err_set(err, ERR_UNSUPPORTED, _("account %s works offline only"),
			       a->o.conf->account);
	if (connected(a))
		return 0;
	return do_connect(a, err);
}

/* The folder IDLE watches: the one the UI shows, else the INBOX. */
static uint32_t watch_folder(struct account *a)
{
	if (a->watch_folder)
		return a->watch_folder;
	struct store_folder f = { 0 };
	pthread_mutex_lock(&a->store_lock);
	if (store_folder_get(a->store, "INBOX", &f, NULL) == 1)
		a->watch_folder = f.id;
	pthread_mutex_unlock(&a->store_lock);
	store_folder_release(&f);
	return a->watch_folder;
}

/* Folders, journal, the watched folder: what a periodic check and "sync
 * now" do. flags: enum sync_flags for the watched folder. */
static int check_account(struct account *a, uint64_t reply_to, unsigned flags, struct err *err)
{
	const struct driver_ops *ops = a->driver->ops;
	int r = 0;
	call_begin(a, reply_to, true);
	if (ops->sync_folders)
		r = ops->sync_folders(a->driver, err);
	if (r == 0 && atomic_exchange(&a->journal_dirty, false)) {
		r = ops->replay_journal(a->driver, err);
		if (r < 0)
			atomic_store(&a->journal_dirty, true);
	}
	/* A cancel that came between the calls would be lost with the reset. */
	if (call_end(a) && r == 0)
		r = err_set(err, ERR_CANCELLED, _("cancelled"));
	uint32_t folder = watch_folder(a);
	if (r == 0 && folder) {
		call_begin(a, reply_to, true);
		r = ops->sync_folder(a->driver, folder, flags, err);
		call_end(a);
	}
	a->next_check = now_ms() + (int64_t)a->o.check_interval * 1000;
	atomic_store(&a->outbox_due, true);   /* retries, and what `postie send` spooled */
	if (r < 0)
		after_failure(a, err);
	return r;
}

static int replay(struct account *a, struct err *err)
{
	atomic_store(&a->journal_dirty, false);
	call_begin(a, 0, true);
	int r = a->driver->ops->replay_journal(a->driver, err);
	call_end(a);
	if (r < 0) {
		atomic_store(&a->journal_dirty, true);
		after_failure(a, err);
	}
	return r;
}

/* The earlier of two deadlines, as a poll timeout. */
static int ms_until_either(int64_t a, int64_t b)
{
	return ms_until(a < b ? a : b);
}

static void watch(struct account *a)
{
	uint32_t folder = watch_folder(a);
	int ms = ms_until_either(a->next_check, account_can_send(a) ? a->next_flush : NEVER);
	if (ms < 0 || ms > WATCH_MAX_MS)
		ms = WATCH_MAX_MS;
	if (!folder) {
		wait_wake(a, ms);
		return;
	}
	struct err err = ERR_INIT;
	call_begin(a, 0, false);
	int r = a->driver->ops->wait_changes(a->driver, folder, a->wake_rd, ms, &err);
	call_end(a);
	if (r < 0) {
		if (err.kind != ERR_CANCELLED)
			log_warn("%s: %s", a->o.conf->account, err_msg(&err));
		after_failure(a, &err);
	}
	err_clear(&err);
}

/* ---- Requests that need the network ---- */

static int get_body(struct account *a, struct request *r, struct err *err)
{
	pthread_mutex_lock(&a->store_lock);
	int found = account_body_from_store(a, r, err);
	pthread_mutex_unlock(&a->store_lock);
	if (found != 0)
		return found < 0 ? -1 : 0;
	if (!a->driver)
		return err_set(err, ERR_NOT_FOUND, _("the message is not in the store"));
	if (ensure_connected(a, err) < 0) {
		err_prefix(err, _("the message is not in the store yet"));
		return -1;
	}
	call_begin(a, r->id, true);
	int rc = a->driver->ops->fetch_body(a->driver, r->folder, r->uid, err);
	if (rc == 0) {
		found = account_body_from_store(a, r, err);
		if (found == 0)
			rc = err_set(err, ERR_NOT_FOUND, _("the server no longer has the message"));
		else if (found < 0)
			rc = -1;
	}
	call_end(a);
	if (rc < 0)
		after_failure(a, err);
	return rc;
}

static int open_folder(struct account *a, struct request *r, struct err *err)
{
	a->watch_folder = r->folder;
	if (!connected(a))
		return 0;   /* shown from the store; synced when the account is back */
	call_begin(a, r->id, true);
	int rc = a->driver->ops->sync_folder(a->driver, r->folder, 0, err);
	call_end(a);
	if (rc < 0)
		after_failure(a, err);
	return rc;
}

static int sync_now(struct account *a, struct request *r, struct err *err)
{
	a->backoff = a->o.retry_min_ms;
	struct err send_err = ERR_INIT;
	if (account_can_send(a))
		account_flush_outbox(a, OUTBOX_FLUSH_NOW, r->id, &send_err);
	err_clear(&send_err);
	if (!a->driver)
		return 0;
	if (ensure_connected(a, err) < 0)
		return -1;
	atomic_store(&a->journal_dirty, true);
	return check_account(a, r->id, SYNC_FULL, err);
}

static int folder_op(struct account *a, struct request *r, struct err *err)
{
	if (!a->driver || !a->driver->ops->folder_op)
		return err_set(err, ERR_UNSUPPORTED, _("%s cannot manage folders on the server"),
			       a->o.conf->account);
	if (ensure_connected(a, err) < 0)
		return -1;
	call_begin(a, r->id, true);
	int rc = a->driver->ops->folder_op(a->driver, (enum folder_op)r->add, r->text, r->text2,
					   err);
	account_flush_folders(a, true);
	call_end(a);
	if (rc < 0)
		after_failure(a, err);
	return rc;
}

/* The next request, made current in the same step: account_cancel() looks
 * in the queue and at current under a->mu, so it finds the request in one
 * place or the other, never in neither. */
static struct request *take_next(struct account *a)
{
	pthread_mutex_lock(&a->mu);
	struct request *r = reqq_pop(&a->q);
	a->current = r;
	pthread_mutex_unlock(&a->mu);
	return r;
}

/* Serves r, which take_next() made current. */
static void handle(struct account *a, struct request *r)
{
	struct err err = ERR_INIT;
	int rc;
	if (atomic_load(&r->cancelled)) {
		rc = err_set(&err, ERR_CANCELLED, _("cancelled"));
	} else if (req_is_store_only(r->kind)) {
		pthread_mutex_lock(&a->mu);
		a->current = NULL;
		pthread_mutex_unlock(&a->mu);
		pthread_mutex_lock(&a->store_lock);
		account_serve_store(a, r);
		pthread_mutex_unlock(&a->store_lock);
		return;
	} else {
		switch (r->kind) {
		case REQ_GET_BODY: rc = get_body(a, r, &err); break;
		case REQ_OPEN_FOLDER: rc = open_folder(a, r, &err); break;
		case REQ_SYNC: rc = sync_now(a, r, &err); break;
		case REQ_FOLDER_OP: rc = folder_op(a, r, &err); break;
		default:
			rc = err_set(&err, ERR_UNSUPPORTED, _("%s is not supported yet"),
				     req_kind_name(r->kind));
			break;
		}
	}
	account_finish(a, r, rc, &err);
	err_clear(&err);
	pthread_mutex_lock(&a->mu);
	a->current = NULL;
	pthread_mutex_unlock(&a->mu);
	request_free(&r);
}

/* ---- The loop ---- */

static void announce(struct account *a)
{
	pthread_mutex_lock(&a->store_lock);
	account_flush_folders(a, true);
	account_count_unsent(a);
	pthread_mutex_unlock(&a->store_lock);
	const char *notice = store_acct_notice(a->store);
	if (notice) {
		struct event *ev = event_new(EV_NOTICE, a->o.index, 0);
		ev->text = xstrdup(notice);
		account_post(a, ev);
	}
	if (!a->driver)
		account_set_state(a, ACCT_LOCAL, NULL);
	else
		account_set_state(a, ACCT_OFFLINE, a->o.start_offline ? _("not connected") : NULL);
	a->retry_at = a->o.start_offline ? NEVER : 0;
}

/* One step when nothing is queued. */
static void background(struct account *a)
{
	struct err err = ERR_INIT;
	int64_t flush_at = account_can_send(a) ? a->next_flush : NEVER;
	if (account_can_send(a) && (atomic_load(&a->outbox_due) || now_ms() >= a->next_flush)) {
		/* SMTP is its own server: this does not need the account online */
		account_flush_outbox(a, 0, 0, &err);
	} else if (!a->driver) {
		wait_wake(a, ms_until(flush_at));
	} else if (!connected(a)) {
		if (a->retry_at != NEVER && now_ms() >= a->retry_at)
			do_connect(a, &err);
		else
			wait_wake(a, ms_until_either(a->retry_at, flush_at));
	} else if (now_ms() >= a->next_check) {
		check_account(a, 0, 0, &err);
	} else if (atomic_load(&a->journal_dirty)) {
		replay(a, &err);
	} else {
		watch(a);
	}
	err_clear(&err);
}

void *account_worker_main(void *arg)
{
	struct account *a = arg;
	account_bind_thread(a);
	announce(a);
	for (;;) {
		/* drain first, then look: a stop (or request) that comes after the
		 * look leaves its wake in the pipe for the next wait */
		account_drain_wake(a);
		if (stopping(a))
			break;
		struct request *r = take_next(a);
		if (r)
			handle(a, r);
		else
			background(a);
	}
	struct request *r;
	while ((r = reqq_pop(&a->q)) != NULL) {
		account_reply(a, r->id, EV_CANCELLED, NULL, NULL);
		request_free(&r);
	}
	if (connected(a))
		a->driver->ops->disconnect(a->driver);
	return NULL;
}
