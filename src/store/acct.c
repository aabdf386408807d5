/* Opening an account's files (with the policy for damaged and foreign
 * files) and grouping writes into transactions. */
#include "common.h"

#include <stdarg.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/store-private.h"
#include "util/err.h"
#include "util/paths.h"

static const char *const file_base[FILE_COUNT] = { "meta", "bodies", "queue" };
static const enum kv_kind file_kind[FILE_COUNT] = { KV_ORDERED, KV_BLOB, KV_ORDERED };
static const char file_tag[FILE_COUNT] = { 'M', 'B', 'Q' };
static const uint32_t file_version[FILE_COUNT] = { META_VERSION, BODIES_VERSION,
						   QUEUE_VERSION };

const char *store_file_name(enum store_file f)
{
	return file_base[f];
}

void acct_note(struct store_acct *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (a->notice) {
		char *both = xasprintf("%s\n%s", a->notice, msg);
		free(msg);
		msg = both;
	}
	free(a->notice);
	a->notice = msg;
}

static bool name_ok(const char *name)
{
	return *name && name[0] != '.' && !strchr(name, '/') && strlen(name) < 256;
}

/* ---- accounts/NAME/account: what survives any damage to the databases ---- */

static int marker_read(struct store_acct *a, const char *path, bool *exists_r,
		       struct err *err)
{
	struct buf b = BUF_INIT;
	*exists_r = false;
	if (!path_exists(path))
		return 0;
	if (file_read_all(path, &b, err) < 0)
		return -1;
	*exists_r = true;
	const char *engine = NULL;
	int primary = -1;
	for (char *line = b.data, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strcmp(line, "primary=yes") == 0)
			primary = 1;
		else if (strcmp(line, "primary=no") == 0)
			primary = 0;
		else if (strncmp(line, "engine=", 7) == 0)
			engine = line + 7;
	}
	if (primary < 0 || !engine) {
		buf_release(&b);
		return err_set(err, ERR_STORE, _("%s is damaged: it should hold the lines "
						 "'primary=yes' (or 'no') and 'engine=tc'"), path);
	}
	a->primary = primary;
	a->engine = kv_backend_find(engine);
	if (!a->engine)
		err_set(err, ERR_STORE, _("%s: the account was written with the storage engine "
					  "'%s', which this postie does not have"), path, engine);
	buf_release(&b);
	return a->engine ? 0 : -1;
}

static int marker_write(struct store_acct *a, const char *path, struct err *err)
{
	char *text = xasprintf("# postie account store; do not edit\nprimary=%s\nengine=%s\n",
			       a->primary ? "yes" : "no", a->engine->name);
	int r = file_write_atomic(path, text, strlen(text), 0600, err);
	free(text);
	return r;
}

/* ---- opening one file ---- */

static char *file_path(struct store_acct *a, enum store_file f)
{
	char *base = xasprintf("%s%s", file_base[f], a->engine->suffix[file_kind[f]]);
	char *p = path_join(a->dir, base);
	free(base);
	return p;
}

static bool holds_primary(struct store_acct *a, enum store_file f)
{
	return a->primary || f == FILE_QUEUE;
}

static int move_aside(const char *path, char **moved_r, struct err *err)
{
	if (!path_exists(path)) {
		*moved_r = xstrdup(_("nowhere (it was missing)"));
		return 0;
	}
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime_r(&now, &tm));
	char *dest = xasprintf("%s.damaged-%s", path, stamp);
	if (rename(path, dest) < 0) {
		err_set(err, ERR_IO, _("cannot rename %s to %s: %s"), path, dest, strerror(errno));
		free(dest);
		return -1;
	}
	char *wal = xasprintf("%s.wal", path);
	char *wal_dest = xasprintf("%s.wal", dest);
	if (rename(wal, wal_dest) < 0 && errno != ENOENT)
		unlink(wal);
	free(wal);
	free(wal_dest);
	*moved_r = dest;
	return fsync_parent_dir(path, err);
}

