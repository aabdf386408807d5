/* `postie export [-a ACCOUNT] [FOLDER] --maildir DIR | --mbox FILE`: the
 * stored mail in standard formats (store/export.h). --salvage rescues the
 * bodies of an account whose other files are damaged. */
#include "common.h"

#include "cli/cli.h"
#include "cli/cmd_store.h"
#include "cli/commands.h"
#include "conf/conf.h"
#include "store/export.h"
#include "util/err.h"

struct export_opts {
	const char *maildir, *mbox;
	bool salvage;
};

static int export_option(int opt, void *aux)
{
	struct export_opts *o = aux;
	switch (opt) {
	case 'M': o->maildir = optarg; return 0;
	case 'm': o->mbox = optarg; return 0;
	case 'S': o->salvage = true; return 0;
	default: return -1;
	}
}

/* -a, else the configured default, else the store's only account. */
static char *pick_account(struct cli *cli, struct store *s)
{
	if (cli->account)
		return xstrdup(cli->account);
	struct conf *conf = cli_conf(cli);
	if (conf && conf->n_accounts) {
		const struct account_conf *a = cli_account(cli);
		return a ? xstrdup(a->account) : NULL;
	}
	store_names names = ARRAY_INIT;
	char *name = NULL;
	if (store_list_accounts(s, &names, NULL) == 0 && names.n == 1)
		name = xstrdup(names.v[0]);
	else
		cli_usage_error("export", _("which account? (-a ACCOUNT)"));
	store_names_release(&names);
	return name;
}

static void report(const char *what, const char *dest, const struct store_export_stats *st)
{
	cli_print(stdout, ngettext("%s: %'u message written to %s", "%s: %'u messages written to %s",
				   st->written), what, st->written, dest);
	if (st->no_body)
		cli_print(stdout, ngettext(" (%'u without a stored body left out)",
					   " (%'u without a stored body left out)", st->no_body),
			  st->no_body);
	printf("\n");
}

static int export_folder(struct store_acct *a, const struct store_folder *f,
			 const struct export_opts *o, bool nested, struct err *err)
{
	struct store_export_stats st = { 0 };
	if (o->mbox) {
		if (store_export_mbox(a, f, o->mbox, &st, err) < 0)
			return -1;
		report(f->name, o->mbox, &st);
		return 0;
	}
	char *dir = nested ? store_export_folder_path(o->maildir, f) : xstrdup(o->maildir);
	int r = store_export_maildir(a, f, dir, &st, err);
	if (r == 0)
		report(f->name, dir, &st);
	free(dir);
	return r;
}

/* Every folder (one Maildir each under the root), or the one named. */
static int export_account(struct store_acct *a, const char *folder,
			  const struct export_opts *o, struct err *err)
{
	if (folder) {
		struct store_folder f = { 0 };
		int r = store_folder_get(a, folder, &f, err);
		if (r == 0)
			r = err_set(err, ERR_USAGE, _("account %s has no folder '%s' in the store"),
				    store_acct_name(a), folder);
		if (r > 0)
			r = export_folder(a, &f, o, false, err);
		store_folder_release(&f);
		return r < 0 ? -1 : 0;
	}
	store_folders list = ARRAY_INIT;
	int r = store_folder_list(a, &list, err);
	size_t selectable = 0;
	for (size_t i = 0; i < list.n; i++)
		selectable += !(list.v[i].attrs & FOLDER_NOSELECT);
	if (r == 0 && o->mbox && selectable != 1)
		r = err_set(err, ERR_USAGE, ngettext("account %s has %zu folder: name the FOLDER "
						     "to write into one mbox file",
						     "account %s has %zu folders: name the FOLDER "
						     "to write into one mbox file", selectable),
			    store_acct_name(a), selectable);
	for (size_t i = 0; i < list.n && r == 0; i++)
		if (!(list.v[i].attrs & FOLDER_NOSELECT))
			r = export_folder(a, &list.v[i], o, !o->mbox, err);
	store_folders_release(&list);
	return r;
}

static int run_export(struct cli *cli, const char *folder, const struct export_opts *o)
{
	struct store *s = cmd_store_open(cli, STORE_READONLY);
	if (!s)
		return EXIT_RUNTIME;
	char *name = pick_account(cli, s);
	if (!name) {
		store_close(&s);
		return EXIT_USAGE;
	}
	struct store_acct *a = NULL;
	struct err err = ERR_INIT;
	unsigned flags = STORE_ACCT_READONLY | (o->salvage ? STORE_ACCT_SALVAGE : 0);
	int r = store_acct_open(s, name, STORE_ACCT_CACHE, flags, &a, &err);
	if (r == 0 && store_acct_notice(a))
		cli_print(stderr, "postie: %s\n", store_acct_notice(a));
	if (r == 0 && o->salvage) {
		struct store_export_stats st = { 0 };
		r = store_export_salvage(a, o->maildir, &st, &err);
		if (r == 0)
			report(name, o->maildir, &st);
	} else if (r == 0) {
		r = export_account(a, folder, o, &err);
	}
	int status = r < 0 ? cli_fail(&err) : EXIT_OK;
	err_clear(&err);
	store_acct_close(&a);
	store_close(&s);
	free(name);
	return status;
}

int cmd_export(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "maildir", required_argument, NULL, 'M' },
		{ "mbox", required_argument, NULL, 'm' },
		{ "salvage", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	struct export_opts o = { NULL, NULL, false };
	int r = cmd_store_options(cli, "export", argc, argv, longopts, "a:h",
				  export_option, &o);
	if (r < 0)
		return r == -1 ? EXIT_OK : EXIT_USAGE;
	if (!o.maildir == !o.mbox)
		return cli_usage_error("export", _("give either --maildir DIR or --mbox FILE"));
	if (o.salvage && !o.maildir)
		return cli_usage_error("export", _("--salvage writes a Maildir: use --maildir DIR"));
	if (argc - optind > 1)
		return cli_usage_error("export", _("unexpected argument '%s'"), argv[optind + 1]);
	return run_export(cli, optind < argc ? argv[optind] : NULL, &o);
}
