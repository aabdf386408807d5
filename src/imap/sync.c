/* Bringing one folder in the store in line with the server.
 *
 *  0. The journal is replayed first, so what the user did offline reaches the
 *     server before the server's state comes back.
 *  1. SELECT. A UIDVALIDITY other than the stored one drops the folder's
 *     cached data (store_folder_clear) and the folder is fetched afresh.
 *  2. Known messages (UID < the stored UIDNEXT): with QRESYNC the SELECT
 *     itself brought the changed flags and the VANISHED UIDs since the stored
 *     HIGHESTMODSEQ; with CONDSTORE only, UID FETCH ... CHANGEDSINCE brings the
 *     changed flags; without either, UID FETCH 1:N (UID FLAGS) is diffed with
 *     the store (flags, expunges, and messages the store lacks). SYNC_FULL
 *     runs that diff whatever the server offers.
 *  3. New messages: UID SEARCH UID uidnext:* gives the server's new UIDs
 *     (skipped when SELECT's UIDNEXT says there are none); those the store
 *     already holds (from an interrupted sync) are skipped, the rest fetched
 *     newest first in batches (fetch.c). A folder the store holds nothing
 *     of gets its newest screenful by sequence number before the search,
 *     whose answer grows with the folder.
 *  4. Unless step 2 diffed everything, the number of known messages on the
 *     server (EXISTS minus the new ones) is compared with the store's: they
 *     differ only when something was expunged unseen (CONDSTORE reports no
 *     expunges) or the store lacks messages, and then one UID SEARCH settles it.
 *  5. The folder's UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ are stored last, so
 *     an interrupted sync repeats what it had not finished.
 *  6. With SYNC_BODIES, bodies are fetched ahead per sync_bodies. */
#include "common.h"

#include <time.h>

#include "conf/conf.h"
#include "imap/imap-private.h"
#include "util/err.h"

typedef store_uids uid_list;

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return a < b ? -1 : a > b;
}

static int cmp_flagrec(const void *x, const void *y)
{
	const struct imap_flagrec *a = x, *b = y;
	return a->uid < b->uid ? -1 : a->uid > b->uid;
}

int imap_apply_flagrecs(struct imap_driver *drv, uint32_t folder, imap_flagrecs *recs,
			struct err *err)
{
	if (!recs->n)
		return 0;
	struct store_flag_change *ch = xcalloc(recs->n, sizeof *ch);
	uint32_t *uids = xcalloc(recs->n, sizeof *uids);
	for (size_t i = 0; i < recs->n; i++) {
		const struct imap_flagrec *f = &recs->v[i];
		ch[i] = (struct store_flag_change){
			.uid = f->uid, .flags = f->flags, .modseq = f->modseq, .set_keywords = true,
			.keywords = (const char *const *)f->keywords, .n_keywords = f->n_keywords,
		};
		uids[i] = f->uid;
	}
	int r = store_msg_set_flags(drv->d->store, folder, ch, recs->n, err);
	const struct sync_observer *o = drv->d->obs;
	if (r > 0 && o && o->flags_changed)
		o->flags_changed(o->aux, folder, uids, recs->n);
	free(ch);
	free(uids);
	imap_flagrecs_release(recs);
	return r < 0 ? -1 : 0;
}

int imap_remove_uids(struct imap_driver *drv, uint32_t folder, const uint32_t *uids, size_t n,
		     struct err *err)
{
	if (!n)
		return 0;
	int r = store_msg_delete(drv->d->store, folder, uids, n, err);
	const struct sync_observer *o = drv->d->obs;
	if (r > 0 && o && o->messages_removed)
		o->messages_removed(o->aux, folder, uids, n);
	return r < 0 ? -1 : 0;
}

/* ---- what the store holds ---- */

