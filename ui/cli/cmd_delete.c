/* postie delete FOLDER IDS (to the Trash, or flagged \Deleted, per
 * delete_policy) and postie expunge FOLDER (messages flagged \Deleted go for
 * good): in the store at once, on the server at the next sync. */
#include "common.h"

#include "cli/cli.h"
#include "cli/commands.h"
#include "util/err.h"

int cmd_delete(struct cli *cli, int argc, char **argv)
{
	int st = cli_plain_options(cli, "delete", argc, argv, "");
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
	int st = cli_plain_options(cli, "expunge", argc, argv, "");
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
