/* `postie store SUBCOMMAND`: maintenance of the local store. Each
 * subcommand lives in its own cmd_store_*.c. */
#include "common.h"

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/cmd_store.h"
#include "conf/conf.h"
#include "util/err.h"

static const struct {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
} subcommands[] = {
	{ "check", cmd_store_check },
	{ "compact", cmd_store_compact },
	/* For tests and developers; kept out of the help on purpose. */
	{ "import-maildir", cmd_store_import },
};

int cmd_store(struct cli *cli, int argc, char **argv)
{
	const struct cli_command *self = cli_find_command("store");
	if (argc < 2)
		return cli_usage_error("store", _("which store command? check or compact"));
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		cli_command_help(self);
		return EXIT_OK;
	}
	for (size_t i = 0; i < ARRAY_SIZE(subcommands); i++)
		if (strcmp(argv[1], subcommands[i].name) == 0)
			return subcommands[i].run(cli, argc - 1, argv + 1);
	return cli_usage_error("store", _("unknown store command '%s'"), argv[1]);
}

int cmd_store_options(struct cli *cli, const char *command, int argc, char **argv,
		      const struct option *longopts, const char *shortopts,
		      int (*own)(int opt, void *aux), void *aux)
{
	const struct cli_command *self = cli_find_command(command);
	int opt;
	optind = 0;
	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		int r = cli_common_option(cli, self, opt);
		if (r < 0)
			return -1;
		if (r > 0)
			continue;
		if (!own || own(opt, aux) < 0) {
			cli_usage_error(command, _("unknown option"));
			return -2;
		}
	}
	return 0;
}

int cmd_store_only_account(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = { CLI_COMMON_LONGOPTS, { NULL, 0, NULL, 0 } };
	int r = cmd_store_options(cli, "store", argc, argv, longopts, "a:h", NULL, NULL);
	if (r < 0)
		return r == -1 ? EXIT_OK : EXIT_USAGE;
	if (optind < argc)
		return cli_usage_error("store", _("unexpected argument '%s'"), argv[optind]);
	return -1;
}

struct store *cmd_store_open(struct cli *cli, unsigned flags)
{
	struct store *s;
	struct err err = ERR_INIT;
	if (store_open(cli_data_dir(cli), flags, &s, &err) < 0) {
		cli_fail(&err);
		err_clear(&err);
		return NULL;
	}
	return s;
}

int cmd_store_accounts(struct cli *cli, struct store *s, store_names *names)
{
	if (cli->account) {
		ARRAY_PUSH(names, xstrdup(cli->account));
		return 0;
	}
	struct err err = ERR_INIT;
	if (store_list_accounts(s, names, &err) < 0) {
		cli_fail(&err);
		err_clear(&err);
		return -1;
	}
	return 0;
}

enum store_acct_kind cmd_store_kind(struct cli *cli, const char *account)
{
	struct conf *conf = cli_conf(cli);
	const struct account_conf *a = conf ? conf_find_account(conf, account) : NULL;
	return a && a->protocol == PROTO_POP3 ? STORE_ACCT_PRIMARY : STORE_ACCT_CACHE;
}
