/* Fetching from the selected folder: summaries of new messages (newest first,
 * in growing batches, each committed to the store before the next is asked
 * for, so the first screen is there at once and an interrupted sync keeps
 * what it got), single bodies, bodies ahead of time (sync_bodies), and UID
 * searches. */
#include "common.h"

#include <time.h>

#include "conf/conf.h"
#include "imap/imap-private.h"
#include "store/summary.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/err.h"

/* The header fields a summary needs. Content-Type gives the attachment
 * marker: BODYSTRUCTURE would cost more on the server and is parsed fragily
 * by libetpan 1.9.4 (libs-brief 1.7), for little better a guess. */
static const char *const summary_fields[] = {
	"DATE", "FROM", "TO", "CC", "SUBJECT", "MESSAGE-ID", "IN-REPLY-TO", "REFERENCES",
	"CONTENT-TYPE",
};

/* The first batch fills a screen; the next ones grow, up to a size whose
 * summaries stay small in memory (the batches are pipelined, so their number
 * costs no round trips). */
static const size_t batch_sizes[] = { 50, 450, 1000, 2000 };

typedef ARRAY(struct msg_summary) summary_list;

static void summaries_release(summary_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		msg_summary_release(&l->v[i]);
	l->n = 0;
}

static char *summary_items(bool modseq, bool size)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, "UID FLAGS INTERNALDATE");
	if (size)
		buf_adds(&b, " RFC822.SIZE");
	if (modseq)
		buf_adds(&b, " MODSEQ");
	buf_adds(&b, " BODY.PEEK[HEADER.FIELDS (");
	for (size_t i = 0; i < ARRAY_SIZE(summary_fields); i++)
		buf_addf(&b, "%s%s", i ? " " : "", summary_fields[i]);
	buf_adds(&b, ")]");
	return buf_detach(&b, NULL);
}

struct sum_ctx {
	struct imap_driver *drv;
	summary_list got;
	/* The UIDs asked for so far (newest first; a server may answer
	 * pipelined commands interleaved) and which of them came: a server that
	 * sends summaries not asked for, or one many times, is not believed
	 * (and cannot grow a batch without bound). */
	const uint32_t *want;
	size_t n_want;
	bool *taken;
	/* Without want (the first screen, asked for by sequence number): any
	 * UID from min_uid on, once each, up to limit of them. */
	uint32_t min_uid;
	size_t limit;
};

static int cmp_desc(const void *x, const void *y);

static bool take_unlisted(const struct sum_ctx *c, uint32_t uid)
{
	if (uid < c->min_uid || c->got.n >= c->limit)
		return false;
	for (size_t i = 0; i < c->got.n; i++)
		if (c->got.v[i].uid == uid)
			return false;
	return true;
}

/* Marks uid as come; false if it was not asked for or came already. */
static bool take_uid(struct sum_ctx *c, uint32_t uid)
{
	if (!c->want)
		return take_unlisted(c, uid);
	const uint32_t *p = bsearch(&uid, c->want, c->n_want, sizeof uid, cmp_desc);
	if (!p || c->taken[p - c->want])
		return false;
	c->taken[p - c->want] = true;
	return true;
}

static void on_summary(void *aux, const struct imap_msg *m)
{
	struct sum_ctx *c = aux;
	if (!m->uid) {
		c->drv->untagged_seen = true;
		return;
	}
	if (!m->header) {       /* a flag change of another message */
		if (m->has_flags)
			imap_add_flagrec(&c->drv->flagrecs, m);
		return;
	}
	if (!take_uid(c, m->uid))
		return;
	/* A flag update of this message that came before it is older than it. */
	imap_flagrecs *fr = &c->drv->flagrecs;
	for (size_t i = 0; i < fr->n;) {
		if (fr->v[i].uid == m->uid) {
			imap_flagrec_release(&fr->v[i]);
			fr->v[i] = fr->v[--fr->n];
		} else {
			i++;
		}
	}
	struct msg_summary s;
	msg_summary_init(&s);
	s.uid = m->uid;
	s.flags = m->flags;
	s.size = m->size;
	s.internaldate = m->internaldate;
	s.modseq = m->modseq;
	for (size_t i = 0; i < m->n_keywords; i++)
		msg_summary_add_keyword(&s, m->keywords[i]);
	msg_summary_fill_header(&s, m->header, m->header_len);
	ARRAY_PUSH(&c->got, s);
}

