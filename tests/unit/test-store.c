/* The store API: data dir locking, accounts, folders, summaries (through
 * many chunk splits), bodies, transactions, journal, outbox, check, compact
 * and the in-memory index. */
#include "common.h"

#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store-fixture.h"
#include "store/index.h"
#include "store/store-private.h"
#include "tap.h"
#include "util/buf.h"
#include "util/err.h"

static char *dir;

/* The error kind and message of opening the data dir in a child process. */
static enum err_kind child_open(unsigned flags, char *msg, size_t size)
{
	int p[2];
	if (pipe(p) < 0)
		return ERR_IO;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		struct store *s;
		struct err e = ERR_INIT;
		store_open(dir, flags, &s, &e);
		char out[600];
		int n = snprintf(out, sizeof out, "%d %s", (int)e.kind, err_msg(&e));
		(void)!write(p[1], out, (size_t)n);
		_exit(0);
	}
	close(p[1]);
	char out[600] = "";
	ssize_t n = read(p[0], out, sizeof out - 1);
	out[n > 0 ? n : 0] = '\0';
	close(p[0]);
	waitpid(pid, NULL, 0);
	char *sp = strchr(out, ' ');
	snprintf(msg, size, "%s", sp ? sp + 1 : "");
	return (enum err_kind)atoi(out);
}

static void test_locking(void)
{
	struct store *s = fixture_store(dir, 0);
	struct store *t;
	struct err e = ERR_INIT;
	char msg[600];
	ok(store_open(dir, 0, &t, &e) < 0 && e.kind == ERR_LOCKED &&
	   strstr(err_msg(&e), "in this process"), "second writer in this process: %s",
	   err_msg(&e));
	err_clear(&e);
	is_int(child_open(0, msg, sizeof msg), ERR_LOCKED, "a writer in another process fails");
	char *pid = xasprintf("pid %ld", (long)getpid());
	ok(strstr(msg, "already running") && strstr(msg, pid), "and names the pid: %s", msg);
	free(pid);
	is_int(child_open(STORE_READONLY, msg, sizeof msg), ERR_LOCKED,
	       "a reader fails while a writer runs: %s", msg);
	store_close(&s);
	ok(s == NULL, "store_close clears the pointer");

	s = fixture_store(dir, STORE_READONLY);
	is_int(child_open(STORE_READONLY, msg, sizeof msg), ERR_NONE, "readers share");
	is_int(child_open(0, msg, sizeof msg), ERR_LOCKED, "a writer waits for readers");
	ok(strstr(msg, "reading") != NULL, "and says a command is reading: %s", msg);
	store_close(&s);
	char *missing = xasprintf("%s/nowhere", dir);
	ok(store_open(missing, STORE_READONLY, &t, &e) < 0 && e.kind == ERR_NOT_FOUND,
	   "a reader of a missing data dir");
	err_clear(&e);
	free(missing);
}

static void test_accounts(void)
{
	struct store *s = fixture_store(dir, 0);
	struct store_acct *a;
	struct err e = ERR_INIT;
	ok(store_acct_open(s, "../x", STORE_ACCT_CACHE, 0, &a, &e) < 0 && e.kind == ERR_USAGE,
	   "a name with a slash is refused");
	err_clear(&e);
	ok(store_acct_open(s, "none", STORE_ACCT_CACHE, STORE_ACCT_READONLY, &a, &e) < 0 &&
	   e.kind == ERR_NOT_FOUND, "read-only open of a missing account");
	err_clear(&e);
	a = fixture_acct(s, "work", STORE_ACCT_CACHE, 0);
	ok(!store_acct_is_primary(a), "an IMAP account is a cache");
	struct store_acct *b;
	ok(store_acct_open(s, "work", STORE_ACCT_CACHE, 0, &b, &e) < 0 && e.kind == ERR_LOCKED,
	   "an account open twice is refused");
	err_clear(&e);
	store_acct_close(&a);
	a = fixture_acct(s, "home", STORE_ACCT_PRIMARY, 0);
	ok(store_acct_is_primary(a), "a POP3 account holds primary mail");
	store_acct_close(&a);
	a = fixture_acct(s, "home", STORE_ACCT_CACHE, 0);
	ok(store_acct_is_primary(a), "and stays primary when opened as a cache");
	store_acct_close(&a);
	store_names names = ARRAY_INIT;
	ok(store_list_accounts(s, &names, NULL) == 0 && names.n == 2 &&
	   strcmp(names.v[0], "home") == 0 && strcmp(names.v[1], "work") == 0, "list accounts");
	store_names_release(&names);
	store_close(&s);
}

