/* net: key pins, the known-servers file, trace redaction, SASL messages,
 * certificate reasons, secrets from commands, base64, and the connection's
 * timeouts and cancellation against local sockets that never answer. */
#include "common.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#include "conf/conf.h"
#include "net/net-private.h"
#include "net/sasl.h"
#include "net/secret.h"
#include "sockets.h"
#include "tap.h"
#include "util/base64.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/paths.h"

/* ---- base64 ---- */

static void test_base64(void)
{
	static const struct { const char *raw, *b64; } cases[] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct buf b = BUF_INIT;
		base64_encode(&b, cases[i].raw, strlen(cases[i].raw));
		is_str(buf_cstr(&b), cases[i].b64, "base64 encode '%s'", cases[i].raw);
		buf_reset(&b);
		ok(base64_decode(&b, cases[i].b64, strlen(cases[i].b64)), "decode '%s'",
		   cases[i].b64);
		is_str(buf_cstr(&b), cases[i].raw, "decode '%s' gives '%s'", cases[i].b64,
		       cases[i].raw);
		buf_release(&b);
	}
	static const char *const bad[] = { "Zg=a", "Z", "Zm9v!", "Zm9vY" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct buf b = BUF_INIT;
		ok(!base64_decode(&b, bad[i], strlen(bad[i])), "malformed base64 '%s' is not clean",
		   bad[i]);
		buf_release(&b);
	}
	struct buf b = BUF_INIT;
	ok(base64_decode(&b, "Zm9v\r\nYmFy", 10) && strcmp(buf_cstr(&b), "foobar") == 0,
	   "line breaks inside base64 are skipped");
	buf_release(&b);
	unsigned char bin[3] = { 0xfb, 0xff, 0x00 };
	buf_init(&b);
	base64_encode(&b, bin, 3);
	is_str(buf_cstr(&b), "+/8A", "the + and / digits");
	buf_release(&b);
}

/* ---- pins and fingerprints ---- */

