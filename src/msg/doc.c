/* The document a rendering builds (blocks of sanitized text with their
 * attributes, independent of the width) and its layout into lines. */
#include "common.h"

#include <stdarg.h>

#include "msg/msg-private.h"
#include "util/array.h"
#include "util/buf.h"
#include "util/sanitize.h"
#include "util/width.h"

#define MIN_WIDTH 20
#define TAB 8

struct msg_doc *msg_doc_new(void)
{
	return xcalloc(1, sizeof(struct msg_doc));
}

void msg_doc_free(struct msg_doc **dp)
{
	struct msg_doc *d = *dp;
	if (!d)
		return;
	ARRAY_RELEASE(&d->blocks);
	buf_release(&d->text);
	free(d);
	*dp = NULL;
}

/* Appends text with tabs expanded to stops every 8 columns. */
static void expand_tabs(const char *s, size_t len, struct buf *out)
{
	size_t col = 0, i = 0;
	while (i < len) {
		const char *tab = memchr(s + i, '\t', len - i);
		size_t end = tab ? (size_t)(tab - s) : len;
		buf_add(out, s + i, end - i);
		col += utf8_width(s + i, end - i);
		if (!tab)
			break;
		do
			buf_addc(out, ' ');
		while (++col % TAB);
		i = end + 1;
	}
}

void msg_doc_add(struct msg_doc *d, const struct msg_block *tmpl, const char *s, size_t len)
{
	struct buf safe = BUF_INIT;
	sanitize_append(&safe, s, len, SANITIZE_KEEP_TAB);
	struct msg_block b = *tmpl;
	b.off = d->text.len;
	expand_tabs(buf_cstr(&safe), safe.len, &d->text);
	b.len = d->text.len - b.off;
	buf_addc(&d->text, '\0');
	if (b.prefix_len > b.len)
		b.prefix_len = b.len;
	if (b.label_len > b.len)
		b.label_len = (unsigned)b.len;
	ARRAY_PUSH(&d->blocks, b);
	buf_release(&safe);
}

void msg_doc_addf(struct msg_doc *d, const struct msg_block *tmpl, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	msg_doc_add(d, tmpl, s, strlen(s));
	free(s);
}

/* ---- layout ---- */

static void emit(struct msg_view *v, const struct msg_block *b, const char *lead, size_t lead_len,
		 const char *s, size_t len, bool first)
{
	while (len && s[len - 1] == ' ')
		len--;
	struct msg_line l = { b->kind, b->quote, b->depth, b->part, first ? b->label_len : 0,
			      v->text.len, 0, 0 };
	buf_add(&v->text, lead, lead_len);
	buf_add(&v->text, s, len);
	l.len = v->text.len - l.off;
	if (l.label_len > l.len)
		l.label_len = (unsigned)l.len;
	l.width = (unsigned)utf8_width(v->text.data + l.off, l.len);
	buf_addc(&v->text, '\0');
	ARRAY_PUSH(&v->lines, l);
}

static size_t prev_char(const char *s, size_t i)
{
	while (i > 0 && ((unsigned char)s[--i] & 0xC0) == 0x80)
		;
	return i;
}

static bool wide_at(const char *s, size_t len, size_t i)
{
	unsigned cp;
	size_t n = utf8_decode(s + i, len - i, &cp);
	return n && uc_width(cp) == 2;
}

/* Where to break s[0..len) when only fit bytes fit: after the last space
 * (not within the leading lead bytes), else next to a wide character (CJK
 * text has no spaces), else at fit itself. */
static size_t break_at(const char *s, size_t len, size_t fit, size_t lead)
{
	if (fit < len && s[fit] == ' ')
		return fit;
	for (size_t j = fit; j > lead; j--)
		if (s[j - 1] == ' ')
			return j;
	if (fit < len && fit > lead && (wide_at(s, len, fit) || wide_at(s, len, prev_char(s, fit))))
		return fit;
	for (size_t j = prev_char(s, fit); j > lead; j = prev_char(s, j))
		if (wide_at(s, len, j))
			return j;
	return fit;
}

static void layout_block(const struct msg_doc *d, const struct msg_block *b, size_t width,
			 struct msg_view *v)
{
	const char *s = d->text.data + b->off;
	size_t len = b->len;
	/* Continuation lines repeat the prefix and indent by b->indent, unless
	 * that leaves too little room. */
	struct buf lead = BUF_INIT;
	buf_add(&lead, s, b->prefix_len);
	for (unsigned k = 0; k < b->indent; k++)
		buf_addc(&lead, ' ');
	size_t lead_w = utf8_width(buf_cstr(&lead), lead.len);
	if (lead_w > width / 2) {
		buf_reset(&lead);
		lead_w = 0;
	}
	size_t skip = b->prefix_len;   /* the first line must not break inside its indentation */
	while (skip < len && s[skip] == ' ')
		skip++;
	size_t pos = 0;
	bool first = true;
	do {
		size_t avail = first ? width : width - lead_w;
		size_t w;
		size_t fit = utf8_fit(s + pos, len - pos, avail, &w);
		size_t brk = fit;
		if (pos + fit < len) {
			brk = break_at(s + pos, len - pos, fit, first ? skip : 0);
			if (brk == 0)  /* nothing fits: one character, then go on */
				brk = fit ? fit : 1;
		}
		emit(v, b, first ? "" : buf_cstr(&lead), first ? 0 : lead.len, s + pos, brk, first);
		pos += brk;
		while (pos < len && s[pos] == ' ')
			pos++;
		first = false;
	} while (pos < len);
	buf_release(&lead);
}

void msg_doc_layout(const struct msg_doc *d, unsigned width, struct msg_view *v)
{
	memset(v, 0, sizeof *v);
	v->width = width < MIN_WIDTH ? MIN_WIDTH : width;
	for (size_t i = 0; i < d->blocks.n; i++)
		layout_block(d, &d->blocks.v[i], v->width, v);
}

const char *msg_line_text(const struct msg_view *v, size_t i)
{
	return i < v->lines.n ? v->text.data + v->lines.v[i].off : "";
}

void msg_view_to_text(const struct msg_view *v, struct buf *out)
{
	for (size_t i = 0; i < v->lines.n; i++) {
		buf_add(out, v->text.data + v->lines.v[i].off, v->lines.v[i].len);
		buf_addc(out, '\n');
	}
}

void msg_view_release(struct msg_view *v)
{
	ARRAY_RELEASE(&v->lines);
	buf_release(&v->text);
	v->width = 0;
}
