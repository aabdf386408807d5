/* The outbox: queueing, flushing over SMTP, the states of core/outbox.h. */
#include "common.h"

#include <stdarg.h>

#include "conf/conf.h"
#include "core/ops.h"
#include "core/outbox.h"
#include "net/net.h"
#include "smtp/smtp.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/log.h"

#define BACKOFF_FIRST 60
#define BACKOFF_MAX 3600

unsigned outbox_backoff(unsigned attempts)
{
	unsigned d = BACKOFF_FIRST;
	for (unsigned i = 1; i < attempts && d < BACKOFF_MAX; i++)
		d *= 2;
	return d < BACKOFF_MAX ? d : BACKOFF_MAX;
}

const char *outbox_state_name(int state)
{
	switch (state) {
	case OUTBOX_QUEUED:
		return _("queued");
	case OUTBOX_SENDING:
		return _("sending");
	case OUTBOX_SENT:
		return _("sent");
	case OUTBOX_FAILED:
		return _("failed");
	case OUTBOX_HELD:
		return _("held");
	default:
		return "?";
	}
}

/* ---- small helpers ---- */

static time_t now_of(const struct outbox_ctx *ctx)
{
	return ctx->now ? ctx->now() : time(NULL);
}

static void lock(const struct outbox_ctx *ctx)
{
	if (ctx->lock)
		ctx->lock(ctx->lock_aux);
}

static void unlock(const struct outbox_ctx *ctx)
{
	if (ctx->unlock)
		ctx->unlock(ctx->lock_aux);
}

static void notify(const struct outbox_ctx *ctx, const struct store_outbox_entry *e, bool removed)
{
	if (ctx->obs && ctx->obs->entry)
		ctx->obs->entry(ctx->obs->aux, e, removed);
}

