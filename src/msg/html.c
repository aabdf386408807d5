/* HTML to text, good enough for newsletters and mailing lists: paragraphs,
 * line breaks, lists, blockquotes as quotes, tables as rows, links numbered
 * with their URLs listed at the end, entities decoded, scripts, styles and
 * hidden elements dropped. It never fetches anything and never recurses. */
#include "common.h"

#include <ctype.h>

#include "msg/msg-private.h"
#include "util/array.h"
#include "util/buf.h"
#include "util/strutil.h"

#define MAX_LISTS 16
#define MAX_QUOTE 32
#define MAX_TAG 16
#define MAX_LINKS_DEDUP 512

struct list_level {
	bool ordered;
	unsigned n;
};

struct html {
	struct msg_doc *doc;
	const struct msg_block *tmpl;
	struct buf line;        /* the paragraph being built, prefix included */
	bool started;           /* line has its prefix */
	bool space;             /* a collapsed blank is due before the next word */
	size_t prefix_len;      /* quote marks at the start of line */
	unsigned indent;        /* continuation indent of the current paragraph */
	unsigned quote;
	unsigned pre;
	struct list_level lists[MAX_LISTS];
	unsigned n_lists;
	char *marker;           /* list marker for the next line, owned */
	bool need_blank;        /* a blank line before the next text */
	bool any;               /* some text was emitted */
	bool last_blank;
	char hidden[MAX_TAG];   /* the element hiding its content, "" if none */
	unsigned hidden_depth;
	char *href;             /* of the open <a>, owned */
	size_t link_start;      /* where its text started in line */
	struct {
		char **v;
		size_t n, cap;
	} links;
};

/* ---- output ---- */

static void add_block(struct html *h, const char *s, size_t len, size_t prefix_len,
		      unsigned indent, enum msg_line_kind kind)
{
	struct msg_block b = *h->tmpl;
	b.kind = kind;
	b.quote = h->quote;
	b.prefix_len = prefix_len;
	b.indent = indent;
	msg_doc_add(h->doc, &b, s, len);
}

static void quote_marks(const struct html *h, struct buf *out)
{
	for (unsigned k = 0; k < h->quote && k < MAX_QUOTE; k++)
		buf_addc(out, '>');
	if (h->quote)
		buf_addc(out, ' ');
}

static void blank_line(struct html *h)
{
	if (h->last_blank || !h->any)
		return;
	struct buf b = BUF_INIT;
	quote_marks(h, &b);
	while (b.len && b.data[b.len - 1] == ' ')
		b.len--;
	add_block(h, buf_cstr(&b), b.len, b.len, 0, MSG_LINE_BODY);
	buf_release(&b);
	h->last_blank = true;
}

static void start_line(struct html *h)
{
	if (h->started)
		return;
	if (h->need_blank)
		blank_line(h);
	h->need_blank = false;
	buf_reset(&h->line);
	quote_marks(h, &h->line);
	h->prefix_len = h->line.len;
	h->indent = 0;
	if (h->n_lists) {
		unsigned depth = (h->n_lists < MAX_LISTS ? h->n_lists : MAX_LISTS) - 1;
		for (unsigned k = 0; k < depth * 2; k++)
			buf_addc(&h->line, ' ');
		h->indent = depth * 2;
		if (h->marker) {
			buf_adds(&h->line, h->marker);
			h->indent += (unsigned)strlen(h->marker);
			FREE(&h->marker);
		} else {
			h->indent += 2;
			buf_adds(&h->line, "  ");
		}
	}
	h->started = true;
	h->space = false;
}

static void flush(struct html *h)
{
	if (!h->started)
		return;
	while (h->line.len > h->prefix_len && h->line.data[h->line.len - 1] == ' ')
		h->line.len--;
	add_block(h, buf_cstr(&h->line), h->line.len, h->prefix_len, h->indent, MSG_LINE_BODY);
	h->started = false;
	h->any = true;
	h->last_blank = false;
	h->link_start = 0;
}

static void text(struct html *h, const char *s, size_t len)
{
	if (h->hidden[0])
		return;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (h->pre) {
			if (c == '\n') {
				start_line(h);
				flush(h);
			} else if (c != '\r') {
				start_line(h);
				buf_addc(&h->line, c);
			}
			continue;
		}
		if (msg_is_space(c)) {
			h->space = h->started;
			continue;
		}
		start_line(h);
		if (h->space && h->line.len > h->prefix_len + h->indent)
			buf_addc(&h->line, ' ');
		h->space = false;
		buf_addc(&h->line, c);
	}
}

