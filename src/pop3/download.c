/* One pass over a POP3 server: list, download what the store lacks, delete
 * what is due, QUIT (see sync.h).
 *
 * The guarantee: a DELE is sent only for a message whose body, summary and
 * 'P' record were committed with STORE_SYNC, and deletions count only after
 * QUIT's +OK. So a crash or a dropped connection at any moment leaves every
 * message either on the server, or in the store, or both; never neither. A
 * message in both is recognised next time by its 'P' record (not stored
 * again) and its deletion retried. Commits are batched (POP3_BATCH_*) and all
 * DELEs wait for the last one: DELE only marks, so sending them earlier would
 * gain nothing. */
#include "common.h"

#include <stdarg.h>
#include <time.h>

#include "conf/conf.h"
#include "core/driver.h"
#include "msg/msg.h"
#include "pop3/listing.h"
#include "pop3/pop3-private.h"
#include "pop3/wire.h"
#include "pop3/retr.h"
#include "pop3/sync.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/err.h"

enum todo { TODO_NONE, TODO_FETCH, TODO_FETCH_FOR_ID };

struct pass {
	struct driver *d;
	struct pop3_driver *p;
	enum pop3_pass_mode mode;
	int64_t now;
	struct pop3_listing l;
	unsigned char *todo;            /* enum todo per listing entry */
	bool ids_complete;              /* every entry has an id: records may be pruned */
	ARRAY(uint32_t) dele;           /* message numbers to DELE before QUIT */
	/* The open group of the current batch. */
	bool in_group;
	ARRAY(struct msg_summary) added;
	size_t batch_bytes;
	uint32_t n_new;
	/* Progress. */
	uint32_t msgs_done, msgs_total;
	uint64_t bytes_done, bytes_total;
	double last_report;
	struct buf msg;
};

