/* The account worker and its protocol, against the fake driver: one
 * terminal reply per request, reads served in the middle of a long sync,
 * cancellation, reconnection with backoff, questions, a prompt stop. */
#include "common.h"

#include <poll.h>
#include <time.h>

#include "conf/conf.h"
#include "core/account.h"
#include "core/proto.h"
#include "core/queue.h"
#include "fake-driver.h"
#include "store/index.h"
#include "store/store.h"
#include "tap.h"
#include "util/array.h"
#include "util/paths.h"

static struct inbox inbox;
static struct store *store;
static struct fake_server srv;
static struct account_conf aconf;
static ARRAY(struct event *) seen;

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Also what the stopped accounts posted but nobody took yet: a stale
 * "online" must not answer the next test's wait. */
static void forget_events(void)
{
	for (struct event *ev = inbox_take(&inbox), *next; ev; ev = next) {
		next = ev->next;
		ARRAY_PUSH(&seen, ev);
	}
	for (size_t i = 0; i < seen.n; i++)
		event_free(&seen.v[i]);
	seen.n = 0;
}

/* Collects events until pred() says so or ms pass; true if pred held. */
static bool collect(bool (*pred)(void *aux), void *aux, int ms)
{
	int64_t end = now_ms() + ms;
	for (;;) {
		if (pred && pred(aux))
			return true;
		int64_t left = end - now_ms();
		if (left <= 0)
			return pred == NULL;
		struct pollfd p = { inbox_fd(&inbox), POLLIN, 0 };
		poll(&p, 1, (int)left);
		for (struct event *ev = inbox_take(&inbox), *next; ev; ev = next) {
			next = ev->next;
			ARRAY_PUSH(&seen, ev);
		}
	}
}

static size_t count_replies(uint64_t id, bool terminal_only)
{
	size_t n = 0;
	for (size_t i = 0; i < seen.n; i++)
		if (seen.v[i]->in_reply_to == id && (!terminal_only || ev_is_terminal(seen.v[i]->kind)))
			n++;
	return n;
}

static struct event *find(enum ev_kind kind, uint64_t id)
{
	for (size_t i = 0; i < seen.n; i++)
		if (seen.v[i]->kind == kind && (!id || seen.v[i]->in_reply_to == id))
			return seen.v[i];
	return NULL;
}

static bool replied(void *aux)
{
	return count_replies(*(uint64_t *)aux, true) > 0;
}

static bool has_state(void *aux)
{
	int want = *(int *)aux;
	for (size_t i = 0; i < seen.n; i++)
		if (seen.v[i]->kind == EV_STATE && (int)seen.v[i]->n1 == want)
			return true;
	return false;
}

static bool has_question(void *aux)
{
	(void)aux;
	return find(EV_QUESTION, 0) != NULL;
}

static struct account *start(bool offline, int retry_ms)
{
	struct account_opts o = {
		.index = 0, .conf = &aconf, .store = store, .inbox = &inbox,
		.make_driver = fake_driver_new, .start_offline = offline,
		.retry_min_ms = retry_ms, .retry_max_ms = retry_ms * 4,
	};
	struct account *a;
	struct err err = ERR_INIT;
	if (account_start(&o, &a, &err) < 0) {
		tap_diag("account_start: %s", err_msg(&err));
		exit(1);
	}
	return a;
}

static uint64_t submit(struct account *a, enum req_kind kind, uint32_t folder, uint32_t uid)
{
	struct request *r = request_new(kind);
	r->folder = folder;
	r->uid = uid;
	return account_submit(a, r);
}

static uint32_t inbox_id(void)
{
	for (size_t i = seen.n; i-- > 0;)
		if (seen.v[i]->kind == EV_FOLDERS)
			for (size_t j = 0; j < seen.v[i]->folders.n; j++)
				if (strcmp(seen.v[i]->folders.v[j].name, "INBOX") == 0)
					return seen.v[i]->folders.v[j].id;
	return 0;
}

static void seed(int n)
{
	for (int i = 1; i <= n; i++) {
		char *subj = xasprintf("message %d", i);
		fake_server_add(&srv, "INBOX", (uint32_t)i, "alice@example.test", subj, MSG_SEEN,
				"body text");
		free(subj);
	}
	fake_server_add(&srv, "Archive", 7, "bob@example.test", "old", MSG_SEEN, "x");
}

