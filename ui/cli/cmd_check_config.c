#include "common.h"

#include "cli/cli.h"
#include "cli/commands.h"
#include "conf/conf.h"
#include "util/sanitize.h"

static void print_account(const struct account_conf *a)
{
	char *line;
	if (a->smtp_host)
		line = xasprintf(_("%s: %s %s:%d (%s), user %s; smtp %s:%d (%s)"), a->account,
				 conf_protocol_name(a->protocol), a->host, account_port(a),
				 conf_tls_name(a->tls), a->user, a->smtp_host, account_smtp_port(a),
				 conf_tls_name(a->smtp_tls));
	else
		line = xasprintf(_("%s: %s %s:%d (%s), user %s; no smtp_host, cannot send"),
				 a->account, conf_protocol_name(a->protocol), a->host,
				 account_port(a), conf_tls_name(a->tls), a->user);
	char *safe = sanitize_dup(line, 0);
	printf("%s\n", safe);
	free(safe);
	free(line);
}

int cmd_check_config(struct cli *cli, int argc, char **argv)
{
	int status;
	if (cli_no_options(cli, "check-config", argc, argv, &status))
		return status;

	struct conf *conf = cli_conf(cli);
	if (!conf)
		return EXIT_USAGE;
	if (conf->n_accounts == 0) {
		cli_error(_("no account is configured in %s/accounts (add NAME.conf there, "
			    "or run 'postie add-account')"), conf->dir);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < conf->n_accounts; i++)
		if (!cli->account || strcmp(cli->account, conf->accounts[i].account) == 0)
			print_account(&conf->accounts[i]);
	if (cli->account && !conf_find_account(conf, cli->account)) {
		cli_error(_("no account '%s'"), cli->account);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}
