#include "common.h"

#include "conf/conf.h"
#include "core/commands.h"
#include "core/format.h"
#include "core/uiconf.h"
#include "util/err.h"
#include "util/paths.h"
#include "util/strutil.h"

static const char *const element_names[] = {
#define X(id, name) name,
	UI_ELEMENTS(X)
#undef X
};

const char *ui_element_name(enum ui_element e)
{
	return e < EL_N ? element_names[e] : "?";
}

enum { BLACK, RED, GREEN, YELLOW, BLUE, MAGENTA, CYAN, WHITE };

static void set(struct ui_theme *t, enum ui_element e, short fg, short bg, unsigned attrs,
		unsigned mono)
{
	t->el[e] = (struct ui_color){ fg, bg, attrs, mono };
}

void ui_theme_defaults(struct ui_theme *t)
{
	for (int i = 0; i < EL_N; i++)
		set(t, (enum ui_element)i, -1, -1, 0, 0);
	set(t, EL_INDICATOR, BLACK, CYAN, 0, UI_REVERSE);
	set(t, EL_STATUS, WHITE, BLUE, UI_BOLD, UI_REVERSE);
	set(t, EL_ERROR, RED, -1, UI_BOLD, UI_BOLD);
	set(t, EL_PROMPT, -1, -1, UI_BOLD, UI_BOLD);
	set(t, EL_SIDEBAR_CURRENT, YELLOW, -1, UI_BOLD, UI_BOLD);
	set(t, EL_SIDEBAR_HIGHLIGHT, BLACK, WHITE, 0, UI_REVERSE);
	set(t, EL_SIDEBAR_UNREAD, -1, -1, UI_BOLD, UI_BOLD);
	set(t, EL_SIDEBAR_ACCOUNT, CYAN, -1, UI_BOLD, UI_UNDERLINE);
	set(t, EL_SIDEBAR_DIVIDER, BLUE, -1, 0, 0);
	set(t, EL_INDEX_UNREAD, -1, -1, UI_BOLD, UI_BOLD);
	set(t, EL_INDEX_FLAGGED, RED, -1, UI_BOLD, UI_BOLD);
	set(t, EL_INDEX_DELETED, BLUE, -1, UI_DIM, UI_DIM);
	set(t, EL_INDEX_TAGGED, MAGENTA, -1, UI_BOLD, UI_UNDERLINE);
	set(t, EL_TREE, MAGENTA, -1, 0, 0);
	set(t, EL_HEADER_NAME, -1, -1, UI_BOLD, UI_BOLD);
	set(t, EL_QUOTED1, BLUE, -1, 0, 0);
	set(t, EL_QUOTED2, GREEN, -1, 0, 0);
	set(t, EL_QUOTED3, YELLOW, -1, 0, 0);
	set(t, EL_QUOTED4, CYAN, -1, 0, 0);
	set(t, EL_SIGNATURE, -1, -1, UI_DIM, UI_DIM);
	set(t, EL_ATTACHMENT, MAGENTA, -1, UI_BOLD, UI_BOLD);
	set(t, EL_NOTICE, YELLOW, -1, 0, UI_UNDERLINE);
	set(t, EL_LINK, CYAN, -1, UI_UNDERLINE, UI_UNDERLINE);
	set(t, EL_SEARCH, BLACK, YELLOW, 0, UI_REVERSE);
	set(t, EL_MARKER, BLUE, -1, UI_BOLD, 0);
}

static int find_word(const char *const *words, size_t n, const char *w)
{
	for (size_t i = 0; i < n; i++)
		if (str_casecmp(words[i], w) == 0)
			return (int)i;
	return -1;
}

static bool parse_color(const char *w, short *c_r)
{
	static const char *const names[] = { "black", "red", "green", "yellow", "blue",
					     "magenta", "cyan", "white" };
	if (str_casecmp(w, "default") == 0) {
		*c_r = -1;
		return true;
	}
	int i = find_word(names, ARRAY_SIZE(names), w);
	if (i >= 0) {
		*c_r = (short)i;
		return true;
	}
	if (str_casestartswith(w, "bright")) {
		i = find_word(names, ARRAY_SIZE(names), w + 6);
		if (i >= 0) {
			*c_r = (short)(i + 8);
			return true;
		}
	}
	long v;
	if (str_casestartswith(w, "color") && str_to_long(w + 5, 0, 255, &v) == 0) {
		*c_r = (short)v;
		return true;
	}
	return false;
}

