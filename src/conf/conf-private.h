/* Inside the conf module: the line reader and the key tables. */
#ifndef POSTIE_CONF_PRIVATE_H
#define POSTIE_CONF_PRIVATE_H

#include "conf/conf.h"

enum key_type { KEY_STRING, KEY_PATH, KEY_INT, KEY_BOOL, KEY_ENUM,
		KEY_LINES /* struct conf_lines: may be given many times */ };

enum key_flags {
	KEYF_REQUIRED = 1 << 0,
};

struct key_def {
	const char *name;
	enum key_type type;
	size_t offset;              /* of the field in the struct the table describes */
	unsigned flags;
	long min, max;              /* KEY_INT */
	const char *const *choices; /* KEY_ENUM: value names in enum order, NULL-ended */
	size_t set_offset;          /* of a bool that records "given", or NO_SET_FLAG */
};

#define NO_SET_FLAG ((size_t)-1)

extern const struct key_def account_keys[];
extern const size_t n_account_keys;
extern const struct key_def global_keys[];
extern const size_t n_global_keys;

/* Called for each `key = value` line; value is unquoted and trimmed. */
typedef void conf_line_fn(const char *key, const char *value, unsigned line, void *aux);

/* Splits text into key/value lines, reporting lines that are not
 * `key = value` (or whose quoting is broken) to diags under file. */
void conf_parse_text(const char *file, char *text, conf_line_fn *fn, void *aux,
		     struct conf_diags *diags);

/* Sets the field described by def in obj from value. Returns NULL on
 * success or a new message (caller frees) saying what is allowed. */
char *key_apply(const struct key_def *def, void *obj, const char *value);
/* The key called name in table, or NULL. */
const struct key_def *key_find(const struct key_def *table, size_t n, const char *name);
/* The key closest to name for a did-you-mean hint, or NULL if none is close. */
const char *key_suggest(const struct key_def *table, size_t n, const char *name);
/* Frees the strings a table describes inside obj. */
void keys_release(const struct key_def *table, size_t n, void *obj);

#endif