static void notice(struct pass *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void notice(struct pass *ps, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	driver_vnotice(ps->d, fmt, ap);
	va_end(ap);
}

static void progress(struct pass *ps, bool force)
{
	const struct sync_observer *obs = ps->d->obs;
	double t = (clock_mono_ms() / 1e3);
	if (!obs || !obs->progress || (!force && t - ps->last_report < 0.1))
		return;
	ps->last_report = t;
	char *done = msg_size_text((size_t)ps->bytes_done);
	char *total = msg_size_text((size_t)ps->bytes_total);
	char *what = xasprintf(_("INBOX: message %u of %u, %s of %s"), ps->msgs_done,
			       ps->msgs_total, done, total);
	obs->progress(obs->aux, what, ps->bytes_done, ps->bytes_total);
	free(what);
	free(done);
	free(total);
}

static const char *peer(struct pass *ps)
{
	return net_conn_peer(ps->p->s->conn);
}

/* Whether a message stored before should leave the server now. */
static bool due(const struct pass *ps, const struct store_pop3_msg *m)
{
	const struct account_conf *c = ps->d->conf;
	if ((m->flags & STORE_POP3_DELETE) || !c->leave_on_server)
		return true;
	return c->delete_after_days > 0 &&
	       ps->now - m->downloaded >= (int64_t)c->delete_after_days * 86400;
}

/* A server without UIDL: ids from each message's header (TOP n 0), or, when
 * TOP is refused too, from the message itself once downloaded. */
static int ids_by_digest(struct pass *ps, struct err *err)
{
	if (!ps->p->told_no_uidl) {
		ps->p->told_no_uidl = true;
		notice(ps, _("%s does not support UIDL: postie recognises the messages it already "
			     "has by their Message-ID, Date and size"), peer(ps));
	}
	char id[POP3_DIGEST_ID_LEN];
	for (size_t i = 0; i < ps->l.n; i++) {
		struct err e = ERR_INIT;
		int r = pop3_top_header(ps->p->s, ps->l.v[i].num, &ps->msg, &e);
		if (r < 0) {
			err_move(err, &e);
			return -1;
		}
		err_clear(&e);
		if (r == 0) {           /* no TOP either */
			for (size_t j = i; j < ps->l.n; j++)
				ps->todo[j] = TODO_FETCH_FOR_ID;
			return 0;
		}
		pop3_digest_id(ps->msg.data, ps->msg.len, ps->l.v[i].size, id);
		pop3_listing_set_id(&ps->l, i, id);
	}
	pop3_listing_index(&ps->l);
	return 0;
}

/* What to do with each message: download it, DELE it, or leave it. */
static int plan(struct pass *ps, struct err *err)
{
	struct store_pop3_msg m = { 0 };
	int r = 0;
	ps->ids_complete = true;
	for (size_t i = 0; i < ps->l.n && r >= 0; i++) {
		const struct pop3_entry *e = &ps->l.v[i];
		if (e->size > POP3_MESSAGE_MAX) {
			notice(ps, _("message %u on %s is %llu bytes, more than postie downloads; it "
				     "stays on the server"), e->num, peer(ps),
			       (unsigned long long)e->size);
			ps->todo[i] = TODO_NONE;
			ps->ids_complete = ps->ids_complete && e->uidl;
			continue;
		}
		if (ps->todo[i] == TODO_FETCH_FOR_ID) {
			ps->ids_complete = false;
		} else {
			r = store_pop3_get(ps->d->store, pop3_listing_uidl(&ps->l, i), &m, err);
			if (r == 1 && due(ps, &m))
				ARRAY_PUSH(&ps->dele, e->num);
			ps->todo[i] = r == 0 ? TODO_FETCH : TODO_NONE;
		}
		if (ps->todo[i] != TODO_NONE && ps->mode == PASS_DOWNLOAD) {
			ps->msgs_total++;
			ps->bytes_total += e->size;
		}
	}
	store_pop3_msg_release(&m);
	return r < 0 ? -1 : 0;
}

static int commit_batch(struct pass *ps, struct err *err)
{
	if (!ps->in_group)
		return 0;
	ps->in_group = false;
	if (store_commit(ps->d->store, STORE_SYNC, err) < 0)
		return -1;
	const struct sync_observer *obs = ps->d->obs;
	if (obs && obs->messages_added && ps->added.n)
		obs->messages_added(obs->aux, ps->p->inbox, ps->added.v, ps->added.n);
	for (size_t i = 0; i < ps->added.n; i++)
		msg_summary_release(&ps->added.v[i]);
	ps->added.n = 0;
	ps->batch_bytes = 0;
	return 0;
}

/* Stores the downloaded entry i (in ps->msg) with its 'P' record, in the
 * batch's group; unless an earlier one had the same id. */
static int store_one(struct pass *ps, size_t i, struct err *err)
{
	struct store_acct *st = ps->d->store;
	const struct pop3_entry *e = &ps->l.v[i];
	if (ps->todo[i] == TODO_FETCH_FOR_ID) {
		char id[POP3_DIGEST_ID_LEN];
		pop3_digest_id(ps->msg.data, ps->msg.len, e->size, id);
		pop3_listing_set_id(&ps->l, i, id);
	}
	const char *id = pop3_listing_uidl(&ps->l, i);
	struct store_pop3_msg m = { 0 };
	int r = store_pop3_get(st, id, &m, err);
	if (r != 0) {           /* a copy of one stored before (servers without UIDL) */
		if (r == 1 && due(ps, &m))
			ARRAY_PUSH(&ps->dele, e->num);
		store_pop3_msg_release(&m);
		return r < 0 ? -1 : 0;
	}
	if (!ps->in_group && store_begin(st, err) < 0)
		return -1;
	ps->in_group = true;
	struct msg_summary s;
	msg_summary_init(&s);
	msg_summary_fill_header(&s, ps->msg.data, ps->msg.len);
	s.flags = MSG_RECENT;
	s.size = (uint32_t)ps->msg.len;         /* at most POP3_MESSAGE_MAX */
	s.internaldate = ps->now;
	msg_summary_set(&s.uidl, id);
	r = store_msg_deliver(st, ps->p->inbox, &s, ps->msg.data, ps->msg.len, err);
	if (r == 0) {
		m = (struct store_pop3_msg){ .uidl = (char *)id, .downloaded = ps->now,
					     .folder = ps->p->inbox, .uid = s.uid };
		r = store_pop3_put(st, &m, err);
	}
	if (r < 0) {
		msg_summary_release(&s);
		return -1;
	}
	if (!ps->d->conf->leave_on_server)
		ARRAY_PUSH(&ps->dele, e->num);
	ARRAY_PUSH(&ps->added, s);
	ps->batch_bytes += ps->msg.len;
	ps->n_new++;
	if (ps->added.n >= POP3_BATCH_MESSAGES || ps->batch_bytes >= POP3_BATCH_BYTES)
		return commit_batch(ps, err);
	return 0;
}

/* Downloads the messages plan() chose, RETRs pipelined when the server
 * allows, and commits the last batch. */
static int download(struct pass *ps, struct err *err)
{
	ARRAY(uint32_t) want = ARRAY_INIT;
	for (size_t i = 0; i < ps->l.n; i++)
		if (ps->todo[i] != TODO_NONE)
			ARRAY_PUSH(&want, (uint32_t)i);
	struct pop3_session *s = ps->p->s;
	size_t window = s->pipelining ? POP3_PIPELINE : 1, sent = 0;
	int r = 0;
	progress(ps, true);
	for (size_t k = 0; k < want.n && r >= 0; k++) {
		for (; sent < want.n && sent < k + window && r >= 0; sent++)
			r = pop3_retr_send(s, ps->l.v[want.v[sent]].num,
					   sent + 1 == want.n || sent + 1 == k + window, err);
		if (r < 0)
			break;
		size_t i = want.v[k];
		struct err e = ERR_INIT;
		r = pop3_retr_read(s, ps->l.v[i].num, ps->l.v[i].size, &ps->msg, &e);
		if (r == 0) {           /* refused: it stays on the server */
			notice(ps, "%s", err_msg(&e));
			ps->ids_complete = ps->ids_complete && ps->todo[i] != TODO_FETCH_FOR_ID;
		} else if (r > 0) {
			r = store_one(ps, i, err);
		} else {
			err_move(err, &e);
		}
		err_clear(&e);
		ps->msgs_done++;
		ps->bytes_done += ps->l.v[i].size;
		progress(ps, k + 1 == want.n);
	}
	ARRAY_RELEASE(&want);
	if (r < 0)
		return -1;
	return commit_batch(ps, err);
}

static void dele_refused(void *aux, uint32_t num, const char *said)
{
	struct pass *ps = aux;
	notice(ps, _("%s refused to delete message %u (-ERR %s); postie tries again next time"),
	       peer(ps), num, said);
}

struct gone {
	const struct pop3_listing *l;
	ARRAY(char *) uidls;
};

static int collect_gone(const struct store_pop3_msg *m, void *aux, struct err *err)
{
	(void)err;
	struct gone *g = aux;
	if (!pop3_listing_has_uidl(g->l, m->uidl))
		ARRAY_PUSH(&g->uidls, xstrdup(m->uidl));
	return 0;
}

/* Forgets the records of messages the server no longer lists: they were
 * deleted (by us or anybody), and the records stay bounded by the mailbox. */
static int forget_gone(struct pass *ps, struct err *err)
{
	if (!ps->ids_complete)
		return 0;
	if (!ps->l.has_uidl)
		pop3_listing_index(&ps->l);     /* ids found while downloading */
	struct gone g = { &ps->l, ARRAY_INIT };
	int r = store_pop3_scan(ps->d->store, collect_gone, &g, err);
	if (r == 0 && g.uidls.n) {
		r = store_begin(ps->d->store, err);
		for (size_t i = 0; i < g.uidls.n && r == 0; i++)
			r = store_pop3_del(ps->d->store, g.uidls.v[i], err);
		if (r == 0)
			r = store_commit(ps->d->store, STORE_NOSYNC, err);
		else
			store_abort(ps->d->store);
	}
	for (size_t i = 0; i < g.uidls.n; i++)
		free(g.uidls.v[i]);
	ARRAY_RELEASE(&g.uidls);
	return r;
}

static int run(struct pass *ps, struct err *err)
{
	struct pop3_driver *p = ps->p;
	if (p->s && (pop3_session_broken(p->s) ||
		     (clock_mono_ms() / 1000) - p->s_opened > POP3_SESSION_FRESH))
		pop3_session_close(&p->s);      /* the server may have dropped it */
	if (!p->s && pop3_session_open(ps->d->conf, ps->d->net, ps->d->cancel, &p->s, err) < 0)
		return -1;
	if (pop3_list_all(p->s, &ps->l, err) < 0)
		return -1;
	ps->todo = xcalloc(ps->l.n ? ps->l.n : 1, 1);
	if (!ps->l.has_uidl && ids_by_digest(ps, err) < 0)
		return -1;
	if (plan(ps, err) < 0)
		return -1;
	if (ps->mode == PASS_DOWNLOAD && download(ps, err) < 0)
		return -1;
	size_t refused;
	if (ps->dele.n && pop3_dele(p->s, ps->dele.v, ps->dele.n, &refused, dele_refused, ps,
				    err) < 0)
		return -1;
	if (forget_gone(ps, err) < 0)
		return -1;
	return pop3_session_quit(&p->s, err);
}

int pop3_pass(struct driver *d, enum pop3_pass_mode mode, uint32_t *n_new_r, struct err *err)
{
	struct pass ps = { .d = d, .p = d->priv, .mode = mode, .now = clock_now() };
	pop3_listing_init(&ps.l);
	struct err e = ERR_INIT;
	int r = run(&ps, &e);
	ps.p->online = r == 0 || !pop3_unreachable(e.kind);
	err_move(err, &e);
	err_clear(&e);
	if (ps.in_group)
		store_abort(d->store);
	/* Without QUIT nothing marked in this session is deleted. */
	pop3_session_free(&ps.p->s);
	for (size_t i = 0; i < ps.added.n; i++)
		msg_summary_release(&ps.added.v[i]);
	ARRAY_RELEASE(&ps.added);
	ARRAY_RELEASE(&ps.dele);
	free(ps.todo);
	buf_release(&ps.msg);
	pop3_listing_release(&ps.l);
	const struct sync_observer *obs = d->obs;
	if (ps.n_new && obs && obs->new_mail)
		obs->new_mail(obs->aux, ps.p->inbox, ps.n_new);
	if (n_new_r)
		*n_new_r = ps.n_new;
	return r;
}
