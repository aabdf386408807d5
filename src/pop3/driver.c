/* The POP3 driver (core/driver.h): the server only ever hands mail over; the
 * folders, flags and moves live in the store. */
#include "common.h"

#include <poll.h>
#include <time.h>

#include "conf/conf.h"
#include "core/driver.h"
#include "pop3/pop3.h"
#include "pop3/sync.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/err.h"

static const struct {
	const char *name;
	enum store_role role;
} local_folders[] = {
	{ "INBOX", ROLE_INBOX },
	{ "Sent", ROLE_SENT },
	{ "Drafts", ROLE_DRAFTS },
	{ "Trash", ROLE_TRASH },
};

int pop3_local_folders_ensure(struct store_acct *store, uint32_t *inbox_r, struct err *err)
{
	struct store_folder f = { 0 };
	int r = 0;
	for (size_t i = 0; i < ARRAY_SIZE(local_folders) && r >= 0; i++) {
		r = store_folder_ensure(store, local_folders[i].name, &f, err);
		if (r == 1) {
			f.role = local_folders[i].role;
			f.attrs |= FOLDER_SUBSCRIBED;
			r = store_folder_update(store, &f, err);
		}
		if (r >= 0 && local_folders[i].role == ROLE_INBOX && inbox_r)
			*inbox_r = f.id;
	}
	store_folder_release(&f);
	return r < 0 ? -1 : 0;
}

static struct pop3_driver *priv(struct driver *d)
{
	return d->priv;
}

bool pop3_unreachable(enum err_kind kind)
{
	return kind == ERR_NET || kind == ERR_TIMEOUT || kind == ERR_CANCELLED ||
	       kind == ERR_TLS || kind == ERR_AUTH;
}

/* Logs in (keeping the session for a pass that follows at once). */
static int drv_connect(struct driver *d, struct err *err)
{
	struct pop3_driver *p = priv(d);
	if (p->online)
		return 0;
	pop3_session_free(&p->s);
	if (pop3_session_open(d->conf, d->net, d->cancel, &p->s, err) < 0)
		return -1;
	p->s_opened = clock_mono_ms() / 1000;
	p->online = true;
	return 0;
}

static void drv_disconnect(struct driver *d)
{
	/* Outside a pass nothing is marked for deletion: QUIT commits nothing. */
	pop3_session_close(&priv(d)->s);
	priv(d)->online = false;
}

static bool drv_connected(struct driver *d)
{
	return priv(d)->online;
}

static int drv_sync_folder(struct driver *d, uint32_t folder, unsigned flags, struct err *err)
{
	(void)flags;
	if (folder != priv(d)->inbox)
		return 0;       /* a local folder: nothing on the server */
	return pop3_pass(d, PASS_DOWNLOAD, NULL, err);
}

static int drv_fetch_body(struct driver *d, uint32_t folder, uint32_t uid, struct err *err)
{
	/* Every POP3 message is stored whole when it is downloaded. */
	struct msg_summary s;
	msg_summary_init(&s);
	int r = store_msg_get(d->store, folder, uid, &s, err);
	msg_summary_release(&s);
	if (r == 0)
		return err_set(err, ERR_NOT_FOUND, _("account %s has no message %u in folder %u"),
			       d->conf->account, uid, folder);
	return r < 0 ? -1 : 0;
}

/* Marks the UIDLs of one journalled OP_EXPUNGE for deletion on the server;
 * returns how many records it marked. */
static int mark_for_deletion(struct driver *d, const struct store_op *op, struct err *err)
{
	struct store_pop3_msg m = { 0 };
	int marked = 0, r = 0;
	if (store_begin(d->store, err) < 0)
		return -1;
	for (size_t i = 0; i < op->n_kw_del && r >= 0; i++) {
		r = store_pop3_get(d->store, op->kw_del[i], &m, err);
		if (r == 1 && !(m.flags & STORE_POP3_DELETE)) {
			m.flags |= STORE_POP3_DELETE;
			r = store_pop3_put(d->store, &m, err);
			marked++;
		}
	}
	store_pop3_msg_release(&m);
	if (r < 0) {
		store_abort(d->store);
		return -1;
	}
	return store_commit(d->store, STORE_SYNC, err) < 0 ? -1 : marked;
}

/* The journal of a POP3 account: deletions to carry to the server (see
 * core/ops.h); everything else happened in the store and has no server side. */
