#include "common.h"

#include "core/msglist.h"
#include "core/msglist-private.h"
#include "core/pattern.h"
#include "store/summary.h"
#include "util/buf.h"

/* ---- Sorted uid sets ---- */

static size_t uid_lower(const uint32_t *v, size_t n, uint32_t uid)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool uidset_has(const uint32_t *v, size_t n, uint32_t uid)
{
	size_t i = uid_lower(v, n, uid);
	return i < n && v[i] == uid;
}

void uidset_set(uint32_t **v, size_t *n, size_t *cap, uint32_t uid, bool on)
{
	size_t i = uid_lower(*v, *n, uid);
	bool has = i < *n && (*v)[i] == uid;
	if (on && !has) {
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			*v = xreallocarray(*v, *cap, sizeof **v);
		}
		memmove(*v + i + 1, *v + i, (*n - i) * sizeof **v);
		(*v)[i] = uid;
		(*n)++;
	} else if (!on && has) {
		memmove(*v + i, *v + i + 1, (*n - i - 1) * sizeof **v);
		(*n)--;
	}
}

/* ---- Life cycle ---- */

void msglist_init(struct msglist *ml, enum conf_sort sort, bool reverse, bool collapse)
{
	memset(ml, 0, sizeof *ml);
	ml->idx = (struct store_index)STORE_INDEX_INIT;
	ml->sort = sort;
	ml->reverse = reverse;
	ml->collapse_default = collapse;
}

static void drop_changes(struct msglist *ml)
{
	for (size_t i = 0; i < ml->n_adds; i++)
		msg_summary_release(&ml->adds[i]);
	ml->n_adds = 0;
	ml->n_removes = 0;
}

static void drop_pending(struct msglist *ml)
{
	for (size_t i = 0; i < ml->n_pending; i++)
		free(ml->pending[i].uids);
	ml->n_pending = 0;
}

void msglist_release(struct msglist *ml)
{
	ml_build_free(&ml->building);
	drop_changes(ml);
	drop_pending(ml);
	free(ml->adds);
	free(ml->removes);
	free(ml->pending);
	free(ml->rows);
	free(ml->toggled);
	free(ml->tags);
	pattern_free(&ml->limit);
	free(ml->limit_text);
	store_index_release(&ml->idx);
	memset(ml, 0, sizeof *ml);
}

void msglist_clear(struct msglist *ml, size_t account, uint32_t folder)
{
	enum conf_sort sort = ml->sort;
	bool reverse = ml->reverse, collapse = ml->collapse_default;
	msglist_release(ml);
	msglist_init(ml, sort, reverse, collapse);
	ml->account = account;
	ml->folder = folder;
}

static void cursor_to_start(struct msglist *ml, enum conf_cursor_start start)
{
	if (ml->n_rows == 0) {
		ml->cursor = 0;
		ml->cursor_uid = 0;
		return;
	}
	/* Rows run oldest first unless reversed: the newest is at the end. */
	size_t newest = ml->reverse ? 0 : ml->n_rows - 1;
	size_t oldest = ml->reverse ? ml->n_rows - 1 : 0;
	size_t row = start == CURSOR_OLDEST ? oldest : newest;
	if (start == CURSOR_FIRST_UNREAD) {
		long u = msglist_next_unread(ml, ml->reverse ? ml->n_rows : (size_t)-1,
					     ml->reverse ? -1 : 1);
		if (u >= 0)
			row = (size_t)u;
	}
	msglist_set_cursor(ml, row);
}

void msglist_load(struct msglist *ml, size_t account, uint32_t folder, struct store_index *idx,
		  enum conf_cursor_start start)
{
	bool same = ml->loaded && ml->account == account && ml->folder == folder;
	uint32_t keep = same ? ml->cursor_uid : 0;
	/* the rows and a rebuild under way point into the old index */
	ml_build_free(&ml->building);
	ml->n_rows = 0;
	store_index_release(&ml->idx);
	ml->idx = *idx;
	*idx = (struct store_index)STORE_INDEX_INIT;
	ml->account = account;
	ml->folder = folder;
	ml->loaded = true;
	/* Changes queued before the load are in it already; applying them
	 * again is harmless (puts replace, removes of absent uids are no-ops). */
	msglist_rebuild(ml);
	long row = keep ? msglist_find(ml, keep) : -1;
	if (row >= 0)
		msglist_set_cursor(ml, (size_t)row);
	else
		cursor_to_start(ml, start);
}

