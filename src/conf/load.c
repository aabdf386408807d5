#include "common.h"

#include <dirent.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "conf/conf-private.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/paths.h"
#include "util/strutil.h"

#define DEFAULT_TIMEOUT 30
#define DEFAULT_IDLE_INTERVAL 600

void conf_diags_add(struct conf_diags *d, const char *file, unsigned line, const char *fmt, ...)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->v = xreallocarray(d->v, d->cap, sizeof *d->v);
	}
	va_list ap;
	va_start(ap, fmt);
	d->v[d->n].msg = xvasprintf(fmt, ap);
	va_end(ap);
	d->v[d->n].file = xstrdup(file);
	d->v[d->n].line = line;
	d->n++;
}

void conf_diags_release(struct conf_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	d->v = NULL;
	d->n = d->cap = 0;
}

/* State while one file is applied to one object. */
struct file_ctx {
	const char *file;
	const struct key_def *table;
	size_t n_keys;
	void *obj;
	unsigned *seen_line;        /* per key: line it was set on, 0 if not yet */
	unsigned password_line;
	struct conf_diags *diags;
};

static void apply_line(const char *key, const char *value, unsigned line, void *aux)
{
	struct file_ctx *ctx = aux;
	const struct key_def *def = key_find(ctx->table, ctx->n_keys, key);
	if (!def) {
		const char *hint = key_suggest(ctx->table, ctx->n_keys, key);
		if (hint)
			conf_diags_add(ctx->diags, ctx->file, line,
				       _("unknown key '%s' (did you mean '%s'?)"), key, hint);
		else
			conf_diags_add(ctx->diags, ctx->file, line, _("unknown key '%s'"), key);
		return;
	}
	if (def->type == KEY_LINES) {
		conf_lines_add((struct conf_lines *)((char *)ctx->obj + def->offset), value,
			       ctx->file, line);
		return;
	}
	size_t idx = (size_t)(def - ctx->table);
	if (ctx->seen_line[idx]) {
		conf_diags_add(ctx->diags, ctx->file, line,
			       _("'%s' is set twice (first on line %u)"), key, ctx->seen_line[idx]);
		return;
	}
	ctx->seen_line[idx] = line;
	if (strcmp(key, "password") == 0)
		ctx->password_line = line;
	char *msg = key_apply(def, ctx->obj, value);
	if (msg) {
		conf_diags_add(ctx->diags, ctx->file, line, "%s", msg);
		free(msg);
	}
}

/* Reads path and applies it to obj through table. Returns the per-key line
 * array (caller frees) or NULL when the file could not be read. */
static unsigned *apply_file(const char *path, const struct key_def *table, size_t n_keys,
			    void *obj, unsigned *password_line_r, struct conf_diags *diags)
{
	struct buf text = BUF_INIT;
	struct err err = ERR_INIT;
	if (file_read_all(path, &text, &err) < 0) {
		conf_diags_add(diags, path, 0, "%s", err_msg(&err));
		err_clear(&err);
		buf_release(&text);
		return NULL;
	}
	const char *nul = memchr(text.data ? text.data : "", '\0', text.len);
	if (nul) {
		unsigned line = 1;
		for (const char *p = text.data; p < nul; p++)
			line += *p == '\n';
		conf_diags_add(diags, path, line, _("file contains a NUL byte; the rest is ignored"));
	}
	struct file_ctx ctx = {
		.file = path, .table = table, .n_keys = n_keys, .obj = obj,
		.seen_line = xcalloc(n_keys, sizeof(unsigned)), .diags = diags,
	};
	if (text.data)
		conf_parse_text(path, text.data, apply_line, &ctx, diags);
	buf_release(&text);
	if (password_line_r)
		*password_line_r = ctx.password_line;
	return ctx.seen_line;
}

static void check_pop3_keys(const struct account_conf *a, struct conf_diags *diags)
{
	if (a->protocol != PROTO_POP3) {
		if (a->leave_on_server || a->delete_after_days || a->delete_on_server_when_deleted)
			conf_diags_add(diags, a->path, 0,
				       _("leave_on_server, delete_after_days and "
					 "delete_on_server_when_deleted apply only to POP3 accounts"));
		return;
	}
	if (a->delete_after_days && !a->leave_on_server)
		conf_diags_add(diags, a->path, 0,
			       _("delete_after_days = %d needs leave_on_server = yes (otherwise "
				 "messages leave the server as soon as they are downloaded)"),
			       a->delete_after_days);
}

