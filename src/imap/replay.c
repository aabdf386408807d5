/* Carrying the journal to the server (core/driver.h): each op in order,
 * under the rules of core/replay.h for a server that changed meanwhile; and
 * APPEND, which replay and the driver's append() share. */
#include "common.h"

#include <time.h>

#include "conf/conf.h"
#include "core/replay.h"
#include "imap/imap-private.h"
#include "util/buf.h"
#include "util/err.h"

/* ---- commands ---- */

static int store_flags(struct imap_driver *drv, const uint32_t *uids, size_t n, bool add,
		       uint32_t flags, char *const *kw, size_t n_kw, struct err *err)
{
	struct mailimap_flag_list *fl = imap_flag_list(flags, kw, n_kw);
	if (!fl)
		return 0;
	struct mailimap_store_att_flags *sa = add ? mailimap_store_att_flags_new_add_flags_silent(fl)
						  : mailimap_store_att_flags_new_remove_flags_silent(fl);
	struct mailimap_set *set = imap_uid_set(uids, n);
	int rr = mailimap_uid_store(imap_session_etpan(drv->s), set, sa);
	mailimap_set_free(set);
	mailimap_store_att_flags_free(sa);
	return imap_check(drv, rr, _("storing flags on"), err);
}

static struct mailimap_search_key *deleted_key(void)
{
	return mailimap_search_key_new(MAILIMAP_SEARCH_KEY_DELETED, NULL, NULL, NULL, NULL, NULL,
				       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0,
				       NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL);
}

/* Without UIDPLUS, EXPUNGE removes every \Deleted message: others keep theirs
 * by losing the flag for the moment. */
static int expunge_only(struct imap_driver *drv, const uint32_t *uids, size_t n,
			struct err *err)
{
	mailimap *imap = imap_session_etpan(drv->s);
	if (imap_session_has_capability(drv->s, "UIDPLUS")) {
		struct mailimap_set *set = imap_uid_set(uids, n);
		int rr = mailimap_uid_expunge(imap, set);
		mailimap_set_free(set);
		return imap_check(drv, rr, _("expunging messages on"), err);
	}
	struct mailimap_search_key *key = deleted_key();
	clist *result = NULL;
	int rr = mailimap_uid_search(imap, NULL, key, &result);
	mailimap_search_key_free(key);
	ARRAY(uint32_t) others = ARRAY_INIT;
	for (clistiter *it = result ? clist_begin(result) : NULL; it; it = clist_next(it)) {
		uint32_t u = *(uint32_t *)clist_content(it);
		bool ours = false;
		for (size_t i = 0; i < n && !ours; i++)
			ours = uids[i] == u;
		if (!ours)
			ARRAY_PUSH(&others, u);
	}
	if (result)
		mailimap_search_result_free(result);
	int r = imap_check(drv, rr, _("searching"), err);
	if (r == 0 && others.n)
		r = store_flags(drv, others.v, others.n, false, MSG_DELETED, NULL, 0, err);
	if (r == 0)
		r = imap_check(drv, mailimap_expunge(imap), _("expunging messages on"), err);
	if (r == 0 && others.n)
		r = store_flags(drv, others.v, others.n, true, MSG_DELETED, NULL, 0, err);
	ARRAY_RELEASE(&others);
	return r;
}

static int expunge_uids(struct imap_driver *drv, const uint32_t *uids, size_t n,
			struct err *err)
{
	if (store_flags(drv, uids, n, true, MSG_DELETED, NULL, 0, err) < 0)
		return -1;
	return expunge_only(drv, uids, n, err);
}

/* A move where the server has MOVE is atomic: once done the messages are
 * gone from the source, so sending it again does nothing twice. Copies are
 * checked first (replay_doubt.c): an attempt whose answer was lost may have
 * made them already. */
