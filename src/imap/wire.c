/* UID FETCH of many messages, read straight off the wire.
 *
 * libetpan's parser builds a tree of small allocations for every response
 * and frees it again (with the msg_att handler, one message at a time); for
 * a folder's summaries that cost more CPU than the server spends sending
 * them (measured: parse and free were two fifths of a cold open). Here each
 * response is read whole (lines and the literals inside) into one buffer
 * and parsed in place, without an allocation per message; the result is the
 * same struct imap_msg the handler gives (msgatt.c), handed to the same
 * callback. The command goes out through libetpan's stream with libetpan's
 * tag, so the session stays in step for the commands after it.
 *
 * Other untagged responses that may come meanwhile are understood too:
 * EXISTS (kept in the selection info), EXPUNGE (sequence numbers only: the
 * sync's count check settles it), VANISHED (UIDs, kept in drv->vanished),
 * BYE; anything else is skipped whole. FETCH responses go to the caller's
 * function, or without one (a flags fetch) to drv->flagrecs. A response that cannot be parsed
 * breaks the session (ERR_PROTOCOL), as libetpan's own parse errors do. */
#include "common.h"

#include <time.h>

#include "imap/imap-private.h"
#include "net/net.h"
#include "store/summary.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/strutil.h"

/* A cursor over one response held in memory. */
struct cur {
	char *p, *end;
	bool bad;
};

static bool at(struct cur *c, char ch)
{
	return c->p < c->end && *c->p == ch;
}

static void expect(struct cur *c, char ch)
{
	if (at(c, ch))
		c->p++;
	else
		c->bad = true;
}

static void skip_spaces(struct cur *c)
{
	while (at(c, ' '))
		c->p++;
}

static uint64_t number(struct cur *c)
{
	uint64_t v = 0;
	const char *start = c->p;
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9' && v < UINT64_MAX / 10)
		v = v * 10 + (uint64_t)(*c->p++ - '0');
	if (c->p == start)
		c->bad = true;
	return v;
}

/* An atom (or a flag like \Seen): up to a space, bracket or line end. */
static size_t atom(struct cur *c, char **start)
{
	*start = c->p;
	while (c->p < c->end && !strchr(" ()[]{\"\r\n", *c->p))
		c->p++;
	if (c->p == *start)
		c->bad = true;
	return (size_t)(c->p - *start);
}

/* A literal {N}\r\n followed by N bytes, or a quoted string, or NIL: its
 * bytes (quoted: unescaped in place). NULL for NIL. */
static char *string(struct cur *c, size_t *len)
{
	*len = 0;
	if (at(c, '{')) {
		c->p++;
		uint64_t n = number(c);
		if (at(c, '+'))
			c->p++;
		expect(c, '}');
		expect(c, '\r');
		expect(c, '\n');
		if (c->bad || n > (uint64_t)(c->end - c->p)) {
			c->bad = true;
			return NULL;
		}
		char *s = c->p;
		c->p += n;
		*len = (size_t)n;
		return s;
	}
	if (at(c, '"')) {
		char *s = ++c->p, *w = s;
		while (c->p < c->end && *c->p != '"') {
			if (*c->p == '\\' && c->p + 1 < c->end)
				c->p++;
			*w++ = *c->p++;
		}
		expect(c, '"');
		*len = (size_t)(w - s);
		return s;
	}
	char *a;
	size_t n = atom(c, &a);
	if (n == 3 && str_ncasecmp(a, "NIL", 3) == 0)
		return NULL;
	*len = n;
	return a;
}

/* Skips any value: atom, number, string, literal or parenthesised list. */
static void skip_value(struct cur *c, int depth)
{
	if (depth > 32) {
		c->bad = true;
		return;
	}
	if (at(c, '(')) {
		c->p++;
		while (!c->bad && !at(c, ')') && c->p < c->end) {
			skip_value(c, depth + 1);
			skip_spaces(c);
		}
		expect(c, ')');
		return;
	}
	size_t len;
	if (at(c, '{') || at(c, '"')) {
		string(c, &len);
		return;
	}
	char *a;
	atom(c, &a);
	if (at(c, '[')) {       /* BODY[...]<...> */
		while (c->p < c->end && *c->p != ']')
			c->p++;
		expect(c, ']');
		if (at(c, '<'))
			while (c->p < c->end && *c->p++ != '>')
				;
	}
}

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
				       "Sep", "Oct", "Nov", "Dec" };

