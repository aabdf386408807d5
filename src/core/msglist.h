/* The message list model: one folder's messages as the index screen shows
 * them, sorted or threaded, limited by a pattern, with tags, collapsed
 * threads and a cursor that stays on its message.
 *
 * It changes only by applying what the account sends (the index loaded
 * from the store, then messages added, removed and re-flagged by syncs) and
 * what the user does; it has no terminal and no thread of its own, so tests
 * drive it directly. One thread (the UI's) owns it.
 *
 * Changes that move messages (added, removed) are collected and applied by
 * a rebuild, which re-sorts, re-threads and re-limits (about 25 ms for
 * 100,000 messages, several times that under the sanitizers or a loaded
 * machine) and puts the cursor back on the same message. msglist_rebuild()
 * does it at once; msglist_rebuild_step() does it in slices of a given
 * time, so that the interface answers keys between them while a large sync
 * fills the list. Rows stay valid between rebuilds and during one (flag
 * changes are applied at once, in place; messages added meanwhile show when
 * it ends).
 *
 * The user's operations are shown before the account confirms them:
 * msglist_pending_flags() and msglist_pending_remove() change the view at
 * once and keep the change laid over whatever syncs report, until
 * msglist_op_done() for that request (the store then has it). */
#ifndef POSTIE_CORE_MSGLIST_H
#define POSTIE_CORE_MSGLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf/conf.h"
#include "store/index.h"

struct buf;
struct ml_build;
struct msg_summary;
struct pattern;

struct ml_row {
	uint32_t pos;           /* the message: index into ml->idx.msgs */
	uint32_t depth;         /* in its thread, 0 for a root */
	uint32_t hidden;        /* messages hidden under it (a collapsed thread) */
	int32_t parent;         /* row of its parent in the thread, -1 */
	bool last_child;        /* no later sibling (for the tree lines) */
	bool same_subject;      /* its subject repeats its parent's */
};

struct ml_pending {
	uint64_t req;
	uint32_t *uids;
	size_t n;
	uint32_t add, del;      /* flags */
	bool remove;
};

struct msglist {
	size_t account;
	uint32_t folder;
	bool loaded;
	struct store_index idx;
	/* the view */
	struct ml_row *rows;
	size_t n_rows, cap_rows;
	enum conf_sort sort;
	bool reverse;
	bool collapse_default;          /* threads start collapsed */
	uint32_t *toggled;              /* roots collapsed against the default (sorted) */
	size_t n_toggled, cap_toggled;
	struct pattern *limit;          /* owned; NULL: all */
	char *limit_text;
	uint32_t *tags;                 /* tagged uids (sorted) */
	size_t n_tags, cap_tags;
	size_t cursor;                  /* row */
	uint32_t cursor_uid;            /* the message the cursor is on, 0: none */
	size_t top;                     /* first row on screen (the UI's) */
	/* changes waiting for the next rebuild */
	struct msg_summary *adds;
	size_t n_adds, cap_adds;
	uint32_t *removes;
	size_t n_removes, cap_removes;
	bool dirty;
	struct ml_build *building;      /* a rebuild under way (msglist_rebuild_step), or NULL */
	/* the user's operations not yet confirmed */
	struct ml_pending *pending;
	size_t n_pending, cap_pending;
};

void msglist_init(struct msglist *ml, enum conf_sort sort, bool reverse, bool collapse);
void msglist_release(struct msglist *ml);

/* Replaces the content with a freshly loaded index (taken: *idx is empty
 * afterwards) and rebuilds; the cursor goes to start (when the cursor's
 * message is not in the new index). */
void msglist_load(struct msglist *ml, size_t account, uint32_t folder, struct store_index *idx,
		  enum conf_cursor_start start);
/* Forgets everything (another folder is on its way). */
void msglist_clear(struct msglist *ml, size_t account, uint32_t folder);

