/* The contract of kv.h, run against every engine in kv_backends[] and both
 * kinds of file. A new engine passes this before the store may use it. */
#include "common.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/kv.h"
#include "tap.h"
#include "util/buf.h"
#include "util/err.h"

static const struct kv_ops *ops;
static enum kv_kind kind;
static const char *tag;
static int file_no;

static char *new_path(void)
{
	return xasprintf("%s/kv-%s-%d-%d%s", tap_tmpdir(), ops->name, kind, file_no++,
			 ops->suffix[kind]);
}

static struct kv *open_kv(const char *path, unsigned flags)
{
	struct kv *kv = NULL;
	struct err e = ERR_INIT;
	if (kv_open(ops, path, kind, flags, NULL, &kv, &e) < 0)
		tap_diag("open %s: %s", path, err_msg(&e));
	err_clear(&e);
	return kv;
}

static int put(struct kv *kv, const char *k, const char *v)
{
	return kv_put(kv, k, strlen(k), v, strlen(v), NULL);
}

/* The value of k as a new string, "-" if absent, "!" on error. */
static char *get(struct kv *kv, const char *k)
{
	struct buf b = BUF_INIT;
	int r = kv_get(kv, k, strlen(k), &b, NULL);
	char *s = r > 0 ? xstrdup(buf_cstr(&b)) : xstrdup(r == 0 ? "-" : "!");
	buf_release(&b);
	return s;
}

static void is_get(struct kv *kv, const char *k, const char *want, const char *name)
{
	char *got = get(kv, k);
	is_str(got, want, "%s %s: %s", tag, ops->name, name);
	free(got);
}

static void test_open_errors(void)
{
	char *path = new_path();
	struct kv *kv = NULL;
	struct err e = ERR_INIT;
	ok(kv_open(ops, path, kind, 0, NULL, &kv, &e) < 0 && e.kind == ERR_NOT_FOUND,
	   "%s: a missing file without KV_CREATE is ERR_NOT_FOUND", tag);
	ok(strstr(err_msg(&e), path) != NULL, "%s: the error names the file", tag);
	err_clear(&e);
	ok(kv_open(ops, path, kind, KV_READONLY | KV_CREATE, NULL, &kv, &e) < 0 &&
	   e.kind == ERR_USAGE, "%s: read-only with create refused", tag);
	err_clear(&e);
	int fd = open(path, O_WRONLY | O_CREAT, 0600);
	close(fd);
	ok(kv_open(ops, path, kind, KV_CREATE, NULL, &kv, &e) < 0 && e.kind == ERR_STORE,
	   "%s: an existing empty file is damage, never reinitialized", tag);
	err_clear(&e);
	fd = open(path, O_WRONLY | O_TRUNC);
	char junk[8192];
	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (char)(i * 7 + 3);
	ok(write(fd, junk, sizeof junk) == (ssize_t)sizeof junk, "write junk");
	close(fd);
	ok(kv_open(ops, path, kind, KV_CREATE, NULL, &kv, &e) < 0 && e.kind == ERR_STORE,
	   "%s: a file of junk is refused: %s", tag, err_msg(&e));
	err_clear(&e);
	free(path);
}

