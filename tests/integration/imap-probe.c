/* A probe for the IMAP integration tests: drives the driver calls that have
 * no command of their own (append, folder management, wait_changes) the way
 * the account worker will, printing the observer's events.
 *
 *   imap-probe CONFIG_DIR DATA_DIR ACCOUNT COMMAND ARGS...
 *     append FOLDER FILE [seen|draft]   driver append(): prints "uid N"
 *     journal-append FOLDER FILE        ops_append(): journaled, prints "uid 0"
 *     folder create|rename|delete|subscribe|unsubscribe NAME [NEW]
 *     wait FOLDER MS [WAKE_AFTER_MS]     wait_changes() once: prints "result R"
 *     resync FOLDER SECONDS              sync_folder(), pause (the test takes the
 *                                        server away and back), sync_folder()
 *                                        again: prints each result, and how the
 *                                        driver was reused ("reconnected")
 *
 * Events: "added FOLDER N", "removed FOLDER N", "flags FOLDER N", "reset
 * FOLDER", "new FOLDER N", "notice TEXT", "folders". Exits 0 on success, 1
 * with "error KIND: MESSAGE". */
#include "common.h"

#include <pthread.h>
#include <unistd.h>

#include "conf/conf.h"
#include "core/driver.h"
#include "core/ops.h"
#include "net/net.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/paths.h"

static void ev_added(void *aux, uint32_t f, const struct msg_summary *v, size_t n)
{
	(void)aux;
	(void)v;
	printf("added %u %zu\n", f, n);
}
static void ev_removed(void *aux, uint32_t f, const uint32_t *u, size_t n)
{
	(void)aux;
	(void)u;
	printf("removed %u %zu\n", f, n);
}
static void ev_flags(void *aux, uint32_t f, const uint32_t *u, size_t n)
{
	(void)aux;
	(void)u;
	printf("flags %u %zu\n", f, n);
}
static void ev_reset(void *aux, uint32_t f)
{
	(void)aux;
	printf("reset %u\n", f);
}
static void ev_new(void *aux, uint32_t f, size_t n)
{
	(void)aux;
	printf("new %u %zu\n", f, n);
}
static void ev_notice(void *aux, const char *text)
{
	(void)aux;
	printf("notice %s\n", text);
}
static void ev_folders(void *aux)
{
	(void)aux;
	printf("folders\n");
}

static const struct sync_observer obs = {
	.messages_added = ev_added, .messages_removed = ev_removed, .flags_changed = ev_flags,
	.folder_reset = ev_reset, .new_mail = ev_new, .notice = ev_notice,
	.folders_changed = ev_folders,
};

struct waker {
	int fd;
	int after_ms;
};

static void *wake_later(void *aux)
{
	struct waker *w = aux;
	usleep((useconds_t)w->after_ms * 1000);
	ssize_t n = write(w->fd, "x", 1);
	(void)n;
	return NULL;
}

static int folder_id(struct store_acct *acct, const char *name, uint32_t *id, struct err *err)
{
	struct store_folder f = { 0 };
	int r = store_folder_get(acct, name, &f, err);
	if (r == 0)
		r = err_set(err, ERR_NOT_FOUND, "no folder %s in the store", name);
	*id = f.id;
	store_folder_release(&f);
	return r < 0 ? -1 : 0;
}

