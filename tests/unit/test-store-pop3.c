/* store: the records of downloaded POP3 messages ('P'). */
#include "common.h"

#include "store-fixture.h"
#include "tap.h"
#include "util/err.h"

struct collect {
	unsigned n;
	char names[8][32];
};

static int collect(const struct store_pop3_msg *m, void *aux, struct err *err)
{
	(void)err;
	struct collect *c = aux;
	if (c->n < 8)
		snprintf(c->names[c->n], sizeof c->names[0], "%s", m->uidl);
	c->n++;
	return 0;
}

static void test_records(struct store_acct *a)
{
	struct store_pop3_msg m = { .uidl = "000001a0", .downloaded = 1700000000, .folder = 3,
				    .uid = 7 };
	struct store_pop3_msg got = { 0 };
	is_int(store_pop3_get(a, "000001a0", &got, NULL), 0, "absent at first");
	ok(store_pop3_put(a, &m, NULL) == 0, "put");
	ok(store_pop3_get(a, "000001a0", &got, NULL) == 1 && got.downloaded == 1700000000 &&
	   got.folder == 3 && got.uid == 7 && got.flags == 0 && strcmp(got.uidl, "000001a0") == 0,
	   "get gives it back");
	m.flags = STORE_POP3_DELETE;
	ok(store_pop3_put(a, &m, NULL) == 0 && store_pop3_get(a, "000001a0", &got, NULL) == 1 &&
	   got.flags == STORE_POP3_DELETE, "put replaces");
	struct store_pop3_msg m2 = { .uidl = "0000000b", .downloaded = 5 };
	store_pop3_put(a, &m2, NULL);
	struct collect c = { 0 };
	ok(store_pop3_scan(a, collect, &c, NULL) == 0 && c.n == 2 &&
	   strcmp(c.names[0], "0000000b") == 0 && strcmp(c.names[1], "000001a0") == 0,
	   "scan in UIDL order");
	ok(store_pop3_del(a, "0000000b", NULL) == 0 && store_pop3_del(a, "nope", NULL) == 0,
	   "delete, also of a missing one");
	is_int(store_pop3_get(a, "0000000b", &got, NULL), 0, "deleted");
	struct store_pop3_msg empty = { .uidl = "" };
	struct err e = ERR_INIT;
	ok(store_pop3_put(a, &empty, &e) < 0 && e.kind == ERR_INPUT, "an empty UIDL is refused");
	err_clear(&e);
	is_int(store_pop3_get(a, "", &got, NULL), 0, "an empty UIDL is never found");

	/* In the same group as a delivery: both or neither. */
	struct store_folder f = { 0 };
	store_folder_ensure(a, "INBOX", &f, NULL);
	struct msg_summary s;
	msg_summary_init(&s);
	msg_summary_set(&s.uidl, "grouped");
	ok(store_begin(a, NULL) == 0, "begin");
	store_msg_deliver(a, f.id, &s, "body\r\n", 6, NULL);
	struct store_pop3_msg g = { .uidl = "grouped", .downloaded = 9, .folder = f.id,
				    .uid = s.uid };
	store_pop3_put(a, &g, NULL);
	store_abort(a);
	is_int(store_pop3_get(a, "grouped", &got, NULL), 0, "an aborted group leaves no record");
	store_begin(a, NULL);
	s.uid = 0;
	store_msg_deliver(a, f.id, &s, "body\r\n", 6, NULL);
	g.uid = s.uid;
	store_pop3_put(a, &g, NULL);
	ok(store_commit(a, STORE_SYNC, NULL) == 0 && store_pop3_get(a, "grouped", &got, NULL) == 1 &&
	   got.uid == s.uid, "a committed group has it");
	msg_summary_release(&s);
	store_pop3_msg_release(&got);
	ok(fixture_check_clean(a), "check is clean with POP3 records");
	store_folder_release(&f);
}

int main(void)
{
	char *dir = fixture_dir("pop3");
	struct store *st = fixture_store(dir, 0);
	struct store_acct *a = fixture_acct(st, "pop", STORE_ACCT_PRIMARY, 0);
	test_records(a);
	store_acct_close(&a);
	store_close(&st);
	free(dir);
	return tap_done();
}