static void test_connect_and_sync(void)
{
	struct account *a = start(false, 50);
	int online = ACCT_ONLINE;
	ok(collect(has_state, &online, 5000), "the account goes online");
	ok(find(EV_FOLDERS, 0) != NULL, "the folder list comes first from the store");
	uint64_t id = submit(a, REQ_SYNC, 0, 0);
	ok(collect(replied, &id, 5000), "sync now is answered");
	ok(find(EV_DONE, id) != NULL, "sync ends with done");
	uint32_t inbox_folder = inbox_id();
	ok(inbox_folder != 0, "INBOX appears in the folder list");
	id = submit(a, REQ_LOAD_INDEX, inbox_folder, 0);
	ok(collect(replied, &id, 5000), "load-index is answered");
	struct event *ev = find(EV_INDEX, id);
	ok(ev && ev->index && ev->index->n == 20, "the index has the 20 synced messages");

	/* the view gets messages as they arrive */
	account_set_view(a, inbox_folder);
	forget_events();
	srv.arrive = 2;
	account_set_view(a, inbox_folder);   /* wakes the worker: IDLE picks the arrival up */
	bool got = false;
	for (int i = 0; i < 100 && !got; i++) {
		collect(NULL, NULL, 20);
		got = find(EV_NEW_MAIL, 0) != NULL;
	}
	ok(got, "new mail during IDLE is reported");
	ev = find(EV_MSGS_ADDED, 0);
	ok(ev && ev->n_msgs == 2 && ev->folder == inbox_folder,
	   "the viewed folder gets the new messages");

	/* bodies: fetched once, then from the store */
	forget_events();
	id = submit(a, REQ_GET_BODY, inbox_folder, 3);
	ok(collect(replied, &id, 5000) && find(EV_BODY, id), "a body not in the store is fetched");
	ev = find(EV_BODY, id);
	ok(ev && strstr(buf_cstr(&ev->data), "message 3"), "the body is the message's");
	int fetches = atomic_load(&srv.fetches);
	id = submit(a, REQ_GET_BODY, inbox_folder, 3);
	ok(collect(replied, &id, 5000) && find(EV_BODY, id), "the second read is answered");
	is_int(atomic_load(&srv.fetches), fetches, "... from the store, without the network");

	/* unsupported and unknown */
	id = submit(a, REQ_FOLDER_OP, 0, 0);
	ok(collect(replied, &id, 5000) && find(EV_UNSUPPORTED, id),
	   "an operation the driver lacks is unsupported");
	account_stop(&a);
	ok(a == NULL, "stop frees the account");
	forget_events();
}

static void test_one_reply_each(void)
{
	struct account *a = start(false, 50);
	int online = ACCT_ONLINE;
	collect(has_state, &online, 5000);
	uint64_t sync = submit(a, REQ_SYNC, 0, 0);
	collect(replied, &sync, 5000);
	uint32_t inbox_folder = inbox_id();
	uint64_t ids[40];
	enum req_kind kinds[] = { REQ_LOAD_FOLDERS, REQ_LOAD_INDEX, REQ_GET_BODY, REQ_OPEN_FOLDER,
				  REQ_SEARCH, REQ_OUTBOX_LIST, REQ_SET_FLAGS, REQ_FOLDER_OP };
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
		struct request *r = request_new(kinds[i % ARRAY_SIZE(kinds)]);
		r->folder = inbox_folder;
		r->uid = (uint32_t)(i % 20) + 1;
		r->text = xstrdup("~s message");
		request_set_uids(r, &r->uid, 1);
		r->add = MSG_FLAGGED;
		ids[i] = account_submit(a, r);
	}
	collect(replied, &ids[ARRAY_SIZE(ids) - 1], 10000);
	collect(NULL, NULL, 200);   /* anything extra would come now */
	bool all_one = true;
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++)
		if (count_replies(ids[i], true) != 1) {
			tap_diag("request %zu (%s): %zu terminal replies", i,
				 req_kind_name(kinds[i % ARRAY_SIZE(kinds)]), count_replies(ids[i], true));
			all_one = false;
		}
	ok(all_one, "each of 40 mixed requests got exactly one terminal reply");
	bool after = true;
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
		size_t term = SIZE_MAX;
		for (size_t j = 0; j < seen.n; j++)
			if (seen.v[j]->in_reply_to == ids[i]) {
				if (term != SIZE_MAX)
					after = false;
				if (ev_is_terminal(seen.v[j]->kind))
					term = j;
			}
	}
	ok(after, "no data event follows a request's terminal reply");
	struct event *s = find(EV_SEARCH, ids[4]);
	ok(s && s->n == 20, "search ~s finds the 20 messages");
	account_stop(&a);
	forget_events();
}