static void test_pins(void)
{
	unsigned char pin[NET_PIN_LEN], back[NET_PIN_LEN];
	for (int i = 0; i < NET_PIN_LEN; i++)
		pin[i] = (unsigned char)(i * 7 + 1);
	char *s = net_pin_format(pin);
	ok(strncmp(s, "sha256:", 7) == 0 && strlen(s) == 7 + 44, "pin format: sha256: + 44 digits");
	ok(net_pin_parse(s, back) == 0 && memcmp(pin, back, NET_PIN_LEN) == 0, "pin round trip");
	free(s);
	/* certtool --pubkey-info prints this form: "pin-sha256:" would be refused. */
	static const char *const bad[] = {
		"sha256:", "sha1:AAAA", "pin-sha256:VYCguNnodl52IItYqIxXDTEtSbWUfFN9hLboN/deuus=",
		"sha256:VYCguNnodl52IItYqIxXDTEtSbWUfFN9hLboN/deu", /* 31 bytes */
		"sha256:VYCguNnodl52IItYqIxXDTEtSbWUfFN9hLboN/deuus=AAAA", /* 35 bytes */
		"sha256:VYCguNnodl52IItYqIxX DTEtSbWUfFN9hLboN/deuus=",
		"sha256:!YCguNnodl52IItYqIxXDTEtSbWUfFN9hLboN/deuus=", NULL,
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		ok(net_pin_parse(bad[i], back) < 0, "bad pin refused: %s", bad[i] ? bad[i] : "NULL");
	ok(net_pin_parse("sha256:VYCguNnodl52IItYqIxXDTEtSbWUfFN9hLboN/deuus=", back) == 0,
	   "a pin as certtool prints it (after pin-sha256:) is accepted");
	unsigned char fp[3] = { 0x02, 0xab, 0xff };
	char *hex = net_hex_colons(fp, 3);
	is_str(hex, "02:AB:FF", "fingerprint in colon hex");
	free(hex);
}

/* ---- known servers ---- */

static void test_tofu_parse(void)
{
	unsigned char pin[NET_PIN_LEN] = { 1, 2, 3 };
	char *p = net_pin_format(pin);
	char *text = xasprintf("# comment\n\nmail.example.org 993 %s 2026-01-01\n"
			       "  [::1]  143 %s\nMAIL.example.org 993 %s\n", p, p, p);
	struct tofu_file f = { 0 };
	struct err err = ERR_INIT;
	ok(tofu_parse("ks", text, &f, &err) == 0, "known-servers text parses");
	is_int(f.v.n, 3, "three entries");
	const struct tofu_entry *e = tofu_find(&f, "mail.EXAMPLE.org", 993);
	ok(e && e->line == 5, "lookup is case-insensitive and the last line wins");
	ok(tofu_find(&f, "mail.example.org", 995) == NULL, "another port is another server");
	ok(tofu_find(&f, "[::1]", 143) != NULL, "an IPv6 literal host");
	tofu_release(&f);
	free(text);

	char *bad[] = {
		xstrdup("host 993\n"), xstrdup("host x993 sha256:AAAA\n"),
		xstrdup("host 993 sha256:AAAA\n"), xasprintf("host 70000 %s\n", p),
		xasprintf("host 993 %s 2026-01-01 extra\n", p),
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char *full = xasprintf("# ok\n%s", bad[i]);
		struct tofu_file g = { 0 };
		ok(tofu_parse("/x/known_servers", full, &g, &err) < 0 && err.kind == ERR_CONFIG &&
		   strstr(err_msg(&err), "/x/known_servers:2:"),
		   "malformed line refused with file:line (%s)", bad[i]);
		err_clear(&err);
		tofu_release(&g);
		free(bad[i]);
		free(full);
	}
	free(p);
}

static void test_tofu_store(void)
{
	char *path = path_join(tap_tmpdir(), "sub/known_servers");
	unsigned char a[NET_PIN_LEN] = { 0xaa }, b[NET_PIN_LEN] = { 0xbb };
	struct err err = ERR_INIT;
	struct tofu_file f = { 0 };
	ok(tofu_load(path, &f, &err) == 0 && f.v.n == 0, "a missing file is empty");
	ok(tofu_store(path, "imap.example.org", 993, a, &err) == 0, "store creates file and dir");
	ok(tofu_store(path, "smtp.example.org", 465, a, &err) == 0, "store a second server");
	ok(tofu_store(path, "imap.example.org", 993, b, &err) == 0, "store replaces a server");
	ok(tofu_load(path, &f, &err) == 0, "reload");
	is_int(f.v.n, 2, "one line per server");
	const struct tofu_entry *e = tofu_find(&f, "imap.example.org", 993);
	ok(e && memcmp(e->pin, b, NET_PIN_LEN) == 0, "the replaced key is the new one");
	e = tofu_find(&f, "smtp.example.org", 465);
	ok(e && memcmp(e->pin, a, NET_PIN_LEN) == 0, "the other server is kept");
	tofu_release(&f);
	struct buf text = BUF_INIT;
	file_read_all(path, &text, &err);
	ok(buf_cstr(&text)[0] == '#', "the file starts with an explaining comment");
	buf_release(&text);
	free(path);
}

/* ---- redaction ---- */

struct redact_case {
	enum net_service service;
	const char *lines;      /* "C:" client and "S:" server lines, \n-separated */
	const char *want;       /* the traced client lines, \n-separated */
};

static void run_redact(const struct redact_case *rc, bool secret_mode)
{
	struct redactor r;
	redactor_init(&r, rc->service);
	r.secret_mode = secret_mode;
	struct buf got = BUF_INIT;
	char *copy = xstrdup(rc->lines);
	for (char *save = NULL, *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (l[0] == 'S')
			redact_server_line(&r, l + 2, strlen(l + 2));
		else {
			redact_client_line(&r, l + 2, strlen(l + 2), &got);
			buf_addc(&got, '\n');
		}
	}
	is_str(buf_cstr(&got), rc->want, "%s%s: %s", net_service_name(rc->service),
	       secret_mode ? " (secret mode)" : "", rc->lines);
	buf_release(&got);
	free(copy);
}

static void test_redact(void)
{
	static const struct redact_case cases[] = {
		{ NET_SERVICE_IMAP, "C:a1 LOGIN alice \"s3cret\"\nC:a2 NOOP",
		  "a1 LOGIN <redacted>\na2 NOOP\n" },
		{ NET_SERVICE_IMAP, "C:3 login {5}",
		  "3 login <redacted>\n" },
		{ NET_SERVICE_IMAP, "C:1 AUTHENTICATE PLAIN AGFsaWNlAHB3\nS:1 OK done\nC:2 NOOP",
		  "1 AUTHENTICATE PLAIN <redacted>\n2 NOOP\n" },
		{ NET_SERVICE_IMAP,
		  "C:1 AUTHENTICATE LOGIN\nS:+ VXNlcm5hbWU6\nC:YWxpY2U=\nS:* CAPABILITY X\n"
		  "C:cHc=\nS:1 NO [AUTHENTICATIONFAILED] nope\nC:2 LOGOUT",
		  "1 AUTHENTICATE LOGIN\n<redacted>\n<redacted>\n2 LOGOUT\n" },
		{ NET_SERVICE_IMAP, "C:1 AUTHENTICATE XOAUTH2 dXNlcj1h\nS:+ eyJzdGF0dXMiOiI0MDEifQ==\nC:\nS:1 NO x\nC:2 NOOP",
		  "1 AUTHENTICATE XOAUTH2 <redacted>\n<redacted>\n2 NOOP\n" },
		{ NET_SERVICE_IMAP, "C:5 SELECT INBOX", "5 SELECT INBOX\n" },
		{ NET_SERVICE_POP3, "C:USER alice\nC:PASS s3cret\nC:STAT",
		  "USER alice\nPASS <redacted>\nSTAT\n" },
		{ NET_SERVICE_POP3, "C:APOP alice c4c9334bac560ecc979e58001b3e22fb",
		  "APOP alice <redacted>\n" },
		{ NET_SERVICE_POP3, "C:AUTH\nC:AUTH PLAIN\nS:+ \nC:AGFsaWNlAHB3\nS:+OK in\nC:STAT",
		  "AUTH\nAUTH PLAIN\n<redacted>\nSTAT\n" },
		{ NET_SERVICE_POP3, "C:AUTH PLAIN AGFsaWNlAHB3\nS:-ERR no\nC:QUIT",
		  "AUTH PLAIN <redacted>\nQUIT\n" },
		{ NET_SERVICE_SMTP, "C:EHLO [127.0.0.1]\nC:AUTH PLAIN AGFsaWNlAHB3\nS:235 ok\nC:MAIL FROM:<a@b>",
		  "EHLO [127.0.0.1]\nAUTH PLAIN <redacted>\nMAIL FROM:<a@b>\n" },
		{ NET_SERVICE_SMTP, "C:AUTH LOGIN\nS:334 VXNlcm5hbWU6\nC:YWxpY2U=\nS:334 UGFzc3dvcmQ6\nC:cHc=\n"
		  "S:535-5.7.8 bad\nC:x\nS:535 5.7.8 bad\nC:QUIT",
		  "AUTH LOGIN\n<redacted>\n<redacted>\n<redacted>\nQUIT\n" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		run_redact(&cases[i], false);
	/* In secret mode, lines the rules do not know are hidden whole. */
	static const struct redact_case secret[] = {
		{ NET_SERVICE_IMAP, "C:1 LOGIN alice pw\nC:\"pw\"\nC:2 NOOP",
		  "1 LOGIN <redacted>\n<redacted>\n<redacted>\n" },
		{ NET_SERVICE_POP3, "C:PASS pw\nC:pw", "PASS <redacted>\n<redacted>\n" },
		{ NET_SERVICE_SMTP, "C:AUTH PLAIN x\nS:235 ok\nC:s3cret", "AUTH PLAIN <redacted>\n<redacted>\n" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(secret); i++)
		run_redact(&secret[i], true);
}

/* ---- SASL ---- */

static char *decode(const struct secret *b64)
{
	struct buf raw = BUF_INIT;
	base64_decode(&raw, secret_str(b64), b64->len);
	/* Show NULs and ^A as | and ^ so expectations stay readable. */
	for (size_t i = 0; i < raw.len; i++)
		if (raw.data[i] == '\0')
			raw.data[i] = '|';
		else if (raw.data[i] == '\001')
			raw.data[i] = '^';
	return buf_detach(&raw, NULL);
}

static void test_sasl(void)
{
	struct secret pw = SECRET_INIT, out = SECRET_INIT;
	secret_set(&pw, "pa ss");
	struct sasl_client c;
	char *m;

	sasl_client_init(&c, SASL_PLAIN, "alice", &pw, "mail.example.org", 993);
	is_int(sasl_initial_response(&c, &out), 1, "PLAIN has an initial response");
	is_str(m = decode(&out), "|alice|pa ss", "PLAIN: NUL user NUL password");
	free(m);
	ok(sasl_respond(&c, "", 0, &out) < 0, "PLAIN cancels on a second challenge");
	sasl_client_release(&c);

	sasl_client_init(&c, SASL_PLAIN, "alice", &pw, "h", 1);
	ok(sasl_respond(&c, "", 0, &out) == 0, "PLAIN without initial response: empty challenge");
	is_str(m = decode(&out), "|alice|pa ss", "answered with the message");
	free(m);
	sasl_client_release(&c);

	sasl_client_init(&c, SASL_LOGIN, "alice", &pw, "h", 1);
	is_int(sasl_initial_response(&c, &out), 0, "LOGIN has no initial response");
	ok(sasl_respond(&c, "Username:", 9, &out) == 0, "LOGIN step 1");
	is_str(m = decode(&out), "alice", "LOGIN sends the user first");
	free(m);
	ok(sasl_respond(&c, "Password:", 9, &out) == 0, "LOGIN step 2");
	is_str(m = decode(&out), "pa ss", "then the password");
	free(m);
	ok(sasl_respond(&c, "?", 1, &out) < 0, "LOGIN cancels on a third challenge");
	sasl_client_release(&c);

	sasl_client_init(&c, SASL_XOAUTH2, "alice@example.org", &pw, "h", 1);
	sasl_initial_response(&c, &out);
	is_str(m = decode(&out), "user=alice@example.org^auth=Bearer pa ss^^", "XOAUTH2 message");
	free(m);
	const char *json = "{\"status\":\"401\"}";
	ok(sasl_respond(&c, json, strlen(json), &out) == 0 && out.len == 0,
	   "XOAUTH2 answers an error challenge with an empty line");
	is_str(c.oauth_error, json, "and keeps the server's error");
	sasl_client_release(&c);

	sasl_client_init(&c, SASL_OAUTHBEARER, "a,b=c", &pw, "mail.example.org", 993);
	sasl_initial_response(&c, &out);
	is_str(m = decode(&out), "n,a=a=2Cb=3Dc,^host=mail.example.org^port=993^auth=Bearer pa ss^^",
	       "OAUTHBEARER message (RFC 7628), with , and = escaped in the user");
	free(m);
	ok(sasl_respond(&c, json, strlen(json), &out) == 0, "OAUTHBEARER error challenge");
	is_str(m = decode(&out), "^", "answered with ^A");
	free(m);
	sasl_client_release(&c);

	enum sasl_mech mech;
	ok(sasl_mech_parse("xoauth2", &mech) == 0 && mech == SASL_XOAUTH2, "mechanism names parse");
	ok(sasl_mech_parse("cram-md5", &mech) < 0, "unknown mechanisms do not");
	secret_release(&out);
	secret_release(&pw);
}

/* ---- certificate reasons ---- */

static void test_status_words(void)
{
	struct net_tls_info info = {
		.issuer = "CN=Evil CA", .names = "other.example.org, 10.0.0.1",
		.not_before = 4102444800,  /* 2100-01-01 */
		.not_after = 946684800,    /* 2000-01-01 */
	};
	static const struct { unsigned status; bool self; const char *want; } cases[] = {
		{ GNUTLS_CERT_INVALID | GNUTLS_CERT_SIGNER_NOT_FOUND, true, "unknown issuer (self-signed)" },
		{ GNUTLS_CERT_INVALID | GNUTLS_CERT_SIGNER_NOT_FOUND, false, "unknown issuer: CN=Evil CA" },
		{ GNUTLS_CERT_INVALID | GNUTLS_CERT_EXPIRED, false, "expired on 2000-01-01 00:00 UTC" },
		{ GNUTLS_CERT_INVALID | GNUTLS_CERT_UNEXPECTED_OWNER, false,
		  "name mismatch: certificate is for other.example.org, 10.0.0.1" },
		{ GNUTLS_CERT_INVALID | GNUTLS_CERT_NOT_ACTIVATED, false,
		  "not valid before 2100-01-01 00:00 UTC" },
		{ GNUTLS_CERT_INVALID | GNUTLS_CERT_SIGNER_NOT_FOUND | GNUTLS_CERT_UNEXPECTED_OWNER, true,
		  "unknown issuer (self-signed); name mismatch: certificate is for other.example.org, 10.0.0.1" },
		{ GNUTLS_CERT_INVALID | GNUTLS_CERT_REVOKED, false, "revoked" },
		{ GNUTLS_CERT_INVALID | GNUTLS_CERT_PURPOSE_MISMATCH, false,
		  "verification failed (GnuTLS status 0x" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *w = tls_status_words(cases[i].status, &info, cases[i].self);
		ok(strncmp(w, cases[i].want, strlen(cases[i].want)) == 0, "status 0x%x: %s",
		   cases[i].status, cases[i].want);
		if (strncmp(w, cases[i].want, strlen(cases[i].want)) != 0)
			tap_diag("got: %s", w);
		free(w);
	}
}

/* ---- secrets ---- */

static void test_secret_command(void)
{
	struct secret s = SECRET_INIT;
	struct err err = ERR_INIT;
	ok(secret_from_command("printf 'top secret\\r\\nsecond line\\n'", "password_command", &s,
			       &err) == 0, "password_command runs");
	is_str(secret_str(&s), "top secret", "only the first line, without CR");
	ok(secret_from_command("echo 'no such key' >&2; exit 3", "password_command", &s, &err) < 0,
	   "a failing command fails");
	ok(err.kind == ERR_AUTH && strstr(err_msg(&err), "exit status 3") &&
	   strstr(err_msg(&err), "no such key"), "the error has the status and the command's stderr");
	err_clear(&err);
	ok(secret_from_command("true", "password_command", &s, &err) < 0 &&
	   strstr(err_msg(&err), "printed nothing"), "a command that prints nothing fails");
	err_clear(&err);
	ok(secret_from_command("kill -9 $$", "password_command", &s, &err) < 0 &&
	   strstr(err_msg(&err), "signal 9"), "a killed command fails");
	err_clear(&err);
	/* Growing a secret copies it to a new block and wipes the old one. */
	for (int i = 0; i < 1000; i++)
		secret_add(&s, "0123456789", 10);
	ok(s.len == 10000 && strncmp(secret_str(&s), "0123456789", 10) == 0, "secrets grow");
	secret_release(&s);
	ok(s.data == NULL && s.len == 0, "release empties");
}

static void test_secret_sources(void)
{
	struct account_conf a = {
		.account = "work", .path = "/c/work.conf", .protocol = PROTO_IMAP, .host = "h",
		.tls = TLS_IMPLICIT, .user = "u", .timeout = 5, .password = "from-file",
	};
	struct net_endpoint ep;
	struct err err = ERR_INIT;
	ok(net_endpoint_from_account(&a, false, &ep, &err) == 0 && ep.port == 993 &&
	   ep.service == NET_SERVICE_IMAP, "endpoint of an IMAP account");
	ok(net_endpoint_from_account(&a, true, &ep, &err) < 0 && err.kind == ERR_CONFIG,
	   "no smtp_host: no SMTP endpoint");
	err_clear(&err);
	a.smtp_host = "s";
	a.smtp_user = "su";
	a.smtp_password_command = "echo smtp";
	ok(net_endpoint_from_account(&a, true, &ep, &err) == 0 && ep.port == 465 &&
	   strcmp(ep.user, "su") == 0 && ep.password == NULL, "SMTP endpoint with its own login");

	struct net_options opt = { .data_dir = tap_tmpdir() };
	struct net_ctx *ctx;
	net_ctx_new(&opt, &ctx, &err);
	struct secret s = SECRET_INIT;
	ok(net_secret_get(ctx, &ep, false, &s, &err) == 0 && strcmp(secret_str(&s), "smtp") == 0,
	   "smtp_password_command is used for SMTP");
	net_endpoint_from_account(&a, false, &ep, &err);
	ok(net_secret_get(ctx, &ep, false, &s, &err) == 0 &&
	   strcmp(secret_str(&s), "from-file") == 0, "password from the account file");
	ep.password = NULL;
	ok(net_secret_get(ctx, &ep, false, &s, &err) < 0 && err.kind == ERR_CONFIG &&
	   strstr(err_msg(&err), "password_command"), "no source and no prompt: says what to set");
	err_clear(&err);
	ok(net_secret_get(ctx, &ep, true, &s, &err) < 0 && strstr(err_msg(&err), "oauth_token_command"),
	   "no token source: says what to set");
	err_clear(&err);
	ep.oauth_token_command = "echo tok";
	ok(net_secret_get(ctx, &ep, true, &s, &err) == 0 && strcmp(secret_str(&s), "tok") == 0,
	   "token from oauth_token_command");
	secret_release(&s);
	net_ctx_free(&ctx);
}

/* A password_command started ahead of the login: taken, refused for a
 * token, cancelled, and not started where the login would not use it. */
static void test_secret_ahead(void)
{
	struct net_endpoint ep = { .service = NET_SERVICE_IMAP, .host = "h", .user = "u",
				   .tls = NET_TLS_IMPLICIT, .password_command = "echo ahead" };
	struct net_options opt = { .data_dir = tap_tmpdir() };
	struct net_ctx *ctx;
	struct err err = ERR_INIT;
	net_ctx_new(&opt, &ctx, &err);
	struct secret s = SECRET_INIT;
	struct secret_job job;
	net_secret_start(&ep, &job);
	ok(job.pid > 0, "password_command started ahead");
	ok(net_secret_take(ctx, &ep, &job, false, &s, &err) == 0 &&
	   strcmp(secret_str(&s), "ahead") == 0 && job.pid == 0, "its password taken at login");
	net_secret_start(&ep, &job);
	ep.oauth_token_command = "echo tok";
	ok(net_secret_take(ctx, &ep, &job, true, &s, &err) == 0 &&
	   strcmp(secret_str(&s), "tok") == 0 && job.pid == 0,
	   "a token login cancels it and runs oauth_token_command");
	net_secret_start(&ep, &job);
	ok(job.pid == 0, "not started when an OAuth token command is set");
	ep.oauth_token_command = NULL;
	ep.password_command = "exec sleep 30";
	net_secret_start(&ep, &job);
	pid_t pid = job.pid;
	net_secret_cancel(&job);
	ok(pid > 0 && job.pid == 0 && waitpid(pid, NULL, WNOHANG) < 0 && errno == ECHILD,
	   "a job nobody takes is stopped and reaped");
	ep.password_command = "echo 'no such key' >&2; exit 3";
	net_secret_start(&ep, &job);
	ok(net_secret_take(ctx, &ep, &job, false, &s, &err) < 0 && err.kind == ERR_AUTH &&
	   strstr(err_msg(&err), "no such key"), "a failing command ahead fails the login as before");
	err_clear(&err);
	ep.tls = NET_TLS_NONE;
	net_secret_start(&ep, &job);
	ok(job.pid == 0, "not started without TLS (the password may not be sent)");
	secret_release(&s);
	net_ctx_free(&ctx);
}

/* ---- connections to sockets that never answer ---- */

struct reader {
	struct net_conn *conn;
	long r;
	enum err_kind kind;
	double took;
};

static void *read_thread(void *p)
{
	struct reader *rd = p;
	char buf[64];
	double t0 = test_now();
	rd->r = net_conn_read(rd->conn, buf, sizeof buf);
	rd->took = test_now() - t0;
	rd->kind = net_conn_failure_kind(rd->conn);
	return NULL;
}

static void test_timeout_and_cancel(void)
{
	int port;
	int lfd = test_silent_listener(&port);
	ok(lfd >= 0, "a local silent listener");
	struct err err = ERR_INIT;
	struct net_options opt = { .data_dir = tap_tmpdir() };
	struct net_ctx *ctx;
	net_ctx_new(&opt, &ctx, &err);
	struct net_endpoint ep = {
		.service = NET_SERVICE_IMAP, .account = "t", .conf_path = "t.conf",
		.host = "127.0.0.1", .port = port, .tls = NET_TLS_NONE, .timeout = 1, .user = "u",
	};

	/* A read times out within the timeout, with ERR_TIMEOUT. */
	struct net_conn *c;
	ok(net_connect(ctx, &ep, NULL, &c, &err) == 0, "plain connect to the listener");
	struct reader rd = { .conn = c };
	read_thread(&rd);
	ok(rd.r < 0 && rd.kind == ERR_TIMEOUT, "a read with no answer times out");
	ok(rd.took >= 0.9 && rd.took < 10, "after about the timeout (%.2f s for 1 s)", rd.took);
	net_conn_error(c, "reading from", &err);
	ok(strstr(err_msg(&err), "no answer within 1 second") && strstr(err_msg(&err), "127.0.0.1:"),
	   "the error says so and names the server: %s", err_msg(&err));
	err_clear(&err);
	ok(net_conn_check_secret_allowed(c, &err) < 0 && err.kind == ERR_AUTH,
	   "no password on a plain connection");
	err_clear(&err);
	net_conn_free(&c);

	/* Cancel from another thread: a blocked read returns at once. */
	ep.timeout = 60;
	struct net_cancel *cancel = net_cancel_new();
	ok(net_connect(ctx, &ep, cancel, &c, &err) == 0, "connect with a cancel handle");
	rd = (struct reader){ .conn = c };
	pthread_t th;
	pthread_create(&th, NULL, read_thread, &rd);
	struct timespec pause = { 0, 200 * 1000 * 1000 };
	nanosleep(&pause, NULL);
	double t0 = test_now();
	net_cancel_fire(cancel);
	pthread_join(th, NULL);
	double after = test_now() - t0;
	ok(rd.r < 0 && rd.kind == ERR_CANCELLED, "the blocked read was cancelled");
	ok(after < 5, "promptly (%.3f s after cancel, timeout 60 s)", after);
	ok(net_conn_write(c, "x", 1) < 0 && net_conn_failure_kind(c) == ERR_CANCELLED,
	   "later operations fail as cancelled too");
	net_conn_free(&c);
	ok(net_connect(ctx, &ep, cancel, &c, &err) < 0 && err.kind == ERR_CANCELLED,
	   "a new connection on a fired handle is cancelled: %s", err_msg(&err));
	err_clear(&err);
	net_cancel_reset(cancel);
	ok(net_connect(ctx, &ep, cancel, &c, &err) == 0, "after reset, connections work again");
	net_conn_free(&c);

	/* A TLS handshake with a server that never answers times out too. */
	ep.tls = NET_TLS_IMPLICIT;
	ep.timeout = 1;
	t0 = test_now();
	ok(net_connect(ctx, &ep, cancel, &c, &err) < 0 && err.kind == ERR_TIMEOUT,
	   "TLS handshake timeout: %s", err_msg(&err));
	ok(test_now() - t0 < 10, "within the timeout");
	err_clear(&err);

	/* Nothing listens on a closed port: refused, with the address. */
	close(lfd);
	ep.tls = NET_TLS_NONE;
	ok(net_connect(ctx, &ep, NULL, &c, &err) < 0 && err.kind == ERR_NET &&
	   strstr(err_msg(&err), "127.0.0.1: Connection refused"), "refused: %s", err_msg(&err));
	err_clear(&err);
	net_cancel_free(&cancel);
	net_ctx_free(&ctx);
}

/* Every address in order: ::1 refuses (nothing listens there), 127.0.0.1
 * on the same port answers. */
static void test_address_list(void)
{
	int port;
	int lfd = test_silent_listener(&port);
	struct err err = ERR_INIT;
	struct net_options opt = { .data_dir = tap_tmpdir() };
	struct net_ctx *ctx;
	net_ctx_new(&opt, &ctx, &err);
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port),
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct addrinfo ai4 = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM,
				.ai_addr = (struct sockaddr *)&a4, .ai_addrlen = sizeof a4 };
	struct addrinfo ai6 = { .ai_family = AF_INET6, .ai_socktype = SOCK_STREAM,
				.ai_addr = (struct sockaddr *)&a6, .ai_addrlen = sizeof a6,
				.ai_next = &ai4 };
	struct net_conn *c = xcalloc(1, sizeof *c);
	c->ctx = ctx;
	c->ep = (struct net_endpoint){ .host = "multi.example", .port = port, .timeout = 5 };
	c->fd = -1;
	c->refs = 1;
	c->peer = xasprintf("multi.example:%d", port);
	ok(tcp_connect_list(c, &ai6, &err) == 0, "an IPv6 address that refuses, then IPv4: connects");
	ok(c->address && strncmp(c->address, "127.0.0.1 port", 14) == 0,
	   "through the second address (%s)", c->address ? c->address : "none");
	ok(net_conn_failure_kind(c) == ERR_NONE, "the first address's failure is forgotten");
	net_conn_close(c);
	close(lfd);
	ok(tcp_connect_list(c, &ai6, &err) < 0, "both refuse: fails");
	ok(strstr(err_msg(&err), "::1: Connection refused; 127.0.0.1: Connection refused") != NULL,
	   "the error lists each address and why: %s", err_msg(&err));
	err_clear(&err);
	net_conn_free(&c);
	net_ctx_free(&ctx);
}

/* The wait IMAP IDLE uses: data, timeout, a wake-up descriptor, cancel. */
static void test_wait_readable(void)
{
	int port;
	int lfd = test_silent_listener(&port);
	struct err err = ERR_INIT;
	struct net_options opt = { .data_dir = tap_tmpdir() };
	struct net_ctx *ctx;
	net_ctx_new(&opt, &ctx, &err);
	struct net_endpoint ep = {
		.service = NET_SERVICE_IMAP, .account = "t", .conf_path = "t.conf",
		.host = "127.0.0.1", .port = port, .tls = NET_TLS_NONE, .timeout = 5, .user = "u",
	};
	struct net_cancel *cancel = net_cancel_new();
	struct net_conn *c;
	ok(net_connect(ctx, &ep, cancel, &c, &err) == 0, "connect for waiting");
	int server = accept(lfd, NULL, NULL);
	int wake[2];
	ok(pipe(wake) == 0, "a wake-up pipe");
	is_int(net_conn_wait_readable(c, 100, wake[0]), 0, "nothing happens: timeout");
	ssize_t w = write(wake[1], "x", 1);
	is_int(net_conn_wait_readable(c, 5000, wake[0]), 2, "the wake-up descriptor wins (%zd)", w);
	char x;
	w = read(wake[0], &x, 1);
	w = write(server, "* 3 EXISTS\r\n", 12);
	is_int(net_conn_wait_readable(c, 5000, wake[0]), 1, "data from the server: readable");
	char buf[64];
	ok(net_conn_read(c, buf, sizeof buf) == 12, "and it reads");
	net_cancel_fire(cancel);
	is_int(net_conn_wait_readable(c, 5000, -1), -1, "a fired cancel ends the wait");
	is_int(net_conn_failure_kind(c), ERR_CANCELLED, "as cancelled");
	net_conn_free(&c);
	close(server);
	close(wake[0]);
	close(wake[1]);
	close(lfd);
	net_cancel_free(&cancel);
	net_ctx_free(&ctx);
}

/* ---- limits on what a server sends (guard.c) ---- */

/* Feeds text in pieces of step bytes, then filler (if any) up to total
 * bytes; returns the result of the last feed and the reason. */
static int guard_run(enum net_service svc, const char *text, size_t step, char filler,
		     uint64_t total, char **why)
{
	struct net_guard g;
	net_guard_init(&g, svc);
	size_t len = strlen(text);
	*why = NULL;
	for (size_t i = 0; i < len; i += step) {
		size_t k = len - i < step ? len - i : step;
		if (net_guard_feed(&g, text + i, k, why) < 0)
			return -1;
	}
	char chunk[65536];
	memset(chunk, filler, sizeof chunk);
	for (uint64_t done = len; filler && done < total; done += sizeof chunk)
		if (net_guard_feed(&g, chunk, sizeof chunk, why) < 0)
			return -1;
	return 0;
}

static void test_guard(void)
{
	static const struct {
		enum net_service svc;
		const char *text;
		char filler;
		uint64_t total;
		const char *fails;      /* NULL: passes; else a word of the reason */
	} cases[] = {
		{ NET_SERVICE_IMAP, "* 1 FETCH (BODY[] {5}\r\nab\ncd)\r\nA1 OK\r\n", 0, 0, NULL },
		{ NET_SERVICE_IMAP, "* 1 FETCH (BODY[] {104857600}\r\n", 0, 0, "literal" },
		{ NET_SERVICE_IMAP, "* 1 FETCH (BODY[] {104857600+}\r\n", 0, 0, "literal" },
		{ NET_SERVICE_IMAP, "* 1 FETCH (X {99999999999999999999999}\r\n", 0, 0, "literal" },
		/* inside a literal, "{N}" is data */
		{ NET_SERVICE_IMAP, "* 1 FETCH (BODY[] {16}\r\nx {999999999}\r\n)\r\n", 0, 0, NULL },
		{ NET_SERVICE_IMAP, "* 1 FETCH (BODY[] {67108864}\r\n", 'x', 67108864 + 40, NULL },
		{ NET_SERVICE_IMAP, "* OK ", 'x', 17u << 20, "line" },
		/* literals of 60 MiB one after the other in one response */
		{ NET_SERVICE_IMAP, "* 1 FETCH (A {62914560}\r\n", 0, 0, NULL },
		{ NET_SERVICE_POP3, "+OK\r\n", '\n', 100u << 20, NULL },
		{ NET_SERVICE_POP3, "+OK ", 'x', 17u << 20, "line" },
		{ NET_SERVICE_SMTP, "250 ok\r\n250 ok\r\n", 0, 0, NULL },
		{ NET_SERVICE_SMTP, "250-", 'x', 2u << 20, "line" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		for (size_t step = 1; step <= 4096; step *= 64) {
			char *why;
			int r = guard_run(cases[i].svc, cases[i].text, step, cases[i].filler,
					  cases[i].total, &why);
			bool want_fail = cases[i].fails != NULL;
			ok((r < 0) == want_fail && (!want_fail || (why && strstr(why, cases[i].fails))),
			   "guard case %zu, pieces of %zu bytes: %s", i, step,
			   want_fail ? cases[i].fails : "passes");
			free(why);
		}
	}

	/* IMAP: a NUL outside a literal stops the connection (libetpan's parser
	 * would follow a NULL list); inside a literal, and for POP3, it is data. */
	struct net_guard g;
	char *why = NULL;
	static const char nul_line[] = "* OK [PERMANENTFLAGS (\0\\Seen)] x\r\n";
	static const char nul_literal[] = "* 1 FETCH (BODY[] {3}\r\na\0b)\r\n";
	net_guard_init(&g, NET_SERVICE_IMAP);
	int r = net_guard_feed(&g, nul_line, sizeof nul_line - 1, &why);
	ok(r < 0 && why && strstr(why, "NUL"), "IMAP: a NUL in a line is refused");
	free(why);
	net_guard_init(&g, NET_SERVICE_IMAP);
	is_int(net_guard_feed(&g, nul_literal, sizeof nul_literal - 1, &why), 0,
	       "IMAP: a NUL inside a literal is data");
	net_guard_init(&g, NET_SERVICE_POP3);
	is_int(net_guard_feed(&g, "a\0b\r\n", 5, &why), 0, "POP3: a NUL in a message line is data");

	/* SMTP: "250-" lines continue one reply, which stays small. */
	net_guard_init(&g, NET_SERVICE_SMTP);
	r = 0;
	for (int i = 0; i < 200000 && r == 0; i++)
		r = net_guard_feed(&g, "250-continued\r\n", 15, &why);
	ok(r < 0 && why && strstr(why, "response"), "an SMTP reply without end is stopped");
	free(why);
	r = net_guard_feed(&g, "250 ok\r\n", 8, &why);
	ok(r < 0 && why == NULL, "and the connection stays stopped");
	net_guard_init(&g, NET_SERVICE_SMTP);
	for (int i = 0; i < 200000 && r <= 0; i++)
		r = net_guard_feed(&g, "250-x\r\n250 ok\r\n", 15, &why);
	is_int(r, 0, "many short SMTP replies pass");

	/* IMAP: several literals in one response, up to the response limit. */
	net_guard_init(&g, NET_SERVICE_IMAP);
	char *chunk = xcalloc(1, 1u << 20);
	memset(chunk, 'y', 1u << 20);
	r = net_guard_feed(&g, "* 1 FETCH (A {62914560}\r\n", 25, &why);
	for (int i = 0; i < 60 && r == 0; i++)
		r = net_guard_feed(&g, chunk, 1u << 20, &why);
	if (r == 0)
		r = net_guard_feed(&g, " B {62914560}\r\n", 15, &why);
	for (int i = 0; i < 60 && r == 0; i++)
		r = net_guard_feed(&g, chunk, 1u << 20, &why);
	ok(r < 0 && why && strstr(why, "response"), "an IMAP response of many literals is stopped");
	free(why);
	free(chunk);
}

int main(void)
{
	test_base64();
	test_pins();
	test_tofu_parse();
	test_tofu_store();
	test_redact();
	test_sasl();
	test_status_words();
	test_secret_command();
	test_secret_sources();
	test_secret_ahead();
	test_timeout_and_cancel();
	test_address_list();
	test_wait_readable();
	test_guard();
	return tap_done();
}
