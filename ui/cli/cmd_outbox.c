/* postie outbox: what is waiting to be sent, and what to do with it. */
#include "common.h"

#include <limits.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/sendui.h"
#include "conf/conf.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/sanitize.h"
#include "util/strutil.h"

/* Whether the store has anything for account a: 1, 0 (no store, or no such
 * account in it: an empty outbox), or -1 to let the usual open report the
 * problem. */
static int has_account(struct cli *cli, const struct account_conf *a)
{
	struct store *st = cli->store;
	struct err err = ERR_INIT;
	if (!st && store_open(cli_data_dir(cli), STORE_READONLY, &st, &err) < 0) {
		int r = err.kind == ERR_NOT_FOUND ? 0 : -1;
		err_clear(&err);
		return r;
	}
	store_names names = ARRAY_INIT;
	int r = -1;
	if (store_list_accounts(st, &names, NULL) == 0) {
		r = 0;
		for (size_t i = 0; i < names.n; i++)
			r |= strcmp(names.v[i], a->account) == 0;
	}
	store_names_release(&names);
	if (st != cli->store)
		store_close(&st);
	return r;
}

static int list(struct cli *cli, const struct account_conf *a, bool *any)
{
	if (has_account(cli, a) == 0)
		return EXIT_OK;
	struct cli_outbox o;
	if (cli_outbox_open(cli, a, true, false, &o) < 0)
		return EXIT_RUNTIME;
	store_outbox_entries entries = ARRAY_INIT;
	struct err err = ERR_INIT;
	int status = EXIT_OK;
	if (store_outbox_list(o.store, &entries, &err) < 0)
		status = cli_fail(&err);
	for (size_t i = 0; i < entries.n; i++)
		cli_outbox_print(&o, &entries.v[i]);
	*any |= entries.n > 0;
	store_outbox_entries_release(&entries);
	err_clear(&err);
	cli_outbox_close(&o);
	return status;
}

/* Flushes and says what is left: EXIT_RUNTIME when something could not go. */
static int flush(struct cli *cli, const struct account_conf *a)
{
	struct cli_outbox o;
	if (cli_outbox_open(cli, a, false, true, &o) < 0)
		return EXIT_RUNTIME;
	o.verbose = true;
	struct outbox_result res;
	struct err err = ERR_INIT;
	int status = EXIT_OK;
	if (outbox_flush(&o.ctx, OUTBOX_FLUSH_NOW, 0, &res, &err) < 0) {
		status = cli_fail(&err);
	} else {
		cli_print(stdout, _("%s: %u sent, %u to be retried, %u failed\n"), a->account,
			  res.sent, res.deferred, res.failed);
		store_outbox_entries left = ARRAY_INIT;
		if (store_outbox_list(o.store, &left, &err) == 0)
			for (size_t i = 0; i < left.n; i++) {
				if (left.v[i].state != OUTBOX_HELD)
					status = EXIT_RUNTIME;
				cli_outbox_print(&o, &left.v[i]);
			}
		store_outbox_entries_release(&left);
	}
	err_clear(&err);
	cli_outbox_close(&o);
	return status;
}

static int show(struct cli_outbox *o, uint64_t id, struct err *err)
{
	struct buf msg = BUF_INIT;
	int r = store_outbox_message(o->store, id, &msg, err);
	if (r == 0)
		r = err_set(err, ERR_NOT_FOUND, _("the outbox has no message %llu"),
			    (unsigned long long)id);
	if (r > 0) {
		if (isatty(STDOUT_FILENO))
			cli_print(stdout, "%s", buf_cstr(&msg));
		else
			fwrite(msg.data, 1, msg.len, stdout);
		r = 0;
	}
	buf_release(&msg);
	return r;
}

/* drop, retry, hold or show one entry of the account. */
static int one(struct cli *cli, const struct account_conf *a, const char *verb, const char *arg)
{
	long id;
	if (str_to_long(arg, 1, LONG_MAX, &id) < 0)
		return cli_usage_error("outbox", _("'%s' is not a message number"), arg);
	bool ro = strcmp(verb, "show") == 0;
	struct cli_outbox o;
	if (cli_outbox_open(cli, a, ro, false, &o) < 0)
		return EXIT_RUNTIME;
	struct err err = ERR_INIT;
	int r;
	if (strcmp(verb, "drop") == 0)
		r = outbox_drop(&o.ctx, (uint64_t)id, &err);
	else if (strcmp(verb, "retry") == 0)
		r = outbox_retry(&o.ctx, (uint64_t)id, &err);
	else if (strcmp(verb, "hold") == 0)
		r = outbox_hold(&o.ctx, (uint64_t)id, &err);
	else
		r = show(&o, (uint64_t)id, &err);
	int status = r < 0 ? cli_fail(&err) : EXIT_OK;
	if (r == 0 && !ro)
		cli_print(stdout, strcmp(verb, "drop") == 0 ? _("%s: message %ld dropped\n")
			  : strcmp(verb, "retry") == 0 ? _("%s: message %ld queued again\n")
			  : _("%s: message %ld held\n"), a->account, id);
	err_clear(&err);
	cli_outbox_close(&o);
	return status;
}

/* list and flush: the account given with -a, else every account. */
static int each_account(struct cli *cli, bool do_flush)
{
	struct conf *conf = cli_conf(cli);
	if (!conf)
		return EXIT_USAGE;
	if (cli->account && !cli_account(cli))
		return EXIT_USAGE;
	int status = EXIT_OK;
	bool any = false;
	for (size_t i = 0; i < conf->n_accounts; i++) {
		const struct account_conf *a = &conf->accounts[i];
		if (cli->account && strcmp(a->account, cli->account) != 0)
			continue;
		int s = do_flush ? flush(cli, a) : list(cli, a, &any);
		if (s > status)
			status = s;
	}
	if (!do_flush && !any && status == EXIT_OK)
		cli_print(stdout, _("The outbox is empty.\n"));
	return status;
}

int cmd_outbox(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = { CLI_COMMON_LONGOPTS, { NULL, 0, NULL, 0 } };
	const struct cli_command *self = cli_find_command("outbox");
	int opt;
	optind = 0;
	/* Without the leading '+': options may come after the arguments. */
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS + 1, longopts, NULL)) != -1) {
		int r = cli_common_option(cli, self, opt);
		if (r < 0)
			return EXIT_OK;
		if (r == 0)
			return cli_usage_error("outbox", _("unknown option"));
	}
	const char *verb = optind < argc ? argv[optind++] : "list";
	bool takes_id = strcmp(verb, "drop") == 0 || strcmp(verb, "retry") == 0 ||
			strcmp(verb, "hold") == 0 || strcmp(verb, "show") == 0;
	if (!takes_id && strcmp(verb, "list") != 0 && strcmp(verb, "flush") != 0)
		return cli_usage_error("outbox", _("unknown action '%s'"), verb);
	if (takes_id && optind >= argc)
		return cli_usage_error("outbox", _("%s needs a message number"), verb);
	if (optind + (takes_id ? 1 : 0) < argc)
		return cli_usage_error("outbox", _("unexpected argument '%s'"),
				       argv[optind + (takes_id ? 1 : 0)]);
	if (!takes_id)
		return each_account(cli, strcmp(verb, "flush") == 0);
	const struct account_conf *a = cli_account(cli);
	if (!a)
		return EXIT_USAGE;
	return one(cli, a, verb, argv[optind]);
}
