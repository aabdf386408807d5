#include "common.h"

#include <langinfo.h>

#include "core/format.h"
#include "msg/msg.h"
#include "store/index.h"
#include "store/summary.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/sanitize.h"
#include "util/width.h"

enum tok_kind { TOK_TEXT, TOK_FIELD };

struct tok {
	enum tok_kind kind;
	char conv;              /* TOK_FIELD: the letter */
	char *text;             /* TOK_TEXT, or the strftime format of %{...} */
	size_t min_w, max_w;
	bool left;
};

struct index_format {
	struct tok *v;
	size_t n, cap;
};

static void push(struct index_format *f, struct tok t)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 8;
		f->v = xreallocarray(f->v, f->cap, sizeof *f->v);
	}
	f->v[f->n++] = t;
}

void index_format_free(struct index_format **fp)
{
	struct index_format *f = *fp;
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i].text);
	free(f->v);
	free(f);
	*fp = NULL;
}

static size_t read_num(const char **p)
{
	size_t v = 0;
	while (**p >= '0' && **p <= '9' && v < 10000)
		v = v * 10 + (size_t)(*(*p)++ - '0');
	return v;
}

static const char *parse_field(const char *p, struct tok *t, struct err *err)
{
	const char *start = p - 1;
	if (*p == '-') {
		t->left = true;
		p++;
	}
	t->min_w = read_num(&p);
	t->max_w = SIZE_MAX;
	if (*p == '.') {
		p++;
		t->max_w = read_num(&p);
	}
	if (*p == '{') {
		const char *close = strchr(p, '}');
		if (!close) {
			err_set(err, ERR_CONFIG, _("index_format: '%%{' without '}'"));
			return NULL;
		}
		t->conv = '{';
		t->text = xstrndup(p + 1, (size_t)(close - p - 1));
		return close + 1;
	}
	if (!*p || !strchr("CZDdnaFtsScM%", *p)) {
		if (*p)
			err_set(err, ERR_CONFIG, _("index_format: unknown field '%.*s' (one of "
						   "%%C %%Z %%D %%d %%{...} %%n %%a %%F %%t %%s "
						   "%%S %%c %%M %%%%)"),
				(int)(p - start + 1), start);
		else
			err_set(err, ERR_CONFIG, _("index_format: '%%' at the end"));
		return NULL;
	}
	t->conv = *p;
	return p + 1;
}

struct index_format *index_format_parse(const char *s, struct err *err)
{
	struct index_format *f = xcalloc(1, sizeof *f);
	const char *p = s;
	while (*p) {
		if (*p != '%') {
			const char *q = strchr(p, '%');
			size_t n = q ? (size_t)(q - p) : strlen(p);
			push(f, (struct tok){ .kind = TOK_TEXT, .text = xstrndup(p, n) });
			p += n;
			continue;
		}
		struct tok t = { .kind = TOK_FIELD };
		p = parse_field(p + 1, &t, err);
		if (!p) {
			index_format_free(&f);
			return NULL;
		}
		if (t.conv == '%') {
			t.kind = TOK_TEXT;
			t.text = xstrdup("%");
		}
		push(f, t);
	}
	return f;
}

/* ---- Layout helpers ---- */

size_t format_field(struct buf *out, const char *s, size_t len, size_t min_w, size_t max_w,
		    bool right_align)
{
	struct buf safe = BUF_INIT;
	sanitize_append(&safe, s, len, 0);
	size_t w;
	size_t n = utf8_fit(safe.data ? safe.data : "", safe.len, max_w, &w);
	size_t pad = w < min_w ? min_w - w : 0;
	if (right_align)
		for (size_t i = 0; i < pad; i++)
			buf_addc(out, ' ');
	buf_add(out, safe.data ? safe.data : "", n);
	if (!right_align)
		for (size_t i = 0; i < pad; i++)
			buf_addc(out, ' ');
	buf_release(&safe);
	return w + pad;
}

size_t format_cut(struct buf *out, const char *s, size_t cols)
{
	struct buf safe = BUF_INIT;
	sanitize_append(&safe, s, strlen(s), 0);
	const char *d = safe.data ? safe.data : "";
	size_t w;
	size_t n = utf8_fit(d, safe.len, cols, &w);
	if (n < safe.len && cols >= 1) {
		n = utf8_fit(d, safe.len, cols - 1, &w);
		buf_add(out, d, n);
		buf_adds(out, "…");
		w++;
	} else {
		buf_add(out, d, n);
	}
	buf_release(&safe);
	return w;
}

char *format_first_name(const char *list, bool address_only)
{
	struct msg_addr_list l = { 0 };
	msg_addr_list_parse(list, strlen(list), &l);
	char *r;
	if (l.n == 0)
		r = xstrdup(list);
	else if (!address_only && l.v[0].name && *l.v[0].name)
		r = xstrdup(l.v[0].name);
	else
		r = xstrdup(l.v[0].addr);
	msg_addr_list_release(&l);
	return r;
}

/* The formats come from the user's configuration (date_format, %{...}) or
 * from the fixed choices below: strftime with a variable format by design. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

/* The locale's numeric date with a two-digit year, so it keeps to 8
 * columns (%d.%m.%y in de_DE, %m/%d/%y in en_US); day/month/year in the C
 * locale. */
