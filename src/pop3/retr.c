/* RETR, TOP and DELE, pipelined when the server offers PIPELINING (RFC 2449). */
#include "common.h"

#include "pop3/listing.h"
#include "pop3/pop3-private.h"
#include "pop3/retr.h"
#include "util/buf.h"
#include "util/err.h"

int pop3_retr_send(struct pop3_session *s, uint32_t num, bool flush, struct err *err)
{
	return pop3_write_cmd(s, flush, _("downloading a message from"), err, "RETR %u", num);
}

/* The status line and body of a RETR or TOP already sent. */
static int read_reply(struct pop3_session *s, const char *cmd, uint32_t num, size_t hint,
		      struct buf *out, struct err *err)
{
	const char *what = _("downloading a message from");
	struct buf said = BUF_INIT;
	buf_reset(out);
	int r = pop3_read_status(s, what, &said, err);
	if (r == 0)
		err_set(err, ERR_SERVER_PERM, _("%s refused %s %u: -ERR %s"), net_conn_peer(s->conn),
			cmd, num, buf_cstr(&said));
	buf_release(&said);
	if (r != 1)
		return r;
	/* One allocation for the whole message, as far as LIST's size is true. */
	buf_grow(out, hint < POP3_MESSAGE_MAX ? hint + 64 : POP3_MESSAGE_MAX);
	return pop3_read_body(s, what, POP3_MESSAGE_MAX, out, err) < 0 ? -1 : 1;
}

int pop3_retr_read(struct pop3_session *s, uint32_t num, uint64_t size_hint, struct buf *out,
		   struct err *err)
{
	return read_reply(s, "RETR", num, (size_t)size_hint, out, err);
}

int pop3_top_header(struct pop3_session *s, uint32_t num, struct buf *out, struct err *err)
{
	if (pop3_write_cmd(s, true, _("downloading a message from"), err, "TOP %u 0", num) < 0)
		return -1;
	return read_reply(s, "TOP", num, 4096, out, err);
}

int pop3_dele(struct pop3_session *s, const uint32_t *nums, size_t n, size_t *refused,
	      pop3_refused_fn *refused_fn, void *aux, struct err *err)
{
	const char *what = _("deleting messages on");
	size_t window = s->pipelining ? POP3_PIPELINE : 1;
	size_t sent = 0;
	struct buf said = BUF_INIT;
	int r = 0;
	*refused = 0;
	for (size_t i = 0; i < n && r == 0; i++) {
		while (sent < n && sent < i + window && r == 0) {
			r = pop3_write_cmd(s, sent + 1 == n || sent + 1 == i + window, what, err,
					   "DELE %u", nums[sent]);
			sent++;
		}
		if (r < 0)
			break;
		int st = pop3_read_status(s, what, &said, err);
		if (st < 0) {
			r = -1;
		} else if (st == 0) {
			(*refused)++;
			if (refused_fn)
				refused_fn(aux, nums[i], buf_cstr(&said));
		}
	}
	buf_release(&said);
	return r;
}
