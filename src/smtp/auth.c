/* SMTP AUTH through the shared SASL code. */
#include "common.h"

#include "net/secret.h"
#include "net/stream.h"
#include "smtp/smtp-private.h"
#include "util/err.h"
#include "util/strutil.h"

static int auth_start(void *aux, const char *mech, const char *ir, struct err *err)
{
	struct smtp_session *s = aux;
	int r = sasl_write_command(s->smtp->stream, "AUTH", mech, ir, err);
	if (r < 0)
		s->broken = true;
	return r;
}

/* Reads one reply, multi-line ones included ("535-..." then "535 ..."). */
static int auth_reply(void *aux, struct buf *text, bool *ok, struct err *err)
{
	struct smtp_session *s = aux;
	int code = 0;
	if (smtp_read_reply(s, &code, text, _("authenticating to"), err) < 0)
		return -1;
	if (code == 334)
		return 1;
	*ok = code / 100 == 2;
	return 0;
}

static int choose(struct smtp_session *s, enum sasl_mech *mech, struct err *err)
{
	const char *peer = net_conn_peer(s->conn);
	const char *want = s->ep.auth;
	/* `auth` is shared with the mail server: its simple-login spellings mean
	 * AUTH LOGIN here, and APOP (POP3 only) leaves the choice to the server. */
	if (want && str_casecmp(want, "apop") == 0)
		want = NULL;
	if (want) {
		if (str_casecmp(want, "user") == 0)
			*mech = SASL_LOGIN;
		else if (sasl_mech_parse(want, mech) < 0)
			return err_set(err, ERR_CONFIG,
				       _("%s: auth = %s is not available for SMTP; use plain, login, "
					 "xoauth2 or oauthbearer"), s->ep.conf_path, want);
		if (!smtp_has_auth(s, sasl_mech_name(*mech)))
			return err_set(err, ERR_UNSUPPORTED,
				       _("%s does not offer AUTH %s (auth in %s)"), peer,
				       sasl_mech_name(*mech), s->ep.conf_path);
		return 0;
	}
	if (s->ep.oauth_token_command) {
		if (smtp_has_auth(s, "OAUTHBEARER"))
			*mech = SASL_OAUTHBEARER;
		else if (smtp_has_auth(s, "XOAUTH2"))
			*mech = SASL_XOAUTH2;
		else
			return err_set(err, ERR_UNSUPPORTED,
				       _("%s offers neither OAUTHBEARER nor XOAUTH2, and %s sets "
					 "oauth_token_command"), peer, s->ep.conf_path);
		return 0;
	}
	if (smtp_has_auth(s, "PLAIN"))
		*mech = SASL_PLAIN;
	else if (smtp_has_auth(s, "LOGIN"))
		*mech = SASL_LOGIN;
	else
		return err_set(err, ERR_UNSUPPORTED,
			       _("%s offers no login postie knows (no AUTH PLAIN or LOGIN in its "
				 "EHLO reply)"), peer);
	return 0;
}

int smtp_login(struct smtp_session *s, struct err *err)
{
	enum sasl_mech mech = SASL_PLAIN;
	if (net_conn_check_secret_allowed(s->conn, err) < 0 || choose(s, &mech, err) < 0)
		return -1;
	free(s->login_method);
	s->login_method = xasprintf("AUTH %s", sasl_mech_name(mech));
	struct secret secret = SECRET_INIT;
	if (net_login_begin(s->conn, sasl_mech_is_oauth(mech), s->login_method, &secret, err) < 0)
		return -1;
	struct sasl_framing f = {
		.start = auth_start, .reply = auth_reply, .aux = s,
		.initial_response = true,       /* RFC 4954 */
	};
	int r = sasl_authenticate(s->smtp->stream, &f, mech, s->ep.user, &secret, err);
	secret_release(&secret);
	return r;
}