struct local_msg {
	uint32_t uid;
	uint32_t flags;
	char *keywords;         /* sorted, joined by blanks; NULL when none */
};
typedef ARRAY(struct local_msg) local_list;

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static char *keyword_key(char *const *kw, size_t n)
{
	if (!n)
		return NULL;
	char **v = xmemdup(kw, n * sizeof *kw);
	qsort(v, n, sizeof *v, cmp_str);
	size_t len = 0;
	for (size_t i = 0; i < n; i++)
		len += strlen(v[i]) + 1;
	char *s = xmalloc(len), *p = s;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(v[i]);
		memcpy(p, v[i], l);
		p += l;
		*p++ = ' ';
	}
	p[-1] = '\0';
	free(v);
	return s;
}

struct scan_ctx {
	uint32_t below;         /* 0: no limit */
	local_list *list;
};

static int collect_local(const struct msg_summary *s, void *aux, struct err *err)
{
	(void)err;
	struct scan_ctx *c = aux;
	if (c->below && s->uid >= c->below)
		return 1;
	struct local_msg m = { s->uid, s->flags & ~(uint32_t)MSG_RECENT,
			       keyword_key(s->keywords, s->n_keywords) };
	ARRAY_PUSH(c->list, m);
	return 0;
}

static void local_release(local_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].keywords);
	ARRAY_RELEASE(l);
}

static int local_uids(struct imap_driver *drv, uint32_t folder, uint32_t from, uint32_t below,
		      uid_list *out, struct err *err)
{
	if (store_msg_uids_from(drv->d->store, folder, from, out, err) < 0)
		return -1;
	size_t n = 0;
	for (size_t i = 0; i < out->n; i++)
		if (out->v[i] >= from && (!below || out->v[i] < below))
			out->v[n++] = out->v[i];
	out->n = n;
	return 0;
}

/* ---- step 2 ---- */

/* UID FETCH 1:last (UID FLAGS) [CHANGEDSINCE modseq] into drv->flagrecs. */
static int fetch_flags(struct imap_driver *drv, uint32_t last, uint64_t changedsince,
		       struct err *err)
{
	char set[32], mod[48], tag[16];
	const char *what = _("fetching flags from");
	snprintf(set, sizeof set, "1:%u", last);
	snprintf(mod, sizeof mod, "CHANGEDSINCE %llu", (unsigned long long)changedsince);
	if (imap_wire_send_fetch_set(drv, set, "UID FLAGS", changedsince ? mod : NULL, tag, what,
				     err) < 0)
		return -1;
	return imap_wire_read_fetch(drv, tag, NULL, NULL, what, err);
}

static bool same_flags(const struct imap_flagrec *srv, const struct local_msg *loc)
{
	char *k = keyword_key(srv->keywords, srv->n_keywords);
	bool same = srv->flags == loc->flags &&
		    !strcmp(k ? k : "", loc->keywords ? loc->keywords : "");
	free(k);
	return same;
}

/* Merges the server's flags (sorted by UID) with the store's: which
 * changed (moved out of srv), which the server no longer has, which the
 * store lacks. */
static void compare(imap_flagrecs *srv, const local_list *loc, uint32_t uidnext,
		    imap_flagrecs *changed, uid_list *gone, uid_list *missing)
{
	size_t i = 0, j = 0;
	while (i < srv->n || j < loc->n) {
		if (i + 1 < srv->n && srv->v[i].uid == srv->v[i + 1].uid) {
			i++;    /* an update came twice: one is enough */
			continue;
		}
		if (j == loc->n || (i < srv->n && srv->v[i].uid < loc->v[j].uid)) {
			if (srv->v[i].uid < uidnext)
				ARRAY_PUSH(missing, srv->v[i].uid);
			i++;
		} else if (i == srv->n || loc->v[j].uid < srv->v[i].uid) {
			ARRAY_PUSH(gone, loc->v[j].uid);
			j++;
		} else {
			if (!same_flags(&srv->v[i], &loc->v[j])) {
				ARRAY_PUSH(changed, srv->v[i]);
				srv->v[i] = (struct imap_flagrec){ 0 };
			}
			i++;
			j++;
		}
	}
}

/* Compares every known message with the server: flags, expunges, and
 * messages below uidnext that the store lacks (fetched). */