/* ---- Changes ---- */

void msglist_add(struct msglist *ml, const struct msg_summary *v, size_t n)
{
	if (ml->n_adds + n > ml->cap_adds) {
		ml->cap_adds = (ml->n_adds + n) * 2;
		ml->adds = xreallocarray(ml->adds, ml->cap_adds, sizeof *ml->adds);
	}
	for (size_t i = 0; i < n; i++) {
		msg_summary_init(&ml->adds[ml->n_adds]);
		msg_summary_copy(&ml->adds[ml->n_adds++], &v[i]);
	}
	ml->dirty = true;
}

void msglist_add_take(struct msglist *ml, struct msg_summary *v, size_t n)
{
	if (ml->n_adds + n > ml->cap_adds) {
		ml->cap_adds = (ml->n_adds + n) * 2;
		ml->adds = xreallocarray(ml->adds, ml->cap_adds, sizeof *ml->adds);
	}
	memcpy(ml->adds + ml->n_adds, v, n * sizeof *v);
	for (size_t i = 0; i < n; i++)
		msg_summary_init(&v[i]);
	ml->n_adds += n;
	ml->dirty = true;
}

void msglist_remove(struct msglist *ml, const uint32_t *uids, size_t n)
{
	if (ml->n_removes + n > ml->cap_removes) {
		ml->cap_removes = (ml->n_removes + n) * 2;
		ml->removes = xreallocarray(ml->removes, ml->cap_removes, sizeof *ml->removes);
	}
	memcpy(ml->removes + ml->n_removes, uids, n * sizeof *uids);
	ml->n_removes += n;
	ml->dirty = true;
}

/* Lays the pending flag operations over m's flags. */
static uint32_t overlay_flags(const struct msglist *ml, uint32_t uid, uint32_t flags)
{
	for (size_t i = 0; i < ml->n_pending; i++) {
		const struct ml_pending *p = &ml->pending[i];
		if (p->remove)
			continue;
		for (size_t j = 0; j < p->n; j++)
			if (p->uids[j] == uid)
				flags = (flags | p->add) & ~p->del;
	}
	return flags;
}

void msglist_set_flags(struct msglist *ml, const uint32_t *uids, const uint32_t *flags, size_t n)
{
	for (size_t i = 0; i < n; i++)
		store_index_set_flags(&ml->idx, uids[i], overlay_flags(ml, uids[i], flags[i]));
	if (ml->limit)
		ml->dirty = true;   /* e.g. ~U: a message read leaves the view */
}

bool msglist_needs_rebuild(const struct msglist *ml)
{
	return ml->dirty || ml->building;
}

long msglist_flags(const struct msglist *ml, uint32_t uid)
{
	const struct store_index_msg *m = store_index_find(&ml->idx, uid);
	return m ? (long)m->flags : -1;
}

/* ---- The user's operations ---- */

static struct ml_pending *pending_new(struct msglist *ml, uint64_t req, const uint32_t *uids,
				      size_t n)
{
	if (ml->n_pending == ml->cap_pending) {
		ml->cap_pending = ml->cap_pending ? ml->cap_pending * 2 : 8;
		ml->pending = xreallocarray(ml->pending, ml->cap_pending, sizeof *ml->pending);
	}
	struct ml_pending *p = &ml->pending[ml->n_pending++];
	memset(p, 0, sizeof *p);
	p->req = req;
	p->uids = n ? xmemdup(uids, n * sizeof *uids) : NULL;
	p->n = n;
	return p;
}

