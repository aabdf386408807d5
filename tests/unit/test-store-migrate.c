/* Store format versions: a format 1 meta file is upgraded in place (also
 * when the upgrade is killed half-way), a format from the future is refused
 * and left byte for byte as it was. */
#include "common.h"

#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store-fixture.h"
#include "store/store-private.h"
#include "tap.h"
#include "util/err.h"

static char *dir;

static void put_raw(struct kv *kv, const struct buf *key, const struct buf *val)
{
	kv_put(kv, key->data, key->len, val->data, val->len, NULL);
}

/* Replaces the meta file of account name with a format 1 one holding
 * folders INBOX (id 1, n1 messages) and Lists/pg (id 2, n2 messages). */
static void write_v1(const char *name, uint32_t n1, uint32_t n2)
{
	char *path = fixture_file(dir, name, "meta");
	unlink(path);
	struct kv *kv;
	struct err e = ERR_INIT;
	if (kv_open(kv_backend_default(), path, KV_ORDERED, KV_CREATE, NULL, &kv, &e) < 0) {
		ok(false, "create %s: %s", path, err_msg(&e));
		return;
	}
	kv_begin(kv, NULL);
	format_write(kv, 'M', 1, NULL);
	struct buf key = BUF_INIT, val = BUF_INIT;
	buf_add(&key, "\0next-folder", 12);
	enc_uvar(&val, 3);
	put_raw(kv, &key, &val);
	const char *names[] = { "INBOX", "Lists/pg" };
	uint32_t counts[] = { n1, n2 };
	for (uint32_t id = 1; id <= 2; id++) {
		struct store_folder f = { .id = id, .name = (char *)names[id - 1], .uidvalidity = 7,
					  .uidnext = counts[id - 1] + 1, .next_local_id = 1 };
		folder_key(&key, id);
		buf_reset(&val);
		folder_encode(&val, &f, false);
		put_raw(kv, &key, &val);
		buf_reset(&key);
		buf_addc(&key, 'N');
		buf_adds(&key, names[id - 1]);
		buf_reset(&val);
		enc_be32(&val, id);
		put_raw(kv, &key, &val);
		for (uint32_t uid = 1; uid <= counts[id - 1]; uid++) {
			struct msg_summary s;
			fixture_summary(&s, uid, 2);
			buf_reset(&key);
			buf_addc(&key, 'M');
			enc_be32(&key, id);
			enc_be32(&key, uid);
			buf_reset(&val);
			summary_v1_encode(&val, &s);
			put_raw(kv, &key, &val);
			msg_summary_release(&s);
		}
	}
	ok(kv_commit(kv, NULL) == 0 && kv_close(&kv, NULL) == 0, "wrote a format 1 meta file");
	buf_release(&key);
	buf_release(&val);
	free(path);
}

/* What format 1 could hold of the fixture summary. */
static void v1_view(struct msg_summary *s, uint32_t uid)
{
	fixture_summary(s, uid, 2);
	s->internaldate = 0;
	s->modseq = 0;
	for (size_t i = 0; i < s->n_keywords; i++)
		free(s->keywords[i]);
	free(s->keywords);
	s->keywords = NULL;
	s->n_keywords = 0;
}

struct verify {
	uint32_t next;
	bool good;
};

static int verify_one(const struct msg_summary *s, void *aux, struct err *err)
{
	struct verify *v = aux;
	struct msg_summary want;
	v1_view(&want, v->next);
	if (!msg_summary_equal(s, &want))
		v->good = false;
	msg_summary_release(&want);
	v->next++;
	return 0;
}

static bool folder_holds_v1(struct store_acct *a, const char *name, uint32_t n)
{
	struct store_folder f = { 0 };
	if (store_folder_get(a, name, &f, NULL) != 1)
		return false;
	struct verify v = { 1, true };
	bool good = store_msg_scan(a, f.id, 0, verify_one, &v, NULL) == 0 && v.good &&
		    v.next == n + 1 && f.n_messages == n && f.uidvalidity == 7;
	uint32_t uid;
	if (n >= 3)
		good = good && store_msg_find_uidl(a, f.id, "uidl-3", &uid, NULL) == 1 && uid == 3;
	store_folder_release(&f);
	return good;
}

static uint32_t meta_version(const char *name)
{
	char *path = fixture_file(dir, name, "meta");
	struct kv *kv;
	uint32_t v = 0;
	if (kv_open(kv_backend_default(), path, KV_ORDERED, KV_READONLY, NULL, &kv, NULL) == 0) {
		format_read(kv, 'M', &v, NULL);
		kv_close(&kv, NULL);
	}
	free(path);
	return v;
}

