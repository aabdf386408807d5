/* The POP3 client after login: command lines out, status lines, listings and
 * message bodies in, every line bounded (see pop3-private.h). */
#include "common.h"

#include <stdarg.h>

#include "pop3/pop3-private.h"
#include "pop3/wire.h"
#include "util/err.h"
#include "util/strutil.h"

int pop3_conn_failed(struct pop3_session *s, const char *what, struct err *err)
{
	s->broken = true;
	if (net_conn_failure_kind(s->conn) != ERR_NONE)
		return net_conn_error(s->conn, what, err);
	return err_set(err, ERR_NET, _("%s %s: the connection was closed"), what,
		       net_conn_peer(s->conn));
}

int pop3_write_cmd(struct pop3_session *s, bool flush, const char *what, struct err *err,
		   const char *fmt, ...)
{
	if (s->broken)
		return err_set(err, ERR_NET, _("%s %s: the connection was lost earlier"), what,
			       net_conn_peer(s->conn));
	va_list ap;
	va_start(ap, fmt);
	char *line = xvasprintf(fmt, ap);
	va_end(ap);
	mailstream *st = s->pop3->pop3_stream;
	bool ok = mailstream_write(st, line, strlen(line)) >= 0 &&
		  mailstream_write(st, "\r\n", 2) >= 0 && (!flush || mailstream_flush(st) >= 0);
	free(line);
	return ok ? 0 : pop3_conn_failed(s, what, err);
}

/* Reads more of the stream into s->in; what libetpan has buffered comes
 * first. One read at most, so it never waits for bytes nobody will send. */
static int fill(struct pop3_session *s, const char *what, struct err *err)
{
	if (!s->in)
		s->in = xmalloc(POP3_IN_SIZE);
	if (s->in_start == s->in_end) {
		s->in_start = s->in_end = 0;
	} else if (s->in_end == POP3_IN_SIZE) {
		memmove(s->in, s->in + s->in_start, s->in_end - s->in_start);
		s->in_end -= s->in_start;
		s->in_start = 0;
	}
	mailstream *st = s->pop3->pop3_stream;
	size_t room = POP3_IN_SIZE - s->in_end;
	ssize_t n;
	if (st->read_buffer_len > 0) {
		n = (ssize_t)(st->read_buffer_len < room ? st->read_buffer_len : room);
		memcpy(s->in + s->in_end, st->read_buffer, (size_t)n);
		memmove(st->read_buffer, st->read_buffer + n, st->read_buffer_len - (size_t)n);
		st->read_buffer_len -= (size_t)n;
	} else {
		n = mailstream_low_read(mailstream_get_low(st), s->in + s->in_end, room);
	}
	if (n <= 0)
		return pop3_conn_failed(s, what, err);
	s->in_end += (size_t)n;
	return 0;
}

/* The next line in s->in, without its line end, into line. */
static int read_line(struct pop3_session *s, const char *what, struct buf *line,
		     struct err *err)
{
	if (s->broken)
		return err_set(err, ERR_NET, _("%s %s: the connection was lost earlier"), what,
			       net_conn_peer(s->conn));
	for (;;) {
		const char *p = s->in + s->in_start;
		size_t avail = s->in_end - s->in_start;
		const char *nl = avail ? memchr(p, '\n', avail) : NULL;
		if (nl) {
			size_t len = (size_t)(nl - p);
			s->in_start += len + 1;
			if (len && p[len - 1] == '\r')
				len--;
			buf_reset(line);
			buf_add(line, p, len);
			if (len && memchr(line->data, '\0', len))
				break;
			return 0;
		}
		if (avail >= POP3_LINE_MAX)
			break;
		if (fill(s, what, err) < 0)
			return -1;
	}
	s->broken = true;       /* we no longer know where the reply ends */
	return err_set(err, ERR_PROTOCOL, _("%s %s: the server sent a line that is too long or "
					    "holds a NUL byte"), what, net_conn_peer(s->conn));
}

int pop3_read_status(struct pop3_session *s, const char *what, struct buf *text,
		     struct err *err)
{
	struct buf line = BUF_INIT;
	int r = read_line(s, what, &line, err);
	if (r == 0) {
		const char *l = buf_cstr(&line);
		bool ok = str_startswith(l, "+OK") && (l[3] == '\0' || l[3] == ' ');
		bool no = str_startswith(l, "-ERR") && (l[4] == '\0' || l[4] == ' ');
		if (ok || no) {
			if (text) {
				buf_reset(text);
				buf_adds(text, str_ltrim((char *)l + (ok ? 3 : 4)));
			}
			r = ok ? 1 : 0;
		} else {
			s->broken = true;
			r = err_set(err, ERR_PROTOCOL, _("%s %s: unexpected reply: %s"), what,
				    net_conn_peer(s->conn), l);
		}
	}
	buf_release(&line);
	return r;
}

int pop3_simple(struct pop3_session *s, const char *what, struct buf *text, struct err *err,
		const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *cmd = xvasprintf(fmt, ap);
	va_end(ap);
	int r = pop3_write_cmd(s, true, what, err, "%s", cmd);
	free(cmd);
	if (r < 0)
		return -1;
	struct buf said = BUF_INIT;
	r = pop3_read_status(s, what, &said, err);
	if (r == 0)
		err_set(err, ERR_SERVER_PERM, _("%s %s: the server said: -ERR %s"), what,
			net_conn_peer(s->conn), buf_cstr(&said));
	if (text)
		buf_add(text, said.data ? said.data : "", said.len);
	buf_release(&said);
	return r;
}

int pop3_read_list_line(struct pop3_session *s, const char *what, struct buf *line,
			struct err *err)
{
	if (read_line(s, what, line, err) < 0)
		return -1;
	if (line->len && line->data[0] == '.') {
		if (line->len == 1)
			return 0;
		buf_consume(line, 1);
	}
	return 1;
}

int pop3_read_body(struct pop3_session *s, const char *what, size_t max, struct buf *out,
		   struct err *err)
{
	struct pop3_unstuff u = { 0 };
	size_t start = out->len;
	for (;;) {
		if (s->in_start == s->in_end && fill(s, what, err) < 0)
			return -1;
		bool done;
		s->in_start += pop3_unstuff(&u, s->in + s->in_start, s->in_end - s->in_start, out,
					    &done);
		if (out->len - start > max) {
			s->broken = true;
			return err_set(err, ERR_PROTOCOL,
				       _("%s %s: the message is larger than %zu bytes"), what,
				       net_conn_peer(s->conn), max);
		}
		if (done)
			return 0;
	}
}
