/* Maildir and mboxrd writers for store_export_*(). */
#include "common.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/export.h"
#include "store/store-private.h"
#include "util/err.h"
#include "util/paths.h"
#include "util/strutil.h"

/* ---- shared ---- */

/* The message's time: INTERNALDATE, else Date, else now. */
static time_t msg_time(const struct msg_summary *s)
{
	if (s->internaldate > 0)
		return (time_t)s->internaldate;
	if (s->date > 0)
		return (time_t)s->date;
	return time(NULL);
}

/* Appends data with CRLF line ends turned into LF. */
static void add_lf(struct buf *out, const char *p, size_t n)
{
	buf_grow(out, n + 1);
	for (size_t i = 0; i < n; i++)
		if (!(p[i] == '\r' && i + 1 < n && p[i + 1] == '\n'))
			buf_addc(out, p[i]);
	if (out->len && out->data[out->len - 1] != '\n')
		buf_addc(out, '\n');
}

static int write_all(int fd, const char *p, size_t n, const char *path, struct err *err)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return err_set(err, ERR_IO, _("cannot write %s: %s"), path, strerror(errno));
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int sync_path(const char *path, struct err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || syncfs(fd) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return err_set(err, ERR_IO, _("cannot sync %s: %s"), path, strerror(e));
	}
	close(fd);
	return 0;
}

/* ---- Maildir ---- */

static int make_maildir(const char *dir, struct err *err)
{
	static const char *const subs[] = { "cur", "new", "tmp" };
	for (size_t i = 0; i < ARRAY_SIZE(subs); i++) {
		char *d = path_join(dir, subs[i]);
		int r = mkdir_p(d, 0700, err);
		free(d);
		if (r < 0)
			return -1;
	}
	return 0;
}

static void flag_letters(const struct msg_summary *s, char out[8])
{
	size_t n = 0;
	/* In ASCII order, as the Maildir convention asks. */
	if (s->flags & MSG_DRAFT)
		out[n++] = 'D';
	if (s->flags & MSG_FLAGGED)
		out[n++] = 'F';
	if (msg_summary_has_keyword(s, "$Forwarded"))
		out[n++] = 'P';
	if (s->flags & MSG_ANSWERED)
		out[n++] = 'R';
	if (s->flags & MSG_SEEN)
		out[n++] = 'S';
	if (s->flags & MSG_DELETED)
		out[n++] = 'T';
	out[n] = '\0';
}

/* Writes one message into the Maildir dir: tmp/, then renamed into place. */
static int maildir_put(const char *dir, const struct msg_summary *s, uint32_t folder,
		       const struct buf *msg, struct err *err)
{
	static unsigned counter;
	char flags[8];
	flag_letters(s, flags);
	time_t t = msg_time(s);
	bool is_new = (s->flags & MSG_RECENT) && !(s->flags & MSG_SEEN);
	char *base = xasprintf("%lld.P%ldQ%uF%uU%u.postie,S=%zu", (long long)t, (long)getpid(),
			       counter++, folder, s->uid, msg->len);
	char *tmp = xasprintf("%s/tmp/%s", dir, base);
	char *dest = is_new ? xasprintf("%s/new/%s", dir, base)
			    : xasprintf("%s/cur/%s:2,%s", dir, base, flags);
	int r = 0;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		r = err_set(err, ERR_IO, _("cannot create %s: %s"), tmp, strerror(errno));
	if (r == 0) {
		r = write_all(fd, msg->data, msg->len, tmp, err);
		close(fd);
	}
	struct timespec times[2] = { { t, 0 }, { t, 0 } };
	if (r == 0)
		utimensat(AT_FDCWD, tmp, times, 0);
	if (r == 0 && rename(tmp, dest) < 0)
		r = err_set(err, ERR_IO, _("cannot rename %s to %s: %s"), tmp, dest, strerror(errno));
	if (r < 0)
		unlink(tmp);
	free(base);
	free(tmp);
	free(dest);
	return r;
}

struct export_ctx {
	struct store_acct *a;
	const struct store_folder *f;
	const char *dest;
	int fd;                      /* mbox */
	struct store_export_stats *st;
	struct buf body, out;
};