static void check_account(struct account_conf *a, const unsigned *seen, unsigned password_line,
			  struct conf_diags *diags)
{
	for (size_t i = 0; i < n_account_keys; i++)
		if ((account_keys[i].flags & KEYF_REQUIRED) && !seen[i])
			conf_diags_add(diags, a->path, 0, _("missing required key '%s'"),
				       account_keys[i].name);

	if (password_line) {
		struct stat st;
		if (stat(a->path, &st) == 0 && (st.st_mode & 077))
			conf_diags_add(diags, a->path, password_line,
				       _("'password' is stored in a file that others can read (mode %04o); "
					 "run chmod 600 on it, or use password_command instead"),
				       (unsigned)(st.st_mode & 07777));
	}
	if (a->password && a->password_command)
		conf_diags_add(diags, a->path, password_line,
			       _("set either 'password' or 'password_command', not both"));
	bool uses_password = !a->oauth_token_command;
	if (a->tls == TLS_NONE && uses_password && !a->allow_plaintext_password)
		conf_diags_add(diags, a->path, 0,
			       _("tls = none would send the password unencrypted; "
				 "set allow_plaintext_password = yes if you really mean it"));
	if (a->smtp_host && a->smtp_tls == TLS_NONE && uses_password && !a->allow_plaintext_password)
		conf_diags_add(diags, a->path, 0,
			       _("smtp_tls = none would send the password unencrypted; "
				 "set allow_plaintext_password = yes if you really mean it"));
	static const char *const auth_names[] = {
		"plain", "login", "user", "apop", "xoauth2", "oauthbearer", NULL,
	};
	bool auth_ok = !a->auth;
	for (size_t i = 0; !auth_ok && auth_names[i]; i++)
		auth_ok = str_casecmp(a->auth, auth_names[i]) == 0;
	if (!auth_ok)
		conf_diags_add(diags, a->path, 0,
			       _("auth must be plain, login, user, apop, xoauth2 or oauthbearer, "
				 "not '%s'"), a->auth);
	if (a->tls_pin && !str_startswith(a->tls_pin, "sha256:"))
		conf_diags_add(diags, a->path, 0,
			       _("tls_pin must look like sha256:BASE64 (the server key's SHA-256 pin)"));
	if (a->address && !strchr(a->address, '@'))
		conf_diags_add(diags, a->path, 0, _("address '%s' is not a mail address"), a->address);
	check_pop3_keys(a, diags);
}

/* sync_bodies = none | recent DAYS | all */
static void parse_sync_bodies(struct account_conf *a, unsigned line, struct conf_diags *diags)
{
	a->sync_bodies = SYNC_BODIES_NONE;
	const char *v = a->sync_bodies_text;
	if (!v || str_casecmp(v, "none") == 0)
		return;
	if (str_casecmp(v, "all") == 0) {
		a->sync_bodies = SYNC_BODIES_ALL;
		return;
	}
	long days;
	if (str_ncasecmp(v, "recent", 6) == 0 && (v[6] == ' ' || v[6] == '\t')) {
		char *copy = xstrdup(v + 6);
		int r = str_to_long(str_trim(copy), 1, 36500, &days);
		free(copy);
		if (r == 0) {
			a->sync_bodies = SYNC_BODIES_RECENT;
			a->sync_bodies_days = (int)days;
			return;
		}
	}
	conf_diags_add(diags, a->path, line,
		       _("sync_bodies must be none, all or recent DAYS (e.g. recent 30), not '%s'"),
		       v);
}

/* Guesses the TLS mode from a well-known port when only the port was given. */
static void infer_tls(const struct account_conf *a, int port, bool set_tls, enum conf_tls *tls)
{
	if (set_tls || !port)
		return;
	if (port == 143 || port == 110 || port == 587 || port == 25)
		*tls = TLS_STARTTLS;
}

static void load_account(struct conf *conf, const char *dir, const char *file,
			 struct conf_diags *diags)
{
	struct account_conf a = { 0 };
	a.account = xstrndup(file, strlen(file) - strlen(".conf"));
	a.path = path_join(dir, file);
	a.timeout = DEFAULT_TIMEOUT;
	a.idle_interval = DEFAULT_IDLE_INTERVAL;
	a.save_sent = true;
	unsigned password_line = 0;
	unsigned *seen = apply_file(a.path, account_keys, n_account_keys, &a, &password_line, diags);
	if (seen) {
		check_account(&a, seen, password_line, diags);
		const struct key_def *sb = key_find(account_keys, n_account_keys, "sync_bodies");
		parse_sync_bodies(&a, seen[sb - account_keys], diags);
		free(seen);
	}
	if (!a.set_subscribed_only)
		a.subscribed_only = true;
	infer_tls(&a, a.port, a.set_tls, &a.tls);
	infer_tls(&a, a.smtp_port, a.set_smtp_tls, &a.smtp_tls);
	conf->accounts = xreallocarray(conf->accounts, conf->n_accounts + 1, sizeof a);
	conf->accounts[conf->n_accounts++] = a;
}

