#include "common.h"

#include <ctype.h>

#include "core/pattern.h"
#include "store/summary.h"
#include "util/err.h"
#include "util/strutil.h"

enum node_kind {
	N_AND, N_OR, N_NOT,
	N_FROM, N_TO, N_CC, N_TOCC, N_SUBJECT, N_BODY, N_SIMPLE,  /* text */
	N_DATE, N_SIZE,                                           /* range */
	N_NEW, N_UNREAD, N_OLD, N_READ, N_FLAGGED, N_DELETED, N_REPLIED, N_ATTACH, N_TAGGED,
};

struct pattern {
	enum node_kind kind;
	struct pattern *a, *b;
	char *text;
	bool fold;              /* ignore ASCII case */
	int64_t lo, hi;         /* inclusive range */
};

struct parser {
	const char *s, *p;
	time_t now;
	struct err *err;
};

static struct pattern *node(enum node_kind k, struct pattern *a, struct pattern *b)
{
	struct pattern *n = xcalloc(1, sizeof *n);
	n->kind = k;
	n->a = a;
	n->b = b;
	return n;
}

void pattern_free(struct pattern **pp)
{
	struct pattern *p = *pp;
	if (!p)
		return;
	pattern_free(&p->a);
	pattern_free(&p->b);
	free(p->text);
	free(p);
	*pp = NULL;
}

static struct pattern *fail(struct parser *ps, const char *what)
{
	err_set(ps->err, ERR_INPUT, _("pattern: %s at column %d"), what,
		(int)(ps->p - ps->s) + 1);
	return NULL;
}

static void skip_blanks(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t')
		ps->p++;
}

/* A word or a quoted string, as a new string; NULL when there is none. */
static char *word(struct parser *ps)
{
	skip_blanks(ps);
	char q = *ps->p;
	if (q == '"' || q == '\'') {
		const char *end = strchr(ps->p + 1, q);
		if (!end)
			return NULL;
		char *w = xstrndup(ps->p + 1, (size_t)(end - ps->p - 1));
		ps->p = end + 1;
		return w;
	}
	const char *start = ps->p;
	while (*ps->p && *ps->p != ' ' && *ps->p != '\t' && *ps->p != ')' && *ps->p != '|')
		ps->p++;
	return ps->p > start ? xstrndup(start, (size_t)(ps->p - start)) : NULL;
}

static bool has_upper(const char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			return true;
	return false;
}

static struct pattern *text_node(struct parser *ps, enum node_kind k)
{
	char *w = word(ps);
	if (!w)
		return fail(ps, _("text expected"));
	struct pattern *n = node(k, NULL, NULL);
	n->text = w;
	n->fold = !has_upper(w);
	return n;
}

/* ---- Dates ---- */

static bool digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* Parses one absolute date at *pp; the start of that local day in *t_r. */
static bool parse_day(const char **pp, time_t now, time_t *t_r)
{
	const char *p = *pp;
	struct tm tm = { 0 };
	if (digits(p, 4) && p[4] == '-' && digits(p + 5, 2) && p[7] == '-' && digits(p + 8, 2)) {
		tm.tm_year = atoi(p) - 1900;
		tm.tm_mon = atoi(p + 5) - 1;
		tm.tm_mday = atoi(p + 8);
		p += 10;
	} else if (digits(p, 2) && p[2] == '/' && digits(p + 3, 2)) {
		struct tm nowtm;
		localtime_r(&now, &nowtm);
		tm.tm_mday = atoi(p);
		tm.tm_mon = atoi(p + 3) - 1;
		tm.tm_year = nowtm.tm_year;
		p += 5;
		if (*p == '/' && digits(p + 1, 4)) {
			tm.tm_year = atoi(p + 1) - 1900;
			p += 5;
		} else if (*p == '/' && digits(p + 1, 2)) {
			int y = atoi(p + 1);
			tm.tm_year = y < 70 ? y + 100 : y;
			p += 3;
		}
	} else {
		return false;
	}
	if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31)
		return false;
	tm.tm_isdst = -1;
	*t_r = mktime(&tm);
	*pp = p;
	return true;
}

static int64_t unit_seconds(char u)
{
	switch (u) {
	case 'd': return 86400;
	case 'w': return 7 * 86400;
	case 'm': return 30 * 86400;
	case 'y': return 365 * 86400;
	default: return 0;
	}
}

