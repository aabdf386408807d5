/* postie check-account: connect, log in and run a trivial command on the
 * account's mail server and on its SMTP server, reporting every step and the
 * TLS details. The first-run setup uses it as its connection test. */
#include "common.h"

#include "cli/cli.h"
#include "cli/commands.h"
#include "conf/conf.h"
#include "imap/imap.h"
#include "net/net.h"
#include "pop3/pop3.h"
#include "smtp/smtp.h"
#include "util/err.h"

static const char *trust_text(const struct account_conf *a, enum net_trust t)
{
	switch (t) {
	case NET_TRUST_CA:
		return a->ca_file ? _("verified against ca_file") : _("verified against the system's CAs");
	case NET_TRUST_PIN:
		return _("key matches tls_pin");
	case NET_TRUST_KEPT:
		return _("key matches the one you accepted before");
	case NET_TRUST_ONCE:
		return _("accepted for this connection only");
	case NET_TRUST_ALWAYS:
		return _("accepted, key kept for next time");
	case NET_TRUST_NONE:
		break;
	}
	return _("not checked");
}

static void report_conn(const struct account_conf *a, const struct net_conn *c)
{
	const struct net_tls_info *t = net_conn_tls_info(c);
	if (!t) {
		cli_print(stdout, _("  NOT ENCRYPTED (tls = none)\n"));
		return;
	}
	cli_print(stdout, _("  TLS: %s, %s%s\n"), t->version, t->cipher,
		  t->resumed ? _(" (resumed)") : "");
	cli_print(stdout, _("  certificate: %s\n"), t->subject);
	const struct cli_field fields[] = {
		{ _("issuer:"), t->issuer },
		{ _("for:"), t->names },
		{ _("expires:"), net_format_time(t->not_after) },
		{ _("SHA-256:"), t->fingerprint },
		{ _("key:"), t->pin },
		{ _("trust:"), trust_text(a, t->trust) },
	};
	cli_print_fields(stdout, 4, 3, fields, ARRAY_SIZE(fields));
}

static int check_imap(struct cli *cli, const struct account_conf *a, struct err *err)
{
	struct imap_session *s;
	if (imap_session_open(a, cli->net, NULL, &s, err) < 0)
		return -1;
	report_conn(a, imap_session_conn(s));
	cli_print(stdout, _("  logged in as %s (%s)\n"), a->user, imap_session_login_method(s));
	cli_print(stdout, _("  capabilities: %s\n"), imap_session_capabilities(s));
	int r = imap_session_noop(s, err);
	if (r == 0)
		cli_print(stdout, _("  NOOP: ok\n"));
	imap_session_close(&s);
	return r;
}

static int check_pop3(struct cli *cli, const struct account_conf *a, struct err *err)
{
	struct pop3_session *s;
	if (pop3_session_open(a, cli->net, NULL, &s, err) < 0)
		return -1;
	report_conn(a, pop3_session_conn(s));
	cli_print(stdout, _("  logged in as %s (%s)\n"), a->user, pop3_session_login_method(s));
	cli_print(stdout, _("  capabilities: %s\n"), pop3_session_capabilities(s));
	if (!pop3_session_has_capability(s, "UIDL"))
		cli_print(stdout, _("  no UIDL listed: downloaded messages will be recognised by their "
				    "Message-ID, Date and size\n"));
	unsigned count;
	size_t size;
	int r = pop3_session_stat(s, &count, &size, err);
	if (r == 0)
		cli_print(stdout, ngettext("  STAT: %'u message, %'zu bytes\n", "  STAT: %'u messages, %'zu bytes\n",
			     count), count, size);
	pop3_session_close(&s);
	return r;
}

static int check_smtp(struct cli *cli, const struct account_conf *a, struct err *err)
{
	struct smtp_session *s;
	if (smtp_session_open(a, cli->net, NULL, &s, err) < 0)
		return -1;
	report_conn(a, smtp_session_conn(s));
	cli_print(stdout, _("  logged in as %s (%s)\n"), account_smtp_user(a), smtp_session_login_method(s));
	cli_print(stdout, _("  extensions: %s\n"), smtp_session_extensions(s));
	int r = smtp_session_noop(s, err);
	if (r == 0)
		cli_print(stdout, _("  NOOP: ok\n"));
	smtp_session_close(&s);
	return r;
}

/* Runs one check and reports its outcome; returns its exit status and sets
 * *cancelled when the user interrupted it (the other check is skipped then). */
static int run_check(struct cli *cli, const struct account_conf *a, bool smtp, bool *cancelled)
{
	struct err err = ERR_INIT;
	int r;
	if (smtp) {
		cli_print(stdout, _("%s: sending through %s:%d (%s)\n"), a->account, a->smtp_host,
		    account_smtp_port(a), conf_tls_name(a->smtp_tls));
		r = check_smtp(cli, a, &err);
	} else {
		cli_print(stdout, _("%s: reading from %s %s:%d (%s)\n"), a->account,
		    conf_protocol_name(a->protocol), a->host, account_port(a), conf_tls_name(a->tls));
		r = a->protocol == PROTO_IMAP ? check_imap(cli, a, &err) : check_pop3(cli, a, &err);
	}
	if (r == 0)
		return EXIT_OK;
	*cancelled = err.kind == ERR_CANCELLED;
	int status = cli_fail(&err);
	err_clear(&err);
	return status;
}

int cli_check_account_conf(struct cli *cli, const struct account_conf *a)
{
	if (!a || !cli_net(cli))
		return EXIT_USAGE;
	cli->show_steps = true;
	bool cancelled = false;
	int status = run_check(cli, a, false, &cancelled);
	if (cancelled) {
		return status;
	} else if (a->smtp_host) {
		int s2 = run_check(cli, a, true, &cancelled);
		if (s2 > status)
			status = s2;
	} else {
		cli_print(stdout, _("%s: no smtp_host, so this account cannot send mail\n"), a->account);
	}
	if (status == EXIT_OK)
		cli_print(stdout, _("%s: all checks passed\n"), a->account);
	return status;
}

int cmd_check_account(struct cli *cli, int argc, char **argv)
{
	int st = cli_cert_options(cli, "check-account", argc, argv);
	if (st >= 0)
		return st;
	const struct account_conf *a = cli_account(cli);
	if (!a)
		return EXIT_USAGE;
	return cli_check_account_conf(cli, a);
}
