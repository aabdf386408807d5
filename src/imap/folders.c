/* The folder list: LIST (with SPECIAL-USE attributes, or XLIST on servers
 * that only have that), LSUB for subscriptions, roles with the account's
 * overrides (sent_folder, ...), STATUS to find folders that changed on the
 * server; and creating, renaming, deleting and (un)subscribing folders. */
#include "common.h"

#include "conf/conf.h"
#include "imap/imap-private.h"
#include "util/err.h"
#include "util/strutil.h"

struct server_folder {
	char *utf8, *wire;
	char delim;
	unsigned attrs;
	enum store_role role;
};
typedef ARRAY(struct server_folder) server_folders;

static void server_folders_release(server_folders *v)
{
	for (size_t i = 0; i < v->n; i++) {
		free(v->v[i].utf8);
		free(v->v[i].wire);
	}
	ARRAY_RELEASE(v);
}

/* RFC 6154 attributes, and XLIST's names for the same (\AllMail, \Spam,
 * \Starred, \Inbox). libetpan gives them without the backslash. */
static enum store_role role_of(const char *attr)
{
	static const struct { const char *name; enum store_role role; } map[] = {
		{ "Sent", ROLE_SENT }, { "Drafts", ROLE_DRAFTS }, { "Trash", ROLE_TRASH },
		{ "Junk", ROLE_JUNK }, { "Spam", ROLE_JUNK }, { "Archive", ROLE_ARCHIVE },
		{ "All", ROLE_ALL }, { "AllMail", ROLE_ALL }, { "Flagged", ROLE_FLAGGED },
		{ "Starred", ROLE_FLAGGED }, { "Inbox", ROLE_INBOX },
	};
	if (attr[0] == '\\')
		attr++;
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (str_casecmp(map[i].name, attr) == 0)
			return map[i].role;
	return ROLE_NONE;
}

static void take_list_entry(const struct mailimap_mailbox_list *mb, server_folders *out)
{
	struct server_folder f = { 0 };
	f.wire = xstrdup(mb->mb_name);
	f.delim = mb->mb_delimiter;
	bool inbox = str_casecmp(mb->mb_name, "INBOX") == 0;
	f.utf8 = inbox ? xstrdup("INBOX") : imap_mutf7_decode(mb->mb_name);
	const struct mailimap_mbx_list_flags *fl = mb->mb_flag;
	if (fl && fl->mbf_type == MAILIMAP_MBX_LIST_FLAGS_SFLAG &&
	    fl->mbf_sflag == MAILIMAP_MBX_LIST_SFLAG_NOSELECT)
		f.attrs |= FOLDER_NOSELECT;
	for (clistiter *it = fl && fl->mbf_oflags ? clist_begin(fl->mbf_oflags) : NULL; it;
	     it = clist_next(it)) {
		const struct mailimap_mbx_list_oflag *of = clist_content(it);
		if (of->of_type != MAILIMAP_MBX_LIST_OFLAG_FLAG_EXT || !of->of_flag_ext)
			continue;
		if (str_casecmp(of->of_flag_ext, "NonExistent") == 0 ||
		    str_casecmp(of->of_flag_ext, "Noselect") == 0)
			f.attrs |= FOLDER_NOSELECT;
		enum store_role r = role_of(of->of_flag_ext);
		if (r != ROLE_NONE && !f.role)
			f.role = r;
	}
	if (inbox)
		f.role = ROLE_INBOX;
	ARRAY_PUSH(out, f);
}

static int list_folders(struct imap_driver *drv, bool lsub, server_folders *out,
			struct err *err)
{
	mailimap *imap = imap_session_etpan(drv->s);
	clist *result = NULL;
	bool xlist = !lsub && !imap_session_has_capability(drv->s, "SPECIAL-USE") &&
		     imap_session_has_capability(drv->s, "XLIST");
	int rr = lsub ? mailimap_lsub(imap, "", "*", &result)
	       : xlist ? mailimap_xlist(imap, "", "*", &result)
	       : mailimap_list(imap, "", "*", &result);
	for (clistiter *it = result ? clist_begin(result) : NULL; it; it = clist_next(it))
		take_list_entry(clist_content(it), out);
	if (result)
		mailimap_list_result_free(result);
	return imap_check(drv, rr, lsub ? _("listing subscribed folders on")
				      : _("listing folders on"), err);
}