static void test_folders(struct store_acct *a)
{
	struct store_folder f = { 0 }, g = { 0 };
	struct err e = ERR_INIT;
	is_int(store_folder_ensure(a, "INBOX", &f, NULL), 1, "ensure creates");
	ok(f.id > 0 && f.role == ROLE_INBOX, "INBOX gets its role");
	is_int(store_folder_ensure(a, "INBOX", &g, NULL), 0, "ensure finds");
	is_int(g.id, f.id, "same id");
	f.uidvalidity = 4000000000u;
	f.uidnext = 77;
	f.highestmodseq = UINT64_MAX;
	f.last_full_check = -5;
	f.attrs = FOLDER_SUBSCRIBED;
	f.delim = '/';
	f.n_messages = 999;  /* ignored */
	ok(store_folder_update(a, &f, NULL) == 0, "update");
	is_int(store_folder_get(a, "INBOX", &g, NULL), 1, "get by name");
	ok(g.uidvalidity == 4000000000u && g.uidnext == 77 && g.highestmodseq == UINT64_MAX &&
	   g.last_full_check == -5 && g.attrs == FOLDER_SUBSCRIBED && g.delim == '/' &&
	   g.n_messages == 0, "sync state round trip; counters kept by the store");
	is_int(store_folder_get(a, "Nope", &g, NULL), 0, "get a missing folder");
	struct store_folder t = { 0 };
	store_folder_ensure(a, "Trash", &t, NULL);
	store_folder_ensure(a, "Archive/2024 — ü", &g, NULL);
	ok(store_folder_rename(a, g.id, "Trash", &e) < 0 && e.kind == ERR_USAGE,
	   "rename onto an existing name refused");
	err_clear(&e);
	ok(store_folder_rename(a, g.id, "Old", NULL) == 0, "rename");
	is_int(store_folder_get(a, "Archive/2024 — ü", &g, NULL), 0, "old name gone");
	is_int(store_folder_get(a, "Old", &g, NULL), 1, "new name found");
	store_folders list = ARRAY_INIT;
	ok(store_folder_list(a, &list, NULL) == 0 && list.n == 3 &&
	   strcmp(list.v[0].name, "INBOX") == 0 && strcmp(list.v[1].name, "Old") == 0,
	   "list sorted by name");
	store_folders_release(&list);
	ok(store_folder_remove(a, t.id, NULL) == 0, "remove");
	is_int(store_folder_get_id(a, t.id, &t, NULL), 0, "removed");
	struct store_folder n = { 0 };
	store_folder_ensure(a, "New", &n, NULL);
	ok(n.id > g.id, "ids are never reused");
	n.status_messages = 12;
	n.status_unseen = 3;
	store_folder_set_subscribed(&n, false);
	ok(store_folder_update(a, &n, NULL) == 0 && store_folder_list(a, &list, NULL) == 0 &&
	   list.n == 3 && list.v[0].n_messages == 0 && list.v[1].n_messages == 12 &&
	   list.v[1].n_unseen == 3 && list.v[1].status_messages == 12,
	   "a folder never synced lists the server's STATUS counts");
	ok(store_folder_listed(&list.v[1], false) && !store_folder_listed(&list.v[1], true) &&
	   store_folder_listed(&list.v[0], true), "unsubscribed folders listed only on demand");
	store_folders_keep_listed(&list, true);
	ok(list.n == 2 && strcmp(list.v[1].name, "Old") == 0, "keep_listed drops them");
	store_folders_release(&list);
	store_folder_release(&f);
	store_folder_release(&g);
	store_folder_release(&t);
	store_folder_release(&n);
}

struct collect {
	ARRAY(uint32_t) uids;
	bool all_match;
	unsigned variant;
};

static int collect(const struct msg_summary *s, void *aux, struct err *err)
{
	struct collect *c = aux;
	struct msg_summary want;
	fixture_summary(&want, s->uid, c->variant);
	if (!msg_summary_equal(s, &want))
		c->all_match = false;
	msg_summary_release(&want);
	ARRAY_PUSH(&c->uids, s->uid);
	return 0;
}

static bool scan_is(struct store_acct *a, uint32_t folder, uint32_t from, uint32_t first,
		    uint32_t last, uint32_t step, unsigned variant)
{
	struct collect c = { ARRAY_INIT, true, variant };
	bool good = store_msg_scan(a, folder, from, collect, &c, NULL) == 0 && c.all_match;
	size_t k = 0;
	for (uint32_t uid = first; uid <= last && good; uid += step, k++)
		good = k < c.uids.n && c.uids.v[k] == uid;
	good = good && k == c.uids.n;
	if (!good)
		tap_diag("scan gave %zu summaries (match %d)", c.uids.n, c.all_match);
	ARRAY_RELEASE(&c.uids);
	return good;
}

static uint32_t count_unseen(uint32_t first, uint32_t last, uint32_t step, unsigned variant)
{
	uint32_t n = 0;
	for (uint32_t uid = first; uid <= last; uid += step)
		n += (uid + variant) % 3 != 0;
	return n;
}

