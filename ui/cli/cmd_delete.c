/* postie delete FOLDER IDS (to the Trash, or flagged \Deleted, per
 * delete_policy) and postie expunge FOLDER (messages flagged \Deleted go for
 * good): in the store at once, on the server at the next sync. */
#include "common.h"

#include "cli/cli.h"
#include "cli/commands.h"
#include "util/err.h"

static int parse_common(struct cli *cli, int argc, char **argv, const char *name)
{
	static const struct option longopts[] = { CLI_COMMON_LONGOPTS, { NULL, 0, NULL, 0 } };
	const struct cli_command *self = cli_find_command(name);
	int opt;
	optind = 0;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS_ANYWHERE, longopts,
				  NULL)) != -1) {
		int r = cli_common_option(cli, self, opt);
		if (r < 0)
			return EXIT_OK;
		if (r == 0)
			return cli_usage_error(name, _("unknown option"));
	}
	return -1;
}

int cmd_delete(struct cli *cli, int argc, char **argv)
{
	int st = parse_common(cli, argc, argv, "delete");
	if (st >= 0)
		return st;
	if (argc - optind != 2)
		return cli_usage_error("delete", _("give a folder and message ids"));
	struct cli_ids ids = ARRAY_INIT;
	if (cli_parse_ids("delete", argv[optind + 1], &ids) < 0)
		return EXIT_USAGE;
	struct cli_ops o;
	st = cli_ops_open(cli, argv[optind], &o);
	if (!st) {
		struct err err = ERR_INIT;
		if (ops_delete(&o.ctx, o.f.id, ids.v, ids.n, &err) < 0)
			st = cli_fail_clear(&err);
		cli_ops_close(&o);
	}
	ARRAY_RELEASE(&ids);
	return st;
}

int cmd_expunge(struct cli *cli, int argc, char **argv)
{
	int st = parse_common(cli, argc, argv, "expunge");
	if (st >= 0)
		return st;
	if (argc - optind != 1)
		return cli_usage_error("expunge", _("give one folder"));
	struct cli_ops o;
	st = cli_ops_open(cli, argv[optind], &o);
	if (!st) {
		struct err err = ERR_INIT;
		int n = ops_expunge(&o.ctx, o.f.id, &err);
		if (n < 0)
			st = cli_fail_clear(&err);
		cli_ops_close(&o);
	}
	return st;
}
