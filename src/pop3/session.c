/* Opening and closing a POP3 session: connect, STLS, CAPA, login (auth.c),
 * QUIT. */
#include "common.h"

#include "conf/conf.h"
#include "net/stream.h"
#include "pop3/wire.h"
#include "pop3/pop3-private.h"
#include "util/err.h"
#include "util/strutil.h"

int pop3_error(struct pop3_session *s, int r, const char *what, struct err *err)
{
	if (r == MAILPOP3_NO_ERROR)
		return 0;
	if (net_conn_failure_kind(s->conn) != ERR_NONE) {
		s->broken = true;       /* the last read or write failed */
		return net_conn_error(s->conn, what, err);
	}
	if (r == MAILPOP3_ERROR_STREAM) {     /* libetpan gave up on what it read */
		s->broken = true;
		return err_set(err, ERR_PROTOCOL, _("%s %s: could not understand the server's reply"),
			       what, net_conn_peer(s->conn));
	}
	const char *peer = net_conn_peer(s->conn);
	const char *said = s->pop3->pop3_response ? s->pop3->pop3_response : "";
	switch (r) {
	case MAILPOP3_ERROR_MEMORY:
		fprintf(stderr, "postie: out of memory\n");
		abort();
	case MAILPOP3_ERROR_BAD_STATE:
		s->broken = true;
		return err_set(err, ERR_PROTOCOL, _("%s %s: the session is not logged in"), what,
			       peer);
	default:
		if (!*said)
			return err_set(err, ERR_PROTOCOL, _("%s %s: unexpected reply"), what, peer);
		return err_set(err, ERR_SERVER_PERM, _("%s %s: the server said: %s"), what, peer,
			       said);
	}
}

int pop3_refresh_capabilities(struct pop3_session *s, struct err *err)
{
	clist *caps = NULL;
	buf_reset(&s->caps);
	buf_reset(&s->caps_line);
	int r = mailpop3_capa(s->pop3, &caps);
	s->has_capa = r == MAILPOP3_NO_ERROR;
	if (r == MAILPOP3_ERROR_CAPA_NOT_SUPPORTED)
		return 0;       /* an old server: no CAPA at all */
	if (r != MAILPOP3_NO_ERROR)
		return pop3_error(s, r, _("asking for the capabilities of"), err);
	buf_addc(&s->caps, ' ');
	buf_reset(&s->caps_line);
	for (clistiter *it = clist_begin(caps); it; it = clist_next(it)) {
		struct mailpop3_capa *c = clist_content(it);
		buf_addf(&s->caps, "%s ", c->cap_name);
		buf_addf(&s->caps_line, "%s%s", s->caps_line.len ? " " : "", c->cap_name);
		if (str_casecmp(c->cap_name, "SASL") != 0)
			continue;
		for (clistiter *p = clist_begin(c->cap_param); p; p = clist_next(p))
			buf_addf(&s->caps, "SASL:%s ", (char *)clist_content(p));
	}
	mailpop3_capa_resp_free(caps);
	return 0;
}

static bool has_word(const struct pop3_session *s, const char *word)
{
	char *w = xasprintf(" %s ", word);
	bool found = str_casestr(buf_cstr(&s->caps), w) != NULL;
	free(w);
	return found;
}

bool pop3_session_has_capability(const struct pop3_session *s, const char *name)
{
	return has_word(s, name);
}

bool pop3_has_sasl(const struct pop3_session *s, const char *mech)
{
	char *w = xasprintf("SASL:%s", mech);
	bool found = has_word(s, w);
	free(w);
	return found;
}

static int stls(struct pop3_session *s, struct err *err)
{
	const char *peer = net_conn_peer(s->conn);
	if (pop3_refresh_capabilities(s, err) < 0)
		return -1;
	/* Without CAPA there is no way to know: try, and fail if refused. */
	if (s->has_capa && !has_word(s, "STLS"))
		return err_set(err, ERR_TLS,
			       _("refusing %s: it does not offer STLS, and %s asks for it "
				 "(tls = starttls); nothing was sent in plain text"),
			       peer, s->ep.conf_path);
	net_ctx_status(s->ctx, _("starting TLS with %s"), peer);
	int r = mailpop3_stls(s->pop3);
	if (r != MAILPOP3_NO_ERROR) {
		s->broken = true;
		if (net_stream_check_injection(s->pop3->pop3_stream, "STLS", err) < 0)
			return -1;
		if (net_conn_failure_kind(s->conn) != ERR_NONE)
			return pop3_error(s, r, _("starting TLS with"), err);
		return err_set(err, ERR_TLS, _("refusing %s: STLS failed (%s); nothing was sent "
					       "in plain text"), peer,
			       s->pop3->pop3_response ? s->pop3->pop3_response : "-ERR");
	}
	if (net_stream_start_tls(s->pop3->pop3_stream, err) < 0) {
		s->broken = true;
		return -1;
	}
	return pop3_refresh_capabilities(s, err);
}