static int full_diff(struct imap_driver *drv, const struct store_folder *f, uint32_t uidnext,
		     struct err *err)
{
	if (uidnext <= 1)
		return 0;
	imap_flagrecs_release(&drv->flagrecs);
	if (fetch_flags(drv, uidnext - 1, 0, err) < 0)
		return -1;
	imap_flagrecs srv = drv->flagrecs;
	drv->flagrecs = (imap_flagrecs)ARRAY_INIT;
	if (srv.n > 1)
		qsort(srv.v, srv.n, sizeof *srv.v, cmp_flagrec);
	local_list loc = ARRAY_INIT;
	struct scan_ctx sc = { uidnext, &loc };
	int r = store_msg_scan(drv->d->store, f->id, 0, collect_local, &sc, err);
	imap_flagrecs changed = ARRAY_INIT;
	uid_list gone = ARRAY_INIT, missing = ARRAY_INIT;
	if (r == 0)
		compare(&srv, &loc, uidnext, &changed, &gone, &missing);
	if (r == 0)
		r = imap_apply_flagrecs(drv, f->id, &changed, err);
	if (r == 0)
		r = imap_remove_uids(drv, f->id, gone.v, gone.n, err);
	if (r == 0)
		r = imap_fetch_summaries(drv, f->id, missing.v, missing.n, NULL, err);
	imap_flagrecs_release(&changed);
	imap_flagrecs_release(&srv);
	local_release(&loc);
	ARRAY_RELEASE(&gone);
	ARRAY_RELEASE(&missing);
	return r;
}

/* ---- step 3 ---- */

/* a minus b, both sorted. */
static void uid_minus(const uid_list *a, const uid_list *b, uid_list *out)
{
	size_t j = 0;
	for (size_t i = 0; i < a->n; i++) {
		while (j < b->n && b->v[j] < a->v[i])
			j++;
		if (j == b->n || b->v[j] != a->v[i])
			ARRAY_PUSH(out, a->v[i]);
	}
}

/* The current flags of these messages, into the store. */
static int refresh_flags(struct imap_driver *drv, uint32_t folder, const uid_list *uids,
			 struct err *err)
{
	if (!uids->n)
		return 0;
	char tag[16];
	const char *what = _("fetching flags from");
	if (imap_wire_send_fetch(drv, uids->v, uids->n, "UID FLAGS", tag, what, err) < 0 ||
	    imap_wire_read_fetch(drv, tag, NULL, NULL, what, err) < 0)
		return -1;
	return imap_apply_flagrecs(drv, folder, &drv->flagrecs, err);
}

/* Makes the store hold exactly the server's messages with from <= UID (<
 * below when not 0); server is the server's UIDs there, sorted. With
 * refresh, the flags of those the store already had are fetched again. */
static int settle_range(struct imap_driver *drv, uint32_t folder, uint32_t from, uint32_t below,
			bool refresh, uid_list *server, size_t *n_unseen_r, struct err *err)
{
	uid_list local = ARRAY_INIT, stale = ARRAY_INIT, todo = ARRAY_INIT, kept = ARRAY_INIT;
	int r = local_uids(drv, folder, from, below, &local, err);
	if (r == 0) {
		uid_minus(&local, server, &stale);
		uid_minus(server, &local, &todo);
		r = imap_remove_uids(drv, folder, stale.v, stale.n, err);
	}
	if (r == 0 && refresh) {
		uid_minus(&local, &stale, &kept);
		r = refresh_flags(drv, folder, &kept, err);
	}
	if (r == 0)
		r = imap_fetch_summaries(drv, folder, todo.v, todo.n, n_unseen_r, err);
	ARRAY_RELEASE(&local);
	ARRAY_RELEASE(&stale);
	ARRAY_RELEASE(&todo);
	ARRAY_RELEASE(&kept);
	return r;
}

/* ---- the whole ---- */

static int reset_folder(struct imap_driver *drv, struct store_folder *f, struct err *err)
{
	imap_notice(drv, _("%s was recreated on the server (its UIDVALIDITY changed): "
			   "fetching it again"), f->name);
	if (store_folder_clear(drv->d->store, f->id, err) < 0)
		return -1;
	const struct sync_observer *o = drv->d->obs;
	if (o && o->folder_reset)
		o->folder_reset(o->aux, f->id);
	return store_folder_get_id(drv->d->store, f->id, f, err) > 0 ? 0 : -1;
}

