/* The known-servers file: keys the user accepted "always".
 *
 *   # comment
 *   HOST PORT sha256:BASE64 [YYYY-MM-DD]
 *
 * one line per host:port, the pin being the SHA-256 of the server's public
 * key (so a renewed certificate with the same key still matches). */
#include "common.h"

#include <time.h>

#include "net/net-private.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/paths.h"
#include "util/strutil.h"

void tofu_release(struct tofu_file *f)
{
	for (size_t i = 0; i < f->v.n; i++)
		free(f->v.v[i].host);
	ARRAY_RELEASE(&f->v);
}

static int parse_line(char *line, struct tofu_entry *e)
{
	char *save = NULL;
	char *host = strtok_r(line, " \t", &save);
	char *port = strtok_r(NULL, " \t", &save);
	char *pin = strtok_r(NULL, " \t", &save);
	char *date = strtok_r(NULL, " \t", &save);
	char *extra = strtok_r(NULL, " \t", &save);
	long p;
	if (!host || !port || !pin || extra || str_to_long(port, 1, 65535, &p) < 0 ||
	    net_pin_parse(pin, e->pin) < 0)
		return -1;
	(void)date;     /* informative only */
	e->host = xstrdup(host);
	e->port = (int)p;
	return 0;
}

int tofu_parse(const char *path, const char *text, struct tofu_file *out, struct err *err)
{
	char *copy = xstrdup(text);
	unsigned lineno = 0;
	int r = 0;
	for (char *line = copy, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		char *s = str_trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		struct tofu_entry e = { .line = lineno };
		if (parse_line(s, &e) < 0) {
			r = err_set(err, ERR_CONFIG,
				    _("%s:%u: not a 'HOST PORT sha256:KEY' line; fix or remove it"),
				    path, lineno);
			break;
		}
		ARRAY_PUSH(&out->v, e);
	}
	free(copy);
	if (r < 0)
		tofu_release(out);
	return r;
}

const struct tofu_entry *tofu_find(const struct tofu_file *f, const char *host, int port)
{
	/* The last line wins, as a later acceptance replaces an earlier one. */
	for (size_t i = f->v.n; i-- > 0;)
		if (f->v.v[i].port == port && str_casecmp(f->v.v[i].host, host) == 0)
			return &f->v.v[i];
	return NULL;
}

int tofu_load(const char *path, struct tofu_file *out, struct err *err)
{
	if (!path_exists(path))
		return 0;
	struct buf text = BUF_INIT;
	int r = file_read_all(path, &text, err);
	if (r == 0)
		r = tofu_parse(path, buf_cstr(&text), out, err);
	buf_release(&text);
	return r;
}

char *tofu_format_line(const char *host, int port, const unsigned char pin[NET_PIN_LEN],
		       time_t added)
{
	char date[16];
	struct tm tm;
	strftime(date, sizeof date, "%Y-%m-%d", gmtime_r(&added, &tm));
	char *p = net_pin_format(pin);
	char *line = xasprintf("%s %d %s %s\n", host, port, p, date);
	free(p);
	return line;
}

static bool is_line_for(const char *line, const char *host, int port)
{
	char *copy = xstrdup(line);
	struct tofu_entry e = { 0 };
	bool match = parse_line(str_trim(copy), &e) == 0 && e.port == port &&
		     str_casecmp(e.host, host) == 0;
	free(e.host);
	free(copy);
	return match;
}

int tofu_store(const char *path, const char *host, int port,
	       const unsigned char pin[NET_PIN_LEN], struct err *err)
{
	struct buf old = BUF_INIT, out = BUF_INIT;
	if (path_exists(path) && file_read_all(path, &old, err) < 0) {
		buf_release(&old);
		return -1;
	}
	if (old.len == 0)
		buf_adds(&out, "# Server keys accepted with postie (HOST PORT sha256:KEY DATE).\n"
			 "# Remove a line to forget a key.\n");
	/* Keep every other line as it is, comments included. */
	const char *s = buf_cstr(&old);
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		char *line = xstrndup(s, n);
		if (!is_line_for(line, host, port)) {
			buf_add(&out, s, n);
			buf_addc(&out, '\n');
		}
		free(line);
		s += n + (nl ? 1 : 0);
	}
	char *line = tofu_format_line(host, port, pin, time(NULL));
	buf_adds(&out, line);
	free(line);

	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	int r = 0;
	if (slash && slash != dir) {
		*slash = '\0';
		r = mkdir_p(dir, 0700, err);
	}
	free(dir);
	if (r == 0)
		r = file_write_atomic(path, out.data, out.len, 0600, err);
	buf_release(&old);
	buf_release(&out);
	return r;
}
