/* conf: parsing, defaults, and one test for every kind of problem. */
#include "common.h"

#include <sys/stat.h>
#include <unistd.h>

#include "conf/conf.h"
#include "tap.h"
#include "util/err.h"
#include "util/paths.h"

static char *confdir;

static void write_file(const char *rel, const char *text, mode_t mode)
{
	char *path = path_join(confdir, rel);
	char *dir = path_join(confdir, "accounts");
	mkdir_p(dir, 0700, NULL);
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
	free(dir);
	free(path);
}

static void remove_file(const char *rel)
{
	char *path = path_join(confdir, rel);
	unlink(path);
	free(path);
}

/* Loads and checks that exactly one diagnostic matches (file suffix, line, substring). */
static void expect_diag(const char *name, unsigned line, const char *needle)
{
	struct conf_diags d = { 0 };
	struct conf *c;
	int r = conf_load(confdir, &c, &d);
	bool found = false;
	for (size_t i = 0; i < d.n; i++)
		if (d.v[i].line == line && strstr(d.v[i].msg, needle))
			found = true;
	ok(r < 0 && found, "%s: line %u says '%s'", name, line, needle);
	if (!found)
		for (size_t i = 0; i < d.n; i++)
			tap_diag("%s:%u: %s", d.v[i].file, d.v[i].line, d.v[i].msg);
	conf_diags_release(&d);
	conf_free(&c);
}

static const char good[] =
	"# a self-hosted Dovecot\n"
	"protocol = imap\n"
	"host = mail.example.org\n"
	"user = alice   # inline comment\n"
	"password_command = \"pass show mail #1\"\n"
	"name = Alice Example\n"
	"address = alice@example.org\n"
	"smtp_host = mail.example.org\n"
	"smtp_port = 587\n";

static void test_good(void)
{
	write_file("accounts/work.conf", good, 0600);
	write_file("accounts/home.conf",
		   "protocol = pop3\r\nhost = pop.example.net\r\nuser = a\r\naddress = a@example.net\r\n"
		   "tls = starttls\r\n", 0644);
	write_file("postie.conf", "default_account = work\n", 0644);
	struct conf_diags d = { 0 };
	struct conf *c;
	is_int(conf_load(confdir, &c, &d), 0, "good configuration loads");
	for (size_t i = 0; i < d.n; i++)
		tap_diag("%s:%u: %s", d.v[i].file, d.v[i].line, d.v[i].msg);
	is_int(c->n_accounts, 2, "two accounts");
	is_str(c->accounts[0].account, "home", "sorted by name");
	const struct account_conf *w = conf_find_account(c, "work");
	ok(w != NULL, "find by name");
	is_str(w->user, "alice", "inline comment cut");
	is_str(w->password_command, "pass show mail #1", "quoted value keeps '#'");
	is_str(w->real_name, "Alice Example", "name key");
	is_int(account_port(w), 993, "imap implicit default port");
	is_int(w->smtp_tls, TLS_STARTTLS, "smtp_port 587 implies starttls");
	is_int(account_smtp_port(w), 587, "smtp port");
	is_str(account_smtp_user(w), "alice", "smtp_user falls back to user");
	is_str(account_smtp_password_command(w), "pass show mail #1", "smtp password command falls back");
	is_int(w->timeout, 30, "timeout default");
	is_int(w->sync_bodies, SYNC_BODIES_NONE, "sync_bodies default none");
	ok(w->subscribed_only, "subscribed_only default yes");
	is_int(w->delete_policy, DELETE_TRASH, "delete_policy default trash");
	const struct account_conf *h = conf_find_account(c, "home");
	is_int(account_port(h), 110, "pop3 starttls default port");
	is_str(h->host, "pop.example.net", "CRLF line ends");
	ok(!h->leave_on_server && h->delete_after_days == 0 && !h->delete_on_server_when_deleted,
	   "POP3: download and delete by default");
	struct err e = ERR_INIT;
	ok(conf_pick_account(c, NULL, &e) == w, "default_account picked");
	ok(conf_pick_account(c, "nope", &e) == NULL && e.kind == ERR_USAGE, "unknown account");
	ok(strstr(err_msg(&e), "nope.conf") != NULL, "unknown account names the file");
	err_clear(&e);
	conf_diags_release(&d);
	conf_free(&c);
	ok(c == NULL, "conf_free clears the pointer");
	remove_file("accounts/home.conf");
	remove_file("postie.conf");
}

