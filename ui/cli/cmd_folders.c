/* postie folders: the account's folders from the store (offline), one a
 * line: unread and total counts, then the name in UTF-8; --json for scripts;
 * --all also lists unsubscribed folders. postie folders create | rename |
 * delete | subscribe | unsubscribe: folder management through the account's
 * driver (on the server for IMAP, which needs it reachable; in the store for
 * POP3's local folders). */
#include "common.h"

#include "cli/cli.h"
#include "cli/commands.h"
#include "conf/conf.h"
#include "core/driver.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/json.h"
#include "util/width.h"

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

/* "unread total  name", the counts with the locale's thousands separator
 * and right-aligned by display width (a separator may be several bytes). */
static void print_counts(const struct store_folder *f)
{
	char *unseen = xasprintf("%'u", f->n_unseen);
	char *total = xasprintf("%'u", f->n_messages);
	size_t wu = utf8_width(unseen, strlen(unseen)), wt = utf8_width(total, strlen(total));
	cli_print(stdout, "%*s%s %*s%s  %s\n", wu < 7 ? (int)(7 - wu) : 0, "", unseen,
		  wt < 7 ? (int)(7 - wt) : 0, "", total, f->name);
	free(unseen);
	free(total);
}

static const struct {
	const char *name;
	enum folder_op op;
	int n_args;
} folder_ops[] = {
	{ "create", FOLDER_CREATE, 1 }, { "rename", FOLDER_RENAME, 2 },
	{ "delete", FOLDER_DELETE, 1 }, { "subscribe", FOLDER_SUBSCRIBE, 1 },
	{ "unsubscribe", FOLDER_UNSUBSCRIBE, 1 },
};

/* What was done, for the line printed after it. */
static const char *op_done(enum folder_op op)
{
	switch (op) {
	case FOLDER_CREATE: return _("created");
	case FOLDER_RENAME: return _("renamed");
	case FOLDER_DELETE: return _("deleted");
	case FOLDER_SUBSCRIBE: return _("subscribed");
	default: return _("unsubscribed");
	}
}

static int run_op(struct cli *cli, size_t k, char **args)
{
	const struct account_conf *a = cli_account(cli);
	if (!a)
		return EXIT_USAGE;
	if (!cli_net(cli))
		return EXIT_USAGE;
	struct cli_acct ca;
	int st = cli_acct_open(cli, a, true, &ca);
	if (st)
		return st;
	struct driver *d = NULL;
	struct err err = ERR_INIT;
	if (driver_new(a, ca.acct, cli->net, NULL, NULL, &d, &err) < 0) {
		st = cli_fail_clear(&err);
	} else if (!d->ops->folder_op) {
		err_set(&err, ERR_UNSUPPORTED, _("account %s cannot manage folders"), a->account);
		st = cli_fail_clear(&err);
	} else if (d->ops->folder_op(d, folder_ops[k].op, args[0], args[1], &err) < 0) {
		st = cli_fail_clear(&err);
	} else if (folder_ops[k].op == FOLDER_RENAME) {
		cli_print(stdout, "%s: %s -> %s\n", op_done(folder_ops[k].op), args[0], args[1]);
	} else {
		cli_print(stdout, "%s: %s\n", op_done(folder_ops[k].op), args[0]);
	}
	if (d) {
		d->ops->disconnect(d);
		driver_free(&d);
	}
	cli_acct_close(&ca);
	return st;
}

static int list(struct cli *cli, bool json, bool all)
{
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
		store_folders_keep_listed(&list, a->subscribed_only && !all);
		for (size_t i = 0; i < list.n; i++) {
			const struct store_folder *f = &list.v[i];
			if (json)
				print_json(f);
			else if (f->attrs & FOLDER_NOSELECT)
				cli_print(stdout, "%7s %7s  %s\n", "-", "-", f->name);
			else
				print_counts(f);
		}
	}
	store_folders_release(&list);
	cli_acct_close(&ca);
	return st;
}

int cmd_folders(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "json", no_argument, NULL, 'j' },
		{ "all", no_argument, NULL, 'A' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false, all = false;
	int opt;
	optind = 0;
	while ((opt = cli_getopt(cli, "folders", argc, argv, "", longopts)) != -1) {
		if (opt == CLI_OPT_HELP)
			return EXIT_OK;
		if (opt == 'j')
			json = true;
		else if (opt == 'A')
			all = true;
		else
			return cli_usage_error("folders", _("unknown option"));
	}
	if (optind == argc)
		return list(cli, json, all);
	for (size_t k = 0; k < ARRAY_SIZE(folder_ops); k++) {
		if (strcmp(argv[optind], folder_ops[k].name) != 0)
			continue;
		if (argc - optind - 1 != folder_ops[k].n_args)
			return cli_usage_error("folders", folder_ops[k].n_args == 2
						   ? _("%s takes the folder and its new name")
						   : _("%s takes one folder name"),
					       folder_ops[k].name);
		char *args[2] = { argv[optind + 1], folder_ops[k].n_args == 2 ? argv[optind + 2]
									  : NULL };
		return run_op(cli, k, args);
	}
	return cli_usage_error("folders", _("unknown subcommand '%s'"), argv[optind]);
}
