/* Managing an account's folders from the interface: create, rename, delete,
 * subscribe and unsubscribe (NeoMutt's browser functions, under the same
 * names). The folder is asked for with completion, starting from the one
 * highlighted in the sidebar (or the open one); the account's worker does
 * the work on the server, so nothing here waits. */
#include "common.h"

#include "core/account.h"
#include "core/driver.h"
#include "tui/prompt.h"
#include "tui/tui-private.h"
#include "util/strutil.h"

/* A folder operation being asked for: owned by the prompts' chain, freed by
 * the last callback. */
struct folder_ask {
	size_t account;
	enum folder_op op;
	char *name;             /* rename: the folder renamed */
};

static void ask_free(struct folder_ask *q)
{
	free(q->name);
	free(q);
}

/* The folder the command is about unless the user types another: the
 * sidebar's highlighted folder when the sidebar shows, else the open one. */
static const struct store_folder *current_folder(struct tui *t, size_t *acct_r)
{
	const struct store_folder *f = t->sidebar ? sidebar_selected(t, acct_r) : NULL;
	if (f)
		return f;
	*acct_r = t->ml.loaded ? t->ml.account : t->cur_acct;
	return t->ml.loaded ? tui_folder(t, t->ml.account, t->ml.folder) : NULL;
}

static char **complete(struct tui *t, void *aux, const char *word)
{
	const struct folder_ask *q = aux;
	return tui_folder_completions(t, q->account, word);
}

/* What the status line shows while the operation runs (new string). */
static char *doing(enum folder_op op, const char *name)
{
	switch (op) {
	case FOLDER_CREATE: return xasprintf(_("Creating %s"), name);
	case FOLDER_RENAME: return xasprintf(_("Renaming %s"), name);
	case FOLDER_DELETE: return xasprintf(_("Deleting %s"), name);
	case FOLDER_SUBSCRIBE: return xasprintf(_("Subscribing to %s"), name);
	case FOLDER_UNSUBSCRIBE: return xasprintf(_("Unsubscribing from %s"), name);
	}
	return xstrdup(name);
}

/* The first question of op (new string). */
static char *question(enum folder_op op, const char *account)
{
	switch (op) {
	case FOLDER_CREATE: return xasprintf(_("Create folder in %s: "), account);
	case FOLDER_RENAME: return xasprintf(_("Rename folder of %s: "), account);
	case FOLDER_DELETE: return xasprintf(_("Delete folder of %s: "), account);
	case FOLDER_SUBSCRIBE: return xasprintf(_("Subscribe to folder of %s: "), account);
	case FOLDER_UNSUBSCRIBE: return xasprintf(_("Unsubscribe from folder of %s: "), account);
	}
	return xstrdup("");
}

static void submit(struct tui *t, struct folder_ask *q, const char *name, const char *to)
{
	struct request *r = request_new(REQ_FOLDER_OP);
	r->add = q->op;
	r->text = xstrdup(name);
	r->text2 = to ? xstrdup(to) : NULL;
	uint64_t id = tui_submit(t, q->account, r);
	char *what = doing(q->op, name);
	struct pend *p = tui_pend(t, id, q->account, PEND_FOLDER_OP, what);
	free(what);
	p->search_dir = (int)q->op;
	p->name = xstrdup(to ? to : name);
	ask_free(q);
}

static void renamed_to(struct tui *t, void *aux, const char *answer, int choice)
{
	(void)choice;
	struct folder_ask *q = aux;
	if (!answer || !*answer || strcmp(answer, q->name) == 0) {
		ask_free(q);
		return;
	}
	char *from = xstrdup(q->name);
	submit(t, q, from, answer);
	free(from);
}

static void delete_confirmed(struct tui *t, void *aux, const char *answer, int choice)
{
	(void)answer;
	struct folder_ask *q = aux;
	if (choice != 1) {
		ask_free(q);
		return;
	}
	char *name = xstrdup(q->name);
	submit(t, q, name, NULL);
	free(name);
}

static void named(struct tui *t, void *aux, const char *answer, int choice)
{
	(void)choice;
	struct folder_ask *q = aux;
	if (!answer || !*answer) {
		ask_free(q);
		return;
	}
	if (q->op == FOLDER_RENAME) {
		q->name = xstrdup(answer);
		char *label = xasprintf(_("Rename %s to: "), answer);
		struct prompt_opts o = { .label = label, .initial = answer,
					 .history = HIST_FOLDER, .complete = complete };
		prompt_line(t, &o, renamed_to, q);
		free(label);
	} else if (q->op == FOLDER_DELETE) {
		q->name = xstrdup(answer);
		char *question = xasprintf(_("Delete folder %s and every message in it?"), answer);
		prompt_yesno(t, question, false, delete_confirmed, q);
		free(question);
	} else {
		submit(t, q, answer, NULL);
	}
}

bool folders_command(struct tui *t, enum cmd c)
{
	static const struct { enum cmd cmd; enum folder_op op; } ops[] = {
		{ CMD_CREATE_FOLDER, FOLDER_CREATE }, { CMD_RENAME_FOLDER, FOLDER_RENAME },
		{ CMD_DELETE_FOLDER, FOLDER_DELETE }, { CMD_SUBSCRIBE, FOLDER_SUBSCRIBE },
		{ CMD_UNSUBSCRIBE, FOLDER_UNSUBSCRIBE },
	};
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
		if (ops[i].cmd != c)
			continue;
		struct folder_ask *q = xcalloc(1, sizeof *q);
		q->op = ops[i].op;
		const struct store_folder *f = current_folder(t, &q->account);
		char *label = question(q->op, account_name(tui_account(t, q->account)));
		struct prompt_opts o = { .label = label, .history = HIST_FOLDER, .complete = complete,
					 .initial = q->op != FOLDER_CREATE && f ? f->name : NULL };
		prompt_line(t, &o, named, q);
		free(label);
		return true;
	}
	return false;
}

void folders_op_done(struct tui *t, const struct pend *p, bool ok)
{
	if (!ok)
		return;   /* the error is shown like any other */
	switch ((enum folder_op)p->search_dir) {
	case FOLDER_CREATE: tui_message(t, false, _("Folder %s created."), p->name); break;
	case FOLDER_RENAME: tui_message(t, false, _("Folder renamed to %s."), p->name); break;
	case FOLDER_DELETE: tui_message(t, false, _("Folder %s deleted."), p->name); break;
	case FOLDER_SUBSCRIBE: tui_message(t, false, _("Subscribed to %s."), p->name); break;
	case FOLDER_UNSUBSCRIBE: tui_message(t, false, _("Unsubscribed from %s."), p->name); break;
	}
	/* The index showed the folder renamed or deleted (the new folder list
	 * came first and emptied it): show its new name, or the INBOX. */
	if (p->account == t->ml.account && !tui_folder(t, t->ml.account, t->ml.folder)) {
		const struct store_folder *f = tui_folder_named(t, p->account, p->name);
		if (!f || p->search_dir == FOLDER_DELETE)
			f = tui_folder_named(t, p->account, "INBOX");
		if (f)
			tui_open_folder(t, p->account, f->id);
	}
}