/* Waits (bounded only against a hang, never a timing assertion) until the
 * fake server's counter passes n. */
static bool reached(atomic_int *counter, int n)
{
	for (int i = 0; i < 3000; i++) {
		if (atomic_load(counter) > n)
			return true;
		collect(NULL, NULL, 10);
	}
	return false;
}

/* Waits until the worker is idle: connected, its checks done, watching the
 * folder; the next request it gets is served before anything else. */
static bool idle(void)
{
	for (int i = 0; i < 3000; i++) {
		if (atomic_load(&srv.waiting))
			return true;
		collect(NULL, NULL, 10);
	}
	return false;
}

static void test_reads_during_long_sync(void)
{
	struct account *a = start(false, 50);
	int online = ACCT_ONLINE;
	collect(has_state, &online, 5000);
	uint64_t id = submit(a, REQ_SYNC, 0, 0);
	collect(replied, &id, 5000);
	uint32_t inbox_folder = inbox_id();
	/* a sync of 400 more messages, 20 per batch, held after the first one */
	for (int i = 21; i <= 420; i++)
		fake_server_add(&srv, "INBOX", (uint32_t)i, "carol@example.test", "more", 0, "b");
	srv.batch = 20;
	srv.hold_batches = true;
	int held = atomic_load(&srv.held);
	forget_events();
	uint64_t sync = submit(a, REQ_OPEN_FOLDER, inbox_folder, 0);
	ok(reached(&srv.held, held), "the sync stores its first batch and goes on");
	for (int i = 0; i < 3000 && !find(EV_PROGRESS, sync); i++)
		collect(NULL, NULL, 10);
	ok(find(EV_PROGRESS, sync) != NULL, "the sync reports progress");
	int64_t t0 = now_ms();
	uint64_t load = submit(a, REQ_LOAD_INDEX, inbox_folder, 0);
	uint64_t body = submit(a, REQ_GET_BODY, inbox_folder, 3);
	ok(collect(replied, &load, 30000) && collect(replied, &body, 30000),
	   "reads submitted during the sync are answered");
	int64_t latency = now_ms() - t0;
	ok(count_replies(sync, true) == 0, "... before the sync ends");
	ok(find(EV_DONE, load) && find(EV_BODY, body), "... from the store");
	tap_diag("read latency during the sync: %lld ms", (long long)latency);
	struct event *ev = find(EV_INDEX, load);
	ok(ev && ev->index->n > 20 && ev->index->n < 420,
	   "the index shows the sync's progress so far (%zu)", ev ? ev->index->n : 0);
	srv.hold_batches = false;
	ok(collect(replied, &sync, 30000) && find(EV_DONE, sync), "then the sync ends");
	srv.batch = 0;
	srv.batch_delay_ms = 0;
	account_stop(&a);
	forget_events();
}

/* A cancel that comes while the request is current but between two driver
 * calls (the worker not busy) must still stop the next call: the fake's
 * sync_folders is held while the cancel comes, then the blocking
 * sync_folder must be cancelled as it begins. */
static void test_cancel_between_calls(struct account *a)
{
	ok(idle(), "the account is idle, watching its folder");
	int held = atomic_load(&srv.held);
	srv.hold_folders = true;
	srv.block_sync = true;
	uint64_t id = submit(a, REQ_SYNC, 0, 0);
	ok(reached(&srv.held, held), "sync now is in the driver's first call");
	ok(account_cancel(a, id), "the running request is found");
	srv.hold_folders = false;   /* the first call ends normally, not cancelled */
	ok(collect(replied, &id, 10000), "the cancel is not lost between driver calls");
	ok(find(EV_CANCELLED, id) != NULL, "... and the request ends with cancelled");
	srv.block_sync = false;
}

