/* libFuzzer target: the IMAP code above libetpan, fed through the stream
 * driver. The input is everything a server says in one session (greeting,
 * then the replies to LOGIN, CAPABILITY, LIST, SELECT, SEARCH, FETCH ...,
 * with the tags 1, 2, 3 ... libetpan gives its commands); a thread plays it
 * on a local TCP socket and then closes, while the real IMAP driver
 * connects, lists the folders, syncs each and fetches a body into a fresh
 * store. Seeds are recorded sessions (tests/fuzz/corpus/imap, made by
 * tests/fuzz/record-imap.py); the sanitizers judge. */
#include "common.h"

#include <ftw.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conf/conf.h"
#include "core/driver.h"
#include "net/net.h"
#include "store/store.h"
#include "util/err.h"
#include "util/paths.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Durability is not what is fuzzed here, and fsync is most of the time a
 * run takes: the store's own calls skip it. */
int fsync(int fd)
{
	(void)fd;
	return 0;
}

static char *top, *config_dir, *data_dir;
static int listener = -1;
static struct conf *conf;
static struct net_ctx *net;

static void die(const char *what)
{
	fprintf(stderr, "fuzz-imap: %s: %s\n", what, strerror(errno));
	abort();
}

static void write_account(int port)
{
	char *dir = path_join(config_dir, "accounts");
	mkdir(dir, 0700);
	char *path = path_join(dir, "f.conf");
	FILE *f = fopen(path, "w");
	if (!f)
		die(path);
	fprintf(f, "protocol = imap\nhost = 127.0.0.1\nport = %d\ntls = none\n"
		"allow_plaintext_password = yes\nuser = u\npassword = pw\n"
		"address = u@example.test\ntimeout = 5\n", port);
	fclose(f);
	chmod(path, 0600);
	free(path);
	free(dir);
}

static void setup(void)
{
	const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	top = path_join(base, "postie-fuzz-imap.XXXXXX");
	if (!mkdtemp(top))
		die("mkdtemp");
	config_dir = path_join(top, "config");
	data_dir = path_join(top, "data");
	mkdir(config_dir, 0700);

	listener = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof sa;
	if (listener < 0 || bind(listener, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    listen(listener, 8) < 0 || getsockname(listener, (struct sockaddr *)&sa, &len) < 0)
		die("listen");
	write_account(ntohs(sa.sin_port));

	struct conf_diags diags = { 0 };
	if (conf_load(config_dir, &conf, &diags) < 0)
		abort();
	conf_diags_release(&diags);
	struct net_options no = { .data_dir = top };
	struct err err = ERR_INIT;
	if (net_ctx_new(&no, &net, &err) < 0)
		abort();
}

struct play {
	const uint8_t *data;
	size_t size;
	volatile bool done;     /* the session is over: the next connection ends the thread */
};

/* The first connection: says everything at once, then hangs up once the
 * client has. */
static void play_one(int fd, const struct play *p)
{
	for (size_t done = 0; done < p->size;) {
		ssize_t n = send(fd, p->data + done, p->size - done, MSG_NOSIGNAL);
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	shutdown(fd, SHUT_WR);
	char sink[4096];
	while (recv(fd, sink, sizeof sink, 0) > 0)
		;
}

/* The server. A reconnection gets an empty session at once. */
static void *serve(void *aux)
{
	struct play *p = aux;
	for (bool first = true;; first = false) {
		int fd = accept(listener, NULL, NULL);
		if (fd < 0)
			return NULL;
		if (p->done) {
			close(fd);
			return NULL;
		}
		if (first)
			play_one(fd, p);
		close(fd);
	}
}

/* Ends the server thread: a connection after done is set. */
static void stop_server(struct play *p, pthread_t th)
{
	p->done = true;
	struct sockaddr_in sa;
	socklen_t len = sizeof sa;
	getsockname(listener, (struct sockaddr *)&sa, &len);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	connect(fd, (struct sockaddr *)&sa, sizeof sa);
	pthread_join(th, NULL);
	close(fd);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void session(struct store_acct *acct)
{
	struct err err = ERR_INIT;
	struct driver *d = NULL;
	if (driver_new(conf_find_account(conf, "f"), acct, net, NULL, NULL, &d, &err) < 0)
		abort();
	if (d->ops->connect(d, &err) == 0 && d->ops->sync_folders(d, &err) == 0) {
		store_folders list = ARRAY_INIT;
		store_folder_list(acct, &list, &err);
		for (size_t i = 0; i < list.n && d->ops->connected(d); i++) {
			if (d->ops->sync_folder(d, list.v[i].id, 0, &err) < 0)
				err_clear(&err);
			else if (list.v[i].n_messages)
				d->ops->fetch_body(d, list.v[i].id, 2, &err);
			err_clear(&err);
		}
		store_folders_release(&list);
	}
	err_clear(&err);
	driver_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!top)
		setup();
	struct play p = { data, size, false };
	pthread_t th;
	if (pthread_create(&th, NULL, serve, &p) != 0)
		die("pthread_create");
	struct err err = ERR_INIT;
	struct store *store = NULL;
	struct store_acct *acct = NULL;
	if (store_open(data_dir, 0, &store, &err) < 0 ||
	    store_acct_open(store, "f", STORE_ACCT_CACHE, 0, &acct, &err) < 0) {
		fprintf(stderr, "fuzz-imap: %s\n", err_msg(&err));
		abort();
	}
	session(acct);
	store_acct_close(&acct);
	store_close(&store);
	stop_server(&p, th);
	nftw(data_dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}
