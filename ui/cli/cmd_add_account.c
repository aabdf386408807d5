/* postie add-account, and the first-run setup of the interface: a few
 * questions (address, IMAP or POP3, servers, user, where the password comes
 * from), the account file written, the connection tested with check-account's
 * checks. Questions are read from standard input, so scripts and tests can
 * answer them too. */
#include "common.h"

#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "conf/conf.h"
#include "net/net.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/paths.h"
#include "util/sanitize.h"
#include "util/strutil.h"

/* Asks a question; the answer (or def on an empty line) as a new string,
 * or NULL at the end of input. */
static char *ask(const char *question, const char *def)
{
	if (def && *def)
		cli_print(stdout, "%s [%s]: ", question, def);
	else
		cli_print(stdout, "%s: ", question);
	fflush(stdout);
	char line[1024];
	if (!fgets(line, sizeof line, stdin))
		return NULL;
	char *s = str_trim(line);
	if (!*s)
		return def ? xstrdup(def) : xstrdup("");
	return xstrdup(s);
}

/* Asks until the answer is one of choices (the first is the default). */
static int ask_choice(const char *question, const char *const *choices)
{
	for (;;) {
		char *a = ask(question, choices[0]);
		if (!a)
			return -1;
		for (int i = 0; choices[i]; i++)
			if (str_casecmp(a, choices[i]) == 0) {
				free(a);
				return i;
			}
		cli_print(stdout, _("Please answer one of:"));
		for (int i = 0; choices[i]; i++)
			cli_print(stdout, " %s", choices[i]);
		cli_print(stdout, "\n");
		free(a);
	}
}

static bool yes(const char *question, bool def)
{
	char *a = ask(question, def ? _("yes") : _("no"));
	/* An empty line gave the default, which is translated: ja, oui. */
	bool r = a && (cli_answer_is_yes(a) || (def && !*a));
	free(a);
	return r;
}

struct answers {
	char *address, *name, *account, *host, *user, *password_command, *smtp_host;
	int protocol;           /* 0 imap, 1 pop3 */
	int tls, smtp_tls;      /* 0 implicit, 1 starttls */
};

static void answers_release(struct answers *a)
{
	free(a->address);
	free(a->name);
	free(a->account);
	free(a->host);
	free(a->user);
	free(a->password_command);
	free(a->smtp_host);
}

