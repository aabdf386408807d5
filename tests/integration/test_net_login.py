"""Logging in over each of the six endpoints (IMAP, POP3, SMTP; STARTTLS and
implicit TLS) against the rig's Dovecot with `postie check-account`; the
alternative login methods; wrong passwords and failing password commands;
tls_pin; and a trace with every protocol line and no password."""
import os
import re

from postie_test import TAP, Postie
from rig import Rig, DEFAULT_USERS
import nettest

# A password with quotes, a backslash, a blank and non-ASCII letters, which
# every login method must carry intact (the IMAP LOGIN command quotes it).
ODD_PASSWORD = 'p"a\\ss wörd'
t = TAP()
r = Rig.started_for(t, users=DEFAULT_USERS + [("dave", ODD_PASSWORD)])
p = Postie(t.tmpdir)
certs = os.path.dirname(r.ca_file)


def check(name, *args, env=None):
    return p.run("check-account", "-a", name, *args, env=env)


# -- the six endpoints ---------------------------------------------------------

SETUPS = [
    ("imaps-sub", "imap", "implicit", "starttls"),
    ("imap-subs", "imap", "starttls", "implicit"),
    ("pop3-sub", "pop3", "starttls", "starttls"),
    ("pop3s-subs", "pop3", "implicit", "implicit"),
]
for name, proto, tls, smtp_tls in SETUPS:
    r.write_postie_account(p, name, "alice", protocol=proto, tls=tls, smtp_tls=smtp_tls)
    res = check(name)
    t.eq(res.returncode, 0, "%s: check-account passes (%s %s, smtp %s)" % (name, proto, tls, smtp_tls))
    if res.returncode:
        t.diag(res.stdout + res.stderr)
    out = res.stdout
    t.ok(re.search(r"TLS: TLS1\.[23], ", out), name + ": reports the TLS version and cipher", out)
    t.contains(out, "certificate: CN=localhost", name + ": reports the certificate subject")
    t.contains(out, "issuer:    CN=postie test CA", name + ": and its issuer")
    t.contains(out, "expires:   2099-12-31", name + ": and its expiry")
    t.contains(out, nettest.cert_fingerprint(os.path.join(certs, "good.pem")),
               name + ": and its SHA-256 fingerprint")
    t.contains(out, "trust:     verified against ca_file", name + ": and why it is trusted")
    if proto == "imap":
        t.contains(out, "logged in as alice (AUTHENTICATE PLAIN)", name + ": IMAP login")
        t.contains(out, "NOOP: ok\n", name + ": IMAP NOOP")
    else:
        t.contains(out, "logged in as alice (SASL PLAIN)", name + ": POP3 login")
        t.contains(out, "STAT: 0 messages", name + ": POP3 STAT")
    t.contains(out, "logged in as alice (AUTH PLAIN)", name + ": SMTP login")
    t.contains(out, "%s: all checks passed" % name, name + ": summary")
    if tls == "starttls":
        t.contains(out, "starting TLS with localhost:%d" % r.ports[proto], name + ": STARTTLS step")

# -- the other login methods ---------------------------------------------------

r.write_postie_account(p, "imap-login", "bob", protocol="imap", tls="starttls", auth="login")
res = check("imap-login")
t.eq(res.returncode, 0, "auth = login: IMAP LOGIN command works")
t.contains(res.stdout, "logged in as bob (LOGIN)", "IMAP LOGIN is reported")
t.contains(res.stdout, "(AUTH LOGIN)", "auth = login: SMTP AUTH LOGIN works")

r.write_postie_account(p, "pop3-user", "bob", protocol="pop3", tls="implicit", auth="user")
res = check("pop3-user")
t.eq(res.returncode, 0, "auth = user: POP3 USER/PASS works")
t.contains(res.stdout, "logged in as bob (USER/PASS)", "USER/PASS is reported")

path = r.write_postie_account(p, "bad-auth", "bob", auth="cram-md5")
res = check("bad-auth")
t.eq(res.returncode, 2, "an unknown auth value is a configuration error")
t.contains(res.stderr, "auth must be plain, login, user, apop, xoauth2 or oauthbearer, not "
           "'cram-md5'", "and says which values exist")
os.unlink(path)

pw_file = os.path.join(t.tmpdir, "dave-pw")
with open(pw_file, "w") as f:
    f.write(ODD_PASSWORD + "\n")
for proto, auth, want in (("imap", None, "AUTHENTICATE PLAIN"), ("imap", "login", "LOGIN"),
                          ("pop3", None, "SASL PLAIN"), ("pop3", "user", "USER/PASS")):
    name = "odd-%s-%s" % (proto, auth or "default")
    r.write_postie_account(p, name, "dave", protocol=proto, password_command="cat " + pw_file,
                           auth=auth)
    res = check(name)
    t.eq(res.returncode, 0, "%s: a password with quotes, \\, blank and UTF-8 works (%s)"
         % (name, want))
    t.contains(res.stdout, "(%s)" % want, name + ": through " + want)

# -- wrong password, failing password_command ----------------------------------

