/* Errors as values.
 *
 * Fallible functions in postie return -1 (0 or more on success) and, when
 * they are given a struct err, fill it with a kind and a message meant for the
 * user (already translated, naming what failed: the file and line, the server
 * and what it said). A caller that adds context uses err_prefix(). The kind
 * drives policy (retry a temporary failure, exit status 2 for a
 * configuration error) so callers never parse messages.
 *
 * A struct err owns its message; err_clear() frees it. Passing NULL for a
 * struct err is allowed everywhere and discards the error. */
#ifndef POSTIE_UTIL_ERR_H
#define POSTIE_UTIL_ERR_H

#include <stdbool.h>

#define ERR_KINDS(X) \
	X(ERR_NONE,        "no error") \
	X(ERR_USAGE,       "usage") \
	X(ERR_CONFIG,      "configuration") \
	X(ERR_IO,          "local i/o") \
	X(ERR_NET,         "network") \
	X(ERR_TIMEOUT,     "timeout") \
	X(ERR_TLS,         "tls") \
	X(ERR_AUTH,        "authentication") \
	X(ERR_PROTOCOL,    "protocol") \
	X(ERR_SERVER_TEMP, "temporary server failure") \
	X(ERR_SERVER_PERM, "permanent server failure") \
	X(ERR_STORE,       "store") \
	X(ERR_LOCKED,      "locked") \
	X(ERR_NOT_FOUND,   "not found") \
	X(ERR_UNSUPPORTED, "unsupported") \
	X(ERR_CANCELLED,   "cancelled") \
	X(ERR_INPUT,       "malformed input")

enum err_kind {
#define X(name, text) name,
	ERR_KINDS(X)
#undef X
};

struct err {
	enum err_kind kind;
	char *msg;  /* owned; NULL when kind == ERR_NONE */
};

#define ERR_INIT { ERR_NONE, NULL }

/* Sets kind and message (replacing any earlier error) and returns -1, so a
 * function can end with `return err_set(err, ...)`. */
int err_set(struct err *err, enum err_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Puts "PREFIX: " in front of the current message; a no-op without an error. */
void err_prefix(struct err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Moves src into dst (freeing what dst held); src is cleared. */
void err_move(struct err *dst, struct err *src);
void err_clear(struct err *err);
bool err_is_set(const struct err *err);
/* The message, or "" without an error. Owned by err. */
const char *err_msg(const struct err *err);
/* Whether retrying later may succeed (network trouble, timeouts, 4xx). */
bool err_is_temporary(const struct err *err);
/* The untranslated name of a kind, for logs and tests. */
const char *err_kind_name(enum err_kind kind);

#endif