static void put_range(struct store_acct *a, uint32_t folder, uint32_t first, uint32_t last,
		      uint32_t step, unsigned variant, bool reverse)
{
	ARRAY(struct msg_summary) v = ARRAY_INIT;
	for (uint32_t uid = first; uid <= last; uid += step) {
		struct msg_summary s;
		fixture_summary(&s, uid, variant);
		ARRAY_PUSH(&v, s);
	}
	if (reverse)
		for (size_t i = 0; i < v.n / 2; i++) {
			struct msg_summary t = v.v[i];
			v.v[i] = v.v[v.n - 1 - i];
			v.v[v.n - 1 - i] = t;
		}
	struct err e = ERR_INIT;
	ok(store_msg_put(a, folder, v.v, v.n, &e) == 0, "put %u..%u step %u: %s", first, last,
	   step, err_msg(&e));
	err_clear(&e);
	for (size_t i = 0; i < v.n; i++)
		msg_summary_release(&v.v[i]);
	ARRAY_RELEASE(&v);
}

static void expect_counts(struct store_acct *a, uint32_t folder, uint32_t n, uint32_t unseen,
			  const char *name)
{
	struct store_folder f = { 0 };
	store_folder_get_id(a, folder, &f, NULL);
	ok(f.n_messages == n && f.n_unseen == unseen, "%s: %u messages, %u unseen (got %u, %u)",
	   name, n, unseen, f.n_messages, f.n_unseen);
	store_folder_release(&f);
}

static void test_messages(struct store_acct *a)
{
	struct store_folder f = { 0 };
	store_folder_ensure(a, "Big", &f, NULL);
	uint32_t id = f.id;
	/* Every other UID, backwards: one batch, chunks cut full. */
	put_range(a, id, 2, 2000, 2, 0, true);
	ok(scan_is(a, id, 0, 2, 2000, 2, 0), "scan everything in UID order");
	ok(scan_is(a, id, 1001, 1002, 2000, 2, 0), "scan from the middle");
	expect_counts(a, id, 1000, count_unseen(2, 2000, 2, 0), "after insert");
	ok(fixture_check_clean(a), "check is clean after a batch insert");
	/* The odd UIDs go in between: every chunk splits. */
	put_range(a, id, 1, 1999, 2, 0, false);
	ok(scan_is(a, id, 0, 1, 2000, 1, 0), "inserted in between, in order");
	store_uids uids = ARRAY_INIT;
	bool seq = store_msg_uids(a, id, &uids, NULL) == 0 && uids.n == 2000;
	for (size_t i = 0; seq && i < uids.n; i++)
		seq = uids.v[i] == i + 1;
	ok(seq, "the UID list");
	ARRAY_RELEASE(&uids);
	/* From inside a chunk and past the last: only what lies at or after. */
	static const uint32_t froms[] = { 1, 777, 1999, 2000, 2001 };
	for (size_t k = 0; k < ARRAY_SIZE(froms); k++) {
		seq = store_msg_uids_from(a, id, froms[k], &uids, NULL) == 0 &&
		      uids.n == 2001 - froms[k];
		for (size_t i = 0; seq && i < uids.n; i++)
			seq = uids.v[i] == froms[k] + i;
		ok(seq, "the UID list from %u", froms[k]);
		ARRAY_RELEASE(&uids);
	}
	expect_counts(a, id, 2000, count_unseen(1, 2000, 1, 0), "after the inserts");
	ok(fixture_check_clean(a), "check is clean after splits");
	/* New messages one at a time at the end, as IMAP delivers them. */
	for (uint32_t uid = 2001; uid <= 2300; uid++)
		put_range(a, id, uid, uid, 1, 0, false);
	/* Replacing with another variant changes the counters too. */
	put_range(a, id, 1, 2300, 1, 1, false);
	ok(scan_is(a, id, 0, 1, 2300, 1, 1), "replaced in place");
	expect_counts(a, id, 2300, count_unseen(1, 2300, 1, 1), "after replacing");

	struct msg_summary s;
	msg_summary_init(&s);
	is_int(store_msg_get(a, id, 1234, &s, NULL), 1, "get");
	struct msg_summary want;
	fixture_summary(&want, 1234, 1);
	ok(msg_summary_equal(&s, &want), "get gives the summary");
	msg_summary_release(&want);
	is_int(store_msg_get(a, id, 999999, &s, NULL), 0, "get a missing uid");

	/* Flags: 2300 marked seen and flagged, keywords replaced on one. */
	ARRAY(struct store_flag_change) ch = ARRAY_INIT;
	const char *kws[] = { "$Junk", "work" };
	for (uint32_t uid = 1; uid <= 2300; uid++) {
		struct store_flag_change c = { uid, MSG_SEEN | MSG_FLAGGED, 5000 + uid, uid == 7,
					       kws, 2 };
		ARRAY_PUSH(&ch, c);
	}
	struct store_flag_change missing = { 5000, MSG_SEEN, 0, false, NULL, 0 };
	ARRAY_PUSH(&ch, missing);
	is_int(store_msg_set_flags(a, id, ch.v, ch.n, NULL), 2300, "set flags on 2300");
	is_int(store_msg_set_flags(a, id, ch.v, ch.n, NULL), 0, "the same again changes nothing");
	ARRAY_RELEASE(&ch);
	expect_counts(a, id, 2300, 0, "all seen");
	is_int(store_msg_get(a, id, 7, &s, NULL), 1, "get 7");
	ok(s.flags == (MSG_SEEN | MSG_FLAGGED) && s.modseq == 5007 && s.n_keywords == 2 &&
	   strcmp(s.keywords[1], "work") == 0 && s.subject && strstr(s.subject, "Subject 7"),
	   "flags, modseq and keywords changed, the rest kept");

	/* Deletes: a whole range, so whole chunks go away. */
	ARRAY(uint32_t) del = ARRAY_INIT;
	for (uint32_t uid = 100; uid <= 1500; uid++)
		ARRAY_PUSH(&del, uid);
	ARRAY_PUSH(&del, 100);       /* duplicate */
	ARRAY_PUSH(&del, 99999);     /* missing */
	is_int(store_msg_delete(a, id, del.v, del.n, NULL), 1401, "delete 1401");
	ARRAY_RELEASE(&del);
	expect_counts(a, id, 899, 0, "after deleting");
	is_int(store_msg_get(a, id, 1000, &s, NULL), 0, "deleted is gone");
	is_int(store_msg_get(a, id, 1501, &s, NULL), 1, "its neighbour stays");
	ok(fixture_check_clean(a), "check is clean after deletes");
	msg_summary_release(&s);

	ok(store_folder_clear(a, id, NULL) == 0, "clear");
	expect_counts(a, id, 0, 0, "cleared");
	ok(scan_is(a, id, 0, 1, 0, 1, 0), "nothing left after clear");
	struct err e = ERR_INIT;
	ok(store_msg_put(a, 12345, &s, 1, &e) < 0 && e.kind == ERR_NOT_FOUND,
	   "put to a missing folder");
	err_clear(&e);
	store_folder_release(&f);
}