static bool parse_attr(const char *w, unsigned *a)
{
	static const char *const names[] = { "bold", "underline", "reverse", "dim", "italic",
					     "blink", "standout" };
	if (str_casecmp(w, "none") == 0 || str_casecmp(w, "normal") == 0) {
		*a = 0;
		return true;
	}
	int i = find_word(names, ARRAY_SIZE(names), w);
	if (i < 0)
		return false;
	*a |= 1u << i;
	return true;
}

char *ui_theme_apply_line(struct ui_theme *t, const char *line)
{
	char *copy = xstrdup(line), *save = NULL, *msg = NULL;
	char *name = strtok_r(copy, " \t", &save);
	int e = name ? find_word(element_names, ARRAY_SIZE(element_names), name) : -1;
	if (e < 0) {
		msg = name ? xasprintf(_("color: unknown element '%s' (e.g. index-unread, "
					 "quoted1, status; the README lists them)"), name)
			   : xstrdup(_("color must be 'ELEMENT FOREGROUND [BACKGROUND] "
				       "[ATTRIBUTE...]'"));
		goto out;
	}
	struct ui_color c = { -1, -1, 0, 0 };
	int n_colors = 0;
	bool attrs_given = false;
	for (char *w = strtok_r(NULL, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		short col;
		if (n_colors < 2 && parse_color(w, &col)) {
			if (n_colors++ == 0)
				c.fg = col;
			else
				c.bg = col;
		} else if (parse_attr(w, &c.attrs)) {
			attrs_given = true;
		} else {
			msg = xasprintf(_("color: '%s' is neither a colour (default, red, "
					  "brightred, color208, ...) nor an attribute (bold, "
					  "underline, reverse, dim, italic, blink, standout)"), w);
			goto out;
		}
	}
	if (n_colors == 0 && !attrs_given) {
		msg = xasprintf(_("color: no colour or attribute for %s"), name);
		goto out;
	}
	/* Without colours the attributes given still apply; else the default's. */
	c.mono = attrs_given ? c.attrs : t->el[e].mono;
	t->el[e] = c;
out:
	free(copy);
	return msg;
}

static int apply_lines(const struct conf_lines *lines, const char *conf_path,
		       char *(*fn)(void *obj, const char *line), void *obj,
		       struct conf_diags *diags)
{
	int problems = 0;
	for (size_t i = 0; i < lines->n; i++) {
		char *msg = fn(obj, lines->v[i].value);
		if (msg) {
			conf_diags_add(diags, lines->v[i].file ? lines->v[i].file : conf_path,
				       lines->v[i].line, "%s", msg);
			free(msg);
			problems++;
		}
	}
	return problems;
}

static char *bind_line(void *km, const char *line)
{
	return keymap_apply_line(km, line);
}

static char *color_line(void *t, const char *line)
{
	return ui_theme_apply_line(t, line);
}

int uiconf_apply(const struct conf *conf, struct keymap *km, struct ui_theme *t,
		 struct conf_diags *diags)
{
	const struct global_conf *g = &conf->global;
	char *conf_path = path_join(conf->dir, "postie.conf");
	struct keymap *scratch_km = km ? NULL : keymap_new();
	struct ui_theme scratch_t;
	if (!t) {
		ui_theme_defaults(&scratch_t);
		t = &scratch_t;
	}
	int problems = apply_lines(&g->bind, conf_path, bind_line, km ? km : scratch_km, diags);
	problems += apply_lines(&g->color, conf_path, color_line, t, diags);
	keymap_free(&scratch_km);
	if (g->index_format) {
		struct err err = ERR_INIT;
		struct index_format *f = index_format_parse(g->index_format, &err);
		if (!f) {
			conf_diags_add(diags, conf_path, conf_global_line(conf, "index_format"), "%s",
				       err_msg(&err));
			problems++;
		}
		index_format_free(&f);
		err_clear(&err);
	}
	free(conf_path);
	return problems;
}