/* ---- tags ---- */

struct tag {
	char name[MAX_TAG];
	bool closing, self_closing;
	const char *attrs;
	size_t attrs_len;
};

/* The value of attribute name (lower case), entity-decoded, or NULL. A new string. */
static char *attr(const struct tag *t, const char *name)
{
	const char *s = t->attrs;
	size_t len = t->attrs_len, i = 0, n = strlen(name);
	while (i < len) {
		while (i < len && (msg_is_space(s[i]) || s[i] == '/'))
			i++;
		size_t a = i;
		while (i < len && !msg_is_space(s[i]) && s[i] != '=' && s[i] != '/')
			i++;
		size_t alen = i - a;
		while (i < len && msg_is_space(s[i]))
			i++;
		const char *v = NULL;
		size_t vlen = 0;
		if (i < len && s[i] == '=') {
			i++;
			while (i < len && msg_is_space(s[i]))
				i++;
			char q = i < len && (s[i] == '"' || s[i] == '\'') ? s[i++] : 0;
			v = s + i;
			while (i < len && (q ? s[i] != q : !msg_is_space(s[i])))
				i++;
			vlen = (size_t)(s + i - v);
			if (q && i < len)
				i++;
		}
		if (alen == n && str_ncasecmp(s + a, name, n) == 0) {
			struct buf out = BUF_INIT;
			for (size_t k = 0; k < vlen; k++) {
				size_t e = v[k] == '&' ? msg_html_entity(v + k, vlen - k, &out) : 0;
				if (e)
					k += e - 1;
				else
					buf_addc(&out, v[k]);
			}
			return buf_detach(&out, NULL);
		}
		if (alen == 0 && i < len && !v)
			i++;
	}
	return NULL;
}

static bool is(const struct tag *t, const char *name)
{
	return strcmp(t->name, name) == 0;
}

static bool is_any(const struct tag *t, const char *const *names)
{
	for (; *names; names++)
		if (is(t, *names))
			return true;
	return false;
}

static bool hides(const struct tag *t)
{
	char *style = attr(t, "style");
	bool hidden = false;
	if (style) {
		struct buf b = BUF_INIT;
		for (const char *p = style; *p; p++)
			if (!msg_is_space(*p))
				buf_addc(&b, msg_lower(*p));
		hidden = strstr(buf_cstr(&b), "display:none") != NULL;
		buf_release(&b);
		free(style);
	}
	char *h = attr(t, "hidden");
	hidden |= h != NULL;
	free(h);
	return hidden;
}

static bool usable_url(const char *u)
{
	return str_casestartswith(u, "http://") || str_casestartswith(u, "https://") ||
	       str_casestartswith(u, "ftp://") || str_casestartswith(u, "mailto:");
}

static void link_close(struct html *h)
{
	if (!h->href)
		return;
	char *href = h->href;
	h->href = NULL;
	/* Text that already is the URL needs no number. */
	const char *shown = h->started && h->link_start <= h->line.len
			    ? buf_cstr(&h->line) + h->link_start : "";
	const char *bare = str_casestartswith(href, "mailto:") ? href + 7 : href;
	if (!usable_url(href) || strcmp(shown, href) == 0 || strcmp(shown, bare) == 0) {
		free(href);
		return;
	}
	/* The same URL keeps its number (a newsletter repeats its links);
	 * past a few hundred, looking back costs more than it helps. */
	size_t n = h->links.n < MAX_LINKS_DEDUP ? 0 : h->links.n;
	while (n < h->links.n && strcmp(h->links.v[n], href) != 0)
		n++;
	if (n == h->links.n)
		ARRAY_PUSH(&h->links, href);
	else
		free(href);
	start_line(h);
	buf_addf(&h->line, "[%zu]", n + 1);
}

static void list_item(struct html *h)
{
	flush(h);
	FREE(&h->marker);
	if (!h->n_lists) {
		h->marker = xstrdup("* ");
		return;
	}
	struct list_level *l = &h->lists[(h->n_lists < MAX_LISTS ? h->n_lists : MAX_LISTS) - 1];
	h->marker = l->ordered ? xasprintf("%u. ", ++l->n) : xstrdup("* ");
}

/* Elements that start a line (and some a paragraph). Returns false for
 * other elements. */
