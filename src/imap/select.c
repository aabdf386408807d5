/* SELECT: plain, with CONDSTORE (HIGHESTMODSEQ) or with QRESYNC parameters
 * (changed flags and VANISHED UIDs since the stored HIGHESTMODSEQ in the same
 * round trip). SELECT rather than EXAMINE, since replaying the journal
 * stores flags; nothing is written to the server by selecting (no \Recent or
 * Old keyword games: \Recent is never stored). */
#include "common.h"

#include "imap/imap-private.h"
#include "util/buf.h"
#include "util/err.h"

/* A mailbox name as an IMAP astring: an atom when it can be, else a quoted
 * string (names never hold CR or LF: imap_wire_name refuses them). */
static void add_astring(struct buf *b, const char *s)
{
	bool atom = *s != '\0';
	for (const char *p = s; *p && atom; p++)
		atom = (unsigned char)*p > ' ' && (unsigned char)*p < 0x7f &&
		       !strchr("(){%*\"\\]", *p);
	if (atom) {
		buf_adds(b, s);
		return;
	}
	buf_addc(b, '"');
	for (const char *p = s; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_addc(b, '\\');
		buf_addc(b, *p);
	}
	buf_addc(b, '"');
}

/* SELECT mailbox (QRESYNC (uidvalidity modseq)), written by hand:
 * libetpan 1.9.4's mailimap_select_qresync() leaves out the parentheses
 * around the parameters ("SELECT INBOX QRESYNC (...)"), which Dovecot
 * ignores silently, so no flag change or expunge would ever be reported.
 * The response goes through libetpan's parser, which fills the selection
 * info and hands FETCH responses to the handler; VANISHED and HIGHESTMODSEQ
 * come as extension data. */
static int select_qresync(struct imap_driver *drv, const char *wire, uint32_t uidvalidity,
			  uint64_t modseq, uint64_t *modseq_r)
{
	mailimap *imap = imap_session_etpan(drv->s);
	if (imap->imap_selection_info)
		mailimap_selection_info_free(imap->imap_selection_info);
	imap->imap_selection_info = mailimap_selection_info_new();
	int r = mailimap_send_current_tag(imap);
	if (r != MAILIMAP_NO_ERROR)
		return r;
	struct buf cmd = BUF_INIT;
	buf_adds(&cmd, "SELECT ");
	add_astring(&cmd, wire);
	buf_addf(&cmd, " (QRESYNC (%u %llu))\r\n", uidvalidity, (unsigned long long)modseq);
	bool sent = mailstream_write(imap->imap_stream, cmd.data, cmd.len) >= 0 &&
		    mailstream_flush(imap->imap_stream) >= 0;
	buf_release(&cmd);
	if (!sent || !mailimap_read_line(imap))
		return MAILIMAP_ERROR_STREAM;
	struct mailimap_response *resp = NULL;
	r = mailimap_parse_response(imap, &resp);
	if (r != MAILIMAP_NO_ERROR)
		return r;
	const struct mailimap_response_done *done = resp->rsp_resp_done;
	if (done->rsp_type == MAILIMAP_RESP_DONE_TYPE_FATAL)
		r = MAILIMAP_ERROR_FATAL;
	else if (done->rsp_type != MAILIMAP_RESP_DONE_TYPE_TAGGED || !done->rsp_data.rsp_tagged ||
		 done->rsp_data.rsp_tagged->rsp_cond_state->rsp_type != MAILIMAP_RESP_COND_STATE_OK)
		r = MAILIMAP_ERROR_SELECT;
	mailimap_response_free(resp);
	if (r != MAILIMAP_NO_ERROR)
		return r;
	imap->imap_state = MAILIMAP_STATE_SELECTED;
	clist *ext = imap->imap_response_info ? imap->imap_response_info->rsp_extension_list : NULL;
	for (clistiter *it = ext ? clist_begin(ext) : NULL; it; it = clist_next(it)) {
		const struct mailimap_extension_data *e = clist_content(it);
		if (e->ext_extension == &mailimap_extension_condstore &&
		    e->ext_type == MAILIMAP_CONDSTORE_TYPE_RESP_TEXT_CODE) {
			const struct mailimap_condstore_resptextcode *c = e->ext_data;
			if (c->cs_type == MAILIMAP_CONDSTORE_RESPTEXTCODE_HIGHESTMODSEQ)
				*modseq_r = c->cs_data.cs_modseq_value;
		} else if (e->ext_extension == &mailimap_extension_qresync &&
			   e->ext_type == MAILIMAP_QRESYNC_TYPE_VANISHED) {
			const struct mailimap_qresync_vanished *v = e->ext_data;
			imap_set_uids(v->qr_known_uids, &drv->sel.vanished);
		}
	}
	return MAILIMAP_NO_ERROR;
}

void imap_selected_release(struct imap_selected *sel)
{
	free(sel->wire);
	ARRAY_RELEASE(&sel->vanished);
	memset(sel, 0, sizeof *sel);
}

int imap_select(struct imap_driver *drv, const struct store_folder *f, bool again,
		struct err *err)
{
	if (imap_need_session(drv, err) < 0)
		return -1;
	if (!again && drv->sel.folder == f->id)
		return 0;
	char *wire = imap_wire_name(drv, f->name, err);
	if (!wire)
		return -1;
	imap_selected_release(&drv->sel);
	/* Flag updates still held belong to the folder selected before; its
	 * stored HIGHESTMODSEQ is older than them, so its next sync brings them. */
	imap_flagrecs_release(&drv->flagrecs);
	drv->untagged_seen = false;
	mailimap *imap = imap_session_etpan(drv->s);
	uint64_t modseq = 0;
	bool qresync = drv->qresync && f->uidvalidity && f->highestmodseq;
	int r;
	if (qresync)
		r = select_qresync(drv, wire, f->uidvalidity, f->highestmodseq, &modseq);
	else if (drv->condstore) {
		r = mailimap_select_condstore(imap, wire, &modseq);
	} else {
		r = mailimap_select(imap, wire);
	}
	char *what = xasprintf(_("selecting %s on"), f->name);
	int c = imap_check(drv, r, what, err);
	free(what);
	if (c < 0) {
		free(wire);
		imap_selected_release(&drv->sel);
		return -1;
	}
	const struct mailimap_selection_info *info = imap->imap_selection_info;
	drv->sel.folder = f->id;
	drv->sel.wire = wire;
	drv->sel.uidvalidity = info ? info->sel_uidvalidity : 0;
	drv->sel.uidnext = info ? info->sel_uidnext : 0;
	drv->sel.exists = info ? info->sel_exists : 0;
	drv->sel.modseq = modseq;
	drv->sel.qresync = qresync;
	return 0;
}
