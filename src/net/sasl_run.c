/* Running a SASL mechanism over a libetpan stream, whatever the protocol:
 * the protocol module says how commands and replies look (struct
 * sasl_framing); this file does the exchange, keeps secrets out of the
 * trace and wipes them from memory. */
#include "common.h"

#include "net/net-private.h"
#include "net/secret.h"
#include "net/stream.h"
#include "util/base64.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/strutil.h"

int net_login_begin(struct net_conn *conn, bool token, const char *method, struct secret *out,
		    struct err *err)
{
	if (net_conn_check_secret_allowed(conn, err) < 0 ||
	    net_secret_take(conn->ctx, &conn->ep, &conn->secret_ahead, token, out, err) < 0)
		return -1;
	net_ctx_status(conn->ctx, _("logging in to %s as %s (%s)"), conn->peer, conn->ep.user,
		       method);
	return 0;
}

int net_login_failed(const struct net_conn *conn, const char *server_words, struct err *err)
{
	const char *words = server_words && *server_words ? server_words : _("(no reason given)");
	return err_set(err, ERR_AUTH, _("login failed for %s at %s: %s"), conn->ep.user,
		       conn->ep.host, words);
}

int sasl_write_command(mailstream *s, const char *verb, const char *mech, const char *ir,
		       struct err *err)
{
	struct secret line = SECRET_INIT;
	secret_add(&line, verb, strlen(verb));
	secret_add(&line, " ", 1);
	secret_add(&line, mech, strlen(mech));
	if (ir) {
		secret_add(&line, " ", 1);
		secret_add(&line, ir, strlen(ir));
	}
	int r = net_stream_write_line(s, secret_str(&line), line.len, _("authenticating to"), err);
	secret_release(&line);
	return r;
}

/* Answers one base64 challenge (or cancels the exchange with "*"). */
static int answer(mailstream *s, struct sasl_client *sc, const struct buf *text, bool *bad,
		  struct err *err)
{
	struct buf chal = BUF_INIT;
	struct secret msg = SECRET_INIT;
	int r;
	if (!base64_decode(&chal, text->data ? text->data : "", text->len) ||
	    sasl_respond(sc, chal.data, chal.len, &msg) < 0) {
		*bad = true;
		r = net_stream_write_line(s, "*", 1, _("authenticating to"), err);
	} else {
		r = net_stream_write_line(s, secret_str(&msg), msg.len, _("authenticating to"), err);
	}
	secret_release(&msg);
	buf_release(&chal);
	return r;
}

static int exchange(mailstream *s, const struct sasl_framing *f, struct sasl_client *sc,
		    struct buf *text, bool *ok, bool *bad, struct err *err)
{
	struct secret ir = SECRET_INIT;
	const char *irp = NULL;
	if (f->initial_response && sasl_initial_response(sc, &ir) == 1)
		irp = ir.len ? secret_str(&ir) : "=";
	int r = f->start(f->aux, sasl_mech_name(sc->mech), irp, err);
	secret_release(&ir);
	while (r == 0) {
		r = f->reply(f->aux, text, ok, err);
		if (r <= 0)
			break;
		r = answer(s, sc, text, bad, err);
	}
	return r < 0 ? -1 : 0;
}

int sasl_authenticate(mailstream *s, const struct sasl_framing *f, enum sasl_mech mech,
		      const char *user, const struct secret *secret, struct err *err)
{
	struct net_conn *c = net_stream_conn(s);
	if (net_conn_check_secret_allowed(c, err) < 0)
		return -1;
	struct sasl_client sc;
	sasl_client_init(&sc, mech, user, secret, c->ep.host, c->ep.port);
	struct buf text = BUF_INIT;
	bool ok = false, bad = false;

	net_conn_trace_secret(c, true);
	int r = exchange(s, f, &sc, &text, &ok, &bad, err);
	net_conn_trace_secret(c, false);
	net_stream_wipe(s);

	if (r == 0 && !ok) {
		struct buf words = BUF_INIT;
		buf_adds(&words, str_trim(text.data ? text.data : (char *)""));
		if (sc.oauth_error)
			buf_addf(&words, " (%s)", sc.oauth_error);
		else if (bad)
			buf_adds(&words, _(" (after a challenge postie could not answer)"));
		r = net_login_failed(c, buf_cstr(&words), err);
		buf_release(&words);
	}
	sasl_client_release(&sc);
	buf_release(&text);
	return r;
}
