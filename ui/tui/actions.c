/* What the index and the pager do to messages: flags, tags, moves. Each
 * change shows at once (the model keeps it over what syncs report) and goes
 * to the account, which applies it to the store and journals it for the
 * server. */
#include "common.h"

#include "core/account.h"
#include "store/summary.h"
#include "tui/prompt.h"
#include "tui/tui-private.h"
#include "util/strutil.h"

void action_set_flags(struct tui *t, const uint32_t *uids, size_t n, uint32_t add, uint32_t del)
{
	if (n == 0)
		return;
	struct request *r = request_new(REQ_SET_FLAGS);
	r->folder = t->ml.folder;
	request_set_uids(r, uids, n);
	r->add = add;
	r->del = del;
	uint64_t id = tui_submit(t, t->ml.account, r);
	tui_pend(t, id, t->ml.account, PEND_OP, NULL);
	msglist_pending_flags(&t->ml, id, uids, n, add, del);
}

static void delete_messages(struct tui *t, const uint32_t *uids, size_t n)
{
	struct request *r = request_new(REQ_DELETE);
	r->folder = t->ml.folder;
	request_set_uids(r, uids, n);
	uint64_t id = tui_submit(t, t->ml.account, r);
	struct pend *p = tui_pend(t, id, t->ml.account, PEND_DELETE, NULL);
	p->folder = t->ml.folder;
	p->uids = xmemdup(uids, n * sizeof *uids);
	p->n = n;
	/* Shown as deleted until the account says whether it went to the Trash. */
	msglist_pending_flags(&t->ml, id, uids, n, MSG_DELETED, 0);
}

/* After acting on the cursor's message, mutt moves on to the next one. */
static void resolve(struct tui *t)
{
	if (t->screen == SCR_INDEX && t->ml.cursor + 1 < t->ml.n_rows)
		index_move(t, (long)t->ml.cursor + 1);
}

/* ---- Move and copy ---- */

struct transfer {
	bool copy;
	uint32_t *uids;
	size_t n;
	size_t account;
	uint32_t folder;
};

static char **complete_dest(struct tui *t, void *aux, const char *word)
{
	const struct transfer *x = aux;
	return tui_folder_completions(t, x->account, word);
}

static void transfer_done(struct tui *t, void *aux, const char *answer, int choice)
{
	(void)choice;
	struct transfer *x = aux;
	const struct store_folder *dest = answer && *answer
		? tui_folder_named(t, x->account, answer) : NULL;
	if (answer && *answer && !dest)
		tui_message(t, true, _("No folder %s."), answer);
	if (dest && dest->id == x->folder)
		tui_message(t, true, _("The messages are in %s already."), dest->name);
	else if (dest) {
		struct request *r = request_new(x->copy ? REQ_COPY : REQ_MOVE);
		r->folder = x->folder;
		r->dest = dest->id;
		request_set_uids(r, x->uids, x->n);
		uint64_t id = tui_submit(t, x->account, r);
		tui_pend(t, id, x->account, PEND_OP, NULL);
		if (!x->copy && x->account == t->ml.account && x->folder == t->ml.folder)
			msglist_pending_remove(&t->ml, id, x->uids, x->n);
		tui_message(t, false, x->copy ? ngettext("%zu message copied to %s.",
							  "%zu messages copied to %s.", x->n)
					      : ngettext("%zu message moved to %s.",
							  "%zu messages moved to %s.", x->n),
			    x->n, dest->name);
		if (!x->copy && t->screen == SCR_PAGER)
			pager_close(t);
	}
	free(x->uids);
	free(x);
}

static void ask_transfer(struct tui *t, bool copy, uint32_t *uids, size_t n)
{
	struct transfer *x = xcalloc(1, sizeof *x);
	x->copy = copy;
	x->uids = uids;
	x->n = n;
	x->account = t->ml.account;
	x->folder = t->ml.folder;
	char *label = copy ? xasprintf(ngettext("Copy %zu message to folder: ",
						"Copy %zu messages to folder: ", n), n)
			   : xasprintf(ngettext("Move %zu message to folder: ",
						"Move %zu messages to folder: ", n), n);
	struct prompt_opts o = { .label = label, .history = HIST_FOLDER, .complete = complete_dest };
	prompt_line(t, &o, transfer_done, x);
	free(label);
}

/* ---- The commands ---- */

static bool all_have(const struct tui *t, const uint32_t *uids, size_t n, uint32_t flag)
{
	for (size_t i = 0; i < n; i++) {
		long f = msglist_flags(&t->ml, uids[i]);
		if (f >= 0 && !(f & flag))
			return false;
	}
	return true;
}

bool action_mail_command(struct tui *t, enum cmd c)
{
	if (index_common_command(t, c))
		return true;
	switch (c) {
	case CMD_DELETE: case CMD_UNDELETE: case CMD_FLAG: case CMD_TOGGLE_NEW:
	case CMD_MARK_READ: case CMD_TAG: case CMD_MOVE: case CMD_COPY:
		break;
	case CMD_TAG_PREFIX:
		t->tag_prefix = !t->tag_prefix;
		tui_message(t, false, t->tag_prefix ? _("tag-") : _("no tag prefix"));
		return true;
	default:
		return false;
	}
	bool prefix = t->tag_prefix;
	size_t n;
	uint32_t *uids = index_selection(t, &n);
	if (!uids)
		return true;
	switch (c) {
	case CMD_DELETE:
		delete_messages(t, uids, n);
		break;
	case CMD_UNDELETE:
		action_set_flags(t, uids, n, 0, MSG_DELETED);
		break;
	case CMD_FLAG:
		if (all_have(t, uids, n, MSG_FLAGGED))
			action_set_flags(t, uids, n, 0, MSG_FLAGGED);
		else
			action_set_flags(t, uids, n, MSG_FLAGGED, 0);
		break;
	case CMD_TOGGLE_NEW:
		if (all_have(t, uids, n, MSG_SEEN))
			action_set_flags(t, uids, n, 0, MSG_SEEN);
		else
			action_set_flags(t, uids, n, MSG_SEEN, 0);
		break;
	case CMD_MARK_READ:
		action_set_flags(t, uids, n, MSG_SEEN, 0);
		break;
	case CMD_TAG:
		for (size_t i = 0; i < n; i++)
			msglist_tag(&t->ml, uids[i], prefix ? false : !msglist_tagged(&t->ml, uids[i]));
		break;
	case CMD_MOVE:
	case CMD_COPY:
		ask_transfer(t, c == CMD_COPY, uids, n);
		return true;   /* the prompt owns uids */
	default:
		break;
	}
	free(uids);
	if (!prefix && c != CMD_FLAG && c != CMD_TOGGLE_NEW && c != CMD_MARK_READ)
		resolve(t);
	return true;
}

void action_open_message(struct tui *t, uint32_t uid)
{
	pager_close(t);
	struct pager *pg = &t->pager;
	pg->open = true;
	pg->waiting = true;
	pg->account = t->ml.account;
	pg->folder = t->ml.folder;
	pg->uid = uid;
	pg->top = 0;
	struct request *r = request_new(REQ_GET_BODY);
	r->folder = pg->folder;
	r->uid = uid;
	pg->req = tui_submit(t, pg->account, r);
	tui_pend(t, pg->req, pg->account, PEND_BODY, _("Fetching the message"));
	t->screen = SCR_PAGER;
}