/* What to do about a file that cannot be used (the reason is in err). */
static int damaged(struct store_acct *a, enum store_file f, const char *path, unsigned flags,
		   bool account_exists, bool *retry_r, struct err *err)
{
	*retry_r = false;
	if (!account_exists && !a->readonly) {
		/* The account was never completely created (its marker is written
		 * last), so this file never held anything: start it again. */
		char *moved;
		err_clear(err);
		if (move_aside(path, &moved, err) < 0)
			return -1;
		free(moved);
		*retry_r = true;
		return 0;
	}
	if (flags & STORE_ACCT_SALVAGE) {
		acct_note(a, _("skipped %s: %s"), path, err_msg(err));
		err_clear(err);
		return 0;
	}
	if (!holds_primary(a, f) && (flags & STORE_ACCT_REBUILD_CACHE) && !a->readonly) {
		char *moved;
		char *why = xstrdup(err_msg(err));
		err_clear(err);
		if (move_aside(path, &moved, err) < 0) {
			free(why);
			return -1;
		}
		acct_note(a, _("%s could not be used (%s); it was moved to %s and its mail will "
			       "be fetched again from the server"), path, why, moved);
		free(why);
		free(moved);
		*retry_r = true;
		return 0;
	}
	char *why = xstrdup(err_msg(err));
	if (holds_primary(a, f))
		err_set(err, ERR_STORE,
			_("%s is damaged (%s). It holds mail that exists nowhere else, so postie "
			  "will not change it. Copy the directory %s somewhere safe first, then "
			  "run 'postie store check -a %s' to see the damage and 'postie export "
			  "--salvage -a %s --maildir DIR' to save every message that can still "
			  "be read."), path, why, a->dir, a->name, a->name);
	else
		err_set(err, ERR_STORE,
			_("%s is damaged (%s). It only holds a copy of mail on the IMAP server: "
			  "delete it (or move it away) and postie will download that mail "
			  "again."), path, why);
	free(why);
	return -1;
}

/* Results of one attempt to open a file. */
enum open_result { OPEN_OK = 0, OPEN_DAMAGED = -1, OPEN_REFUSED = -2 };

static enum open_result check_version(struct store_acct *a, enum store_file f, bool created,
				      struct err *err)
{
	struct kv *kv = a->kv[f];
	uint32_t version;
	int r = format_read(kv, file_tag[f], &version, err);
	if (r < 0)
		return OPEN_DAMAGED;
	struct kv_stats st;
	if (r == 0 && !created && (kv_stats(kv, &st, err) < 0 || st.records > 0)) {
		err_set(err, ERR_STORE, _("%s is not a postie store file (it has no format "
					  "record)"), kv_path(kv));
		return OPEN_DAMAGED;
	}
	/* No record at all: a file whose creation was cut short. */
	if (r == 0) {
		if (kv_begin(kv, err) < 0 || format_write(kv, file_tag[f], file_version[f], err) < 0 ||
		    kv_commit(kv, err) < 0)
			return OPEN_REFUSED;
		return OPEN_OK;
	}
	if (version > file_version[f]) {
		err_set(err, ERR_STORE,
			_("%s was written by a newer postie (format %u; this postie knows formats "
			  "up to %u). Use the newer postie with it; the file has not been "
			  "changed."), kv_path(kv), version, file_version[f]);
		return OPEN_REFUSED;
	}
	if (version == file_version[f])
		return OPEN_OK;
	if (a->readonly) {
		err_set(err, ERR_STORE,
			_("%s is in the older format %u: run a command that writes to the store "
			  "(such as 'postie store compact') once to upgrade it"), kv_path(kv),
			version);
		return OPEN_REFUSED;
	}
	if (f != FILE_META) {
		err_set(err, ERR_STORE, _("%s: no upgrade from format %u"), kv_path(kv), version);
		return OPEN_REFUSED;
	}
	/* One transaction: a crash during the upgrade leaves the old format. */
	if (kv_begin(kv, err) < 0 || migrate_meta(a, version, err) < 0 ||
	    format_write(kv, file_tag[f], file_version[f], err) < 0 || kv_commit(kv, err) < 0) {
		kv_abort(kv, NULL);
		err_prefix(err, _("cannot upgrade %s from format %u"), kv_path(kv), version);
		return OPEN_REFUSED;
	}
	acct_note(a, _("%s was upgraded from format %u to %u"), kv_path(kv), version,
		  file_version[f]);
	return OPEN_OK;
}

static void remove_leftovers(const char *path)
{
	/* An interrupted store_compact() leaves its new file behind. */
	char *tmp = xasprintf("%s.compact", path);
	char *wal = xasprintf("%s.compact.wal", path);
	unlink(tmp);
	unlink(wal);
	free(tmp);
	free(wal);
}