static bool open_block(struct html *h, const struct tag *t)
{
	static const char *const paragraphs[] = { "p", "h1", "h2", "h3", "h4", "h5", "h6", "table",
						   "dl", "address", "figure", NULL };
	static const char *const blocks[] = { "div", "tr", "dt", "dd", "section", "article",
					      "header", "footer", "center", "form", "fieldset",
					      "main", "nav", "aside", "figcaption", "caption",
					      "tbody", "thead", "tfoot", "details", "summary", NULL };
	if (is_any(t, paragraphs)) {
		flush(h);
		h->need_blank = true;
	} else if (is_any(t, blocks)) {
		flush(h);
	} else if (is(t, "blockquote")) {
		flush(h);
		blank_line(h);  /* at the outer level */
		h->need_blank = false;
		h->quote++;
	} else if (is(t, "pre")) {
		flush(h);
		h->need_blank = true;
		h->pre++;
	} else if (is(t, "ul") || is(t, "ol")) {
		flush(h);
		if (!h->n_lists)
			h->need_blank = true;
		if (h->n_lists < MAX_LISTS) {
			h->lists[h->n_lists].ordered = is(t, "ol");
			h->lists[h->n_lists].n = 0;
		}
		h->n_lists++;
	} else if (is(t, "li")) {
		list_item(h);
	} else if (is(t, "hr")) {
		flush(h);
		start_line(h);
		buf_adds(&h->line, "--------------------");
		flush(h);
	} else {
		return false;
	}
	return true;
}

static void open_tag(struct html *h, const struct tag *t)
{
	if (open_block(h, t))
		return;
	if (is(t, "br")) {
		if (h->started)
			flush(h);
		else
			blank_line(h);
	} else if (is(t, "td") || is(t, "th")) {
		if (h->started && h->line.len > h->prefix_len + h->indent)
			buf_adds(&h->line, " | ");
		h->space = false;
	} else if (is(t, "a")) {
		link_close(h);
		h->href = attr(t, "href");
		start_line(h);
		h->link_start = h->line.len + (h->space ? 1 : 0);
	} else if (is(t, "img")) {
		char *alt = attr(t, "alt");
		if (alt && *alt) {
			text(h, " [", 2);
			h->space = false;
			text(h, alt, strlen(alt));
			text(h, "]", 1);
		}
		free(alt);
	}
}

static void close_tag(struct html *h, const struct tag *t)
{
	static const char *const paragraphs[] = { "p", "h1", "h2", "h3", "h4", "h5", "h6", "table",
						   "dl", "address", "figure", NULL };
	if (is_any(t, paragraphs)) {
		flush(h);
		h->need_blank = true;
	} else if (is(t, "blockquote")) {
		flush(h);
		if (h->quote)
			h->quote--;
		h->need_blank = true;
	} else if (is(t, "pre")) {
		flush(h);
		if (h->pre)
			h->pre--;
		h->need_blank = true;
	} else if (is(t, "ul") || is(t, "ol")) {
		flush(h);
		if (h->n_lists)
			h->n_lists--;
		if (!h->n_lists)
			h->need_blank = true;
	} else if (is(t, "li") || is(t, "div") || is(t, "tr") || is(t, "dd") || is(t, "dt")) {
		flush(h);
	} else if (is(t, "a")) {
		link_close(h);
	}
}

static bool void_element(const struct tag *t)
{
	static const char *const voids[] = { "br", "img", "hr", "meta", "link", "input", "col",
					     "area", "base", "wbr", "source", "embed", NULL };
	return t->self_closing || is_any(t, voids);
}

static void handle_tag(struct html *h, const struct tag *t)
{
	if (h->hidden[0]) {
		if (is(t, h->hidden) && !void_element(t)) {
			if (!t->closing)
				h->hidden_depth++;
			else if (--h->hidden_depth == 0)
				h->hidden[0] = '\0';
		}
		return;
	}
	if (!t->closing && !void_element(t) && hides(t)) {
		snprintf(h->hidden, sizeof h->hidden, "%s", t->name);
		h->hidden_depth = 1;
		return;
	}
	if (t->closing)
		close_tag(h, t);
	else
		open_tag(h, t);
}

/* ---- the scanner ---- */

static size_t find_ci(const char *s, size_t len, size_t i, const char *needle)
{
	size_t n = strlen(needle);
	for (; i + n <= len; i++)
		if (str_ncasecmp(s + i, needle, n) == 0)
			return i;
	return len;
}

/* Parses the tag at s + i ('<' there). Returns the index after it, or 0 if
 * it is no tag (a lone '<' in text). */
