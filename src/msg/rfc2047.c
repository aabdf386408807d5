/* RFC 2047 encoded words in header values. */
#include "common.h"

#include <ctype.h>

#include "msg/msg-private.h"
#include "util/base64.h"
#include "util/buf.h"

#define MAX_CHARSET 63

struct word {
	char charset[MAX_CHARSET + 1];
	char enc;               /* 'B' or 'Q' */
	const char *text;
	size_t text_len;
	size_t end;             /* index just after "?=" */
};

/* Parses an encoded word at s + i ("=?" already seen there). */
static bool parse_word(const char *s, size_t len, size_t i, struct word *w)
{
	size_t j = i + 2, n = 0;
	while (j < len && s[j] != '?' && !msg_is_space(s[j]) && n < MAX_CHARSET)
		w->charset[n++] = s[j++];
	if (n == 0 || j + 2 >= len || s[j] != '?')
		return false;
	w->charset[n] = '\0';
	char *star = strchr(w->charset, '*');  /* RFC 2231 language suffix */
	if (star)
		*star = '\0';
	char e = s[j + 1];
	if (e != 'B' && e != 'b' && e != 'Q' && e != 'q')
		return false;
	if (s[j + 2] != '?')
		return false;
	w->enc = e == 'b' || e == 'B' ? 'B' : 'Q';
	j += 3;
	size_t start = j;
	while (j + 1 < len && !(s[j] == '?' && s[j + 1] == '=')) {
		if (msg_is_space(s[j]) || s[j] == '?')
			return false;
		j++;
	}
	if (j + 1 >= len)
		return false;
	/* Base64 with other characters is no encoded word: leave it readable. */
	for (size_t k = start; w->enc == 'B' && k < j; k++)
		if (!isalnum((unsigned char)s[k]) && s[k] != '+' && s[k] != '/' && s[k] != '=')
			return false;
	w->text = s + start;
	w->text_len = j - start;
	w->end = j + 2;
	return true;
}

static void decode_q(const char *s, size_t len, struct buf *out)
{
	for (size_t i = 0; i < len; i++) {
		int hi, lo;
		if (s[i] == '_') {
			buf_addc(out, ' ');
		} else if (s[i] == '=' && i + 2 < len &&
			   (hi = msg_hexval(s[i + 1])) >= 0 && (lo = msg_hexval(s[i + 2])) >= 0) {
			buf_addc(out, (char)(hi * 16 + lo));
			i += 2;
		} else {
			buf_addc(out, s[i]);
		}
	}
}

/* Bytes of adjacent words in one charset, converted together so that a
 * character split between two words survives. */
struct pending {
	char charset[MAX_CHARSET + 1];
	struct buf bytes;
};

static void flush(struct pending *p, struct buf *out)
{
	if (!p->bytes.len)
		return;
	msg_charset_to_utf8(p->charset, p->bytes.data, p->bytes.len, out, NULL);
	buf_reset(&p->bytes);
}

static bool all_space(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!msg_is_space(s[i]))
			return false;
	return true;
}

/* Tabs and line breaks become spaces, NUL becomes U+FFFD, blanks at the ends go. */
static char *finish(const struct buf *b)
{
	struct buf out = BUF_INIT;
	const char *s = buf_cstr(b);
	size_t len = b->len;
	while (len && msg_is_space(s[len - 1]))
		len--;
	size_t i = 0;
	while (i < len && msg_is_space(s[i]))
		i++;
	buf_grow(&out, len - i);
	for (; i < len; i++) {
		if (s[i] == '\0')
			buf_adds(&out, "\xEF\xBF\xBD");
		else
			buf_addc(&out, msg_is_space(s[i]) ? ' ' : s[i]);
	}
	return buf_detach(&out, NULL);
}

static void decode_words(const char *s, size_t len, struct buf *out)
{
	struct pending p = { "", BUF_INIT };
	size_t lit = 0;         /* start of literal text not yet copied */
	size_t i = 0;
	bool after_word = false;
	while (i + 1 < len) {
		const char *q = memchr(s + i, '=', len - i - 1);
		if (!q)
			break;
		i = (size_t)(q - s);
		struct word w;
		if (s[i + 1] != '?' || !parse_word(s, len, i, &w)) {
			i++;
			continue;
		}
		/* Blanks between two encoded words are not part of the text. */
		if (!(after_word && all_space(s + lit, i - lit))) {
			flush(&p, out);
			msg_text_to_utf8(s + lit, i - lit, out);
		}
		if (strcmp(p.charset, w.charset) != 0) {
			flush(&p, out);
			memcpy(p.charset, w.charset, sizeof p.charset);
		}
		if (w.enc == 'B')
			base64_decode(&p.bytes, w.text, w.text_len);
		else
			decode_q(w.text, w.text_len, &p.bytes);
		i = lit = w.end;
		after_word = true;
	}
	flush(&p, out);
	msg_text_to_utf8(s + lit, len - lit, out);
	buf_release(&p.bytes);
}

char *msg_text_clean(const char *s, size_t len)
{
	struct buf b = BUF_INIT;
	msg_text_to_utf8(s, len, &b);
	char *r = finish(&b);
	buf_release(&b);
	return r;
}

char *msg_header_decode(const char *value, size_t len)
{
	struct buf unfolded = BUF_INIT, out = BUF_INIT;
	msg_unfold(value, len, &unfolded);
	decode_words(buf_cstr(&unfolded), unfolded.len, &out);
	char *r = finish(&out);
	buf_release(&unfolded);
	buf_release(&out);
	return r;
}