static struct server_folder *find_wire(server_folders *v, const char *wire)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->v[i].wire, wire) == 0)
			return &v->v[i];
	return NULL;
}

/* The account file's names win over the server's attributes. */
static void apply_overrides(const struct account_conf *a, server_folders *v)
{
	const struct { const char *name; enum store_role role; } o[] = {
		{ a->sent_folder, ROLE_SENT }, { a->drafts_folder, ROLE_DRAFTS },
		{ a->trash_folder, ROLE_TRASH }, { a->junk_folder, ROLE_JUNK },
		{ a->archive_folder, ROLE_ARCHIVE },
	};
	for (size_t k = 0; k < ARRAY_SIZE(o); k++) {
		if (!o[k].name)
			continue;
		for (size_t i = 0; i < v->n; i++) {
			if (strcmp(v->v[i].utf8, o[k].name) == 0) {
				v->v[i].role = o[k].role;
			} else if (v->v[i].role == o[k].role) {
				v->v[i].role = ROLE_NONE;
			}
		}
	}
}

/* Writes the server's folders into the store and removes the others. */
static int save_folders(struct imap_driver *drv, server_folders *v, struct err *err)
{
	struct store_acct *st = drv->d->store;
	int r = 0;
	for (size_t i = 0; i < v->n && r == 0; i++) {
		struct server_folder *s = &v->v[i];
		struct store_folder f = { 0 };
		r = store_folder_ensure(st, s->utf8, &f, err) < 0 ? -1 : 0;
		if (r == 0 && (f.role != s->role || f.attrs != s->attrs || f.delim != s->delim)) {
			f.role = s->role;
			f.attrs = s->attrs;
			f.delim = s->delim;
			r = store_folder_update(st, &f, err);
		}
		store_folder_release(&f);
	}
	store_folders have = ARRAY_INIT;
	if (r == 0)
		r = store_folder_list(st, &have, err);
	for (size_t i = 0; i < have.n && r == 0; i++) {
		bool kept = false;
		for (size_t k = 0; k < v->n && !kept; k++)
			kept = strcmp(v->v[k].utf8, have.v[i].name) == 0;
		if (!kept)
			r = store_folder_remove(st, have.v[i].id, err);
	}
	store_folders_release(&have);
	return r;
}

int imap_folder_status(struct imap_driver *drv, const char *wire, struct imap_status *c,
		       struct err *err)
{
	struct mailimap_status_att_list *atts = mailimap_status_att_list_new_empty();
	mailimap_status_att_list_add(atts, MAILIMAP_STATUS_ATT_MESSAGES);
	mailimap_status_att_list_add(atts, MAILIMAP_STATUS_ATT_UNSEEN);
	mailimap_status_att_list_add(atts, MAILIMAP_STATUS_ATT_UIDNEXT);
	mailimap_status_att_list_add(atts, MAILIMAP_STATUS_ATT_UIDVALIDITY);
	struct mailimap_mailbox_data_status *st = NULL;
	int rr = mailimap_status(imap_session_etpan(drv->s), wire, atts, &st);
	mailimap_status_att_list_free(atts);
	memset(c, 0, sizeof *c);
	for (clistiter *it = st && st->st_info_list ? clist_begin(st->st_info_list) : NULL; it;
	     it = clist_next(it)) {
		const struct mailimap_status_info *si = clist_content(it);
		uint32_t v = si->st_value;
		switch (si->st_att) {
		case MAILIMAP_STATUS_ATT_MESSAGES: c->messages = v; break;
		case MAILIMAP_STATUS_ATT_UNSEEN: c->unseen = v; break;
		case MAILIMAP_STATUS_ATT_UIDNEXT: c->uidnext = v; break;
		case MAILIMAP_STATUS_ATT_UIDVALIDITY: c->uidvalidity = v; break;
		default: break;
		}
	}
	if (st)
		mailimap_mailbox_data_status_free(st);
	return imap_check(drv, rr, _("asking for the status of a folder on"), err);
}

/* A folder synced before: synced again when its STATUS differs from the
 * store (the periodic check of folders other than the open one). One never
 * synced: its STATUS counts kept for the folder list (the sidebar). */