static void test_errors(void)
{
	write_file("accounts/work.conf", "protocol = imap\nhost = h\nuser = u\naddress = u@h\nhots = x\n", 0600);
	expect_diag("unknown key with hint", 5, "did you mean 'host'");
	write_file("accounts/work.conf", "protocol = imap\nhost = h\nuser = u\naddress = u@h\nzzzzzz = x\n", 0600);
	expect_diag("unknown key", 5, "unknown key 'zzzzzz'");
	write_file("accounts/work.conf", "protocol = imapx\nhost = h\nuser = u\naddress = u@h\n", 0600);
	expect_diag("bad enum", 1, "imap or pop3");
	write_file("accounts/work.conf", "protocol = imap\nhost = h\nuser = u\naddress = u@h\nport = 99999\n", 0600);
	expect_diag("bad number", 5, "from 1 to 65535");
	write_file("accounts/work.conf", "protocol = imap\nhost = h\nuser = u\naddress = u@h\nallow_plaintext_password = maybe\n", 0600);
	expect_diag("bad bool", 5, "yes or no");
	write_file("accounts/work.conf", "protocol = imap\nuser = u\naddress = u@h\n", 0600);
	expect_diag("missing required key", 0, "missing required key 'host'");
	write_file("accounts/work.conf", "protocol = imap\nhost = h\nhost = g\nuser = u\naddress = u@h\n", 0600);
	expect_diag("key twice", 3, "set twice (first on line 2)");
	write_file("accounts/work.conf", "protocol = imap\nhost h\nuser = u\naddress = u@h\n", 0600);
	expect_diag("not key = value", 2, "not `key = value`");
	write_file("accounts/work.conf", "protocol = imap\nhost = h\nuser = u\naddress = u@h\npassword = secret\n", 0644);
	expect_diag("password readable by others", 5, "others can read");
	write_file("accounts/work.conf", "protocol = imap\nhost = h\nuser = u\naddress = u@h\nname = \"Alice\n", 0600);
	expect_diag("unterminated quote", 5, "quoted");
	write_file("accounts/work.conf", "protocol = imap\nhost = h\nuser = u\naddress = u@h\ntls = none\n", 0600);
	expect_diag("plain-text password", 0, "allow_plaintext_password");
	write_file("accounts/work.conf", "protocol = imap\nhost =\nuser = u\naddress = u@h\n", 0600);
	expect_diag("empty value", 2, "empty value");
	write_file("accounts/work.conf", "protocol = imap\nhost = h\nuser = u\naddress = u@h\nsync_bodies = recent\n", 0600);
	expect_diag("sync_bodies without days", 5, "recent DAYS");
	write_file("accounts/work.conf", "protocol = imap\nhost = h\nuser = u\naddress = u@h\ndelete_policy = shred\n", 0600);
	expect_diag("bad delete_policy", 5, "trash or flag");
	write_file("accounts/work.conf", "protocol = imap\nhost = h\nuser = u\naddress = u@h\n"
		   "leave_on_server = yes\n", 0600);
	expect_diag("POP3 key on an IMAP account", 0, "only to POP3");
	write_file("accounts/work.conf", "protocol = pop3\nhost = h\nuser = u\naddress = u@h\n"
		   "delete_after_days = 7\n", 0600);
	expect_diag("delete_after_days without leave_on_server", 0, "leave_on_server = yes");
	write_file("accounts/work.conf", "protocol = pop3\nhost = h\nuser = u\naddress = u@h\n"
		   "delete_after_days = -1\n", 0600);
	expect_diag("negative delete_after_days", 5, "from 0 to");

	/* Every problem, not just the first. */
	write_file("accounts/work.conf", "protocol = x\nhots = h\nport = 0\n", 0600);
	struct conf_diags d = { 0 };
	struct conf *c;
	conf_load(confdir, &c, &d);
	ok(d.n >= 6, "all problems reported (%zu)", d.n);
	conf_diags_release(&d);
	conf_free(&c);

	write_file("accounts/work.conf", "protocol = imap\nhost = h\nuser = u\naddress = u@h\n", 0600);
	write_file("postie.conf", "default_account = home\n", 0600);
	expect_diag("default_account without a file", 0, "accounts/home.conf");
	remove_file("postie.conf");
	remove_file("accounts/work.conf");
}

