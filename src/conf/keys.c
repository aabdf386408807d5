#include "common.h"

#include <limits.h>

#include "conf/conf-private.h"
#include "util/array.h"
#include "util/strutil.h"

static const char *const protocol_names[] = { "imap", "pop3", NULL };
static const char *const sort_names[] = { "threads", "date", "from", "subject", "size", NULL };
static const char *const cursor_start_names[] = { "newest", "oldest", "first-unread", NULL };
static const char *const tls_names[] = { "implicit", "starttls", "none", NULL };
static const char *const delete_policy_names[] = { "trash", "flag", NULL };

#define ACC(field) offsetof(struct account_conf, field)
#define GLB(field) offsetof(struct global_conf, field)
#define STR(name, field, flags) { name, KEY_STRING, ACC(field), flags, 0, 0, NULL, NO_SET_FLAG }
#define PATH(name, field) { name, KEY_PATH, ACC(field), 0, 0, 0, NULL, NO_SET_FLAG }

/* Every key an account file accepts. Add a row (and a field, and an entry in
 * doc/postie-account.5) for each new key. */
const struct key_def account_keys[] = {
	{ "protocol", KEY_ENUM, ACC(protocol), KEYF_REQUIRED, 0, 0, protocol_names, NO_SET_FLAG },
	STR("host", host, KEYF_REQUIRED),
	{ "port", KEY_INT, ACC(port), 0, 1, 65535, NULL, ACC(set_port) },
	{ "tls", KEY_ENUM, ACC(tls), 0, 0, 0, tls_names, ACC(set_tls) },
	STR("user", user, KEYF_REQUIRED),
	STR("password_command", password_command, 0),
	STR("password", password, 0),
	STR("oauth_token_command", oauth_token_command, 0),
	STR("auth", auth, 0),
	PATH("ca_file", ca_file),
	STR("tls_pin", tls_pin, 0),
	{ "allow_plaintext_password", KEY_BOOL, ACC(allow_plaintext_password), 0, 0, 0, NULL,
	  NO_SET_FLAG },
	{ "timeout", KEY_INT, ACC(timeout), 0, 1, 3600, NULL, NO_SET_FLAG },
	{ "idle_interval", KEY_INT, ACC(idle_interval), 0, 1, 1740, NULL, NO_SET_FLAG },
	STR("name", real_name, 0),
	STR("address", address, KEYF_REQUIRED),
	STR("smtp_host", smtp_host, 0),
	{ "smtp_port", KEY_INT, ACC(smtp_port), 0, 1, 65535, NULL, ACC(set_smtp_port) },
	{ "smtp_tls", KEY_ENUM, ACC(smtp_tls), 0, 0, 0, tls_names, ACC(set_smtp_tls) },
	STR("smtp_user", smtp_user, 0),
	STR("smtp_password_command", smtp_password_command, 0),
	/* Sending (core/compose.h). */
	STR("alternates", alternates, 0),
	PATH("signature_file", signature_file),
	{ "save_sent", KEY_BOOL, ACC(save_sent), 0, 0, 0, NULL, NO_SET_FLAG },
	/* IMAP sync (src/imap): see the fields in conf.h. */
	STR("sync_bodies", sync_bodies_text, 0),
	STR("sent_folder", sent_folder, 0),
	STR("drafts_folder", drafts_folder, 0),
	STR("trash_folder", trash_folder, 0),
	STR("junk_folder", junk_folder, 0),
	STR("archive_folder", archive_folder, 0),
	{ "subscribed_only", KEY_BOOL, ACC(subscribed_only), 0, 0, 0, NULL,
	  ACC(set_subscribed_only) },
	{ "delete_policy", KEY_ENUM, ACC(delete_policy), 0, 0, 0, delete_policy_names,
	  NO_SET_FLAG },
	{ "leave_on_server", KEY_BOOL, ACC(leave_on_server), 0, 0, 0, NULL, NO_SET_FLAG },
	{ "delete_after_days", KEY_INT, ACC(delete_after_days), 0, 0, 100000, NULL, NO_SET_FLAG },
	{ "delete_on_server_when_deleted", KEY_BOOL, ACC(delete_on_server_when_deleted), 0, 0, 0,
	  NULL, NO_SET_FLAG },
};
const size_t n_account_keys = ARRAY_SIZE(account_keys);

