#include "common.h"

#include <time.h>

#include "conf/conf.h"
#include "net/net-private.h"
#include "util/err.h"

static enum net_tls_mode tls_mode(enum conf_tls t)
{
	switch (t) {
	case TLS_IMPLICIT:
		return NET_TLS_IMPLICIT;
	case TLS_STARTTLS:
		return NET_TLS_STARTTLS;
	case TLS_NONE:
		break;
	}
	return NET_TLS_NONE;
}

int net_endpoint_from_account(const struct account_conf *a, bool smtp, struct net_endpoint *ep,
			      struct err *err)
{
	memset(ep, 0, sizeof *ep);
	ep->account = a->account;
	ep->conf_path = a->path;
	ep->ca_file = a->ca_file;
	ep->tls_pin = a->tls_pin;
	ep->timeout = a->timeout > 0 ? a->timeout : 30;
	ep->oauth_token_command = a->oauth_token_command;
	ep->auth = a->auth;
	ep->allow_plaintext_password = a->allow_plaintext_password;
	if (!smtp) {
		ep->service = a->protocol == PROTO_IMAP ? NET_SERVICE_IMAP : NET_SERVICE_POP3;
		ep->host = a->host;
		ep->port = account_port(a);
		ep->tls = tls_mode(a->tls);
		ep->user = a->user;
		ep->password = a->password;
		ep->password_command = a->password_command;
	} else {
		if (!a->smtp_host)
			return err_set(err, ERR_CONFIG,
				       _("account %s has no smtp_host in %s, so it cannot send mail"),
				       a->account, a->path);
		ep->service = NET_SERVICE_SMTP;
		ep->host = a->smtp_host;
		ep->port = account_smtp_port(a);
		ep->tls = tls_mode(a->smtp_tls);
		ep->user = account_smtp_user(a);
		/* A separate SMTP login keeps its own password source. */
		ep->password = a->smtp_password_command ? NULL : a->password;
		ep->password_command = account_smtp_password_command(a);
	}
	if (!ep->host || !*ep->host)
		return err_set(err, ERR_CONFIG, _("account %s has no host in %s"), a->account,
			       a->path);
	return 0;
}

const char *net_service_name(enum net_service s)
{
	switch (s) {
	case NET_SERVICE_IMAP:
		return "imap";
	case NET_SERVICE_POP3:
		return "pop3";
	case NET_SERVICE_SMTP:
		return "smtp";
	}
	return "?";
}

const char *net_tls_mode_name(enum net_tls_mode m)
{
	switch (m) {
	case NET_TLS_IMPLICIT:
		return _("implicit TLS");
	case NET_TLS_STARTTLS:
		return _("STARTTLS");
	case NET_TLS_NONE:
		break;
	}
	return _("no TLS");
}

const char *net_format_time(time_t t)
{
	static __thread char text[64];
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &tm))
		snprintf(text, sizeof text, "%lld", (long long)t);
	return text;
}