static int drv_replay_journal(struct driver *d, struct err *err)
{
	store_ops ops = ARRAY_INIT;
	if (store_journal_list(d->store, &ops, err) < 0)
		return -1;
	int marked = 0, r = 0;
	for (size_t i = 0; i < ops.n && r >= 0; i++) {
		const struct store_op *op = &ops.v[i];
		if (op->kind == OP_EXPUNGE && d->conf->delete_on_server_when_deleted) {
			r = mark_for_deletion(d, op, err);
			marked += r > 0 ? r : 0;
		}
		/* Marked first, then dropped: a crash in between marks again. */
		if (r >= 0)
			r = store_journal_remove(d->store, op->seq, err);
	}
	store_ops_release(&ops);
	if (r < 0)
		return -1;
	return marked ? pop3_pass(d, PASS_DELETE_ONLY, NULL, err) : 0;
}

/* POP3 cannot push: sleep, without a session (the server would lock the
 * mailbox and drop us), until woken or the time is up, then look. */
static int drv_wait_changes(struct driver *d, uint32_t folder, int wake_fd, int timeout_ms,
			    struct err *err)
{
	(void)folder;
	pop3_session_close(&priv(d)->s);
	struct pollfd p = { .fd = wake_fd, .events = POLLIN };
	int r;
	do
		r = poll(&p, wake_fd >= 0 ? 1 : 0, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r != 0)
		return 0;
	uint32_t n_new = 0;
	if (pop3_pass(d, PASS_DOWNLOAD, &n_new, err) < 0)
		return -1;
	return n_new > 0;
}

/* Folders of a POP3 account exist only in the store. The INBOX and the
 * special folders stay; a folder is deleted only when empty, since its
 * messages exist nowhere else. */
static int drv_folder_op(struct driver *d, enum folder_op op, const char *name,
			 const char *new_name, struct err *err)
{
	struct store_folder f = { 0 };
	int r = name && *name ? store_folder_get(d->store, name, &f, err)
			      : err_set(err, ERR_USAGE, _("a folder needs a name"));
	if (r == 0 && op != FOLDER_CREATE)
		r = err_set(err, ERR_NOT_FOUND, _("account %s has no folder '%s'"),
			    d->conf->account, name);
	else if (r > 0 && op != FOLDER_CREATE && f.role != ROLE_NONE &&
		 (op == FOLDER_RENAME || op == FOLDER_DELETE))
		r = err_set(err, ERR_USAGE, _("%s is a special folder of account %s and stays"),
			    name, d->conf->account);
	else if (r > 0 && op == FOLDER_DELETE && f.n_messages)
		r = err_set(err, ERR_USAGE,
			    ngettext("folder %s still holds %u message, which exists nowhere "
				     "else: move or delete it first",
				     "folder %s still holds %u messages, which exist nowhere "
				     "else: move or delete them first", f.n_messages),
			    name, f.n_messages);
	if (r < 0) {
		store_folder_release(&f);
		return -1;
	}
	switch (op) {
	case FOLDER_CREATE:
		r = r ? 0 : store_folder_ensure(d->store, name, &f, err);
		if (r >= 0 && !(f.attrs & FOLDER_SUBSCRIBED)) {
			f.attrs |= FOLDER_SUBSCRIBED;
			r = store_folder_update(d->store, &f, err);
		}
		break;
	case FOLDER_RENAME:
		r = store_folder_rename(d->store, f.id, new_name ? new_name : "", err);
		break;
	case FOLDER_DELETE:
		r = store_folder_remove(d->store, f.id, err);
		break;
	case FOLDER_SUBSCRIBE:
	case FOLDER_UNSUBSCRIBE:
		store_folder_set_subscribed(&f, op == FOLDER_SUBSCRIBE);
		r = store_folder_update(d->store, &f, err);
		break;
	}
	store_folder_release(&f);
	return r < 0 ? -1 : 0;
}

static void drv_free(struct driver **dp)
{
	struct driver *d = *dp;
	if (!d)
		return;
	struct pop3_driver *p = priv(d);
	if (p) {
		pop3_session_close(&p->s);
		free(p);
	}
	free(d);
	*dp = NULL;
}

static const struct driver_ops pop3_ops = {
	.name = "pop3",
	.caps = 0,
	.connect = drv_connect,
	.disconnect = drv_disconnect,
	.connected = drv_connected,
	.sync_folders = NULL,
	.sync_folder = drv_sync_folder,
	.fetch_body = drv_fetch_body,
	.replay_journal = drv_replay_journal,
	.wait_changes = drv_wait_changes,
	.folder_op = drv_folder_op,
	.append = NULL,
	.free = drv_free,
};

int pop3_driver_new(struct driver *d, struct err *err)
{
	struct pop3_driver *p = xcalloc(1, sizeof *p);
	if (pop3_local_folders_ensure(d->store, &p->inbox, err) < 0) {
		free(p);
		return -1;
	}
	d->ops = &pop3_ops;
	d->priv = p;
	return 0;
}