static void test_basic(void)
{
	char *path = new_path();
	struct kv *kv = open_kv(path, KV_CREATE);
	struct err e = ERR_INIT;
	ok(kv != NULL, "%s: create", tag);
	struct kv_stats st;
	ok(kv_stats(kv, &st, NULL) == 0 && st.records == 0, "%s: new file is empty", tag);
	ok(kv_put(kv, "a", 1, "1", 1, &e) < 0 && e.kind == ERR_USAGE,
	   "%s: a write outside a transaction is refused", tag);
	err_clear(&e);
	ok(kv_commit(kv, &e) < 0, "%s: commit without begin refused", tag);
	err_clear(&e);
	ok(kv_begin(kv, NULL) == 0, "%s: begin", tag);
	ok(kv_begin(kv, &e) < 0 && e.kind == ERR_USAGE, "%s: nested begin refused", tag);
	err_clear(&e);
	ok(kv_sync(kv, &e) < 0, "%s: sync inside a transaction refused", tag);
	err_clear(&e);
	ok(put(kv, "apple", "red") == 0 && put(kv, "banana", "yellow") == 0, "%s: put", tag);
	is_get(kv, "apple", "red", "a transaction reads its own writes");
	ok(kv_commit(kv, NULL) == 0, "%s: commit", tag);
	is_get(kv, "apple", "red", "get after commit");
	is_get(kv, "cherry", "-", "get of a missing key");
	kv_begin(kv, NULL);
	put(kv, "apple", "green");
	is_int(kv_del(kv, "banana", 6, NULL), 1, "%s: del of a present key", tag);
	is_int(kv_del(kv, "banana", 6, NULL), 0, "%s: del of an absent key", tag);
	/* Binary keys and values, an empty value, a large value. */
	static const char bk[] = { 0, 'x', (char)0xff, 0 };
	ok(kv_put(kv, bk, sizeof bk, "", 0, NULL) == 0, "%s: binary key, empty value", tag);
	size_t big_n = 1 << 20;
	char *big = xmalloc(big_n);
	for (size_t i = 0; i < big_n; i++)
		big[i] = (char)(i * 131 >> 3);
	ok(kv_put(kv, "big", 3, big, big_n, NULL) == 0, "%s: 1 MiB value", tag);
	ok(kv_commit(kv, NULL) == 0, "%s: commit 2", tag);
	struct buf b = BUF_INIT;
	ok(kv_get(kv, bk, sizeof bk, &b, NULL) == 1 && b.len == 0, "%s: empty value back", tag);
	ok(kv_get(kv, "big", 3, &b, NULL) == 1 && b.len == big_n && memcmp(b.data, big, big_n) == 0,
	   "%s: 1 MiB value back", tag);
	char longkey[KV_KEY_MAX + 2];
	memset(longkey, 'k', sizeof longkey);
	ok(kv_get(kv, longkey, sizeof longkey, &b, &e) < 0 && e.kind == ERR_USAGE,
	   "%s: a key over KV_KEY_MAX is refused", tag);
	err_clear(&e);
	ok(kv_sync(kv, NULL) == 0, "%s: sync", tag);
	ok(kv_close(&kv, NULL) == 0 && kv == NULL, "%s: close clears the pointer", tag);

	kv = open_kv(path, 0);
	is_get(kv, "apple", "green", "committed data survives reopening");
	is_get(kv, "banana", "-", "a committed delete survives reopening");
	ok(kv_get(kv, "big", 3, &b, NULL) == 1 && b.len == big_n && memcmp(b.data, big, big_n) == 0,
	   "%s: large value survives reopening", tag);
	ok(kv_stats(kv, &st, NULL) == 0 && st.records == 3 && st.file_bytes > 0,
	   "%s: stats (%llu records)", tag, (unsigned long long)st.records);
	kv_close(&kv, NULL);
	buf_release(&b);
	free(big);
	free(path);
}

static void test_abort(void)
{
	char *path = new_path();
	struct kv *kv = open_kv(path, KV_CREATE);
	kv_begin(kv, NULL);
	put(kv, "keep", "1");
	put(kv, "gone", "1");
	kv_commit(kv, NULL);
	kv_begin(kv, NULL);
	put(kv, "keep", "2");
	put(kv, "new", "x");
	kv_del(kv, "gone", 4, NULL);
	is_get(kv, "keep", "2", "the transaction sees its change");
	ok(kv_abort(kv, NULL) == 0 && !kv_in_txn(kv), "%s: abort", tag);
	is_get(kv, "keep", "1", "abort undoes an overwrite");
	is_get(kv, "new", "-", "abort undoes an insert");
	is_get(kv, "gone", "1", "abort undoes a delete");
	/* Closing with a transaction open aborts it. */
	kv_begin(kv, NULL);
	put(kv, "keep", "3");
	kv_close(&kv, NULL);
	kv = open_kv(path, 0);
	is_get(kv, "keep", "1", "close aborts an open transaction");
	kv_close(&kv, NULL);
	free(path);
}

struct seen {
	struct buf keys;
	int stop_after;
	int n;
	bool fail;
};

static int record(const void *key, size_t klen, const void *val, size_t vlen, void *aux,
		  struct err *err)
{
	struct seen *s = aux;
	if (s->fail)
		return err_set(err, ERR_INPUT, "callback failed");
	if (s->keys.len)
		buf_addc(&s->keys, ',');
	buf_add(&s->keys, key, klen);
	buf_addc(&s->keys, '=');
	buf_add(&s->keys, val, vlen);
	return ++s->n == s->stop_after;
}

static char *scan(struct kv *kv, const char *prefix, const char *start, unsigned flags,
		  int stop_after)
{
	struct seen s = { BUF_INIT, stop_after, 0, false };
	int r = kv_scan(kv, prefix, prefix ? strlen(prefix) : 0, start, start ? strlen(start) : 0,
			flags, record, &s, NULL);
	if (r < 0)
		buf_adds(&s.keys, "!ERROR");
	return buf_detach(&s.keys, NULL);
}

static void is_scan(struct kv *kv, const char *prefix, const char *start, unsigned flags,
		    int stop, const char *want, const char *name)
{
	char *got = scan(kv, prefix, start, flags, stop);
	is_str(got, want, "%s %s: scan %s", tag, ops->name, name);
	free(got);
}

