#include "common.h"

#include <locale.h>
#include <pthread.h>
#include <wchar.h>

#include "util/sanitize.h"
#include "util/width.h"

static locale_t utf8_locale;
static pthread_once_t utf8_locale_once = PTHREAD_ONCE_INIT;

static void utf8_locale_init(void)
{
	/* Debian's libc-bin always ships C.UTF-8; the table below is only for a
	 * system without it. */
	utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

static int table_width(unsigned cp)
{
	static const struct { unsigned lo, hi; } zero[] = {
		{ 0x0300, 0x036F }, { 0x0483, 0x0489 }, { 0x0591, 0x05BD }, { 0x0610, 0x061A },
		{ 0x064B, 0x065F }, { 0x200B, 0x200F }, { 0x20D0, 0x20FF }, { 0xFE00, 0xFE0F },
		{ 0xFE20, 0xFE2F },
	}, wide[] = {
		{ 0x1100, 0x115F }, { 0x2E80, 0x303E }, { 0x3041, 0x33FF }, { 0x3400, 0x4DBF },
		{ 0x4E00, 0x9FFF }, { 0xA000, 0xA4CF }, { 0xAC00, 0xD7A3 }, { 0xF900, 0xFAFF },
		{ 0xFE30, 0xFE4F }, { 0xFF00, 0xFF60 }, { 0xFFE0, 0xFFE6 }, { 0x1F300, 0x1F64F },
		{ 0x1F900, 0x1F9FF }, { 0x20000, 0x3FFFD },
	};
	for (size_t i = 0; i < ARRAY_SIZE(zero); i++)
		if (cp >= zero[i].lo && cp <= zero[i].hi)
			return 0;
	for (size_t i = 0; i < ARRAY_SIZE(wide); i++)
		if (cp >= wide[i].lo && cp <= wide[i].hi)
			return 2;
	return 1;
}

int uc_width(unsigned cp)
{
	if (cp < 0x7F)
		return cp >= 0x20;
	if (cp < 0xA0)
		return 0;
	if (cp < 0x300)
		return 1;
	pthread_once(&utf8_locale_once, utf8_locale_init);
	if (utf8_locale == (locale_t)0)
		return table_width(cp);
	locale_t old = uselocale(utf8_locale);
	int w = wcwidth((wchar_t)cp);
	uselocale(old);
	return w < 0 ? 1 : w > 2 ? 2 : w;
}

size_t utf8_width(const char *s, size_t len)
{
	size_t cols = 0;
	utf8_fit(s, len, SIZE_MAX, &cols);
	return cols;
}

size_t utf8_fit(const char *s, size_t len, size_t cols, size_t *width_r)
{
	size_t i = 0, used = 0;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		unsigned cp;
		size_t n;
		int w;
		if (c >= 0x20 && c < 0x7F) {
			n = 1;
			w = 1;
		} else {
			n = utf8_decode(s + i, len - i, &cp);
			if (n) {
				w = uc_width(cp);
			} else {
				n = 1;
				w = 1;
			}
		}
		/* A zero-width character stays with the one before it, even past
		 * the limit: cutting there would strand an accent. */
		if (w > 0 && used + (size_t)w > cols)
			break;
		used += (size_t)w;
		i += n;
	}
	if (width_r)
		*width_r = used;
	return i;
}