static void status(const struct outbox_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void status(const struct outbox_ctx *ctx, const char *fmt, ...)
{
	if (!ctx->obs || !ctx->obs->status)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	ctx->obs->status(ctx->obs->aux, s);
	free(s);
}

static int update(const struct outbox_ctx *ctx, const struct store_outbox_entry *e,
		  struct err *err)
{
	lock(ctx);
	int r = store_outbox_update(ctx->store, e, err);
	unlock(ctx);
	if (r == 0)
		notify(ctx, e, false);
	return r;
}

static void set_error(struct store_outbox_entry *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_error(struct store_outbox_entry *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	free(e->last_error);
	e->last_error = s;
}

/* ---- queueing ---- */

int outbox_check(const struct account_conf *a, const struct outbox_new *m, struct err *err)
{
	if (m->n_rcpts == 0)
		return err_set(err, ERR_INPUT, _("a message without recipients"));
	if (smtp_check_address(m->from ? m->from : a->address, true, err) < 0)
		return -1;
	for (size_t i = 0; i < m->n_rcpts; i++)
		if (smtp_check_address(m->rcpts[i], false, err) < 0)
			return -1;
	return 0;
}

int outbox_queue(const struct outbox_ctx *ctx, const struct outbox_new *m, uint64_t *id_r,
		 struct err *err)
{
	const char *from = m->from ? m->from : ctx->conf->address;
	if (outbox_check(ctx->conf, m, err) < 0)
		return -1;
	struct store_outbox_entry e;
	memset(&e, 0, sizeof e);
	e.state = OUTBOX_QUEUED;
	e.envelope_from = xstrdup(from);
	for (size_t i = 0; i < m->n_rcpts; i++)
		store_outbox_entry_add_rcpt(&e, m->rcpts[i]);
	e.fcc = m->fcc && *m->fcc ? xstrdup(m->fcc) : NULL;
	e.created = now_of(ctx);
	lock(ctx);
	int r = store_outbox_add(ctx->store, &e, m->msg, m->len, err);
	unlock(ctx);
	if (r == 0) {
		if (id_r)
			*id_r = e.id;
		notify(ctx, &e, false);
	}
	store_outbox_entry_release(&e);
	return r;
}

/* ---- after a send: the copy, the settling of states ---- */

/* Puts the copy in the fcc folder; on failure the entry keeps its fcc and
 * the next flush tries again. */
static void save_copy(const struct outbox_ctx *ctx, struct store_outbox_entry *e,
		      const struct buf *msg)
{
	struct err err = ERR_INIT;
	struct store_folder f;
	memset(&f, 0, sizeof f);
	struct ops_ctx octx = { ctx->conf, ctx->store };
	lock(ctx);
	int r = store_folder_get(ctx->store, e->fcc, &f, &err);
	if (r == 0)
		r = store_folder_ensure(ctx->store, e->fcc, &f, &err);
	uint32_t uid = 0;
	if (r >= 0)
		r = ops_append(&octx, f.id, msg->data, msg->len, MSG_SEEN, &uid, &err);
	unlock(ctx);
	store_folder_release(&f);
	if (r < 0) {
		log_warn("outbox %llu: %s", (unsigned long long)e->id, err_msg(&err));
		set_error(e, _("sent, but the copy to %s failed: %s"), e->fcc, err_msg(&err));
	} else {
		FREE(&e->fcc);
	}
	err_clear(&err);
}

/* Finishes an entry the server took: the copy, then out of the outbox. */
static int finish_sent(const struct outbox_ctx *ctx, struct store_outbox_entry *e,
		       struct outbox_result *res, struct err *err)
{
	if (e->fcc) {
		struct buf msg = BUF_INIT;
		lock(ctx);
		int r = store_outbox_message(ctx->store, e->id, &msg, err);
		unlock(ctx);
		if (r < 0) {
			buf_release(&msg);
			return -1;
		}
		if (r > 0)
			save_copy(ctx, e, &msg);
		buf_release(&msg);
		if (e->fcc)             /* the copy failed: keep it for the next flush */
			return update(ctx, e, err);
	}
	lock(ctx);
	int r = store_outbox_remove(ctx->store, e->id, err);
	unlock(ctx);
	if (r == 0) {
		notify(ctx, e, true);
		if (res)
			res->sent++;
	}
	return r;
}

/* Temporary trouble: due again after the backoff, or given up. */
static void defer(const struct outbox_ctx *ctx, struct store_outbox_entry *e, const char *why,
		  struct outbox_result *res)
{
	time_t now = now_of(ctx);
	if (now - e->created > OUTBOX_GIVE_UP) {
		e->state = OUTBOX_FAILED;
		set_error(e, ngettext("gave up after %u attempt: %s", "gave up after %u attempts: %s",
				      e->attempts), e->attempts, why);
		if (res)
			res->failed++;
		return;
	}
	e->state = OUTBOX_QUEUED;
	e->next_attempt = now + outbox_backoff(e->attempts ? e->attempts : 1);
	set_error(e, "%s", why);
	if (res) {
		res->deferred++;
		if (!res->next_attempt || e->next_attempt < res->next_attempt)
			res->next_attempt = e->next_attempt;
	}
}

/* "a@x (550 5.1.1 no such user); b@y (451 ...)" for the recipients in state. */
static char *rcpt_problems(const struct store_outbox_entry *e)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < e->n_rcpts; i++) {
		const struct store_rcpt *r = &e->rcpts[i];
		if (r->state != RCPT_REJECTED && r->state != RCPT_TEMPFAIL)
			continue;
		if (b.len)
			buf_adds(&b, "; ");
		buf_addf(&b, "%s (%d %s)", r->addr, r->code, r->reply ? r->reply : "");
	}
	return buf_detach(&b, NULL);
}

/* Sets the state from the recipients' results once a transaction got that
 * far. */
static void settle(const struct outbox_ctx *ctx, struct store_outbox_entry *e, const char *why,
		   struct outbox_result *res)
{
	bool temp = false, rejected = false;
	for (size_t i = 0; i < e->n_rcpts; i++) {
		temp |= e->rcpts[i].state == RCPT_TEMPFAIL;
		rejected |= e->rcpts[i].state == RCPT_REJECTED;
	}
	if (!temp && !rejected) {
		e->state = OUTBOX_SENT;
		FREE(&e->last_error);
		return;
	}
	char *list = rcpt_problems(e);
	char *msg = why ? xstrdup(why) : xasprintf(_("not accepted for %s"), list);
	if (temp) {
		defer(ctx, e, msg, res);
	} else {
		e->state = OUTBOX_FAILED;
		set_error(e, "%s", msg);
		if (res)
			res->failed++;
	}
	free(msg);
	free(list);
}

/* ---- sending one entry ---- */

struct attempt {
	const struct outbox_ctx *ctx;
	struct store_outbox_entry *e;
	size_t *map;            /* results[i] belongs to e->rcpts[map[i]] */
	size_t n;
	bool committed;
};

