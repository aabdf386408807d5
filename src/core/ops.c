/* What the user does to messages (core/ops.h): applied to the store at once
 * and, for accounts whose folders live on a server, journaled first. */
#include "common.h"

#include <time.h>

#include "conf/conf.h"
#include "core/ops.h"
#include "store/store.h"
#include "util/array.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/strutil.h"

/* Flags the user may change: \Recent is the server's business. */
#define USER_FLAGS (MSG_FLAGS_ALL & ~(uint32_t)MSG_RECENT)
/* A journal record holds at most 1024 strings per list (store/journal.c):
 * POP3 server deletions carry one UIDL per message, so they go in slices. */
#define UIDLS_PER_OP 1000

typedef ARRAY(struct msg_summary) summary_list;

static bool on_server(const struct ops_ctx *c)
{
	return c->conf->protocol == PROTO_IMAP;
}

static bool pop3_deletes_on_server(const struct ops_ctx *c)
{
	return c->conf->protocol == PROTO_POP3 && c->conf->delete_on_server_when_deleted;
}

static int load_folder(const struct ops_ctx *c, uint32_t id, struct store_folder *f,
		       struct err *err)
{
	int r = store_folder_get_id(c->store, id, f, err);
	if (r == 0)
		return err_set(err, ERR_NOT_FOUND, _("account %s has no folder %u"),
			       c->conf->account, id);
	return r < 0 ? -1 : 0;
}

static void summaries_release(summary_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		msg_summary_release(&l->v[i]);
	ARRAY_RELEASE(l);
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return a < b ? -1 : a > b;
}

/* The summaries of the uids folder holds, in UID order, each once. */
static int get_present(const struct ops_ctx *c, uint32_t folder, const uint32_t *uids,
		       size_t n, summary_list *out, struct err *err)
{
	uint32_t *sorted = xmemdup(uids, (n ? n : 1) * sizeof *uids);
	qsort(sorted, n, sizeof *sorted, cmp_u32);
	int r = 0;
	for (size_t i = 0; i < n && r >= 0; i++) {
		if (i && sorted[i] == sorted[i - 1])
			continue;
		struct msg_summary s;
		msg_summary_init(&s);
		r = store_msg_get(c->store, folder, sorted[i], &s, err);
		if (r > 0)
			ARRAY_PUSH(out, s);
		else
			msg_summary_release(&s);
	}
	free(sorted);
	return r < 0 ? -1 : 0;
}

static uint32_t *uids_of(const summary_list *l)
{
	uint32_t *v = xreallocarray(NULL, l->n ? l->n : 1, sizeof *v);
	for (size_t i = 0; i < l->n; i++)
		v[i] = l->v[i].uid;
	return v;
}

/* An IMAP keyword is an atom: no blanks, controls or atom-specials, and not
 * a system flag (those start with a backslash). */
static bool keyword_valid(const char *kw)
{
	if (!kw || !*kw || strlen(kw) > 200)
		return false;
	for (const unsigned char *p = (const unsigned char *)kw; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || strchr("(){%*\"\\]", *p))
			return false;
	return true;
}

static int check_keywords(const char *const *v, size_t n, struct err *err)
{
	for (size_t i = 0; i < n; i++)
		if (!keyword_valid(v[i]))
			return err_set(err, ERR_USAGE, _("'%s' cannot be a keyword (keywords are "
							 "single words without blanks or "
							 "brackets)"), v[i] ? v[i] : "");
	return 0;
}

static bool in_list(const char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (str_casecmp(v[i], s) == 0)
			return true;
	return false;
}