void msglist_pending_flags(struct msglist *ml, uint64_t req, const uint32_t *uids, size_t n,
			   uint32_t add, uint32_t del)
{
	struct ml_pending *p = pending_new(ml, req, uids, n);
	p->add = add;
	p->del = del;
	for (size_t i = 0; i < n; i++) {
		struct store_index_msg *m = store_index_find(&ml->idx, uids[i]);
		if (m)
			m->flags = (uint16_t)(((m->flags | add) & ~del) & MSG_FLAGS_ALL);
	}
	if (ml->limit)
		ml->dirty = true;
}

void msglist_pending_remove(struct msglist *ml, uint64_t req, const uint32_t *uids, size_t n)
{
	struct ml_pending *p = pending_new(ml, req, uids, n);
	p->remove = true;
	ml->dirty = true;
}

void msglist_op_done(struct msglist *ml, uint64_t req)
{
	for (size_t i = 0; i < ml->n_pending; i++)
		if (ml->pending[i].req == req) {
			bool remove = ml->pending[i].remove;
			if (remove)
				msglist_remove(ml, ml->pending[i].uids, ml->pending[i].n);
			free(ml->pending[i].uids);
			ml->pending[i] = ml->pending[--ml->n_pending];
			return;
		}
}

bool ml_pending_removed(const struct msglist *ml, uint32_t uid)
{
	for (size_t i = 0; i < ml->n_pending; i++)
		if (ml->pending[i].remove)
			for (size_t j = 0; j < ml->pending[i].n; j++)
				if (ml->pending[i].uids[j] == uid)
					return true;
	return false;
}

/* ---- View settings ---- */

void msglist_set_sort(struct msglist *ml, enum conf_sort sort, bool reverse)
{
	ml->sort = sort;
	ml->reverse = reverse;
	ml->dirty = true;
	msglist_rebuild(ml);
}

void msglist_set_limit(struct msglist *ml, struct pattern *p, const char *text)
{
	pattern_free(&ml->limit);
	FREE(&ml->limit_text);
	ml->limit = p;
	if (p && text)
		ml->limit_text = xstrdup(text);
	ml->dirty = true;
	msglist_rebuild(ml);
}

static size_t thread_root(const struct msglist *ml, size_t row)
{
	while (ml->rows[row].parent >= 0)
		row = (size_t)ml->rows[row].parent;
	return row;
}

void msglist_toggle_collapse(struct msglist *ml, size_t row)
{
	if (ml->sort != SORT_THREADS || row >= ml->n_rows)
		return;
	size_t root = thread_root(ml, row);
	uint32_t uid = msglist_msg(ml, root)->uid;
	bool on = !uidset_has(ml->toggled, ml->n_toggled, uid);
	uidset_set(&ml->toggled, &ml->n_toggled, &ml->cap_toggled, uid, on);
	ml->cursor_uid = uid;
	ml->dirty = true;
	msglist_rebuild(ml);
}

void msglist_toggle_collapse_all(struct msglist *ml)
{
	ml->collapse_default = !ml->collapse_default;
	ml->n_toggled = 0;
	if (ml->n_rows && ml->cursor < ml->n_rows)
		ml->cursor_uid = msglist_msg(ml, thread_root(ml, ml->cursor))->uid;
	ml->dirty = true;
	msglist_rebuild(ml);
}

/* ---- Rows and the cursor ---- */

long msglist_find(const struct msglist *ml, uint32_t uid)
{
	for (size_t i = 0; i < ml->n_rows; i++)
		if (msglist_msg(ml, i)->uid == uid)
			return (long)i;
	return -1;
}

void msglist_set_cursor(struct msglist *ml, size_t row)
{
	if (ml->n_rows == 0) {
		ml->cursor = 0;
		ml->cursor_uid = 0;
		return;
	}
	if (row >= ml->n_rows)
		row = ml->n_rows - 1;
	ml->cursor = row;
	ml->cursor_uid = msglist_msg(ml, row)->uid;
}

/* ---- Tags ---- */

bool msglist_tagged(const struct msglist *ml, uint32_t uid)
{
	return uidset_has(ml->tags, ml->n_tags, uid);
}