static int account_cmp(const void *x, const void *y)
{
	const struct account_conf *a = x, *b = y;
	return strcmp(a->account, b->account);
}

static bool valid_account_file(const char *name)
{
	if (name[0] == '.' || !str_endswith(name, ".conf") || strlen(name) == strlen(".conf"))
		return false;
	return true;
}

static void load_accounts(struct conf *conf, struct conf_diags *diags)
{
	char *dir = path_join(conf->dir, "accounts");
	DIR *d = opendir(dir);
	if (!d) {
		if (errno != ENOENT)
			conf_diags_add(diags, dir, 0, _("cannot read directory: %s"), strerror(errno));
		free(dir);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d)) != NULL)
		if (valid_account_file(de->d_name))
			load_account(conf, dir, de->d_name, diags);
	closedir(d);
	free(dir);
	if (conf->n_accounts)
		qsort(conf->accounts, conf->n_accounts, sizeof *conf->accounts, account_cmp);
}

int conf_load(const char *dir, struct conf **conf_r, struct conf_diags *diags)
{
	size_t before = diags->n;
	struct conf *conf = xcalloc(1, sizeof *conf);
	conf->dir = xstrdup(dir);
	char *global = path_join(dir, "postie.conf");
	if (path_exists(global))
		conf->global_lines = apply_file(global, global_keys, n_global_keys, &conf->global,
						NULL, diags);
	free(global);
	load_accounts(conf, diags);
	if (conf->global.default_account &&
	    !conf_find_account(conf, conf->global.default_account)) {
		char *g = path_join(dir, "postie.conf");
		conf_diags_add(diags, g, 0, _("default_account '%s' has no file accounts/%s.conf"),
			       conf->global.default_account, conf->global.default_account);
		free(g);
	}
	*conf_r = conf;
	return diags->n == before ? 0 : -1;
}

void conf_free(struct conf **confp)
{
	struct conf *conf = *confp;
	if (!conf)
		return;
	for (size_t i = 0; i < conf->n_accounts; i++) {
		keys_release(account_keys, n_account_keys, &conf->accounts[i]);
		free(conf->accounts[i].account);
		free(conf->accounts[i].path);
	}
	free(conf->accounts);
	keys_release(global_keys, n_global_keys, &conf->global);
	free(conf->global_lines);
	free(conf->dir);
	free(conf);
	*confp = NULL;
}

unsigned conf_global_line(const struct conf *conf, const char *name)
{
	const struct key_def *def = key_find(global_keys, n_global_keys, name);
	if (!def || !conf->global_lines)
		return 0;
	return conf->global_lines[def - global_keys];
}

const struct account_conf *conf_find_account(const struct conf *conf, const char *name)
{
	for (size_t i = 0; i < conf->n_accounts; i++)
		if (strcmp(conf->accounts[i].account, name) == 0)
			return &conf->accounts[i];
	return NULL;
}

const struct account_conf *conf_pick_account(const struct conf *conf, const char *name,
					     struct err *err)
{
	if (!name)
		name = conf->global.default_account;
	if (name) {
		const struct account_conf *a = conf_find_account(conf, name);
		if (!a)
			err_set(err, ERR_USAGE, _("no account '%s' (no file %s/accounts/%s.conf)"),
				name, conf->dir, name);
		return a;
	}
	if (conf->n_accounts == 0) {
		err_set(err, ERR_CONFIG,
			_("no account is configured: add one with 'postie add-account' "
			  "or write %s/accounts/NAME.conf"), conf->dir);
		return NULL;
	}
	return &conf->accounts[0];
}

int account_port(const struct account_conf *a)
{
	if (a->port)
		return a->port;
	bool implicit = a->tls == TLS_IMPLICIT;
	if (a->protocol == PROTO_IMAP)
		return implicit ? 993 : 143;
	return implicit ? 995 : 110;
}

int account_smtp_port(const struct account_conf *a)
{
	if (a->smtp_port)
		return a->smtp_port;
	return a->smtp_tls == TLS_IMPLICIT ? 465 : 587;
}

const char *account_smtp_user(const struct account_conf *a)
{
	return a->smtp_user ? a->smtp_user : a->user;
}

const char *account_smtp_password_command(const struct account_conf *a)
{
	return a->smtp_password_command ? a->smtp_password_command : a->password_command;
}