/* The keywords of s after the change, as a new array of borrowed strings. */
static const char **new_keywords(const struct msg_summary *s, const char *const *add,
				 size_t n_add, const char *const *del, size_t n_del, size_t *n_r)
{
	const char **v = xreallocarray(NULL, s->n_keywords + n_add + 1, sizeof *v);
	size_t n = 0;
	for (size_t i = 0; i < s->n_keywords; i++)
		if (!in_list(del, n_del, s->keywords[i]))
			v[n++] = s->keywords[i];
	for (size_t i = 0; i < n_add; i++)
		if (!in_list(del, n_del, add[i]) && !in_list(v, n, add[i]))
			v[n++] = add[i];
	*n_r = n;
	return v;
}

static int apply_flags(const struct ops_ctx *c, uint32_t folder, const summary_list *l,
		       uint32_t add, uint32_t del, const char *const *kw_add, size_t n_kw_add,
		       const char *const *kw_del, size_t n_kw_del, struct err *err)
{
	struct store_flag_change *ch = xcalloc(l->n ? l->n : 1, sizeof *ch);
	const char ***kws = xcalloc(l->n ? l->n : 1, sizeof *kws);
	for (size_t i = 0; i < l->n; i++) {
		const struct msg_summary *s = &l->v[i];
		ch[i].uid = s->uid;
		ch[i].flags = (s->flags | add) & ~del;
		ch[i].set_keywords = true;
		kws[i] = new_keywords(s, kw_add, n_kw_add, kw_del, n_kw_del, &ch[i].n_keywords);
		ch[i].keywords = kws[i];
	}
	int r = store_msg_set_flags(c->store, folder, ch, l->n, err);
	for (size_t i = 0; i < l->n; i++)
		free(kws[i]);
	free(kws);
	free(ch);
	return r < 0 ? -1 : 0;
}

int ops_set_flags(const struct ops_ctx *c, uint32_t folder, const uint32_t *uids, size_t n,
		  uint32_t add, uint32_t del, const char *const *kw_add, size_t n_kw_add,
		  const char *const *kw_del, size_t n_kw_del, struct err *err)
{
	add &= USER_FLAGS;
	del &= USER_FLAGS;
	if (check_keywords(kw_add, n_kw_add, err) < 0 || check_keywords(kw_del, n_kw_del, err) < 0)
		return -1;
	struct store_folder f = { 0 };
	summary_list l = ARRAY_INIT;
	int r = load_folder(c, folder, &f, err);
	if (r == 0)
		r = get_present(c, folder, uids, n, &l, err);
	if (r == 0 && l.n && on_server(c)) {
		struct store_op op = {
			.kind = OP_FLAGS, .folder = folder, .uidvalidity = f.uidvalidity,
			.uids = uids_of(&l), .n_uids = l.n, .flags_add = add, .flags_del = del,
			.kw_add = (char **)kw_add, .n_kw_add = n_kw_add,
			.kw_del = (char **)kw_del, .n_kw_del = n_kw_del,
		};
		r = store_journal_add(c->store, &op, NULL, 0, err);
		free(op.uids);
	}
	if (r == 0 && l.n)
		r = apply_flags(c, folder, &l, add, del, kw_add, n_kw_add, kw_del, n_kw_del, err);
	summaries_release(&l);
	store_folder_release(&f);
	return r < 0 ? -1 : 0;
}

/* POP3 with delete_on_server_when_deleted: an OP_EXPUNGE per slice of the
 * messages that came from the server, their UIDLs in kw_del (see ops.h). */
static int journal_pop3_deletes(const struct ops_ctx *c, uint32_t folder, const summary_list *l,
				struct err *err)
{
	ARRAY(uint32_t) uids = ARRAY_INIT;
	ARRAY(char *) uidls = ARRAY_INIT;
	int r = 0;
	for (size_t i = 0; i <= l->n && r == 0; i++) {
		bool flush = i == l->n || uids.n == UIDLS_PER_OP;
		if (flush && uids.n) {
			struct store_op op = {
				.kind = OP_EXPUNGE, .folder = folder, .uids = uids.v, .n_uids = uids.n,
				.kw_del = uidls.v, .n_kw_del = uidls.n,
			};
			r = store_journal_add(c->store, &op, NULL, 0, err);
			uids.n = uidls.n = 0;
		}
		if (i < l->n && l->v[i].uidl) {
			ARRAY_PUSH(&uids, l->v[i].uid);
			ARRAY_PUSH(&uidls, l->v[i].uidl);
		}
	}
	ARRAY_RELEASE(&uids);
	ARRAY_RELEASE(&uidls);
	return r;
}