static int copy_uids(struct imap_driver *drv, struct store_op *op, const struct store_folder *src,
		     const uint32_t *uids, size_t n, const char *dest, struct err *err)
{
	mailimap *imap = imap_session_etpan(drv->s);
	bool move = op->kind == OP_MOVE;
	if (!imap_op_copies(drv, op)) {
		if (imap_doubt_mark(drv, op, dest, err) < 0)
			return -1;
		struct mailimap_set *set = imap_uid_set(uids, n);
		int rr = mailimap_uid_move(imap, set, dest);
		mailimap_set_free(set);
		return imap_check(drv, rr, _("moving messages on"), err);
	}
	uint32_t *copy = xmemdup(uids, (n ? n : 1) * sizeof *uids);
	size_t n_copy = n;
	bool unused;
	int r = imap_doubt_check(drv, op, src, dest, copy, &n_copy, NULL, &unused, err);
	if (r == 0 && n_copy) {
		struct mailimap_set *set = imap_uid_set(copy, n_copy);
		int rr = mailimap_uid_copy(imap, set, dest);
		mailimap_set_free(set);
		r = imap_check(drv, rr, move ? _("moving messages on") : _("copying messages on"),
			       err);
	}
	free(copy);
	return r == 0 && move ? expunge_uids(drv, uids, n, err) : r;
}

/* Whether wire names a selectable folder on the server. */
static int folder_exists(struct imap_driver *drv, const char *wire, bool *exists,
			 struct err *err)
{
	clist *result = NULL;
	int rr = mailimap_list(imap_session_etpan(drv->s), "", wire, &result);
	*exists = false;
	for (clistiter *it = result ? clist_begin(result) : NULL; it; it = clist_next(it)) {
		const struct mailimap_mailbox_list *mb = clist_content(it);
		const struct mailimap_mbx_list_flags *fl = mb->mb_flag;
		bool noselect = fl && fl->mbf_type == MAILIMAP_MBX_LIST_FLAGS_SFLAG &&
				fl->mbf_sflag == MAILIMAP_MBX_LIST_SFLAG_NOSELECT;
		if (strcmp(mb->mb_name, wire) == 0 && !noselect)
			*exists = true;
	}
	if (result)
		mailimap_list_result_free(result);
	return imap_check(drv, rr, _("listing folders on"), err);
}

/* ---- APPEND ---- */

/* Records an appended message under the UID the server gave it, when the
 * store has the folder under the same UIDVALIDITY. */
static int record_append(struct imap_driver *drv, const char *dest, const void *msg, size_t len,
			 uint32_t flags, uint32_t uidvalidity, uint32_t uid, struct err *err)
{
	struct store_acct *st = drv->d->store;
	struct store_folder f = { 0 };
	int r = store_folder_get(st, dest, &f, err);
	if (r <= 0 || !uid || !f.uidvalidity || f.uidvalidity != uidvalidity) {
		store_folder_release(&f);
		return r < 0 ? -1 : 0;
	}
	struct msg_summary s;
	msg_summary_init(&s);
	msg_summary_fill_header(&s, msg, len);
	s.uid = uid;
	s.flags = flags;
	s.size = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	s.internaldate = (int64_t)time(NULL);
	r = store_begin(st, err);
	if (r == 0 && (store_body_put(st, f.id, uid, msg, len, err) < 0 ||
		       store_msg_put(st, f.id, &s, 1, err) < 0)) {
		store_abort(st);
		r = -1;
	} else if (r == 0) {
		r = store_commit(st, STORE_NOSYNC, err);
	}
	const struct sync_observer *o = drv->d->obs;
	if (r == 0 && o && o->messages_added)
		o->messages_added(o->aux, f.id, &s, 1);
	msg_summary_release(&s);
	store_folder_release(&f);
	return r;
}

static int append_wire(struct imap_driver *drv, const char *dest, const char *wire,
		       const void *msg, size_t len, uint32_t flags, uint32_t *uid_r,
		       struct err *err)
{
	mailimap *imap = imap_session_etpan(drv->s);
	struct mailimap_flag_list *fl = imap_flag_list(flags, NULL, 0);
	if (!fl)
		fl = mailimap_flag_list_new_empty();
	uint32_t uidvalidity = 0, uid = 0;
	int rr = imap_session_has_capability(drv->s, "UIDPLUS")
		? mailimap_uidplus_append(imap, wire, fl, NULL, msg, len, &uidvalidity, &uid)
		: mailimap_append(imap, wire, fl, NULL, msg, len);
	mailimap_flag_list_free(fl);
	if (imap_check(drv, rr, _("saving a message on"), err) < 0)
		return -1;
	if (uid_r)
		*uid_r = uid;
	return record_append(drv, dest, msg, len, flags, uidvalidity, uid, err);
}

