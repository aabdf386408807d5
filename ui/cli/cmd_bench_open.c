/* postie bench-open [FOLDER]: opens a folder the way the full-screen
 * interface does (the folder's index loaded from the store while the login
 * runs in another thread, then the sync, new summaries going into the index
 * as they are stored) and prints
 * when each step was done, in milliseconds since the command started, as one
 * JSON line, for tests/bench/imap-open:
 *   first_part_ms  the newest part of the stored index was in memory
 *                  (first_part_messages of them, the newest UID first_part_last_uid)
 *   index_ms       the whole stored index was in memory (index_messages of them,
 *                  the newest UID last_uid)
 *   first_screen_ms  the newest 50 messages (or all, if fewer) were in the index
 *   connected_ms   logged in
 *   synced_ms      the folder was in line with the server: the whole index ready
 *   quit_ms        everything was released and closed again
 *   peak_rss_kib, index_bytes, messages
 *   start_s        the command's start on CLOCK_MONOTONIC, in seconds, so that
 *                  a caller can tell the start-up before it from the exit after */
#include "common.h"

#include <pthread.h>
#include <sys/resource.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "conf/conf.h"
#include "core/driver.h"
#include "store/index.h"
#include "store/store.h"
#include "util/err.h"

#define FIRST_SCREEN 50

struct bench {
	struct timespec start;
	struct store_index idx;
	struct store_acct *acct;
	double first_screen;    /* ms, < 0 until reached */
};

static double since(const struct bench *b)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - b->start.tv_sec) * 1e3 +
	       (double)(t.tv_nsec - b->start.tv_nsec) / 1e6;
}

static void on_added(void *aux, uint32_t folder, const struct msg_summary *v, size_t n)
{
	struct bench *b = aux;
	if (folder != b->idx.folder)
		return;
	store_index_put_many(&b->idx, v, n);
	if (b->first_screen < 0 && b->idx.n >= FIRST_SCREEN)
		b->first_screen = since(b);
}

static void on_flags(void *aux, uint32_t folder, const uint32_t *uids, size_t n)
{
	struct bench *b = aux;
	struct msg_summary s;
	msg_summary_init(&s);
	for (size_t i = 0; folder == b->idx.folder && i < n; i++)
		if (store_msg_get(b->acct, folder, uids[i], &s, NULL) > 0)
			store_index_put(&b->idx, &s);
	msg_summary_release(&s);
}

static void on_removed(void *aux, uint32_t folder, const uint32_t *uids, size_t n)
{
	struct bench *b = aux;
	for (size_t i = 0; folder == b->idx.folder && i < n; i++)
		store_index_remove(&b->idx, uids[i]);
}

static void on_reset(void *aux, uint32_t folder)
{
	struct bench *b = aux;
	if (folder != b->idx.folder)
		return;
	store_index_release(&b->idx);
	b->idx.folder = folder;
}

/* Peak RSS of this program image: VmHWM, not getrusage's ru_maxrss, which
 * on Linux keeps the peak of the parent process the program was exec'ed
 * from (a benchmark script holding 100,000 messages' data). */
static long peak_rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "VmHWM:", 6))
			kib = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	if (kib < 0) {
		struct rusage ru;
		getrusage(RUSAGE_SELF, &ru);
		kib = ru.ru_maxrss;
	}
	return kib;
}

/* Logging in runs in a thread while the index loads, as the account worker
 * connects while the interface reads the store (connecting never touches
 * the store). */
struct connector {
	struct bench *b;
	struct driver *d;
	struct err err;
	int r;
	double done_ms;
};

static void *connect_thread(void *aux)
{
	struct connector *c = aux;
	c->r = c->d->ops->connect(c->d, &c->err);
	c->done_ms = since(c->b);
	return NULL;
}

struct timings {
	double first_part_ms, index_ms, connected_ms, synced_ms;
	size_t first_part_n, index_n;
	uint32_t first_part_last, index_last;
};

static uint32_t last_uid(const struct store_index *idx)
{
	return idx->n ? idx->msgs[idx->n - 1].uid : 0;
}

/* The stored index in two steps, as the account worker sends it to the
 * interface: the newest part (the first screen), then the whole. */
static int load_index(struct bench *b, uint32_t folder, struct timings *t, struct err *err)
{
	int whole = store_index_load_newest(b->acct, folder, STORE_INDEX_NEWEST_PART, &b->idx,
					    err);
	t->first_part_ms = since(b);
	t->first_part_n = b->idx.n;
	t->first_part_last = last_uid(&b->idx);
	if (b->idx.n >= FIRST_SCREEN)
		b->first_screen = t->first_part_ms;
	if (whole == 0)
		whole = store_index_load(b->acct, folder, &b->idx, err);
	t->index_ms = since(b);
	t->index_n = b->idx.n;
	t->index_last = last_uid(&b->idx);
	return whole < 0 ? -1 : 0;
}

