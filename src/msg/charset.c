/* Charset conversion to UTF-8: a few charsets by table, the rest through
 * iconv with converters cached per thread, and the fallbacks for charsets
 * that are unknown or that the text does not actually use. */
#include "common.h"

#include <iconv.h>
#include <pthread.h>

#include "msg/msg-private.h"
#include "util/buf.h"
#include "util/sanitize.h"

#define CACHE_SLOTS 8
#define MAX_NAME 40

enum builtin { BUILTIN_NONE, BUILTIN_UTF8, BUILTIN_ASCII, BUILTIN_CP1252 };

/* Labels that mail uses for charsets iconv knows under another name or that
 * are better read as a superset (what web browsers do, too). */
static const struct alias {
	const char *label;
	const char *name;
	enum builtin builtin;
} aliases[] = {
	{ "utf-8", "UTF-8", BUILTIN_UTF8 },
	{ "utf8", "UTF-8", BUILTIN_UTF8 },
	{ "unicode-1-1-utf-8", "UTF-8", BUILTIN_UTF8 },
	{ "us-ascii", "US-ASCII", BUILTIN_ASCII },
	{ "ascii", "US-ASCII", BUILTIN_ASCII },
	{ "ansi_x3.4-1968", "US-ASCII", BUILTIN_ASCII },
	{ "iso646-us", "US-ASCII", BUILTIN_ASCII },
	{ "iso-8859-1", "Windows-1252", BUILTIN_CP1252 },
	{ "iso8859-1", "Windows-1252", BUILTIN_CP1252 },
	{ "iso_8859-1", "Windows-1252", BUILTIN_CP1252 },
	{ "latin1", "Windows-1252", BUILTIN_CP1252 },
	{ "l1", "Windows-1252", BUILTIN_CP1252 },
	{ "cp819", "Windows-1252", BUILTIN_CP1252 },
	{ "windows-1252", "Windows-1252", BUILTIN_CP1252 },
	{ "cp1252", "Windows-1252", BUILTIN_CP1252 },
	{ "x-cp1252", "Windows-1252", BUILTIN_CP1252 },
	{ "gb2312", "GB18030", BUILTIN_NONE },
	{ "gbk", "GB18030", BUILTIN_NONE },
	{ "cp936", "GB18030", BUILTIN_NONE },
	{ "x-gbk", "GB18030", BUILTIN_NONE },
	{ "euc-cn", "GB18030", BUILTIN_NONE },
	{ "ks_c_5601-1987", "CP949", BUILTIN_NONE },
	{ "euc-kr", "CP949", BUILTIN_NONE },
	{ "shift_jis", "CP932", BUILTIN_NONE },
	{ "shift-jis", "CP932", BUILTIN_NONE },
	{ "sjis", "CP932", BUILTIN_NONE },
	{ "x-sjis", "CP932", BUILTIN_NONE },
	{ "windows-31j", "CP932", BUILTIN_NONE },
	{ "iso-2022-jp", "ISO-2022-JP-2", BUILTIN_NONE },
	{ "big5", "BIG5-HKSCS", BUILTIN_NONE },
	{ "x-x-big5", "BIG5-HKSCS", BUILTIN_NONE },
	{ "iso-8859-8-i", "ISO-8859-8", BUILTIN_NONE },
	{ "iso-8859-6-i", "ISO-8859-6", BUILTIN_NONE },
	{ "tis-620", "CP874", BUILTIN_NONE },
	{ "windows-874", "CP874", BUILTIN_NONE },
	{ "x-mac-roman", "MACINTOSH", BUILTIN_NONE },
	{ "unicode-1-1-utf-7", "UTF-7", BUILTIN_NONE },
};

/* Windows-1252 0x80..0x9F; the five holes map to the C1 code points, which
 * the sanitizer turns into U+FFFD. */
static const unsigned short cp1252_high[32] = {
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

unsigned msg_cp1252_cp(unsigned char c)
{
	return c >= 0x80 && c < 0xA0 ? cp1252_high[c - 0x80] : c;
}

void msg_cp1252_to_utf8(const char *s, size_t len, struct buf *out)
{
	buf_grow(out, len);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			buf_addc(out, (char)c);
			continue;
		}
		char u[4];
		buf_add(out, u, utf8_encode(msg_cp1252_cp(c), u));
	}
}