static void test_empty(void)
{
	struct conf_diags d = { 0 };
	struct conf *c;
	char *missing = path_join(confdir, "does-not-exist");
	is_int(conf_load(missing, &c, &d), 0, "missing config dir is not an error by itself");
	struct err e = ERR_INIT;
	ok(conf_pick_account(c, NULL, &e) == NULL && e.kind == ERR_CONFIG, "no account: config error");
	ok(strstr(err_msg(&e), "add-account") != NULL, "tells how to add one");
	err_clear(&e);
	conf_free(&c);
	free(missing);
}

static void test_sync_keys(void)
{
	write_file("accounts/work.conf",
		   "protocol = imap\nhost = h\nuser = u\naddress = u@h\nsync_bodies = recent 30\n"
		   "trash_folder = Papierkorb\nsubscribed_only = no\ndelete_policy = flag\n", 0600);
	struct conf_diags d = { 0 };
	struct conf *c;
	is_int(conf_load(confdir, &c, &d), 0, "sync keys load");
	const struct account_conf *w = conf_find_account(c, "work");
	is_int(w->sync_bodies, SYNC_BODIES_RECENT, "sync_bodies recent");
	is_int(w->sync_bodies_days, 30, "sync_bodies days");
	is_str(w->trash_folder, "Papierkorb", "trash_folder");
	ok(!w->subscribed_only, "subscribed_only = no");
	is_int(w->delete_policy, DELETE_FLAG, "delete_policy = flag");
	conf_diags_release(&d);
	conf_free(&c);
	write_file("accounts/work.conf",
		   "protocol = imap\nhost = h\nuser = u\naddress = u@h\nsync_bodies = ALL\n", 0600);
	conf_load(confdir, &c, &d);
	is_int(conf_find_account(c, "work")->sync_bodies, SYNC_BODIES_ALL, "sync_bodies all");
	conf_diags_release(&d);
	conf_free(&c);
	remove_file("accounts/work.conf");
}

static void test_key_names(void)
{
	const char *const *names = conf_account_key_names();
	size_t n = 0;
	bool has_smtp_tls = false;
	for (; names[n]; n++)
		has_smtp_tls |= strcmp(names[n], "smtp_tls") == 0;
	ok(n >= 20 && has_smtp_tls, "account key list (%zu keys)", n);
}

static void test_pop3_keys(void)
{
	write_file("accounts/work.conf", "protocol = pop3\nhost = h\nuser = u\naddress = u@h\n"
		   "leave_on_server = yes\ndelete_after_days = 14\n"
		   "delete_on_server_when_deleted = yes\n", 0600);
	struct conf_diags d = { 0 };
	struct conf *c;
	is_int(conf_load(confdir, &c, &d), 0, "POP3 keys load");
	const struct account_conf *a = conf_find_account(c, "work");
	ok(a && a->leave_on_server && a->delete_after_days == 14 &&
	   a->delete_on_server_when_deleted, "POP3 keys read");
	conf_diags_release(&d);
	conf_free(&c);
	remove_file("accounts/work.conf");
}

int main(void)
{
	confdir = path_join(tap_tmpdir(), "conf");
	test_good();
	test_errors();
	test_pop3_keys();
	test_empty();
	test_sync_keys();
	test_key_names();
	free(confdir);
	return tap_done();
}
