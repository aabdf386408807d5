/* The rules for replaying journal ops (core/replay.h). */
#include "common.h"

#include "core/replay.h"
#include "store/store.h"

void replay_plan_release(struct replay_plan *p)
{
	free(p->uids);
	free(p->notice);
	memset(p, 0, sizeof *p);
}

static const char *name_or(const char *name)
{
	return name ? name : _("a folder");
}

/* "a flag change to 3 messages in INBOX", for notices. */
static char *describe(const struct store_op *op, const char *folder, size_t n)
{
	const char *f = name_or(folder);
	switch (op->kind) {
	case OP_FLAGS:
		return xasprintf(ngettext("a flag change to %zu message in %s",
					  "a flag change to %zu messages in %s", n), n, f);
	case OP_MOVE:
		return xasprintf(ngettext("moving %zu message from %s",
					  "moving %zu messages from %s", n), n, f);
	case OP_COPY:
		return xasprintf(ngettext("copying %zu message from %s",
					  "copying %zu messages from %s", n), n, f);
	case OP_EXPUNGE:
		return xasprintf(ngettext("deleting %zu message from %s",
					  "deleting %zu messages from %s", n), n, f);
	default:
		return xasprintf(_("saving a message in %s"), op->dest ? op->dest : "?");
	}
}

static void drop(struct replay_plan *p, char *notice)
{
	p->verdict = REPLAY_DROP;
	p->notice = notice;
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return a < b ? -1 : a > b;
}

/* The op's UIDs that are present, sorted, each once. */
static void intersect(const struct store_op *op, const struct replay_state *st,
		      struct replay_plan *p)
{
	size_t np = st->present ? st->n_present : 0;
	uint32_t *present = xreallocarray(NULL, np ? np : 1, sizeof *present);
	if (np)
		memcpy(present, st->present, np * sizeof *present);
	qsort(present, np, sizeof *present, cmp_u32);
	p->uids = xreallocarray(NULL, op->n_uids ? op->n_uids : 1, sizeof *p->uids);
	if (op->n_uids)
		memcpy(p->uids, op->uids, op->n_uids * sizeof *p->uids);
	qsort(p->uids, op->n_uids, sizeof *p->uids, cmp_u32);
	p->n_uids = 0;
	for (size_t i = 0; i < op->n_uids; i++) {
		uint32_t u = p->uids[i];
		if ((p->n_uids && p->uids[p->n_uids - 1] == u) ||
		    !bsearch(&u, present, np, sizeof *present, cmp_u32))
			continue;
		p->uids[p->n_uids++] = u;
	}
	free(present);
}

void replay_decide(const struct store_op *op, const struct replay_state *st,
		   struct replay_plan *p)
{
	memset(p, 0, sizeof *p);
	p->verdict = REPLAY_APPLY;
	if (op->kind == OP_APPEND) {
		p->create_dest = !st->dest_exists;
		return;
	}
	char *what = describe(op, st->folder_name, op->n_uids);
	if (!st->folder_exists) {
		drop(p, xasprintf(_("%s was dropped: the folder no longer exists on the server"),
				  what));
		free(what);
		return;
	}
	if (op->uidvalidity && st->uidvalidity && op->uidvalidity != st->uidvalidity) {
		drop(p, xasprintf(_("%s was dropped: the folder was recreated on the server "
				    "meanwhile"), what));
		free(what);
		return;
	}
	intersect(op, st, p);
	size_t gone = op->n_uids - p->n_uids;
	bool tell = op->kind != OP_EXPUNGE;
	if (!p->n_uids) {
		tell = tell && !(op->kind == OP_MOVE && st->maybe_done);
		drop(p, tell ? xasprintf(_("%s was dropped: the messages no longer exist on "
					   "the server"), what) : NULL);
	} else if ((op->kind == OP_MOVE || op->kind == OP_COPY) && !st->dest_exists) {
		p->verdict = REPLAY_DROP;
		p->restore = op->kind == OP_MOVE;
		p->notice = xasprintf(op->kind == OP_MOVE
				      ? _("%s was dropped: %s no longer exists on the server; "
					  "the messages stay where they were")
				      : _("%s was dropped: %s no longer exists on the server"),
				      what, op->dest ? op->dest : "?");
	} else if (gone && tell) {
		p->notice = xasprintf(ngettext("%s: %zu of the messages no longer exists on the "
					       "server; done for the others",
					       "%s: %zu of the messages no longer exist on the "
					       "server; done for the others", gone), what, gone);
	}
	free(what);
}

void replay_refused(const struct store_op *op, const char *folder_name, const char *why,
		    const uint32_t *uids, size_t n, struct replay_plan *p)
{
	memset(p, 0, sizeof *p);
	char *what = describe(op, folder_name, op->kind == OP_APPEND ? 0 : n);
	if (op->kind == OP_APPEND) {
		p->verdict = REPLAY_KEEP;
		p->notice = xasprintf(_("%s failed (the server said: %s); postie keeps it and "
					"tries again at the next sync"), what, why);
		free(what);
		return;
	}
	p->verdict = REPLAY_DROP;
	p->restore = op->kind == OP_MOVE || op->kind == OP_EXPUNGE;
	if (p->restore && n) {
		p->uids = xmemdup(uids, n * sizeof *uids);
		p->n_uids = n;
	}
	p->notice = xasprintf(p->restore ? _("%s was refused by the server (%s); the messages "
					     "stay where they were")
					 : _("%s was refused by the server (%s)"), what, why);
	free(what);
}