static int check_folder(struct imap_driver *drv, struct store_folder *f, const char *wire,
			struct err *err)
{
	struct imap_status c;
	struct err e = ERR_INIT;
	if (imap_folder_status(drv, wire, &c, &e) < 0) {
		/* Counts are a nicety: a server that refuses them (NO) for a
		 * folder never synced is no reason to fail the check. */
		if (!f->uidvalidity && e.kind == ERR_SERVER_PERM && drv->s) {
			err_clear(&e);
			return 0;
		}
		err_move(err, &e);
		return -1;
	}
	if (f->uidvalidity) {
		bool changed = c.messages != f->n_messages || c.unseen != f->n_unseen ||
			       c.uidnext != f->uidnext || c.uidvalidity != f->uidvalidity;
		return changed ? imap_sync_folder(drv->d, f->id, 0, err) : 0;
	}
	if (c.messages == f->status_messages && c.unseen == f->status_unseen)
		return 0;
	f->status_messages = c.messages;
	f->status_unseen = c.unseen;
	return store_folder_update(drv->d->store, f, err);
}

/* STATUS of every listed folder but the selected one (see check_folder()). */
static int sync_changed(struct imap_driver *drv, server_folders *v, struct err *err)
{
	store_folders have = ARRAY_INIT;
	int r = store_folder_list(drv->d->store, &have, err);
	bool counts = false;
	for (size_t i = 0; i < have.n && r == 0; i++) {
		struct store_folder *f = &have.v[i];
		if ((f->attrs & FOLDER_NOSELECT) || f->id == drv->sel.folder ||
		    !store_folder_listed(f, drv->d->conf->subscribed_only))
			continue;
		const char *wire = NULL;
		for (size_t k = 0; k < v->n && !wire; k++)
			if (strcmp(v->v[k].utf8, f->name) == 0)
				wire = v->v[k].wire;
		if (wire) {
			uint32_t before = f->status_messages, unseen = f->status_unseen;
			r = check_folder(drv, f, wire, err);
			counts |= !f->uidvalidity && (before != f->status_messages ||
						      unseen != f->status_unseen);
		}
	}
	store_folders_release(&have);
	const struct sync_observer *o = drv->d->obs;
	if (r == 0 && counts && o && o->folders_changed)
		o->folders_changed(o->aux);
	return r;
}

int imap_sync_folders(struct driver *d, struct err *err)
{
	struct imap_driver *drv = imap_drv(d);
	if (imap_need_session(drv, err) < 0)
		return -1;
	server_folders all = ARRAY_INIT, subscribed = ARRAY_INIT;
	int r = list_folders(drv, false, &all, err);
	if (r == 0)
		r = list_folders(drv, true, &subscribed, err);
	if (r == 0) {
		imap_names_clear(drv);
		for (size_t i = 0; i < all.n; i++) {
			struct server_folder *f = &all.v[i];
			f->attrs |= find_wire(&subscribed, f->wire) ? FOLDER_SUBSCRIBED
								    : FOLDER_UNSUBSCRIBED;
			imap_names_add(drv, f->utf8, f->wire);
		}
		/* Every folder is stored, subscribed or not: lists show what
		 * store_folder_listed() says (subscribed_only). */
		apply_overrides(d->conf, &all);
		r = save_folders(drv, &all, err);
	}
	const struct sync_observer *o = d->obs;
	if (r == 0 && o && o->folders_changed)
		o->folders_changed(o->aux);
	if (r == 0)
		r = sync_changed(drv, &all, err);
	server_folders_release(&all);
	server_folders_release(&subscribed);
	return r;
}

/* ---- folder management ---- */

static int wire_arg(struct imap_driver *drv, const char *name, char **wire_r, struct err *err)
{
	if (!name || !*name)
		return err_set(err, ERR_USAGE, _("a folder needs a name"));
	*wire_r = imap_wire_name(drv, name, err);
	return *wire_r ? 0 : -1;
}