static struct pattern *date_node(struct parser *ps)
{
	skip_blanks(ps);
	struct pattern *n = node(N_DATE, NULL, NULL);
	n->lo = INT64_MIN;
	n->hi = INT64_MAX;
	const char *p = ps->p;
	if (*p == '<' || *p == '>') {
		char op = *p++;
		char *end;
		long v = strtol(p, &end, 10);
		int64_t unit = unit_seconds(*end);
		if (end == p || v < 0 || !unit) {
			pattern_free(&n);
			return fail(ps, _("date age expected, e.g. <3d or >2w"));
		}
		int64_t edge = (int64_t)ps->now - v * unit;
		if (op == '<')
			n->lo = edge;
		else
			n->hi = edge;
		ps->p = end + 1;
		return n;
	}
	time_t t;
	bool from = false, to = false;
	if (parse_day(&p, ps->now, &t)) {
		n->lo = t;
		from = true;
	}
	if (*p == '-') {
		p++;
		if (parse_day(&p, ps->now, &t)) {
			n->hi = t + 86400 - 1;
			to = true;
		}
		if (!from && !to) {
			pattern_free(&n);
			return fail(ps, _("date expected (YYYY-MM-DD or DD/MM/YYYY)"));
		}
	} else if (from) {
		n->hi = n->lo + 86400 - 1;
	} else {
		pattern_free(&n);
		return fail(ps, _("date expected (YYYY-MM-DD or DD/MM/YYYY)"));
	}
	ps->p = p;
	return n;
}

static bool parse_size(const char **pp, int64_t *v_r)
{
	char *end;
	long long v = strtoll(*pp, &end, 10);
	if (end == *pp || v < 0)
		return false;
	if (*end == 'K' || *end == 'k')
		v *= 1024, end++;
	else if (*end == 'M' || *end == 'm')
		v *= 1024 * 1024, end++;
	*v_r = v;
	*pp = end;
	return true;
}

static struct pattern *size_node(struct parser *ps)
{
	skip_blanks(ps);
	struct pattern *n = node(N_SIZE, NULL, NULL);
	n->lo = 0;
	n->hi = INT64_MAX;
	const char *p = ps->p;
	int64_t v;
	bool ok;
	if (*p == '<') {
		p++;
		ok = parse_size(&p, &v);
		n->hi = v - 1;
	} else if (*p == '>') {
		p++;
		ok = parse_size(&p, &v);
		n->lo = v + 1;
	} else {
		ok = parse_size(&p, &v);
		if (ok) {
			n->lo = n->hi = v;
			if (*p == '-') {
				p++;
				n->hi = INT64_MAX;
				if (isdigit((unsigned char)*p))
					ok = parse_size(&p, &n->hi);
			}
		}
	}
	if (!ok) {
		pattern_free(&n);
		return fail(ps, _("size expected, e.g. >100K"));
	}
	ps->p = p;
	return n;
}

/* ---- Grammar: or := and ('|' and)*; and := unary+; unary := '!' unary | atom ---- */

static struct pattern *parse_or(struct parser *ps);

static struct pattern *parse_term(struct parser *ps, char c)
{
	switch (c) {
	case 'f': return text_node(ps, N_FROM);
	case 't': return text_node(ps, N_TO);
	case 'c': return text_node(ps, N_CC);
	case 'C': return text_node(ps, N_TOCC);
	case 's': return text_node(ps, N_SUBJECT);
	case 'b': return text_node(ps, N_BODY);
	case 'd': return date_node(ps);
	case 'z': return size_node(ps);
	case 'N': return node(N_NEW, NULL, NULL);
	case 'U': return node(N_UNREAD, NULL, NULL);
	case 'O': return node(N_OLD, NULL, NULL);
	case 'R': return node(N_READ, NULL, NULL);
	case 'F': return node(N_FLAGGED, NULL, NULL);
	case 'D': return node(N_DELETED, NULL, NULL);
	case 'Q': return node(N_REPLIED, NULL, NULL);
	case 'A': return node(N_ATTACH, NULL, NULL);
	case 'T': return node(N_TAGGED, NULL, NULL);
	default:
		ps->p--;
		return fail(ps, _("unknown pattern (use ~f ~t ~c ~C ~s ~b ~d ~z ~N ~U ~O ~R "
				  "~F ~D ~Q ~A ~T)"));
	}
}

