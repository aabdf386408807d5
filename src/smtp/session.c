/* Opening and closing an SMTP session: connect, EHLO, STARTTLS, EHLO again,
 * login (auth.c), QUIT. */
#include "common.h"

#include "conf/conf.h"
#include "net/stream.h"
#include "smtp/smtp-private.h"
#include "util/err.h"
#include "util/strutil.h"

int smtp_error(struct smtp_session *s, int r, const char *what, struct err *err)
{
	if (r == MAILSMTP_NO_ERROR)
		return 0;
	if (net_conn_failure_kind(s->conn) != ERR_NONE) {
		s->broken = true;       /* the last read or write failed */
		return net_conn_error(s->conn, what, err);
	}
	if (r == MAILSMTP_ERROR_STREAM) {     /* libetpan gave up on what it read */
		s->broken = true;
		return err_set(err, ERR_PROTOCOL, _("%s %s: could not understand the server's reply"),
			       what, net_conn_peer(s->conn));
	}
	if (r == MAILSMTP_ERROR_MEMORY) {
		fprintf(stderr, "postie: out of memory\n");
		abort();
	}
	int code = s->smtp->response_code;
	if (code == 421)
		s->broken = true;       /* the server is closing the connection */
	return smtp_reply_error(s, code, s->smtp->response, what, err);
}

/* Keeps the EHLO reply (libetpan's flags know no XOAUTH2 or OAUTHBEARER). */
static int ehlo(struct smtp_session *s, struct err *err)
{
	int r = mailesmtp_ehlo_with_ip(s->smtp, 1);   /* [ip] rather than our host name */
	if (r != MAILSMTP_NO_ERROR)
		return smtp_error(s, r, _("greeting (EHLO)"), err);
	buf_reset(&s->ehlo);
	buf_reset(&s->ehlo_line);
	const char *resp = s->smtp->response ? s->smtp->response : "";
	const char *nl = strchr(resp, '\n');
	if (nl)
		buf_adds(&s->ehlo, nl + 1);
	for (const char *p = buf_cstr(&s->ehlo); *p; p++) {
		if (*p == '\r')
			continue;
		buf_addc(&s->ehlo_line, *p == '\n' ? ' ' : *p);
	}
	while (s->ehlo_line.len && s->ehlo_line.data[s->ehlo_line.len - 1] == ' ')
		buf_truncate(&s->ehlo_line, s->ehlo_line.len - 1);
	return 0;
}

/* The EHLO line for keyword ("AUTH PLAIN LOGIN" for AUTH), or NULL. */
static const char *ehlo_find(const struct smtp_session *s, const char *keyword, size_t *len)
{
	size_t kl = strlen(keyword);
	for (const char *p = buf_cstr(&s->ehlo); *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n >= kl && str_ncasecmp(p, keyword, kl) == 0 &&
		    (n == kl || p[kl] == ' ' || p[kl] == '=' || p[kl] == '\r')) {
			*len = n;
			return p;
		}
		p += n + (nl ? 1 : 0);
	}
	return NULL;
}

bool smtp_session_has_extension(const struct smtp_session *s, const char *keyword)
{
	size_t n;
	return ehlo_find(s, keyword, &n) != NULL;
}

bool smtp_has_auth(const struct smtp_session *s, const char *mech)
{
	size_t n, ml = strlen(mech);
	const char *l = ehlo_find(s, "AUTH", &n);
	if (!l)
		return false;
	/* "AUTH PLAIN LOGIN" (or the old "AUTH=PLAIN LOGIN") */
	for (size_t i = 4; i < n;) {
		while (i < n && (l[i] == ' ' || l[i] == '=' || l[i] == '\r'))
			i++;
		size_t j = i;
		while (j < n && l[j] != ' ' && l[j] != '\r')
			j++;
		if (j - i == ml && str_ncasecmp(l + i, mech, ml) == 0)
			return true;
		i = j;
	}
	return false;
}