static void test_pop3(struct store_acct *a)
{
	struct store_folder f = { 0 };
	store_folder_ensure(a, "INBOX", &f, NULL);
	for (uint32_t i = 1; i <= 40; i++) {
		struct msg_summary s;
		fixture_summary(&s, 0, 2);
		free(s.uidl);
		s.uidl = xasprintf("pop-%u", i);
		size_t len;
		char *body = fixture_body(f.id, i, &len);
		struct err e = ERR_INIT;
		if (store_msg_deliver(a, f.id, &s, body, len, &e) < 0 || s.uid != i)
			ok(false, "deliver %u: %s (uid %u)", i, err_msg(&e), s.uid);
		err_clear(&e);
		free(body);
		msg_summary_release(&s);
	}
	ok(true, "40 messages delivered with local ids 1..40");
	uint32_t uid = 0;
	ok(store_msg_find_uidl(a, f.id, "pop-17", &uid, NULL) == 1 && uid == 17, "find by UIDL");
	is_int(store_msg_find_uidl(a, f.id, "pop-99", &uid, NULL), 0, "unknown UIDL");
	struct buf b = BUF_INIT;
	size_t len;
	char *body = fixture_body(f.id, 17, &len);
	ok(store_body_get(a, f.id, 17, &b, NULL) == 1 && b.len == len &&
	   memcmp(b.data, body, len) == 0, "the body comes back byte for byte");
	free(body);
	uint32_t d = 17;
	store_msg_delete(a, f.id, &d, 1, NULL);
	is_int(store_msg_find_uidl(a, f.id, "pop-17", &uid, NULL), 0, "delete drops the UIDL");
	is_int(store_body_get(a, f.id, 17, &b, NULL), 0, "and the body");
	/* Replacing with another UIDL moves the index entry. */
	struct msg_summary s;
	msg_summary_init(&s);
	store_msg_get(a, f.id, 18, &s, NULL);
	msg_summary_set(&s.uidl, "renamed");
	store_msg_put(a, f.id, &s, 1, NULL);
	ok(store_msg_find_uidl(a, f.id, "renamed", &uid, NULL) == 1 && uid == 18 &&
	   store_msg_find_uidl(a, f.id, "pop-18", &uid, NULL) == 0, "a changed UIDL moves");
	msg_summary_release(&s);
	uint32_t next;
	ok(store_msg_new_local_id(a, f.id, &next, NULL) == 0 && next == 41, "next local id");
	ok(fixture_check_clean(a), "check is clean");
	buf_release(&b);
	store_folder_release(&f);
}

static void test_transactions(struct store_acct *a)
{
	struct store_folder f = { 0 };
	store_folder_ensure(a, "Txn", &f, NULL);
	struct msg_summary s;
	fixture_summary(&s, 5, 0);
	struct err e = ERR_INIT;
	ok(store_begin(a, NULL) == 0, "begin");
	ok(store_begin(a, &e) < 0 && e.kind == ERR_USAGE, "nested begin refused");
	err_clear(&e);
	store_msg_put(a, f.id, &s, 1, NULL);
	store_body_put(a, f.id, 5, "body", 4, NULL);
	struct msg_summary got;
	msg_summary_init(&got);
	is_int(store_msg_get(a, f.id, 5, &got, NULL), 1, "visible inside the group");
	store_abort(a);
	is_int(store_msg_get(a, f.id, 5, &got, NULL), 0, "abort drops the summary");
	struct buf b = BUF_INIT;
	is_int(store_body_get(a, f.id, 5, &b, NULL), 0, "and the body");
	expect_counts(a, f.id, 0, 0, "and the counters");
	store_begin(a, NULL);
	store_msg_put(a, f.id, &s, 1, NULL);
	store_body_put(a, f.id, 5, "body", 4, NULL);
	ok(store_commit(a, STORE_SYNC, NULL) == 0, "commit with sync");
	is_int(store_msg_get(a, f.id, 5, &got, NULL), 1, "committed summary");
	is_int(store_body_get(a, f.id, 5, &b, NULL), 1, "committed body");
	ok(store_sync(a, NULL) == 0, "sync");
	msg_summary_release(&got);
	msg_summary_release(&s);
	buf_release(&b);
	store_folder_release(&f);
}

