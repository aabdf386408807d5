/* One mail transaction: MAIL FROM, RCPT TO per recipient, DATA.
 *
 * The commands and the message body are written here rather than by
 * libetpan: its command buffer has no CR/LF checks, its DSN handling adds
 * parameters we do not want, and its mailsmtp_data_message() sends the final
 * "." together with the body, which leaves no moment to record that the
 * server may now have the message (see the commit hook in smtp.h). */
#include "common.h"

#include "net/stream.h"
#include "smtp/smtp-private.h"
#include "util/err.h"

#define MAX_ADDRESS 254

int smtp_check_address(const char *addr, bool null_ok, struct err *err)
{
	size_t n = strlen(addr);
	if (n == 0)
		return null_ok ? 0 : err_set(err, ERR_INPUT, _("an empty address"));
	if (n > MAX_ADDRESS)
		return err_set(err, ERR_INPUT, _("the address %.40s... is too long (%zu bytes, at most %d)"),
			       addr, n, MAX_ADDRESS);
	for (const unsigned char *p = (const unsigned char *)addr; *p; p++) {
		if (*p >= 0x80)
			return err_set(err, ERR_UNSUPPORTED,
				       _("%s: addresses with non-ASCII characters need SMTPUTF8, "
					 "which postie does not support"), addr);
		if (*p <= ' ' || *p == 0x7F || *p == '<' || *p == '>')
			return err_set(err, ERR_INPUT,
				       _("'%s' is not a valid address (blank, control character, "
					 "'<' or '>')"), addr);
	}
	const char *at = strrchr(addr, '@');
	if (!at || at == addr || !at[1])
		return err_set(err, ERR_INPUT, _("'%s' is not a valid address (local@domain)"), addr);
	return 0;
}

static int command(struct smtp_session *s, const char *line, int *code, struct buf *text,
		   const char *what, struct err *err)
{
	if (net_stream_write_line(s->smtp->stream, line, strlen(line), what, err) < 0) {
		s->broken = true;
		return -1;
	}
	return smtp_read_reply(s, code, text, what, err);
}

/* Ends a failed transaction so that the session can take another one. */
static void reset(struct smtp_session *s)
{
	if (s->broken)
		return;
	int code = 0;
	struct buf text = BUF_INIT;
	if (command(s, "RSET", &code, &text, _("resetting the transaction with"), NULL) < 0 ||
	    code / 100 != 2)
		s->broken = true;
	buf_release(&text);
}

static int mail_from(struct smtp_session *s, const struct smtp_submission *sub, struct buf *text,
		     struct err *err)
{
	char *line = smtp_session_has_extension(s, "SIZE")
		     ? xasprintf("MAIL FROM:<%s> SIZE=%zu", sub->from, sub->len)
		     : xasprintf("MAIL FROM:<%s>", sub->from);
	int code = 0;
	int r = command(s, line, &code, text, _("giving the sender to"), err);
	free(line);
	if (r < 0)
		return -1;
	if (code / 100 != 2)
		return smtp_reply_error(s, code, buf_cstr(text), _("giving the sender to"), err);
	return 0;
}

static void set_result(struct smtp_rcpt_result *r, int code, const struct buf *text)
{
	r->code = code;
	free(r->text);
	r->text = xstrdup(buf_cstr(text));
	r->status = code / 100 == 2 ? SMTP_RCPT_ACCEPTED
		    : code / 100 == 4 ? SMTP_RCPT_TEMPFAIL : SMTP_RCPT_REJECTED;
}

/* RCPT TO for each recipient; returns how many were accepted, or -1 when
 * the connection failed. */
static int rcpt_all(struct smtp_session *s, const struct smtp_submission *sub,
		    struct smtp_rcpt_result *results, struct buf *text, struct err *err)
{
	int accepted = 0;
	for (size_t i = 0; i < sub->n_rcpts; i++) {
		char *line = xasprintf("RCPT TO:<%s>", sub->rcpts[i]);
		int code = 0;
		int r = command(s, line, &code, text, _("giving a recipient to"), err);
		free(line);
		if (r < 0)
			return -1;
		set_result(&results[i], code, text);
		if (code / 100 == 2)
			accepted++;
		if (s->broken)          /* 421: the server hung up */
			return smtp_reply_error(s, code, buf_cstr(text), _("giving a recipient to"),
						err);
	}
	return accepted;
}

/* The error when no recipient was accepted: the first one's reply. */
static int no_recipient(struct smtp_session *s, const struct smtp_submission *sub,
			const struct smtp_rcpt_result *results, struct err *err)
{
	size_t pick = 0;
	for (size_t i = 0; i < sub->n_rcpts; i++)
		if (results[i].status == SMTP_RCPT_TEMPFAIL) {
			pick = i;       /* a later try may work: say so */
			break;
		}
	char *what = xasprintf(_("sending to %s through"), sub->rcpts[pick]);
	smtp_reply_error(s, results[pick].code, results[pick].text, what, err);
	free(what);
	return -1;
}

