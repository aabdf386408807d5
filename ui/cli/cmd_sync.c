/* postie sync: bring an account's store in line with its server, through the
 * account's driver (core/driver.h): IMAP folders both ways, POP3 download and
 * delete. */
#include "common.h"

#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "conf/conf.h"
#include "core/driver.h"
#include "store/store.h"
#include "util/err.h"

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

static void on_progress(void *aux, const char *what, uint64_t done, uint64_t total)
{
	struct sync_ui *ui = aux;
	if (!ui->tty)
		return;
	end_line(ui);
	if (total)
		cli_print(stderr, "%s (%u%%)", what, (unsigned)(done * 100 / total));
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

/* Every folder that can hold mail, after the folder list was synced. */
static int sync_all_folders(struct driver *d, struct err *err)
{
	store_folders folders = ARRAY_INIT;
	if (store_folder_list(d->store, &folders, err) < 0)
		return -1;
	int r = 0;
	for (size_t i = 0; i < folders.n && r == 0; i++)
		if (!(folders.v[i].attrs & FOLDER_NOSELECT))
			r = d->ops->sync_folder(d, folders.v[i].id, 0, err);
	store_folders_release(&folders);
	return r;
}

static int run_sync(struct cli *cli, const struct account_conf *a, struct store_acct *acct,
		    struct sync_ui *ui, struct err *err)
{
	const struct sync_observer obs = {
		.aux = ui, .progress = on_progress, .notice = on_notice, .new_mail = on_new_mail,
	};
	struct driver *d;
	if (driver_new(a, acct, cli->net, NULL, &obs, &d, err) < 0)
		return -1;
	int r = d->ops->connect(d, err);
	if (r == 0)
		r = d->ops->replay_journal(d, err);
	if (r == 0 && d->ops->sync_folders)
		r = d->ops->sync_folders(d, err);
	if (r == 0)
		r = sync_all_folders(d, err);
	d->ops->disconnect(d);
	driver_free(&d);
	return r;
}

int cmd_sync(struct cli *cli, int argc, char **argv)
{
	int status;
	if (cli_no_options(cli, "sync", argc, argv, &status))
		return status;
	const struct account_conf *a = cli_account(cli);
	if (!a || !cli_net(cli))
		return EXIT_USAGE;
	struct store_acct *acct = cli_store_acct(cli, a, false);
	if (!acct)
		return EXIT_RUNTIME;
	struct sync_ui ui = { .tty = isatty(STDERR_FILENO) };
	struct err err = ERR_INIT;
	int r = run_sync(cli, a, acct, &ui, &err);
	end_line(&ui);
	store_acct_close(&acct);
	if (r < 0) {
		status = cli_fail(&err);
		err_clear(&err);
		if (ui.n_new)
			cli_print(stdout, ngettext("%s: %zu new message stored before the failure\n",
						   "%s: %zu new messages stored before the failure\n",
						   ui.n_new), a->account, ui.n_new);
		return status;
	}
	cli_print(stdout, ngettext("%s: %zu new message\n", "%s: %zu new messages\n", ui.n_new),
		  a->account, ui.n_new);
	return EXIT_OK;
}