static int run(struct driver *d, const struct account_conf *a, int argc, char **argv,
	       struct err *err)
{
	const char *cmd = argv[0];
	uint32_t folder = 0;
	if (!strcmp(cmd, "append") || !strcmp(cmd, "journal-append")) {
		struct buf msg = BUF_INIT;
		uint32_t uid = 0, flags = 0;
		if (argc > 3)
			flags = !strcmp(argv[3], "seen") ? MSG_SEEN : MSG_DRAFT;
		int r = folder_id(d->store, argv[1], &folder, err);
		if (r == 0)
			r = file_read_all(argv[2], &msg, err);
		struct ops_ctx ctx = { a, d->store };
		if (r == 0)
			r = !strcmp(cmd, "append")
				? d->ops->append(d, folder, msg.data, msg.len, flags, &uid, err)
				: ops_append(&ctx, folder, msg.data, msg.len, flags, &uid, err);
		buf_release(&msg);
		if (r == 0)
			printf("uid %u\n", uid);
		return r;
	}
	if (!strcmp(cmd, "folder")) {
		static const char *const names[] = { "create", "rename", "delete", "subscribe",
						     "unsubscribe" };
		for (size_t i = 0; i < ARRAY_SIZE(names); i++)
			if (!strcmp(argv[1], names[i]))
				return d->ops->folder_op(d, (enum folder_op)i, argv[2],
							 argc > 3 ? argv[3] : NULL, err);
		return err_set(err, ERR_USAGE, "unknown folder op %s", argv[1]);
	}
	if (!strcmp(cmd, "wait")) {
		if (folder_id(d->store, argv[1], &folder, err) < 0)
			return -1;
		int fds[2];
		if (pipe(fds) < 0)
			return err_set(err, ERR_IO, "pipe: %s", strerror(errno));
		struct waker w = { fds[1], argc > 3 ? atoi(argv[3]) : 0 };
		pthread_t th;
		if (w.after_ms)
			pthread_create(&th, NULL, wake_later, &w);
		int r = d->ops->wait_changes(d, folder, fds[0], atoi(argv[2]), err);
		if (w.after_ms)
			pthread_join(th, NULL);
		close(fds[0]);
		close(fds[1]);
		if (r >= 0)
			printf("result %d\n", r);
		return r < 0 ? -1 : 0;
	}
	if (!strcmp(cmd, "resync")) {
		if (folder_id(d->store, argv[1], &folder, err) < 0 ||
		    d->ops->sync_folder(d, folder, 0, err) < 0)
			return -1;
		printf("synced\n");
		sleep((unsigned)atoi(argv[2]));
		struct err e = ERR_INIT;
		if (d->ops->sync_folder(d, folder, 0, &e) < 0) {
			printf("failed %s connected=%d\n", err_kind_name(e.kind),
			       d->ops->connected(d));
			err_clear(&e);
			if (d->ops->connect(d, err) < 0 || d->ops->sync_folder(d, folder, 0, err) < 0)
				return -1;
			printf("reconnected\n");
		}
		printf("synced\n");
		return 0;
	}
	return err_set(err, ERR_USAGE, "unknown command %s", cmd);
}

int main(int argc, char **argv)
{
	if (argc < 6) {
		fprintf(stderr, "usage: imap-probe CONFIG_DIR DATA_DIR ACCOUNT COMMAND ARGS...\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	struct conf *conf = NULL;
	struct conf_diags diags = { 0 };
	struct err err = ERR_INIT;
	struct store *store = NULL;
	struct store_acct *acct = NULL;
	struct net_ctx *net = NULL;
	struct driver *d = NULL;
	struct net_options no = { .data_dir = argv[2] };
	conf_load(argv[1], &conf, &diags);
	conf_diags_release(&diags);
	const struct account_conf *a = conf_find_account(conf, argv[3]);
	int r = a ? 0 : err_set(&err, ERR_CONFIG, "no account %s", argv[3]);
	if (r == 0)
		r = store_open(argv[2], 0, &store, &err);
	if (r == 0)
		r = store_acct_open(store, a->account, STORE_ACCT_CACHE, 0, &acct, &err);
	if (r == 0)
		r = net_ctx_new(&no, &net, &err);
	if (r == 0)
		r = driver_new(a, acct, net, NULL, &obs, &d, &err);
	if (r == 0 && strcmp(argv[4], "journal-append") != 0)
		r = d->ops->connect(d, &err);
	if (r == 0)
		r = run(d, a, argc - 4, argv + 4, &err);
	if (r < 0)
		printf("error %s: %s\n", err_kind_name(err.kind), err_msg(&err));
	err_clear(&err);
	driver_free(&d);
	net_ctx_free(&net);
	store_acct_close(&acct);
	store_close(&store);
	conf_free(&conf);
	return r < 0;
}
