#include "common.h"

#include <time.h>

#include "conf/conf.h"
#include "core/account-private.h"
#include "store/store.h"

#define PROGRESS_MS 100
#define FOLDERS_MS 1000

static long ms_since(const struct timespec *then)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - then->tv_sec) * 1000 + (now.tv_nsec - then->tv_nsec) / 1000000;
}

static void stamp(struct timespec *ts)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
}

void account_flush_folders(struct account *a, bool force)
{
	if (!force && !a->folders_dirty)
		return;
	struct event *ev = event_new(EV_FOLDERS, a->o.index, 0);
	struct err err = ERR_INIT;
	if (store_folder_list(a->store, &ev->folders, &err) < 0) {
		event_free(&ev);
		ev = event_new(EV_NOTICE, a->o.index, 0);
		ev->text = xstrdup(err_msg(&err));
		err_clear(&err);
	} else {
		store_folders_keep_listed(&ev->folders, a->o.conf->subscribed_only);
	}
	account_post(a, ev);
	a->folders_dirty = false;
	stamp(&a->last_folders);
}

/* Counts changed: send them now and then during a long call, and at its end. */
static void folders_touched(struct account *a)
{
	a->folders_dirty = true;
	if (ms_since(&a->last_folders) >= FOLDERS_MS)
		account_flush_folders(a, false);
}

static bool viewed(struct account *a, uint32_t folder)
{
	return folder && atomic_load(&a->view_folder) == folder;
}

void account_service_point(struct account *a)
{
	struct request *r;
	while (!atomic_load(&a->stop) &&
	       (r = reqq_pop_if(&a->q, account_is_read, a)) != NULL) {
		if (r->kind != REQ_GET_BODY) {
			account_serve_store(a, r);
		} else if (account_body_from_store(a, r, NULL) == 1) {
			account_reply(a, r->id, EV_DONE, NULL, NULL);
			request_free(&r);
		} else {
			/* not in the store: its turn comes after this call */
			r->deferred = true;
			reqq_push_front(&a->q, r);
		}
	}
}

static void on_progress(void *aux, const char *what, uint64_t done, uint64_t total)
{
	struct account *a = aux;
	if (ms_since(&a->last_progress) >= PROGRESS_MS || (total && done >= total)) {
		struct event *ev = event_new(EV_PROGRESS, a->o.index, a->reply_to);
		ev->text = xstrdup(what ? what : "");
		ev->n1 = done;
		ev->n2 = total;
		account_post(a, ev);
		stamp(&a->last_progress);
	}
	account_service_point(a);
}

static void on_folders_changed(void *aux)
{
	struct account *a = aux;
	folders_touched(a);
	account_service_point(a);
}

static void on_messages_added(void *aux, uint32_t folder, const struct msg_summary *v, size_t n)
{
	struct account *a = aux;
	if (viewed(a, folder) && n) {
		struct event *ev = event_new(EV_MSGS_ADDED, a->o.index, a->reply_to);
		ev->folder = folder;
		ev->msgs = xcalloc(n, sizeof *ev->msgs);
		for (size_t i = 0; i < n; i++)
			msg_summary_copy(&ev->msgs[i], &v[i]);
		ev->n_msgs = n;
		account_post(a, ev);
	}
	folders_touched(a);
	account_service_point(a);
}

static void on_flags_changed(void *aux, uint32_t folder, const uint32_t *uids, size_t n)
{
	struct account *a = aux;
	if (viewed(a, folder) && n) {
		struct event *ev = event_new(EV_FLAGS, a->o.index, a->reply_to);
		ev->folder = folder;
		ev->uids = xcalloc(n, sizeof *ev->uids);
		ev->vals = xcalloc(n, sizeof *ev->vals);
		struct msg_summary s;
		msg_summary_init(&s);
		for (size_t i = 0; i < n; i++)
			if (store_msg_get(a->store, folder, uids[i], &s, NULL) == 1) {
				ev->uids[ev->n] = uids[i];
				ev->vals[ev->n++] = s.flags;
			}
		msg_summary_release(&s);
		account_post(a, ev);
	}
	folders_touched(a);
	account_service_point(a);
}

static void on_messages_removed(void *aux, uint32_t folder, const uint32_t *uids, size_t n)
{
	struct account *a = aux;
	if (viewed(a, folder) && n) {
		struct event *ev = event_new(EV_MSGS_REMOVED, a->o.index, a->reply_to);
		ev->folder = folder;
		ev->uids = xmemdup(uids, n * sizeof *uids);
		ev->n = n;
		account_post(a, ev);
	}
	folders_touched(a);
	account_service_point(a);
}

static void on_folder_reset(void *aux, uint32_t folder)
{
	struct account *a = aux;
	struct event *ev = event_new(EV_FOLDER_RESET, a->o.index, a->reply_to);
	ev->folder = folder;
	account_post(a, ev);
	folders_touched(a);
}

static void on_new_mail(void *aux, uint32_t folder, size_t n)
{
	struct account *a = aux;
	struct event *ev = event_new(EV_NEW_MAIL, a->o.index, 0);
	ev->folder = folder;
	ev->n1 = n;
	account_post(a, ev);
}

static void on_notice(void *aux, const char *text)
{
	struct account *a = aux;
	struct event *ev = event_new(EV_NOTICE, a->o.index, 0);
	ev->text = xstrdup(text);
	account_post(a, ev);
}

void account_observer_init(struct account *a)
{
	a->obs = (struct sync_observer){
		.aux = a,
		.progress = on_progress,
		.folders_changed = on_folders_changed,
		.messages_added = on_messages_added,
		.flags_changed = on_flags_changed,
		.messages_removed = on_messages_removed,
		.folder_reset = on_folder_reset,
		.new_mail = on_new_mail,
		.notice = on_notice,
	};
}
