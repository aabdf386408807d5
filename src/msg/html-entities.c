/* HTML character references: the named ones mail uses, and numeric ones. */
#include "common.h"

#include "msg/msg-private.h"
#include "util/buf.h"
#include "util/sanitize.h"

static const struct entity {
	const char *name;
	unsigned cp;            /* 0: the entity stands for nothing */
} entities[] = {
	{ "AElig", 0xC6 }, { "Aacute", 0xC1 }, { "Acirc", 0xC2 }, { "Agrave", 0xC0 },
	{ "Alpha", 0x391 }, { "Aring", 0xC5 }, { "Atilde", 0xC3 }, { "Auml", 0xC4 },
	{ "Beta", 0x392 }, { "Ccedil", 0xC7 }, { "Dagger", 0x2021 }, { "Delta", 0x394 },
	{ "ETH", 0xD0 }, { "Eacute", 0xC9 }, { "Ecirc", 0xCA }, { "Egrave", 0xC8 },
	{ "Euml", 0xCB }, { "Gamma", 0x393 }, { "Iacute", 0xCD }, { "Icirc", 0xCE },
	{ "Igrave", 0xCC }, { "Iuml", 0xCF }, { "Lambda", 0x39B }, { "Ntilde", 0xD1 },
	{ "OElig", 0x152 }, { "Oacute", 0xD3 }, { "Ocirc", 0xD4 }, { "Ograve", 0xD2 },
	{ "Omega", 0x3A9 }, { "Oslash", 0xD8 }, { "Otilde", 0xD5 }, { "Ouml", 0xD6 },
	{ "Phi", 0x3A6 }, { "Pi", 0x3A0 }, { "Prime", 0x2033 }, { "Psi", 0x3A8 },
	{ "Scaron", 0x160 }, { "Sigma", 0x3A3 }, { "THORN", 0xDE }, { "Theta", 0x398 },
	{ "Uacute", 0xDA }, { "Ucirc", 0xDB }, { "Ugrave", 0xD9 }, { "Uuml", 0xDC },
	{ "Yacute", 0xDD }, { "Yuml", 0x178 }, { "aacute", 0xE1 }, { "acirc", 0xE2 },
	{ "acute", 0xB4 }, { "aelig", 0xE6 }, { "agrave", 0xE0 }, { "alpha", 0x3B1 },
	{ "amp", '&' }, { "apos", '\'' }, { "aring", 0xE5 }, { "asymp", 0x2248 },
	{ "atilde", 0xE3 }, { "auml", 0xE4 }, { "bdquo", 0x201E }, { "beta", 0x3B2 },
	{ "brvbar", 0xA6 }, { "bull", 0x2022 }, { "ccedil", 0xE7 }, { "cedil", 0xB8 },
	{ "cent", 0xA2 }, { "check", 0x2713 }, { "chi", 0x3C7 }, { "circ", 0x2C6 },
	{ "copy", 0xA9 }, { "curren", 0xA4 }, { "dagger", 0x2020 }, { "darr", 0x2193 },
	{ "deg", 0xB0 }, { "delta", 0x3B4 }, { "divide", 0xF7 }, { "eacute", 0xE9 },
	{ "ecirc", 0xEA }, { "egrave", 0xE8 }, { "emsp", 0x2003 }, { "ensp", 0x2002 },
	{ "epsilon", 0x3B5 }, { "eta", 0x3B7 }, { "eth", 0xF0 }, { "euml", 0xEB },
	{ "euro", 0x20AC }, { "frac12", 0xBD }, { "frac14", 0xBC }, { "frac34", 0xBE },
	{ "gamma", 0x3B3 }, { "ge", 0x2265 }, { "gt", '>' }, { "harr", 0x2194 },
	{ "hearts", 0x2665 }, { "hellip", 0x2026 }, { "iacute", 0xED }, { "icirc", 0xEE },
	{ "iexcl", 0xA1 }, { "igrave", 0xEC }, { "infin", 0x221E }, { "iota", 0x3B9 },
	{ "iquest", 0xBF }, { "iuml", 0xEF }, { "kappa", 0x3BA }, { "lambda", 0x3BB },
	{ "laquo", 0xAB }, { "larr", 0x2190 }, { "ldquo", 0x201C }, { "le", 0x2264 },
	{ "lrm", 0 }, { "lsaquo", 0x2039 }, { "lsquo", 0x2018 }, { "lt", '<' },
	{ "macr", 0xAF }, { "mdash", 0x2014 }, { "micro", 0xB5 }, { "middot", 0xB7 },
	{ "minus", 0x2212 }, { "mu", 0x3BC }, { "nbsp", ' ' }, { "ndash", 0x2013 },
	{ "ne", 0x2260 }, { "not", 0xAC }, { "ntilde", 0xF1 }, { "nu", 0x3BD },
	{ "oacute", 0xF3 }, { "ocirc", 0xF4 }, { "oelig", 0x153 }, { "ograve", 0xF2 },
	{ "omega", 0x3C9 }, { "omicron", 0x3BF }, { "ordf", 0xAA }, { "ordm", 0xBA },
	{ "oslash", 0xF8 }, { "otilde", 0xF5 }, { "ouml", 0xF6 }, { "para", 0xB6 },
	{ "permil", 0x2030 }, { "phi", 0x3C6 }, { "pi", 0x3C0 }, { "plusmn", 0xB1 },
	{ "pound", 0xA3 }, { "prime", 0x2032 }, { "psi", 0x3C8 }, { "quot", '"' },
	{ "raquo", 0xBB }, { "rarr", 0x2192 }, { "rdquo", 0x201D }, { "reg", 0xAE },
	{ "rho", 0x3C1 }, { "rlm", 0 }, { "rsaquo", 0x203A }, { "rsquo", 0x2019 },
	{ "sbquo", 0x201A }, { "scaron", 0x161 }, { "sect", 0xA7 }, { "shy", 0 },
	{ "sigma", 0x3C3 }, { "sup1", 0xB9 }, { "sup2", 0xB2 }, { "sup3", 0xB3 },
	{ "szlig", 0xDF }, { "tau", 0x3C4 }, { "theta", 0x3B8 }, { "thinsp", 0x2009 },
	{ "thorn", 0xFE }, { "tilde", 0x2DC }, { "times", 0xD7 }, { "trade", 0x2122 },
	{ "uacute", 0xFA }, { "uarr", 0x2191 }, { "ucirc", 0xFB }, { "ugrave", 0xF9 },
	{ "uml", 0xA8 }, { "upsilon", 0x3C5 }, { "uuml", 0xFC }, { "xi", 0x3BE },
	{ "yacute", 0xFD }, { "yen", 0xA5 }, { "yuml", 0xFF }, { "zeta", 0x3B6 },
	{ "zwj", 0 }, { "zwnj", 0 },
};

