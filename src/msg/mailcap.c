/* Mailcap files (RFC 1524): parsing, lookup, command lines. */
#include "common.h"

#include "msg/msg-private.h"
#include "util/array.h"
#include "util/buf.h"
#include "util/paths.h"
#include "util/strutil.h"

/* The logical lines of a file: backslash-newline joins, '#' comments. */
static bool next_entry(const char *s, size_t len, size_t *i, struct buf *out)
{
	buf_reset(out);
	while (*i < len) {
		const char *nl = memchr(s + *i, '\n', len - *i);
		size_t end = nl ? (size_t)(nl - s) : len;
		size_t e = end;
		if (e > *i && s[e - 1] == '\r')
			e--;
		bool cont = e > *i && s[e - 1] == '\\';
		buf_add(out, s + *i, cont ? e - *i - 1 : e - *i);
		*i = nl ? end + 1 : len;
		if (cont)
			continue;
		const char *p = str_ltrim((char *)buf_cstr(out));
		if (*p && *p != '#')
			return true;
		buf_reset(out);
	}
	return out->len > 0;
}

/* Splits at ';' not escaped by a backslash; "\;" becomes ';'. */
static void split_fields(const char *s, struct msg_str_list *fields)
{
	struct buf f = BUF_INIT;
	for (;; s++) {
		if (*s == '\\' && s[1] == ';') {
			buf_addc(&f, ';');
			s++;
		} else if (*s == ';' || !*s) {
			char *v = buf_detach(&f, NULL);
			char *t = str_trim(v);
			ARRAY_PUSH(fields, xstrdup(t));
			free(v);
			if (!*s)
				break;
		} else {
			buf_addc(&f, *s);
		}
	}
	buf_release(&f);
}

static void add_entry(struct msg_mailcap *mc, const char *line)
{
	struct msg_str_list f = ARRAY_INIT;
	split_fields(line, &f);
	if (f.n >= 2 && *f.v[0] && *f.v[1]) {
		struct msg_mailcap_entry e;
		memset(&e, 0, sizeof e);
		e.type = xstrdup(f.v[0]);
		for (char *c = e.type; *c; c++)
			*c = msg_lower(*c);
		e.view = xstrdup(f.v[1]);
		e.test_result = -1;
		for (size_t k = 2; k < f.n; k++) {
			const char *x = f.v[k];
			if (str_casecmp(x, "copiousoutput") == 0)
				e.copiousoutput = true;
			else if (str_casecmp(x, "needsterminal") == 0)
				e.needsterminal = true;
			else if (str_casestartswith(x, "test=") && !e.test)
				e.test = xstrdup(str_ltrim((char *)x + 5));
			else if (str_casestartswith(x, "nametemplate=") && !e.nametemplate)
				e.nametemplate = xstrdup(str_ltrim((char *)x + 13));
		}
		ARRAY_PUSH(&mc->entries, e);
	}
	msg_str_list_release(&f);
}

void msg_mailcap_parse(struct msg_mailcap *mc, const char *text, size_t len)
{
	struct buf line = BUF_INIT;
	size_t i = 0;
	while (next_entry(text, len, &i, &line))
		add_entry(mc, buf_cstr(&line));
	buf_release(&line);
}

