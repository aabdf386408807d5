/* `postie store compact`: rewrites each account's files without free
 * space (see store_compact()). */
#include "common.h"

#include "cli/cli.h"
#include "cli/cmd_store.h"
#include "cli/commands.h"
#include "util/err.h"

int cmd_store_compact(struct cli *cli, int argc, char **argv)
{
	int r = cmd_store_only_account(cli, argc, argv);
	if (r >= 0)
		return r;
	struct store *s = cmd_store_open(cli, 0);
	if (!s)
		return EXIT_RUNTIME;
	store_names names = ARRAY_INIT;
	int status = cmd_store_accounts(cli, s, &names) < 0 ? EXIT_RUNTIME : EXIT_OK;
	for (size_t i = 0; i < names.n; i++) {
		struct store_compact_stats st;
		struct err err = ERR_INIT;
		if (store_compact(s, names.v[i], &st, &err) < 0) {
			status = cli_fail(&err);
			err_clear(&err);
			continue;
		}
		cli_print(stdout, _("%s: %.1f MB before, %.1f MB after"), names.v[i],
			  (double)st.bytes_before / 1e6, (double)st.bytes_after / 1e6);
		if (st.bodies_dropped)
			cli_print(stdout, ngettext("; %u stored body without a message dropped",
						   "; %u stored bodies without a message dropped",
						   st.bodies_dropped), st.bodies_dropped);
		printf("\n");
	}
	store_names_release(&names);
	store_close(&s);
	return status;
}
