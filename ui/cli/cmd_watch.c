/* postie watch [FOLDER]: keep a folder in line with the server and say when
 * new mail arrives, one line each on standard output, for notifications and
 * scripts. Waits with IDLE (or polling where the server has none). A lost
 * connection (the network went away, the laptop slept) is said on standard
 * error and made again, with a growing pause between tries, as the
 * interface's account worker does, and so is a first connection that
 * fails; only what needs the user (a login refused, a certificate, the
 * store) ends it, or a --timeout reached before any connection. */
#include "common.h"

#include <time.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "conf/conf.h"
#include "core/driver.h"
#include "store/store.h"
#include "util/err.h"
#include "util/strutil.h"

struct watch {
	const char *folder;
	uint32_t folder_id;     /* 0 until the store knows the folder */
	bool once;
	bool got;
	long poll_ms;
	int64_t end;            /* ms on the monotonic clock; INT64_MAX: never */
};

#define RETRY_MIN_MS 1000
#define RETRY_MAX_MS 60000

static void on_new_mail(void *aux, uint32_t folder, size_t n)
{
	(void)folder;
	struct watch *w = aux;
	cli_print(stdout, ngettext("%zu new message in %s\n", "%zu new messages in %s\n", n), n,
		  w->folder);
	w->got = true;
}

static void on_notice(void *aux, const char *text)
{
	(void)aux;
	cli_print(stderr, "postie: %s\n", text);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whether waiting and trying again may cure the failure. */
static bool transient(const struct err *err)
{
	switch (err->kind) {
	case ERR_NET:
	case ERR_TIMEOUT:
	case ERR_PROTOCOL:
	case ERR_SERVER_TEMP:
		return true;
	default:
		return false;
	}
}

/* Sleeps up to ms, but not past the end. */
static void pause_ms(const struct watch *w, int64_t ms)
{
	int64_t left = w->end - now_ms();
	if (ms > left)
		ms = left;
	if (ms > 0) {
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
}

/* The folder's id into w->folder_id if the store knows it (INBOX in any
 * case); 0 or -1 (err set). */
static int find_folder(struct store_acct *acct, struct watch *w, struct err *err)
{
	struct store_folder f = { 0 };
	int r = store_folder_get(acct, w->folder, &f, err);
	if (r == 0 && str_casecmp(w->folder, "INBOX") == 0)
		r = store_folder_get(acct, "INBOX", &f, err);
	if (r > 0)
		w->folder_id = f.id;
	store_folder_release(&f);
	return r < 0 ? -1 : 0;
}

/* Connects and catches up with the folder; 0 or -1 (err set). A fresh
 * store learns the folder list from the first connection. */
static int connect_and_sync(struct driver *d, struct watch *w, struct err *err)
{
	if (d->ops->connect(d, err) < 0)
		return -1;
	if (!w->folder_id) {
		if (d->ops->sync_folders && d->ops->sync_folders(d, err) < 0)
			return -1;
		if (find_folder(d->store, w, err) < 0)
			return -1;
		if (!w->folder_id)
			return err_set(err, ERR_USAGE, _("account %s has no folder '%s'"),
				       d->conf->account, w->folder);
	}
	return d->ops->sync_folder(d, w->folder_id, 0, err);
}

/* Waits for changes until the end (or the first new mail with --once),
 * connecting first and again after a lost connection. A first connection
 * that fails for a passing reason (the server down, no network yet: a
 * watch started at log-in before the Wi-Fi is up) is waited out like a
 * later loss. Returns an exit status. */
static int watch_loop(struct driver *d, struct watch *w)
{
	struct err err = ERR_INIT;
	int64_t backoff = RETRY_MIN_MS;
	bool lost = true, ever = false;
	while (!(w->once && w->got)) {
		int64_t left = w->end - now_ms();
		if (left <= 0)
			break;
		int r;
		if (lost) {
			r = connect_and_sync(d, w, &err);
			if (r == 0) {
				if (ever)
					cli_print(stderr, _("postie: connected again, watching %s\n"),
						  w->folder);
				else
					cli_print(stderr, _("postie: watching %s\n"), w->folder);
				lost = false;
				ever = true;
				backoff = RETRY_MIN_MS;
				continue;
			}
		} else {
			int ms = left > w->poll_ms ? (int)w->poll_ms : (int)left;
			r = d->ops->wait_changes(d, w->folder_id, -1, ms, &err);
		}
		if (r >= 0)
			continue;
		if (!transient(&err) || d->ops->connected(d))
			return cli_fail_clear(&err);
		cli_print(stderr, _("postie: %s; trying again in %d s\n"), err_msg(&err),
			  (int)(backoff / 1000));
		err_clear(&err);
		lost = true;
		pause_ms(w, backoff);
		backoff = backoff * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : backoff * 2;
	}
	if (!ever) {
		/* --timeout ran out offline: nothing was watched, say so. */
		cli_error(_("could not reach the server of account %s before the timeout"),
			  d->conf->account);
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

static int watch(struct cli *cli, const struct account_conf *a, struct watch *w, long timeout)
{
	struct net_ctx *net = cli_net(cli);
	if (!net)
		return EXIT_USAGE;
	struct cli_acct ca;
	int st = cli_acct_open(cli, a, true, &ca);
	if (st)
		return st;
	struct sync_observer obs = { .aux = w, .new_mail = on_new_mail, .notice = on_notice };
	struct driver *d = NULL;
	struct err err = ERR_INIT;
	w->end = timeout ? now_ms() + timeout * 1000 : INT64_MAX;
	if (find_folder(ca.acct, w, &err) < 0 ||
	    driver_new(a, ca.acct, net, NULL, &obs, &d, &err) < 0)
		st = cli_fail_clear(&err);
	else
		st = watch_loop(d, w);
	if (d)
		d->ops->disconnect(d);
	driver_free(&d);
	cli_acct_close(&ca);
	return st;
}

int cmd_watch(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "once", no_argument, NULL, '1' },
		{ "timeout", required_argument, NULL, 't' },
		{ "interval", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	struct watch w = { .poll_ms = 60000 };
	long timeout = 0, v;
	int opt;
	optind = 0;
	while ((opt = cli_getopt(cli, "watch", argc, argv, "", longopts)) != -1) {
		switch (opt) {
		case CLI_OPT_HELP: return EXIT_OK;
		case '1': w.once = true; break;
		case 't':
		case 'i':
			if (str_to_long(optarg, 1, 1000000, &v) < 0)
				return cli_usage_error("watch", _("'%s' is not a number of seconds"),
						       optarg);
			if (opt == 't')
				timeout = v;
			else
				w.poll_ms = v * 1000;
			break;
		default:
			return cli_usage_error("watch", _("unknown option"));
		}
	}
	if (argc - optind > 1)
		return cli_usage_error("watch", _("give at most one folder"));
	w.folder = optind < argc ? argv[optind] : "INBOX";
	const struct account_conf *a = cli_account(cli);
	return a ? watch(cli, a, &w, timeout) : EXIT_USAGE;
}