static void test_scan(void)
{
	char *path = new_path();
	struct kv *kv = open_kv(path, KV_CREATE);
	kv_begin(kv, NULL);
	static const char *const keys[] = { "a", "b1", "b2", "b3", "b\xff", "b\xff\xff", "c" };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		put(kv, keys[i], "v");
	kv_commit(kv, NULL);
	struct err e = ERR_INIT;
	struct seen s = { BUF_INIT, 0, 0, true };
	ok(kv_scan(kv, "b", 1, NULL, 0, 0, record, &s, &e) < 0 &&
	   strcmp(err_msg(&e), "callback failed") == 0, "%s: a callback's failure ends the scan",
	   tag);
	err_clear(&e);
	buf_release(&s.keys);
	if (kind == KV_BLOB) {
		char *got = scan(kv, "b", NULL, 0, 0);
		ok(strlen(got) == strlen("b1=v,b2=v,b3=v,b\xff=v,b\xff\xff=v") && strstr(got, "b2=v") &&
		   !strstr(got, "a=") && !strstr(got, "c="), "%s: prefix scan finds the five", tag);
		free(got);
		ok(kv_scan(kv, "b", 1, "b2", 2, 0, record, &s, &e) < 0 &&
		   e.kind == ERR_UNSUPPORTED, "%s: a start key is refused", tag);
		err_clear(&e);
		kv_close(&kv, NULL);
		free(path);
		return;
	}
	is_scan(kv, NULL, NULL, 0, 0, "a=v,b1=v,b2=v,b3=v,b\xff=v,b\xff\xff=v,c=v", "all in order");
	is_scan(kv, "b", NULL, 0, 0, "b1=v,b2=v,b3=v,b\xff=v,b\xff\xff=v", "by prefix");
	is_scan(kv, "b", "b2", 0, 0, "b2=v,b3=v,b\xff=v,b\xff\xff=v", "from a start key");
	is_scan(kv, "b", "b25", 0, 0, "b3=v,b\xff=v,b\xff\xff=v", "from a key between records");
	is_scan(kv, "b", NULL, 0, 2, "b1=v,b2=v", "stopped by the callback");
	is_scan(kv, "b", NULL, KV_SCAN_REVERSE, 0, "b\xff\xff=v,b\xff=v,b3=v,b2=v,b1=v", "reverse");
	is_scan(kv, "b", "b25", KV_SCAN_REVERSE, 0, "b2=v,b1=v", "reverse from a start key");
	is_scan(kv, "b", "b3", KV_SCAN_REVERSE, 1, "b3=v", "reverse from an existing key");
	is_scan(kv, "b\xff", NULL, KV_SCAN_REVERSE, 0, "b\xff\xff=v,b\xff=v", "reverse, prefix ending in 0xff");
	is_scan(kv, NULL, NULL, KV_SCAN_REVERSE, 1, "c=v", "reverse over everything");
	is_scan(kv, "d", NULL, 0, 0, "", "an empty prefix range");
	is_scan(kv, "0", NULL, KV_SCAN_REVERSE, 0, "", "an empty range before everything, reverse");
	ok(kv_scan(kv, "b", 1, "a", 1, 0, record, &s, &e) < 0 && e.kind == ERR_USAGE,
	   "%s: a start key outside the prefix is refused", tag);
	err_clear(&e);
	kv_close(&kv, NULL);
	free(path);
}

/* Runs, in a fresh child, an open of path with `flags` while another fresh
 * child holds it open with `holder_flags`. (Fresh children: Tokyo Cabinet
 * refuses a file that a forked child inherited open from its parent.)
 * Returns the open's error kind (ERR_NONE for success) and its message. */
static enum err_kind open_while_held(const char *path, unsigned holder_flags, unsigned flags,
				     char *msg, size_t msg_size)
{
	int ready[2], done[2], result[2];
	if (pipe(ready) < 0 || pipe(done) < 0 || pipe(result) < 0)
		return ERR_IO;
	fflush(stdout);
	pid_t holder = fork();
	if (holder == 0) {
		alarm(20);
		struct kv *k1 = open_kv(path, holder_flags);
		char c = k1 ? 'y' : 'n';
		(void)!write(ready[1], &c, 1);
		(void)!read(done[0], &c, 1);
		kv_close(&k1, NULL);
		_exit(0);
	}
	char c = 0;
	(void)!read(ready[0], &c, 1);
	pid_t pid = fork();
	if (pid == 0) {
		alarm(10);  /* blocking instead of failing would hang here */
		struct kv *k2 = NULL;
		struct err e = ERR_INIT;
		kv_open(ops, path, kind, flags, NULL, &k2, &e);
		kv_close(&k2, NULL);
		char out[512];
		int n = snprintf(out, sizeof out, "%d %s", (int)e.kind, err_msg(&e));
		(void)!write(result[1], out, (size_t)n);
		_exit(0);
	}
	close(result[1]);
	char out[512] = "";
	ssize_t n = read(result[0], out, sizeof out - 1);
	out[n > 0 ? n : 0] = '\0';
	int status;
	waitpid(pid, &status, 0);
	(void)!write(done[1], "x", 1);
	waitpid(holder, &status, 0);
	close(ready[0]);
	close(ready[1]);
	close(done[0]);
	close(done[1]);
	close(result[0]);
	char *sp = strchr(out, ' ');
	snprintf(msg, msg_size, "%s", sp ? sp + 1 : "");
	return c == 'y' && n > 0 ? (enum err_kind)atoi(out) : ERR_IO;
}