struct msg_mailcap *msg_mailcap_load(const char *paths)
{
	struct msg_mailcap *mc = xcalloc(1, sizeof *mc);
	char *owned = NULL;
	if (!paths)
		paths = getenv("MAILCAPS");
	if (!paths) {
		const char *home = getenv("HOME");
		owned = xasprintf("%s/.mailcap:/etc/mailcap:/usr/etc/mailcap:/usr/local/etc/mailcap",
				  home && *home ? home : "/nonexistent");
		paths = owned;
	}
	char *list = xstrdup(paths);
	char *save = NULL;
	for (char *p = strtok_r(list, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
		struct buf text = BUF_INIT;
		if (file_read_all(p, &text, NULL) == 0)
			msg_mailcap_parse(mc, buf_cstr(&text), text.len);
		buf_release(&text);
	}
	free(list);
	free(owned);
	return mc;
}

void msg_mailcap_free(struct msg_mailcap **mcp)
{
	struct msg_mailcap *mc = *mcp;
	if (!mc)
		return;
	for (size_t i = 0; i < mc->entries.n; i++) {
		struct msg_mailcap_entry *e = &mc->entries.v[i];
		free(e->type);
		free(e->view);
		free(e->test);
		free(e->nametemplate);
	}
	ARRAY_RELEASE(&mc->entries);
	free(mc);
	*mcp = NULL;
}

static bool type_matches(const char *pattern, const char *type)
{
	if (strcmp(pattern, type) == 0)
		return true;
	const char *slash = strchr(type, '/');
	size_t major = slash ? (size_t)(slash - type) : strlen(type);
	if (strncmp(pattern, type, major) != 0)
		return false;
	return pattern[major] == '\0' || strcmp(pattern + major, "/*") == 0;
}

const struct msg_mailcap_entry *msg_mailcap_find(struct msg_mailcap *mc, const char *type,
						 bool copiousoutput)
{
	for (size_t i = 0; i < mc->entries.n; i++) {
		struct msg_mailcap_entry *e = &mc->entries.v[i];
		if (!type_matches(e->type, type) || (copiousoutput && !e->copiousoutput))
			continue;
		if (e->test && e->test_result < 0) {
			struct msg_mailcap_entry t = *e;  /* expand the test like a view command */
			t.view = e->test;
			char *cmd = msg_mailcap_command(&t, type, NULL, NULL);
			e->test_result = msg_run_status(cmd) == 0;
			free(cmd);
		}
		if (!e->test || e->test_result == 1)
			return e;
	}
	return NULL;
}

bool msg_mailcap_wants_file(const struct msg_mailcap_entry *e)
{
	for (const char *p = e->view; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '%' && p[1] == 's')
			return true;
		else if (*p == '%' && p[1])
			p++;
	}
	return false;
}

static void add_safe(struct buf *out, const char *v, const char *allowed)
{
	for (; v && *v; v++)
		if ((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') || (*v >= '0' && *v <= '9') ||
		    strchr(allowed, *v))
			buf_addc(out, *v);
}

static void add_path(struct buf *out, const char *path)
{
	bool plain = *path != '\0';
	for (const char *p = path; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      strchr("._/+-", *p)))
			plain = false;
	if (plain) {
		buf_adds(out, path);
		return;
	}
	buf_addc(out, '\'');
	for (const char *p = path; *p; p++) {
		if (*p == '\'')
			buf_adds(out, "'\\''");
		else
			buf_addc(out, *p);
	}
	buf_addc(out, '\'');
}

char *msg_mailcap_command(const struct msg_mailcap_entry *e, const char *type, const char *path,
			  const struct msg_params *params)
{
	struct buf out = BUF_INIT;
	for (const char *p = e->view; *p; p++) {
		if (*p == '\\' && (p[1] == '%' || p[1] == '\\')) {
			buf_addc(&out, *++p);
		} else if (*p != '%' || !p[1]) {
			buf_addc(&out, *p);
		} else if (p[1] == 's') {
			if (path)
				add_path(&out, path);
			p++;
		} else if (p[1] == 't') {
			add_safe(&out, type, "./+-");
			p++;
		} else if (p[1] == '%') {
			buf_addc(&out, '%');
			p++;
		} else if (p[1] == '{' && strchr(p, '}')) {
			const char *end = strchr(p, '}');
			char *name = xstrndup(p + 2, (size_t)(end - p - 2));
			for (char *c = name; *c; c++)
				*c = msg_lower(*c);
			add_safe(&out, params ? msg_params_get(params, name) : NULL, "._+-");
			free(name);
			p = end;
		} else {
			buf_addc(&out, *p);
		}
	}
	return buf_detach(&out, NULL);
}
