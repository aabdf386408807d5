/* The spool: messages `postie send` could not put in the outbox because
 * another postie (the full-screen interface) has the store. They wait as
 * files, written like Maildir deliveries (tmp/, fsync, rename into new/,
 * fsync of the directory), until the outbox's owner imports them
 * (outbox_flush does, first). A file is removed only after its message is
 * in the outbox; a crash between the two leaves both, and the import then
 * finds the entry with the same bytes and recipients and only removes the
 * file, so the message is queued once. */
#include "common.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "conf/conf.h"
#include "core/outbox.h"
#include "store/store.h"
#include "util/array.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/log.h"
#include "util/paths.h"

#define MAGIC "postie-spool 1\n"

typedef ARRAY(char *) strs;

char *outbox_spool_dir(const char *data_dir, const char *account)
{
	char *spool = path_join(data_dir, "spool");
	char *dir = path_join(spool, account);
	free(spool);
	return dir;
}

static void encode(struct buf *b, const struct outbox_new *m)
{
	buf_adds(b, MAGIC);
	if (m->from)
		buf_addf(b, "from %s\n", m->from);
	if (m->fcc)
		buf_addf(b, "fcc %s\n", m->fcc);
	for (size_t i = 0; i < m->n_rcpts; i++)
		buf_addf(b, "rcpt %s\n", m->rcpts[i]);
	buf_addc(b, '\n');
	buf_add(b, m->msg, m->len);
}

int outbox_spool_add(const char *spool_dir, const struct outbox_new *m, struct err *err)
{
	for (size_t i = 0; i < m->n_rcpts; i++)
		if (strpbrk(m->rcpts[i], "\r\n"))
			return err_set(err, ERR_INPUT, _("a recipient with a line break"));
	char *tmp = path_join(spool_dir, "tmp"), *new = path_join(spool_dir, "new");
	char name[96];
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(name, sizeof name, "%lld.%09ld.%d", (long long)ts.tv_sec, ts.tv_nsec, (int)getpid());
	char *from = path_join(tmp, name), *to = path_join(new, name);
	struct buf b = BUF_INIT;
	encode(&b, m);
	int r = 0;
	if (mkdir_p(tmp, 0700, err) < 0 || mkdir_p(new, 0700, err) < 0 ||
	    file_write_atomic(from, b.data, b.len, 0600, err) < 0) {
		r = -1;
	} else if (rename(from, to) < 0) {
		r = err_set(err, ERR_IO, _("cannot move %s into %s: %s"), from, new, strerror(errno));
		unlink(from);
	} else {
		r = fsync_parent_dir(to, err);
	}
	buf_release(&b);
	free(tmp);
	free(new);
	free(from);
	free(to);
	return r;
}

/* Parses a spool file into m (pointing into text) and rcpts; -1 if it is
 * not one. */
static int decode(const struct buf *text, struct outbox_new *m, strs *rcpts)
{
	const char *s = text->data ? text->data : "", *end = s + text->len;
	if (text->len < strlen(MAGIC) || memcmp(s, MAGIC, strlen(MAGIC)) != 0)
		return -1;
	s += strlen(MAGIC);
	memset(m, 0, sizeof *m);
	while (s < end && *s != '\n') {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl)
			return -1;
		char *line = xstrndup(s, (size_t)(nl - s));
		if (strncmp(line, "rcpt ", 5) == 0)
			ARRAY_PUSH(rcpts, xstrdup(line + 5));
		else if (strncmp(line, "from ", 5) == 0 && !m->from)
			m->from = xstrdup(line + 5);
		else if (strncmp(line, "fcc ", 4) == 0 && !m->fcc)
			m->fcc = xstrdup(line + 4);
		free(line);
		s = nl + 1;
	}
	if (s >= end)
		return -1;
	m->msg = s + 1;
	m->len = (size_t)(end - s - 1);
	m->rcpts = (const char *const *)rcpts->v;
	m->n_rcpts = rcpts->n;
	return 0;
}

/* Whether the outbox already has this message for these recipients (the
 * file of an import that crashed before removing it). */
static int already_queued(const struct outbox_ctx *ctx, const struct outbox_new *m,
			  struct err *err)
{
	store_outbox_entries list = ARRAY_INIT;
	if (store_outbox_list(ctx->store, &list, err) < 0)
		return -1;
	int found = 0;
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < list.n && !found; i++) {
		const struct store_outbox_entry *e = &list.v[i];
		if (e->size != m->len || e->n_rcpts != m->n_rcpts)
			continue;
		bool same = true;
		for (size_t k = 0; k < e->n_rcpts && same; k++)
			same = strcmp(e->rcpts[k].addr, m->rcpts[k]) == 0;
		if (same && store_outbox_message(ctx->store, e->id, &b, err) > 0 &&
		    memcmp(b.data, m->msg, m->len) == 0)
			found = 1;
	}
	buf_release(&b);
	store_outbox_entries_release(&list);
	return found;
}

/* Moves a file that is no spool file aside, so it is looked at once. */
static void set_aside(const char *dir, const char *path, const char *name)
{
	char *bad = path_join(dir, "bad");
	char *to = path_join(bad, name);
	if (mkdir_p(bad, 0700, NULL) == 0 && rename(path, to) == 0)
		log_warn("spool: %s is not a message from postie send; moved to %s", path, to);
	free(bad);
	free(to);
}

static int import_one(const struct outbox_ctx *ctx, const char *path, const char *name,
		      struct err *err)
{
	struct buf text = BUF_INIT;
	strs rcpts = ARRAY_INIT;
	struct outbox_new m;
	memset(&m, 0, sizeof m);
	int r = file_read_all(path, &text, err);
	if (r == 0 && decode(&text, &m, &rcpts) < 0) {
		set_aside(ctx->spool_dir, path, name);
	} else if (r == 0) {
		if (ctx->lock)
			ctx->lock(ctx->lock_aux);
		int dup = already_queued(ctx, &m, err);
		if (ctx->unlock)
			ctx->unlock(ctx->lock_aux);
		struct err qerr = ERR_INIT;
		if (dup == 0 && outbox_queue(ctx, &m, NULL, &qerr) < 0) {
			if (qerr.kind == ERR_INPUT)
				set_aside(ctx->spool_dir, path, name);
			else
				r = -1;
			err_move(err, &qerr);
		} else if (dup < 0) {
			r = -1;
		} else if (unlink(path) < 0 || fsync_parent_dir(path, err) < 0) {
			r = err_set(err, ERR_IO, _("cannot remove %s: %s"), path, strerror(errno));
		}
		err_clear(&qerr);
	}
	free((char *)m.from);
	free((char *)m.fcc);
	for (size_t i = 0; i < rcpts.n; i++)
		free(rcpts.v[i]);
	ARRAY_RELEASE(&rcpts);
	buf_release(&text);
	return r;
}

int outbox_spool_import(const struct outbox_ctx *ctx, struct err *err)
{
	if (!ctx->spool_dir)
		return 0;
	char *new = path_join(ctx->spool_dir, "new");
	DIR *d = opendir(new);
	int r = 0, n = 0;
	for (struct dirent *de; d && r == 0 && (de = readdir(d));) {
		if (de->d_name[0] == '.')
			continue;
		char *path = path_join(new, de->d_name);
		r = import_one(ctx, path, de->d_name, err);
		free(path);
		n += r == 0;
	}
	if (d)
		closedir(d);
	free(new);
	return r < 0 ? -1 : n;
}
