/* postie send: sendmail for scripts. Reads a whole message, queues it in the
 * outbox (durably), tries to send it at once, and says which happened. */
#include "common.h"

#include <time.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/sendui.h"
#include "conf/conf.h"
#include "msg/compose.h"
#include "store/store.h"
#include "util/array.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/strutil.h"

struct send_opts {
	bool from_headers;      /* -t */
	bool queue_only;
	const char *from;       /* -f */
};

static int parse(struct cli *cli, int argc, char **argv, struct send_opts *o)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "queue-only", no_argument, NULL, 'Q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cli_command *self = cli_find_command("send");
	int opt;
	optind = 0;
	/* Without the leading '+': options may come after the arguments. */
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "tf:io:vF:" + 1, longopts, NULL)) != -1) {
		switch (opt) {
		case 't':
			o->from_headers = true;
			break;
		case 'f':
			o->from = optarg;
			break;
		case 'i':               /* sendmail's "a lone dot is no end": always so here */
		case 'o':               /* sendmail's -oi and the like */
		case 'F':               /* sendmail's full name: From is the message's own */
			break;
		case 'Q':
			o->queue_only = true;
			break;
		case 'v':
			cli->show_steps = true;
			break;
		default: {
			int r = cli_common_option(cli, self, opt);
			if (r < 0)
				return 1;
			if (r == 0)
				return cli_usage_error("send", _("unknown option"));
		}
		}
	}
	return 0;
}

/* When another postie has the store, the message goes to the spool, which
 * that postie imports. Returns the exit status then, or -1 to go on. */
static int spool_if_busy(struct cli *cli, const struct account_conf *a,
			 const struct outbox_new *m)
{
	struct store *s = NULL;
	struct err err = ERR_INIT;
	if (cli->store)
		return -1;
	/* Another postie send finishes within moments: wait a little for it
	 * before spooling (the interface keeps the store, so it gets the spool). */
	for (int i = 0; i < 30; i++) {
		err_clear(&err);
		if (store_open(cli_data_dir(cli), 0, &s, &err) == 0) {
			store_close(&s);
			return -1;
		}
		if (err.kind != ERR_LOCKED) {
			err_clear(&err);
			return -1;      /* the usual path reports it */
		}
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	char *busy = xstrdup(err_msg(&err));
	char *dir = outbox_spool_dir(cli_data_dir(cli), a->account);
	struct compose_ctx cc = { a, NULL, NULL };     /* the folder by name: no store */
	char *fcc = compose_sent_folder(&cc);
	struct outbox_new sm = *m;
	sm.fcc = fcc;
	int status = EXIT_OK;
	if (outbox_check(a, &sm, &err) < 0 || outbox_spool_add(dir, &sm, &err) < 0)
		status = cli_fail(&err);
	else
		cli_print(stdout, _("%s: queued in the spool (%s): %s; it goes out with that "
				    "postie's next flush (or postie outbox flush)\n"), a->account, dir, busy);
	free(fcc);
	free(dir);
	free(busy);
	err_clear(&err);
	return status;
}

/* Queues the prepared message; then, unless queue_only, tries it at once. */
static int queue_and_try(struct cli *cli, const struct account_conf *a, const struct buf *msg,
			 const struct msg_str_list *rcpts, const struct send_opts *o)
{
	struct outbox_new m = { msg->data, msg->len, o->from, (const char *const *)rcpts->v,
				rcpts->n, NULL };
	int spooled = spool_if_busy(cli, a, &m);
	if (spooled >= 0)
		return spooled;
	struct cli_outbox ob;
	if (cli_outbox_open(cli, a, false, !o->queue_only, &ob) < 0)
		return EXIT_RUNTIME;
	ob.verbose = cli->show_steps;
	char *fcc = compose_sent_folder(&ob.cctx);
	m.fcc = fcc;
	uint64_t id = 0;
	struct err err = ERR_INIT;
	int status = EXIT_OK;
	if (outbox_queue(&ob.ctx, &m, &id, &err) < 0) {
		status = cli_fail(&err);
	} else if (o->queue_only) {
		cli_print(stdout, _("%s: queued (message %llu)\n"), a->account, (unsigned long long)id);
	} else {
		if (outbox_flush(&ob.ctx, OUTBOX_FLUSH_NOW, id, NULL, &err) < 0)
			cli_error("%s", err_msg(&err));
		status = cli_outbox_report(&ob, id);
	}
	err_clear(&err);
	free(fcc);
	cli_outbox_close(&ob);
	return status;
}

int cmd_send(struct cli *cli, int argc, char **argv)
{
	struct send_opts o = { false, false, NULL };
	int pr = parse(cli, argc, argv, &o);
	if (pr)
		return pr == 1 ? EXIT_OK : pr;
	const struct account_conf *a = cli_account(cli);
	if (!a)
		return EXIT_USAGE;
	struct buf raw = BUF_INIT, msg = BUF_INIT;
	struct msg_str_list rcpts = ARRAY_INIT;
	struct msg_outgoing info;
	memset(&info, 0, sizeof info);
	struct compose_identity ci;
	compose_identity_init(&ci, a);
	struct err err = ERR_INIT;
	int status = EXIT_OK;
	if (cli_read_stdin(&raw, &err) < 0 ||
	    msg_prepare_outgoing(raw.data ? raw.data : "", raw.len, &ci.id, &msg, &info, &err) < 0 ||
	    cli_add_rcpts(&rcpts, argv + optind, argc - optind, &err) < 0) {
		status = cli_fail(&err);
	} else {
		for (size_t i = 0; o.from_headers && i < info.rcpts.n; i++)
			cli_add_rcpt(&rcpts, info.rcpts.v[i]);
		if (rcpts.n == 0)
			status = cli_usage_error("send", _("no recipients: name them as arguments, or "
							   "use -t to take them from To, Cc and Bcc"));
		else
			status = queue_and_try(cli, a, &msg, &rcpts, &o);
	}
	err_clear(&err);
	compose_identity_release(&ci);
	msg_outgoing_release(&info);
	msg_str_list_release(&rcpts);
	buf_release(&raw);
	buf_release(&msg);
	return status;
}
