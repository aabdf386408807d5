/* The command line's access to stored mail: opening an account's store,
 * finding folders, parsing message ids, getting a message for show. */
#include "common.h"

#include "cli/cli.h"
#include "conf/conf.h"
#include "core/driver.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/strutil.h"

int cli_fail_clear(struct err *err)
{
	int r = cli_fail(err);
	err_clear(err);
	return r;
}

int cli_acct_open(struct cli *cli, const struct account_conf *a, bool write,
		  struct cli_acct *ca)
{
	memset(ca, 0, sizeof *ca);
	ca->conf = a;
	ca->acct = cli_store_acct(cli, a, !write);
	return ca->acct ? 0 : EXIT_RUNTIME;
}

void cli_acct_close(struct cli_acct *ca)
{
	store_acct_close(&ca->acct);
}

int cli_folder(struct cli_acct *ca, const char *name, struct store_folder *f)
{
	struct err err = ERR_INIT;
	int r = store_folder_get(ca->acct, name, f, &err);
	if (r == 0 && str_casecmp(name, "INBOX") == 0)
		r = store_folder_get(ca->acct, "INBOX", f, &err);
	if (r < 0)
		return cli_fail_clear(&err);
	if (r == 0) {
		cli_error(_("account %s has no folder '%s' (postie folders lists them)"),
			  ca->conf->account, name);
		return EXIT_USAGE;
	}
	return 0;
}

int cli_ops_open(struct cli *cli, const char *folder, struct cli_ops *o)
{
	memset(o, 0, sizeof *o);
	const struct account_conf *a = cli_account(cli);
	if (!a)
		return EXIT_USAGE;
	int st = cli_acct_open(cli, a, true, &o->ca);
	if (!st)
		st = cli_folder(&o->ca, folder, &o->f);
	if (st) {
		cli_ops_close(o);
		return st;
	}
	o->ctx.conf = a;
	o->ctx.store = o->ca.acct;
	return 0;
}

void cli_ops_close(struct cli_ops *o)
{
	store_folder_release(&o->f);
	cli_acct_close(&o->ca);
}

static int parse_uid(const char *s, const char *end, uint32_t *out)
{
	char *copy = xstrndup(s, (size_t)(end - s));
	long v;
	int r = str_to_long(copy, 1, UINT32_MAX, &v);
	free(copy);
	*out = (uint32_t)v;
	return r;
}

int cli_parse_ids(const char *command, const char *arg, struct cli_ids *ids)
{
	const char *p = arg;
	while (*p) {
		const char *comma = strchr(p, ',');
		const char *end = comma ? comma : p + strlen(p);
		const char *dash = memchr(p, '-', (size_t)(end - p));
		uint32_t a, b;
		if (dash ? parse_uid(p, dash, &a) < 0 || parse_uid(dash + 1, end, &b) < 0 || b < a ||
			   b - a > 10000000
			 : parse_uid(p, end, &a) < 0) {
			cli_usage_error(command, _("'%s' is not a message id or a list of them "
						   "(like 12 or 3,5,9-12)"), arg);
			return -1;
		}
		if (!dash)
			b = a;
		for (uint64_t u = a; u <= b; u++)
			ARRAY_PUSH(ids, (uint32_t)u);
		p = comma ? comma + 1 : end;
	}
	if (!ids->n) {
		cli_usage_error(command, _("which messages? Give their ids (postie list shows them)"));
		return -1;
	}
	return 0;
}

/* 1 with the message in out, 0 when its body is not stored, -1 (after
 * printing) with *status_r. ca is closed by the caller either way. */
static int stored_message(struct cli *cli, const struct account_conf *a, const char *folder,
			  uint32_t uid, bool write, struct buf *out, struct cli_acct *ca,
			  uint32_t *folder_id, int *status_r)
{
	if ((*status_r = cli_acct_open(cli, a, write, ca)) != 0)
		return -1;
	struct store_folder f = { 0 };
	*status_r = cli_folder(ca, folder, &f);
	*folder_id = f.id;
	store_folder_release(&f);
	if (*status_r)
		return -1;
	struct err err = ERR_INIT;
	struct msg_summary s;
	msg_summary_init(&s);
	int r = store_msg_get(ca->acct, *folder_id, uid, &s, &err);
	msg_summary_release(&s);
	if (r == 0) {
		cli_error(_("there is no message %u in %s"), uid, folder);
		*status_r = EXIT_USAGE;
		return -1;
	}
	if (r > 0)
		r = store_body_get(ca->acct, *folder_id, uid, out, &err);
	if (r < 0)
		*status_r = cli_fail_clear(&err);
	return r;
}

/* Fetches the body of uid from the server into the store and out. */
static int fetch_message(struct cli *cli, const struct account_conf *a, struct cli_acct *ca,
			 const char *folder, uint32_t fid, uint32_t uid, struct buf *out)
{
	struct net_ctx *net = cli_net(cli);
	if (!net)
		return EXIT_USAGE;
	struct driver *d = NULL;
	struct err err = ERR_INIT;
	int st = EXIT_OK;
	if (driver_new(a, ca->acct, net, NULL, NULL, &d, &err) < 0 ||
	    d->ops->connect(d, &err) < 0 || d->ops->fetch_body(d, fid, uid, &err) < 0) {
		if (err.kind == ERR_NET || err.kind == ERR_TIMEOUT || err.kind == ERR_TLS ||
		    err.kind == ERR_AUTH)
			err_prefix(&err, _("message %u in %s is not stored for offline reading, "
					   "and fetching it failed"), uid, folder);
		st = cli_fail_clear(&err);
	} else if (store_body_get(ca->acct, fid, uid, out, &err) <= 0) {
		st = err_is_set(&err) ? cli_fail_clear(&err) : EXIT_RUNTIME;
	}
	if (d)
		d->ops->disconnect(d);
	driver_free(&d);
	return st;
}

int cli_message(struct cli *cli, const char *folder, uint32_t uid, struct buf *out)
{
	const struct account_conf *a = cli_account(cli);
	if (!a)
		return EXIT_USAGE;
	struct cli_acct ca;
	uint32_t fid = 0;
	int st = EXIT_OK;
	int r = stored_message(cli, a, folder, uid, false, out, &ca, &fid, &st);
	cli_acct_close(&ca);
	if (r != 0)
		return st;
	if (a->protocol != PROTO_IMAP) {
		cli_error(_("message %u in %s is not stored"), uid, folder);
		return EXIT_RUNTIME;
	}
	/* Not kept yet: fetch it (as the writer now) and keep it. */
	store_close(&cli->store);
	r = stored_message(cli, a, folder, uid, true, out, &ca, &fid, &st);
	if (r == 0)
		st = fetch_message(cli, a, &ca, folder, fid, uid, out);
	cli_acct_close(&ca);
	return st;
}