static int journal_pending(struct imap_driver *drv, bool *pending, struct err *err)
{
	store_ops ops = ARRAY_INIT;
	int r = store_journal_list(drv->d->store, &ops, err);
	*pending = ops.n > 0;
	store_ops_release(&ops);
	return r;
}

/* Step 2: the known messages (UID < from). *full_r: whether every one was
 * compared. */
static int sync_known(struct imap_driver *drv, struct store_folder *f, uint32_t from,
		      unsigned flags, bool *full_r, struct err *err)
{
	const struct imap_selected *sel = &drv->sel;
	int r = 0;
	*full_r = false;
	if (sel->qresync) {
		r = imap_apply_flagrecs(drv, f->id, &drv->flagrecs, err);
		if (r == 0)
			r = imap_remove_uids(drv, f->id, sel->vanished.v, sel->vanished.n, err);
	} else if (drv->condstore && f->highestmodseq && sel->modseq) {
		if (sel->modseq != f->highestmodseq && from > 1)
			r = fetch_flags(drv, from - 1, f->highestmodseq, err);
		if (r == 0)
			r = imap_apply_flagrecs(drv, f->id, &drv->flagrecs, err);
	} else {
		r = full_diff(drv, f, from, err);
		*full_r = true;
	}
	if (r == 0 && (flags & SYNC_FULL) && !*full_r) {
		r = full_diff(drv, f, from, err);
		*full_r = true;
	}
	return r;
}

/* Step 3: the server's messages with UID >= from, sorted, into server_new,
 * and the store made to hold exactly those. */
static int sync_new(struct imap_driver *drv, struct store_folder *f, uint32_t from, bool known,
		    uid_list *server_new, size_t *n_new_unseen, struct err *err)
{
	const struct imap_selected *sel = &drv->sel;
	bool may_have_new = !known || !sel->uidnext || sel->uidnext > from;
	int r = 0;
	/* A folder never synced (or dropped for a new UIDVALIDITY) gets its
	 * newest messages on the screen before its UIDs are listed. */
	bool first_screen = !known && !f->n_messages;
	if (sel->exists && may_have_new)
		r = first_screen ? imap_search_uids_first_screen(drv, f->id, sel->exists, from,
								 server_new, err)
				 : imap_search_uids(drv, from, 0, server_new, err);
	if (server_new->n > 1)
		qsort(server_new->v, server_new->n, sizeof *server_new->v, cmp_u32);
	/* The store holds messages at or past uidnext only when a sync was cut
	 * short after storing them; their flags may have changed since, and
	 * the modseq stored at the end of this sync will not report it (those
	 * of the first screen have just come). */
	if (r == 0)
		r = settle_range(drv, f->id, from, 0, !first_screen, server_new, n_new_unseen,
				 err);
	return r;
}

/* Step 4: the known messages counted on both sides; one search settles a
 * difference (expunges CONDSTORE does not report, or gaps in the store). */
static int check_counts(struct imap_driver *drv, uint32_t folder, uint32_t from, size_t n_new,
			struct err *err)
{
	struct store_folder now = { 0 };
	if (store_folder_get_id(drv->d->store, folder, &now, err) <= 0)
		return -1;
	uint32_t exists = imap_session_etpan(drv->s)->imap_selection_info->sel_exists;
	int64_t server_old = (int64_t)exists - (int64_t)n_new;
	int64_t local_old = (int64_t)now.n_messages - (int64_t)n_new;
	store_folder_release(&now);
	if (server_old == local_old)
		return 0;
	uid_list server_old_uids = ARRAY_INIT;
	int r = imap_search_uids(drv, 1, from - 1, &server_old_uids, err);
	if (server_old_uids.n > 1)
		qsort(server_old_uids.v, server_old_uids.n, sizeof *server_old_uids.v, cmp_u32);
	if (r == 0)
		r = settle_range(drv, folder, 1, from, false, &server_old_uids, NULL, err);
	ARRAY_RELEASE(&server_old_uids);
	return r;
}