/* Every key postie.conf accepts. */
const struct key_def global_keys[] = {
	{ "trace_file", KEY_PATH, GLB(trace_file), 0, 0, 0, NULL, NO_SET_FLAG },
	{ "log_file", KEY_PATH, GLB(log_file), 0, 0, 0, NULL, NO_SET_FLAG },
	{ "default_account", KEY_STRING, GLB(default_account), 0, 0, 0, NULL, NO_SET_FLAG },
	{ "show_headers", KEY_STRING, GLB(show_headers), 0, 0, 0, NULL, NO_SET_FLAG },
	{ "prefer_html", KEY_BOOL, GLB(prefer_html), 0, 0, 0, NULL, NO_SET_FLAG },
	{ "html_mailcap", KEY_BOOL, GLB(html_mailcap), 0, 0, 0, NULL, GLB(set_html_mailcap) },
	{ "mailcap_path", KEY_STRING, GLB(mailcap_path), 0, 0, 0, NULL, NO_SET_FLAG },
	{ "edit_headers", KEY_BOOL, GLB(edit_headers), 0, 0, 0, NULL, NO_SET_FLAG },
	{ "attribution", KEY_STRING, GLB(attribution), 0, 0, 0, NULL, NO_SET_FLAG },
	/* The full-screen interface. */
	{ "bind", KEY_LINES, GLB(bind), 0, 0, 0, NULL, NO_SET_FLAG },
	{ "color", KEY_LINES, GLB(color), 0, 0, 0, NULL, NO_SET_FLAG },
	{ "index_format", KEY_STRING, GLB(index_format), 0, 0, 0, NULL, NO_SET_FLAG },
	{ "date_format", KEY_STRING, GLB(date_format), 0, 0, 0, NULL, NO_SET_FLAG },
	{ "sort", KEY_ENUM, GLB(sort), 0, 0, 0, sort_names, NO_SET_FLAG },
	{ "sort_reverse", KEY_BOOL, GLB(sort_reverse), 0, 0, 0, NULL, NO_SET_FLAG },
	{ "collapse_threads", KEY_BOOL, GLB(collapse_threads), 0, 0, 0, NULL, NO_SET_FLAG },
	{ "ascii_tree", KEY_BOOL, GLB(ascii_tree), 0, 0, 0, NULL, NO_SET_FLAG },
	{ "cursor_start", KEY_ENUM, GLB(cursor_start), 0, 0, 0, cursor_start_names, NO_SET_FLAG },
	{ "sidebar_width", KEY_INT, GLB(sidebar_width), 0, 8, 100, NULL, NO_SET_FLAG },
	{ "sidebar_hidden", KEY_BOOL, GLB(sidebar_hidden), 0, 0, 0, NULL, NO_SET_FLAG },
	{ "editor", KEY_STRING, GLB(editor), 0, 0, 0, NULL, NO_SET_FLAG },
	{ "aliases_file", KEY_PATH, GLB(aliases_file), 0, 0, 0, NULL, NO_SET_FLAG },
	{ "query_command", KEY_STRING, GLB(query_command), 0, 0, 0, NULL, NO_SET_FLAG },
	{ "new_mail_command", KEY_STRING, GLB(new_mail_command), 0, 0, 0, NULL, NO_SET_FLAG },
	{ "bell", KEY_BOOL, GLB(bell), 0, 0, 0, NULL, NO_SET_FLAG },
	{ "check_interval", KEY_INT, GLB(check_interval), 0, 30, 86400, NULL, NO_SET_FLAG },
};
const size_t n_global_keys = ARRAY_SIZE(global_keys);

static const char *const true_words[] = { "yes", "true", "on", "1", NULL };
static const char *const false_words[] = { "no", "false", "off", "0", NULL };

static int word_index(const char *const *words, const char *v)
{
	for (int i = 0; words[i]; i++)
		if (str_casecmp(words[i], v) == 0)
			return i;
	return -1;
}

