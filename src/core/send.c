/* The account's outbox as its worker runs it: queueing what the user wrote
 * (REQ_SEND, REQ_POSTPONE: store-only), and flushing over SMTP in the
 * background, with the store lock taken only around each use of the store
 * (core/outbox.h's lock hooks), so the UI keeps reading while SMTP runs. */
#include "common.h"

#include <time.h>

#include "conf/conf.h"
#include "core/account-private.h"
#include "core/compose.h"
#include "core/outbox.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/log.h"

static void lock_store(void *aux)
{
	pthread_mutex_lock(&((struct account *)aux)->store_lock);
}

static void unlock_store(void *aux)
{
	pthread_mutex_unlock(&((struct account *)aux)->store_lock);
}

static void rcpt_list(const struct store_outbox_entry *e, struct buf *out)
{
	for (size_t i = 0; i < e->n_rcpts && i < 3; i++)
		buf_addf(out, "%s%s", i ? ", " : "", e->rcpts[i].addr);
	if (e->n_rcpts > 3)
		buf_addf(out, ngettext(" and %zu more", " and %zu more", e->n_rcpts - 3),
			 e->n_rcpts - 3);
}

static void on_entry(void *aux, const struct store_outbox_entry *e, bool removed)
{
	struct account *a = aux;
	struct buf to = BUF_INIT;
	rcpt_list(e, &to);
	char *text = NULL;
	if (removed || e->state == OUTBOX_SENT)
		text = xasprintf(_("Sent the message to %s."), buf_cstr(&to));
	else if (e->state == OUTBOX_FAILED)
		text = xasprintf(_("Could not send the message to %s: %s"), buf_cstr(&to),
				 e->last_error ? e->last_error : "?");
	else if (e->state == OUTBOX_QUEUED && e->last_error)
		text = xasprintf(_("The message to %s waits in the outbox: %s"), buf_cstr(&to),
				 e->last_error);
	buf_release(&to);
	if (text) {
		struct event *ev = event_new(EV_NOTICE, a->o.index, 0);
		ev->text = text;
		account_post(a, ev);
	}
	account_post(a, event_new(EV_OUTBOX_CHANGED, a->o.index, 0));
}

static void on_status(void *aux, const char *text)
{
	struct account *a = aux;
	struct event *ev = event_new(EV_PROGRESS, a->o.index, a->reply_to);
	ev->text = xstrdup(text);
	account_post(a, ev);
}

static void outbox_ctx_init(struct account *a, struct outbox_ctx *ctx, struct outbox_observer *obs,
			    bool with_lock)
{
	*obs = (struct outbox_observer){ .aux = a, .entry = on_entry, .status = on_status };
	*ctx = (struct outbox_ctx){
		.conf = a->o.conf, .store = a->store, .net = a->o.net, .cancel = a->cancel,
		.obs = obs, .spool_dir = a->spool_dir,
	};
	if (with_lock) {
		ctx->lock = lock_store;
		ctx->unlock = unlock_store;
		ctx->lock_aux = a;
	}
}

bool account_can_send(const struct account *a)
{
	return a->o.conf->smtp_host && a->o.net;
}

void account_count_unsent(struct account *a)
{
	store_outbox_entries list = ARRAY_INIT;
	if (store_outbox_list(a->store, &list, NULL) < 0)
		return;
	int n = 0;
	for (size_t i = 0; i < list.n; i++)
		if (list.v[i].state == OUTBOX_QUEUED || list.v[i].state == OUTBOX_SENDING)
			n++;
	store_outbox_entries_release(&list);
	atomic_store(&a->unsent, n);
}

int account_flush_outbox(struct account *a, unsigned flags, uint64_t reply_to, struct err *err)
{
	atomic_store(&a->outbox_due, false);
	struct outbox_ctx ctx;
	struct outbox_observer obs;
	outbox_ctx_init(a, &ctx, &obs, true);
	struct outbox_result res = { 0 };
	a->reply_to = reply_to;
	account_set_busy(a);
	int r = outbox_flush(&ctx, flags, 0, &res, err);
	account_clear_busy(a);
	pthread_mutex_lock(&a->store_lock);
	account_count_unsent(a);
	pthread_mutex_unlock(&a->store_lock);
	a->reply_to = 0;
	if (r < 0)
		log_warn("%s: outbox: %s", a->o.conf->account, err_msg(err));
	if (res.sent) {
		/* the copies to Sent went into the journal (IMAP) or a folder */
		atomic_store(&a->journal_dirty, true);
		a->folders_dirty = true;
		pthread_mutex_lock(&a->store_lock);
		account_flush_folders(a, false);
		pthread_mutex_unlock(&a->store_lock);
	}
	/* the next retry, on the monotonic clock */
	a->next_flush = INT64_MAX;
	if (res.next_attempt) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		time_t wait = res.next_attempt - time(NULL);
		a->next_flush = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 +
				(int64_t)(wait > 0 ? wait : 0) * 1000;
	}
	return r;
}

/* ---- Store-only requests ---- */

int account_serve_compose(struct account *a, struct request *r, struct err *err)
{
	struct compose_ctx cctx = { a->o.conf, a->o.global, a->store };
	struct msg_compose *c = r->payload;
	if (!c)
		return err_set(err, ERR_USAGE, "no message");
	if (r->kind == REQ_POSTPONE) {
		uint32_t uid = 0;
		int rc = compose_postpone(&cctx, c, &uid, err);
		if (rc >= 0) {
			atomic_store(&a->journal_dirty, true);
			a->folders_dirty = true;
			account_flush_folders(a, false);
		}
		return rc < 0 ? -1 : 0;
	}
	if (!a->o.conf->smtp_host)
		return err_set(err, ERR_CONFIG, _("account %s has no smtp_host, so it cannot send "
						  "(%s)"), a->o.conf->account, a->o.conf->path);
	struct outbox_ctx ctx;
	struct outbox_observer obs;
	outbox_ctx_init(a, &ctx, &obs, false);
	uint64_t id = 0;
	if (compose_send(&cctx, &ctx, c, &id, err) < 0)
		return -1;
	r->uid64 = id;
	account_count_unsent(a);
	atomic_store(&a->outbox_due, true);
	account_post(a, event_new(EV_OUTBOX_CHANGED, a->o.index, 0));
	return 0;
}

int account_serve_outbox_op(struct account *a, struct request *r, struct err *err)
{
	struct outbox_ctx ctx;
	struct outbox_observer obs;
	outbox_ctx_init(a, &ctx, &obs, false);
	int rc;
	if (r->kind == REQ_OUTBOX_REMOVE)
		rc = outbox_drop(&ctx, r->uid64, err);
	else if (r->add == OUTBOX_HELD)
		rc = outbox_hold(&ctx, r->uid64, err);
	else
		rc = outbox_retry(&ctx, r->uid64, err);
	if (rc == 0 && r->kind != REQ_OUTBOX_REMOVE && r->add != OUTBOX_HELD)
		atomic_store(&a->outbox_due, true);
	if (rc == 0) {
		account_count_unsent(a);
		account_post(a, event_new(EV_OUTBOX_CHANGED, a->o.index, 0));
	}
	return rc;
}