/* INTERNALDATE "17-Jul-1996 02:44:25 -0700" as seconds since the epoch. */
static int64_t internaldate(const char *s, size_t len)
{
	char buf[40];
	if (len >= sizeof buf)
		return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	int day, year, h, m, sec, zone;
	char mon[4];
	if (sscanf(buf, "%d-%3s-%d %d:%d:%d %d", &day, mon, &year, &h, &m, &sec, &zone) != 7)
		return 0;
	int month = -1;
	for (int i = 0; i < 12; i++)
		if (str_casecmp(months[i], mon) == 0)
			month = i;
	if (month < 0)
		return 0;
	struct tm tm = { .tm_year = year - 1900, .tm_mon = month, .tm_mday = day, .tm_hour = h,
			 .tm_min = m, .tm_sec = sec };
	int sign = zone < 0 ? -1 : 1;
	zone *= sign;
	return (int64_t)timegm(&tm) - sign * ((zone / 100) * 3600 + (zone % 100) * 60);
}

typedef ARRAY(const char *) kw_list;

/* FLAGS (\Seen $Label): flags into m, keywords NUL-terminated in place. */
static void flags(struct cur *c, struct imap_msg *m, kw_list *kws)
{
	static const struct { const char *name; uint32_t bit; } sys[] = {
		{ "\\Seen", MSG_SEEN }, { "\\Answered", MSG_ANSWERED }, { "\\Flagged", MSG_FLAGGED },
		{ "\\Deleted", MSG_DELETED }, { "\\Draft", MSG_DRAFT },
	};
	m->has_flags = true;
	expect(c, '(');
	ARRAY(char *) ends = ARRAY_INIT;
	while (!c->bad && !at(c, ')')) {
		char *a;
		size_t n = atom(c, &a);
		if (a[0] == '\\') {
			for (size_t i = 0; i < ARRAY_SIZE(sys); i++)
				if (strlen(sys[i].name) == n && str_ncasecmp(a, sys[i].name, n) == 0)
					m->flags |= sys[i].bit;
		} else if (n) {
			ARRAY_PUSH(kws, a);
			ARRAY_PUSH(&ends, a + n);
		}
		skip_spaces(c);
	}
	expect(c, ')');
	for (size_t i = 0; i < ends.n; i++)
		*ends.v[i] = '\0';      /* the space or ')' after it, already read */
	ARRAY_RELEASE(&ends);
}

/* BODY[section]<origin> and its string, from the '['. */
static void body_section(struct cur *c, struct imap_msg *m)
{
	char *open = c->p;
	while (c->p < c->end && *c->p != ']')
		c->p++;
	expect(c, ']');
	if (at(c, '<'))
		while (c->p < c->end && *c->p++ != '>')
			;
	skip_spaces(c);
	size_t len;
	char *s = string(c, &len);
	if (open[1] == ']') {   /* BODY[]: the whole message */
		m->body = s ? s : "";
		m->body_len = len;
	} else {
		m->header = s ? s : "";
		m->header_len = len;
	}
}

/* The att-list of a FETCH response, from after "FETCH ". */
static void fetch_atts(struct cur *c, struct imap_msg *m, kw_list *kws)
{
	expect(c, '(');
	while (!c->bad && !at(c, ')')) {
		char *name;
		size_t n = atom(c, &name);
		if (at(c, '[')) {
			body_section(c, m);
		} else if (n == 3 && !str_ncasecmp(name, "UID", 3)) {
			skip_spaces(c);
			m->uid = (uint32_t)number(c);
		} else if (n == 5 && !str_ncasecmp(name, "FLAGS", 5)) {
			skip_spaces(c);
			flags(c, m, kws);
		} else if (n == 11 && !str_ncasecmp(name, "RFC822.SIZE", 11)) {
			skip_spaces(c);
			m->has_size = true;
			m->size = (uint32_t)number(c);
		} else if (n == 12 && !str_ncasecmp(name, "INTERNALDATE", 12)) {
			skip_spaces(c);
			size_t len;
			char *s = string(c, &len);
			m->internaldate = s ? internaldate(s, len) : 0;
		} else if (n == 6 && !str_ncasecmp(name, "MODSEQ", 6)) {
			skip_spaces(c);
			expect(c, '(');
			m->modseq = number(c);
			expect(c, ')');
		} else {
			skip_spaces(c);
			skip_value(c, 0);
		}
		skip_spaces(c);
	}
	expect(c, ')');
	m->keywords = kws->v;
	m->n_keywords = kws->n;
}

