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

/* --list-keys: every key name, for scripts, completion and the test that
 * holds the manual pages to them. Reads no configuration. */
static int list_keys(void)
{
	for (const char *const *k = conf_global_key_names(); *k; k++)
		printf("global %s\n", *k);
	for (const char *const *k = conf_account_key_names(); *k; k++)
		printf("account %s\n", *k);
	return EXIT_OK;
}

int cmd_check_config(struct cli *cli, int argc, char **argv)
{
	enum { OPT_LIST_KEYS = 256 };
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "list-keys", no_argument, NULL, OPT_LIST_KEYS },
		{ NULL, 0, NULL, 0 },
	};
	bool keys = false;
	int opt;
	optind = 0;
	while ((opt = cli_getopt(cli, "check-config", argc, argv, "", longopts)) != -1) {
		if (opt == CLI_OPT_HELP)
			return EXIT_OK;
		if (opt != OPT_LIST_KEYS)
			return cli_usage_error("check-config", _("unknown option"));
		keys = true;
	}
	if (optind < argc)
		return cli_usage_error("check-config", _("unexpected argument '%s'"), argv[optind]);
	if (keys)
		return list_keys();

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
