#include "common.h"

#include <poll.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/net-private.h"
#include "util/clock.h"
#include "util/err.h"

static const char *trust_words(enum net_trust t)
{
	switch (t) {
	case NET_TRUST_NONE:
		break;
	case NET_TRUST_CA:
		return "verified";
	case NET_TRUST_PIN:
		return "tls_pin matched";
	case NET_TRUST_KEPT:
		return "kept key matched";
	case NET_TRUST_ONCE:
		return "accepted once";
	case NET_TRUST_ALWAYS:
		return "accepted always";
	}
	return "none";
}

static void trace_tls(struct net_conn *c)
{
	const struct net_tls_info *i = &c->info;
	net_conn_trace_note(c, "TLS %s%s, %s", i->cipher, i->resumed ? " (resumed)" : "",
			    trust_words(i->trust));
	net_conn_trace_note(c, "certificate subject %s, issuer %s, for %s, valid until %s",
			    i->subject, i->issuer, i->names, net_format_time(i->not_after));
	net_conn_trace_note(c, "certificate SHA-256 %s, key %s", i->fingerprint, i->pin);
}

int net_connect(struct net_ctx *ctx, const struct net_endpoint *ep, struct net_cancel *cancel,
		struct net_conn **conn_r, struct err *err)
{
	struct net_conn *c = xcalloc(1, sizeof *c);
	c->ctx = ctx;
	c->ep = *ep;
	c->cancel = cancel;
	c->fd = -1;
	c->refs = 1;
	c->id = net_ctx_new_id(ctx);
	c->peer = xasprintf("%s:%d", ep->host, ep->port);
	redactor_init(&c->red, ep->service);
	*conn_r = NULL;

	net_ctx_status(ctx, _("connecting to %s (%s)"), c->peer, net_tls_mode_name(ep->tls));
	net_conn_trace_note(c, "connecting to %s for %s (%s)", c->peer, net_service_name(ep->service),
			    net_tls_mode_name(ep->tls));
	if (tcp_connect(c, err) < 0) {
		net_conn_trace_note(c, "%s", err_msg(err));
		net_conn_free(&c);
		return -1;
	}
	net_conn_trace_note(c, "connected to %s", c->address);
	net_ctx_status(ctx, _("connected to %s"), c->address);
	/* An IMAP or POP3 login always follows: its password_command runs
	 * during the TLS handshake (SMTP logs in only when the server asks).
	 * Not before the server answered: offline, a command that asks for a
	 * passphrase would ask at every attempt to reconnect. */
	if (ep->service != NET_SERVICE_SMTP)
		net_secret_start(ep, &c->secret_ahead);
	if (ep->tls == NET_TLS_IMPLICIT && net_conn_start_tls(c, err) < 0) {
		net_conn_free(&c);
		return -1;
	}
	*conn_r = c;
	return 0;
}

int net_conn_start_tls(struct net_conn *c, struct err *err)
{
	if (c->tls)
		return err_set(err, ERR_PROTOCOL, _("TLS is already active on %s"), c->peer);
	net_ctx_status(c->ctx, _("TLS handshake with %s"), c->peer);
	conn_trace_flush(c);
	if (tls_start(c, err) < 0) {
		net_conn_trace_note(c, "%s", err_msg(err));
		/* What failed is now in err; a TLS alert was not a socket failure. */
		if (c->fail_kind == ERR_NONE)
			c->fail_kind = err->kind ? err->kind : ERR_TLS;
		return -1;
	}
	trace_tls(c);
	return 0;
}

struct net_conn *net_conn_hold(struct net_conn *c)
{
	c->refs++;
	return c;
}

void net_conn_close(struct net_conn *c)
{
	conn_trace_flush(c);
	if (c->tls) {
		tls_end(c);
		c->was_tls = true;
	}
	if (c->fd >= 0) {
		if (c->registered)
			net_cancel_unregister(c->cancel, c->fd);
		c->registered = false;
		close(c->fd);
		c->fd = -1;
		net_conn_trace_note(c, "closed");
	}
}

void net_conn_free(struct net_conn **cp)
{
	struct net_conn *c = *cp;
	if (!c)
		return;
	*cp = NULL;
	if (--c->refs > 0)
		return;
	net_conn_close(c);
	net_secret_cancel(&c->secret_ahead);
	tls_info_release(&c->info);
	explicit_bzero(c->key_pin, sizeof c->key_pin);
	buf_release(&c->trace_in);
	buf_release(&c->trace_out);
	free(c->peer);
	free(c->address);
	free(c->fail_msg);
	free(c);
}

static long closed(struct net_conn *c)
{
	conn_fail(c, ERR_NET, _("the connection is closed"));
	return -1;
}

