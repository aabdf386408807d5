/* What postie send, compose and outbox share: the outbox of an account as
 * the command line opens it, and how its news is printed. */
#include "common.h"

#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/sendui.h"
#include "conf/conf.h"
#include "core/outbox.h"
#include "msg/msg.h"
#include "store/store.h"
#include "util/array.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/strutil.h"

static void on_entry(void *aux, const struct store_outbox_entry *e, bool removed)
{
	struct cli_outbox *o = aux;
	if (!o->verbose)
		return;
	if (removed)
		cli_print(stdout, _("%s: message %llu left the outbox\n"), o->conf->account,
			  (unsigned long long)e->id);
	else if (e->last_error && (e->state == OUTBOX_QUEUED || e->state == OUTBOX_FAILED))
		cli_print(stdout, _("%s: message %llu is %s: %s\n"), o->conf->account,
			  (unsigned long long)e->id, outbox_state_name(e->state), e->last_error);
	else
		cli_print(stdout, _("%s: message %llu is %s\n"), o->conf->account,
			  (unsigned long long)e->id, outbox_state_name(e->state));
}

static void on_status(void *aux, const char *text)
{
	struct cli_outbox *o = aux;
	if (o->verbose)
		cli_print(stdout, "%s: %s\n", o->conf->account, text);
}

int cli_outbox_open(struct cli *cli, const struct account_conf *a, bool readonly, bool network,
		    struct cli_outbox *o)
{
	memset(o, 0, sizeof *o);
	o->conf = a;
	o->store = cli_store_acct(cli, a, readonly);
	if (!o->store)
		return -1;
	if (network && !cli_net(cli)) {
		store_acct_close(&o->store);
		return -1;
	}
	o->obs.aux = o;
	o->obs.entry = on_entry;
	o->obs.status = on_status;
	o->ctx.conf = a;
	o->ctx.store = o->store;
	o->ctx.net = cli->net;
	o->ctx.obs = &o->obs;
	o->spool_dir = outbox_spool_dir(cli_data_dir(cli), a->account);
	o->ctx.spool_dir = o->spool_dir;
	o->cctx.conf = a;
	o->cctx.global = &cli_conf(cli)->global;
	o->cctx.store = o->store;
	return 0;
}

void cli_outbox_close(struct cli_outbox *o)
{
	store_acct_close(&o->store);
	FREE(&o->spool_dir);
}

/* "bob@x (accepted), eve@y (rejected: 550 ...)", a new string. */
static char *rcpts_text(const struct store_outbox_entry *e)
{
	static const char *const names[] = { N_("pending"), N_("accepted"), N_("deferred"),
					     N_("rejected") };
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < e->n_rcpts; i++) {
		const struct store_rcpt *r = &e->rcpts[i];
		buf_addf(&b, "%s%s (%s", i ? ", " : "", r->addr, _(names[r->state]));
		if (r->state == RCPT_REJECTED || r->state == RCPT_TEMPFAIL)
			buf_addf(&b, ": %d %s", r->code, r->reply ? r->reply : "");
		buf_addc(&b, ')');
	}
	return buf_detach(&b, NULL);
}

/* A local date and time, a new string. */
static char *when(time_t t)
{
	char s[32];
	struct tm tm;
	if (!localtime_r(&t, &tm) || !strftime(s, sizeof s, "%Y-%m-%d %H:%M:%S", &tm))
		return xstrdup("?");
	return xstrdup(s);
}

