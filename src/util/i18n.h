/* gettext wrappers. Every string a user can see goes through _() (or
 * ngettext() where a number decides the form); N_() marks strings in static
 * tables that are translated where they are shown. */
#ifndef POSTIE_UTIL_I18N_H
#define POSTIE_UTIL_I18N_H

#include <libintl.h>
#include <locale.h>

#define _(s) gettext(s)
#define N_(s) (s)

#endif