static bool is_ascii(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

/* Appends s as UTF-8 with each invalid sequence replaced by U+FFFD; returns
 * how many were replaced. *multibyte_r counts the valid non-ASCII characters. */
static size_t utf8_repair(const char *s, size_t len, struct buf *out, size_t *multibyte_r)
{
	size_t bad = 0, good = 0, i = 0;
	while (i < len) {
		unsigned cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		if (n) {
			buf_add(out, s + i, n);
			good += n > 1;
			i += n;
		} else {
			buf_adds(out, "\xEF\xBF\xBD");
			bad++;
			i += utf8_invalid_length(s + i, len - i);
		}
	}
	if (multibyte_r)
		*multibyte_r = good;
	return bad;
}

/* ---- iconv converters, cached per thread ---- */

struct conv_slot {
	char name[MAX_NAME + 1];
	iconv_t cd;             /* (iconv_t)-1: iconv does not know the name */
};

struct conv_cache {
	struct conv_slot slot[CACHE_SLOTS];
	size_t used, next;
};

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_free(void *p)
{
	struct conv_cache *c = p;
	for (size_t i = 0; i < c->used; i++)
		if (c->slot[i].cd != (iconv_t)-1)
			iconv_close(c->slot[i].cd);
	free(c);
}

static void cache_key_init(void)
{
	pthread_key_create(&cache_key, cache_free);
}

void msg_charset_cache_clear(void)
{
	pthread_once(&cache_once, cache_key_init);
	struct conv_cache *c = pthread_getspecific(cache_key);
	if (c) {
		pthread_setspecific(cache_key, NULL);
		cache_free(c);
	}
}

/* The converter from name to UTF-8, or (iconv_t)-1. Owned by the cache. */
static iconv_t converter(const char *name)
{
	pthread_once(&cache_once, cache_key_init);
	struct conv_cache *c = pthread_getspecific(cache_key);
	if (!c) {
		c = xcalloc(1, sizeof *c);
		pthread_setspecific(cache_key, c);
	}
	for (size_t i = 0; i < c->used; i++) {
		if (strcmp(c->slot[i].name, name) == 0) {
			if (c->slot[i].cd != (iconv_t)-1)
				iconv(c->slot[i].cd, NULL, NULL, NULL, NULL);
			return c->slot[i].cd;
		}
	}
	size_t k = c->used < CACHE_SLOTS ? c->used++ : c->next++ % CACHE_SLOTS;
	if (k < c->used && c->slot[k].name[0] && c->slot[k].cd != (iconv_t)-1)
		iconv_close(c->slot[k].cd);
	snprintf(c->slot[k].name, sizeof c->slot[k].name, "%s", name);
	c->slot[k].cd = iconv_open("UTF-8", name);
	return c->slot[k].cd;
}

/* Converts with cd, replacing what cannot be converted by U+FFFD. Returns
 * the number of replacements. */
static size_t iconv_all(iconv_t cd, const char *s, size_t len, struct buf *out)
{
	size_t bad = 0;
	char *in = (char *)s;
	size_t left = len;
	bool flushing = false;  /* input done: let a stateful decoder emit what it holds */
	for (;;) {
		buf_grow(out, left * 4 + 64);
		char *o = out->data + out->len;
		size_t room = out->cap - out->len - 1;
		size_t r = flushing ? iconv(cd, NULL, NULL, &o, &room)
				    : iconv(cd, &in, &left, &o, &room);
		out->len = (size_t)(o - out->data);
		out->data[out->len] = '\0';
		if (r != (size_t)-1) {
			if (flushing)
				break;
			flushing = true;
		} else if (errno == E2BIG) {
			continue;
		} else if (flushing) {
			break;
		} else if (errno == EILSEQ && left) {
			buf_adds(out, "\xEF\xBF\xBD");
			bad++;
			in++;
			left--;
		} else {
			/* EINVAL: the text ends inside a character. */
			buf_adds(out, "\xEF\xBF\xBD");
			bad++;
			flushing = true;
		}
	}
	return bad;
}

/* ---- the policy ---- */

/* Lower-case label without quotes and blanks into name (MAX_NAME + 1 bytes);
 * false for an empty label or one with characters no charset name has. */
static bool normalize(const char *charset, char *name)
{
	size_t n = 0;
	for (const char *p = charset; *p; p++) {
		char c = *p;
		if (c == '"' || c == '\'' || c == ' ' || c == '\t')
			continue;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.' || c == ':'))
			return false;
		if (n == MAX_NAME)
			return false;
		name[n++] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
	}
	name[n] = '\0';
	return n > 0;
}

/* Text that is not in the charset it claims: UTF-8 if it is valid UTF-8,
 * else Windows-1252, which every byte sequence is. */
static enum msg_conv fallback(const char *s, size_t len, struct buf *out, size_t start,
			      enum msg_conv status, const char **used_r)
{
	buf_truncate(out, start);
	if (utf8_valid(s, len)) {
		buf_add(out, s, len);
		*used_r = "UTF-8";
	} else {
		msg_cp1252_to_utf8(s, len, out);
		*used_r = "Windows-1252";
	}
	return status;
}

/* Few replacements against much text that converted fine mean a damaged
 * message in the right charset, not a wrong label. */
static bool few(size_t bad, size_t total)
{
	return bad * 20 <= total;
}

/* Declared UTF-8 that is not: damaged if mostly valid, else Windows-1252. */
static enum msg_conv from_utf8(const char *s, size_t len, struct buf *out, const char **used_r)
{
	size_t start = out->len, multibyte;
	size_t bad = utf8_repair(s, len, out, &multibyte);
	if (!bad)
		return MSG_CONV_OK;
	if (multibyte && few(bad, multibyte + bad))
		return MSG_CONV_DAMAGED;
	buf_truncate(out, start);
	msg_cp1252_to_utf8(s, len, out);
	*used_r = "Windows-1252";
	return MSG_CONV_WRONG;
}

static enum msg_conv from_iconv(const char *name, const char *s, size_t len, struct buf *out,
				const char **used_r)
{
	size_t start = out->len;
	iconv_t cd = converter(name);
	if (cd == (iconv_t)-1)
		return fallback(s, len, out, start, MSG_CONV_UNKNOWN, used_r);
	size_t bad = iconv_all(cd, s, len, out);
	if (!bad)
		return MSG_CONV_OK;
	if (!is_ascii(s, len) && utf8_valid(s, len))
		return fallback(s, len, out, start, MSG_CONV_WRONG, used_r);
	if (few(bad, len))
		return MSG_CONV_DAMAGED;
	return fallback(s, len, out, start, MSG_CONV_WRONG, used_r);
}

enum msg_conv msg_charset_to_utf8(const char *charset, const char *s, size_t len,
				  struct buf *out, const char **used_r)
{
	const char *dummy;
	if (!used_r)
		used_r = &dummy;
	size_t start = out->len;
	char name[MAX_NAME + 1];
	if (!charset || !*charset) {
		/* MIME says US-ASCII; real mail without a label is UTF-8 or Latin-1. */
		fallback(s, len, out, start, MSG_CONV_OK, used_r);
		return strcmp(*used_r, "UTF-8") == 0 ? MSG_CONV_OK : MSG_CONV_WRONG;
	}
	if (!normalize(charset, name))
		return fallback(s, len, out, start, MSG_CONV_UNKNOWN, used_r);
	const struct alias *a = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(aliases) && !a; i++)
		if (strcmp(aliases[i].label, name) == 0)
			a = &aliases[i];
	*used_r = a ? a->name : charset;
	switch (a ? a->builtin : BUILTIN_NONE) {
	case BUILTIN_CP1252:
		msg_cp1252_to_utf8(s, len, out);
		return MSG_CONV_OK;
	case BUILTIN_ASCII:
		if (!is_ascii(s, len))
			return fallback(s, len, out, start, MSG_CONV_WRONG, used_r);
		buf_add(out, s, len);
		return MSG_CONV_OK;
	case BUILTIN_UTF8:
		return from_utf8(s, len, out, used_r);
	case BUILTIN_NONE:
		break;
	}
	return from_iconv(a ? a->name : name, s, len, out, used_r);
}

void msg_text_to_utf8(const char *s, size_t len, struct buf *out)
{
	/* Raw 8-bit text in a header: UTF-8 when it is, else the commonest legacy. */
	if (is_ascii(s, len) || utf8_valid(s, len))
		buf_add(out, s, len);
	else
		msg_cp1252_to_utf8(s, len, out);
}