static void numeric_date_format(char *fmt, size_t size)
{
	const char *local = i18n_time_locale_is_c() ? NULL : nl_langinfo(D_FMT);
	if (!local || !*local || strlen(local) >= size) {
		snprintf(fmt, size, "%s", "%d/%m/%y");
		return;
	}
	snprintf(fmt, size, "%s", local);
	for (char *p = fmt; (p = strstr(p, "%Y")) != NULL; p += 2)
		p[1] = 'y';
}

void format_date_short(int64_t t, time_t now, struct buf *out)
{
	if (t == 0) {
		buf_adds(out, "?");
		return;
	}
	time_t tt = (time_t)t;
	struct tm tm, nowtm;
	localtime_r(&tt, &tm);
	localtime_r(&now, &nowtm);
	char numeric[32];
	numeric_date_format(numeric, sizeof numeric);
	const char *fmt = numeric;
	if (tm.tm_year == nowtm.tm_year && tm.tm_yday == nowtm.tm_yday)
		fmt = "%H:%M";
	else if (tm.tm_year == nowtm.tm_year || (t <= now && now - t < 180 * 86400))
		fmt = "%d %b";
	char b[64];
	size_t n = strftime(b, sizeof b, fmt, &tm);
	buf_add(out, b, n);
}

/* ---- One line ---- */

static void status_flags(const struct index_line *l, struct buf *v)
{
	uint32_t f = l->m->flags;
	char s[5] = "    ";
	if (f & MSG_DELETED)
		s[0] = 'D';
	else if (!(f & MSG_SEEN))
		s[0] = (f & MSG_RECENT) ? 'N' : 'O';
	else if (f & MSG_ANSWERED)
		s[0] = 'r';
	if (f & MSG_FLAGGED)
		s[1] = '!';
	if (l->tagged)
		s[2] = '*';
	if (l->m->has_attachment)
		s[3] = '@';
	buf_adds(v, s);
}

static void strftime_date(int64_t t, const char *fmt, struct buf *v)
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	char b[256];
	size_t n = strftime(b, sizeof b, fmt, &tm);
	buf_add(v, b, n);
}

#pragma GCC diagnostic pop

/* The field's text before layout. */
static void field_text(const struct tok *t, const struct index_line *l, struct buf *v)
{
	const char *from = store_index_str(l->idx, l->m->from);
	char *s = NULL;
	switch (t->conv) {
	case 'C': buf_addf(v, "%zu", l->number); break;
	case 'Z': status_flags(l, v); break;
	case 'D':
		if (l->date_format)
			strftime_date(l->m->date, l->date_format, v);
		else
			format_date_short(l->m->date, l->now, v);
		break;
	case 'd': strftime_date(l->m->date, "%Y-%m-%d %H:%M", v); break;
	case '{': strftime_date(l->m->date, t->text, v); break;
	case 'n': s = format_first_name(from, false); break;
	case 'a': s = format_first_name(from, true); break;
	case 'F': buf_adds(v, from); break;
	case 't': s = format_first_name(store_index_str(l->idx, l->m->to), false); break;
	case 'S': buf_adds(v, store_index_str(l->idx, l->m->subject)); break;
	case 'c': {
		char *size = msg_size_text(l->m->size);
		buf_adds(v, size);
		free(size);
		break;
	}
	case 'M':
		if (l->hidden)
			buf_addf(v, "%u", l->hidden);
		break;
	case 's':
		if (l->hidden)
			buf_addf(v, "(+%u) ", l->hidden);
		if (!l->same_subject || l->hidden)
			buf_adds(v, store_index_str(l->idx, l->m->subject));
		break;
	}
	if (s) {
		buf_adds(v, s);
		free(s);
	}
}

void index_format_line(const struct index_format *f, const struct index_line *l, size_t width,
		       struct buf *out, size_t *tree_start_r, size_t *tree_end_r)
{
	buf_reset(out);
	size_t used = 0, tree_start = 0, tree_end = 0;
	struct buf v = BUF_INIT;
	for (size_t i = 0; i < f->n && used < width; i++) {
		const struct tok *t = &f->v[i];
		size_t room = width - used;
		if (t->kind == TOK_TEXT) {
			used += format_field(out, t->text, strlen(t->text), 0, room, false);
			continue;
		}
		if (t->conv == 's' && l->tree && *l->tree) {
			tree_start = out->len;
			used += format_field(out, l->tree, strlen(l->tree), 0, room, false);
			tree_end = out->len;
			room = width - used;
		}
		buf_reset(&v);
		field_text(t, l, &v);
		size_t max = t->max_w < room ? t->max_w : room;
		size_t min = t->min_w < max ? t->min_w : max;
		used += format_field(out, v.data ? v.data : "", v.len, min, max, !t->left &&
				     t->min_w > 0);
	}
	while (used < width) {
		buf_addc(out, ' ');
		used++;
	}
	buf_release(&v);
	if (tree_start_r)
		*tree_start_r = tree_start;
	if (tree_end_r)
		*tree_end_r = tree_end;
}