static int cmp_desc(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return a > b ? -1 : a < b;
}

static int store_batch(struct imap_driver *drv, uint32_t folder, const summary_list *l,
		       struct err *err)
{
	struct store_acct *st = drv->d->store;
	if (store_begin(st, err) < 0)
		return -1;
	if (store_msg_put(st, folder, l->v, l->n, err) < 0) {
		store_abort(st);
		return -1;
	}
	if (store_commit(st, STORE_NOSYNC, err) < 0)
		return -1;
	const struct sync_observer *o = drv->d->obs;
	if (o && o->messages_added && l->n)
		o->messages_added(o->aux, folder, l->v, l->n);
	return 0;
}

/* UIDs the server reported expunged (VANISHED) meanwhile, out of the store. */
static int drop_vanished(struct imap_driver *drv, uint32_t folder, struct err *err)
{
	int r = imap_remove_uids(drv, folder, drv->vanished.v, drv->vanished.n, err);
	drv->vanished.n = 0;
	return r;
}

/* The batches of one fetch: uids newest first, cut into batch_sizes, up to
 * PIPELINE of them asked for ahead of the one being read and stored, so the
 * server streams without a pause while the store commits. */
#define PIPELINE 8

struct batches {
	struct imap_driver *drv;
	const uint32_t *uids;
	size_t n, next;          /* next: the first UID not asked for yet */
	size_t asked, read;      /* batches asked for, and read */
	struct {
		size_t len;
		char tag[16];
	} ring[PIPELINE];
	const char *items;
};

static int ask(struct batches *bs, struct err *err)
{
	size_t k = bs->asked++;
	size_t want = batch_sizes[k < ARRAY_SIZE(batch_sizes) ? k : ARRAY_SIZE(batch_sizes) - 1];
	size_t start = bs->next, len = bs->n - start < want ? bs->n - start : want;
	bs->next += len;
	bs->ring[k % PIPELINE].len = len;
	return imap_wire_send_fetch(bs->drv, bs->uids + start, len, bs->items,
				    bs->ring[k % PIPELINE].tag, _("fetching new messages from"), err);
}

/* Reads the next batch (after asking for more) and stores it; *len_r: its size. */
static int one_batch(struct batches *bs, struct sum_ctx *c, uint32_t folder, size_t *n_unseen_r,
		     size_t *len_r, struct err *err)
{
	struct imap_driver *drv = bs->drv;
	int r = 0;
	while (r == 0 && bs->asked - bs->read < PIPELINE && bs->next < bs->n)
		r = ask(bs, err);
	size_t k = bs->read++;
	*len_r = bs->ring[k % PIPELINE].len;
	c->n_want = bs->next;
	if (r == 0)
		r = imap_wire_read_fetch(drv, bs->ring[k % PIPELINE].tag, on_summary, c,
					 _("fetching new messages from"), err);
	if (r == 0)
		r = store_batch(drv, folder, &c->got, err);
	if (r == 0)
		r = drop_vanished(drv, folder, err);
	for (size_t i = 0; r == 0 && n_unseen_r && i < c->got.n; i++)
		*n_unseen_r += !(c->got.v[i].flags & MSG_SEEN);
	summaries_release(&c->got);
	return r;
}

