/* The MIME type of an attachment, from its content (libmagic). */
#include "common.h"

#include <magic.h>

#include "msg/compose.h"
#include "util/log.h"

#define FALLBACK "application/octet-stream"

/* A type as libmagic names it, made fit for a Content-Type header. */
static bool plausible(const char *t)
{
	const char *slash = strchr(t, '/');
	if (!slash || slash == t || !slash[1] || strchr(slash + 1, '/'))
		return false;
	for (const char *p = t; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("/.+-_", *p)))
			return false;
	return true;
}

char *msg_guess_type(const void *data, size_t len)
{
	if (len == 0)
		return xstrdup("text/plain");
	magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
	if (!m)
		return xstrdup(FALLBACK);
	char *type = NULL;
	if (magic_load(m, NULL) == 0) {
		const char *t = magic_buffer(m, data, len);
		if (t && plausible(t))
			type = xstrdup(t);
		else if (!t)
			log_warn("libmagic: %s", magic_error(m) ? magic_error(m) : "no answer");
	} else {
		log_warn("libmagic cannot load its database: %s",
			 magic_error(m) ? magic_error(m) : "?");
	}
	magic_close(m);
	/* libmagic's names for what mail calls otherwise. */
	if (type && (strcmp(type, "application/x-empty") == 0 ||
		     strcmp(type, "inode/x-empty") == 0))
		FREE(&type);
	return type ? type : xstrdup(FALLBACK);
}
