/* `postie store import-maildir [-a ACCOUNT] [--folder NAME] [--pop3|--imap]
 * MAILDIR`: fills an account's store from a Maildir, for tests, benchmarks
 * and developers until the protocols fill it themselves. Not in the help on
 * purpose; documented in doc/store.md. */
#include "common.h"

#include "cli/cli.h"
#include "cli/cmd_store.h"
#include "cli/commands.h"
#include "conf/conf.h"
#include "store/export.h"
#include "util/err.h"

struct import_opts {
	const char *folder;
	int kind;   /* -1: from the configuration */
};

static int import_option(int opt, void *aux)
{
	struct import_opts *o = aux;
	switch (opt) {
	case 'f': o->folder = optarg; return 0;
	case 'P': o->kind = STORE_ACCT_PRIMARY; return 0;
	case 'I': o->kind = STORE_ACCT_CACHE; return 0;
	default: return -1;
	}
}

int cmd_store_import(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "folder", required_argument, NULL, 'f' },
		{ "pop3", no_argument, NULL, 'P' },
		{ "imap", no_argument, NULL, 'I' },
		{ NULL, 0, NULL, 0 },
	};
	struct import_opts o = { "INBOX", -1 };
	int r = cmd_store_options(cli, "store", argc, argv, longopts, "a:hf:",
				  import_option, &o);
	if (r < 0)
		return r == -1 ? EXIT_OK : EXIT_USAGE;
	if (optind + 1 != argc)
		return cli_usage_error("store", _("import-maildir needs one Maildir"));
	const char *account = cli->account;
	if (!account) {
		const struct account_conf *a = cli_account(cli);
		if (!a)
			return EXIT_USAGE;
		account = a->account;
	}
	enum store_acct_kind kind = o.kind >= 0 ? (enum store_acct_kind)o.kind
						: cmd_store_kind(cli, account);
	struct store *s = cmd_store_open(cli, 0);
	if (!s)
		return EXIT_RUNTIME;
	struct store_acct *acct;
	struct store_import_stats st;
	struct err err = ERR_INIT;
	int status = EXIT_OK;
	if (store_acct_open(s, account, kind, 0, &acct, &err) < 0 ||
	    store_import_maildir(acct, o.folder, argv[optind], &st, &err) < 0) {
		status = cli_fail(&err);
		err_clear(&err);
	} else {
		cli_print(stdout, ngettext("%s/%s: %'u message imported", "%s/%s: %'u messages imported",
					   st.imported), account, o.folder, st.imported);
		if (st.already)
			cli_print(stdout, ngettext(", %'u was there already", ", %'u were there already",
						   st.already), st.already);
		if (st.skipped)
			cli_print(stdout, ngettext(", %u file skipped", ", %u files skipped",
						   st.skipped), st.skipped);
		printf("\n");
	}
	store_acct_close(&acct);
	store_close(&s);
	return status;
}