void cli_outbox_print(struct cli_outbox *o, const struct store_outbox_entry *e)
{
	char *created = when((time_t)e->created);
	cli_print(stdout, ngettext("%s #%llu: %s, %u attempt, queued %s\n",
				   "%s #%llu: %s, %u attempts, queued %s\n", e->attempts),
		  o->conf->account, (unsigned long long)e->id, outbox_state_name(e->state),
		  e->attempts, created);
	free(created);
	char *subject = xstrdup(""), *next = NULL, *copy = NULL;
	struct buf msg = BUF_INIT;
	if (store_outbox_message(o->store, e->id, &msg, NULL) > 0) {
		struct msg_envelope env;
		msg_envelope_parse(msg.data, msg.len, &env);
		free(subject);
		subject = xstrdup(env.subject ? env.subject : "");
		msg_envelope_release(&env);
	}
	buf_release(&msg);
	char *rcpts = rcpts_text(e);
	char *size = xasprintf(ngettext("%'llu byte", "%'llu bytes", e->size),
			       (unsigned long long)e->size);
	/* Labels in a column whatever their translation (cli_print_fields). */
	struct cli_field f[6];
	size_t n = 0;
	f[n++] = (struct cli_field){ C_("message", "subject:"), subject };
	f[n++] = (struct cli_field){ _("to:"), rcpts };
	f[n++] = (struct cli_field){ _("size:"), size };
	if (e->state == OUTBOX_QUEUED && e->next_attempt > time(NULL)) {
		next = when((time_t)e->next_attempt);
		f[n++] = (struct cli_field){ _("next:"), next };
	}
	if (e->fcc && e->state == OUTBOX_SENT) {
		copy = xasprintf(_("to %s, not made yet"), e->fcc);
		f[n++] = (struct cli_field){ _("copy:"), copy };
	}
	if (e->last_error)
		f[n++] = (struct cli_field){ _("reason:"), e->last_error };
	cli_print_fields(stdout, 2, 1, f, n);
	free(subject);
	free(rcpts);
	free(size);
	free(next);
	free(copy);
}

int cli_outbox_report(struct cli_outbox *o, uint64_t id)
{
	struct store_outbox_entry e = { 0 };
	struct err err = ERR_INIT;
	int r = store_outbox_get(o->store, id, &e, &err);
	if (r < 0) {
		int st = cli_fail(&err);
		err_clear(&err);
		return st;
	}
	if (r == 0) {
		cli_print(stdout, _("%s: sent (message %llu)\n"), o->conf->account,
			  (unsigned long long)id);
		return EXIT_OK;
	}
	int status = EXIT_OK;
	switch (e.state) {
	case OUTBOX_FAILED:
		cli_print(stdout, _("%s: NOT sent (message %llu stays in the outbox): %s\n"),
			  o->conf->account, (unsigned long long)id, e.last_error ? e.last_error : "");
		status = EXIT_RUNTIME;
		break;
	case OUTBOX_SENT:
		cli_print(stdout, _("%s: sent (message %llu); %s\n"), o->conf->account,
			  (unsigned long long)id, e.last_error ? e.last_error : "");
		break;
	default:
		if (e.last_error)
			cli_print(stdout, _("%s: queued (message %llu), to be retried: %s\n"),
				  o->conf->account, (unsigned long long)id, e.last_error);
		else
			cli_print(stdout, _("%s: queued (message %llu)\n"), o->conf->account,
				  (unsigned long long)id);
		break;
	}
	store_outbox_entry_release(&e);
	return status;
}

/* ---- input ---- */

#define MAX_INPUT (512UL * 1024 * 1024)

int cli_read_stdin(struct buf *out, struct err *err)
{
	char chunk[65536];
	for (;;) {
		ssize_t n = read(STDIN_FILENO, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_set(err, ERR_IO, _("reading standard input: %s"), strerror(errno));
		if (n == 0)
			return 0;
		if (out->len + (size_t)n > MAX_INPUT)
			return err_set(err, ERR_INPUT, _("the message on standard input is larger than "
							 "%lu MiB"), MAX_INPUT >> 20);
		buf_add(out, chunk, (size_t)n);
	}
}

void cli_add_rcpt(struct msg_str_list *rcpts, const char *addr)
{
	if (!*addr)
		return;
	for (size_t j = 0; j < rcpts->n; j++)
		if (str_casecmp(rcpts->v[j], addr) == 0)
			return;
	ARRAY_PUSH(rcpts, xstrdup(addr));
}

/* Appends the addresses of each argument (which may list several) to
 * rcpts, each once. */
int cli_add_rcpts(struct msg_str_list *rcpts, char **args, int n, struct err *err)
{
	for (int i = 0; i < n; i++) {
		struct msg_addr_list l = ARRAY_INIT;
		if (msg_addr_list_parse_input(args[i], &l, err) < 0)
			return -1;
		for (size_t k = 0; k < l.n; k++)
			cli_add_rcpt(rcpts, l.v[k].addr);
		msg_addr_list_release(&l);
	}
	return 0;
}