static void test_upgrade(void)
{
	struct store *s = fixture_store(dir, 0);
	struct store_acct *a = fixture_acct(s, "old", STORE_ACCT_CACHE, 0);
	store_acct_close(&a);
	write_v1("old", 600, 300);
	store_close(&s);

	s = fixture_store(dir, STORE_READONLY);
	struct err e = ERR_INIT;
	ok(store_acct_open(s, "old", STORE_ACCT_CACHE, STORE_ACCT_READONLY, &a, &e) < 0 &&
	   strstr(err_msg(&e), "older format 1"), "a read-only open does not upgrade: %s",
	   err_msg(&e));
	err_clear(&e);
	store_close(&s);

	s = fixture_store(dir, 0);
	a = fixture_acct(s, "old", STORE_ACCT_CACHE, 0);
	const char *note = store_acct_notice(a);
	ok(note && strstr(note, "upgraded from format 1 to 2"), "the upgrade is announced: %s",
	   note ? note : "(none)");
	ok(folder_holds_v1(a, "INBOX", 600), "INBOX holds its 600 summaries");
	ok(folder_holds_v1(a, "Lists/pg", 300), "Lists/pg holds its 300 summaries");
	ok(fixture_check_clean(a), "the upgraded store checks clean");
	struct msg_summary m;
	fixture_summary(&m, 601, 2);
	struct store_folder f = { 0 };
	store_folder_get(a, "INBOX", &f, NULL);
	ok(store_msg_put(a, f.id, &m, 1, NULL) == 0, "and takes new summaries");
	msg_summary_release(&m);
	store_folder_release(&f);
	store_acct_close(&a);
	is_int(meta_version("old"), 2, "the file is at format 2 now");
	a = fixture_acct(s, "old", STORE_ACCT_CACHE, 0);
	ok(store_acct_notice(a) == NULL, "the next open has nothing to announce");
	store_acct_close(&a);
	store_close(&s);
}

/* The upgrade runs in one transaction: killed at any point, the next open
 * finds format 1 (and upgrades) or format 2, never a mixture. */
static void test_killed_upgrade(void)
{
	struct store *s = fixture_store(dir, 0);
	struct store_acct *a = fixture_acct(s, "killed", STORE_ACCT_CACHE, 0);
	store_acct_close(&a);
	store_close(&s);
	srand((unsigned)time(NULL));
	int both = 0;
	for (int round = 0; round < 4; round++) {
		write_v1("killed", 6000, 10);
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			struct store *cs;
			struct store_acct *ca;
			if (store_open(dir, 0, &cs, NULL) == 0)
				store_acct_open(cs, "killed", STORE_ACCT_CACHE, 0, &ca, NULL);
			pause();
			_exit(0);
		}
		usleep((useconds_t)(rand() % 120000));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		uint32_t before = meta_version("killed");
		both |= before == 1 ? 1 : before == 2 ? 2 : 4;
		s = fixture_store(dir, 0);
		a = fixture_acct(s, "killed", STORE_ACCT_CACHE, 0);
		ok(folder_holds_v1(a, "INBOX", 6000) && fixture_check_clean(a),
		   "killed upgrade %d (found format %u): complete and clean", round, before);
		store_acct_close(&a);
		store_close(&s);
	}
	ok(!(both & 4), "only formats 1 and 2 were ever found");
}

static void test_future(void)
{
	struct store *s = fixture_store(dir, 0);
	struct store_acct *a = fixture_acct(s, "future", STORE_ACCT_CACHE, 0);
	struct store_folder f = { 0 };
	store_folder_ensure(a, "INBOX", &f, NULL);
	store_folder_release(&f);
	store_acct_close(&a);
	char *path = fixture_file(dir, "future", "meta");
	struct kv *kv;
	kv_open(kv_backend_default(), path, KV_ORDERED, 0, NULL, &kv, NULL);
	kv_begin(kv, NULL);
	format_write(kv, 'M', 3, NULL);
	kv_commit(kv, NULL);
	kv_close(&kv, NULL);
	size_t len_before, len_after;
	char *before = fixture_slurp(path, &len_before);
	struct err e = ERR_INIT;
	ok(store_acct_open(s, "future", STORE_ACCT_CACHE, STORE_ACCT_REBUILD_CACHE, &a, &e) < 0 &&
	   e.kind == ERR_STORE, "a format from a newer postie is refused");
	ok(strstr(err_msg(&e), "newer postie") && strstr(err_msg(&e), "format 3") &&
	   strstr(err_msg(&e), "has not been changed"), "with a clear message: %s", err_msg(&e));
	err_clear(&e);
	char *after = fixture_slurp(path, &len_after);
	ok(len_before == len_after && memcmp(before, after, len_before) == 0,
	   "and the file is left byte for byte as it was (not even moved aside)");
	free(before);
	free(after);
	free(path);
	store_close(&s);
}

int main(void)
{
	dir = fixture_dir("data");
	test_upgrade();
	test_killed_upgrade();
	test_future();
	free(dir);
	return tap_done();
}