int imap_fetch_summaries(struct imap_driver *drv, uint32_t folder, uint32_t *uids, size_t n,
			 size_t *n_unseen_r, struct err *err)
{
	if (n_unseen_r)
		*n_unseen_r = 0;
	if (!n)
		return 0;
	qsort(uids, n, sizeof *uids, cmp_desc);
	struct store_folder f = { 0 };
	if (store_folder_get_id(drv->d->store, folder, &f, err) <= 0)
		return -1;
	char *label = xasprintf(_("%s: new messages"), f.name);
	char *items = summary_items(drv->condstore, true);
	struct sum_ctx c = { .drv = drv, .got = ARRAY_INIT, .want = uids,
			     .taken = xcalloc(n, sizeof (bool)) };
	struct batches bs = { .drv = drv, .uids = uids, .n = n, .items = items };
	size_t done = 0;
	int r = 0;
	while (done < n && r == 0) {
		size_t len = 0;
		r = one_batch(&bs, &c, folder, n_unseen_r, &len, err);
		done += len;
		imap_progress(drv, label, done, n);
	}
	/* A command sent ahead and not read leaves the session out of step. */
	if (r < 0 && bs.asked > bs.read && drv->s)
		drv->s->broken = true;
	ARRAY_RELEASE(&c.got);
	free(c.taken);
	free(items);
	free(label);
	store_folder_release(&f);
	return r;
}

/* ---- bodies ---- */

struct body_ctx {
	struct imap_driver *drv;
	uint32_t folder;
	size_t stored;
	struct err err;         /* a store failure inside the handler */
};

static void on_body(void *aux, const struct imap_msg *m)
{
	struct body_ctx *c = aux;
	if (!m->uid || !m->body) {
		if (m->uid && m->has_flags)
			imap_add_flagrec(&c->drv->flagrecs, m);
		return;
	}
	if (err_is_set(&c->err))
		return;
	if (store_body_put(c->drv->d->store, c->folder, m->uid, m->body, m->body_len, &c->err) == 0)
		c->stored++;
}

static struct mailimap_fetch_type *body_fetch_type(void)
{
	struct mailimap_fetch_type *ft = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(
		ft, mailimap_fetch_att_new_body_peek_section(mailimap_section_new(NULL)));
	return ft;
}

/* Fetches the bodies of uids into the store in one command and one group. */
static int fetch_bodies(struct imap_driver *drv, uint32_t folder, const uint32_t *uids, size_t n,
			size_t *stored_r, struct err *err)
{
	struct store_acct *st = drv->d->store;
	if (store_begin(st, err) < 0)
		return -1;
	struct body_ctx c = { drv, folder, 0, ERR_INIT };
	struct mailimap_fetch_type *ft = body_fetch_type();
	struct mailimap_set *set = imap_uid_set(uids, n);
	clist *result = NULL;
	imap_begin_fetch(drv, on_body, &c);
	int rr = mailimap_uid_fetch(imap_session_etpan(drv->s), set, ft, &result);
	imap_end_fetch(drv);
	if (result)
		mailimap_fetch_list_free(result);
	mailimap_set_free(set);
	mailimap_fetch_type_free(ft);
	int r = imap_check(drv, rr, _("fetching messages from"), err);
	if (r == 0 && err_is_set(&c.err)) {
		err_move(err, &c.err);
		r = -1;
	}
	err_clear(&c.err);
	if (r < 0) {
		store_abort(st);
		return -1;
	}
	*stored_r = c.stored;
	return store_commit(st, STORE_NOSYNC, err);
}

int imap_fetch_body(struct driver *d, uint32_t folder, uint32_t uid, struct err *err)
{
	struct imap_driver *drv = imap_drv(d);
	struct store_folder f = { 0 };
	int r = imap_folder_load(drv, folder, &f, err);
	if (r == 0)
		r = imap_select(drv, &f, false, err);
	size_t stored = 0;
	if (r == 0)
		r = fetch_bodies(drv, folder, &uid, 1, &stored, err);
	if (r == 0 && !stored) {
		/* The server no longer has it: neither should the index. */
		r = imap_remove_uids(drv, folder, &uid, 1, err);
		if (r == 0)
			r = err_set(err, ERR_NOT_FOUND, _("message %u is no longer in %s on the "
							  "server"), uid, f.name);
	}
	store_folder_release(&f);
	return r < 0 ? -1 : 0;
}

struct want_ctx {
	int64_t cutoff;
	ARRAY(uint32_t) uids;
	ARRAY(uint32_t) sizes;
};

static int want_body(const struct msg_summary *s, void *aux, struct err *err)
{
	(void)err;
	struct want_ctx *c = aux;
	int64_t when = s->internaldate > s->date ? s->internaldate : s->date;
	if (when >= c->cutoff) {
		ARRAY_PUSH(&c->uids, s->uid);
		ARRAY_PUSH(&c->sizes, s->size);
	}
	return 0;
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return a < b ? -1 : a > b;
}