static int connect_session(struct pop3_session *s, struct net_cancel *cancel, struct err *err)
{
	struct net_conn *conn;
	if (net_connect(s->ctx, &s->ep, cancel, &conn, err) < 0)
		return -1;
	s->conn = net_conn_hold(conn);   /* the stream takes the other reference */
	s->pop3 = mailpop3_new(0, NULL);
	if (!s->pop3)
		abort();
	mailpop3_set_timeout(s->pop3, s->ep.timeout);
	int r = mailpop3_connect(s->pop3, net_stream_new(conn));
	if (r != MAILPOP3_NO_ERROR)
		return pop3_error(s, r, _("reading the greeting of"), err);
	if (s->ep.tls == NET_TLS_STARTTLS) {
		if (stls(s, err) < 0)
			return -1;
	} else if (pop3_refresh_capabilities(s, err) < 0) {
		return -1;
	}
	return pop3_login(s, err);
}

int pop3_session_open(const struct account_conf *a, struct net_ctx *net,
		      struct net_cancel *cancel, struct pop3_session **out, struct err *err)
{
	*out = NULL;
	if (a->protocol != PROTO_POP3)
		return err_set(err, ERR_CONFIG, _("account %s uses %s, not POP3"), a->account,
			       conf_protocol_name(a->protocol));
	struct pop3_session *s = xcalloc(1, sizeof *s);
	s->ctx = net;
	if (net_endpoint_from_account(a, false, &s->ep, err) < 0 ||
	    connect_session(s, cancel, err) < 0) {
		pop3_session_free(&s);
		return -1;
	}
	/* Some servers list more (UIDL, TOP) once logged in. */
	if (pop3_refresh_capabilities(s, err) < 0) {
		pop3_session_free(&s);
		return -1;
	}
	s->pipelining = pop3_session_has_capability(s, "PIPELINING");
	net_conn_trace_note(s->conn, "logged in (%s)", s->login_method);
	*out = s;
	return 0;
}

void pop3_session_free(struct pop3_session **sp)
{
	struct pop3_session *s = *sp;
	if (!s)
		return;
	if (s->pop3) {
		/* mailpop3_free() would send QUIT, which commits deletions:
		 * close the stream first, so freeing never does. */
		if (s->pop3->pop3_stream) {
			mailstream_close(s->pop3->pop3_stream);
			s->pop3->pop3_stream = NULL;
		}
		mailpop3_free(s->pop3);
	}
	net_conn_free(&s->conn);
	free(s->login_method);
	buf_release(&s->caps);
	buf_release(&s->caps_line);
	free(s->in);
	free(s);
	*sp = NULL;
}

int pop3_session_quit(struct pop3_session **sp, struct err *err)
{
	struct pop3_session *s = *sp;
	if (s->broken) {
		pop3_session_free(sp);
		return err_set(err, ERR_NET, _("the session was broken before QUIT; "
					       "no deletion took effect"));
	}
	const char *what = _("ending the session with");
	struct buf said = BUF_INIT;
	int r = pop3_write_cmd(s, true, what, err, "QUIT");
	if (r == 0)
		r = pop3_read_status(s, what, &said, err);
	if (r == 0)
		err_set(err, ERR_SERVER_TEMP,
			_("%s refused QUIT, so no deletion took effect (postie tries again next "
			  "time): -ERR %s"),
			net_conn_peer(s->conn), buf_cstr(&said));
	buf_release(&said);
	pop3_session_free(sp);
	return r == 1 ? 0 : -1;
}

void pop3_session_close(struct pop3_session **sp)
{
	if (!*sp)
		return;
	if ((*sp)->broken) {
		pop3_session_free(sp);
		return;
	}
	pop3_session_quit(sp, NULL);
}

int pop3_session_stat(struct pop3_session *s, unsigned *count, size_t *size, struct err *err)
{
	const char *what = _("counting the messages on");
	struct buf text = BUF_INIT;
	uint32_t c;
	uint64_t octets;
	int r = pop3_simple(s, what, &text, err, "STAT");
	if (r == 1 && pop3_parse_stat(buf_cstr(&text), &c, &octets) < 0)
		r = err_set(err, ERR_PROTOCOL, _("%s %s: unexpected reply: +OK %s"), what,
			    net_conn_peer(s->conn), buf_cstr(&text));
	buf_release(&text);
	if (r != 1)
		return -1;
	*count = c;
	*size = (size_t)octets;
	return 0;
}

int pop3_session_noop(struct pop3_session *s, struct err *err)
{
	return pop3_simple(s, _("checking the connection to"), NULL, err, "NOOP") == 1 ? 0 : -1;
}

const char *pop3_session_capabilities(const struct pop3_session *s)
{
	return buf_cstr(&s->caps_line);
}

const char *pop3_session_login_method(const struct pop3_session *s)
{
	return s->login_method ? s->login_method : "";
}

const struct net_conn *pop3_session_conn(const struct pop3_session *s)
{
	return s->conn;
}

bool pop3_session_broken(const struct pop3_session *s)
{
	return s->broken;
}
