/* Opening and closing an IMAP session: connect, STARTTLS, capabilities,
 * login (auth.c), logout. */
#include "common.h"

#include "conf/conf.h"
#include "imap/imap-private.h"
#include "net/stream.h"
#include "util/err.h"
#include "util/strutil.h"

int imap_error(struct imap_session *s, int r, const char *what, struct err *err)
{
	if (r == MAILIMAP_NO_ERROR || r == MAILIMAP_NO_ERROR_AUTHENTICATED ||
	    r == MAILIMAP_NO_ERROR_NON_AUTHENTICATED)
		return 0;
	if (net_conn_failure_kind(s->conn) != ERR_NONE) {
		s->broken = true;       /* the last read or write failed */
		return net_conn_error(s->conn, what, err);
	}
	if (r == MAILIMAP_ERROR_STREAM) {     /* libetpan gave up on what it read */
		s->broken = true;
		return err_set(err, ERR_PROTOCOL, _("%s %s: could not understand the server's reply"),
			       what, net_conn_peer(s->conn));
	}
	const char *peer = net_conn_peer(s->conn);
	const char *said = s->imap->imap_response ? s->imap->imap_response : "";
	switch (r) {
	case MAILIMAP_ERROR_PARSE:
		s->broken = true;
		return err_set(err, ERR_PROTOCOL, _("%s %s: could not understand the server's reply"),
			       what, peer);
	case MAILIMAP_ERROR_FATAL:
		s->broken = true;
		return err_set(err, ERR_NET, _("%s %s: the server ended the session: %s"), what,
			       peer, said);
	case MAILIMAP_ERROR_PROTOCOL:
		s->broken = true;
		return err_set(err, ERR_PROTOCOL, _("%s %s: the server rejected the command: %s"),
			       what, peer, said);
	case MAILIMAP_ERROR_MEMORY:
		fprintf(stderr, "postie: out of memory\n");
		abort();
	default:
		return err_set(err, ERR_SERVER_PERM, _("%s %s: the server said: %s"), what, peer,
			       *said ? said : _("no"));
	}
}

void imap_caps_repair(struct imap_session *s)
{
	/* libetpan keeps an empty "[CAPABILITY ]" code as data without a list,
	 * which its own lookups (mailimap_has_authentication...) then follow
	 * into NULL (found by fuzz-imap): an empty list says the same safely. */
	struct mailimap_connection_info *ci = s->imap->imap_connection_info;
	if (!ci || !ci->imap_capability || ci->imap_capability->cap_list)
		return;
	ci->imap_capability->cap_list = clist_new();
	if (!ci->imap_capability->cap_list)
		abort();
}

int imap_refresh_capabilities(struct imap_session *s, struct err *err)
{
	struct mailimap_capability_data *caps = NULL;
	/* libetpan 1.9.4 copies the capabilities it holds after the OK without
	 * looking: a server that answers with no CAPABILITY data (and had none
	 * in its greeting, or lost them at login) would make it read NULL
	 * (found by fuzz-imap). An empty list stands in until the server's
	 * replaces it. */
	struct mailimap_connection_info *ci = s->imap->imap_connection_info;
	if (ci && !ci->imap_capability) {
		clist *none = clist_new();
		ci->imap_capability = none ? mailimap_capability_data_new(none) : NULL;
		if (!ci->imap_capability)
			abort();
	}
	int r = mailimap_capability(s->imap, &caps);
	if (caps)
		mailimap_capability_data_free(caps);
	imap_caps_repair(s);
	return imap_error(s, r, _("asking for the capabilities of"), err);
}

/* One capability word as libetpan keeps it ("AUTH=X" apart). */
static struct mailimap_capability *capability_new(const char *word, size_t n)
{
	struct mailimap_capability *c =
		n > 5 && str_ncasecmp(word, "AUTH=", 5) == 0
		? mailimap_capability_new(MAILIMAP_CAPABILITY_AUTH_TYPE, xstrndup(word + 5, n - 5),
					  NULL)
		: mailimap_capability_new(MAILIMAP_CAPABILITY_NAME, NULL, xstrndup(word, n));
	if (!c)
		abort();
	return c;
}

bool imap_session_caps_from_text(struct imap_session *s, const char *text)
{
	static const char code[] = "[CAPABILITY ";
	struct mailimap_connection_info *ci = s->imap->imap_connection_info;
	const char *end = strchr(text, ']');
	if (!ci || !end || !str_casestartswith(text, code))
		return false;
	clist *list = clist_new();
	if (!list)
		abort();
	for (const char *p = text + strlen(code); p < end;) {
		size_t n = strcspn(p, " ]");
		if (n && clist_append(list, capability_new(p, n)) < 0)
			abort();
		p += n + (p[n] == ' ');
	}
	struct mailimap_capability_data *cd = mailimap_capability_data_new(list);
	if (!cd)
		abort();
	if (ci->imap_capability)
		mailimap_capability_data_free(ci->imap_capability);
	ci->imap_capability = cd;
	return true;
}

