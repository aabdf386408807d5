#include "common.h"

#include <stdarg.h>

#include "util/err.h"

int err_set(struct err *err, enum err_kind kind, const char *fmt, ...)
{
	if (!err)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	free(err->msg);
	err->kind = kind;
	err->msg = msg;
	return -1;
}

void err_prefix(struct err *err, const char *fmt, ...)
{
	if (!err || err->kind == ERR_NONE)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *prefix = xvasprintf(fmt, ap);
	va_end(ap);
	char *msg = xasprintf("%s: %s", prefix, err->msg ? err->msg : "");
	free(prefix);
	free(err->msg);
	err->msg = msg;
}

void err_move(struct err *dst, struct err *src)
{
	if (!dst) {
		err_clear(src);
		return;
	}
	free(dst->msg);
	*dst = *src;
	src->kind = ERR_NONE;
	src->msg = NULL;
}

void err_clear(struct err *err)
{
	if (!err)
		return;
	free(err->msg);
	err->msg = NULL;
	err->kind = ERR_NONE;
}

bool err_is_set(const struct err *err)
{
	return err && err->kind != ERR_NONE;
}

const char *err_msg(const struct err *err)
{
	return err && err->msg ? err->msg : "";
}

bool err_is_temporary(const struct err *err)
{
	if (!err)
		return false;
	switch (err->kind) {
	case ERR_NET:
	case ERR_TIMEOUT:
	case ERR_SERVER_TEMP:
		return true;
	default:
		return false;
	}
}

const char *err_kind_name(enum err_kind kind)
{
	static const char *const names[] = {
#define X(name, text) text,
		ERR_KINDS(X)
#undef X
	};
	return (size_t)kind < ARRAY_SIZE(names) ? names[kind] : "unknown";
}
