/* Plain text into the document: lines with their quote levels, and
 * format=flowed (RFC 3676) paragraphs. */
#include "common.h"

#include "msg/msg-private.h"
#include "util/buf.h"

/* The next line of s from *i: CR LF, LF and a lone CR all end a line (a
 * lone CR would let text overwrite itself on a terminal). */
static bool next_line(const char *s, size_t len, size_t *i, const char **line, size_t *n)
{
	if (*i >= len)
		return false;
	size_t j = *i;
	while (j < len && s[j] != '\n' && s[j] != '\r')
		j++;
	*line = s + *i;
	*n = j - *i;
	if (j < len && s[j] == '\r' && j + 1 < len && s[j + 1] == '\n')
		j++;
	*i = j < len ? j + 1 : len;
	return true;
}

/* Length of s without the empty lines at its end. */
static size_t trim_trailing_lines(const char *s, size_t len)
{
	while (len && (s[len - 1] == '\n' || s[len - 1] == '\r' || s[len - 1] == ' ' ||
		       s[len - 1] == '\t')) {
		size_t k = len;
		while (k && (s[k - 1] == ' ' || s[k - 1] == '\t'))
			k--;
		if (k && (s[k - 1] == '\n' || s[k - 1] == '\r'))
			len = k - 1;
		else
			break;
	}
	return len;
}

void msg_flowed_parse(const char *s, size_t len, bool delsp, msg_para_fn *fn, void *aux)
{
	struct buf para = BUF_INIT;
	unsigned para_quote = 0;
	bool open = false;      /* the paragraph so far ended with a soft break */
	size_t i = 0;
	const char *line;
	size_t n;
	len = trim_trailing_lines(s, len);
	while (next_line(s, len, &i, &line, &n)) {
		unsigned q = 0;
		while (q < n && line[q] == '>')
			q++;
		const char *t = line + q;
		size_t tn = n - q;
		if (tn && t[0] == ' ')  /* space-stuffing */
			t++, tn--;
		bool sig = tn == 3 && memcmp(t, "-- ", 3) == 0;
		bool soft = !sig && tn && t[tn - 1] == ' ';
		if (open && q != para_quote) {
			/* A quote level change ends a paragraph, soft break or not. */
			fn(para_quote, buf_cstr(&para), para.len, aux);
			buf_reset(&para);
			open = false;
		}
		para_quote = q;
		if (soft && delsp)
			tn--;
		buf_add(&para, t, tn);
		open = soft;
		if (!open) {
			fn(q, buf_cstr(&para), para.len, aux);
			buf_reset(&para);
		}
	}
	if (open)
		fn(para_quote, buf_cstr(&para), para.len, aux);
	buf_release(&para);
}

struct flowed_ctx {
	struct msg_doc *doc;
	const struct msg_block *tmpl;
};

static void flowed_para(unsigned quote, const char *s, size_t len, void *aux)
{
	struct flowed_ctx *c = aux;
	struct msg_block b = *c->tmpl;
	b.quote = quote;
	struct buf t = BUF_INIT;
	if (quote) {
		for (unsigned k = 0; k < quote; k++)
			buf_addc(&t, '>');
		buf_addc(&t, ' ');
		b.prefix_len = t.len;
	}
	buf_add(&t, s, len);
	msg_doc_add(c->doc, &b, buf_cstr(&t), t.len);
	buf_release(&t);
}

/* The quote prefix of a plain line: '>' marks with blanks between. */
static size_t quote_prefix(const char *s, size_t n, unsigned *quote)
{
	size_t i = 0, end = 0;
	*quote = 0;
	while (i < n && (s[i] == '>' || s[i] == ' ')) {
		if (s[i] == '>') {
			(*quote)++;
			end = i + 1;
		}
		i++;
	}
	if (!*quote)
		return 0;
	if (end < n && s[end] == ' ')
		end++;
	return end;
}

void msg_text_to_doc(struct msg_doc *d, const struct msg_block *tmpl, const char *s, size_t len,
		     bool flowed, bool delsp)
{
	if (flowed) {
		struct flowed_ctx c = { d, tmpl };
		msg_flowed_parse(s, len, delsp, flowed_para, &c);
		return;
	}
	size_t i = 0;
	const char *line;
	size_t n;
	len = trim_trailing_lines(s, len);
	while (next_line(s, len, &i, &line, &n)) {
		struct msg_block b = *tmpl;
		b.prefix_len = quote_prefix(line, n, &b.quote);
		msg_doc_add(d, &b, line, n);
	}
}