for name, proto, tls, word in [("wrong-imap", "imap", "implicit", "[AUTHENTICATIONFAILED]"),
                               ("wrong-pop3", "pop3", "starttls", "[AUTH]")]:
    r.write_postie_account(p, name, "alice", protocol=proto, tls=tls,
                           password_command="echo wrong-password")
    res = check(name)
    t.eq(res.returncode, 1, name + ": a wrong password fails with status 1")
    t.ok(re.search(r"login failed for alice at localhost: .*%s.*Authentication failed"
                   % re.escape(word), res.stderr),
         name + ": 'login failed for USER at HOST: <server's words>'", res.stderr)
    t.ok(re.search(r"login failed for alice at localhost: 5\.7\.8 .*Authentication failed",
                   res.stderr), name + ": SMTP too, with the server's words", res.stderr)

r.write_postie_account(p, "pwcmd", "alice",
                       password_command='"echo gpg: decryption failed: No secret key >&2; exit 2"')
res = check("pwcmd")
t.eq(res.returncode, 1, "a failing password_command fails the check")
t.contains(res.stderr, "failed (exit status 2): gpg: decryption failed: No secret key",
           "and its stderr is shown")

r.write_postie_account(p, "nopw", "alice", password_command=None)
res = check("nopw")
t.eq(res.returncode, 2, "no password source and no terminal: configuration error")
t.contains(res.stderr, "no password for alice at localhost", "says which password is missing")

# -- tls_pin ---------------------------------------------------------------------

good_pin = nettest.cert_pin(os.path.join(certs, "good.pem"))
r.write_postie_account(p, "pinned", "alice", tls_pin=good_pin, ca_file=None)
res = check("pinned")
t.eq(res.returncode, 0, "a matching tls_pin is trusted (even without ca_file)")
t.contains(res.stdout, "trust:     key matches tls_pin", "and reported as such")
t.contains(res.stdout, "key:       " + good_pin, "the key pin shown is certtool's")

other_pin = nettest.cert_pin(os.path.join(certs, "selfsigned.pem"))
r.write_postie_account(p, "mispinned", "alice", tls_pin=other_pin)
p.write_global("trace_file = %s\n" % os.path.join(t.tmpdir, "pin-trace"))
res = check("mispinned")
t.eq(res.returncode, 1, "a tls_pin that does not match is refused (even with a valid CA chain)")
t.ok(re.search(r"refusing localhost:\d+: its key does not match tls_pin in .*mispinned\.conf "
               r"\(the server's key is %s" % re.escape(good_pin), res.stderr),
     "the message names the file and the server's actual key", res.stderr)
trace = nettest.read(os.path.join(t.tmpdir, "pin-trace"))
nettest.no_credentials(t, trace, "alice", "alice-pw", "pin mismatch")
os.unlink(os.path.join(p.config_dir, "postie.conf"))

r.write_postie_account(p, "badpin", "alice", tls_pin="sha256:abc")
res = check("badpin")
t.eq(res.returncode, 2, "a malformed tls_pin is a configuration error")

# -- trace -------------------------------------------------------------------------

trace_path = os.path.join(t.tmpdir, "trace")
for name in ("imaps-sub", "pop3-sub", "imap-login", "pop3-user"):
    res = p.run("--trace", trace_path, "check-account", "-a", name)
    t.eq(res.returncode, 0, "check-account --trace (%s)" % name)
trace = nettest.read(trace_path)
for user, pw in (("alice", "alice-pw"), ("bob", "bob-pw")):
    for form in nettest.secret_forms(user, pw):
        t.not_contains(trace, form, "the trace holds no form of %s's password (%s)" % (user, form))
lines = nettest.client_lines(trace)
for want in ("AUTHENTICATE PLAIN <redacted>", "AUTH PLAIN <redacted>", "LOGIN <redacted>",
             "PASS <redacted>", "USER bob", "STARTTLS", "STLS", "NOOP", "STAT", "LOGOUT", "QUIT"):
    t.ok(any(l.endswith(want) for l in lines), "the trace has the client line '... %s'" % want)
t.ok(re.search(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} #\d+\.\d+ S: \* OK ", trace, re.M),
     "server lines have a timestamp and a connection number")
t.ok(re.search(r"#\d+\.\d+ S: 235 2\.7\.0 Logged in", trace), "SMTP replies are traced")
t.ok(re.search(r"#\d+\.\d+ # TLS \(TLS1\.[23]\)", trace), "TLS details are noted")
t.eq(os.stat(trace_path).st_mode & 0o777, 0o600, "the trace file is private")
ids = set(re.findall(r" #(\d+\.[1-9]\d*) ", trace))
t.ok(len(ids) >= 8, "each connection has its own pid.number (%d)" % len(ids))

p.write_global("trace_file = %s\n" % os.path.join(t.tmpdir, "conf-trace"))
res = check("imaps-sub")
t.eq(res.returncode, 0, "trace_file in postie.conf")
t.contains(nettest.read(os.path.join(t.tmpdir, "conf-trace")), "NOOP",
           "trace_file in postie.conf writes the trace")
t.done()