/* A damaged cache file of an IMAP account is refused, or with
 * STORE_ACCT_REBUILD_CACHE moved aside and started afresh; a POP3 account's
 * never is. */
static void garble_header(const char *path)
{
	FILE *f = fopen(path, "r+b");
	char junk[64];
	memset(junk, 'x', sizeof junk);
	fwrite(junk, 1, sizeof junk, f);
	fclose(f);
}

static void test_rebuild(void)
{
	struct store *s = fixture_store(dir, 0);
	const char *names[] = { "cachey", "primy" };
	for (int i = 0; i < 2; i++) {
		struct store_acct *a = fixture_acct(s, names[i], i ? STORE_ACCT_PRIMARY
								 : STORE_ACCT_CACHE, 0);
		struct store_folder f = { 0 };
		store_folder_ensure(a, "INBOX", &f, NULL);
		put_range(a, f.id, 1, 50, 1, 0, false);
		store_folder_release(&f);
		store_acct_close(&a);
		char *meta = fixture_file(dir, names[i], "meta");
		garble_header(meta);
		free(meta);
	}
	struct store_acct *a;
	struct err e = ERR_INIT;
	int r = store_acct_open(s, "cachey", STORE_ACCT_CACHE, 0, &a, &e);
	ok(r < 0 && e.kind == ERR_STORE && strstr(err_msg(&e), "only holds a copy"),
	   "a damaged cache is refused: %s", err_msg(&e));
	err_clear(&e);
	r = store_acct_open(s, "cachey", STORE_ACCT_CACHE, STORE_ACCT_REBUILD_CACHE, &a, &e);
	ok(r == 0, "with REBUILD_CACHE it opens: %s", err_msg(&e));
	err_clear(&e);
	const char *note = a ? store_acct_notice(a) : NULL;
	ok(note && strstr(note, ".damaged-") && strstr(note, "fetched again"),
	   "and says where the damaged file went: %s", note ? note : "(none)");
	store_folders list = ARRAY_INIT;
	ok(a && store_folder_list(a, &list, NULL) == 0 && list.n == 0, "the new cache is empty");
	store_folders_release(&list);
	store_acct_close(&a);
	char *accdir = xasprintf("%s/accounts/cachey", dir);
	DIR *d = opendir(accdir);
	bool kept = false;
	struct dirent *de;
	while (d && (de = readdir(d)))
		kept |= strncmp(de->d_name, "meta.tcb.damaged-", 17) == 0;
	if (d)
		closedir(d);
	ok(kept, "the damaged file is kept beside");
	free(accdir);
	r = store_acct_open(s, "primy", STORE_ACCT_PRIMARY, STORE_ACCT_REBUILD_CACHE, &a, &e);
	ok(r < 0 && strstr(err_msg(&e), "exists nowhere else") && strstr(err_msg(&e), "--salvage"),
	   "a POP3 store is never rebuilt: %s", err_msg(&e));
	err_clear(&e);
	store_close(&s);
}

static void die_now(void)
{
	_exit(0);
}

/* A group changing the mail and the queue, killed between the two commits:
 * the next open completes it from the queue's log. */
