/* Replaying an op that makes copies (COPY; APPEND; MOVE where the server has
 * no MOVE and it is done as COPY and EXPUNGE) without making them twice.
 *
 * Such an op cannot simply be sent again after an attempt whose answer was
 * lost (the connection dropped, postie was killed): the server may have
 * carried it out, and a second COPY makes a second copy. So right before
 * each attempt the destination's UIDVALIDITY and UIDNEXT are noted in the
 * op (durably, store/store.h); a later attempt first looks at what arrived
 * in the destination since (UIDs from the noted UIDNEXT on, under the same
 * UIDVALIDITY) and leaves out every message already there. A message is
 * recognised by its size, its Message-ID and, for copies, its INTERNALDATE
 * (COPY keeps it): another client's mail that arrived meanwhile does not
 * look like ours. A destination recreated since (another UIDVALIDITY)
 * cannot hold an earlier attempt's copy. */
#include "common.h"

#include "imap/imap-private.h"
#include "store/summary.h"
#include "util/buf.h"
#include "util/err.h"

/* What tells a copy of a message from other mail. */
struct ident {
	uint32_t uid;
	uint32_t size;
	int64_t internaldate;
	char *message_id;       /* NULL when it has none */
	bool matched;
};

typedef ARRAY(struct ident) ident_list;

static void idents_release(ident_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].message_id);
	ARRAY_RELEASE(l);
}

static char *header_message_id(const char *hdr, size_t len)
{
	struct msg_summary s;
	msg_summary_init(&s);
	msg_summary_fill_header(&s, hdr, len);
	char *mid = s.message_id && *s.message_id ? xstrdup(s.message_id) : NULL;
	msg_summary_release(&s);
	return mid;
}

static void on_ident(void *aux, const struct imap_msg *m)
{
	ident_list *l = aux;
	if (!m->uid || !m->has_size || !m->header)
		return;         /* an unsolicited flag update of another message */
	struct ident id = { m->uid, m->size, m->internaldate,
			    header_message_id(m->header, m->header_len), false };
	ARRAY_PUSH(l, id);
}

/* UID FETCH set (UID RFC822.SIZE INTERNALDATE Message-ID) in the selected
 * folder, appended to out. */
static int fetch_idents(struct imap_driver *drv, struct mailimap_set *set, ident_list *out,
			struct err *err)
{
	struct mailimap_fetch_type *ft = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_rfc822_size());
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_internaldate());
	clist *names = clist_new();
	clist_append(names, xstrdup("MESSAGE-ID"));
	struct mailimap_section *sec =
		mailimap_section_new_header_fields(mailimap_header_list_new(names));
	mailimap_fetch_type_new_fetch_att_list_add(ft, mailimap_fetch_att_new_body_peek_section(sec));
	clist *result = NULL;
	imap_begin_fetch(drv, on_ident, out);
	int rr = mailimap_uid_fetch(imap_session_etpan(drv->s), set, ft, &result);
	imap_end_fetch(drv);
	if (result)
		mailimap_fetch_list_free(result);
	mailimap_fetch_type_free(ft);
	return imap_check(drv, rr, _("looking for copies an interrupted attempt made on"), err);
}

static int dest_status(struct imap_driver *drv, const char *wire, uint32_t *uidvalidity,
		       uint32_t *uidnext, struct err *err)
{
	struct imap_status st;
	int r = imap_folder_status(drv, wire, &st, err);
	*uidvalidity = st.uidvalidity;
	*uidnext = st.uidnext;
	return r;
}

/* What arrived in the destination from UID `from` on (it is examined, so
 * nothing is selected afterwards). */
static int arrived(struct imap_driver *drv, const char *dest_wire, uint32_t from,
		   ident_list *out, struct err *err)
{
	imap_selected_release(&drv->sel);
	imap_flagrecs_release(&drv->flagrecs);
	int rr = mailimap_examine(imap_session_etpan(drv->s), dest_wire);
	if (imap_check(drv, rr, _("looking for copies an interrupted attempt made on"), err) < 0)
		return -1;
	struct mailimap_set *set = mailimap_set_new_interval(from, 0);
	int r = fetch_idents(drv, set, out, err);
	mailimap_set_free(set);
	imap_flagrecs_release(&drv->flagrecs);  /* the destination's, not wanted here */
	size_t kept = 0;                        /* "N:*" also names the last UID below N */
	for (size_t i = 0; i < out->n; i++) {
		if (out->v[i].uid >= from)
			out->v[kept++] = out->v[i];
		else
			free(out->v[i].message_id);
	}
	out->n = kept;
	return r;
}

