#include "common.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "conf/conf.h"
#include "core/account-private.h"
#include "core/outbox.h"
#include "net/net.h"
#include "store/store.h"

static atomic_uint_fast64_t next_request_id = 1;
static _Thread_local struct account *current_account;

struct account *account_current(void)
{
	return current_account;
}

static int open_wake_pipe(struct account *a, struct err *err)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0)
		return err_set(err, ERR_IO, _("cannot make a pipe: %s"), strerror(errno));
	a->wake_rd = fds[0];
	a->wake_wr = fds[1];
	return 0;
}

static int make_driver(struct account *a, struct err *err)
{
	if (!a->o.make_driver)
		return 0;
	if (a->o.make_driver(a->o.conf, a->store, a->o.net, a->cancel, &a->obs, &a->driver,
			     err) < 0) {
		err_prefix(err, _("account %s"), a->o.conf->account);
		return -1;
	}
	return 0;
}

/* Starts the worker with SIGWINCH (and the other terminal signals) blocked,
 * so that they reach the UI thread, which waits for them in poll(). */
static int start_thread(struct account *a, struct err *err)
{
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGWINCH);
	sigaddset(&block, SIGTSTP);
	sigaddset(&block, SIGCONT);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	int r = pthread_create(&a->thread, NULL, account_worker_main, a);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0)
		return err_set(err, ERR_IO, _("cannot start a thread: %s"), strerror(r));
	a->thread_started = true;
	return 0;
}

int account_start(const struct account_opts *o, struct account **a_r, struct err *err)
{
	struct account *a = xcalloc(1, sizeof *a);
	a->o = *o;
	if (!a->o.check_interval)
		a->o.check_interval = 300;
	if (!a->o.retry_min_ms)
		a->o.retry_min_ms = 2000;
	if (!a->o.retry_max_ms)
		a->o.retry_max_ms = 300 * 1000;
	a->wake_rd = a->wake_wr = -1;
	pthread_mutex_init(&a->store_lock, NULL);
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->answer_cv, NULL);
	reqq_init(&a->q);
	atomic_init(&a->stop, false);
	atomic_init(&a->state, o->make_driver ? ACCT_OFFLINE : ACCT_LOCAL);
	atomic_init(&a->view_folder, 0);
	atomic_init(&a->busy, false);
	atomic_init(&a->journal_dirty, true);   /* replay what an earlier run left */
	atomic_init(&a->outbox_due, true);      /* and send what it left */
	atomic_init(&a->unsent, 0);
	a->next_flush = INT64_MAX;
	a->spool_dir = outbox_spool_dir(store_data_dir(o->store), o->conf->account);
	a->cancel = net_cancel_new();
	a->backoff = a->o.retry_min_ms;
	account_observer_init(a);
	enum store_acct_kind kind = o->conf->protocol == PROTO_POP3 ? STORE_ACCT_PRIMARY
								    : STORE_ACCT_CACHE;
	if (open_wake_pipe(a, err) < 0 ||
	    store_acct_open(o->store, o->conf->account, kind, STORE_ACCT_REBUILD_CACHE, &a->store,
			    err) < 0 ||
	    make_driver(a, err) < 0 || start_thread(a, err) < 0) {
		account_stop(&a);
		return -1;
	}
	*a_r = a;
	return 0;
}

void account_wake(struct account *a)
{
	ssize_t w = write(a->wake_wr, "", 1);
	(void)w;   /* a full pipe wakes the worker just as well */
}

void account_drain_wake(struct account *a)
{
	char b[64];
	while (read(a->wake_rd, b, sizeof b) > 0)
		;
}

void account_request_stop(struct account *a)
{
	atomic_store(&a->stop, true);
	net_cancel_fire(a->cancel);
	pthread_mutex_lock(&a->mu);
	pthread_cond_broadcast(&a->answer_cv);
	pthread_mutex_unlock(&a->mu);
	account_wake(a);
}

void account_stop(struct account **ap)
{
	struct account *a = *ap;
	if (!a)
		return;
	if (a->thread_started) {
		account_request_stop(a);
		pthread_join(a->thread, NULL);
	}
	if (a->driver)
		a->driver->ops->free(&a->driver);
	reqq_release(&a->q);
	store_acct_close(&a->store);
	net_cancel_free(&a->cancel);
	secret_release(&a->answer_secret);
	free(a->spool_dir);
	if (a->wake_rd >= 0) {
		close(a->wake_rd);
		close(a->wake_wr);
	}
	pthread_cond_destroy(&a->answer_cv);
	pthread_mutex_destroy(&a->mu);
	pthread_mutex_destroy(&a->store_lock);
	free(a);
	*ap = NULL;
}

void account_post(struct account *a, struct event *ev)
{
	ev->account = a->o.index;
	inbox_push(a->o.inbox, ev);
}

void account_reply(struct account *a, uint64_t id, enum ev_kind kind, struct err *err,
		   const char *text)
{
	struct event *ev = event_new(kind, a->o.index, id);
	if (kind == EV_ERROR && err)
		err_move(&ev->err, err);
	if (text)
		ev->text = xstrdup(text);
	account_post(a, ev);
}