static int store_after_op(struct imap_driver *drv, enum folder_op op, const char *name,
			  const char *new_name, struct err *err)
{
	struct store_acct *st = drv->d->store;
	struct store_folder f = { 0 };
	int r = store_folder_get(st, name, &f, err);
	if (r < 0)
		return -1;
	switch (op) {
	case FOLDER_CREATE:
		store_folder_release(&f);
		r = store_folder_ensure(st, name, &f, err);
		if (r >= 0 && !(f.attrs & FOLDER_SUBSCRIBED)) {
			store_folder_set_subscribed(&f, true);
			r = store_folder_update(st, &f, err);
		}
		break;
	case FOLDER_RENAME:
		r = r ? store_folder_rename(st, f.id, new_name, err) : 0;
		break;
	case FOLDER_DELETE:
		r = r ? store_folder_remove(st, f.id, err) : 0;
		break;
	case FOLDER_SUBSCRIBE:
	case FOLDER_UNSUBSCRIBE:
		if (r > 0) {
			store_folder_set_subscribed(&f, op == FOLDER_SUBSCRIBE);
			r = store_folder_update(st, &f, err);
		}
		break;
	}
	store_folder_release(&f);
	return r < 0 ? -1 : 0;
}

/* The command for op; *what_r names it for errors. */
static int run_folder_op(mailimap *imap, enum folder_op op, const char *wire,
			 const char *new_wire, const char **what_r)
{
	int rr;
	switch (op) {
	case FOLDER_CREATE:
		*what_r = _("creating a folder on");
		rr = mailimap_create(imap, wire);
		return rr == MAILIMAP_NO_ERROR ? mailimap_subscribe(imap, wire) : rr;
	case FOLDER_RENAME:
		*what_r = _("renaming a folder on");
		return mailimap_rename(imap, wire, new_wire);
	case FOLDER_DELETE:
		*what_r = _("deleting a folder on");
		rr = mailimap_delete(imap, wire);
		if (rr == MAILIMAP_NO_ERROR)
			mailimap_unsubscribe(imap, wire);  /* Dovecot keeps subscriptions apart */
		return rr;
	case FOLDER_SUBSCRIBE:
		*what_r = _("subscribing to a folder on");
		return mailimap_subscribe(imap, wire);
	default:
		*what_r = _("unsubscribing from a folder on");
		return mailimap_unsubscribe(imap, wire);
	}
}

int imap_folder_op(struct driver *d, enum folder_op op, const char *name, const char *new_name,
		   struct err *err)
{
	struct imap_driver *drv = imap_drv(d);
	if (imap_need_session(drv, err) < 0)
		return -1;
	char *wire = NULL, *new_wire = NULL;
	if (wire_arg(drv, name, &wire, err) < 0 ||
	    (op == FOLDER_RENAME && wire_arg(drv, new_name, &new_wire, err) < 0)) {
		free(wire);
		return -1;
	}
	mailimap *imap = imap_session_etpan(drv->s);
	/* Dovecot hangs up on a session whose selected folder is deleted, so
	 * leave it first: EXAMINE of the INBOX, as libetpan has no UNSELECT
	 * and CLOSE would expunge. A renamed folder is simply selected anew. */
	if (drv->sel.wire && strcmp(drv->sel.wire, wire) == 0 &&
	    (op == FOLDER_RENAME || op == FOLDER_DELETE)) {
		imap_selected_release(&drv->sel);
		if (op == FOLDER_DELETE && str_casecmp(wire, "INBOX") != 0 &&
		    imap_check(drv, mailimap_examine(imap, "INBOX"),
			       _("leaving the folder to delete on"), err) < 0) {
			free(wire);
			return -1;
		}
	}
	const char *what;
	int rr = run_folder_op(imap, op, wire, new_wire, &what);
	int r = imap_check(drv, rr, what, err);
	if (r == 0 && op == FOLDER_RENAME) {
		/* The subscription follows the name. */
		mailimap_unsubscribe(imap, wire);
		mailimap_subscribe(imap, new_wire);
	}
	if (r == 0) {
		if (op == FOLDER_RENAME || op == FOLDER_DELETE)
			imap_names_clear(drv);
		r = store_after_op(drv, op, name, new_name, err);
	}
	const struct sync_observer *o = d->obs;
	if (r == 0 && o && o->folders_changed)
		o->folders_changed(o->aux);
	free(wire);
	free(new_wire);
	return r;
}
