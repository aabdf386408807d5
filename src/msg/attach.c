/* Attachments: safe names, saving, preparing a mailcap viewer. */
#include "common.h"

#include <fcntl.h>
#include <unistd.h>

#include "msg/msg-private.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/paths.h"
#include "util/sanitize.h"
#include "util/strutil.h"

#define MAX_NAME 200
#define MAX_EXT 16

static bool unsafe_cp(unsigned cp)
{
	return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) ||
	       (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0x061C || cp == 0xFEFF ||
	       cp == 0x2028 || cp == 0x2029;
}

/* Cuts s to at most max bytes on a character boundary. */
static size_t cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return max;
}

char *msg_filename_sanitize(const char *name, const char *fallback)
{
	const char *base = name;
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	struct buf b = BUF_INIT;
	size_t i = 0, len = strlen(base);
	while (i < len) {
		unsigned cp;
		size_t n = utf8_decode(base + i, len - i, &cp);
		if (!n) {
			buf_addc(&b, '_');
			i += utf8_invalid_length(base + i, len - i);
		} else {
			if (unsafe_cp(cp))
				buf_addc(&b, '_');
			else
				buf_add(&b, base + i, n);
			i += n;
		}
	}
	char *s = buf_detach(&b, &len);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '.'))
		s[--len] = '\0';
	for (size_t k = 0; k < len && (s[k] == '.' || s[k] == '-' || s[k] == ' '); k++)
		s[k] = '_';
	if (len > MAX_NAME) {
		const char *dot = strrchr(s, '.');
		size_t ext = dot && strlen(dot) <= MAX_EXT ? strlen(dot) : 0;
		size_t keep = cut(s, len - ext, MAX_NAME - ext);
		memmove(s + keep, s + len - ext, ext + 1);
		len = keep + ext;
	}
	if (!len || strcmp(s, "_") == 0 || strcmp(s, "__") == 0) {
		free(s);
		return xstrdup(fallback);
	}
	return s;
}

static const char *extension_for(const char *type)
{
	static const struct { const char *type, *ext; } exts[] = {
		{ "text/plain", ".txt" }, { "text/html", ".html" }, { "text/calendar", ".ics" },
		{ "image/png", ".png" }, { "image/jpeg", ".jpg" }, { "image/gif", ".gif" },
		{ "application/pdf", ".pdf" }, { "application/zip", ".zip" },
		{ "message/rfc822", ".eml" }, { "application/pgp-signature", ".asc" },
		{ "application/pkcs7-signature", ".p7s" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(exts); i++)
		if (strcmp(exts[i].type, type) == 0)
			return exts[i].ext;
	return ".bin";
}

char *msg_part_save_name(const struct msg_part *p)
{
	char *fallback = xasprintf("attachment-%u%s", p->number, extension_for(p->type));
	if (!p->filename)
		return fallback;
	char *s = msg_filename_sanitize(p->filename, fallback);
	free(fallback);
	return s;
}

static int write_new(const char *path, const struct buf *data, struct err *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0 && errno == EEXIST)
		return MSG_SAVE_EXISTS;
	if (fd < 0)
		return err_set(err, ERR_IO, _("cannot create %s: %s"), path, strerror(errno));
	int r = msg_write_all(fd, buf_cstr(data), data->len);
	int e = errno;
	if (close(fd) < 0 && r == 0) {
		r = -1;
		e = errno;
	}
	if (r < 0) {
		unlink(path);
		return err_set(err, ERR_IO, _("cannot write %s: %s"), path, strerror(e));
	}
	return 0;
}

int msg_part_save(const struct msg *m, const struct msg_part *p, const char *dir,
		  const char *name, bool overwrite, char **path_r, struct err *err)
{
	char *safe = name ? msg_filename_sanitize(name, "attachment") : msg_part_save_name(p);
	char *path = path_join(dir, safe);
	free(safe);
	struct buf data = BUF_INIT;
	msg_part_decode(m, p, &data);
	int r = overwrite ? file_write_atomic(path, buf_cstr(&data), data.len, 0666, err)
			  : write_new(path, &data, err);
	buf_release(&data);
	if (r == 0 && path_r)
		*path_r = path;
	else
		free(path);
	return r;
}

static bool worth_saving(const struct msg_part *p)
{
	if (!p->number || p->container)
		return false;
	if (p->filename)
		return true;
	bool text = str_startswith(p->type, "text/");
	return !text && !(p->disposition && strcmp(p->disposition, "inline") == 0 && text);
}

int msg_save_all(const struct msg *m, const char *dir,
		 bool (*confirm)(const char *path, void *aux), void *aux, struct err *err)
{
	int saved = 0;
	for (size_t i = 0; i < m->parts.n; i++) {
		const struct msg_part *p = &m->parts.v[i];
		/* An embedded message is saved whole; not again part by part. */
		if (!worth_saving(p) || (p->parent > 0 && m->parts.v[p->parent].message))
			continue;
		int r = msg_part_save(m, p, dir, NULL, false, NULL, err);
		if (r == MSG_SAVE_EXISTS && confirm) {
			char *name = msg_part_save_name(p);
			char *path = path_join(dir, name);
			if (confirm(path, aux))
				r = msg_part_save(m, p, dir, NULL, true, NULL, err);
			free(path);
			free(name);
		}
		if (r < 0)
			return -1;
		if (r == 0)
			saved++;
	}
	return saved;
}

/* A file name any shell command can take unquoted. */
static char *shell_safe_name(const struct msg_part *p, const struct msg_mailcap_entry *e)
{
	char *name = msg_part_save_name(p);
	for (char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '.' || *c == '-' || *c == '_'))
			*c = '_';
	if (e->nametemplate && strstr(e->nametemplate, "%s")) {
		const char *after = strstr(e->nametemplate, "%s") + 2;
		if (!strchr(after, '/') && !str_endswith(name, after) && strlen(after) <= MAX_EXT) {
			char *t = xasprintf("%s%s", name, after);
			free(name);
			name = t;
		}
	}
	return name;
}

int msg_part_open_prepare(const struct msg *m, const struct msg_part *p, struct msg_mailcap *mc,
			  struct msg_open *out, struct err *err)
{
	memset(out, 0, sizeof *out);
	const struct msg_mailcap_entry *e = mc ? msg_mailcap_find(mc, p->type, false) : NULL;
	if (!e)
		return err_set(err, ERR_NOT_FOUND, _("no mailcap entry for %s"), p->type);
	char *name = shell_safe_name(p, e);
	struct buf data = BUF_INIT;
	msg_part_decode(m, p, &data);
	int r = msg_temp_file(name, buf_cstr(&data), data.len, &out->path, err);
	buf_release(&data);
	free(name);
	if (r < 0)
		return -1;
	out->on_stdin = !msg_mailcap_wants_file(e);
	out->command = msg_mailcap_command(e, p->type, out->path, &p->params);
	out->needs_terminal = e->needsterminal;
	out->copiousoutput = e->copiousoutput;
	return 0;
}

void msg_open_release(struct msg_open *o)
{
	if (o->path)
		msg_temp_remove(o->path);
	FREE(&o->path);
	FREE(&o->command);
}