static void test_readonly_and_locks(void)
{
	char *path = new_path();
	struct kv *kv = open_kv(path, KV_CREATE);
	kv_begin(kv, NULL);
	put(kv, "k", "v");
	kv_commit(kv, NULL);
	struct kv *other = NULL;
	struct err e = ERR_INIT;
	ok(kv_open(ops, path, kind, 0, NULL, &other, &e) < 0 && e.kind == ERR_LOCKED,
	   "%s: a second writer in this process gets ERR_LOCKED", tag);
	err_clear(&e);
	kv_close(&kv, NULL);

	char msg[256];
	is_int(open_while_held(path, 0, 0, msg, sizeof msg), ERR_LOCKED,
	       "%s: a writer in another process fails at once while a writer has the file", tag);
	ok(strstr(msg, "another process") != NULL, "%s: and says why: %s", tag, msg);
	is_int(open_while_held(path, 0, KV_READONLY, msg, sizeof msg), ERR_LOCKED,
	       "%s: so does a reader", tag);
	is_int(open_while_held(path, KV_READONLY, 0, msg, sizeof msg), ERR_LOCKED,
	       "%s: and a writer while a reader has it", tag);
	is_int(open_while_held(path, KV_READONLY, KV_READONLY, msg, sizeof msg), ERR_NONE,
	       "%s: readers in two processes share the file", tag);

	struct kv *r1 = open_kv(path, KV_READONLY);
	ok(r1 != NULL, "%s: read-only open", tag);
	is_get(r1, "k", "v", "read-only get");
	ok(kv_begin(r1, &e) < 0 && e.kind == ERR_USAGE, "%s: no transactions read-only", tag);
	err_clear(&e);
	ok(kv_put(r1, "k", 1, "w", 1, &e) < 0 && e.kind == ERR_USAGE,
	   "%s: no writes read-only", tag);
	err_clear(&e);
	kv_close(&r1, NULL);

	kv = open_kv(path, KV_SYNC_COMMITS);
	ok(kv && kv_begin(kv, NULL) == 0 && put(kv, "s", "1") == 0 && kv_commit(kv, NULL) == 0,
	   "%s: a synced commit", tag);
	kv_close(&kv, NULL);
	free(path);
}

/* A process killed inside a transaction leaves no trace of it. */
static void test_kill(void)
{
	char *path = new_path();
	struct kv *kv = open_kv(path, KV_CREATE);
	kv_begin(kv, NULL);
	put(kv, "base", "1");
	kv_commit(kv, NULL);
	kv_close(&kv, NULL);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		struct kv *k = open_kv(path, 0);
		kv_begin(k, NULL);
		char v[600];
		memset(v, 'x', sizeof v - 1);
		v[sizeof v - 1] = '\0';
		for (int i = 0; i < 20000; i++) {
			char key[32];
			snprintf(key, sizeof key, "k%06d", i);
			put(k, key, v);
		}
		put(k, "base", "2");
		raise(SIGKILL);
	}
	int status;
	waitpid(pid, &status, 0);
	ok(WIFSIGNALED(status), "%s: the writer was killed", tag);
	kv = open_kv(path, 0);
	ok(kv != NULL, "%s: reopens after the kill", tag);
	is_get(kv, "base", "1", "no part of the killed transaction");
	is_get(kv, "k000000", "-", "no record of the killed transaction");
	struct kv_stats st;
	ok(kv && kv_stats(kv, &st, NULL) == 0 && st.records == 1, "%s: one record", tag);
	kv_close(&kv, NULL);
	free(path);
}

int main(void)
{
	for (size_t i = 0; kv_backends[i]; i++) {
		ops = kv_backends[i];
		for (int k = 0; k < 2; k++) {
			kind = (enum kv_kind)k;
			tag = kind == KV_ORDERED ? "ordered" : "blob";
			test_open_errors();
			test_basic();
			test_abort();
			test_scan();
			test_readonly_and_locks();
			test_kill();
		}
	}
	ok(kv_backend_find("tc") == &kv_tc_ops && kv_backend_default() == kv_backends[0],
	   "backend registry");
	ok(kv_backend_find("nope") == NULL, "unknown backend");
	return tap_done();
}