static void test_cancel(void)
{
	struct account *a = start(false, 50);
	int online = ACCT_ONLINE;
	collect(has_state, &online, 5000);
	test_cancel_between_calls(a);

	ok(idle(), "the account reconnects and is idle again");
	srv.block_sync = true;
	int blocked = atomic_load(&srv.blocked);
	uint64_t id = submit(a, REQ_SYNC, 0, 0);
	ok(reached(&srv.blocked, blocked), "the sync blocks in the driver");
	ok(account_busy(a), "a blocked sync is busy");
	int64_t t0 = now_ms();
	ok(account_cancel(a, 0), "cancel finds the running request");
	ok(collect(replied, &id, 10000), "the cancelled request is answered");
	ok(find(EV_CANCELLED, id) != NULL, "... with cancelled");
	tap_diag("cancel took %lld ms", (long long)(now_ms() - t0));
	srv.block_sync = false;

	/* cancelled while an earlier step of the same sync runs (one that does
	 * not look at the cancel): the step after it must not start blocked */
	ok(idle(), "the account is idle before the slow folder list");
	srv.block_sync = true;
	srv.folders_delay_ms = 400;
	id = submit(a, REQ_SYNC, 0, 0);
	collect(NULL, NULL, 100);
	ok(account_cancel(a, id), "cancel during the folder list");
	ok(collect(replied, &id, 5000), "a cancel during an earlier step still ends the sync");
	ok(find(EV_CANCELLED, id) != NULL, "... with cancelled");
	srv.folders_delay_ms = 0;
	srv.block_sync = false;

	/* a queued request cancelled before its turn */
	ok(idle(), "the account reconnects and is idle again");
	srv.block_sync = true;
	blocked = atomic_load(&srv.blocked);
	uint64_t first = submit(a, REQ_SYNC, 0, 0);
	uint64_t second = submit(a, REQ_OPEN_FOLDER, 1, 0);
	ok(reached(&srv.blocked, blocked), "the first request blocks in the driver");
	ok(account_cancel(a, second), "a queued request can be cancelled");
	collect(replied, &second, 10000);
	ok(find(EV_CANCELLED, second) != NULL, "... and is answered at once");
	ok(count_replies(first, true) == 0 && account_busy(a),
	   "... and the running request goes on");
	ok(account_cancel(a, first), "then the running one is cancelled");
	ok(collect(replied, &first, 10000) && find(EV_CANCELLED, first),
	   "... and answered with cancelled");
	srv.block_sync = false;

	/* stop while blocked: prompt */
	ok(idle(), "the account reconnects and is idle again");
	srv.block_sync = true;
	blocked = atomic_load(&srv.blocked);
	submit(a, REQ_SYNC, 0, 0);
	reached(&srv.blocked, blocked);
	t0 = now_ms();
	account_stop(&a);
	/* the sync blocks until cancelled: returning at all proves the cancel */
	ok(a == NULL && atomic_load(&srv.block_sync), "stopping an account blocked in a sync "
	   "returns while the server still blocks");
	tap_diag("stop took %lld ms", (long long)(now_ms() - t0));
	srv.block_sync = false;
	forget_events();
}

static void test_backoff_and_questions(void)
{
	srv.connect_failures = 2;
	atomic_store(&srv.connects, 0);
	int64_t t0 = now_ms();
	struct account *a = start(false, 100);
	int online = ACCT_ONLINE;
	ok(collect(has_state, &online, 5000), "online after two failed connects");
	int64_t took = now_ms() - t0;
	is_int(atomic_load(&srv.connects), 3, "three connection attempts");
	ok(took >= 250, "with backoff between them (%lld ms >= 100 + 200)", (long long)took);
	struct event *off = NULL;
	for (size_t i = 0; i < seen.n; i++)
		if (seen.v[i]->kind == EV_STATE && seen.v[i]->n1 == ACCT_OFFLINE && seen.v[i]->text &&
		    strstr(seen.v[i]->text, "refused"))
			off = seen.v[i];
	ok(off && strstr(off->text, "trying again"), "offline state says why and when");
	account_stop(&a);
	forget_events();

	/* an authentication failure waits for the user */
	srv.connect_failures = 1;
	srv.connect_error = ERR_AUTH;
	atomic_store(&srv.connects, 0);
	a = start(false, 50);
	int error = ACCT_ERROR;
	ok(collect(has_state, &error, 5000), "a refused login puts the account in error");
	collect(NULL, NULL, 300);
	is_int(atomic_load(&srv.connects), 1, "and it does not retry by itself");
	uint64_t id = submit(a, REQ_SYNC, 0, 0);
	ok(collect(replied, &id, 5000) && find(EV_DONE, id), "sync now retries and succeeds");
	account_stop(&a);
	forget_events();
	srv.connect_error = ERR_NET;

	/* password question */
	srv.ask_password = true;
	a = start(false, 50);
	ok(collect(has_question, NULL, 5000), "connect asks for the password");
	struct event *q = find(EV_QUESTION, 0);
	is_int(q->n2, Q_SECRET, "a secret question");
	account_answer(a, q->n1, 0, "s3cret");
	ok(collect(has_state, &online, 5000), "online after the answer");
	is_str(srv.password, "s3cret", "the driver got the typed password");
	account_stop(&a);
	forget_events();

	/* stop while a question waits */
	a = start(false, 50);
	collect(has_question, NULL, 5000);
	t0 = now_ms();
	account_stop(&a);
	/* nobody answers: returning at all proves it */
	ok(a == NULL, "stop does not wait for an unanswered question");
	tap_diag("stop took %lld ms", (long long)(now_ms() - t0));
	srv.ask_password = false;
	forget_events();
}

