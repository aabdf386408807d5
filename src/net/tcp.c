/* TCP: every address of the host in order, non-blocking connect with a
 * timeout each, close-on-exec, keepalive. */
#include "common.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/net-private.h"
#include "util/buf.h"
#include "util/err.h"

/* A dead peer (a laptop that changed networks during IDLE) is noticed after
 * about KEEPIDLE + KEEPCNT * KEEPINTVL seconds instead of never. */
#define KEEPIDLE 120
#define KEEPINTVL 30
#define KEEPCNT 4

static void set_keepalive(int fd)
{
	int on = 1, idle = KEEPIDLE, intvl = KEEPINTVL, cnt = KEEPCNT;
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof intvl);
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt);
}

static void describe_addr(const struct sockaddr *sa, char *out, size_t n)
{
	const void *a = sa->sa_family == AF_INET6
		? (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr
		: (const void *)&((const struct sockaddr_in *)sa)->sin_addr;
	if (!inet_ntop(sa->sa_family, a, out, (socklen_t)n))
		snprintf(out, n, "?");
}

/* Tries one address. Returns 0 (c->fd connected), or -1 with the reason in
 * c's failure; a cancel or a fatal error also sets *stop. */
static int try_addr(struct net_conn *c, const struct addrinfo *ai, bool *stop)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
			ai->ai_protocol);
	if (fd < 0) {
		conn_fail(c, ERR_NET, "socket: %s", strerror(errno));
		return -1;
	}
	c->fd = fd;
	if (net_cancel_register(c->cancel, fd) < 0) {
		conn_fail(c, ERR_CANCELLED, _("cancelled"));
		*stop = true;
		goto fail;
	}
	c->registered = true;
	conn_arm_deadline(c);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS) {
		conn_fail(c, ERR_NET, "%s", strerror(errno));
		goto fail;
	}
	if (conn_wait(c, POLLOUT) < 0) {
		*stop = c->fail_kind == ERR_CANCELLED;
		goto fail;
	}
	int soerr = 0;
	socklen_t len = sizeof soerr;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
		soerr = errno;
	if (soerr) {
		conn_fail(c, ERR_NET, "%s", strerror(soerr));
		goto fail;
	}
	set_keepalive(fd);
	return 0;
fail:
	if (c->registered)
		net_cancel_unregister(c->cancel, fd);
	c->registered = false;
	close(fd);
	c->fd = -1;
	return -1;
}

static int resolve(struct net_conn *c, struct addrinfo **res, struct err *err)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV,
	};
	char port[16];
	snprintf(port, sizeof port, "%d", c->ep.port);
	int r = getaddrinfo(c->ep.host, port, &hints, res);
	if (r == EAI_NONAME || r == EAI_ADDRFAMILY) {
		/* AI_ADDRCONFIG hides 127.0.0.1 and ::1 on a host whose only
		 * interface is loopback; ask again without it. */
		hints.ai_flags = AI_NUMERICSERV;
		r = getaddrinfo(c->ep.host, port, &hints, res);
	}
	if (r != 0)
		return err_set(err, ERR_NET, _("cannot find the address of %s: %s"), c->ep.host,
			       r == EAI_SYSTEM ? strerror(errno) : gai_strerror(r));
	return 0;
}

int tcp_connect(struct net_conn *c, struct err *err)
{
	struct addrinfo *res;
	if (net_cancel_fired(c->cancel))
		return err_set(err, ERR_CANCELLED, _("connecting to %s: cancelled"), c->peer);
	if (resolve(c, &res, err) < 0)
		return -1;
	int r = tcp_connect_list(c, res, err);
	freeaddrinfo(res);
	return r;
}

int tcp_connect_list(struct net_conn *c, const struct addrinfo *res, struct err *err)
{
	struct buf why = BUF_INIT;
	enum err_kind kind = ERR_NET;
	bool stop = false;
	int r = -1;
	for (const struct addrinfo *ai = res; ai && !stop; ai = ai->ai_next) {
		char addr[INET6_ADDRSTRLEN];
		describe_addr(ai->ai_addr, addr, sizeof addr);
		if (try_addr(c, ai, &stop) == 0) {
			c->address = xasprintf(_("%s port %d"), addr, c->ep.port);
			c->fail_kind = ERR_NONE;        /* an earlier address failed */
			r = 0;
			break;
		}
		buf_addf(&why, "%s%s: %s", why.len ? "; " : "", addr, c->fail_msg);
		kind = c->fail_kind;
	}
	if (r < 0) {
		if (kind == ERR_CANCELLED)
			err_set(err, ERR_CANCELLED, _("connecting to %s: cancelled"), c->peer);
		else
			err_set(err, kind, _("cannot connect to %s (%s)"), c->peer, buf_cstr(&why));
	}
	buf_release(&why);
	return r;
}