/* The commit hook: from here on the server may have the message. */
static int commit(void *aux, const struct smtp_rcpt_result *results, struct err *err)
{
	(void)results;
	struct attempt *a = aux;
	a->e->state = OUTBOX_SENDING;
	if (update(a->ctx, a->e, err) < 0)
		return -1;
	a->committed = true;
	return 0;
}

static void apply_results(struct attempt *a, const struct smtp_rcpt_result *results)
{
	static const enum store_rcpt_state of[] = {
		[SMTP_RCPT_UNTRIED] = RCPT_PENDING, [SMTP_RCPT_ACCEPTED] = RCPT_ACCEPTED,
		[SMTP_RCPT_TEMPFAIL] = RCPT_TEMPFAIL, [SMTP_RCPT_REJECTED] = RCPT_REJECTED,
	};
	for (size_t i = 0; i < a->n; i++) {
		if (results[i].status == SMTP_RCPT_UNTRIED)
			continue;
		struct store_rcpt *r = &a->e->rcpts[a->map[i]];
		r->state = of[results[i].status];
		r->code = results[i].code;
		free(r->reply);
		r->reply = results[i].text ? xstrdup(results[i].text) : NULL;
	}
}

static bool any_tried(const struct attempt *a, const struct smtp_rcpt_result *results)
{
	for (size_t i = 0; i < a->n; i++)
		if (results[i].status != SMTP_RCPT_UNTRIED)
			return true;
	return false;
}

/* What an attempt's outcome makes of the entry (not yet written). */
static void judge(struct attempt *a, int r, const struct smtp_rcpt_result *results,
		  const struct err *serr, struct outbox_result *res)
{
	struct store_outbox_entry *e = a->e;
	enum err_kind k = serr->kind;
	bool server_said = k == ERR_SERVER_TEMP || k == ERR_SERVER_PERM;
	if (k == ERR_CANCELLED && !a->committed) {
		e->state = OUTBOX_QUEUED;       /* as if it had not been tried */
		return;
	}
	e->attempts++;
	if (r < 0 && a->committed && !server_said) {
		/* The "." went out and no answer came back: see core/outbox.h. */
		e->state = OUTBOX_QUEUED;
		e->next_attempt = 0;
		set_error(e, _("the connection failed after the whole message went out, so the "
			       "server may have it; it will be sent again and may arrive twice (%s)"),
			  err_msg(serr));
		if (res)
			res->deferred++;
		return;
	}
	if (r == 0 || (server_said && any_tried(a, results))) {
		apply_results(a, results);
		settle(a->ctx, e, r == 0 ? NULL : err_msg(serr), res);
	} else if (k == ERR_SERVER_PERM || k == ERR_INPUT || k == ERR_UNSUPPORTED) {
		e->state = OUTBOX_FAILED;
		set_error(e, "%s", err_msg(serr));
		if (res)
			res->failed++;
	} else {
		defer(a->ctx, e, err_msg(serr), res);
	}
}

/* The recipients still to try: PENDING and TEMPFAIL ones. */
static const char **targets(struct attempt *a)
{
	const char **v = xcalloc(a->e->n_rcpts + 1, sizeof *v);
	a->map = xcalloc(a->e->n_rcpts + 1, sizeof *a->map);
	a->n = 0;
	for (size_t i = 0; i < a->e->n_rcpts; i++) {
		enum store_rcpt_state st = a->e->rcpts[i].state;
		if (st == RCPT_PENDING || st == RCPT_TEMPFAIL) {
			a->map[a->n] = i;
			v[a->n++] = a->e->rcpts[i].addr;
		}
	}
	return v;
}

static bool any_accepted(const struct store_outbox_entry *e)
{
	for (size_t i = 0; i < e->n_rcpts; i++)
		if (e->rcpts[i].state == RCPT_ACCEPTED)
			return true;
	return false;
}

/* One attempt at entry e over session s. Returns -1 for a store failure or
 * a cancellation (err says which), else 0, whatever the server said. */