/* Steps 2 to 4; *full_r says whether step 2 diffed everything. */
static int sync_messages(struct imap_driver *drv, struct store_folder *f, unsigned flags,
			 bool *full_r, uint32_t *uidnext_r, size_t *n_new_unseen, struct err *err)
{
	bool known = f->uidvalidity != 0;
	uint32_t from = f->uidnext ? f->uidnext : 1;
	*full_r = false;
	int r = known ? sync_known(drv, f, from, flags, full_r, err) : 0;
	uid_list server_new = ARRAY_INIT;
	if (r == 0)
		r = sync_new(drv, f, from, known, &server_new, n_new_unseen, err);
	uint32_t uidnext = from;
	if (server_new.n && server_new.v[server_new.n - 1] >= uidnext)
		uidnext = server_new.v[server_new.n - 1] + 1;
	if (drv->sel.uidnext > uidnext)
		uidnext = drv->sel.uidnext;
	*uidnext_r = uidnext;
	if (r == 0 && known && !*full_r && from > 1)
		r = check_counts(drv, f->id, from, server_new.n, err);
	/* Flag changes that came unasked meanwhile. */
	if (r == 0)
		r = imap_apply_flagrecs(drv, f->id, &drv->flagrecs, err);
	ARRAY_RELEASE(&server_new);
	return r;
}

/* Step 5: the folder's sync state, now (as stored) updated. An unchanged
 * folder is not written: opening it costs no store transaction. */
static int save_sync_state(struct imap_driver *drv, struct store_folder *now, uint32_t uidnext,
			   bool full, struct err *err)
{
	uint64_t modseq = drv->condstore ? drv->sel.modseq : 0;
	if (!full && now->uidvalidity == drv->sel.uidvalidity && now->uidnext == uidnext &&
	    now->highestmodseq == modseq)
		return 0;
	now->uidvalidity = drv->sel.uidvalidity;
	now->uidnext = uidnext;
	now->highestmodseq = modseq;
	if (full)
		now->last_full_check = (int64_t)time(NULL);
	return store_folder_update(drv->d->store, now, err);
}

int imap_sync_folder(struct driver *d, uint32_t folder, unsigned flags, struct err *err)
{
	struct imap_driver *drv = imap_drv(d);
	if (imap_need_session(drv, err) < 0)
		return -1;
	bool pending = false;
	if (!drv->replaying && (journal_pending(drv, &pending, err) < 0 ||
				(pending && imap_replay_journal(d, err) < 0)))
		return -1;
	struct store_folder f = { 0 };
	int r = imap_folder_load(drv, folder, &f, err);
	if (r < 0 || (f.attrs & FOLDER_NOSELECT)) {
		store_folder_release(&f);
		return r < 0 ? -1 : 0;
	}
	uint32_t n_before = f.n_messages, unseen_before = f.n_unseen;
	r = imap_select(drv, &f, true, err);
	bool known = f.uidvalidity != 0;
	if (r == 0 && known && f.uidvalidity != drv->sel.uidvalidity) {
		r = reset_folder(drv, &f, err);
		known = false;
	}
	bool full = false;
	uint32_t uidnext = 0;
	size_t n_new_unseen = 0;
	if (r == 0)
		r = sync_messages(drv, &f, flags, &full, &uidnext, &n_new_unseen, err);
	struct store_folder now = { 0 };
	if (r == 0)
		r = store_folder_get_id(d->store, folder, &now, err) > 0 ? 0 : -1;
	if (r == 0)
		r = save_sync_state(drv, &now, uidnext, full || !known, err);
	const struct sync_observer *o = d->obs;
	if (r == 0 && o && o->folders_changed &&
	    (now.n_messages != n_before || now.n_unseen != unseen_before))
		o->folders_changed(o->aux);
	if (r == 0 && known && n_new_unseen && o && o->new_mail)
		o->new_mail(o->aux, folder, n_new_unseen);
	if (r == 0 && (flags & SYNC_BODIES))
		r = imap_prefetch_bodies(drv, folder, err);
	store_folder_release(&now);
	store_folder_release(&f);
	return r;
}
