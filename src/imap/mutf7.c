/* Folder names: modified UTF-7 (RFC 3501 5.1.3) on the wire, UTF-8 for the
 * user, through glibc's UTF-7-IMAP converter. */
#include "common.h"

#include <iconv.h>

#include "imap/imap.h"
#include "util/buf.h"
#include "util/sanitize.h"

static bool plain_ascii(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p >= 0x7f || *p < 0x20 || *p == '&')
			return false;
	return true;
}

/* The whole of s converted, or NULL when iconv refuses it. */
static char *convert(const char *to, const char *from, const char *s)
{
	iconv_t cd = iconv_open(to, from);
	if (cd == (iconv_t)-1)
		return NULL;
	size_t in_len = strlen(s);
	struct buf out = BUF_INIT;
	buf_grow(&out, in_len * 4 + 16);
	char *in = (char *)s;
	bool ok = true, flushed = false;
	while (ok && !flushed) {
		char *o = out.data + out.len;
		size_t room = out.cap - out.len - 1;
		/* All input taken: one more call writes the shift state out (the
		 * closing "-" of a modified UTF-7 run). */
		bool flush = in_len == 0;
		size_t r = flush ? iconv(cd, NULL, NULL, &o, &room)
				 : iconv(cd, &in, &in_len, &o, &room);
		out.len = (size_t)(o - out.data);
		if (r == (size_t)-1 && errno == E2BIG)
			buf_grow(&out, out.cap);
		else if (r == (size_t)-1)
			ok = false;
		else
			flushed = flush;
	}
	iconv_close(cd);
	if (!ok || memchr(out.data, '\0', out.len)) {
		buf_release(&out);
		return NULL;
	}
	out.data[out.len] = '\0';
	return buf_detach(&out, NULL);
}

char *imap_mutf7_encode(const char *utf8)
{
	if (plain_ascii(utf8))
		return xstrdup(utf8);
	if (!utf8_valid(utf8, strlen(utf8)))
		return NULL;
	return convert("UTF-7-IMAP", "UTF-8", utf8);
}

char *imap_mutf7_decode(const char *name)
{
	if (plain_ascii(name))
		return xstrdup(name);
	char *utf8 = convert("UTF-8", "UTF-7-IMAP", name);
	/* glibc is lenient ("&Jjo" unterminated, "a&b"): accept only what
	 * encodes back to the very same name. */
	char *again = utf8 ? imap_mutf7_encode(utf8) : NULL;
	bool exact = again && strcmp(again, name) == 0;
	free(again);
	if (exact)
		return utf8;
	free(utf8);
	/* Some servers send raw UTF-8; anything else is shown made valid. */
	if (utf8_valid(name, strlen(name)))
		return xstrdup(name);
	struct buf b = BUF_INIT;
	for (size_t i = 0, n = strlen(name); i < n;) {
		unsigned cp;
		size_t k = utf8_decode(name + i, n - i, &cp);
		if (k) {
			buf_add(&b, name + i, k);
			i += k;
		} else {
			buf_adds(&b, "\xef\xbf\xbd");
			i += utf8_invalid_length(name + i, n - i);
		}
	}
	return buf_detach(&b, NULL);
}