static int submit(const struct outbox_ctx *ctx, struct smtp_session *s,
		  struct store_outbox_entry *e, const struct buf *msg, struct outbox_result *res,
		  struct err *err)
{
	struct attempt a = { ctx, e, NULL, 0, false };
	const char **rcpts = targets(&a);
	bool cancelled = false;
	if (a.n == 0) {                 /* nobody left to try */
		settle(ctx, e, NULL, res);
	} else {
		struct smtp_submission sub = { e->envelope_from ? e->envelope_from : "", rcpts, a.n,
					       msg->data ? msg->data : "", msg->len, commit, &a };
		struct smtp_rcpt_result *results = xcalloc(a.n, sizeof *results);
		struct err serr = ERR_INIT;
		int sr = smtp_submit(s, &sub, results, &serr);
		judge(&a, sr, results, &serr, res);
		if (serr.kind == ERR_CANCELLED) {
			cancelled = true;
			err_move(err, &serr);
		}
		err_clear(&serr);
		smtp_rcpt_results_release(results, a.n);
		free(results);
	}
	free(rcpts);
	free(a.map);
	if (update(ctx, e, cancelled ? NULL : err) < 0 && !cancelled)
		return -1;
	if (e->state == OUTBOX_SENT) {
		if (finish_sent(ctx, e, res, cancelled ? NULL : err) < 0 && !cancelled)
			return -1;
	} else if (e->fcc && any_accepted(e)) {
		save_copy(ctx, e, msg);         /* delivered to some: the copy now */
		if (update(ctx, e, cancelled ? NULL : err) < 0 && !cancelled)
			return -1;
	}
	return cancelled ? -1 : 0;
}

/* ---- flushing ---- */

/* What a crash left: SENDING back to the queue, SENT finished. */
static int recover(const struct outbox_ctx *ctx, store_outbox_entries *list,
		   struct outbox_result *res, struct err *err)
{
	for (size_t i = 0; i < list->n; i++) {
		struct store_outbox_entry *e = &list->v[i];
		if (e->state == OUTBOX_SENDING) {
			e->state = OUTBOX_QUEUED;
			e->next_attempt = 0;
			set_error(e, _("an attempt was interrupted after the whole message went out, so "
				       "the server may have it; it is sent again and may arrive twice"));
			if (update(ctx, e, err) < 0)
				return -1;
		} else if (e->state == OUTBOX_SENT) {
			if (finish_sent(ctx, e, res, err) < 0)
				return -1;
		}
	}
	return 0;
}

static bool due(const struct outbox_ctx *ctx, const struct store_outbox_entry *e, unsigned flags,
		uint64_t only)
{
	if (e->state != OUTBOX_QUEUED || (only && e->id != only))
		return false;
	return (flags & OUTBOX_FLUSH_NOW) || only || e->next_attempt <= now_of(ctx);
}

/* Connecting failed: every due entry says why. */
static int all_deferred(const struct outbox_ctx *ctx, store_outbox_entries *list,
			unsigned flags, uint64_t only, const struct err *cerr,
			struct outbox_result *res, struct err *err)
{
	bool cancelled = cerr->kind == ERR_CANCELLED;
	for (size_t i = 0; i < list->n; i++) {
		struct store_outbox_entry *e = &list->v[i];
		if (!due(ctx, e, flags, only))
			continue;
		if (cancelled)
			continue;
		e->attempts++;
		if (cerr->kind == ERR_CONFIG || cerr->kind == ERR_USAGE) {
			e->state = OUTBOX_QUEUED;       /* needs the user, not the clock */
			e->next_attempt = now_of(ctx) + outbox_backoff(e->attempts);
			set_error(e, "%s", err_msg(cerr));
			if (res)
				res->deferred++;
		} else {
			defer(ctx, e, err_msg(cerr), res);
		}
		if (update(ctx, e, err) < 0)
			return -1;
	}
	if (cancelled)
		return err_set(err, ERR_CANCELLED, "%s", err_msg(cerr));
	return 0;
}

static int connect_smtp(const struct outbox_ctx *ctx, struct smtp_session **s, struct err *err)
{
	const struct account_conf *a = ctx->conf;
	if (!a->smtp_host)
		return err_set(err, ERR_CONFIG, _("%s: no smtp_host, so this account cannot send mail"),
			       a->path ? a->path : a->account);
	status(ctx, _("sending through %s:%d"), a->smtp_host, account_smtp_port(a));
	return smtp_session_open(a, ctx->net, ctx->cancel, s, err);
}