long net_conn_read(struct net_conn *c, void *buf, size_t n)
{
	if (c->fd < 0)
		return closed(c);
	/* After a timeout the stream is out of sync: libetpan's retry must not
	 * wait a second time. The first failure stays the reason. */
	if (c->dead)
		return -1;
	c->fail_kind = ERR_NONE;
	conn_arm_deadline(c);
	long r = c->tls ? tls_read(c, buf, n) : conn_sock_read(c, buf, n);
	if (r <= 0) {
		c->dead = true;
		return -1;      /* libetpan loops forever on 0 inside literals */
	}
	conn_trace(c, false, buf, (size_t)r);
	return r;
}

long net_conn_write(struct net_conn *c, const void *buf, size_t n)
{
	if (c->fd < 0)
		return closed(c);
	if (c->dead)
		return -1;
	c->fail_kind = ERR_NONE;
	conn_arm_deadline(c);
	/* Traced before it is sent, so the order in the trace is the order on
	 * the wire even when the reply comes at once. */
	conn_trace(c, true, buf, n);
	long r = c->tls ? tls_write(c, buf, n) : conn_sock_write(c, buf, n);
	if (r < 0)
		c->dead = true;
	return r;
}

int net_conn_error(const struct net_conn *c, const char *what, struct err *err)
{
	enum err_kind kind = c->fail_kind != ERR_NONE ? c->fail_kind : ERR_NET;
	const char *why = c->fail_msg ? c->fail_msg : _("connection failed");
	if (kind == ERR_CANCELLED)
		return err_set(err, kind, _("%s %s: cancelled"), what, c->peer);
	return err_set(err, kind, _("%s %s: %s"), what, c->peer, why);
}

enum err_kind net_conn_failure_kind(const struct net_conn *c)
{
	return c->fail_kind;
}

bool net_conn_is_tls(const struct net_conn *c)
{
	return c->tls != NULL || c->was_tls;
}

const struct net_tls_info *net_conn_tls_info(const struct net_conn *c)
{
	return net_conn_is_tls(c) ? &c->info : NULL;
}

const char *net_conn_peer(const struct net_conn *c)
{
	return c->peer;
}

const char *net_conn_address(const struct net_conn *c)
{
	return c->address ? c->address : "";
}

const struct net_endpoint *net_conn_endpoint(const struct net_conn *c)
{
	return &c->ep;
}

struct net_ctx *net_conn_ctx(const struct net_conn *c)
{
	return c->ctx;
}

unsigned net_conn_id(const struct net_conn *c)
{
	return c->id;
}

int net_conn_check_secret_allowed(const struct net_conn *c, struct err *err)
{
	if (c->tls)
		return 0;
	if (c->ep.tls == NET_TLS_NONE && c->ep.allow_plaintext_password)
		return 0;
	return err_set(err, ERR_AUTH,
		       _("refusing to send the credentials of %s to %s over an unencrypted "
			 "connection (set tls, or tls = none with allow_plaintext_password = yes "
			 "in %s)"), c->ep.user, c->peer, c->ep.conf_path);
}

int net_conn_wait_readable(struct net_conn *c, int timeout_ms, int wake_fd)
{
	if (c->dead || c->fd < 0)
		return -1;
	if (c->tls && gnutls_record_check_pending(c->tls) > 0)
		return 1;
	int64_t end = timeout_ms < 0 ? 0 : clock_mono_ms() + timeout_ms;
	for (;;) {
		if (net_cancel_fired(c->cancel)) {
			conn_fail(c, ERR_CANCELLED, _("cancelled"));
			return -1;
		}
		int64_t left = timeout_ms < 0 ? -1 : end - clock_mono_ms();
		if (timeout_ms >= 0 && left <= 0)
			return 0;
		struct pollfd p[3] = {
			{ .fd = c->fd, .events = POLLIN },
			{ .fd = net_cancel_poll_fd(c->cancel), .events = POLLIN },
			{ .fd = wake_fd, .events = POLLIN },
		};
		int n = poll(p, 3, left > INT32_MAX ? INT32_MAX : (int)left);
		if (n < 0 && errno != EINTR) {
			conn_fail(c, ERR_NET, "poll: %s", strerror(errno));
			return -1;
		}
		if (n <= 0)
			continue;
		if (p[1].revents) {
			conn_fail(c, ERR_CANCELLED, _("cancelled"));
			return -1;
		}
		if (p[0].revents)
			return 1;
		if (p[2].revents)
			return 2;
	}
}

void net_conn_trace_secret(struct net_conn *c, bool on)
{
	/* A partial client line belongs to the mode it was written in. */
	if (c->trace_out.len)
		conn_trace(c, true, "\n", 1);
	c->red.secret_mode = on;
}

void net_conn_trace_note(struct net_conn *c, const char *fmt, ...)
{
	if (!c->ctx->trace)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *text = xvasprintf(fmt, ap);
	va_end(ap);
	trace_line(c->ctx->trace, c->id, "#", text, strlen(text));
	free(text);
}