static int body_of(struct export_ctx *c, const struct msg_summary *s, struct err *err)
{
	int r = store_body_get(c->a, c->f->id, s->uid, &c->body, err);
	if (r == 0)
		c->st->no_body++;
	return r;
}

static int maildir_one(const struct msg_summary *s, void *aux, struct err *err)
{
	struct export_ctx *c = aux;
	int r = body_of(c, s, err);
	if (r <= 0)
		return r;
	buf_reset(&c->out);
	add_lf(&c->out, c->body.data, c->body.len);
	if (maildir_put(c->dest, s, c->f->id, &c->out, err) < 0)
		return -1;
	c->st->written++;
	return 0;
}

int store_export_maildir(struct store_acct *a, const struct store_folder *f, const char *dir,
			 struct store_export_stats *st, struct err *err)
{
	if (make_maildir(dir, err) < 0)
		return -1;
	struct export_ctx c = { a, f, dir, -1, st, BUF_INIT, BUF_INIT };
	int r = store_msg_scan(a, f->id, 0, maildir_one, &c, err);
	buf_release(&c.body);
	buf_release(&c.out);
	if (r == 0)
		r = sync_path(dir, err);
	return r;
}

static char *safe_component(const char *s, size_t n)
{
	if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return xstrdup("_");
	char *c = xstrndup(s, n);
	for (char *p = c; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '/')
			*p = '_';
	if (c[0] == '.')
		c[0] = '_';
	return c;
}

char *store_export_folder_path(const char *root, const struct store_folder *f)
{
	char *path = xstrdup(root);
	const char *name = f->name;
	char delim = f->delim ? f->delim : '/';
	while (1) {
		const char *end = strchr(name, delim);
		size_t n = end ? (size_t)(end - name) : strlen(name);
		char *part = safe_component(name, n);
		char *next = path_join(path, part);
		free(part);
		free(path);
		path = next;
		if (!end)
			break;
		name = end + 1;
	}
	return path;
}

/* ---- mboxrd ---- */

/* The sender's address from the display form "Name <addr>", for the From_
 * line: no blanks, never empty. */
static void envelope_sender(const char *from, struct buf *out)
{
	const char *lt = from ? strrchr(from, '<') : NULL;
	const char *s = lt ? lt + 1 : from;
	size_t n = 0;
	if (s && strchr(s, '@'))
		while (s[n] && s[n] != '>' && s[n] != ',' && s[n] != ' ' && s[n] != '\t')
			n++;
	if (n == 0)
		buf_adds(out, "MAILER-DAEMON");
	else
		buf_add(out, s, n);
}

static void status_headers(const struct msg_summary *s, struct buf *out)
{
	buf_adds(out, (s->flags & MSG_SEEN) ? "Status: RO\n" : "Status: O\n");
	char x[8];
	size_t n = 0;
	if (s->flags & MSG_ANSWERED)
		x[n++] = 'A';
	if (s->flags & MSG_FLAGGED)
		x[n++] = 'F';
	if (s->flags & MSG_DRAFT)
		x[n++] = 'T';
	if (s->flags & MSG_DELETED)
		x[n++] = 'D';
	if (n)
		buf_addf(out, "X-Status: %.*s\n", (int)n, x);
}

static bool is_status_header(const char *line, size_t n)
{
	return (n >= 7 && str_ncasecmp(line, "Status:", 7) == 0) ||
	       (n >= 9 && str_ncasecmp(line, "X-Status:", 9) == 0);
}

/* Appends the message (LF line ends) with From-quoting and our Status
 * headers in place of any it had. */
static void mboxrd_body(const struct msg_summary *s, const struct buf *msg, struct buf *out)
{
	bool in_headers = true, skipping = false;
	const char *p = msg->data, *end = msg->data + msg->len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (in_headers) {
			if (n == 0) {
				status_headers(s, out);
				in_headers = false;
			} else if (skipping && (p[0] == ' ' || p[0] == '\t')) {
				p += n + 1;
				continue;
			} else {
				skipping = is_status_header(p, n);
				if (skipping) {
					p += n + 1;
					continue;
				}
			}
		}
		const char *q = p;
		while (q < p + n && *q == '>')
			q++;
		if ((size_t)(p + n - q) >= 5 && memcmp(q, "From ", 5) == 0)
			buf_addc(out, '>');
		buf_add(out, p, n);
		buf_addc(out, '\n');
		p += n + 1;
	}
	if (in_headers) {
		/* No body at all: end the headers ourselves. */
		status_headers(s, out);
		buf_addc(out, '\n');
	}
}