/* Copies (and for a move then deletes) local messages: new local ids in
 * dest, bodies along, all in one group. A moved message keeps its UIDL, a
 * copy does not (one server message, one local message that came from it). */
static int transfer_local(const struct ops_ctx *c, uint32_t folder, const summary_list *l,
			  uint32_t dest, bool move, struct err *err)
{
	if (store_begin(c->store, err) < 0)
		return -1;
	struct buf body = BUF_INIT;
	int r = 0;
	for (size_t i = 0; i < l->n && r >= 0; i++) {
		struct msg_summary s;
		msg_summary_init(&s);
		msg_summary_copy(&s, &l->v[i]);
		s.uid = 0;
		if (!move)
			FREE(&s.uidl);
		r = store_body_get(c->store, folder, l->v[i].uid, &body, err);
		if (r > 0)
			r = store_msg_deliver(c->store, dest, &s, body.data, body.len, err);
		else if (r == 0 && (r = store_msg_new_local_id(c->store, dest, &s.uid, err)) == 0)
			r = store_msg_put(c->store, dest, &s, 1, err);
		msg_summary_release(&s);
	}
	buf_release(&body);
	if (r >= 0 && move) {
		uint32_t *uids = uids_of(l);
		r = store_msg_delete(c->store, folder, uids, l->n, err);
		free(uids);
	}
	if (r < 0) {
		store_abort(c->store);
		return -1;
	}
	return store_commit(c->store, STORE_SYNC, err);
}

static int move_or_copy(const struct ops_ctx *c, uint32_t folder, const uint32_t *uids,
			size_t n, uint32_t dest, bool move, bool pop3_delete, struct err *err)
{
	if (dest == folder)
		return err_set(err, ERR_USAGE, move ? _("the messages are already in that folder")
					       : _("cannot copy messages onto their own folder"));
	struct store_folder f = { 0 }, d = { 0 };
	summary_list l = ARRAY_INIT;
	int r = load_folder(c, folder, &f, err);
	if (r == 0)
		r = load_folder(c, dest, &d, err);
	if (r == 0)
		r = get_present(c, folder, uids, n, &l, err);
	if (r == 0 && l.n && on_server(c)) {
		struct store_op op = {
			.kind = move ? OP_MOVE : OP_COPY, .folder = folder,
			.uidvalidity = f.uidvalidity, .uids = uids_of(&l), .n_uids = l.n,
			.dest = d.name,
		};
		r = store_journal_add(c->store, &op, NULL, 0, err);
		if (r == 0 && move)
			r = store_msg_delete(c->store, folder, op.uids, op.n_uids, err) < 0 ? -1 : 0;
		free(op.uids);
	} else if (r == 0 && l.n) {
		if (pop3_delete)
			r = journal_pop3_deletes(c, folder, &l, err);
		if (r == 0)
			r = transfer_local(c, folder, &l, dest, move, err);
	}
	summaries_release(&l);
	store_folder_release(&f);
	store_folder_release(&d);
	return r < 0 ? -1 : 0;
}

int ops_move(const struct ops_ctx *c, uint32_t folder, const uint32_t *uids, size_t n,
	     uint32_t dest, struct err *err)
{
	return move_or_copy(c, folder, uids, n, dest, true, false, err);
}

int ops_copy(const struct ops_ctx *c, uint32_t folder, const uint32_t *uids, size_t n,
	     uint32_t dest, struct err *err)
{
	return move_or_copy(c, folder, uids, n, dest, false, false, err);
}

