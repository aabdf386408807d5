#include "common.h"

#include <poll.h>
#include <time.h>
#include <unistd.h>

#include "core/account.h"
#include "core/driver.h"
#include "fake-driver.h"
#include "net/net.h"
#include "net/secret.h"
#include "store/store.h"
#include "util/array.h"

static struct fake_server *server;

struct fake {
	bool connected;
};

void fake_server_init(struct fake_server *s)
{
	memset(s, 0, sizeof *s);
	pthread_mutex_init(&s->mu, NULL);
	s->connect_error = ERR_NET;
	server = s;
}

void fake_server_release(struct fake_server *s)
{
	for (size_t i = 0; i < s->n_folders; i++) {
		struct fake_folder *f = &s->folders[i];
		for (size_t j = 0; j < f->n; j++) {
			free(f->v[j].from);
			free(f->v[j].subject);
			free(f->v[j].body);
		}
		free(f->v);
		free(f->name);
	}
	free(s->password);
	pthread_mutex_destroy(&s->mu);
	server = NULL;
}

static struct fake_folder *folder_named(struct fake_server *s, const char *name, bool create)
{
	for (size_t i = 0; i < s->n_folders; i++)
		if (strcmp(s->folders[i].name, name) == 0)
			return &s->folders[i];
	if (!create || s->n_folders == ARRAY_SIZE(s->folders))
		return NULL;
	struct fake_folder *f = &s->folders[s->n_folders++];
	f->name = xstrdup(name);
	return f;
}

