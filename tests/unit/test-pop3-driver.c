/* The POP3 driver's parts that need no server: the local folders it makes,
 * folder operations (store only), the journal replay that turns local
 * deletions into marks for the server, fetch_body and wait_changes woken
 * early. The server side is in tests/integration/test_pop3_*.py. */
#include "common.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include "conf/conf.h"
#include "core/driver.h"
#include "net/net.h"
#include "pop3/pop3.h"
#include "store-fixture.h"
#include "tap.h"
#include "util/err.h"

/* A port nobody listens on: bound, then closed. */
static int closed_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001) };
	socklen_t len = sizeof sa;
	bind(fd, (struct sockaddr *)&sa, sizeof sa);
	getsockname(fd, (struct sockaddr *)&sa, &len);
	close(fd);
	return ntohs(sa.sin_port);
}

static struct account_conf conf;
static struct store_acct *store;
static struct net_ctx *net;

static struct driver *make_driver(void)
{
	struct driver *d;
	struct err err = ERR_INIT;
	if (driver_new(&conf, store, net, NULL, NULL, &d, &err) < 0) {
		tap_diag("driver_new: %s", err_msg(&err));
		err_clear(&err);
		return NULL;
	}
	return d;
}

static uint32_t folder_id(const char *name, enum store_role *role_r)
{
	struct store_folder f = { 0 };
	uint32_t id = store_folder_get(store, name, &f, NULL) == 1 ? f.id : 0;
	if (role_r)
		*role_r = f.role;
	store_folder_release(&f);
	return id;
}

static void test_local_folders(struct driver *d)
{
	static const struct { const char *name; enum store_role role; } want[] = {
		{ "INBOX", ROLE_INBOX }, { "Sent", ROLE_SENT }, { "Drafts", ROLE_DRAFTS },
		{ "Trash", ROLE_TRASH },
	};
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		enum store_role role = ROLE_NONE;
		ok(folder_id(want[i].name, &role) && role == want[i].role,
		   "the driver makes %s with its role", want[i].name);
	}
	is_str(d->ops->name, "pop3", "a POP3 driver");
	ok(d->ops->sync_folders == NULL && d->ops->append == NULL && d->ops->caps == 0,
	   "no server folders, flags or appends");
	ok(!d->ops->connected(d), "not connected before connect()");
}

static void test_folder_ops(struct driver *d)
{
	struct err e = ERR_INIT;
	ok(d->ops->folder_op(d, FOLDER_CREATE, "Lists", NULL, NULL) == 0 && folder_id("Lists", NULL),
	   "create a local folder");
	ok(d->ops->folder_op(d, FOLDER_CREATE, "Lists", NULL, NULL) == 0,
	   "creating it again is fine");
	ok(d->ops->folder_op(d, FOLDER_RENAME, "Lists", "Lists/2024", NULL) == 0 &&
	   folder_id("Lists/2024", NULL) && !folder_id("Lists", NULL), "rename it");
	struct msg_summary s;
	msg_summary_init(&s);
	store_msg_deliver(store, folder_id("Lists/2024", NULL), &s, "Subject: x\r\n\r\nx\r\n", 16,
			  NULL);
	msg_summary_release(&s);
	ok(d->ops->folder_op(d, FOLDER_DELETE, "Lists/2024", NULL, &e) < 0 && e.kind == ERR_USAGE &&
	   strstr(err_msg(&e), "nowhere else"), "a folder with messages is not deleted");
	err_clear(&e);
	ok(d->ops->folder_op(d, FOLDER_DELETE, "INBOX", NULL, &e) < 0 && e.kind == ERR_USAGE,
	   "the INBOX stays");
	err_clear(&e);
	ok(d->ops->folder_op(d, FOLDER_RENAME, "Trash", "Bin", &e) < 0 && e.kind == ERR_USAGE,
	   "a special folder keeps its name");
	err_clear(&e);
	ok(d->ops->folder_op(d, FOLDER_DELETE, "Nope", NULL, &e) < 0 && e.kind == ERR_NOT_FOUND,
	   "a missing folder is reported");
	err_clear(&e);
	ok(d->ops->folder_op(d, FOLDER_CREATE, "Empty", NULL, NULL) == 0 &&
	   d->ops->folder_op(d, FOLDER_DELETE, "Empty", NULL, NULL) == 0 && !folder_id("Empty", NULL),
	   "an empty folder is deleted");
}