static int create_folder(struct imap_driver *drv, const char *wire, struct err *err)
{
	mailimap *imap = imap_session_etpan(drv->s);
	if (imap_check(drv, mailimap_create(imap, wire), _("creating a folder on"), err) < 0)
		return -1;
	mailimap_subscribe(imap, wire);
	return 0;
}

int imap_append(struct driver *d, uint32_t folder, const void *msg, size_t len, unsigned flags,
		uint32_t *uid_r, struct err *err)
{
	struct imap_driver *drv = imap_drv(d);
	if (imap_need_session(drv, err) < 0)
		return -1;
	struct store_folder f = { 0 };
	int r = imap_folder_load(drv, folder, &f, err);
	char *wire = r == 0 ? imap_wire_name(drv, f.name, err) : NULL;
	r = wire ? append_wire(drv, f.name, wire, msg, len, flags, uid_r, err) : -1;
	free(wire);
	store_folder_release(&f);
	return r;
}

/* ---- replay ---- */

/* What one op finds on the server; fills st (strings owned by f). */
static int survey(struct imap_driver *drv, const struct store_op *op, struct store_folder *f,
		  store_uids *present, char **dest_wire, struct replay_state *st,
		  struct err *err)
{
	memset(st, 0, sizeof *st);
	if (op->dest) {
		*dest_wire = imap_wire_name(drv, op->dest, err);
		if (!*dest_wire || folder_exists(drv, *dest_wire, &st->dest_exists, err) < 0)
			return -1;
	}
	if (op->kind == OP_APPEND)
		return 0;
	int r = store_folder_get_id(drv->d->store, op->folder, f, err);
	if (r <= 0)
		return r;
	st->folder_name = f->name;
	struct err sel_err = ERR_INIT;
	if (imap_select(drv, f, false, &sel_err) < 0) {
		if (sel_err.kind != ERR_SERVER_PERM) {   /* not a plain "no such folder" */
			err_move(err, &sel_err);
			return -1;
		}
		err_clear(&sel_err);
		return 0;
	}
	st->folder_exists = true;
	st->uidvalidity = drv->sel.uidvalidity;
	st->maybe_done = op->kind == OP_MOVE && op->dest_uidnext;
	/* UIDs the server still has: a search within the op's own set. */
	struct mailimap_set *set = imap_uid_set(op->uids, op->n_uids);
	struct mailimap_search_key *key = mailimap_search_key_new_uid(set);
	clist *result = NULL;
	int rr = mailimap_uid_search(imap_session_etpan(drv->s), NULL, key, &result);
	mailimap_search_key_free(key);
	for (clistiter *it = result ? clist_begin(result) : NULL; it; it = clist_next(it))
		ARRAY_PUSH(present, *(uint32_t *)clist_content(it));
	if (result)
		mailimap_search_result_free(result);
	st->present = present->v;
	st->n_present = present->n;
	return imap_check(drv, rr, _("searching"), err);
}

static int carry_out(struct imap_driver *drv, struct store_op *op, const struct store_folder *f,
		     const struct replay_plan *p, const char *dest_wire, struct err *err)
{
	switch (op->kind) {
	case OP_FLAGS:
		if (store_flags(drv, p->uids, p->n_uids, true, op->flags_add, op->kw_add,
				op->n_kw_add, err) < 0)
			return -1;
		return store_flags(drv, p->uids, p->n_uids, false, op->flags_del, op->kw_del,
				   op->n_kw_del, err);
	case OP_MOVE:
	case OP_COPY:
		return copy_uids(drv, op, f, p->uids, p->n_uids, dest_wire, err);
	case OP_EXPUNGE:
		return expunge_uids(drv, p->uids, p->n_uids, err);
	case OP_APPEND: {
		struct buf msg = BUF_INIT;
		int r = store_journal_message(drv->d->store, op->seq, &msg, err);
		if (r == 0) {
			imap_notice(drv, _("a message waiting to be saved in %s was lost from the "
					   "journal"), op->dest);
			return 0;
		}
		bool done = false;
		if (r > 0 && p->create_dest)
			r = create_folder(drv, dest_wire, err);
		if (r >= 0)
			r = imap_doubt_check(drv, op, NULL, dest_wire, NULL, NULL, &msg, &done, err);
		if (r >= 0 && !done)
			r = append_wire(drv, op->dest, dest_wire, msg.data, msg.len,
					op->append_flags, NULL, err);
		buf_release(&msg);
		return r < 0 ? -1 : 0;
	}
	}
	return 0;
}

