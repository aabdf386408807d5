/* The interface's settings that need more than a key table to check:
 * colours (`color` lines), key bindings (`bind`, core/commands.h) and the
 * index format (core/format.h). check-config and the interface use the same
 * functions, so a mistake is reported the same way (FILE:LINE: message) by
 * both, and the interface refuses to start with one, like any other. */
#ifndef POSTIE_CORE_UICONF_H
#define POSTIE_CORE_UICONF_H

#include <stdbool.h>
#include <stdint.h>

struct conf;
struct conf_diags;
struct keymap;

#define UI_ELEMENTS(X) \
	X(EL_NORMAL, "normal") \
	X(EL_INDICATOR, "indicator")            /* the cursor line */ \
	X(EL_STATUS, "status")                  /* the status and title bars */ \
	X(EL_MESSAGE, "message")                /* information in the bottom line */ \
	X(EL_ERROR, "error") \
	X(EL_PROMPT, "prompt") \
	X(EL_SIDEBAR, "sidebar") \
	X(EL_SIDEBAR_CURRENT, "sidebar-current")   /* the folder open in the index */ \
	X(EL_SIDEBAR_HIGHLIGHT, "sidebar-highlight") /* the sidebar's cursor */ \
	X(EL_SIDEBAR_UNREAD, "sidebar-unread") \
	X(EL_SIDEBAR_ACCOUNT, "sidebar-account")   /* an account's line */ \
	X(EL_SIDEBAR_DIVIDER, "sidebar-divider") \
	X(EL_INDEX_UNREAD, "index-unread") \
	X(EL_INDEX_FLAGGED, "index-flagged") \
	X(EL_INDEX_DELETED, "index-deleted") \
	X(EL_INDEX_TAGGED, "index-tagged") \
	X(EL_TREE, "tree") \
	X(EL_HEADER_NAME, "header-name") \
	X(EL_HEADER, "header") \
	X(EL_QUOTED1, "quoted1") \
	X(EL_QUOTED2, "quoted2") \
	X(EL_QUOTED3, "quoted3") \
	X(EL_QUOTED4, "quoted4") \
	X(EL_SIGNATURE, "signature") \
	X(EL_ATTACHMENT, "attachment") \
	X(EL_NOTICE, "notice") \
	X(EL_LINK, "link") \
	X(EL_SEARCH, "search")                  /* a match of the pager's search */ \
	X(EL_MARKER, "marker")                  /* "~" past the end of a message */

enum ui_element {
#define X(id, name) id,
	UI_ELEMENTS(X)
#undef X
	EL_N
};

enum ui_attr {
	UI_BOLD = 1 << 0, UI_UNDERLINE = 1 << 1, UI_REVERSE = 1 << 2, UI_DIM = 1 << 3,
	UI_ITALIC = 1 << 4, UI_BLINK = 1 << 5, UI_STANDOUT = 1 << 6,
};

/* A colour is -1 (the terminal's default) or 0..255. */
struct ui_color {
	short fg, bg;
	unsigned attrs;         /* enum ui_attr with colours */
	unsigned mono;          /* enum ui_attr without colours */
};

struct ui_theme {
	struct ui_color el[EL_N];
};

const char *ui_element_name(enum ui_element e);
void ui_theme_defaults(struct ui_theme *t);
/* Applies one `color` value: "ELEMENT FOREGROUND [BACKGROUND] [ATTRIBUTE...]",
 * colours as default, black, red, green, yellow, blue, magenta, cyan, white,
 * brightNAME or colorN (0..255); attributes bold, underline, reverse, dim,
 * italic, blink, standout, none. Returns NULL or a message (caller frees). */
char *ui_theme_apply_line(struct ui_theme *t, const char *line);

/* Applies the bind and color lines of conf to km and t (either may be NULL
 * to only check) and checks index_format; each problem goes to diags with
 * the file and line it came from. Returns the number of problems. */
int uiconf_apply(const struct conf *conf, struct keymap *km, struct ui_theme *t,
		 struct conf_diags *diags);

#endif