static int entity_cmp(const void *key, const void *e)
{
	return strcmp(key, ((const struct entity *)e)->name);
}

/* Windows-1252 for the C1 range, as browsers read &#150; and friends. */
static unsigned numeric_fixup(unsigned long v)
{
	if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0xFFFD;
	if (v >= 0x80 && v <= 0x9F) {
		unsigned cp = msg_cp1252_cp((unsigned char)v);
		return cp >= 0x80 && cp <= 0x9F ? 0xFFFD : cp;
	}
	return (unsigned)v;
}

static size_t numeric(const char *s, size_t len, unsigned *cp)
{
	size_t i = 2;
	bool hex = i < len && (s[i] == 'x' || s[i] == 'X');
	if (hex)
		i++;
	size_t start = i;
	unsigned long v = 0;
	for (; i < len; i++) {
		char c = msg_lower(s[i]);
		int d = c >= '0' && c <= '9' ? c - '0' : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (d < 0)
			break;
		if (v <= 0x10FFFF)
			v = v * (hex ? 16 : 10) + (unsigned long)d;
	}
	if (i == start)
		return 0;
	*cp = numeric_fixup(v);
	return i < len && s[i] == ';' ? i + 1 : i;
}

size_t msg_html_entity(const char *s, size_t len, struct buf *out)
{
	unsigned cp;
	size_t n;
	if (len >= 3 && s[1] == '#') {
		n = numeric(s, len, &cp);
	} else {
		char name[12];
		size_t k = 1;
		while (k < len && k - 1 < sizeof name - 1 &&
		       ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z') ||
			(s[k] >= '0' && s[k] <= '9')))
			k++;
		memcpy(name, s + 1, k - 1);
		name[k - 1] = '\0';
		const struct entity *e = bsearch(name, entities, ARRAY_SIZE(entities),
						 sizeof *entities, entity_cmp);
		if (!e)
			return 0;
		cp = e->cp;
		n = k < len && s[k] == ';' ? k + 1 : k;
	}
	if (!n)
		return 0;
	if (cp) {
		char u[4];
		buf_add(out, u, utf8_encode(cp, u));
	}
	return n;
}