/* Index, connection and sync; the exit status. */
static int open_and_sync(struct bench *b, struct driver *d, uint32_t folder, struct timings *t)
{
	struct connector c = { b, d, ERR_INIT, 0, 0 };
	pthread_t th;
	bool threaded = d && pthread_create(&th, NULL, connect_thread, &c) == 0;
	struct err err = ERR_INIT;
	int st = EXIT_OK;
	if (load_index(b, folder, t, &err) < 0)
		st = cli_fail_clear(&err);
	if (d && !threaded)
		connect_thread(&c);
	if (threaded)
		pthread_join(th, NULL);
	t->connected_ms = c.done_ms;
	if (d && c.r < 0 && st == EXIT_OK)
		st = cli_fail_clear(&c.err);
	err_clear(&c.err);
	if (d && st == EXIT_OK && d->ops->sync_folder(d, folder, 0, &err) < 0)
		st = cli_fail_clear(&err);
	t->synced_ms = d ? since(b) : 0;
	if (b->first_screen < 0)
		b->first_screen = d ? t->synced_ms : t->index_ms;
	return st;
}

static int open_folder(struct cli *cli, const struct account_conf *a, const char *name,
		       bool offline, struct bench *b)
{
	struct cli_acct ca;
	int st = cli_acct_open(cli, a, true, &ca);
	if (st)
		return st;
	b->acct = ca.acct;
	struct err err = ERR_INIT;
	struct store_folder f = { 0 };
	struct net_ctx *net = offline ? NULL : cli_net(cli);
	struct driver *d = NULL;
	struct sync_observer obs = {
		.aux = b, .messages_added = on_added, .flags_changed = on_flags,
		.messages_removed = on_removed, .folder_reset = on_reset,
	};
	if (store_folder_ensure(ca.acct, name, &f, &err) < 0 ||
	    (!offline && net && driver_new(a, ca.acct, net, NULL, &obs, &d, &err) < 0))
		st = cli_fail_clear(&err);
	else if (!offline && !net)
		st = EXIT_USAGE;
	struct timings t = { 0 };
	if (!st)
		st = open_and_sync(b, d, f.id, &t);
	size_t strings = 0;
	size_t index_bytes = store_index_memory(&b->idx, &strings);
	size_t messages = b->idx.n;
	long rss = peak_rss_kib();
	if (d)
		d->ops->disconnect(d);
	driver_free(&d);
	store_index_release(&b->idx);
	store_folder_release(&f);
	cli_acct_close(&ca);
	double quit_ms = since(b);
	printf("{\"first_part_ms\":%.1f,\"first_part_messages\":%zu,\"first_part_last_uid\":%u,"
	       "\"index_ms\":%.1f,\"index_messages\":%zu,\"last_uid\":%u,"
	       "\"first_screen_ms\":%.1f,"
	       "\"connected_ms\":%.1f,\"synced_ms\":%.1f,\"quit_ms\":%.1f,\"messages\":%zu,"
	       "\"peak_rss_kib\":%ld,\"index_bytes\":%zu,\"start_s\":%.6f}\n",
	       t.first_part_ms, t.first_part_n, t.first_part_last, t.index_ms, t.index_n,
	       t.index_last, b->first_screen, t.connected_ms, t.synced_ms, quit_ms,
	       messages, rss, index_bytes,
	       (double)b->start.tv_sec + (double)b->start.tv_nsec / 1e9);
	return st;
}

int cmd_bench_open(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "offline", no_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct bench b = { .idx = STORE_INDEX_INIT, .first_screen = -1 };
	clock_gettime(CLOCK_MONOTONIC, &b.start);
	bool offline = false;
	int opt;
	optind = 0;
	while ((opt = cli_getopt(cli, "bench-open", argc, argv, "", longopts)) != -1) {
		if (opt == CLI_OPT_HELP)
			return EXIT_OK;
		if (opt != 'o')
			return cli_usage_error("bench-open", _("unknown option"));
		offline = true;
	}
	if (argc - optind > 1)
		return cli_usage_error("bench-open", _("give at most one folder"));
	const struct account_conf *a = cli_account(cli);
	if (!a)
		return EXIT_USAGE;
	return open_folder(cli, a, optind < argc ? argv[optind] : "INBOX", offline, &b);
}