static int starttls(struct imap_session *s, int greeting, struct err *err)
{
	const char *peer = net_conn_peer(s->conn);
	if (greeting == MAILIMAP_NO_ERROR_AUTHENTICATED)
		return err_set(err, ERR_TLS,
			       _("refusing %s: it logged us in at once (PREAUTH), so STARTTLS is "
				 "impossible and the session would stay unencrypted"), peer);
	if (!s->imap->imap_connection_info->imap_capability &&
	    imap_refresh_capabilities(s, err) < 0)
		return -1;
	if (!mailimap_has_extension(s->imap, "STARTTLS"))
		return err_set(err, ERR_TLS,
			       _("refusing %s: it does not offer STARTTLS, and %s asks for it "
				 "(tls = starttls); nothing was sent in plain text"),
			       peer, s->ep.conf_path);
	net_ctx_status(s->ctx, _("starting TLS with %s"), peer);
	int r = mailimap_starttls(s->imap);
	if (r != MAILIMAP_NO_ERROR) {
		s->broken = true;
		if (net_stream_check_injection(s->imap->imap_stream, "STARTTLS", err) < 0)
			return -1;
		if (net_conn_failure_kind(s->conn) != ERR_NONE)
			return imap_error(s, r, _("starting TLS with"), err);
		return err_set(err, ERR_TLS, _("refusing %s: STARTTLS failed (%s); nothing was "
					       "sent in plain text"), peer,
			       s->imap->imap_response ? s->imap->imap_response : "NO");
	}
	if (net_stream_start_tls(s->imap->imap_stream, err) < 0) {
		s->broken = true;
		return -1;
	}
	/* What the server said before TLS may have been forged: forget it. */
	return imap_refresh_capabilities(s, err);
}

static int connect_session(struct imap_session *s, struct net_cancel *cancel, struct err *err)
{
	struct net_conn *conn;
	if (net_connect(s->ctx, &s->ep, cancel, &conn, err) < 0)
		return -1;
	s->conn = net_conn_hold(conn);   /* the stream takes the other reference */
	s->imap = mailimap_new(0, NULL);
	if (!s->imap)
		abort();
	mailimap_set_timeout(s->imap, s->ep.timeout);
	int greeting = mailimap_connect(s->imap, net_stream_new(conn));
	imap_caps_repair(s);
	if (greeting != MAILIMAP_NO_ERROR_AUTHENTICATED &&
	    greeting != MAILIMAP_NO_ERROR_NON_AUTHENTICATED)
		return imap_error(s, greeting, _("reading the greeting of"), err);
	if (s->ep.tls == NET_TLS_STARTTLS && starttls(s, greeting, err) < 0)
		return -1;
	if (greeting == MAILIMAP_NO_ERROR_AUTHENTICATED) {
		s->login_method = xstrdup("PREAUTH");
		return 0;
	}
	return imap_login(s, err);
}

int imap_session_open(const struct account_conf *a, struct net_ctx *net,
		      struct net_cancel *cancel, struct imap_session **out, struct err *err)
{
	*out = NULL;
	if (a->protocol != PROTO_IMAP)
		return err_set(err, ERR_CONFIG, _("account %s uses %s, not IMAP"), a->account,
			       conf_protocol_name(a->protocol));
	struct imap_session *s = xcalloc(1, sizeof *s);
	s->ctx = net;
	if (net_endpoint_from_account(a, false, &s->ep, err) < 0 ||
	    connect_session(s, cancel, err) < 0) {
		imap_session_free(&s);
		return -1;
	}
	/* Most servers list their capabilities in the login's OK: asking
	 * again would cost a round trip before the first screen. */
	if (!s->login_caps && imap_refresh_capabilities(s, err) < 0) {
		imap_session_free(&s);
		return -1;
	}
	net_conn_trace_note(s->conn, "logged in (%s)", s->login_method);
	*out = s;
	return 0;
}

void imap_session_free(struct imap_session **sp)
{
	struct imap_session *s = *sp;
	if (!s)
		return;
	if (s->imap)
		mailimap_free(s->imap);     /* closes the stream */
	net_conn_free(&s->conn);
	free(s->login_method);
	buf_release(&s->caps);
	free(s);
	*sp = NULL;
}

void imap_session_close(struct imap_session **sp)
{
	struct imap_session *s = *sp;
	if (!s)
		return;
	if (s->imap && s->imap->imap_stream && !s->broken)
		mailimap_logout(s->imap);
	imap_session_free(sp);
}

int imap_session_noop(struct imap_session *s, struct err *err)
{
	return imap_error(s, mailimap_noop(s->imap), _("checking the connection to"), err);
}

/* The server's capabilities as libetpan holds them, NULL when it holds no
 * list (see imap_caps_repair: any reply's code may replace them). */
static const struct mailimap_capability_data *caps_of(const struct imap_session *s)
{
	const struct mailimap_capability_data *cd = s->imap->imap_connection_info
		? s->imap->imap_connection_info->imap_capability : NULL;
	return cd && cd->cap_list ? cd : NULL;
}

bool imap_session_has_capability(const struct imap_session *s, const char *name)
{
	return caps_of(s) && mailimap_has_extension(s->imap, (char *)name) != 0;
}

const char *imap_session_capabilities(struct imap_session *s)
{
	buf_reset(&s->caps);
	const struct mailimap_capability_data *cd = caps_of(s);
	if (!cd)
		return buf_cstr(&s->caps);
	for (clistiter *it = clist_begin(cd->cap_list); it; it = clist_next(it)) {
		struct mailimap_capability *c = clist_content(it);
		if (s->caps.len)
			buf_addc(&s->caps, ' ');
		if (c->cap_type == MAILIMAP_CAPABILITY_AUTH_TYPE)
			buf_addf(&s->caps, "AUTH=%s", c->cap_data.cap_auth_type);
		else
			buf_adds(&s->caps, c->cap_data.cap_name);
	}
	return buf_cstr(&s->caps);
}

const char *imap_session_login_method(const struct imap_session *s)
{
	return s->login_method ? s->login_method : "";
}

const struct net_conn *imap_session_conn(const struct imap_session *s)
{
	return s->conn;
}

bool imap_session_broken(const struct imap_session *s)
{
	return s->broken;
}