/* Sends every due entry of list over one session, opened on first need. */
static int send_due(const struct outbox_ctx *ctx, store_outbox_entries *list, unsigned flags,
		    uint64_t only, struct outbox_result *res, struct err *err)
{
	struct smtp_session *s = NULL;
	int r = 0;
	for (size_t i = 0; i < list->n && r == 0; i++) {
		struct store_outbox_entry *e = &list->v[i];
		if (!due(ctx, e, flags, only))
			continue;
		if (!s) {
			struct err cerr = ERR_INIT;
			if (connect_smtp(ctx, &s, &cerr) < 0) {
				r = all_deferred(ctx, list, flags, only, &cerr, res, err);
				err_clear(&cerr);
				break;
			}
		}
		struct buf msg = BUF_INIT;
		lock(ctx);
		int got = store_outbox_message(ctx->store, e->id, &msg, err);
		unlock(ctx);
		if (got < 0)
			r = -1;
		else if (got == 0)
			log_warn("outbox %llu: its message is missing", (unsigned long long)e->id);
		else
			r = submit(ctx, s, e, &msg, res, err);
		buf_release(&msg);
		if (s && smtp_session_broken(s))
			break;          /* the rest waits for the next flush */
	}
	smtp_session_close(&s);
	return r;
}

int outbox_flush(const struct outbox_ctx *ctx, unsigned flags, uint64_t only,
		 struct outbox_result *res, struct err *err)
{
	if (res)
		memset(res, 0, sizeof *res);
	store_outbox_entries list = ARRAY_INIT;
	if (outbox_spool_import(ctx, err) < 0)
		return -1;
	lock(ctx);
	int r = store_outbox_list(ctx->store, &list, err);
	unlock(ctx);
	if (r == 0)
		r = recover(ctx, &list, res, err);
	if (r == 0)
		r = send_due(ctx, &list, flags, only, res, err);
	if (r == 0 && res) {            /* the earliest retry of what is left */
		for (size_t i = 0; i < list.n; i++)
			if (list.v[i].state == OUTBOX_QUEUED && list.v[i].next_attempt &&
			    (!res->next_attempt || list.v[i].next_attempt < res->next_attempt))
				res->next_attempt = list.v[i].next_attempt;
	}
	store_outbox_entries_release(&list);
	return r;
}

/* ---- the user's decisions ---- */

static int get_entry(const struct outbox_ctx *ctx, uint64_t id, struct store_outbox_entry *e,
		     struct err *err)
{
	lock(ctx);
	int r = store_outbox_get(ctx->store, id, e, err);
	unlock(ctx);
	if (r == 0)
		return err_set(err, ERR_NOT_FOUND, _("the outbox has no message %llu"),
			       (unsigned long long)id);
	return r < 0 ? -1 : 0;
}

int outbox_retry(const struct outbox_ctx *ctx, uint64_t id, struct err *err)
{
	struct store_outbox_entry e = { 0 };
	if (get_entry(ctx, id, &e, err) < 0)
		return -1;
	int r = 0;
	if (e.state == OUTBOX_SENDING || e.state == OUTBOX_SENT) {
		r = err_set(err, ERR_USAGE, _("message %llu is being sent or was sent"),
			    (unsigned long long)id);
	} else {
		e.state = OUTBOX_QUEUED;
		e.next_attempt = 0;
		e.attempts = 0;
		e.created = now_of(ctx);        /* the give-up clock starts again */
		FREE(&e.last_error);
		for (size_t i = 0; i < e.n_rcpts; i++)
			if (e.rcpts[i].state != RCPT_ACCEPTED)
				e.rcpts[i].state = RCPT_PENDING;
		r = update(ctx, &e, err);
	}
	store_outbox_entry_release(&e);
	return r;
}

int outbox_hold(const struct outbox_ctx *ctx, uint64_t id, struct err *err)
{
	struct store_outbox_entry e = { 0 };
	if (get_entry(ctx, id, &e, err) < 0)
		return -1;
	int r = 0;
	if (e.state != OUTBOX_QUEUED && e.state != OUTBOX_FAILED && e.state != OUTBOX_HELD) {
		r = err_set(err, ERR_USAGE, _("message %llu is being sent or was sent"),
			    (unsigned long long)id);
	} else {
		e.state = OUTBOX_HELD;
		r = update(ctx, &e, err);
	}
	store_outbox_entry_release(&e);
	return r;
}

int outbox_drop(const struct outbox_ctx *ctx, uint64_t id, struct err *err)
{
	struct store_outbox_entry e = { 0 };
	if (get_entry(ctx, id, &e, err) < 0)
		return -1;
	lock(ctx);
	int r = store_outbox_remove(ctx->store, id, err);
	unlock(ctx);
	if (r == 0)
		notify(ctx, &e, true);
	store_outbox_entry_release(&e);
	return r;
}