void msglist_add(struct msglist *ml, const struct msg_summary *v, size_t n);
/* Like msglist_add, but takes the summaries (v[i] are empty afterwards). */
void msglist_add_take(struct msglist *ml, struct msg_summary *v, size_t n);
void msglist_remove(struct msglist *ml, const uint32_t *uids, size_t n);
void msglist_set_flags(struct msglist *ml, const uint32_t *uids, const uint32_t *flags, size_t n);
/* Changes wait for a rebuild, or one is under way. */
bool msglist_needs_rebuild(const struct msglist *ml);
/* Rebuilds at once (dropping a rebuild under way, which may have read
 * settings that changed since). */
void msglist_rebuild(struct msglist *ml);
/* Goes on with the rebuild under way, or starts one if changes wait, for
 * about budget_ms (negative: to the end); true when the rows are up to
 * date. A step never stops half way through a phase that is not sliced (a
 * plain sort) and does not stop at all after removals, which leave the old
 * rows pointing at the wrong messages. */
bool msglist_rebuild_step(struct msglist *ml, long budget_ms);
static inline bool msglist_rebuilding(const struct msglist *ml)
{
	return ml->building != NULL;
}

void msglist_pending_flags(struct msglist *ml, uint64_t req, const uint32_t *uids, size_t n,
			   uint32_t add, uint32_t del);
void msglist_pending_remove(struct msglist *ml, uint64_t req, const uint32_t *uids, size_t n);
/* The request ended; false: it failed (the caller reloads the index). */
void msglist_op_done(struct msglist *ml, uint64_t req);

void msglist_set_sort(struct msglist *ml, enum conf_sort sort, bool reverse);
/* Takes p (NULL: no limit); text is copied for display. */
void msglist_set_limit(struct msglist *ml, struct pattern *p, const char *text);
void msglist_toggle_collapse(struct msglist *ml, size_t row);
void msglist_toggle_collapse_all(struct msglist *ml);

/* The message of a row. */
static inline const struct store_index_msg *msglist_msg(const struct msglist *ml, size_t row)
{
	return &ml->idx.msgs[ml->rows[row].pos];
}
static inline const char *msglist_str(const struct msglist *ml, uint32_t ref)
{
	return store_index_str(&ml->idx, ref);
}
/* The row showing uid, or -1 (hidden, limited out or absent). */
long msglist_find(const struct msglist *ml, uint32_t uid);
void msglist_set_cursor(struct msglist *ml, size_t row);
/* The flags of uid as shown (with pending operations), or -1. */
long msglist_flags(const struct msglist *ml, uint32_t uid);

bool msglist_tagged(const struct msglist *ml, uint32_t uid);
void msglist_tag(struct msglist *ml, uint32_t uid, bool on);
/* Uids of the tagged messages still in the folder, as a new array. */
uint32_t *msglist_tagged_uids(const struct msglist *ml, size_t *n_r);
/* Tags (or untags) every row the pattern matches; returns how many. */
size_t msglist_tag_matching(struct msglist *ml, const struct pattern *p, bool on);
/* The uids of every message of the thread of row (for collapsed threads). */
uint32_t *msglist_thread_uids(const struct msglist *ml, size_t row, size_t *n_r);

/* The next row from `from` (exclusive) in direction dir (+1/-1) that
 * matches p, or -1; wraps around when wrap. */
long msglist_search(const struct msglist *ml, const struct pattern *p, size_t from, int dir,
		    bool wrap);
/* The next unread row in direction dir, or -1. */
long msglist_next_unread(const struct msglist *ml, size_t from, int dir);

/* Appends the thread tree drawn before row's subject ("├─>", "  └─>"). */
void msglist_tree(const struct msglist *ml, size_t row, bool ascii, struct buf *out);

/* The pattern view of a message (no body). */
struct pattern_msg;
void msglist_pattern_msg(const struct msglist *ml, const struct store_index_msg *m,
			 struct pattern_msg *pm);

#endif