/* Messages that left folder in the store but stay on the server come back. */
static int restore(struct imap_driver *drv, uint32_t folder, const uint32_t *uids, size_t n,
		   struct err *err)
{
	if (!n || !folder)
		return 0;
	uint32_t *v = xmemdup(uids, n * sizeof *uids);
	int r = imap_fetch_summaries(drv, folder, v, n, NULL, err);
	free(v);
	return r;
}

/* Ends the op per the plan: notice, restore, and out of the journal (or
 * kept with the reason). */
static int settle(struct imap_driver *drv, struct store_op *op, uint32_t folder,
		  const struct replay_plan *p, const char *why, struct err *err)
{
	if (p->notice)
		imap_notice(drv, "%s", p->notice);
	if (p->restore && restore(drv, folder, p->uids, p->n_uids, err) < 0)
		return -1;
	if (p->verdict == REPLAY_KEEP) {
		op->attempts++;
		free(op->last_error);
		op->last_error = xstrdup(why ? why : "");
		return store_journal_update(drv->d->store, op, err);
	}
	return store_journal_remove(drv->d->store, op->seq, err);
}

static int replay_one(struct imap_driver *drv, struct store_op *op, struct err *err)
{
	struct store_folder f = { 0 };
	store_uids present = ARRAY_INIT;
	char *dest_wire = NULL;
	struct replay_state st;
	struct replay_plan plan = { 0 };
	int r = survey(drv, op, &f, &present, &dest_wire, &st, err);
	if (r == 0) {
		replay_decide(op, &st, &plan);
		if (plan.verdict != REPLAY_APPLY) {
			r = settle(drv, op, f.id, &plan, NULL, err);
		} else {
			struct err e = ERR_INIT;
			r = carry_out(drv, op, &f, &plan, dest_wire, &e);
			if (r < 0 && e.kind == ERR_SERVER_PERM) {
				struct replay_plan refused;
				replay_refused(op, f.name, err_msg(&e), plan.uids, plan.n_uids,
					       &refused);
				r = settle(drv, op, f.id, &refused, err_msg(&e), err);
				replay_plan_release(&refused);
			} else if (r < 0) {
				op->attempts++;
				free(op->last_error);
				op->last_error = xstrdup(err_msg(&e));
				store_journal_update(drv->d->store, op, NULL);
				err_move(err, &e);
			} else {
				r = settle(drv, op, f.id, &plan, NULL, err);
			}
			err_clear(&e);
		}
	}
	replay_plan_release(&plan);
	free(dest_wire);
	ARRAY_RELEASE(&present);
	store_folder_release(&f);
	return r;
}

int imap_replay_journal(struct driver *d, struct err *err)
{
	struct imap_driver *drv = imap_drv(d);
	if (imap_need_session(drv, err) < 0)
		return -1;
	store_ops ops = ARRAY_INIT;
	if (store_journal_list(d->store, &ops, err) < 0)
		return -1;
	drv->replaying = true;
	int r = 0;
	for (size_t i = 0; i < ops.n && r == 0; i++) {
		imap_progress(drv, _("sending offline changes"), i, ops.n);
		r = replay_one(drv, &ops.v[i], err);
	}
	if (r == 0 && ops.n)
		imap_progress(drv, _("sending offline changes"), ops.n, ops.n);
	drv->replaying = false;
	store_ops_release(&ops);
	return r;
}
