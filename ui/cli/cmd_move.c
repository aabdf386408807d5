/* postie move FOLDER IDS DEST and postie copy FOLDER IDS DEST: in the store
 * at once, on the server at the next sync. */
#include "common.h"

#include "cli/cli.h"
#include "cli/commands.h"
#include "util/err.h"

static int transfer(struct cli *cli, int argc, char **argv, const char *name, bool move)
{
	int st = cli_plain_options(cli, name, argc, argv, "");
	if (st >= 0)
		return st;
	if (argc - optind != 3)
		return cli_usage_error(name, _("give a folder, message ids and the destination "
					       "folder"));
	struct cli_ids ids = ARRAY_INIT;
	if (cli_parse_ids(name, argv[optind + 1], &ids) < 0)
		return EXIT_USAGE;
	struct cli_ops o;
	st = cli_ops_open(cli, argv[optind], &o);
	struct store_folder dest = { 0 };
	if (!st)
		st = cli_folder(&o.ca, argv[optind + 2], &dest);
	if (!st) {
		struct err err = ERR_INIT;
		int r = move ? ops_move(&o.ctx, o.f.id, ids.v, ids.n, dest.id, &err)
			     : ops_copy(&o.ctx, o.f.id, ids.v, ids.n, dest.id, &err);
		if (r < 0)
			st = cli_fail_clear(&err);
	}
	store_folder_release(&dest);
	if (o.ca.acct)
		cli_ops_close(&o);
	ARRAY_RELEASE(&ids);
	return st;
}

int cmd_move(struct cli *cli, int argc, char **argv)
{
	return transfer(cli, argc, argv, "move", true);
}

int cmd_copy(struct cli *cli, int argc, char **argv)
{
	return transfer(cli, argc, argv, "copy", false);
}