int ops_trash_folder(const struct ops_ctx *c, uint32_t *id_r, struct err *err)
{
	struct store_folder f = { 0 };
	*id_r = 0;
	if (c->conf->trash_folder) {
		int r = store_folder_get(c->store, c->conf->trash_folder, &f, err);
		if (r > 0)
			*id_r = f.id;
		store_folder_release(&f);
		return r < 0 ? -1 : 0;
	}
	store_folders list = ARRAY_INIT;
	if (store_folder_list(c->store, &list, err) < 0)
		return -1;
	for (size_t i = 0; i < list.n && !*id_r; i++)
		if (list.v[i].role == ROLE_TRASH && !(list.v[i].attrs & FOLDER_NOSELECT))
			*id_r = list.v[i].id;
	store_folders_release(&list);
	return 0;
}

int ops_delete(const struct ops_ctx *c, uint32_t folder, const uint32_t *uids, size_t n,
	       struct err *err)
{
	uint32_t trash = 0;
	if (c->conf->delete_policy == DELETE_TRASH && ops_trash_folder(c, &trash, err) < 0)
		return -1;
	if (trash && trash != folder)
		return move_or_copy(c, folder, uids, n, trash, true, pop3_deletes_on_server(c),
				    err) < 0 ? -1 : 1;
	return ops_set_flags(c, folder, uids, n, MSG_DELETED, 0, NULL, 0, NULL, 0, err);
}

static int collect_deleted(const struct msg_summary *s, void *aux, struct err *err)
{
	(void)err;
	summary_list *l = aux;
	if (s->flags & MSG_DELETED) {
		struct msg_summary copy;
		msg_summary_init(&copy);
		msg_summary_copy(&copy, s);
		ARRAY_PUSH(l, copy);
	}
	return 0;
}

int ops_expunge(const struct ops_ctx *c, uint32_t folder, struct err *err)
{
	struct store_folder f = { 0 };
	summary_list l = ARRAY_INIT;
	int r = load_folder(c, folder, &f, err);
	if (r == 0)
		r = store_msg_scan(c->store, folder, 0, collect_deleted, &l, err);
	uint32_t *uids = uids_of(&l);
	if (r == 0 && l.n && on_server(c)) {
		struct store_op op = {
			.kind = OP_EXPUNGE, .folder = folder, .uidvalidity = f.uidvalidity,
			.uids = uids, .n_uids = l.n,
		};
		r = store_journal_add(c->store, &op, NULL, 0, err);
	} else if (r == 0 && l.n && pop3_deletes_on_server(c)) {
		r = journal_pop3_deletes(c, folder, &l, err);
	}
	if (r == 0 && l.n)
		r = store_msg_delete(c->store, folder, uids, l.n, err) < 0 ? -1 : 0;
	size_t n = l.n;
	free(uids);
	summaries_release(&l);
	store_folder_release(&f);
	return r < 0 ? -1 : (int)n;
}

int ops_append(const struct ops_ctx *c, uint32_t dest, const void *msg, size_t len,
	       uint32_t flags, uint32_t *uid_r, struct err *err)
{
	struct store_folder d = { 0 };
	uint32_t uid = 0;
	int r = load_folder(c, dest, &d, err);
	if (r == 0 && on_server(c)) {
		struct store_op op = {
			.kind = OP_APPEND, .dest = d.name, .append_flags = flags & USER_FLAGS,
		};
		r = store_journal_add(c->store, &op, msg, len, err);
	} else if (r == 0) {
		struct msg_summary s;
		msg_summary_init(&s);
		msg_summary_fill_header(&s, msg, len);
		s.flags = flags & USER_FLAGS;
		s.size = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
		s.internaldate = (int64_t)time(NULL);
		r = store_msg_deliver(c->store, dest, &s, msg, len, err);
		uid = s.uid;
		msg_summary_release(&s);
	}
	store_folder_release(&d);
	if (uid_r)
		*uid_r = uid;
	return r < 0 ? -1 : 0;
}