static char *choices_text(const char *const *choices)
{
	size_t n = 0;
	for (; choices[n]; n++)
		;
	char *s = xstrdup("");
	for (size_t i = 0; i < n; i++) {
		char *t = xasprintf("%s%s%s", s,
				    i == 0 ? "" : i + 1 == n ? _(" or ") : ", ", choices[i]);
		free(s);
		s = t;
	}
	return s;
}

static char *expand_home(const char *v)
{
	const char *home = getenv("HOME");
	if (v[0] == '~' && (v[1] == '/' || v[1] == '\0') && home)
		return xasprintf("%s%s", home, v + 1);
	return xstrdup(v);
}

char *key_apply(const struct key_def *def, void *obj, const char *value)
{
	char *field = (char *)obj + def->offset;
	if (*value == '\0')
		return xasprintf(_("%s has an empty value"), def->name);
	switch (def->type) {
	case KEY_STRING:
	case KEY_PATH: {
		char **sp = (char **)field;
		free(*sp);
		*sp = def->type == KEY_PATH ? expand_home(value) : xstrdup(value);
		break;
	}
	case KEY_INT: {
		long v;
		if (str_to_long(value, def->min, def->max, &v) < 0)
			return xasprintf(_("%s must be a whole number from %ld to %ld, not '%s'"),
					 def->name, def->min, def->max, value);
		*(int *)field = (int)v;
		break;
	}
	case KEY_BOOL:
		if (word_index(true_words, value) >= 0)
			*(bool *)field = true;
		else if (word_index(false_words, value) >= 0)
			*(bool *)field = false;
		else
			return xasprintf(_("%s must be yes or no, not '%s'"), def->name, value);
		break;
	case KEY_LINES:
		conf_lines_add((struct conf_lines *)field, value, NULL, 0);
		break;
	case KEY_ENUM: {
		int i = word_index(def->choices, value);
		if (i < 0) {
			char *allowed = choices_text(def->choices);
			char *msg = xasprintf(_("%s must be %s, not '%s'"), def->name, allowed, value);
			free(allowed);
			return msg;
		}
		*(int *)field = i;
		break;
	}
	}
	if (def->set_offset != NO_SET_FLAG)
		*(bool *)((char *)obj + def->set_offset) = true;
	return NULL;
}

const struct key_def *key_find(const struct key_def *table, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

const char *key_suggest(const struct key_def *table, size_t n, const char *name)
{
	const char *best = NULL;
	size_t best_d = SIZE_MAX;
	for (size_t i = 0; i < n; i++) {
		size_t d = str_distance(table[i].name, name);
		if (d < best_d) {
			best_d = d;
			best = table[i].name;
		}
	}
	/* Close enough to be a typo: a few edits, relative to the length. */
	size_t limit = strlen(name) < 6 ? 1 : strlen(name) / 3;
	return best_d <= limit ? best : NULL;
}

void keys_release(const struct key_def *table, size_t n, void *obj)
{
	for (size_t i = 0; i < n; i++) {
		void *field = (char *)obj + table[i].offset;
		if (table[i].type == KEY_STRING || table[i].type == KEY_PATH)
			FREE((char **)field);
		else if (table[i].type == KEY_LINES)
			conf_lines_release(field);
	}
}

void conf_lines_add(struct conf_lines *l, const char *value, const char *file, unsigned line)
{
	ARRAY_PUSH(l, ((struct conf_line){ xstrdup(value), file ? xstrdup(file) : NULL, line }));
}

void conf_lines_release(struct conf_lines *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].value);
		free(l->v[i].file);
	}
	ARRAY_RELEASE(l);
}

static const char *const *key_names(const struct key_def *table, size_t n)
{
	const char **names = xcalloc(n + 1, sizeof *names);
	for (size_t i = 0; i < n; i++)
		names[i] = table[i].name;
	return names;
}

const char *const *conf_account_key_names(void)
{
	static const char *const *names;
	if (!names)
		names = key_names(account_keys, n_account_keys);
	return names;
}

const char *const *conf_global_key_names(void)
{
	static const char *const *names;
	if (!names)
		names = key_names(global_keys, n_global_keys);
	return names;
}

const char *conf_protocol_name(enum conf_protocol p)
{
	return protocol_names[p];
}

const char *conf_tls_name(enum conf_tls t)
{
	return tls_names[t];
}