/* Writes the body with dot-stuffing and CRLF line ends, without the final
 * ".". */
static int write_body(struct smtp_session *s, const char *msg, size_t len, struct err *err)
{
	mailstream *st = s->smtp->stream;
	net_conn_trace_note(s->conn, "message body: %zu bytes (not traced)", len);
	net_conn_trace_secret(s->conn, true);
	size_t i = 0;
	int r = 0;
	while (i < len && r == 0) {
		const char *nl = memchr(msg + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - msg) : len;
		size_t stop = end > i && msg[end - 1] == '\r' ? end - 1 : end;
		if (msg[i] == '.' && mailstream_write(st, ".", 1) < 0)
			r = -1;
		if (r == 0 && stop > i && mailstream_write(st, msg + i, stop - i) < 0)
			r = -1;
		if (r == 0 && mailstream_write(st, "\r\n", 2) < 0)
			r = -1;
		i = nl ? end + 1 : len;
	}
	if (r == 0 && mailstream_flush(st) < 0)
		r = -1;
	net_conn_trace_secret(s->conn, false);
	if (r < 0) {
		s->broken = true;
		return net_conn_error(s->conn, _("sending the message to"), err);
	}
	return 0;
}

/* The server refused the message itself: nobody has it. */
static void refuse_accepted(const struct smtp_submission *sub, struct smtp_rcpt_result *results,
			    int code, const struct buf *text)
{
	for (size_t i = 0; i < sub->n_rcpts; i++)
		if (results[i].status == SMTP_RCPT_ACCEPTED)
			set_result(&results[i], code, text);
}

/* Forgets RCPT acceptances after the transaction failed before the server
 * could have the message. */
static void forget_accepted(const struct smtp_submission *sub, struct smtp_rcpt_result *results)
{
	for (size_t i = 0; i < sub->n_rcpts; i++)
		if (results[i].status == SMTP_RCPT_ACCEPTED) {
			FREE(&results[i].text);
			results[i].code = 0;
			results[i].status = SMTP_RCPT_UNTRIED;
		}
}

static int data(struct smtp_session *s, const struct smtp_submission *sub,
		struct smtp_rcpt_result *results, struct buf *text, bool *committed,
		struct err *err)
{
	int code = 0;
	if (command(s, "DATA", &code, text, _("starting to send the message to"), err) < 0)
		return -1;
	if (code != 354) {
		refuse_accepted(sub, results, code, text);
		return smtp_reply_error(s, code, buf_cstr(text), _("starting to send the message to"),
					err);
	}
	if (write_body(s, sub->msg, sub->len, err) < 0)
		return -1;
	if (sub->commit && sub->commit(sub->aux, results, err) < 0) {
		s->broken = true;       /* never send the "." now */
		return -1;
	}
	*committed = true;
	if (command(s, ".", &code, text, _("sending the message to"), err) < 0)
		return -1;
	if (code / 100 != 2) {
		refuse_accepted(sub, results, code, text);
		return smtp_reply_error(s, code, buf_cstr(text), _("sending the message to"), err);
	}
	return 0;
}

static int check(struct smtp_session *s, const struct smtp_submission *sub, struct err *err)
{
	if (smtp_check_address(sub->from, true, err) < 0)
		return -1;
	for (size_t i = 0; i < sub->n_rcpts; i++)
		if (smtp_check_address(sub->rcpts[i], false, err) < 0)
			return -1;
	if (sub->n_rcpts == 0)
		return err_set(err, ERR_INPUT, _("a message without recipients"));
	size_t max = smtp_session_max_size(s);
	if (max && sub->len > max)
		return err_set(err, ERR_SERVER_PERM,
			       _("the message is %zu bytes, and %s takes at most %zu (its SIZE "
				 "limit): nothing was sent"), sub->len, net_conn_peer(s->conn), max);
	return 0;
}

int smtp_submit(struct smtp_session *s, const struct smtp_submission *sub,
		struct smtp_rcpt_result *results, struct err *err)
{
	if (check(s, sub, err) < 0)
		return -1;
	struct buf text = BUF_INIT;
	bool committed = false;
	int r = mail_from(s, sub, &text, err);
	if (r == 0) {
		int accepted = rcpt_all(s, sub, results, &text, err);
		if (accepted == 0)
			r = no_recipient(s, sub, results, err);
		else if (accepted < 0)
			r = -1;
		else
			r = data(s, sub, results, &text, &committed, err);
	}
	buf_release(&text);
	if (r < 0 && !committed)
		forget_accepted(sub, results);
	if (r < 0)
		reset(s);
	return r;
}

void smtp_rcpt_results_release(struct smtp_rcpt_result *results, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(results[i].text);
		results[i].text = NULL;
	}
}