static int starttls(struct smtp_session *s, struct err *err)
{
	const char *peer = net_conn_peer(s->conn);
	if (!(s->smtp->esmtp & MAILSMTP_ESMTP_STARTTLS))
		return err_set(err, ERR_TLS,
			       _("refusing %s: it does not offer STARTTLS, and %s asks for it "
				 "(smtp_tls = starttls); nothing was sent in plain text"),
			       peer, s->ep.conf_path);
	net_ctx_status(s->ctx, _("starting TLS with %s"), peer);
	int r = mailesmtp_starttls(s->smtp);
	if (r != MAILSMTP_NO_ERROR) {
		s->broken = true;
		if (net_stream_check_injection(s->smtp->stream, "STARTTLS", err) < 0)
			return -1;
		if (net_conn_failure_kind(s->conn) != ERR_NONE)
			return smtp_error(s, r, _("starting TLS with"), err);
		return err_set(err, ERR_TLS, _("refusing %s: STARTTLS failed (%d %s); nothing was "
					       "sent in plain text"), peer, s->smtp->response_code,
			       s->smtp->response ? s->smtp->response : "");
	}
	if (net_stream_start_tls(s->smtp->stream, err) < 0) {
		s->broken = true;
		return -1;
	}
	return ehlo(s, err);
}

static int connect_session(struct smtp_session *s, struct net_cancel *cancel, struct err *err)
{
	struct net_conn *conn;
	if (net_connect(s->ctx, &s->ep, cancel, &conn, err) < 0)
		return -1;
	s->conn = net_conn_hold(conn);   /* the stream takes the other reference */
	s->smtp = mailsmtp_new(0, NULL);
	if (!s->smtp)
		abort();
	mailsmtp_set_timeout(s->smtp, s->ep.timeout);
	int r = mailsmtp_connect(s->smtp, net_stream_new(conn));
	if (r != MAILSMTP_NO_ERROR)
		return smtp_error(s, r, _("reading the greeting of"), err);
	if (ehlo(s, err) < 0)
		return -1;
	if (s->ep.tls == NET_TLS_STARTTLS && starttls(s, err) < 0)
		return -1;
	return smtp_login(s, err);
}

int smtp_session_open(const struct account_conf *a, struct net_ctx *net,
		      struct net_cancel *cancel, struct smtp_session **out, struct err *err)
{
	*out = NULL;
	struct smtp_session *s = xcalloc(1, sizeof *s);
	s->ctx = net;
	if (net_endpoint_from_account(a, true, &s->ep, err) < 0 ||
	    connect_session(s, cancel, err) < 0) {
		smtp_session_free(&s);
		return -1;
	}
	net_conn_trace_note(s->conn, "logged in (%s)", s->login_method);
	*out = s;
	return 0;
}

void smtp_session_free(struct smtp_session **sp)
{
	struct smtp_session *s = *sp;
	if (!s)
		return;
	if (s->smtp)
		mailsmtp_free(s->smtp);     /* closes the stream */
	net_conn_free(&s->conn);
	free(s->login_method);
	buf_release(&s->ehlo);
	buf_release(&s->ehlo_line);
	free(s);
	*sp = NULL;
}

void smtp_session_close(struct smtp_session **sp)
{
	struct smtp_session *s = *sp;
	if (!s)
		return;
	if (s->smtp && s->smtp->stream && !s->broken)
		mailsmtp_quit(s->smtp);
	smtp_session_free(sp);
}

int smtp_session_noop(struct smtp_session *s, struct err *err)
{
	return smtp_error(s, mailsmtp_noop(s->smtp), _("checking the connection to"), err);
}

const char *smtp_session_extensions(const struct smtp_session *s)
{
	return buf_cstr(&s->ehlo_line);
}

size_t smtp_session_max_size(const struct smtp_session *s)
{
	return s->smtp->smtp_max_msg_size;
}

const char *smtp_session_login_method(const struct smtp_session *s)
{
	return s->login_method ? s->login_method : "";
}

const struct net_conn *smtp_session_conn(const struct smtp_session *s)
{
	return s->conn;
}

bool smtp_session_broken(const struct smtp_session *s)
{
	return s->broken;
}
