/* Reading SMTP replies ourselves, for the commands postie sends without
 * libetpan's help (AUTH, MAIL, RCPT, the end of DATA). */
#include "common.h"

#include "net/stream.h"
#include "smtp/smtp-private.h"
#include "util/err.h"
#include "util/strutil.h"

int smtp_read_reply(struct smtp_session *s, int *code, struct buf *text, const char *what,
		    struct err *err)
{
	struct buf line = BUF_INIT;
	buf_reset(text);
	int r = 0;
	for (;;) {
		if (net_stream_read_line(s->smtp->stream, &line, what, err) < 0) {
			s->broken = true;
			r = -1;
			break;
		}
		const char *l = buf_cstr(&line);
		if (line.len < 3 || l[0] < '2' || l[0] > '5' || l[1] < '0' || l[1] > '9' ||
		    l[2] < '0' || l[2] > '9' || (l[3] && l[3] != ' ' && l[3] != '-')) {
			s->broken = true;
			r = err_set(err, ERR_PROTOCOL, _("%s %s: unexpected reply: %s"), what,
				    net_conn_peer(s->conn), l);
			break;
		}
		if (text->len)
			buf_addc(text, ' ');
		buf_adds(text, l[3] ? l + 4 : "");
		if (l[3] == '-')
			continue;
		*code = (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
		if (*code == 421)
			s->broken = true;       /* the server is closing the connection */
		break;
	}
	buf_release(&line);
	return r;
}

int smtp_reply_error(struct smtp_session *s, int code, const char *said, const char *what,
		     struct err *err)
{
	char *t = str_trim(xstrdup(said ? said : ""));
	for (char *p = t; *p; p++)      /* a multi-line reply on one line */
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	enum err_kind kind = code >= 400 && code < 500 ? ERR_SERVER_TEMP : ERR_SERVER_PERM;
	err_set(err, kind, _("%s %s: the server said: %d %s"), what, net_conn_peer(s->conn), code,
		t);
	free(t);
	return -1;
}