static enum open_result try_open(struct store_acct *a, enum store_file f, const char *path,
				 bool must_exist, struct err *err)
{
	unsigned kvflags = a->readonly ? KV_READONLY : KV_CREATE;
	if (!a->readonly && holds_primary(a, f))
		kvflags |= KV_SYNC_COMMITS;
	bool exists = path_exists(path);
	if (!a->readonly)
		remove_leftovers(path);
	if (!exists && (must_exist || a->readonly)) {
		err_set(err, ERR_STORE, _("%s is missing"), path);
		return OPEN_DAMAGED;
	}
	if (kv_open(a->engine, path, file_kind[f], kvflags, NULL, &a->kv[f], err) < 0)
		return err->kind == ERR_LOCKED ? OPEN_REFUSED : OPEN_DAMAGED;
	enum open_result r = check_version(a, f, !exists, err);
	if (r != OPEN_OK)
		kv_close(&a->kv[f], NULL);
	return r;
}

static int open_file(struct store_acct *a, enum store_file f, bool account_exists,
		     unsigned flags, struct err *err)
{
	char *path = file_path(a, f);
	int r = -1;
	for (int attempt = 0; attempt < 2; attempt++) {
		enum open_result o = try_open(a, f, path, account_exists && attempt == 0, err);
		if (o == OPEN_OK)
			r = 0;
		if (o != OPEN_DAMAGED)
			break;
		bool retry;
		r = damaged(a, f, path, flags, account_exists, &retry, err);
		if (r < 0 || !retry)
			break;
	}
	free(path);
	return r;
}

/* ---- accounts ---- */

static int register_open(struct store *s, const char *name, struct err *err)
{
	int r = 0;
	pthread_mutex_lock(&s->mu);
	for (size_t i = 0; i < s->open_accts.n; i++)
		if (strcmp(s->open_accts.v[i], name) == 0)
			r = err_set(err, ERR_LOCKED, _("account %s is already open"), name);
	if (r == 0)
		ARRAY_PUSH(&s->open_accts, xstrdup(name));
	pthread_mutex_unlock(&s->mu);
	return r;
}

static void unregister_open(struct store *s, const char *name)
{
	pthread_mutex_lock(&s->mu);
	for (size_t i = 0; i < s->open_accts.n; i++) {
		if (strcmp(s->open_accts.v[i], name) == 0) {
			free(s->open_accts.v[i]);
			s->open_accts.v[i] = s->open_accts.v[--s->open_accts.n];
			break;
		}
	}
	pthread_mutex_unlock(&s->mu);
}

static int acct_open_dir(struct store_acct *a, enum store_acct_kind kind, bool *existed_r,
			 struct err *err)
{
	char *marker = path_join(a->dir, "account");
	int r = marker_read(a, marker, existed_r, err);
	if (r == 0 && !*existed_r) {
		if (a->readonly) {
			r = err_set(err, ERR_NOT_FOUND, _("there is no account %s in the store in "
							  "%s"), a->name, a->store->dir);
		} else {
			a->engine = kv_backend_default();
			a->primary = kind == STORE_ACCT_PRIMARY;
			r = mkdir_p(a->dir, 0700, err);
		}
	} else if (r == 0 && kind == STORE_ACCT_PRIMARY && !a->primary && !a->readonly) {
		/* Once it has held mail of its own, it stays primary. */
		a->primary = true;
		r = marker_write(a, marker, err);
	}
	free(marker);
	return r;
}

static int acct_open_files(struct store_acct *a, bool existed, unsigned flags, struct err *err)
{
	for (int f = 0; f < FILE_COUNT; f++)
		if (open_file(a, f, existed, flags, err) < 0)
			return -1;
	if (redo_recover(a, err) < 0)
		return -1;
	if (existed || a->readonly)
		return 0;
	char *marker = path_join(a->dir, "account");
	int r = marker_write(a, marker, err);
	free(marker);
	return r;
}

int store_acct_open(struct store *store, const char *name, enum store_acct_kind kind,
		    unsigned flags, struct store_acct **acct_r, struct err *err)
{
	*acct_r = NULL;
	if (flags & STORE_ACCT_SALVAGE)
		flags |= STORE_ACCT_READONLY;
	if (!name_ok(name))
		return err_set(err, ERR_USAGE, _("'%s' cannot be an account name in the store"),
			       name);
	if (store->readonly && !(flags & STORE_ACCT_READONLY))
		return err_set(err, ERR_USAGE, _("account %s: writing needs a writable store"),
			       name);
	if (register_open(store, name, err) < 0)
		return -1;
	struct store_acct *a = xcalloc(1, sizeof *a);
	a->store = store;
	a->name = xstrdup(name);
	char *accounts = path_join(store->dir, "accounts");
	a->dir = path_join(accounts, name);
	free(accounts);
	a->readonly = flags & STORE_ACCT_READONLY;
	bool existed;
	if (acct_open_dir(a, kind, &existed, err) < 0 ||
	    acct_open_files(a, existed, flags, err) < 0) {
		store_acct_close(&a);
		return -1;
	}
	*acct_r = a;
	return 0;
}