static void test_mixed_group(void)
{
	struct store *s = fixture_store(dir, 0);
	struct store_acct *a = fixture_acct(s, "mixed", STORE_ACCT_CACHE, 0);
	struct store_folder f = { 0 };
	store_folder_ensure(a, "INBOX", &f, NULL);
	put_range(a, f.id, 1, 10, 1, 0, false);
	store_acct_close(&a);
	store_close(&s);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		redo_test_hook = die_now;
		s = fixture_store(dir, 0);
		a = fixture_acct(s, "mixed", STORE_ACCT_CACHE, 0);
		store_begin(a, NULL);
		struct store_op op = { .kind = OP_FLAGS, .folder = f.id, .flags_add = MSG_FLAGGED };
		store_journal_add(a, &op, NULL, 0, NULL);
		struct store_flag_change ch = { 3, MSG_FLAGGED, 0, false, NULL, 0 };
		store_msg_set_flags(a, f.id, &ch, 1, NULL);
		uint32_t gone = 4;
		store_msg_delete(a, f.id, &gone, 1, NULL);
		store_commit(a, STORE_NOSYNC, NULL);
		_exit(1);  /* the hook did not run */
	}
	int status;
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child died between the commits");
	s = fixture_store(dir, 0);
	a = fixture_acct(s, "mixed", STORE_ACCT_CACHE, 0);
	ok(store_acct_notice(a) && strstr(store_acct_notice(a), "completed"),
	   "the open completes the interrupted group: %s",
	   store_acct_notice(a) ? store_acct_notice(a) : "(no notice)");
	struct msg_summary m;
	msg_summary_init(&m);
	ok(store_msg_get(a, f.id, 3, &m, NULL) == 1 && m.flags == MSG_FLAGGED,
	   "the flag change is there");
	is_int(store_msg_get(a, f.id, 4, &m, NULL), 0, "and the delete");
	store_ops ops = ARRAY_INIT;
	ok(store_journal_list(a, &ops, NULL) == 0 && ops.n == 1, "with its journal entry");
	store_ops_release(&ops);
	ok(fixture_check_clean(a), "check is clean");
	store_acct_close(&a);
	a = fixture_acct(s, "mixed", STORE_ACCT_CACHE, 0);
	ok(store_acct_notice(a) == NULL, "once only");
	/* A group too large to log cannot take the queue along. */
	store_begin(a, NULL);
	char *huge = xmalloc(100001);
	memset(huge, 'h', 100000);
	huge[100000] = '\0';
	for (uint32_t uid = 100; uid < 200; uid++) {
		struct msg_summary big;
		fixture_summary(&big, uid, 0);
		msg_summary_set(&big.subject, huge);
		store_msg_put(a, f.id, &big, 1, NULL);
		msg_summary_release(&big);
	}
	free(huge);
	struct store_op op = { .kind = OP_FLAGS, .folder = f.id };
	struct err e = ERR_INIT;
	ok(store_journal_add(a, &op, NULL, 0, &e) < 0 && e.kind == ERR_USAGE,
	   "a journal entry in a huge group is refused");
	err_clear(&e);
	store_abort(a);
	msg_summary_release(&m);
	store_folder_release(&f);
	store_acct_close(&a);
	store_close(&s);
}

static void test_journal(struct store_acct *a)
{
	struct store_op op = { 0 };
	op.kind = OP_FLAGS;
	op.folder = 1;
	op.uidvalidity = 42;
	uint32_t uids[] = { 3, 1, 2 };
	op.uids = uids;
	op.n_uids = 3;
	op.flags_add = MSG_SEEN;
	char *kw[] = { "$Junk" };
	op.kw_del = kw;
	op.n_kw_del = 1;
	op.created = 1700000000;
	ok(store_journal_add(a, &op, NULL, 0, NULL) == 0 && op.seq == 1, "journal add");
	struct store_op ap = { 0 };
	ap.kind = OP_APPEND;
	ap.dest = "Sent";
	ap.append_flags = MSG_SEEN;
	ok(store_journal_add(a, &ap, "msg", 3, NULL) == 0 && ap.seq == 2, "journal add append");
	store_ops list = ARRAY_INIT;
	ok(store_journal_list(a, &list, NULL) == 0 && list.n == 2, "list");
	ok(list.n == 2 && list.v[0].seq == 1 && list.v[0].n_uids == 3 && list.v[0].uids[0] == 3 &&
	   list.v[0].uidvalidity == 42 && list.v[0].n_kw_del == 1 &&
	   strcmp(list.v[0].kw_del[0], "$Junk") == 0 && list.v[1].kind == OP_APPEND &&
	   strcmp(list.v[1].dest, "Sent") == 0, "ops round trip in order");
	struct buf b = BUF_INIT;
	ok(store_journal_message(a, 2, &b, NULL) == 1 && b.len == 3 &&
	   memcmp(b.data, "msg", 3) == 0, "append message");
	ok(list.v[1].dest_uidvalidity == 0 && list.v[1].dest_uidnext == 0, "never sent yet");
	list.v[0].attempts = 3;
	msg_summary_set(&list.v[0].last_error, "server said NO");
	ok(store_journal_update(a, &list.v[0], NULL) == 0, "update");
	list.v[1].dest_uidvalidity = 77;
	list.v[1].dest_uidnext = 4000000000u;
	ok(store_journal_update(a, &list.v[1], NULL) == 0, "update the destination's mark");
	store_ops_release(&list);
	store_journal_list(a, &list, NULL);
	ok(list.n == 2 && list.v[0].attempts == 3 && strcmp(list.v[0].last_error,
							      "server said NO") == 0 &&
	   list.v[0].n_uids == 3, "update kept");
	ok(list.n == 2 && list.v[1].dest_uidvalidity == 77 && list.v[1].dest_uidnext == 4000000000u &&
	   list.v[0].dest_uidnext == 0, "the mark kept, for that op only");
	store_ops_release(&list);
	ok(store_journal_remove(a, 2, NULL) == 0, "remove");
	is_int(store_journal_message(a, 2, &b, NULL), 0, "its message went with it");
	store_journal_list(a, &list, NULL);
	is_int(list.n, 1, "one left");
	store_ops_release(&list);
	buf_release(&b);
}

