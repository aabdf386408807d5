/* gettext wrappers. Every string a user can see goes through _() (or
 * ngettext() where a number decides the form); N_() marks strings in static
 * tables that are translated where they are shown. */
#ifndef POSTIE_UTIL_I18N_H
#define POSTIE_UTIL_I18N_H

#include <libintl.h>
#include <locale.h>
#include <stdbool.h>
#include <string.h>

#define _(s) gettext(s)
#define N_(s) (s)
/* A message with a context, for words that translate differently in
 * different places: C_("message", "subject:") is a message's subject, not a
 * certificate's. ctx and s must be string literals. */
#define C_(ctx, s) i18n_pgettext(ctx "\004" s, s)

static inline const char *i18n_pgettext(const char *with_ctx, const char *s)
{
	const char *t = gettext(with_ctx);
	return t == with_ctx ? s : t;
}

/* Whether LC_TIME is the C locale (C, POSIX, C.UTF-8): nobody asked for
 * local date formats, and postie keeps its own fixed ones. */
static inline bool i18n_time_locale_is_c(void)
{
	const char *lc = setlocale(LC_TIME, NULL);
	return !lc || strcmp(lc, "C") == 0 || strcmp(lc, "POSIX") == 0 || strncmp(lc, "C.", 2) == 0;
}

#endif