void fake_server_add(struct fake_server *s, const char *folder, uint32_t uid, const char *from,
		     const char *subject, uint32_t flags, const char *body)
{
	pthread_mutex_lock(&s->mu);
	struct fake_folder *f = folder_named(s, folder, true);
	ARRAY_PUSH(f, ((struct fake_msg){ uid, xstrdup(from), xstrdup(subject),
					  xstrdup(body ? body : ""), flags,
					  1700000000 + (int64_t)uid * 60 }));
	pthread_mutex_unlock(&s->mu);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

static int cancelled(struct driver *d, struct err *err)
{
	if (!net_cancel_fired(d->cancel))
		return 0;
	((struct fake *)d->priv)->connected = false;
	return err_set(err, ERR_CANCELLED, "fake: cancelled");
}

static int f_connect(struct driver *d, struct err *err)
{
	struct fake *fk = d->priv;
	if (fk->connected)
		return 0;
	atomic_fetch_add(&server->connects, 1);
	pthread_mutex_lock(&server->mu);
	bool fail = server->connect_failures > 0;
	if (fail)
		server->connect_failures--;
	bool ask = server->ask_password;
	pthread_mutex_unlock(&server->mu);
	if (fail)
		return err_set(err, server->connect_error, "fake: connection refused");
	if (ask) {
		struct secret pw = SECRET_INIT;
		if (account_ask(account_current(), Q_SECRET, "fake password?", NULL, &pw) < 0)
			return err_set(err, ERR_AUTH, "fake: no password");
		pthread_mutex_lock(&server->mu);
		free(server->password);
		server->password = xstrdup(secret_str(&pw));
		pthread_mutex_unlock(&server->mu);
		secret_release(&pw);
	}
	fk->connected = true;
	return 0;
}

static void f_disconnect(struct driver *d)
{
	((struct fake *)d->priv)->connected = false;
}

static bool f_connected(struct driver *d)
{
	return ((struct fake *)d->priv)->connected;
}

static int f_sync_folders(struct driver *d, struct err *err)
{
	if (server->folders_delay_ms)
		sleep_ms(server->folders_delay_ms);
	if (atomic_load(&server->hold_folders)) {
		atomic_fetch_add(&server->held, 1);
		while (atomic_load(&server->hold_folders))
			sleep_ms(2);
	}
	pthread_mutex_lock(&server->mu);
	for (size_t i = 0; i < server->n_folders; i++) {
		struct store_folder f = { 0 };
		int r = store_folder_ensure(d->store, server->folders[i].name, &f, err);
		store_folder_release(&f);
		if (r < 0) {
			pthread_mutex_unlock(&server->mu);
			return -1;
		}
	}
	pthread_mutex_unlock(&server->mu);
	d->obs->folders_changed(d->obs->aux);
	return 0;
}

static void fill(struct msg_summary *s, const struct fake_msg *m)
{
	msg_summary_init(s);
	s->uid = m->uid;
	s->flags = m->flags;
	s->date = m->date;
	s->size = (uint32_t)strlen(m->body) + 100;
	msg_summary_set(&s->from, m->from);
	msg_summary_set(&s->subject, m->subject);
	char *mid = xasprintf("m%u@fake", m->uid);
	msg_summary_set(&s->message_id, mid);
	free(mid);
}

/* Stores the messages of f the store lacks, batch by batch. */
static int store_new(struct driver *d, uint32_t folder, struct fake_folder *f, struct err *err)
{
	ARRAY(struct msg_summary) batch = ARRAY_INIT;
	size_t per = server->batch > 0 ? (size_t)server->batch : f->n + 1;
	size_t done = 0, batch_n_first = 0;
	int rc = 0;
	struct msg_summary have;
	msg_summary_init(&have);
	for (size_t i = 0; i <= f->n && rc == 0; i++) {
		if (i < f->n && store_msg_get(d->store, folder, f->v[i].uid, &have, NULL) != 1) {
			struct msg_summary s;
			fill(&s, &f->v[i]);
			ARRAY_PUSH(&batch, s);
		}
		if (batch.n && (batch.n == per || i == f->n)) {
			rc = store_msg_put(d->store, folder, batch.v, batch.n, err);
			if (rc == 0)
				d->obs->messages_added(d->obs->aux, folder, batch.v, batch.n);
			if (!done)
				batch_n_first = batch.n;
			done += batch.n;
			d->obs->progress(d->obs->aux, "fake: new messages", done, f->n);
			for (size_t j = 0; j < batch.n; j++)
				msg_summary_release(&batch.v[j]);
			batch.n = 0;
			if (server->batch_delay_ms)
				sleep_ms(server->batch_delay_ms);
			if (done == batch_n_first && atomic_load(&server->hold_batches)) {
				atomic_fetch_add(&server->held, 1);
				while (atomic_load(&server->hold_batches)) {
					d->obs->progress(d->obs->aux, "fake: held", done, f->n);
					sleep_ms(2);
				}
			}
			if (rc == 0)
				rc = cancelled(d, err);
		}
	}
	msg_summary_release(&have);
	ARRAY_RELEASE(&batch);
	return rc;
}

static int f_sync_folder(struct driver *d, uint32_t folder, unsigned flags, struct err *err)
{
	(void)flags;
	atomic_fetch_add(&server->syncs, 1);
	if (atomic_load(&server->block_sync))
		atomic_fetch_add(&server->blocked, 1);
	while (atomic_load(&server->block_sync)) {
		if (cancelled(d, err) < 0)
			return -1;
		sleep_ms(5);
	}
	struct store_folder sf = { 0 };
	int r = store_folder_get_id(d->store, folder, &sf, err);
	if (r <= 0) {
		store_folder_release(&sf);
		return r < 0 ? -1 : err_set(err, ERR_NOT_FOUND, "fake: no folder %u", folder);
	}
	pthread_mutex_lock(&server->mu);
	struct fake_folder *f = folder_named(server, sf.name, false);
	r = f ? store_new(d, folder, f, err) : 0;
	pthread_mutex_unlock(&server->mu);
	store_folder_release(&sf);
	return r;
}

static int f_fetch_body(struct driver *d, uint32_t folder, uint32_t uid, struct err *err)
{
	atomic_fetch_add(&server->fetches, 1);
	struct store_folder sf = { 0 };
	if (store_folder_get_id(d->store, folder, &sf, err) != 1)
		return -1;
	pthread_mutex_lock(&server->mu);
	struct fake_folder *f = folder_named(server, sf.name, false);
	int r = 0;
	for (size_t i = 0; f && i < f->n; i++)
		if (f->v[i].uid == uid) {
			char *raw = xasprintf("From: %s\r\nSubject: %s\r\n\r\n%s", f->v[i].from,
					      f->v[i].subject, f->v[i].body);
			r = store_body_put(d->store, folder, uid, raw, strlen(raw), err);
			free(raw);
		}
	pthread_mutex_unlock(&server->mu);
	store_folder_release(&sf);
	return r;
}

static int f_replay(struct driver *d, struct err *err)
{
	atomic_fetch_add(&server->replays, 1);
	store_ops ops = ARRAY_INIT;
	if (store_journal_list(d->store, &ops, err) < 0)
		return -1;
	int r = 0;
	for (size_t i = 0; i < ops.n && r == 0; i++)
		r = store_journal_remove(d->store, ops.v[i].seq, err);
	store_ops_release(&ops);
	return r;
}

/* A message arrives in INBOX. */
static int arrive(struct driver *d, uint32_t folder, struct err *err)
{
	pthread_mutex_lock(&server->mu);
	struct fake_folder *f = folder_named(server, "INBOX", true);
	uint32_t uid = f->n ? f->v[f->n - 1].uid + 1 : 1;
	int n = server->arrive;
	server->arrive = 0;
	pthread_mutex_unlock(&server->mu);
	for (int i = 0; i < n; i++) {
		char *subj = xasprintf("arrived %d", i);
		fake_server_add(server, "INBOX", uid + (uint32_t)i, "new@example.test", subj,
				MSG_RECENT, "hello");
		free(subj);
	}
	pthread_mutex_lock(&server->mu);
	int r = store_new(d, folder, f, err);
	pthread_mutex_unlock(&server->mu);
	if (r == 0)
		d->obs->new_mail(d->obs->aux, folder, (size_t)n);
	return r < 0 ? -1 : 1;
}

static int wait_loop(struct driver *d, uint32_t folder, int wake_fd, int timeout_ms,
		     struct err *err)
{
	for (int waited = 0; timeout_ms < 0 || waited < timeout_ms; waited += 5) {
		if (cancelled(d, err) < 0)
			return -1;
		if (server->arrive)
			return arrive(d, folder, err);
		struct pollfd p = { wake_fd, POLLIN, 0 };
		if (poll(&p, 1, 5) > 0)
			return 0;
	}
	return 0;
}

static int f_wait_changes(struct driver *d, uint32_t folder, int wake_fd, int timeout_ms,
			  struct err *err)
{
	atomic_fetch_add(&server->waits, 1);
	atomic_store(&server->waiting, true);
	int r = wait_loop(d, folder, wake_fd, timeout_ms, err);
	atomic_store(&server->waiting, false);
	return r;
}

static void f_free(struct driver **dp)
{
	struct driver *d = *dp;
	if (!d)
		return;
	free(d->priv);
	free(d);
	*dp = NULL;
}

static const struct driver_ops fake_ops = {
	.name = "fake",
	.caps = DRIVER_CAP_SERVER_FOLDERS | DRIVER_CAP_SERVER_FLAGS | DRIVER_CAP_IDLE,
	.connect = f_connect,
	.disconnect = f_disconnect,
	.connected = f_connected,
	.sync_folders = f_sync_folders,
	.sync_folder = f_sync_folder,
	.fetch_body = f_fetch_body,
	.replay_journal = f_replay,
	.wait_changes = f_wait_changes,
	.folder_op = NULL,
	.append = NULL,
	.free = f_free,
};

int fake_driver_new(const struct account_conf *conf, struct store_acct *store, struct net_ctx *net,
		    struct net_cancel *cancel, const struct sync_observer *obs, struct driver **d_r,
		    struct err *err)
{
	(void)err;
	struct driver *d = xcalloc(1, sizeof *d);
	*d = (struct driver){ &fake_ops, conf, store, net, cancel, obs, xcalloc(1, sizeof(struct fake)) };
	*d_r = d;
	return 0;
}