/* Bodies per command: a few megabytes, so a batch is one commit of moderate size. */
#define PREFETCH_BYTES (8u << 20)
#define PREFETCH_COUNT 200

int imap_prefetch_bodies(struct imap_driver *drv, uint32_t folder, struct err *err)
{
	const struct account_conf *a = drv->d->conf;
	if (a->sync_bodies == SYNC_BODIES_NONE)
		return 0;
	struct want_ctx c = { 0, ARRAY_INIT, ARRAY_INIT };
	if (a->sync_bodies == SYNC_BODIES_RECENT)
		c.cutoff = clock_now() - (int64_t)a->sync_bodies_days * 86400;
	else
		c.cutoff = INT64_MIN;
	store_uids have = ARRAY_INIT;
	struct store_folder f = { 0 };
	int r = store_folder_get_id(drv->d->store, folder, &f, err) > 0 ? 0 : -1;
	if (r == 0)
		r = store_msg_scan(drv->d->store, folder, 0, want_body, &c, err);
	if (r == 0)
		r = store_body_uids(drv->d->store, folder, &have, err);
	if (r == 0)
		r = imap_select(drv, &f, false, err);
	if (have.n > 1)
		qsort(have.v, have.n, sizeof *have.v, cmp_u32);
	ARRAY(uint32_t) todo = ARRAY_INIT;
	for (size_t i = 0; r == 0 && i < c.uids.n; i++)
		if (!have.n || !bsearch(&c.uids.v[i], have.v, have.n, sizeof *have.v, cmp_u32))
			ARRAY_PUSH(&todo, i);
	char *label = xasprintf(_("%s: messages for offline reading"), f.name);
	uint32_t *batch = xreallocarray(NULL, PREFETCH_COUNT, sizeof *batch);
	for (size_t i = 0; r == 0 && i < todo.n;) {
		size_t k = 0;
		uint64_t bytes = 0;
		while (i < todo.n && k < PREFETCH_COUNT && (k == 0 || bytes < PREFETCH_BYTES)) {
			batch[k++] = c.uids.v[todo.v[i]];
			bytes += c.sizes.v[todo.v[i]];
			i++;
		}
		size_t stored;
		r = fetch_bodies(drv, folder, batch, k, &stored, err);
		imap_progress(drv, label, i, todo.n);
	}
	free(batch);
	free(label);
	ARRAY_RELEASE(&todo);
	ARRAY_RELEASE(&have);
	ARRAY_RELEASE(&c.uids);
	ARRAY_RELEASE(&c.sizes);
	store_folder_release(&f);
	return r;
}

/* ---- searching ---- */

/* Drops what "n:*" adds beyond [from, to] (it also matches the last
 * message when all are below n) from out, from index start on. */
static void keep_range(store_uids *out, size_t start, uint32_t from, uint32_t to)
{
	size_t k = start;
	for (size_t i = start; i < out->n; i++)
		if (out->v[i] >= from && (!to || out->v[i] <= to))
			out->v[k++] = out->v[i];
	out->n = k;
}

int imap_search_uids(struct imap_driver *drv, uint32_t from, uint32_t to, store_uids *out,
		     struct err *err)
{
	size_t before = out->n;
	if (imap_wire_search(drv, from, to, out, _("searching"), err) < 0)
		return -1;
	keep_range(out, before, from, to);
	return 0;
}

/* The first screen's summaries without their sizes, and the sizes. */
struct uid_size {
	uint32_t uid, size;
};

struct first_ctx {
	struct sum_ctx c;
	ARRAY(struct uid_size) sizes;
};

static void on_first(void *aux, const struct imap_msg *m)
{
	struct first_ctx *fc = aux;
	if (m->uid && !m->header && m->has_size) {
		struct uid_size us = { m->uid, m->size };
		ARRAY_PUSH(&fc->sizes, us);
	}
	on_summary(&fc->c, m);
}