static void test_offline_start(void)
{
	struct account *a = start(true, 50);
	collect(NULL, NULL, 200);
	is_int(account_state(a), ACCT_OFFLINE, "start_offline stays offline");
	uint32_t inbox_folder = inbox_id();
	uint64_t id = submit(a, REQ_LOAD_INDEX, inbox_folder, 0);
	ok(collect(replied, &id, 2000) && find(EV_INDEX, id), "the store is read while offline");
	account_stop(&a);
	forget_events();
}

static uint32_t newest_uid(const struct store_index *idx)
{
	return idx->n ? idx->msgs[idx->n - 1].uid : 0;
}

/* A large folder's index comes in two events: the newest messages at once
 * (a screenful, whatever the folder's size), then the whole index. */
static void test_index_newest_first(void)
{
	for (int i = 421; i <= 1600; i++)
		fake_server_add(&srv, "INBOX", (uint32_t)i, "dave@example.test", "many", 0, "b");
	struct account *a = start(false, 50);
	int online = ACCT_ONLINE;
	collect(has_state, &online, 5000);
	uint64_t id = submit(a, REQ_SYNC, 0, 0);
	ok(collect(replied, &id, 30000) && find(EV_DONE, id), "1600 messages synced");
	uint32_t inbox_folder = inbox_id();
	forget_events();
	id = submit(a, REQ_LOAD_INDEX, inbox_folder, 0);
	ok(collect(replied, &id, 5000) && find(EV_DONE, id), "load-index is answered");
	struct event *ev[3] = { NULL, NULL, NULL };
	size_t n = 0;
	for (size_t i = 0; i < seen.n && n < 3; i++)
		if (seen.v[i]->kind == EV_INDEX && seen.v[i]->in_reply_to == id)
			ev[n++] = seen.v[i];
	is_int((long)n, 2, "two indexes");
	ok(ev[0] && ev[0]->n1 == 1 && ev[0]->index->n >= STORE_INDEX_NEWEST_PART &&
	   ev[0]->index->n < 1600 && newest_uid(ev[0]->index) == 1600,
	   "first the newest part, marked partial (%zu)", ev[0] ? ev[0]->index->n : 0);
	ok(ev[0] && ev[0]->index->n && ev[0]->index->msgs[0].uid == 1600 - ev[0]->index->n + 1,
	   "... every message from its oldest to the newest");
	ok(ev[1] && ev[1]->n1 == 0 && ev[1]->index->n == 1600 && newest_uid(ev[1]->index) == 1600,
	   "then the whole index");
	account_stop(&a);
	forget_events();
}

int main(void)
{
	struct err err = ERR_INIT;
	if (inbox_init(&inbox, &err) < 0 ||
	    store_open(tap_tmpdir(), 0, &store, &err) < 0) {
		tap_diag("%s", err_msg(&err));
		return 1;
	}
	aconf.account = "test";
	aconf.protocol = PROTO_IMAP;
	aconf.host = "fake.example";
	fake_server_init(&srv);
	seed(20);
	test_connect_and_sync();
	test_one_reply_each();
	test_reads_during_long_sync();
	test_cancel();
	test_backoff_and_questions();
	test_offline_start();
	test_index_newest_first();
	forget_events();
	ARRAY_RELEASE(&seen);
	fake_server_release(&srv);
	store_close(&store);
	inbox_release(&inbox);
	return tap_done();
}