/* ---- reading whole responses ---- */

/* Reads one response: its line and, for each {N} that ends a line, the N
 * bytes and the line after them. */
static int read_response(struct imap_driver *drv, MMAPString *r, struct err *err)
{
	mailstream *s = imap_session_etpan(drv->s)->imap_stream;
	mmap_string_truncate(r, 0);
	for (;;) {
		size_t from = r->len;
		if (!mailstream_read_line_append(s, r))
			return -1;
		char *line = r->str + from, *end = r->str + r->len;
		if (end - line < 2 || end[-1] != '\n')
			return -1;          /* the stream ended */
		char *q = end - 2;
		if (*q != '\r' || q == line || q[-1] != '}')
			return 0;
		char *open = q - 1;
		while (open > line && open[-1] >= '0' && open[-1] <= '9')
			open--;
		if (open > line && open[-1] == '+')
			open--;
		if (open == line || open[-1] != '{')
			return 0;
		uint64_t n = strtoull(open, NULL, 10);
		if (n > (64u << 20))
			return err_set(err, ERR_PROTOCOL, _("%s sent a literal of %llu bytes"),
				       net_conn_peer(drv->s->conn), (unsigned long long)n);
		size_t at_len = r->len;
		if (!mmap_string_set_size(r, at_len + (size_t)n))
			abort();
		size_t got = 0;
		while (got < n) {
			ssize_t k = mailstream_read(s, r->str + at_len + got, (size_t)n - got);
			if (k <= 0)
				return -1;
			got += (size_t)k;
		}
	}
}

/* A sequence set of numbers ("1:5,9"), each appended to out. */
static void number_set(struct cur *c, store_uids *out)
{
	while (!c->bad && c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		uint32_t a = (uint32_t)number(c), b = a;
		if (at(c, ':')) {
			c->p++;
			b = (uint32_t)number(c);
		}
		if (a > b) {
			uint32_t t = a;
			a = b;
			b = t;
		}
		for (uint64_t u = a; u <= b && b - a < 50000000u; u++)
			ARRAY_PUSH(out, (uint32_t)u);
		if (at(c, ','))
			c->p++;
	}
}

/* SEARCH n n n, or ESEARCH (TAG "t") UID ALL set (RFC 4731). */
static void search_result(struct cur *c, bool esearch, store_uids *out)
{
	if (!esearch) {
		while (!c->bad && c->p < c->end && *c->p >= '0' && *c->p <= '9') {
			ARRAY_PUSH(out, (uint32_t)number(c));
			skip_spaces(c);
		}
		return;
	}
	while (!c->bad && c->p < c->end && *c->p != '\r') {
		if (at(c, '(')) {
			skip_value(c, 0);
		} else {
			char *w;
			size_t n = atom(c, &w);
			skip_spaces(c);
			if (n == 3 && !str_ncasecmp(w, "ALL", 3))
				number_set(c, out);
		}
		skip_spaces(c);
	}
}

/* An untagged response that is not a FETCH: what the sync needs from it. */
static void other_untagged(struct imap_driver *drv, struct cur *c, uint64_t num, char *word,
			   size_t wn, store_uids *search)
{
	mailimap *imap = imap_session_etpan(drv->s);
	if (search && ((wn == 6 && !str_ncasecmp(word, "SEARCH", 6)) ||
		       (wn == 7 && !str_ncasecmp(word, "ESEARCH", 7)))) {
		search_result(c, wn == 7, search);
		return;
	}
	if (wn == 6 && !str_ncasecmp(word, "EXISTS", 6) && imap->imap_selection_info) {
		imap->imap_selection_info->sel_exists = (uint32_t)num;
		imap->imap_selection_info->sel_has_exists = 1;
	} else if (wn == 7 && !str_ncasecmp(word, "EXPUNGE", 7)) {
		drv->untagged_seen = true;
	} else if (wn == 8 && !str_ncasecmp(word, "VANISHED", 8)) {
		skip_spaces(c);
		if (at(c, '('))         /* (EARLIER) */
			skip_value(c, 0);
		skip_spaces(c);
		number_set(c, &drv->vanished);
	}
}

