/* store_import_maildir(): a Maildir into a folder, for tests, benchmarks
 * and developers (`postie store import-maildir`). */
#include "common.h"

#include <dirent.h>
#include <sys/stat.h>
#include <time.h>

#include "msg/msg.h"
#include "store/export.h"
#include "store/store-private.h"
#include "util/err.h"
#include "util/paths.h"

#define IMPORT_BATCH 200

/* "Name <addr>, ..." or NULL for an empty list. */
static char *addr_string(const struct msg_addr_list *l)
{
	return l->n ? msg_addr_list_format(l) : NULL;
}

static char *join_ids(const struct msg_str_list *l)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			buf_addc(&b, ' ');
		buf_adds(&b, l->v[i]);
	}
	return b.len ? buf_detach(&b, NULL) : NULL;
}

static uint32_t info_flags(const char *name, struct msg_summary *s)
{
	const char *info = strstr(name, ":2,");
	uint32_t flags = 0;
	for (const char *p = info ? info + 3 : ""; *p; p++) {
		switch (*p) {
		case 'D': flags |= MSG_DRAFT; break;
		case 'F': flags |= MSG_FLAGGED; break;
		case 'P': msg_summary_add_keyword(s, "$Forwarded"); break;
		case 'R': flags |= MSG_ANSWERED; break;
		case 'S': flags |= MSG_SEEN; break;
		case 'T': flags |= MSG_DELETED; break;
		}
	}
	return flags;
}

/* The summary of a message file's content. */
static void summarize(const char *name, bool in_new, const struct buf *msg, time_t mtime,
		      bool with_uidl, struct msg_summary *s)
{
	struct msg_envelope env;
	msg_envelope_parse(msg->data, msg->len, &env);
	msg_summary_init(s);
	s->flags = info_flags(name, s) | (in_new ? MSG_RECENT : 0);
	s->size = msg->len > UINT32_MAX ? UINT32_MAX : (uint32_t)msg->len;
	s->date = env.has_date ? env.date : 0;
	s->internaldate = mtime;
	s->has_attachment = env.has_attachment;
	s->from = addr_string(&env.from);
	s->to = addr_string(&env.to);
	s->cc = addr_string(&env.cc);
	s->subject = env.subject && *env.subject ? xstrdup(env.subject) : NULL;
	s->message_id = env.message_id ? xstrdup(env.message_id) : NULL;
	s->in_reply_to = env.in_reply_to ? xstrdup(env.in_reply_to) : NULL;
	s->references = join_ids(&env.references);
	if (with_uidl)
		s->uidl = xstrndup(name, strcspn(name, ":"));
	msg_envelope_release(&env);
}

struct entry {
	char *path, *name;
	bool in_new;
};

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

typedef ARRAY(struct entry) entry_list;

static int list_sub(const char *dir, const char *sub, entry_list *out, struct err *err)
{
	char *d = path_join(dir, sub);
	DIR *dh = opendir(d);
	if (!dh) {
		err_set(err, ERR_IO, _("cannot read %s: %s"), d, strerror(errno));
		free(d);
		return -1;
	}
	struct dirent *de;
	while ((de = readdir(dh))) {
		if (de->d_name[0] == '.')
			continue;
		struct entry e = { path_join(d, de->d_name), xstrdup(de->d_name),
				   strcmp(sub, "new") == 0 };
		ARRAY_PUSH(out, e);
	}
	closedir(dh);
	free(d);
	return 0;
}

static int import_one(struct store_acct *a, uint32_t folder, const struct entry *e,
		      struct store_import_stats *st, struct err *err)
{
	struct buf msg = BUF_INIT;
	struct stat sb;
	if (stat(e->path, &sb) < 0 || !S_ISREG(sb.st_mode) ||
	    file_read_all(e->path, &msg, NULL) < 0) {
		st->skipped++;
		buf_release(&msg);
		return 0;
	}
	struct msg_summary s;
	summarize(e->name, e->in_new, &msg, sb.st_mtime, store_acct_is_primary(a), &s);
	uint32_t known;
	int r = s.uidl ? store_msg_find_uidl(a, folder, s.uidl, &known, err) : 0;
	if (r == 0) {
		r = store_msg_deliver(a, folder, &s, msg.data, msg.len, err);
		st->imported += r == 0;
	} else if (r > 0) {
		r = 0;  /* imported before, under its UIDL */
		st->already++;
	}
	msg_summary_release(&s);
	buf_release(&msg);
	return r;
}

static int import_all(struct store_acct *a, struct store_folder *f, const entry_list *files,
		      struct store_import_stats *st, struct err *err)
{
	int r = 0;
	for (size_t i = 0; i < files->n && r == 0; i += IMPORT_BATCH) {
		if (store_begin(a, err) < 0)
			return -1;
		for (size_t k = i; k < files->n && k < i + IMPORT_BATCH && r == 0; k++)
			r = import_one(a, f->id, &files->v[k], st, err);
		if (r < 0)
			store_abort(a);
		else
			r = store_commit(a, STORE_SYNC, err);
	}
	if (r < 0 || store_acct_is_primary(a))
		return r;
	/* An IMAP folder built here needs a sync state that looks like one. */
	struct store_folder now = { 0 };
	r = store_folder_get_id(a, f->id, &now, err) == 1 ? 0 : -1;
	if (r == 0) {
		if (!now.uidvalidity)
			now.uidvalidity = (uint32_t)time(NULL);
		now.uidnext = now.next_local_id;
		r = store_folder_update(a, &now, err);
	}
	store_folder_release(&now);
	return r;
}

int store_import_maildir(struct store_acct *a, const char *folder_name, const char *dir,
			 struct store_import_stats *st, struct err *err)
{
	memset(st, 0, sizeof *st);
	entry_list files = ARRAY_INIT;
	int r = list_sub(dir, "cur", &files, err);
	if (r == 0)
		r = list_sub(dir, "new", &files, err);
	if (r == 0 && files.n)
		qsort(files.v, files.n, sizeof *files.v, cmp_entry);
	struct store_folder f = { 0 };
	if (r == 0 && store_folder_ensure(a, folder_name, &f, err) < 0)
		r = -1;
	if (r == 0)
		r = import_all(a, &f, &files, st, err);
	for (size_t i = 0; i < files.n; i++) {
		free(files.v[i].path);
		free(files.v[i].name);
	}
	ARRAY_RELEASE(&files);
	store_folder_release(&f);
	return r;
}
