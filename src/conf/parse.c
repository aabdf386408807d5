#include "common.h"

#include "conf/conf-private.h"
#include "util/strutil.h"

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
	       (c >= 'A' && c <= 'Z') || c == '-';
}

/* Unquotes a value starting at '"' in place. Returns the value or NULL if the
 * quote is not closed or is followed by something other than a comment. */
static char *unquote(char *s)
{
	char *out = s, *in = s + 1;
	for (;;) {
		if (*in == '\0')
			return NULL;
		if (*in == '"')
			break;
		if (*in == '\\' && (in[1] == '"' || in[1] == '\\'))
			in++;
		*out++ = *in++;
	}
	char *rest = str_ltrim(in + 1);
	*out = '\0';
	return *rest == '\0' || *rest == '#' ? s : NULL;
}

static char *cut_comment(char *v)
{
	for (char *p = v; *p; p++) {
		if (*p == '#' && p > v && (p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			break;
		}
	}
	return str_rtrim(v);
}

static void parse_line(const char *file, char *line, unsigned lineno, conf_line_fn *fn,
		       void *aux, struct conf_diags *diags)
{
	char *s = str_trim(line);
	if (*s == '\0' || *s == '#')
		return;
	char *eq = strchr(s, '=');
	if (!eq) {
		conf_diags_add(diags, file, lineno, _("line is not `key = value`: %s"), s);
		return;
	}
	*eq = '\0';
	char *key = str_rtrim(s);
	char *value = str_ltrim(eq + 1);
	if (*key == '\0') {
		conf_diags_add(diags, file, lineno, _("line has no key before '='"));
		return;
	}
	for (const char *k = key; *k; k++) {
		if (!is_key_char(*k)) {
			conf_diags_add(diags, file, lineno,
				       _("line is not `key = value`: '%s' is not a key name"), key);
			return;
		}
	}
	if (*value == '"') {
		value = unquote(value);
		if (!value) {
			conf_diags_add(diags, file, lineno,
				       _("%s: unterminated or malformed quoted value"), key);
			return;
		}
	} else {
		value = cut_comment(value);
	}
	fn(key, value, lineno, aux);
}

void conf_parse_text(const char *file, char *text, conf_line_fn *fn, void *aux,
		     struct conf_diags *diags)
{
	if (str_startswith(text, "\xEF\xBB\xBF"))
		text += 3;
	unsigned lineno = 0;
	char *p = text;
	while (*p) {
		lineno++;
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		parse_line(file, p, lineno, fn, aux, diags);
		if (!nl)
			break;
		p = nl + 1;
	}
}