static void journal(enum store_op_kind kind, char **uidls, size_t n)
{
	struct store_op op = { .kind = kind, .folder = folder_id("Trash", NULL),
			       .kw_del = uidls, .n_kw_del = n };
	store_journal_add(store, &op, NULL, 0, NULL);
}

static size_t journal_len(void)
{
	store_ops ops = ARRAY_INIT;
	store_journal_list(store, &ops, NULL);
	size_t n = ops.n;
	store_ops_release(&ops);
	return n;
}

static void test_replay(struct driver *d)
{
	struct store_pop3_msg m = { .uidl = "u1", .downloaded = 1 };
	store_pop3_put(store, &m, NULL);
	char *uidls[] = { "u1", "gone" };

	conf.delete_on_server_when_deleted = false;
	journal(OP_FLAGS, NULL, 0);
	journal(OP_EXPUNGE, uidls, 2);
	ok(d->ops->replay_journal(d, NULL) == 0 && journal_len() == 0,
	   "without delete_on_server_when_deleted the journal is dropped, offline");
	struct store_pop3_msg got = { 0 };
	ok(store_pop3_get(store, "u1", &got, NULL) == 1 && !(got.flags & STORE_POP3_DELETE),
	   "and nothing is marked for the server");

	conf.delete_on_server_when_deleted = true;
	journal(OP_MOVE, NULL, 0);
	journal(OP_EXPUNGE, uidls, 2);
	struct err e = ERR_INIT;
	int r = d->ops->replay_journal(d, &e);
	ok(r < 0 && e.kind == ERR_NET, "with it, the server is asked (unreachable here: %s)",
	   err_msg(&e));
	err_clear(&e);
	ok(journal_len() == 0, "the journal is empty all the same");
	ok(store_pop3_get(store, "u1", &got, NULL) == 1 && (got.flags & STORE_POP3_DELETE),
	   "the deletion waits as a mark for the next pass");
	ok(store_pop3_get(store, "gone", &got, NULL) == 0, "UIDLs never downloaded are ignored");
	store_pop3_msg_release(&got);
	ok(!d->ops->connected(d), "not connected after the failed pass");
}

static void test_misc(struct driver *d)
{
	struct msg_summary s;
	msg_summary_init(&s);
	uint32_t inbox = folder_id("INBOX", NULL);
	store_msg_deliver(store, inbox, &s, "Subject: y\r\n\r\ny\r\n", 16, NULL);
	ok(d->ops->fetch_body(d, inbox, s.uid, NULL) == 0, "fetch_body: stored bodies are there");
	struct err e = ERR_INIT;
	ok(d->ops->fetch_body(d, inbox, 9999, &e) < 0 && e.kind == ERR_NOT_FOUND,
	   "fetch_body: an unknown message is reported");
	err_clear(&e);
	msg_summary_release(&s);
	int p[2];
	ok(pipe(p) == 0 && write(p[1], "x", 1) == 1, "a wake pipe with data");
	ok(d->ops->wait_changes(d, inbox, p[0], 60000, NULL) == 0,
	   "wait_changes returns at once when woken, without the server");
	ok(d->ops->sync_folder(d, folder_id("Sent", NULL), 0, NULL) == 0,
	   "sync_folder of a local folder has nothing to do");
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	char *dir = fixture_dir("pop3-driver");
	struct store *st = fixture_store(dir, 0);
	store = fixture_acct(st, "pop", STORE_ACCT_PRIMARY, 0);
	conf = (struct account_conf){
		.account = "pop", .path = "/nowhere/pop.conf", .protocol = PROTO_POP3,
		.host = "127.0.0.1", .port = closed_port(), .tls = TLS_NONE, .user = "u",
		.password = "pw", .allow_plaintext_password = true, .timeout = 5,
	};
	struct net_options opt = { .data_dir = dir };
	ok(net_ctx_new(&opt, &net, NULL) == 0, "network context");
	struct driver *d = make_driver();
	ok(d != NULL, "driver_new makes a POP3 driver");
	if (d) {
		test_local_folders(d);
		test_folder_ops(d);
		test_replay(d);
		test_misc(d);
		driver_free(&d);
		ok(d == NULL, "driver_free clears the pointer");
	}
	net_ctx_free(&net);
	store_acct_close(&store);
	store_close(&st);
	free(dir);
	return tap_done();
}