static int broken(struct imap_driver *drv, const char *what, struct err *err)
{
	drv->s->broken = true;
	int r = net_conn_failure_kind(drv->s->conn) != ERR_NONE
		? net_conn_error(drv->s->conn, what, err)
		: err_set(err, ERR_PROTOCOL, _("%s %s: could not understand the server's reply"),
			  what, net_conn_peer(drv->s->conn));
	imap_check(drv, MAILIMAP_ERROR_STREAM, what, NULL);   /* drops the session */
	return r;
}

/* Where a command's responses go. */
struct sink {
	imap_msg_fn *fetch;
	void *aux;
	store_uids *search;
};

/* An untagged response ("* ..."), from after the star. */
static int untagged(struct imap_driver *drv, struct cur *c, char *end, const struct sink *sk,
		    const char *what, struct err *err)
{
	skip_spaces(c);
	char *word;
	uint64_t num = 0;
	if (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		num = number(c);
		skip_spaces(c);
	}
	size_t wn = atom(c, &word);
	skip_spaces(c);
	if (wn == 5 && !str_ncasecmp(word, "FETCH", 5)) {
		kw_list kws = ARRAY_INIT;
		struct imap_msg m = { .seq = (uint32_t)num };
		fetch_atts(c, &m, &kws);
		if (!c->bad && sk->fetch)
			sk->fetch(sk->aux, &m);
		else if (!c->bad && m.uid && m.has_flags)
			imap_add_flagrec(&drv->flagrecs, &m);
		ARRAY_RELEASE(&kws);
	} else if (wn == 3 && !str_ncasecmp(word, "BYE", 3)) {
		err_set(err, ERR_NET, _("%s %s: the server ended the session: %.*s"), what,
			net_conn_peer(drv->s->conn), (int)(end - c->p), c->p);
		drv->s->broken = true;
		imap_check(drv, MAILIMAP_ERROR_STREAM, what, NULL);
		return -1;
	} else {
		other_untagged(drv, c, num, word, wn, sk->search);
		c->bad = false;  /* whatever else it said is not ours to judge */
	}
	return c->bad ? broken(drv, what, err) : 0;
}

/* The tagged reply that ends the command: 1 for OK, else -1 and err. */
static int tagged(struct imap_driver *drv, struct cur *c, char *end, const char *tag,
		  const char *what, struct err *err)
{
	size_t tl = strlen(tag);
	if ((size_t)(end - c->p) <= tl || strncmp(c->p, tag, tl) != 0 || c->p[tl] != ' ')
		return broken(drv, what, err);
	c->p += tl + 1;
	char *status;
	size_t sn = atom(c, &status);
	skip_spaces(c);
	if (sn == 2 && !str_ncasecmp(status, "OK", 2))
		return 1;
	bool bad = sn == 3 && !str_ncasecmp(status, "BAD", 3);
	err_set(err, bad ? ERR_PROTOCOL : ERR_SERVER_PERM, _("%s %s: the server said: %.*s"), what,
		net_conn_peer(drv->s->conn), (int)(end - c->p), c->p);
	if (bad) {
		drv->s->broken = true;
		imap_check(drv, MAILIMAP_ERROR_STREAM, what, NULL);
	}
	return -1;
}