static bool same_string(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* An unmatched message of there that is the one described, or NULL. */
static struct ident *find_copy(ident_list *there, uint32_t size, const int64_t *internaldate,
			       const char *message_id)
{
	for (size_t i = 0; i < there->n; i++) {
		struct ident *d = &there->v[i];
		if (!d->matched && d->size == size && same_string(d->message_id, message_id) &&
		    (!internaldate || d->internaldate == *internaldate))
			return d;
	}
	return NULL;
}

bool imap_op_copies(struct imap_driver *drv, const struct store_op *op)
{
	return op->kind == OP_COPY || op->kind == OP_APPEND ||
	       (op->kind == OP_MOVE && !imap_session_has_capability(drv->s, "MOVE"));
}

/* Leaves out of uids (copies from the selected source folder src) those an
 * earlier attempt already copied to the destination; for an APPEND (src
 * NULL, msg its message) sets *done when it is there. */
static int leave_out_done(struct imap_driver *drv, const struct store_op *op,
			  const struct store_folder *src, const char *dest_wire, uint32_t *uids,
			  size_t *n, const struct buf *msg, bool *done, struct err *err)
{
	ident_list mine = ARRAY_INIT, there = ARRAY_INIT;
	int r = 0;
	if (src && *n) {
		struct mailimap_set *set = imap_uid_set(uids, *n);
		r = fetch_idents(drv, set, &mine, err);
		mailimap_set_free(set);
	}
	if (r == 0)
		r = arrived(drv, dest_wire, op->dest_uidnext, &there, err);
	if (r == 0 && src) {
		size_t kept = 0;
		for (size_t i = 0; i < *n; i++) {
			const struct ident *m = NULL;
			for (size_t k = 0; k < mine.n && !m; k++)
				if (mine.v[k].uid == uids[i])
					m = &mine.v[k];
			struct ident *c = m ? find_copy(&there, m->size, &m->internaldate,
							 m->message_id) : NULL;
			if (c)
				c->matched = true;
			else
				uids[kept++] = uids[i];
		}
		*n = kept;
		r = imap_select(drv, src, true, err);   /* back to the source */
	} else if (r == 0 && msg) {
		char *mid = header_message_id(msg->data, msg->len);
		*done = msg->len <= UINT32_MAX && find_copy(&there, (uint32_t)msg->len, NULL, mid);
		free(mid);
	}
	idents_release(&mine);
	idents_release(&there);
	return r;
}

static int mark(struct imap_driver *drv, struct store_op *op, uint32_t uidvalidity,
		uint32_t uidnext, struct err *err)
{
	if (op->dest_uidvalidity == uidvalidity && op->dest_uidnext == uidnext)
		return 0;
	op->dest_uidvalidity = uidvalidity;
	op->dest_uidnext = uidnext;
	return store_journal_update(drv->d->store, op, err);
}

int imap_doubt_mark(struct imap_driver *drv, struct store_op *op, const char *dest_wire,
		    struct err *err)
{
	uint32_t uidvalidity, uidnext;
	if (dest_status(drv, dest_wire, &uidvalidity, &uidnext, err) < 0)
		return -1;
	return mark(drv, op, uidvalidity, uidnext, err);
}

int imap_doubt_check(struct imap_driver *drv, struct store_op *op, const struct store_folder *src,
		     const char *dest_wire, uint32_t *uids, size_t *n, const struct buf *msg,
		     bool *done, struct err *err)
{
	*done = false;
	uint32_t uidvalidity, uidnext;
	if (dest_status(drv, dest_wire, &uidvalidity, &uidnext, err) < 0)
		return -1;
	if (op->dest_uidnext && op->dest_uidvalidity == uidvalidity && uidnext > op->dest_uidnext &&
	    leave_out_done(drv, op, src, dest_wire, uids, n, msg, done, err) < 0)
		return -1;
	return mark(drv, op, uidvalidity, uidnext, err);
}
