/* postie sync: bring accounts' stores in line with their servers, headlessly,
 * through each account's driver (core/driver.h). IMAP: the journal (what was
 * done offline) first, then the folder list, then every folder (or those
 * named), new mail and bodies per sync_bodies. POP3: download and delete.
 * Progress goes to stderr when it is a terminal, notices always; a line per
 * account with the number of new messages to stdout. */
#include "common.h"

#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "conf/conf.h"
#include "core/driver.h"
#include "store/store.h"
#include "util/err.h"

struct sync_opts {
	bool full;
	int bodies;             /* -1: per sync_bodies, 0 no, 1 yes */
	bool quiet;
	char **folders;
	int n_folders;
};

struct sync_ui {
	bool tty;               /* progress on stderr, rewritten in place */
	bool line_open;         /* a progress line waits for its newline */
	size_t n_new;
};

static void end_line(struct sync_ui *ui)
{
	if (ui->line_open)
		fputs("\r\033[K", stderr);
	ui->line_open = false;
}

/* The label says what and how far in its own units (messages, bytes); the
 * share done goes after it. */
static void on_progress(void *aux, const char *what, uint64_t done, uint64_t total)
{
	struct sync_ui *ui = aux;
	if (!ui->tty)
		return;
	end_line(ui);
	if (total)
		/* TRANSLATORS: a progress label and how much is done, in percent. */
		cli_print(stderr, _("%s (%u%%)"), what, (unsigned)(done * 100 / total));
	else
		cli_print(stderr, "%s", what);
	ui->line_open = true;
}

static void on_notice(void *aux, const char *text)
{
	end_line(aux);
	cli_error("%s", text);
}

static void on_new_mail(void *aux, uint32_t folder, size_t n)
{
	(void)folder;
	((struct sync_ui *)aux)->n_new += n;
}

/* The folders to sync: those named, else every selectable one the folder list
 * shows (store_folder_listed()). */
static int pick_folders(struct driver *d, const struct sync_opts *o, store_folders *out,
			struct err *err)
{
	store_folders all = ARRAY_INIT;
	if (store_folder_list(d->store, &all, err) < 0)
		return -1;
	int r = 0;
	for (int i = 0; i < o->n_folders && r == 0; i++) {
		struct store_folder f = { 0 };
		r = store_folder_get(d->store, o->folders[i], &f, err);
		if (r == 0)
			r = err_set(err, ERR_USAGE, _("account %s has no folder '%s'"),
				    d->conf->account, o->folders[i]);
		if (r > 0) {
			ARRAY_PUSH(out, f);
			r = 0;
		}
	}
	for (size_t i = 0; !o->n_folders && i < all.n; i++) {
		if ((all.v[i].attrs & FOLDER_NOSELECT) ||
		    !store_folder_listed(&all.v[i], d->conf->subscribed_only))
			continue;
		ARRAY_PUSH(out, all.v[i]);
		all.v[i].name = NULL;
	}
	store_folders_release(&all);
	return r;
}

/* Returns an exit status. */
static int sync_driver(struct driver *d, const struct sync_opts *o, struct sync_ui *ui)
{
	struct err err = ERR_INIT;
	int st = EXIT_OK;
	store_folders folders = ARRAY_INIT;
	if (d->ops->connect(d, &err) < 0 || d->ops->replay_journal(d, &err) < 0 ||
	    (d->ops->sync_folders && d->ops->sync_folders(d, &err) < 0) ||
	    pick_folders(d, o, &folders, &err) < 0) {
		end_line(ui);
		store_folders_release(&folders);
		return cli_fail_clear(&err);
	}
	unsigned flags = o->full ? SYNC_FULL : 0;
	bool bodies = o->bodies < 0 ? d->conf->sync_bodies != SYNC_BODIES_NONE : o->bodies;
	if (bodies)
		flags |= SYNC_BODIES;
	for (size_t i = 0; i < folders.n; i++) {
		if (d->ops->sync_folder(d, folders.v[i].id, flags, &err) == 0)
			continue;
		end_line(ui);
		st = cli_fail_clear(&err);
		if (!d->ops->connected(d))
			break;  /* the connection is gone: the rest would fail the same way */
	}
	end_line(ui);
	store_folders_release(&folders);
	return st;
}

static int sync_account(struct cli *cli, const struct account_conf *a, const struct sync_opts *o)
{
	if (!cli_net(cli))
		return EXIT_USAGE;
	struct cli_acct ca;
	int st = cli_acct_open(cli, a, true, &ca);
	if (st)
		return st;
	struct sync_ui ui = { .tty = isatty(STDERR_FILENO) && !o->quiet };
	struct sync_observer obs = {
		.aux = &ui, .progress = on_progress, .notice = on_notice, .new_mail = on_new_mail,
	};
	struct driver *d = NULL;
	struct err err = ERR_INIT;
	if (driver_new(a, ca.acct, cli->net, NULL, &obs, &d, &err) < 0) {
		st = cli_fail_clear(&err);
	} else {
		st = sync_driver(d, o, &ui);
		d->ops->disconnect(d);
		driver_free(&d);
	}
	cli_acct_close(&ca);
	if (st != EXIT_OK && ui.n_new)
		cli_print(stdout, ngettext("%s: %zu new message stored before the failure\n",
					   "%s: %zu new messages stored before the failure\n",
					   ui.n_new), a->account, ui.n_new);
	else if (st == EXIT_OK)
		cli_print(stdout, ngettext("%s: %zu new message\n", "%s: %zu new messages\n",
					   ui.n_new), a->account, ui.n_new);
	return st;
}

enum { OPT_FULL = 256, OPT_BODIES, OPT_NO_BODIES };

int cmd_sync(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "full", no_argument, NULL, OPT_FULL },
		{ "bodies", no_argument, NULL, OPT_BODIES },
		{ "no-bodies", no_argument, NULL, OPT_NO_BODIES },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	struct sync_opts o = { .bodies = -1 };
	int opt;
	optind = 0;
	while ((opt = cli_getopt(cli, "sync", argc, argv, "q", longopts)) != -1) {
		switch (opt) {
		case CLI_OPT_HELP: return EXIT_OK;
		case OPT_FULL: o.full = true; break;
		case OPT_BODIES: o.bodies = 1; break;
		case OPT_NO_BODIES: o.bodies = 0; break;
		case 'q': o.quiet = true; break;
		default: return cli_usage_error("sync", _("unknown option"));
		}
	}
	o.folders = argv + optind;
	o.n_folders = argc - optind;
	struct conf *conf = cli_conf(cli);
	if (!conf)
		return EXIT_USAGE;
	if (cli->account || o.n_folders || conf->n_accounts <= 1) {
		const struct account_conf *a = cli_account(cli);
		return a ? sync_account(cli, a, &o) : EXIT_USAGE;
	}
	int st = EXIT_OK;
	for (size_t i = 0; i < conf->n_accounts; i++) {
		int r = sync_account(cli, &conf->accounts[i], &o);
		if (r > st)
			st = r;
	}
	return st;
}
