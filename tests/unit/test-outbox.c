/* core/outbox.h without a mail server: queueing, what failures do to an
 * entry (a refused connection stands for "server down"), backoff, giving
 * up, retry/hold/drop, the states a crash leaves, the copy to Sent. Sending
 * for real is tested against the rig (tests/integration/test_send*.py). */
#include "common.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tap.h"
#include "conf/conf.h"
#include "core/outbox.h"
#include "net/net.h"
#include "store-fixture.h"
#include "store/store.h"
#include "util/array.h"
#include "util/buf.h"
#include "util/err.h"

static time_t clock_now = 1700000000;

static time_t fake_now(void)
{
	return clock_now;
}

/* A local port nobody listens on. */
static int closed_port(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t n = sizeof a;
	bind(s, (struct sockaddr *)&a, sizeof a);
	getsockname(s, (struct sockaddr *)&a, &n);
	close(s);
	return ntohs(a.sin_port);
}

static struct store_outbox_entry get(const struct outbox_ctx *ctx, uint64_t id)
{
	struct store_outbox_entry e = { 0 };
	if (store_outbox_get(ctx->store, id, &e, NULL) <= 0)
		tap_diag("entry %llu is gone", (unsigned long long)id);
	return e;
}

static const char msg[] = "From: me@example.test\r\nTo: you@example.org\r\nSubject: t\r\n\r\nhi\r\n";

static uint64_t queue(const struct outbox_ctx *ctx, const char *fcc)
{
	const char *rcpts[] = { "you@example.org", "other@example.org" };
	struct outbox_new m = { msg, sizeof msg - 1, NULL, rcpts, 2, fcc };
	uint64_t id = 0;
	struct err err = ERR_INIT;
	if (outbox_queue(ctx, &m, &id, &err) < 0)
		tap_diag("queue: %s", err_msg(&err));
	err_clear(&err);
	return id;
}

static void test_backoff(void)
{
	ok(outbox_backoff(1) == 60 && outbox_backoff(2) == 120 && outbox_backoff(3) == 240 &&
	   outbox_backoff(6) == 1920 && outbox_backoff(7) == 3600 && outbox_backoff(1000) == 3600,
	   "backoff: 1, 2, 4 ... minutes, at most an hour");
	is_str(outbox_state_name(OUTBOX_FAILED), "failed", "state names");
}

static void test_queue(const struct outbox_ctx *ctx)
{
	const char *bad[] = { "you@example.org", "bad address" };
	struct outbox_new m = { msg, sizeof msg - 1, NULL, bad, 2, NULL };
	struct err err = ERR_INIT;
	int r = outbox_queue(ctx, &m, NULL, &err);
	ok(r < 0 && err.kind == ERR_INPUT && strstr(err_msg(&err), "bad address"),
	   "queue: a bad address is refused and named");
	m.n_rcpts = 0;
	r = outbox_queue(ctx, &m, NULL, &err);
	ok(r < 0 && err.kind == ERR_INPUT, "queue: no recipient refused");
	store_outbox_entries list = ARRAY_INIT;
	store_outbox_list(ctx->store, &list, NULL);
	ok(list.n == 0, "queue: nothing queued by refusals");
	store_outbox_entries_release(&list);
	uint64_t id = queue(ctx, "Sent");
	struct store_outbox_entry e = get(ctx, id);
	ok(e.state == OUTBOX_QUEUED && e.created == clock_now && e.next_attempt == 0 &&
	   e.n_rcpts == 2 && e.rcpts[1].state == RCPT_PENDING && e.size == sizeof msg - 1,
	   "queue: queued, due at once");
	is_str(e.envelope_from, "me@example.test", "queue: sender is the account's address");
	is_str(e.fcc, "Sent", "queue: the copy's folder");
	struct buf b = BUF_INIT;
	ok(store_outbox_message(ctx->store, id, &b, NULL) == 1 && b.len == sizeof msg - 1 &&
	   memcmp(b.data, msg, b.len) == 0, "queue: the exact bytes are kept");
	buf_release(&b);
	store_outbox_entry_release(&e);
	outbox_drop(ctx, id, NULL);
	err_clear(&err);
}