void store_acct_close(struct store_acct **ap)
{
	struct store_acct *a = *ap;
	if (!a)
		return;
	*ap = NULL;
	store_abort(a);
	for (int f = 0; f < FILE_COUNT; f++)
		kv_close(&a->kv[f], NULL);
	unregister_open(a->store, a->name);
	buf_release(&a->key);
	buf_release(&a->val);
	ARRAY_RELEASE(&a->dead_bodies);
	buf_release(&a->redo);
	free(a->notice);
	free(a->name);
	free(a->dir);
	free(a);
}

const char *store_acct_name(const struct store_acct *acct)
{
	return acct->name;
}

bool store_acct_is_primary(const struct store_acct *acct)
{
	return acct->primary;
}

const char *store_acct_notice(const struct store_acct *acct)
{
	return acct->notice;
}

/* ---- transactions ---- */

struct kv *acct_kv_read(struct store_acct *a, enum store_file f, struct err *err)
{
	if (!a->kv[f])
		err_set(err, ERR_NOT_FOUND, _("account %s: the %s file could not be opened"),
			a->name, file_base[f]);
	return a->kv[f];
}

struct kv *acct_kv_write(struct store_acct *a, enum store_file f, struct err *err)
{
	if (a->readonly) {
		err_set(err, ERR_USAGE, _("account %s is open read-only"), a->name);
		return NULL;
	}
	if (!a->group) {
		err_set(err, ERR_USAGE, "account %s: write outside a transaction", a->name);
		return NULL;
	}
	struct kv *kv = a->kv[f];
	if (!kv) {
		err_set(err, ERR_NOT_FOUND, _("account %s: the %s file could not be opened"),
			a->name, file_base[f]);
		return NULL;
	}
	if (f == FILE_QUEUE && a->kv[FILE_META] && a->kv[FILE_META]->recorder_overflow) {
		err_set(err, ERR_USAGE, "account %s: a group this large cannot change the queue "
			"too; commit it first", a->name);
		return NULL;
	}
	if (kv_in_txn(kv))
		return kv;
	if (kv_begin(kv, err) < 0)
		return NULL;
	if (f == FILE_META) {
		/* Kept in case the group changes the queue too (redo.c). */
		buf_reset(&a->redo);
		kv_set_recorder(kv, &a->redo, REDO_LIMIT);
	}
	return kv;
}

int store_begin(struct store_acct *a, struct err *err)
{
	if (a->readonly)
		return err_set(err, ERR_USAGE, _("account %s is open read-only"), a->name);
	if (a->group)
		return err_set(err, ERR_USAGE, "account %s: transaction already open", a->name);
	a->group = true;
	return 0;
}

int store_commit(struct store_acct *a, enum store_sync sync, struct err *err)
{
	if (!a->group)
		return err_set(err, ERR_USAGE, "account %s: commit without a transaction", a->name);
	if (redo_commit(a, sync, err) < 0) {
		store_abort(a);
		return -1;
	}
	a->group = false;
	body_del_pending(a);
	return 0;
}

void store_abort(struct store_acct *a)
{
	a->dead_bodies.n = 0;
	if (a->kv[FILE_META])
		kv_set_recorder(a->kv[FILE_META], NULL, 0);
	for (int f = 0; f < FILE_COUNT; f++)
		if (a->kv[f])
			kv_abort(a->kv[f], NULL);
	a->group = false;
}

int store_sync(struct store_acct *a, struct err *err)
{
	for (int f = 0; f < FILE_COUNT; f++)
		if (a->kv[f] && kv_sync(a->kv[f], err) < 0)
			return -1;
	return 0;
}

int acct_write_start(struct store_acct *a, struct err *err)
{
	if (a->readonly)
		return err_set(err, ERR_USAGE, _("account %s is open read-only"), a->name);
	if (a->group)
		return 0;
	a->group = true;
	return 1;
}

int acct_write_end_sync(struct store_acct *a, int own, int r, enum store_sync sync,
			struct err *err)
{
	if (!own)
		return r;
	if (r < 0) {
		store_abort(a);
		return -1;
	}
	return store_commit(a, sync, err) < 0 ? -1 : r;
}

int acct_write_end(struct store_acct *a, int own, int r, struct err *err)
{
	return acct_write_end_sync(a, own, r, STORE_NOSYNC, err);
}