static void apply_sizes(struct first_ctx *fc)
{
	for (size_t i = 0; i < fc->sizes.n; i++)
		for (size_t j = 0; j < fc->c.got.n; j++)
			if (fc->c.got.v[j].uid == fc->sizes.v[i].uid)
				fc->c.got.v[j].size = fc->sizes.v[i].size;
}

/* Shows summaries before they are stored (they are, with store_batch, once whole). */
static void show_early(struct imap_driver *drv, uint32_t folder, const summary_list *l)
{
	const struct sync_observer *o = drv->d->obs;
	if (o && o->messages_added && l->n)
		o->messages_added(o->aux, folder, l->v, l->n);
}

/* Asks for the search and the first screen's sizes; *sent_r: how many
 * commands went out. */
static int ask_rest(struct imap_driver *drv, uint32_t first, uint32_t last, uint32_t from,
		    char tags[2][16], int *sent_r, struct err *err)
{
	int r = imap_wire_send_search(drv, from, 0, tags[0], _("searching"), err);
	*sent_r = r == 0;
	if (r == 0)
		r = imap_wire_send_fetch_seq(drv, first, last, "UID RFC822.SIZE", tags[1],
					     _("fetching new messages from"), err);
	*sent_r += r == 0;
	return r;
}

/* Reads the first screen's answer. A NO (a server refusing some of those
 * messages) costs only the head start: what came is kept, and the sync
 * goes on as without it. */
static int read_first_screen(struct imap_driver *drv, const char *tag, struct first_ctx *fc,
			     store_uids *out, struct err *err)
{
	struct err e = ERR_INIT;
	int r = imap_wire_read_fetch_search(drv, tag, on_first, fc, out,
					    _("fetching new messages from"), &e);
	if (r < 0 && e.kind == ERR_SERVER_PERM && drv->s && !drv->s->broken)
		r = 0;
	if (r < 0)
		err_move(err, &e);
	err_clear(&e);
	return r;
}

/* The search's answer grows with the folder (20 ms for 100,000 messages on
 * Dovecot, and as long again to list and sort here): the newest messages,
 * asked for by sequence number, go on the screen first. Their sizes are
 * asked for apart, with the search: Dovecot (maildir) reads its whole UID
 * list to find a size it has not cached (80 ms for 100,000 messages), and
 * runs pipelined commands side by side, so nothing is sent behind the
 * first screen's command. Its summaries are shown at once and stored once
 * whole, so an interrupted sync leaves none without its size. */
int imap_search_uids_first_screen(struct imap_driver *drv, uint32_t folder, uint32_t exists,
				  uint32_t from, store_uids *out, struct err *err)
{
	uint32_t n = exists < batch_sizes[0] ? exists : (uint32_t)batch_sizes[0];
	const char *what = _("fetching new messages from");
	char *items = summary_items(drv->condstore, false);
	char first_tag[16], tags[2][16];
	struct first_ctx fc = { .c = { .drv = drv, .got = ARRAY_INIT, .min_uid = from, .limit = n },
				.sizes = ARRAY_INIT };
	size_t before = out->n;
	int sent = 0, read = 0;
	int r = imap_wire_send_fetch_seq(drv, exists - n + 1, exists, items, first_tag, what, err);
	if (r == 0)
		r = read_first_screen(drv, first_tag, &fc, out, err);
	if (r == 0) {
		show_early(drv, folder, &fc.c.got);
		r = ask_rest(drv, exists - n + 1, exists, from, tags, &sent, err);
	}
	for (; r == 0 && read < sent; read++)
		r = imap_wire_read_fetch_search(drv, tags[read], on_first, &fc, out, what, err);
	if (r == 0) {
		apply_sizes(&fc);
		r = store_batch(drv, folder, &fc.c.got, err);
	}
	if (r == 0)
		r = drop_vanished(drv, folder, err);
	if (r < 0 && read < sent && drv->s)
		drv->s->broken = true;  /* answers are still to come */
	if (r == 0)
		keep_range(out, before, from, 0);
	summaries_release(&fc.c.got);
	ARRAY_RELEASE(&fc.c.got);
	ARRAY_RELEASE(&fc.sizes);
	free(items);
	return r;
}
