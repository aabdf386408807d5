/* Socket I/O bounded by a deadline and by the cancel handle, and the
 * trace of what went over the connection. */
#include "common.h"

#include <poll.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <time.h>

#include "net/net-private.h"
#include "util/clock.h"
#include "util/err.h"

void conn_arm_deadline(struct net_conn *c)
{
	c->deadline = clock_mono_ms() + (int64_t)c->ep.timeout * 1000;
}

void conn_fail(struct net_conn *c, enum err_kind kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	free(c->fail_msg);
	c->fail_msg = msg;
	c->fail_kind = kind;
}

static int fail_cancelled(struct net_conn *c)
{
	conn_fail(c, ERR_CANCELLED, _("cancelled"));
	return -1;
}

static int fail_timeout(struct net_conn *c)
{
	conn_fail(c, ERR_TIMEOUT,
		  ngettext("no answer within %d second", "no answer within %d seconds",
			   (unsigned long)c->ep.timeout), c->ep.timeout);
	return -1;
}

int conn_wait(struct net_conn *c, short events)
{
	for (;;) {
		if (net_cancel_fired(c->cancel))
			return fail_cancelled(c);
		int64_t left = c->deadline ? c->deadline - clock_mono_ms() : -1;
		if (c->deadline && left <= 0)
			return fail_timeout(c);
		struct pollfd p[2] = {
			{ .fd = c->fd, .events = events },
			{ .fd = net_cancel_poll_fd(c->cancel), .events = POLLIN },
		};
		int n = poll(p, p[1].fd >= 0 ? 2 : 1, left > INT32_MAX ? INT32_MAX : (int)left);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			conn_fail(c, ERR_NET, "poll: %s", strerror(errno));
			return -1;
		}
		if (n == 0)
			continue;       /* the deadline check above reports it */
		if (p[1].fd >= 0 && p[1].revents)
			return fail_cancelled(c);
		/* Errors and hang-ups are ready too: the read or write says what
		 * happened. */
		if (p[0].revents)
			return 0;
	}
}

/* After a failed recv/send: 1 to try again, or -1 with the failure recorded. */
static int sock_failed(struct net_conn *c)
{
	if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
		return 1;
	if (net_cancel_fired(c->cancel))
		return fail_cancelled(c);
	conn_fail(c, ERR_NET, "%s", strerror(errno));
	return -1;
}

long conn_sock_read(struct net_conn *c, void *buf, size_t n)
{
	for (;;) {
		if (conn_wait(c, POLLIN) < 0)
			return -1;
		ssize_t r = recv(c->fd, buf, n, 0);
		if (r > 0)
			return r;
		if (r == 0) {
			if (net_cancel_fired(c->cancel))
				return fail_cancelled(c);
			conn_fail(c, ERR_NET, _("the server closed the connection"));
			return 0;
		}
		if (sock_failed(c) < 0)
			return -1;
	}
}

long conn_sock_write(struct net_conn *c, const void *buf, size_t n)
{
	size_t done = 0;
	while (done < n) {
		if (conn_wait(c, POLLOUT) < 0)
			return -1;
		/* MSG_NOSIGNAL: a peer that went away never raises SIGPIPE. */
		ssize_t r = send(c->fd, (const char *)buf + done, n - done, MSG_NOSIGNAL);
		if (r >= 0) {
			done += (size_t)r;
			continue;
		}
		if (sock_failed(c) < 0)
			return -1;
	}
	return (long)n;
}

/* ---- trace ---- */

static void trace_one(struct net_conn *c, bool client, const char *line, size_t len)
{
	if (len && line[len - 1] == '\r')
		len--;
	if (client) {
		struct buf safe = BUF_INIT;
		redact_client_line(&c->red, line, len, &safe);
		trace_line(c->ctx->trace, c->id, "C:", buf_cstr(&safe), safe.len);
		buf_release(&safe);
	} else {
		redact_server_line(&c->red, line, len);
		trace_line(c->ctx->trace, c->id, "S:", line, len);
	}
}

static void wipe_consume(struct buf *b, size_t n)
{
	/* The partial line may be part of a secret: leave no copy behind. */
	if (n) {
		explicit_bzero(b->data, n);
		buf_consume(b, n);
	}
}

void conn_trace(struct net_conn *c, bool client, const char *data, size_t len)
{
	if (!c->ctx->trace || len == 0)
		return;
	struct buf *acc = client ? &c->trace_out : &c->trace_in;
	buf_add(acc, data, len);
	for (;;) {
		char *nl = memchr(acc->data, '\n', acc->len);
		if (!nl)
			break;
		size_t n = (size_t)(nl - acc->data);
		trace_one(c, client, acc->data, n);
		wipe_consume(acc, n + 1);
	}
}

void conn_trace_flush(struct net_conn *c)
{
	if (!c->ctx->trace)
		return;
	if (c->trace_out.len) {
		trace_one(c, true, c->trace_out.data, c->trace_out.len);
		wipe_consume(&c->trace_out, c->trace_out.len);
	}
	if (c->trace_in.len) {
		trace_one(c, false, c->trace_in.data, c->trace_in.len);
		wipe_consume(&c->trace_in, c->trace_in.len);
	}
}