static bool valid_account_name(const char *s)
{
	if (!*s || *s == '.')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

/* A name for the account from the address's domain: "example" for
 * me@mail.example.org. */
static char *default_account_name(const char *domain)
{
	const char *last_dot = strrchr(domain, '.');
	const char *start = domain;
	for (const char *p = domain; last_dot && p < last_dot; p++)
		if (*p == '.')
			start = p + 1;
	char *name = last_dot && last_dot > start ? xstrndup(start, (size_t)(last_dot - start))
						  : xstrdup("mail");
	return valid_account_name(name) ? name : (free(name), xstrdup("mail"));
}

static int interview(const struct conf *conf, struct answers *a)
{
	static const char *const protos[] = { "imap", "pop3", NULL };
	static const char *const tls_in[] = { "tls", "starttls", NULL };
	static const char *const tls_out[] = { "starttls", "tls", NULL };
	for (;;) {
		free(a->address);
		if (!(a->address = ask(_("Your email address"), NULL)))
			return -1;
		if (strchr(a->address, '@'))
			break;
		cli_print(stdout, _("That is not an address.\n"));
	}
	const char *domain = strchr(a->address, '@') + 1;
	if (!(a->name = ask(_("Your name, as others see it (may be empty)"), "")))
		return -1;
	if ((a->protocol = ask_choice(_("Read mail with imap (kept on the server) or pop3 "
					"(downloaded)"), protos)) < 0)
		return -1;
	char *def = xasprintf("%s.%s", a->protocol ? "pop" : "imap", domain);
	a->host = ask(_("Incoming mail server"), def);
	free(def);
	if (!a->host || (a->tls = ask_choice(_("Its encryption: tls or starttls"), tls_in)) < 0)
		return -1;
	if (!(a->user = ask(_("User name on the server"), a->address)))
		return -1;
	cli_print(stdout, _("postie can run a command that prints the password (e.g. 'pass show "
			    "mail'), or ask for it when it connects.\n"));
	if (!(a->password_command = ask(_("Password command (empty: ask each time)"), "")))
		return -1;
	def = xasprintf("smtp.%s", domain);
	a->smtp_host = ask(_("Outgoing (SMTP) server (empty: none, cannot send)"), def);
	free(def);
	if (!a->smtp_host)
		return -1;
	if (*a->smtp_host &&
	    (a->smtp_tls = ask_choice(_("Its encryption: starttls (port 587) or tls (port 465)"),
				      tls_out)) < 0)
		return -1;
	a->smtp_tls = *a->smtp_host ? (a->smtp_tls == 0 ? 1 : 0) : 0;
	char *suggested = default_account_name(domain);
	for (;;) {
		free(a->account);
		if (!(a->account = ask(_("A short name for this account"), suggested))) {
			free(suggested);
			return -1;
		}
		if (!valid_account_name(a->account))
			cli_print(stdout, _("Use letters, digits, '-', '_' and '.' only.\n"));
		else if (conf_find_account(conf, a->account))
			cli_print(stdout, _("There is an account called %s already.\n"), a->account);
		else
			break;
	}
	free(suggested);
	return 0;
}

/* A value for the account file: quoted when it needs to be. */
static void put(struct buf *b, const char *key, const char *value)
{
	if (!value || !*value)
		return;
	bool quote = strpbrk(value, "#\"\\") || value[0] == ' ' ||
		     value[strlen(value) - 1] == ' ';
	if (!quote) {
		buf_addf(b, "%s = %s\n", key, value);
		return;
	}
	buf_addf(b, "%s = \"", key);
	for (const char *p = value; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_addc(b, '\\');
		buf_addc(b, *p);
	}
	buf_adds(b, "\"\n");
}

static void account_text(const struct answers *a, struct buf *b)
{
	buf_addf(b, "# Written by postie add-account. See postie-account(5).\n");
	put(b, "address", a->address);
	put(b, "name", a->name);
	put(b, "protocol", a->protocol ? "pop3" : "imap");
	put(b, "host", a->host);
	put(b, "tls", a->tls ? "starttls" : "implicit");
	put(b, "user", a->user);
	put(b, "password_command", a->password_command);
	if (*a->smtp_host) {
		put(b, "smtp_host", a->smtp_host);
		put(b, "smtp_tls", a->smtp_tls ? "starttls" : "implicit");
	}
}

/* Writes the file, reloads the configuration and tests the account. */
static int write_and_test(struct cli *cli, const struct answers *a, bool test)
{
	char *dir = path_join(cli->config_dir, "accounts");
	char *path = xasprintf("%s/%s.conf", dir, a->account);
	struct err err = ERR_INIT;
	struct buf text = BUF_INIT;
	account_text(a, &text);
	int r = mkdir_p(dir, 0700, &err);
	if (r == 0)
		r = file_write_atomic(path, text.data, text.len, 0600, &err);
	buf_release(&text);
	free(dir);
	if (r < 0) {
		free(path);
		return cli_fail(&err);
	}
	cli_print(stdout, _("Wrote %s.\n"), path);
	/* read everything again, the new account included */
	conf_free(&cli->conf);
	net_ctx_free(&cli->net);
	if (!cli_conf(cli)) {
		free(path);
		return EXIT_USAGE;
	}
	int status = EXIT_OK;
	if (test) {
		status = cli_check_account_conf(cli, conf_find_account(cli->conf, a->account));
		if (status != EXIT_OK &&
		    !yes(_("The test failed. Keep the account anyway (you can fix the file)?"), false)) {
			unlink(path);
			conf_free(&cli->conf);
			cli_print(stdout, _("Removed %s.\n"), path);
		} else {
			status = EXIT_OK;
		}
	}
	free(path);
	return status;
}

int cli_setup_account(struct cli *cli, bool first_run)
{
	struct conf *conf = cli_conf(cli);
	if (!conf)
		return EXIT_USAGE;
	if (first_run)
		cli_print(stdout, _("Welcome to postie. No account is set up yet in %s;\n"
				    "a few questions make one (Ctrl-D to stop).\n\n"), conf->dir);
	struct answers a = { 0 };
	if (interview(conf, &a) < 0) {
		cli_print(stdout, "\n");
		cli_error(_("setup stopped; nothing was written"));
		answers_release(&a);
		return EXIT_USAGE;
	}
	bool test = yes(_("Test the connection now?"), true);
	int status = write_and_test(cli, &a, test);
	answers_release(&a);
	return status;
}

int cmd_add_account(struct cli *cli, int argc, char **argv)
{
	int st = cli_cert_options(cli, "add-account", argc, argv);
	if (st >= 0)
		return st;
	return cli_setup_account(cli, false);
}