static int mbox_one(const struct msg_summary *s, void *aux, struct err *err)
{
	struct export_ctx *c = aux;
	int r = body_of(c, s, err);
	if (r <= 0)
		return r;
	struct buf lf = BUF_INIT;
	add_lf(&lf, c->body.data, c->body.len);
	buf_reset(&c->out);
	buf_adds(&c->out, "From ");
	envelope_sender(s->from, &c->out);
	time_t t = msg_time(s);
	struct tm tm;
	char date[64];
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	gmtime_r(&t, &tm);
	snprintf(date, sizeof date, "%s %s %2d %02d:%02d:%02d %d", wd[tm.tm_wday], mon[tm.tm_mon],
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_year + 1900);
	buf_addf(&c->out, " %s\n", date);
	mboxrd_body(s, &lf, &c->out);
	buf_addc(&c->out, '\n');
	buf_release(&lf);
	if (write_all(c->fd, c->out.data, c->out.len, c->dest, err) < 0)
		return -1;
	c->st->written++;
	return 0;
}

int store_export_mbox(struct store_acct *a, const struct store_folder *f, const char *path,
		      struct store_export_stats *st, struct err *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST)
		return err_set(err, ERR_USAGE, _("%s already exists; postie does not overwrite "
						 "it: remove it or choose another name"), path);
	if (fd < 0)
		return err_set(err, ERR_IO, _("cannot create %s: %s"), path, strerror(errno));
	struct export_ctx c = { a, f, path, fd, st, BUF_INIT, BUF_INIT };
	int r = store_msg_scan(a, f->id, 0, mbox_one, &c, err);
	if (r == 0 && fsync(fd) < 0)
		r = err_set(err, ERR_IO, _("cannot write %s: %s"), path, strerror(errno));
	if (close(fd) < 0 && r == 0)
		r = err_set(err, ERR_IO, _("cannot write %s: %s"), path, strerror(errno));
	buf_release(&c.body);
	buf_release(&c.out);
	return r;
}

/* ---- salvage ---- */

struct salvage {
	store_names keys;   /* length-prefixed keys of the body records */
};

static int salvage_key(const void *key, size_t klen, const void *val, size_t vlen, void *aux,
		       struct err *err)
{
	struct salvage *sv = aux;
	if (klen == 13 && *(const char *)key == 'B')
		ARRAY_PUSH(&sv->keys, xmemdup(key, klen));
	return 0;
}

int store_export_salvage(struct store_acct *a, const char *dir, struct store_export_stats *st,
			 struct err *err)
{
	struct kv *kv = acct_kv_read(a, FILE_BODIES, err);
	if (!kv || make_maildir(dir, err) < 0)
		return -1;
	struct salvage sv = { ARRAY_INIT };
	struct err scan_err = ERR_INIT;
	/* A scan cut short by damage still leaves what it found. */
	kv_scan(kv, NULL, 0, NULL, 0, KV_SCAN_KEYS, salvage_key, &sv, &scan_err);
	err_clear(&scan_err);
	struct buf val = BUF_INIT, out = BUF_INIT;
	int r = 0;
	for (size_t i = 0; i < sv.keys.n && r == 0; i++) {
		const char *k = sv.keys.v[i];
		if (kv_get(kv, k, 13, &val, NULL) <= 0 || val.len < 1 || val.data[0] != 1) {
			st->no_body++;
			continue;
		}
		struct msg_summary s;
		msg_summary_init(&s);
		s.uid = be32_get(k + 9);
		buf_reset(&out);
		add_lf(&out, val.data + 1, val.len - 1);
		r = maildir_put(dir, &s, be32_get(k + 1), &out, err);
		st->written += r == 0;
	}
	store_names_release(&sv.keys);
	buf_release(&val);
	buf_release(&out);
	if (r == 0)
		r = sync_path(dir, err);
	return r;
}