/* A journal entry written by a postie before the destination's mark (op
 * record version 1) is still read, as never sent. */
static void test_journal_v1(void)
{
	struct buf b = BUF_INIT;
	enc_u8(&b, 1);                  /* version */
	enc_uvar(&b, OP_COPY);
	enc_uvar(&b, 4);                /* folder */
	enc_uvar(&b, 99);               /* uidvalidity */
	enc_uvar(&b, 1);
	enc_uvar(&b, 17);               /* uids */
	enc_uvar(&b, 0);
	enc_uvar(&b, 0);                /* flags */
	enc_uvar(&b, 0);
	enc_uvar(&b, 0);                /* keywords */
	enc_str(&b, "Archive");
	enc_uvar(&b, 0);
	enc_svar(&b, 1700000000);
	enc_uvar(&b, 2);
	enc_str(&b, "lost");
	struct store_op op;
	ok(op_decode(b.data, b.len, 5, &op) == 0 && op.kind == OP_COPY && op.n_uids == 1 &&
	   op.uids[0] == 17 && strcmp(op.dest, "Archive") == 0 && op.attempts == 2 &&
	   op.dest_uidvalidity == 0 && op.dest_uidnext == 0, "a version 1 journal entry is read");
	store_op_release(&op);
	b.data[0] = 3;
	ok(op_decode(b.data, b.len, 5, &op) < 0, "an unknown version is refused");
	buf_release(&b);
}

static void test_outbox(struct store_acct *a)
{
	struct store_outbox_entry e = { 0 };
	e.envelope_from = xstrdup("me@example.org");
	store_outbox_entry_add_rcpt(&e, "a@example.org");
	store_outbox_entry_add_rcpt(&e, "b@example.org");
	e.fcc = xstrdup("Sent");
	e.created = 1700000000;
	const char msg[] = "From: me\r\nTo: a\r\n\r\nhi\r\n";
	ok(store_outbox_add(a, &e, msg, sizeof msg - 1, NULL) == 0 && e.id == 1 &&
	   e.size == sizeof msg - 1, "outbox add");
	e.state = OUTBOX_QUEUED;
	e.attempts = 1;
	e.next_attempt = 1700000600;
	msg_summary_set(&e.last_error, "450 try later");
	e.rcpts[0].state = RCPT_ACCEPTED;
	e.rcpts[0].code = 250;
	e.rcpts[1].state = RCPT_TEMPFAIL;
	e.rcpts[1].code = 450;
	e.rcpts[1].reply = xstrdup("mailbox busy");
	ok(store_outbox_update(a, &e, NULL) == 0, "update");
	struct store_outbox_entry g = { 0 };
	ok(store_outbox_get(a, e.id, &g, NULL) == 1 && g.n_rcpts == 2 &&
	   g.rcpts[1].code == 450 && strcmp(g.rcpts[1].reply, "mailbox busy") == 0 &&
	   g.rcpts[0].state == RCPT_ACCEPTED && g.attempts == 1 && g.next_attempt == 1700000600 &&
	   strcmp(g.fcc, "Sent") == 0 && g.size == sizeof msg - 1, "entry round trip");
	struct buf b = BUF_INIT;
	ok(store_outbox_message(a, e.id, &b, NULL) == 1 && b.len == sizeof msg - 1 &&
	   memcmp(b.data, msg, b.len) == 0, "the message byte for byte");
	store_outbox_entries list = ARRAY_INIT;
	ok(store_outbox_list(a, &list, NULL) == 0 && list.n == 1, "list");
	store_outbox_entries_release(&list);
	ok(fixture_check_clean(a), "check is clean with a journal and an outbox");
	ok(store_outbox_remove(a, e.id, NULL) == 0, "remove");
	is_int(store_outbox_get(a, e.id, &g, NULL), 0, "gone");
	is_int(store_outbox_message(a, e.id, &b, NULL), 0, "with its message");
	store_outbox_entry_release(&e);
	store_outbox_entry_release(&g);
	buf_release(&b);
}

