/* POP3 login: the method choice, SASL (AUTH) through the shared code,
 * USER/PASS and APOP. */
#include "common.h"

#include "net/secret.h"
#include "net/stream.h"
#include "pop3/pop3-private.h"
#include "util/err.h"
#include "util/strutil.h"

enum pop3_method { M_SASL, M_USER, M_APOP };

static int auth_start(void *aux, const char *mech, const char *ir, struct err *err)
{
	struct pop3_session *s = aux;
	int r = sasl_write_command(s->pop3->pop3_stream, "AUTH", mech, ir, err);
	if (r < 0)
		s->broken = true;
	return r;
}

static int auth_reply(void *aux, struct buf *text, bool *ok, struct err *err)
{
	struct pop3_session *s = aux;
	struct buf line = BUF_INIT;
	int r = net_stream_read_line(s->pop3->pop3_stream, &line, _("authenticating to"), err);
	if (r < 0) {
		s->broken = true;
		buf_release(&line);
		return -1;
	}
	const char *l = buf_cstr(&line);
	buf_reset(text);
	if (str_startswith(l, "+OK") || str_startswith(l, "-ERR")) {
		*ok = l[0] == '+';
		buf_adds(text, str_ltrim((char *)l + (*ok ? 3 : 4)));
		r = 0;
	} else if (l[0] == '+') {
		buf_adds(text, str_ltrim((char *)l + 1));
		r = 1;
	} else {
		s->broken = true;
		r = err_set(err, ERR_PROTOCOL, _("unexpected reply from %s while logging in: %s"),
			    net_conn_peer(s->conn), l);
	}
	buf_release(&line);
	return r;
}

static int choose_default(struct pop3_session *s, enum pop3_method *method,
			  enum sasl_mech *mech, struct err *err)
{
	const char *peer = net_conn_peer(s->conn);
	*method = M_SASL;
	if (s->ep.oauth_token_command) {
		if (pop3_has_sasl(s, "OAUTHBEARER"))
			*mech = SASL_OAUTHBEARER;
		else if (pop3_has_sasl(s, "XOAUTH2"))
			*mech = SASL_XOAUTH2;
		else
			return err_set(err, ERR_UNSUPPORTED,
				       _("%s offers neither OAUTHBEARER nor XOAUTH2, and %s sets "
					 "oauth_token_command"), peer, s->ep.conf_path);
		return 0;
	}
	if (pop3_has_sasl(s, "PLAIN")) {
		*mech = SASL_PLAIN;
		return 0;
	}
	if (!s->has_capa || pop3_session_has_capability(s, "USER")) {
		*method = M_USER;
		return 0;
	}
	if (s->pop3->pop3_timestamp) {
		*method = M_APOP;
		return 0;
	}
	return err_set(err, ERR_UNSUPPORTED,
		       _("%s offers no login method postie knows (no SASL PLAIN, USER or APOP)"),
		       peer);
}

static int choose(struct pop3_session *s, enum pop3_method *method, enum sasl_mech *mech,
		  struct err *err)
{
	const char *want = s->ep.auth;
	if (!want)
		return choose_default(s, method, mech, err);
	if (str_casecmp(want, "login") == 0 || str_casecmp(want, "user") == 0) {
		*method = M_USER;
		return 0;
	}
	if (str_casecmp(want, "apop") == 0) {
		*method = M_APOP;
		if (!s->pop3->pop3_timestamp)
			return err_set(err, ERR_UNSUPPORTED,
				       _("%s does not offer APOP (no timestamp in its greeting); "
					 "auth = apop in %s"), net_conn_peer(s->conn), s->ep.conf_path);
		return 0;
	}
	*method = M_SASL;
	if (sasl_mech_parse(want, mech) < 0)
		return err_set(err, ERR_CONFIG,
			       _("%s: auth = %s is not available for POP3; use plain, user, apop, "
				 "xoauth2 or oauthbearer"), s->ep.conf_path, want);
	if (s->has_capa && !pop3_has_sasl(s, sasl_mech_name(*mech)))
		return err_set(err, ERR_UNSUPPORTED, _("%s does not offer SASL %s (auth in %s)"),
			       net_conn_peer(s->conn), sasl_mech_name(*mech), s->ep.conf_path);
	return 0;
}

static int user_pass(struct pop3_session *s, const struct secret *pw, struct err *err)
{
	int r = mailpop3_user(s->pop3, s->ep.user);
	if (r == MAILPOP3_ERROR_BAD_USER)
		return net_login_failed(s->conn, s->pop3->pop3_response, err);
	if (r != MAILPOP3_NO_ERROR)
		return pop3_error(s, r, _("logging in to"), err);
	net_conn_trace_secret(s->conn, true);
	r = mailpop3_pass(s->pop3, secret_str(pw));
	net_conn_trace_secret(s->conn, false);
	net_stream_wipe(s->pop3->pop3_stream);
	if (r == MAILPOP3_ERROR_BAD_PASSWORD)
		return net_login_failed(s->conn, s->pop3->pop3_response, err);
	return pop3_error(s, r, _("logging in to"), err);
}

static int apop(struct pop3_session *s, const struct secret *pw, struct err *err)
{
	net_conn_trace_secret(s->conn, true);
	int r = mailpop3_apop(s->pop3, s->ep.user, secret_str(pw));
	net_conn_trace_secret(s->conn, false);
	net_stream_wipe(s->pop3->pop3_stream);
	if (r == MAILPOP3_ERROR_DENIED)
		return net_login_failed(s->conn, s->pop3->pop3_response, err);
	return pop3_error(s, r, _("logging in to"), err);
}

static const char *method_name(enum pop3_method method, enum sasl_mech mech)
{
	switch (method) {
	case M_USER:
		return "USER/PASS";
	case M_APOP:
		return "APOP";
	case M_SASL:
		break;
	}
	return sasl_mech_name(mech);
}

int pop3_login(struct pop3_session *s, struct err *err)
{
	enum pop3_method method;
	enum sasl_mech mech = SASL_PLAIN;
	if (net_conn_check_secret_allowed(s->conn, err) < 0 || choose(s, &method, &mech, err) < 0)
		return -1;
	free(s->login_method);
	s->login_method = method == M_SASL ? xasprintf("SASL %s", sasl_mech_name(mech))
					   : xstrdup(method_name(method, mech));
	struct secret secret = SECRET_INIT;
	bool token = method == M_SASL && sasl_mech_is_oauth(mech);
	if (net_login_begin(s->conn, token, s->login_method, &secret, err) < 0)
		return -1;
	int r;
	if (method == M_USER) {
		r = user_pass(s, &secret, err);
	} else if (method == M_APOP) {
		r = apop(s, &secret, err);
	} else {
		struct sasl_framing f = {
			.start = auth_start, .reply = auth_reply, .aux = s,
			.initial_response = true,       /* RFC 5034 */
		};
		r = sasl_authenticate(s->pop3->pop3_stream, &f, mech, s->ep.user, &secret, err);
		if (r == 0)     /* libetpan did not see the exchange */
			s->pop3->pop3_state = POP3_STATE_TRANSACTION;
	}
	secret_release(&secret);
	return r;
}
