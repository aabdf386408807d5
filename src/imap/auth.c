/* IMAP login: the mechanism choice, AUTHENTICATE through the shared SASL
 * code, and the LOGIN command. */
#include "common.h"

#include "imap/imap-private.h"
#include "net/secret.h"
#include "net/stream.h"
#include "util/err.h"
#include "util/strutil.h"

enum imap_method { M_SASL, M_LOGIN };

/* AUTHENTICATE framing for sasl_authenticate(). */
static int auth_start(void *aux, const char *mech, const char *ir, struct err *err)
{
	struct imap_session *s = aux;
	int r = mailimap_send_current_tag(s->imap);
	if (r != MAILIMAP_NO_ERROR)
		return imap_error(s, r, _("authenticating to"), err);
	snprintf(s->tag, sizeof s->tag, "%d", s->imap->imap_tag);
	r = sasl_write_command(s->imap->imap_stream, "AUTHENTICATE", mech, ir, err);
	if (r < 0)
		s->broken = true;
	return r;
}

static int auth_reply(void *aux, struct buf *text, bool *ok, struct err *err)
{
	struct imap_session *s = aux;
	struct buf line = BUF_INIT;
	int r;
	for (;;) {
		if (net_stream_read_line(s->imap->imap_stream, &line, _("authenticating to"),
					 err) < 0) {
			s->broken = true;
			r = -1;
			break;
		}
		const char *l = buf_cstr(&line);
		if (l[0] == '+') {      /* a challenge: "+ BASE64" or a bare "+" */
			buf_reset(text);
			buf_adds(text, str_ltrim((char *)l + 1));
			r = 1;
			break;
		}
		if (l[0] == '*')        /* untagged data, e.g. CAPABILITY */
			continue;
		size_t tl = strlen(s->tag);
		if (strncmp(l, s->tag, tl) == 0 && l[tl] == ' ') {
			const char *st = l + tl + 1;
			*ok = str_casestartswith(st, "OK");
			while (*st && *st != ' ')
				st++;
			buf_reset(text);
			buf_adds(text, str_ltrim((char *)st));
			if (*ok)
				s->login_caps = imap_session_caps_from_text(s, buf_cstr(text));
			r = 0;
			break;
		}
		s->broken = true;
		r = err_set(err, ERR_PROTOCOL, _("unexpected reply from %s while logging in: %s"),
			    net_conn_peer(s->conn), l);
		break;
	}
	buf_release(&line);
	return r;
}

/* Picks the mechanism: the account's `auth`, else the best offered. */
static int choose(struct imap_session *s, enum imap_method *method, enum sasl_mech *mech,
		  struct err *err)
{
	const char *peer = net_conn_peer(s->conn);
	const char *want = s->ep.auth;
	if (want && (str_casecmp(want, "login") == 0 || str_casecmp(want, "user") == 0)) {
		*method = M_LOGIN;
		return 0;
	}
	if (want && str_casecmp(want, "apop") == 0)   /* POP3 only: the default here */
		want = NULL;
	*method = M_SASL;
	if (want) {
		if (sasl_mech_parse(want, mech) < 0)
			return err_set(err, ERR_CONFIG,
				       _("%s: auth = %s is not available for IMAP; use plain, login, "
					 "xoauth2 or oauthbearer"), s->ep.conf_path, want);
		if (!mailimap_has_authentication(s->imap, (char *)sasl_mech_name(*mech)))
			return err_set(err, ERR_UNSUPPORTED,
				       _("%s does not offer AUTH=%s (auth in %s)"), peer,
				       sasl_mech_name(*mech), s->ep.conf_path);
		return 0;
	}
	if (s->ep.oauth_token_command) {
		if (mailimap_has_authentication(s->imap, "OAUTHBEARER"))
			*mech = SASL_OAUTHBEARER;
		else if (mailimap_has_authentication(s->imap, "XOAUTH2"))
			*mech = SASL_XOAUTH2;
		else
			return err_set(err, ERR_UNSUPPORTED,
				       _("%s offers neither OAUTHBEARER nor XOAUTH2, and %s sets "
					 "oauth_token_command"), peer, s->ep.conf_path);
		return 0;
	}
	if (mailimap_has_authentication(s->imap, "PLAIN")) {
		*mech = SASL_PLAIN;
		return 0;
	}
	if (mailimap_has_extension(s->imap, "LOGINDISABLED"))
		return err_set(err, ERR_UNSUPPORTED,
			       _("%s refuses LOGIN (LOGINDISABLED) and offers no AUTH=PLAIN"), peer);
	*method = M_LOGIN;
	return 0;
}

static int login_command(struct imap_session *s, const struct secret *pw, struct err *err)
{
	net_conn_trace_secret(s->conn, true);
	/* libetpan replaces its capability data when the OK carries a
	 * CAPABILITY code: a new pointer means the list is the server's after
	 * login (the new one is allocated while the old still lives). */
	const struct mailimap_capability_data *before = s->imap->imap_connection_info
		? s->imap->imap_connection_info->imap_capability : NULL;
	int r = mailimap_login(s->imap, s->ep.user, secret_str(pw));
	imap_caps_repair(s);
	const struct mailimap_capability_data *after = s->imap->imap_connection_info
		? s->imap->imap_connection_info->imap_capability : NULL;
	s->login_caps = r == MAILIMAP_NO_ERROR && after && after != before;
	net_conn_trace_secret(s->conn, false);
	net_stream_wipe(s->imap->imap_stream);
	if (r == MAILIMAP_ERROR_LOGIN)
		return net_login_failed(s->conn, s->imap->imap_response, err);
	return imap_error(s, r, _("logging in to"), err);
}

int imap_login(struct imap_session *s, struct err *err)
{
	enum imap_method method;
	enum sasl_mech mech = SASL_PLAIN;
	if (net_conn_check_secret_allowed(s->conn, err) < 0 || choose(s, &method, &mech, err) < 0)
		return -1;
	free(s->login_method);
	s->login_method = method == M_LOGIN ? xstrdup("LOGIN")
					    : xasprintf("AUTHENTICATE %s", sasl_mech_name(mech));
	struct secret secret = SECRET_INIT;
	bool token = method == M_SASL && sasl_mech_is_oauth(mech);
	if (net_login_begin(s->conn, token, s->login_method, &secret, err) < 0)
		return -1;
	int r;
	if (method == M_LOGIN) {
		r = login_command(s, &secret, err);
	} else {
		struct sasl_framing f = {
			.start = auth_start, .reply = auth_reply, .aux = s,
			.initial_response = mailimap_has_extension(s->imap, "SASL-IR") != 0,
		};
		r = sasl_authenticate(s->imap->imap_stream, &f, mech, s->ep.user, &secret, err);
		if (r == 0)     /* libetpan did not see the exchange */
			s->imap->imap_state = MAILIMAP_STATE_AUTHENTICATED;
	}
	secret_release(&secret);
	return r;
}