static size_t parse_tag(const char *s, size_t len, size_t i, struct tag *t)
{
	size_t j = i + 1;
	t->closing = j < len && s[j] == '/';
	if (t->closing)
		j++;
	size_t n = 0;
	if (j >= len || !((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z')))
		return 0;
	while (j < len && ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') ||
			   (s[j] >= '0' && s[j] <= '9') || s[j] == '-' || s[j] == ':')) {
		if (n < MAX_TAG - 1)
			t->name[n++] = msg_lower(s[j]);
		j++;
	}
	t->name[n] = '\0';
	t->attrs = s + j;
	char q = 0;
	for (; j < len; j++) {
		if (q) {
			if (s[j] == q)
				q = 0;
		} else if (s[j] == '"' || s[j] == '\'') {
			if (j > 0 && s[j - 1] == '=')
				q = s[j];
		} else if (s[j] == '>') {
			break;
		}
	}
	t->attrs_len = (size_t)(s + j - t->attrs);
	t->self_closing = t->attrs_len && t->attrs[t->attrs_len - 1] == '/';
	return j < len ? j + 1 : len;
}

/* Skips what has no text: comments, doctype, processing instructions, and
 * the content of raw-text elements. Returns the new index or 0. */
static size_t skip_special(const char *s, size_t len, size_t i)
{
	if (len - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
		size_t e = find_ci(s, len, i + 4, "-->");
		return e < len ? e + 3 : len;
	}
	if (i + 1 < len && (s[i + 1] == '!' || s[i + 1] == '?')) {
		const char *gt = memchr(s + i, '>', len - i);
		return gt ? (size_t)(gt - s) + 1 : len;
	}
	return 0;
}

static size_t raw_text_end(const char *s, size_t len, size_t i, const char *name)
{
	char close[MAX_TAG + 3];
	snprintf(close, sizeof close, "</%s", name);
	size_t e = find_ci(s, len, i, close);
	if (e >= len)
		return len;
	const char *gt = memchr(s + e, '>', len - e);
	return gt ? (size_t)(gt - s) + 1 : len;
}

static void run(struct html *h, const char *s, size_t len)
{
	static const char *const raw_text[] = { "script", "style", "title", "head", "template",
						"svg", "math", "xml", NULL };
	size_t i = 0;
	struct buf ent = BUF_INIT;
	while (i < len) {
		size_t stop = i;
		while (stop < len && s[stop] != '<' && s[stop] != '&')
			stop++;
		text(h, s + i, stop - i);
		i = stop;
		if (i >= len)
			break;
		if (s[i] == '&') {
			buf_reset(&ent);
			size_t n = msg_html_entity(s + i, len - i, &ent);
			if (n) {
				text(h, buf_cstr(&ent), ent.len);
				i += n;
			} else {
				text(h, "&", 1);
				i++;
			}
			continue;
		}
		size_t next = skip_special(s, len, i);
		if (next) {
			i = next;
			continue;
		}
		struct tag t;
		next = parse_tag(s, len, i, &t);
		if (!next) {
			text(h, "<", 1);
			i++;
			continue;
		}
		i = next;
		if (!t.closing && !t.self_closing && is_any(&t, raw_text))
			i = raw_text_end(s, len, i, t.name);
		else
			handle_tag(h, &t);
	}
	buf_release(&ent);
}

void msg_html_to_doc(struct msg_doc *d, const struct msg_block *tmpl, const char *s, size_t len)
{
	struct html h;
	memset(&h, 0, sizeof h);
	h.doc = d;
	h.tmpl = tmpl;
	run(&h, s, len);
	link_close(&h);
	flush(&h);
	h.quote = 0;
	if (h.links.n) {
		h.last_blank = false;
		blank_line(&h);
	}
	for (size_t i = 0; i < h.links.n; i++) {
		char *l = xasprintf("[%zu] %s", i + 1, h.links.v[i]);
		add_block(&h, l, strlen(l), 0, 0, MSG_LINE_LINK);
		free(l);
		free(h.links.v[i]);
	}
	ARRAY_RELEASE(&h.links);
	buf_release(&h.line);
	free(h.marker);
	free(h.href);
}

char *msg_html_sniff_charset(const char *s, size_t len)
{
	if (len > 4096)
		len = 4096;
	size_t i = find_ci(s, len, 0, "<meta");
	while (i < len) {
		size_t c = find_ci(s, len, i, "charset");
		if (c >= len)
			break;
		size_t j = c + 7;
		while (j < len && (msg_is_space(s[j]) || s[j] == '=' || s[j] == '"' || s[j] == '\''))
			j++;
		size_t k = j;
		while (k < len && (isalnum((unsigned char)s[k]) || strchr("-_:.", s[k])))
			k++;
		if (k > j)
			return xstrndup(s + j, k - j);
		i = c + 7;
	}
	return NULL;
}