static void test_index(struct store_acct *a)
{
	struct store_folder f = { 0 };
	store_folder_ensure(a, "Indexed", &f, NULL);
	put_range(a, f.id, 1, 3000, 1, 0, false);
	struct store_index idx = STORE_INDEX_INIT;
	struct err e = ERR_INIT;
	ok(store_index_load(a, f.id, &idx, &e) == 0 && idx.n == 3000, "load 3000: %s",
	   err_msg(&e));
	bool in_order = true;
	for (size_t i = 1; i < idx.n; i++)
		in_order &= idx.msgs[i - 1].uid < idx.msgs[i].uid;
	ok(in_order, "sorted by uid");
	struct store_index_msg *m = store_index_find(&idx, 1234);
	struct msg_summary s;
	fixture_summary(&s, 1234, 0);
	ok(m && m->date == s.date && m->size == s.size && m->flags == s.flags &&
	   m->modseq == s.modseq && strcmp(store_index_str(&idx, m->subject), s.subject) == 0 &&
	   strcmp(store_index_str(&idx, m->from), s.from) == 0 &&
	   strcmp(store_index_str(&idx, m->references), s.references) == 0 &&
	   strcmp(store_index_str(&idx, m->cc), "") == 0, "a message's fields");
	m = store_index_find(&idx, 1);
	ok(m && strcmp(store_index_str(&idx, m->keywords), "$Forwarded") == 0, "keywords");
	ok(store_index_find(&idx, 2)->from != store_index_find(&idx, 3)->from &&
	   store_index_find(&idx, 2)->from == store_index_find(&idx, 15)->from,
	   "senders are interned");
	msg_summary_release(&s);
	fixture_summary(&s, 99999, 0);
	store_index_put(&idx, &s);
	ok(idx.n == 3001 && store_index_find(&idx, 99999) != NULL, "put a new message");
	msg_summary_release(&s);
	ok(store_index_set_flags(&idx, 5, MSG_FLAGGED) && store_index_find(&idx, 5)->flags ==
	   MSG_FLAGGED, "set flags");
	ok(store_index_remove(&idx, 5) && !store_index_find(&idx, 5) && idx.n == 3000, "remove");
	ok(!store_index_remove(&idx, 5), "remove a missing uid");
	size_t strings;
	size_t bytes = store_index_memory(&idx, &strings);
	ok(bytes >= 3000 * sizeof(struct store_index_msg) && strings > 0, "memory: %zu + %zu",
	   bytes, strings);
	store_index_release(&idx);
	ok(idx.msgs == NULL && idx.n == 0, "release");
	store_folder_release(&f);
}

static void test_compact(void)
{
	struct store *s = fixture_store(dir, 0);
	struct store_acct *a = fixture_acct(s, "compactme", STORE_ACCT_CACHE, 0);
	struct store_folder f = { 0 };
	store_folder_ensure(a, "Compact", &f, NULL);
	put_range(a, f.id, 1, 3000, 1, 0, false);
	for (uint32_t uid = 1; uid <= 100; uid++) {
		size_t len;
		char *body = fixture_body(f.id, uid, &len);
		store_body_put(a, f.id, uid, body, len, NULL);
		free(body);
	}
	store_body_put(a, f.id, 50000, "orphan", 6, NULL);
	/* Leave half-empty chunks behind. */
	ARRAY(uint32_t) del = ARRAY_INIT;
	for (uint32_t uid = 101; uid <= 3000; uid += 2)
		ARRAY_PUSH(&del, uid);
	store_msg_delete(a, f.id, del.v, del.n, NULL);
	ARRAY_RELEASE(&del);
	struct store_check_report r = { 0 };
	store_check(a, &r, NULL);
	uint32_t chunks_before = r.chunks;
	ok(r.problems.n == 0 && r.orphan_bodies == 1 && r.notes.n == 1,
	   "check counts the orphan body as a note");
	store_check_report_release(&r);
	store_acct_close(&a);
	struct store_compact_stats st;
	struct err e = ERR_INIT;
	ok(store_compact(s, "compactme", &st, &e) == 0, "compact: %s", err_msg(&e));
	ok(st.bodies_dropped == 1 && st.bytes_after > 0, "the orphan body is dropped (%llu -> %llu bytes)",
	   (unsigned long long)st.bytes_before, (unsigned long long)st.bytes_after);
	a = fixture_acct(s, "compactme", STORE_ACCT_CACHE, 0);
	store_check(a, &r, NULL);
	ok(r.problems.n == 0 && r.messages == 1550 && r.bodies == 100 && r.chunks < chunks_before,
	   "after compact: clean, %u messages in %u chunks (were %u)", r.messages, r.chunks,
	   chunks_before);
	store_check_report_release(&r);
	ok(scan_is(a, f.id, 101, 102, 3000, 2, 0), "the summaries after compact");
	expect_counts(a, f.id, 1550, count_unseen(1, 100, 1, 0) + count_unseen(102, 3000, 2, 0),
		      "counters after compact");
	struct buf b = BUF_INIT;
	is_int(store_body_get(a, f.id, 100, &b, NULL), 1, "bodies kept");
	buf_release(&b);
	store_folder_release(&f);
	store_acct_close(&a);
	store_close(&s);
}

int main(void)
{
	dir = fixture_dir("data");
	test_locking();
	test_accounts();
	struct store *s = fixture_store(dir, 0);
	struct store_acct *a = fixture_acct(s, "work", STORE_ACCT_CACHE, 0);
	test_folders(a);
	test_messages(a);
	test_transactions(a);
	test_journal(a);
	test_journal_v1();
	test_outbox(a);
	test_index(a);
	ok(fixture_check_clean(a), "the whole store checks clean");
	store_acct_close(&a);
	a = fixture_acct(s, "home", STORE_ACCT_PRIMARY, 0);
	test_pop3(a);
	store_acct_close(&a);
	store_close(&s);
	test_compact();
	test_mixed_group();
	test_rebuild();
	free(dir);
	return tap_done();
}
