/* postie folders: the account's folders from the store (offline), one a
 * line: unread and total counts, then the name in UTF-8; --json for scripts. */
#include "common.h"

#include "cli/cli.h"
#include "cli/commands.h"
#include "conf/conf.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/json.h"

static const char *const role_names[] = {
	[ROLE_NONE] = NULL, [ROLE_INBOX] = "inbox", [ROLE_SENT] = "sent",
	[ROLE_DRAFTS] = "drafts", [ROLE_TRASH] = "trash", [ROLE_JUNK] = "junk",
	[ROLE_ARCHIVE] = "archive", [ROLE_ALL] = "all", [ROLE_FLAGGED] = "flagged",
};

static void print_json(const struct store_folder *f)
{
	struct buf b = BUF_INIT;
	buf_addc(&b, '{');
	json_add_key(&b, "name", true);
	json_add_str(&b, f->name);
	json_add_key(&b, "unread", false);
	buf_addf(&b, "%u", f->n_unseen);
	json_add_key(&b, "total", false);
	buf_addf(&b, "%u", f->n_messages);
	json_add_key(&b, "role", false);
	json_add_str(&b, role_names[f->role]);
	json_add_key(&b, "subscribed", false);
	buf_adds(&b, f->attrs & FOLDER_SUBSCRIBED ? "true" : "false");
	json_add_key(&b, "selectable", false);
	buf_adds(&b, f->attrs & FOLDER_NOSELECT ? "false" : "true");
	json_add_key(&b, "uidvalidity", false);
	buf_addf(&b, "%u", f->uidvalidity);
	buf_adds(&b, "}\n");
	fwrite(b.data, 1, b.len, stdout);
	buf_release(&b);
}

int cmd_folders(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false;
	int opt;
	optind = 0;
	while ((opt = cli_getopt(cli, "folders", argc, argv, "", longopts)) != -1) {
		if (opt == CLI_OPT_HELP)
			return EXIT_OK;
		if (opt != 'j')
			return cli_usage_error("folders", _("unknown option"));
		json = true;
	}
	if (optind < argc)
		return cli_usage_error("folders", _("unexpected argument '%s'"), argv[optind]);
	const struct account_conf *a = cli_account(cli);
	if (!a)
		return EXIT_USAGE;
	struct cli_acct ca;
	int st = cli_acct_open(cli, a, false, &ca);
	if (st)
		return st;
	store_folders list = ARRAY_INIT;
	struct err err = ERR_INIT;
	if (store_folder_list(ca.acct, &list, &err) < 0) {
		st = cli_fail_clear(&err);
	} else {
		for (size_t i = 0; i < list.n; i++) {
			const struct store_folder *f = &list.v[i];
			if (json)
				print_json(f);
			else if (f->attrs & FOLDER_NOSELECT)
				cli_print(stdout, "%7s %7s  %s\n", "-", "-", f->name);
			else
				cli_print(stdout, "%7u %7u  %s\n", f->n_unseen, f->n_messages, f->name);
		}
	}
	store_folders_release(&list);
	cli_acct_close(&ca);
	return st;
}