void msglist_tag(struct msglist *ml, uint32_t uid, bool on)
{
	uidset_set(&ml->tags, &ml->n_tags, &ml->cap_tags, uid, on);
}

uint32_t *msglist_tagged_uids(const struct msglist *ml, size_t *n_r)
{
	uint32_t *v = xcalloc(ml->n_tags ? ml->n_tags : 1, sizeof *v);
	size_t n = 0;
	for (size_t i = 0; i < ml->n_tags; i++)
		if (store_index_find(&ml->idx, ml->tags[i]) && !ml_pending_removed(ml, ml->tags[i]))
			v[n++] = ml->tags[i];
	*n_r = n;
	return v;
}

size_t msglist_tag_matching(struct msglist *ml, const struct pattern *p, bool on)
{
	size_t n = 0;
	for (size_t i = 0; i < ml->n_rows; i++) {
		const struct store_index_msg *m = msglist_msg(ml, i);
		struct pattern_msg pm;
		msglist_pattern_msg(ml, m, &pm);
		if (pattern_match(p, &pm)) {
			msglist_tag(ml, m->uid, on);
			n++;
		}
	}
	return n;
}

uint32_t *msglist_thread_uids(const struct msglist *ml, size_t row, size_t *n_r)
{
	*n_r = 0;
	if (row >= ml->n_rows)
		return NULL;
	if (ml->rows[row].hidden == 0) {
		uint32_t *v = xmalloc(sizeof *v);
		v[0] = msglist_msg(ml, row)->uid;
		*n_r = 1;
		return v;
	}
	return ml_collapsed_uids(ml, row, n_r);
}

/* ---- Search ---- */

void msglist_pattern_msg(const struct msglist *ml, const struct store_index_msg *m,
			 struct pattern_msg *pm)
{
	*pm = (struct pattern_msg){
		.from = msglist_str(ml, m->from), .to = msglist_str(ml, m->to),
		.cc = msglist_str(ml, m->cc), .subject = msglist_str(ml, m->subject),
		.date = m->date, .size = m->size, .flags = m->flags,
		.has_attachment = m->has_attachment, .tagged = msglist_tagged(ml, m->uid),
	};
}

long msglist_search(const struct msglist *ml, const struct pattern *p, size_t from, int dir,
		    bool wrap)
{
	size_t n = ml->n_rows;
	for (size_t k = 1; k <= n; k++) {
		long row = (long)from + dir * (long)k;
		if (row < 0 || row >= (long)n) {
			if (!wrap)
				return -1;
			row = (row % (long)n + (long)n) % (long)n;
		}
		struct pattern_msg pm;
		msglist_pattern_msg(ml, msglist_msg(ml, (size_t)row), &pm);
		if (pattern_match(p, &pm))
			return row;
	}
	return -1;
}

long msglist_next_unread(const struct msglist *ml, size_t from, int dir)
{
	for (long row = (long)from + dir; row >= 0 && row < (long)ml->n_rows; row += dir)
		if (!(msglist_msg(ml, (size_t)row)->flags & MSG_SEEN))
			return row;
	return -1;
}

/* ---- Tree lines ---- */

void msglist_tree(const struct msglist *ml, size_t row, bool ascii, struct buf *out)
{
	const struct ml_row *r = &ml->rows[row];
	if (r->depth == 0)
		return;
	const char *branch = ascii ? (r->last_child ? "`->" : "|->")
				   : (r->last_child ? "└─>" : "├─>");
	const char *bar = ascii ? "| " : "│ ";
	/* The ancestors' columns, from the thread's root down. */
	size_t depth = r->depth;
	bool *more = xcalloc(depth, sizeof *more);
	const struct ml_row *a = r;
	for (size_t d = depth; d-- > 1;) {
		a = &ml->rows[a->parent];
		more[d] = !a->last_child;
	}
	for (size_t d = 1; d < depth; d++)
		buf_adds(out, more[d] ? bar : "  ");
	buf_adds(out, branch);
	free(more);
}