static struct pattern *parse_unary(struct parser *ps)
{
	skip_blanks(ps);
	char c = *ps->p;
	if (c == '!') {
		ps->p++;
		struct pattern *a = parse_unary(ps);
		return a ? node(N_NOT, a, NULL) : NULL;
	}
	if (c == '(') {
		ps->p++;
		struct pattern *a = parse_or(ps);
		if (!a)
			return NULL;
		skip_blanks(ps);
		if (*ps->p != ')') {
			pattern_free(&a);
			return fail(ps, _("')' expected"));
		}
		ps->p++;
		return a;
	}
	if (c == '~') {
		ps->p += 2;
		if (!ps->p[-1]) {
			ps->p--;
			return fail(ps, _("a letter expected after ~"));
		}
		return parse_term(ps, ps->p[-1]);
	}
	return text_node(ps, N_SIMPLE);
}

static bool at_and_end(struct parser *ps)
{
	skip_blanks(ps);
	return *ps->p == '\0' || *ps->p == '|' || *ps->p == ')';
}

static struct pattern *parse_and(struct parser *ps)
{
	struct pattern *left = parse_unary(ps);
	while (left && !at_and_end(ps)) {
		struct pattern *right = parse_unary(ps);
		if (!right) {
			pattern_free(&left);
			return NULL;
		}
		left = node(N_AND, left, right);
	}
	return left;
}

static struct pattern *parse_or(struct parser *ps)
{
	struct pattern *left = parse_and(ps);
	while (left && (skip_blanks(ps), *ps->p == '|')) {
		ps->p++;
		struct pattern *right = parse_and(ps);
		if (!right) {
			pattern_free(&left);
			return NULL;
		}
		left = node(N_OR, left, right);
	}
	return left;
}

struct pattern *pattern_parse(const char *s, time_t now, struct err *err)
{
	struct parser ps = { s, s, now, err };
	skip_blanks(&ps);
	if (!*ps.p)
		return fail(&ps, _("the pattern is empty"));
	struct pattern *p = parse_or(&ps);
	if (p && (skip_blanks(&ps), *ps.p)) {
		pattern_free(&p);
		return fail(&ps, *ps.p == ')' ? _("unbalanced ')'") : _("unexpected text"));
	}
	return p;
}

bool pattern_needs_body(const struct pattern *p)
{
	if (!p)
		return false;
	return p->kind == N_BODY || pattern_needs_body(p->a) || pattern_needs_body(p->b);
}

/* ---- Matching ---- */

static bool memcasemem(const char *h, size_t hlen, const char *n, size_t nlen, bool fold)
{
	if (nlen == 0)
		return true;
	for (size_t i = 0; i + nlen <= hlen; i++) {
		if (fold ? str_ncasecmp(h + i, n, nlen) == 0 : memcmp(h + i, n, nlen) == 0)
			return true;
	}
	return false;
}

static bool contains(const char *hay, const struct pattern *p)
{
	if (!hay)
		hay = "";
	return p->fold ? str_casestr(hay, p->text) != NULL : strstr(hay, p->text) != NULL;
}

bool pattern_match(const struct pattern *p, const struct pattern_msg *m)
{
	uint32_t f = m->flags;
	switch (p->kind) {
	case N_AND: return pattern_match(p->a, m) && pattern_match(p->b, m);
	case N_OR: return pattern_match(p->a, m) || pattern_match(p->b, m);
	case N_NOT: return !pattern_match(p->a, m);
	case N_FROM: return contains(m->from, p);
	case N_TO: return contains(m->to, p);
	case N_CC: return contains(m->cc, p);
	case N_TOCC: return contains(m->to, p) || contains(m->cc, p);
	case N_SUBJECT: return contains(m->subject, p);
	case N_SIMPLE: return contains(m->from, p) || contains(m->subject, p);
	case N_BODY: {
		const char *text;
		size_t len;
		if (!m->body || !m->body(m->aux, &text, &len))
			return false;
		return memcasemem(text, len, p->text, strlen(p->text), p->fold);
	}
	case N_DATE: return m->date >= p->lo && m->date <= p->hi;
	case N_SIZE: return (int64_t)m->size >= p->lo && (int64_t)m->size <= p->hi;
	case N_NEW: return !(f & MSG_SEEN) && (f & MSG_RECENT);
	case N_UNREAD: return !(f & MSG_SEEN);
	case N_OLD: return !(f & MSG_SEEN) && !(f & MSG_RECENT);
	case N_READ: return f & MSG_SEEN;
	case N_FLAGGED: return f & MSG_FLAGGED;
	case N_DELETED: return f & MSG_DELETED;
	case N_REPLIED: return f & MSG_ANSWERED;
	case N_ATTACH: return m->has_attachment;
	case N_TAGGED: return m->tagged;
	}
	return false;
}