static void test_server_down(struct outbox_ctx *ctx)
{
	uint64_t id = queue(ctx, NULL);
	struct outbox_result res;
	struct err err = ERR_INIT;
	ok(outbox_flush(ctx, 0, 0, &res, &err) == 0 && res.deferred == 1 && res.sent == 0,
	   "server down: flush runs, one deferred");
	struct store_outbox_entry e = get(ctx, id);
	ok(e.state == OUTBOX_QUEUED && e.attempts == 1 && e.next_attempt == clock_now + 60,
	   "server down: queued again, retry in a minute");
	ok(e.last_error && strstr(e.last_error, "127.0.0.1"), "server down: the reason names the "
	   "server (%s)", e.last_error ? e.last_error : "");
	ok(res.next_attempt == clock_now + 60, "server down: the next retry time reported");
	store_outbox_entry_release(&e);

	outbox_flush(ctx, 0, 0, &res, &err);
	e = get(ctx, id);
	ok(e.attempts == 1 && res.deferred == 0, "not due yet: not tried");
	store_outbox_entry_release(&e);
	clock_now += 61;
	outbox_flush(ctx, 0, 0, &res, &err);
	e = get(ctx, id);
	ok(e.attempts == 2 && e.next_attempt == clock_now + 120, "due: tried, backoff doubles");
	store_outbox_entry_release(&e);
	outbox_flush(ctx, OUTBOX_FLUSH_NOW, 0, &res, &err);
	e = get(ctx, id);
	ok(e.attempts == 3, "flush now: tried whatever the time");
	store_outbox_entry_release(&e);

	clock_now += OUTBOX_GIVE_UP;
	outbox_flush(ctx, OUTBOX_FLUSH_NOW, 0, &res, &err);
	e = get(ctx, id);
	ok(e.state == OUTBOX_FAILED && res.failed == 1 && e.last_error &&
	   strstr(e.last_error, "gave up after 4 attempts"), "after days of failures: given up");
	store_outbox_entry_release(&e);

	ok(outbox_retry(ctx, id, &err) == 0, "retry");
	e = get(ctx, id);
	ok(e.state == OUTBOX_QUEUED && e.attempts == 0 && !e.last_error && e.created == clock_now,
	   "retry: queued afresh");
	store_outbox_entry_release(&e);
	ok(outbox_hold(ctx, id, &err) == 0, "hold");
	outbox_flush(ctx, OUTBOX_FLUSH_NOW, 0, &res, &err);
	e = get(ctx, id);
	ok(e.state == OUTBOX_HELD && e.attempts == 0, "held: not tried by a flush");
	store_outbox_entry_release(&e);
	ok(outbox_drop(ctx, id, &err) == 0, "drop");
	int r = outbox_drop(ctx, id, &err);
	ok(r < 0 && err.kind == ERR_NOT_FOUND, "drop again: no such message");
	r = outbox_retry(ctx, 999, &err);
	ok(r < 0 && err.kind == ERR_NOT_FOUND, "retry of an unknown message");
	err_clear(&err);
}

static void test_no_smtp_host(struct outbox_ctx *ctx, struct account_conf *a)
{
	char *host = a->smtp_host;
	a->smtp_host = NULL;
	uint64_t id = queue(ctx, NULL);
	struct err err = ERR_INIT;
	outbox_flush(ctx, OUTBOX_FLUSH_NOW, 0, NULL, &err);
	struct store_outbox_entry e = get(ctx, id);
	ok(e.state == OUTBOX_QUEUED && e.last_error && strstr(e.last_error, "no smtp_host"),
	   "no smtp_host: kept, and said why");
	store_outbox_entry_release(&e);
	outbox_drop(ctx, id, NULL);
	a->smtp_host = host;
	err_clear(&err);
}

/* What a crash leaves: SENDING goes back to the queue (it may have been
 * sent: it is sent again); SENT only needs its copy. */
static void test_crash_states(struct outbox_ctx *ctx)
{
	uint64_t a = queue(ctx, NULL), b = queue(ctx, "Sent");
	struct store_outbox_entry e = get(ctx, a);
	e.state = OUTBOX_SENDING;
	store_outbox_update(ctx->store, &e, NULL);
	store_outbox_entry_release(&e);
	e = get(ctx, b);
	e.state = OUTBOX_SENT;
	store_outbox_update(ctx->store, &e, NULL);
	store_outbox_entry_release(&e);

	struct outbox_result res;
	struct err err = ERR_INIT;
	ok(outbox_flush(ctx, 0, 12345, &res, &err) == 0, "after a crash: flush");
	e = get(ctx, a);
	ok(e.state == OUTBOX_QUEUED && e.next_attempt == 0 && e.last_error &&
	   strstr(e.last_error, "may arrive twice"), "after a crash: SENDING is queued again, and "
	   "the user is told it may arrive twice");
	store_outbox_entry_release(&e);
	struct store_outbox_entry gone = { 0 };
	ok(store_outbox_get(ctx->store, b, &gone, NULL) == 0 && res.sent == 1,
	   "after a crash: SENT is finished and leaves");
	store_ops ops = ARRAY_INIT;
	store_journal_list(ctx->store, &ops, NULL);
	ok(ops.n == 1 && ops.v[0].kind == OP_APPEND && strcmp(ops.v[0].dest, "Sent") == 0 &&
	   (ops.v[0].append_flags & MSG_SEEN), "after a crash: its copy goes to Sent (journalled)");
	struct buf copy = BUF_INIT;
	ok(ops.n == 1 && store_journal_message(ctx->store, ops.v[0].seq, &copy, NULL) == 1 &&
	   copy.len == sizeof msg - 1, "the copy is the message sent");
	buf_release(&copy);
	store_ops_release(&ops);
	outbox_drop(ctx, a, NULL);
	err_clear(&err);
}

int main(void)
{
	char *dir = fixture_dir("data");
	struct store *st = fixture_store(dir, 0);
	struct store_acct *acct = fixture_acct(st, "t", STORE_ACCT_CACHE, 0);
	struct account_conf a;
	memset(&a, 0, sizeof a);
	a.account = "t";
	a.path = "accounts/t.conf";
	a.protocol = PROTO_IMAP;
	a.address = "me@example.test";
	a.user = "me";
	a.smtp_host = "127.0.0.1";
	a.smtp_port = closed_port();
	a.smtp_tls = TLS_NONE;
	a.allow_plaintext_password = true;
	a.timeout = 5;
	struct net_options opt = { .data_dir = dir };
	struct net_ctx *net = NULL;
	net_ctx_new(&opt, &net, NULL);
	struct outbox_ctx ctx = { .conf = &a, .store = acct, .net = net, .now = fake_now };
	test_backoff();
	test_queue(&ctx);
	test_server_down(&ctx);
	test_no_smtp_host(&ctx, &a);
	test_crash_states(&ctx);
	net_ctx_free(&net);
	store_acct_close(&acct);
	store_close(&st);
	free(dir);
	return tap_done();
}