void account_finish(struct account *a, struct request *r, int rc, struct err *err)
{
	if (rc >= 0) {
		struct event *ev = event_new(EV_DONE, a->o.index, r->id);
		ev->n1 = (uint64_t)rc;
		account_post(a, ev);
	} else if (err->kind == ERR_CANCELLED || atomic_load(&r->cancelled))
		account_reply(a, r->id, EV_CANCELLED, NULL, NULL);
	else if (err->kind == ERR_UNSUPPORTED)
		account_reply(a, r->id, EV_UNSUPPORTED, NULL, err_msg(err));
	else
		account_reply(a, r->id, EV_ERROR, err, NULL);
}

void account_set_state(struct account *a, enum acct_state s, const char *text)
{
	atomic_store(&a->state, s);
	struct event *ev = event_new(EV_STATE, a->o.index, 0);
	ev->n1 = s;
	if (text)
		ev->text = xstrdup(text);
	account_post(a, ev);
}

/* Serves a store-only request on the calling thread when nothing is queued
 * before it and the store is free. */
static bool try_serve_here(struct account *a, struct request *r)
{
	if (!req_is_store_only(r->kind) || r->kind == REQ_SEARCH || reqq_len(&a->q) != 0)
		return false;
	if (pthread_mutex_trylock(&a->store_lock) != 0)
		return false;
	account_serve_store(a, r);
	pthread_mutex_unlock(&a->store_lock);
	if (atomic_load(&a->journal_dirty))
		account_wake(a);    /* the worker carries the journal to the server */
	return true;
}

uint64_t account_submit(struct account *a, struct request *r)
{
	uint64_t id = atomic_fetch_add(&next_request_id, 1);
	r->id = id;
	if (try_serve_here(a, r))
		return id;
	reqq_push(&a->q, r);
	account_wake(a);
	return id;
}

static bool match_id(const struct request *r, void *aux)
{
	return r->id == *(uint64_t *)aux;
}

bool account_cancel(struct account *a, uint64_t id)
{
	bool running = false;
	struct request *queued = NULL;
	/* under mu: the worker moves a request from the queue to current under it */
	pthread_mutex_lock(&a->mu);
	if (id)
		queued = reqq_pop_if(&a->q, match_id, &id);
	if (!queued && a->current && (!id || a->current->id == id)) {
		atomic_store(&a->current->cancelled, true);
		running = true;
	}
	pthread_mutex_unlock(&a->mu);
	if (queued) {
		/* answered here; the running request is left alone */
		account_reply(a, queued->id, EV_CANCELLED, NULL, NULL);
		request_free(&queued);
		return true;
	}
	/* id 0 also stops a background task. If the worker is not busy yet, it
	 * fires the handle itself when the operation begins (account_set_busy). */
	if ((running || !id) && atomic_load(&a->busy)) {
		net_cancel_fire(a->cancel);
		return true;
	}
	return running;
}

void account_answer(struct account *a, uint64_t qid, int choice, const char *text)
{
	pthread_mutex_lock(&a->mu);
	if (a->question_id == qid && !a->answered) {
		a->answered = true;
		a->answer_choice = choice;
		secret_release(&a->answer_secret);
		if (text)
			secret_set(&a->answer_secret, text);
		pthread_cond_broadcast(&a->answer_cv);
	}
	pthread_mutex_unlock(&a->mu);
}

int account_ask(struct account *a, enum question_kind kind, const char *text, int *choice_r,
		struct secret *secret_r)
{
	static atomic_uint_fast64_t next_qid = 1;
	uint64_t qid = atomic_fetch_add(&next_qid, 1);
	pthread_mutex_lock(&a->mu);
	a->question_id = qid;
	a->answered = false;
	pthread_mutex_unlock(&a->mu);

	struct event *ev = event_new(EV_QUESTION, a->o.index, 0);
	ev->n1 = qid;
	ev->n2 = kind;
	ev->text = xstrdup(text);
	account_post(a, ev);

	int r = -1;
	pthread_mutex_lock(&a->mu);
	while (!a->answered && !atomic_load(&a->stop))
		pthread_cond_wait(&a->answer_cv, &a->mu);
	if (a->answered) {
		r = 0;
		if (choice_r)
			*choice_r = a->answer_choice;
		if (secret_r) {
			if (a->answer_secret.len == 0)
				r = -1;
			else
				secret_set(secret_r, secret_str(&a->answer_secret));
		}
	}
	secret_release(&a->answer_secret);
	a->question_id = 0;
	pthread_mutex_unlock(&a->mu);
	return r;
}

void account_set_view(struct account *a, uint32_t folder)
{
	atomic_store(&a->view_folder, folder);
	account_wake(a);
}

const struct account_conf *account_conf(const struct account *a)
{
	return a->o.conf;
}

const char *account_name(const struct account *a)
{
	return a->o.conf->account;
}

size_t account_index(const struct account *a)
{
	return a->o.index;
}

enum acct_state account_state(const struct account *a)
{
	return (enum acct_state)atomic_load(&a->state);
}

size_t account_unsent(const struct account *a)
{
	return (size_t)atomic_load(&a->unsent);
}

bool account_busy(const struct account *a)
{
	return atomic_load(&a->busy);
}

void account_bind_thread(struct account *a)
{
	current_account = a;
}