/* One response; 1 when it was the tagged end of the command. */
static int take_response(struct imap_driver *drv, MMAPString *r, const char *tag,
			 const struct sink *sk, const char *what, struct err *err)
{
	struct cur c = { r->str, r->str + r->len, false };
	char *end = c.end;
	while (end > c.p && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	if (!at(&c, '*'))
		return tagged(drv, &c, end, tag, what, err);
	c.p++;
	return untagged(drv, &c, end, sk, what, err);
}

static int read_until_tagged(struct imap_driver *drv, const char *tag, const struct sink *sk,
			     const char *what, struct err *err)
{
	MMAPString *r = mmap_string_new("");
	int res;
	do {
		res = read_response(drv, r, err) < 0
			? (err_is_set(err) ? (drv->s->broken = true, -1) : broken(drv, what, err))
			: take_response(drv, r, tag, sk, what, err);
	} while (res == 0);
	mmap_string_free(r);
	return res < 0 ? -1 : 0;
}

int imap_wire_read_fetch(struct imap_driver *drv, const char *tag, imap_msg_fn *fn, void *aux,
			 const char *what, struct err *err)
{
	return imap_wire_read_fetch_search(drv, tag, fn, aux, NULL, what, err);
}

int imap_wire_read_fetch_search(struct imap_driver *drv, const char *tag, imap_msg_fn *fn,
				void *aux, store_uids *search, const char *what, struct err *err)
{
	struct sink sk = { fn, aux, search };
	return read_until_tagged(drv, tag, &sk, what, err);
}

static int send_line(struct imap_driver *drv, const char *line, char tag[static 16],
		     const char *what, struct err *err)
{
	mailimap *imap = imap_session_etpan(drv->s);
	int rr = mailimap_send_current_tag(imap);
	snprintf(tag, 16, "%d", imap->imap_tag);
	bool sent = rr == MAILIMAP_NO_ERROR &&
		    mailstream_write(imap->imap_stream, line, strlen(line)) >= 0 &&
		    mailstream_flush(imap->imap_stream) >= 0;
	return sent ? 0 : broken(drv, what, err);
}

int imap_wire_send_search(struct imap_driver *drv, uint32_t from, uint32_t to,
			  char tag[static 16], const char *what, struct err *err)
{
	bool esearch = imap_session_has_capability(drv->s, "ESEARCH");
	char line[96];
	if (to)
		snprintf(line, sizeof line, "UID SEARCH %sUID %u:%u\r\n",
			 esearch ? "RETURN (ALL) " : "", from, to);
	else
		snprintf(line, sizeof line, "UID SEARCH %sUID %u:*\r\n",
			 esearch ? "RETURN (ALL) " : "", from);
	return send_line(drv, line, tag, what, err);
}

int imap_wire_read_search(struct imap_driver *drv, const char *tag, store_uids *out,
			  const char *what, struct err *err)
{
	struct sink sk = { NULL, NULL, out };
	return read_until_tagged(drv, tag, &sk, what, err);
}

int imap_wire_search(struct imap_driver *drv, uint32_t from, uint32_t to, store_uids *out,
		     const char *what, struct err *err)
{
	char tag[16];
	if (imap_wire_send_search(drv, from, to, tag, what, err) < 0)
		return -1;
	return imap_wire_read_search(drv, tag, out, what, err);
}

/* "UID FETCH" (by UID) or "FETCH" (by sequence number). */
static int send_fetch(struct imap_driver *drv, const char *verb, const char *set,
		      const char *items, const char *modifiers, char tag[static 16],
		      const char *what, struct err *err)
{
	struct buf cmd = BUF_INIT;
	buf_addf(&cmd, "%s %s (%s)", verb, set, items);
	if (modifiers)
		buf_addf(&cmd, " (%s)", modifiers);
	buf_adds(&cmd, "\r\n");
	int r = send_line(drv, cmd.data, tag, what, err);
	buf_release(&cmd);
	return r;
}

int imap_wire_send_fetch_set(struct imap_driver *drv, const char *set, const char *items,
			     const char *modifiers, char tag[static 16], const char *what,
			     struct err *err)
{
	return send_fetch(drv, "UID FETCH", set, items, modifiers, tag, what, err);
}

int imap_wire_send_fetch_seq(struct imap_driver *drv, uint32_t first, uint32_t last,
			     const char *items, char tag[static 16], const char *what,
			     struct err *err)
{
	char set[32];
	snprintf(set, sizeof set, "%u:%u", first, last);
	return send_fetch(drv, "FETCH", set, items, NULL, tag, what, err);
}

int imap_wire_send_fetch(struct imap_driver *drv, const uint32_t *uids, size_t n,
			 const char *items, char tag[static 16], const char *what, struct err *err)
{
	struct buf set = BUF_INIT;
	imap_uid_set_text(uids, n, &set);
	int r = imap_wire_send_fetch_set(drv, buf_cstr(&set), items, NULL, tag, what, err);
	buf_release(&set);
	return r;
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return a < b ? -1 : a > b;
}

void imap_uid_set_text(const uint32_t *in, size_t n, struct buf *out)
{
	uint32_t *uids = xmemdup(in, (n ? n : 1) * sizeof *in);
	if (n > 1)
		qsort(uids, n, sizeof *uids, cmp_u32);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && uids[j + 1] == uids[j] + 1)
			j++;
		if (i)
			buf_addc(out, ',');
		if (j > i)
			buf_addf(out, "%u:%u", uids[i], uids[j]);
		else
			buf_addf(out, "%u", uids[i]);
		i = j + 1;
		while (i < n && uids[i] == uids[i - 1])
			i++;
	}
	free(uids);
}
