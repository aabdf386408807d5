/* The custom mailstream_low driver (libs-brief §1.3 design B). */
#include "common.h"

#include <sys/socket.h>

#include "net/net-private.h"
#include "net/stream.h"
#include "util/buf.h"
#include "util/err.h"

/* Every byte for libetpan passes the size limits first (guard.c). */
static ssize_t drv_read(mailstream_low *low, void *buf, size_t n)
{
	struct net_conn *c = low->data;
	long r = net_conn_read(c, buf, n);
	char *why;
	if (r > 0 && net_guard_feed(&c->guard, buf, (size_t)r, &why) < 0) {
		if (why) {      /* the first time: later reads keep the reason */
			conn_fail(c, ERR_PROTOCOL, "%s", why);
			net_conn_trace_note(c, "%s", why);
			free(why);
		}
		c->dead = true;
		return -1;
	}
	return r;
}

static ssize_t drv_write(mailstream_low *low, const void *buf, size_t n)
{
	return net_conn_write(low->data, buf, n);
}

static int drv_close(mailstream_low *low)
{
	net_conn_close(low->data);
	return 0;
}

static int drv_get_fd(mailstream_low *low)
{
	struct net_conn *c = low->data;
	return c->fd;
}

static void drv_free(mailstream_low *low)
{
	struct net_conn *c = low->data;
	net_conn_free(&c);
	free(low);
}

static void drv_cancel(mailstream_low *low)
{
	struct net_conn *c = low->data;
	if (c->fd >= 0)
		shutdown(c->fd, SHUT_RDWR);
}

static struct mailstream_cancel *drv_get_cancel(mailstream_low *low)
{
	(void)low;
	return NULL;
}

static carray *drv_certificate_chain(mailstream_low *low)
{
	struct net_conn *c = low->data;
	if (!c->tls)
		return NULL;
	unsigned n = 0;
	const gnutls_datum_t *peers = gnutls_certificate_get_peers(c->tls, &n);
	carray *chain = carray_new(n ? n : 1);
	if (!chain)
		return NULL;
	for (unsigned i = 0; i < n; i++) {
		MMAPString *der = mmap_string_new_len((const char *)peers[i].data, peers[i].size);
		if (der)
			carray_add(chain, der, NULL);
	}
	return chain;
}

/* libetpan keeps a pointer to the driver: it must be static. */
static mailstream_low_driver net_driver = {
	.mailstream_read = drv_read,
	.mailstream_write = drv_write,
	.mailstream_close = drv_close,
	.mailstream_get_fd = drv_get_fd,
	.mailstream_free = drv_free,
	.mailstream_cancel = drv_cancel,
	.mailstream_get_cancel = drv_get_cancel,
	.mailstream_get_certificate_chain = drv_certificate_chain,
	.mailstream_setup_idle = NULL,
	.mailstream_unsetup_idle = NULL,
	.mailstream_interrupt_idle = NULL,
};

mailstream *net_stream_new(struct net_conn *conn)
{
	net_guard_init(&conn->guard, conn->ep.service);
	mailstream_low *low = mailstream_low_new(conn, &net_driver);
	mailstream *s = low ? mailstream_new(low, 8192) : NULL;
	if (!s) {
		/* libetpan's allocators return NULL instead of aborting. */
		fprintf(stderr, "postie: out of memory\n");
		abort();
	}
	return s;
}

struct net_conn *net_stream_conn(mailstream *s)
{
	mailstream_low *low = s ? mailstream_get_low(s) : NULL;
	return low && low->driver == &net_driver ? low->data : NULL;
}

int net_stream_check_injection(mailstream *s, const char *what, struct err *err)
{
	struct net_conn *c = net_stream_conn(s);
	if (s->read_buffer_len == 0)
		return 0;
	net_conn_trace_note(c, "refused: %zu bytes arrived with the %s reply", s->read_buffer_len,
			    what);
	return err_set(err, ERR_TLS,
		       _("refusing %s: it sent data together with its %s reply, which would be "
			 "taken as coming through TLS (a known attack); nothing was sent"),
		       c->peer, what);
}

int net_stream_start_tls(mailstream *s, struct err *err)
{
	const char *what = net_stream_conn(s)->ep.service == NET_SERVICE_POP3 ? "STLS" : "STARTTLS";
	if (net_stream_check_injection(s, what, err) < 0)
		return -1;
	return net_conn_start_tls(net_stream_conn(s), err);
}

int net_stream_write_line(mailstream *s, const char *line, size_t len, const char *what,
			  struct err *err)
{
	if (mailstream_write(s, line, len) < 0 || mailstream_write(s, "\r\n", 2) < 0 ||
	    mailstream_flush(s) < 0)
		return net_conn_error(net_stream_conn(s), what, err);
	return 0;
}

int net_stream_read_line(mailstream *s, struct buf *line, const char *what, struct err *err)
{
	MMAPString *m = mmap_string_new("");
	if (!m)
		abort();
	char *r = mailstream_read_line_remove_eol(s, m);
	buf_reset(line);
	if (r)
		buf_add(line, m->str, m->len);
	mmap_string_free(m);
	if (!r)
		return net_conn_error(net_stream_conn(s), what, err);
	return 0;
}

void net_stream_wipe(mailstream *s)
{
	if (s && s->write_buffer)
		explicit_bzero(s->write_buffer, s->buffer_max_size);
}

int net_stream_wait_readable(mailstream *s, int timeout_ms, int wake_fd)
{
	if (s->read_buffer_len > 0)
		return 1;
	return net_conn_wait_readable(net_stream_conn(s), timeout_ms, wake_fd);
}
