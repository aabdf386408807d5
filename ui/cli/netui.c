/* The command line's side of the network callbacks: certificate decisions
 * from --accept-cert, passwords typed on the terminal, progress lines. */
#include "common.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "conf/conf.h"
#include "net/net.h"
#include "net/secret.h"
#include "util/err.h"
#include "util/sanitize.h"

static int parse_accept_cert(const char *s, enum cli_accept_cert *out)
{
	if (strcmp(s, "once") == 0)
		*out = CLI_CERT_ONCE;
	else if (strcmp(s, "always") == 0)
		*out = CLI_CERT_ALWAYS;
	else
		return -1;
	return 0;
}

int cli_cert_options(struct cli *cli, const char *command, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "accept-cert", required_argument, NULL, 'A' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;
	optind = 0;
	while ((opt = cli_getopt(cli, command, argc, argv, "+", longopts)) == 'A') {
		if (parse_accept_cert(optarg, &cli->accept_cert) < 0)
			return cli_usage_error(command, _("--accept-cert takes once or always, not '%s'"),
					       optarg);
	}
	if (opt == CLI_OPT_HELP)
		return EXIT_OK;
	if (opt != -1)
		return cli_usage_error(command, _("unknown option"));
	if (optind < argc)
		return cli_usage_error(command, _("unexpected argument '%s'"), argv[optind]);
	return -1;
}

static void show_cert(const struct net_tls_info *c)
{
	/* net_format_time() reuses one buffer: copy the first date. */
	char *from = xstrdup(net_format_time(c->not_before));
	char *valid = xasprintf(_("%s to %s"), from, net_format_time(c->not_after));
	free(from);
	const struct cli_field fields[] = {
		{ _("subject:"), c->subject },
		{ _("issuer:"), c->issuer },
		{ _("for:"), c->names },
		{ _("valid:"), valid },
		{ _("SHA-256:"), c->fingerprint },
		{ _("key:"), c->pin },
	};
	cli_print_fields(stderr, 2, 2, fields, ARRAY_SIZE(fields));
	free(valid);
}

static enum net_cert_decision cert_decide(void *aux, const struct net_cert_problem *p)
{
	struct cli *cli = aux;
	cli_print(stderr, _("postie: the certificate of %s:%d (%s) is not trusted: %s\n"), p->host, p->port,
	    net_service_name(p->service), p->reason);
	show_cert(p->cert);
	switch (cli->accept_cert) {
	case CLI_CERT_ONCE:
		cli_print(stderr, _("postie: accepting it for this connection only (--accept-cert=once)\n"));
		return NET_CERT_ACCEPT_ONCE;
	case CLI_CERT_ALWAYS:
		cli_print(stderr, _("postie: accepting it and keeping its key in %s (--accept-cert=always)\n"),
		    p->known_servers_path);
		return NET_CERT_ACCEPT_ALWAYS;
	case CLI_CERT_REFUSE:
		break;
	}
	cli_print(stderr, _("Check the SHA-256 fingerprint above with the server's administrator. If it is "
	      "right, accept the certificate with\n"
	      "  postie check-account -a %s --accept-cert=once    (for this connection only)\n"
	      "  postie check-account -a %s --accept-cert=always  (and remember its key)\n"),
	    p->account, p->account);
	return NET_CERT_REJECT;
}

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* Reads the typed line. SIGINT and SIGTERM are blocked except inside
 * ppoll(), so an interrupt at any moment ends the wait (one that came just
 * before a plain read() would leave it blocked for good). */
static int read_line(int tty, const sigset_t *waitmask, struct secret *out, struct err *err)
{
	for (;;) {
		if (interrupted)
			return err_set(err, ERR_CANCELLED, _("password prompt interrupted"));
		struct pollfd p = { .fd = tty, .events = POLLIN };
		if (ppoll(&p, 1, NULL, waitmask) < 0) {
			if (errno == EINTR)
				continue;
			return err_set(err, ERR_IO, _("cannot read the terminal: %s"), strerror(errno));
		}
		char c;
		ssize_t n = read(tty, &c, 1);
		if (n == 1 && c != '\n' && c != '\r') {
			secret_add(out, &c, 1);
			continue;
		}
		if (n == 1)
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		return err_set(err, ERR_AUTH, _("no password was typed"));
	}
}

/* Shows prompt and reads a line from tty with echo off (turned off before
 * the prompt appears, so nothing typed after it is echoed); Ctrl-C ends the
 * prompt, restoring the terminal, instead of the process. */
static int read_hidden(int tty, const char *prompt, struct secret *out, struct err *err)
{
	sigset_t stop, old_mask, waitmask;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop, &old_mask);
	waitmask = old_mask;
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGTERM);
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
	sigemptyset(&sa.sa_mask);
	interrupted = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	struct termios old, quiet;
	bool have_termios = tcgetattr(tty, &old) == 0;
	if (have_termios) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		tcsetattr(tty, TCSAFLUSH, &quiet);
	}
	char *safe = sanitize_dup(prompt, 0);
	ssize_t w = write(tty, safe, strlen(safe));
	free(safe);
	int r = read_line(tty, &waitmask, out, err);
	if (have_termios)
		tcsetattr(tty, TCSAFLUSH, &old);
	w = write(tty, "\n", 1);   /* the user's Enter was not echoed */
	(void)w;

	/* Unblock first, with our handler still in place: a late signal then
	 * only sets the flag. */
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (r < 0)
		secret_release(out);
	return r;
}

static int ask_secret(void *aux, const struct net_secret_request *req, struct secret *out,
		      struct err *err)
{
	(void)aux;
	const char *what = req->token ? _("OAuth token") : _("password");
	int tty = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (tty < 0)
		return err_set(err, ERR_CONFIG,
			       _("no %s for %s at %s and no terminal to ask for it: set %s in "
				 "the account file"), what, req->user, req->host,
			       req->token ? "oauth_token_command" : "password_command");
	char *prompt = xasprintf(_("%s for %s at %s (account %s, %s): "), what, req->user,
				 req->host, req->account, net_service_name(req->service));
	int r = read_hidden(tty, prompt, out, err);
	free(prompt);
	close(tty);
	if (r == 0 && out->len == 0)
		r = err_set(err, ERR_AUTH, _("no %s was typed"), what);
	return r;
}

static void status(void *aux, const char *text)
{
	struct cli *cli = aux;
	if (!cli->show_steps)
		return;
	cli_print(stdout, "  %s\n", text);
}

struct net_ctx *cli_net(struct cli *cli)
{
	if (cli->net)
		return cli->net;
	struct conf *conf = cli_conf(cli);
	if (!conf)
		return NULL;
	struct net_options opt = {
		.data_dir = cli_data_dir(cli),
		.trace_file = cli->trace_file ? cli->trace_file : conf->global.trace_file,
		.cb = { .cert_decide = cert_decide, .ask_secret = ask_secret, .status = status,
			.aux = cli },
	};
	struct err err = ERR_INIT;
	if (net_ctx_new(&opt, &cli->net, &err) < 0) {
		cli_error("%s", err_msg(&err));
		err_clear(&err);
		return NULL;
	}
	return cli->net;
}
