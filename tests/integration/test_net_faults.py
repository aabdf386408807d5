"""Servers that misbehave, played by the small fakes of tests/servers/fakes.py:
no STARTTLS on offer, data injected after the STARTTLS reply, silence (read
and handshake timeouts); and the plain-text password policy."""
import os
import re
import time

from postie_test import TAP, Postie
from fakes import FakeServer

t = TAP()
p = Postie(t.tmpdir)
trace_path = os.path.join(t.tmpdir, "trace")
PASSWORD = "fake-s3cret"


def account(name, proto, port, tls="starttls", smtp_port=None, **keys):
    lines = {
        "protocol": "imap" if proto == "smtp" else proto, "host": "127.0.0.1",
        "port": port, "tls": tls, "user": "alice", "password_command": "echo " + PASSWORD,
        "address": "alice@example.test", "timeout": 2,
    }
    if smtp_port:
        lines.update(smtp_host="127.0.0.1", smtp_port=smtp_port, smtp_tls=tls)
    lines.update(keys)
    p.write_account(name, "".join("%s = %s\n" % kv for kv in lines.items() if kv[1] is not None))


def run(name, **kw):
    if os.path.exists(trace_path):
        os.unlink(trace_path)
    t0 = time.monotonic()
    res = p.run("--trace", trace_path, "check-account", "-a", name, **kw)
    return res, time.monotonic() - t0


def fake(proto, kind):
    f = FakeServer(proto, kind)
    t.cleanup(f.stop)
    return f


def nothing_sent(f, what):
    """Neither a login command nor the password reached the server."""
    got = f.received.decode("utf-8", "replace")
    t.ok(not re.search(r"\b(LOGIN|AUTHENTICATE|AUTH|PASS|USER)\b", got, re.I),
         what + ": no login command reached the server", got)
    t.not_contains(got, PASSWORD, what + ": the password did not reach the server")


# -- STARTTLS/STLS not offered -----------------------------------------------------

WORD = {"imap": "STARTTLS", "pop3": "STLS", "smtp": "STARTTLS"}
for proto in ("imap", "pop3", "smtp"):
    f = fake(proto, "no-starttls")
    name = proto + "-nostarttls"
    if proto == "smtp":
        silent = fake("imap", "no-starttls")   # the mail side fails the same way first
        account(name, "smtp", silent.port, smtp_port=f.port)
    else:
        account(name, proto, f.port)
    res, _ = run(name)
    t.eq(res.returncode, 1, "%s without %s: refused" % (proto, WORD[proto]))
    t.ok(re.search(r"refusing 127\.0\.0\.1:%d: it does not offer %s, and .*%s\.conf asks for it"
                   % (f.port, WORD[proto], name), res.stderr),
         "%s: the message names the server, what is missing and the setting" % proto, res.stderr)
    nothing_sent(f, proto + " without " + WORD[proto])
    if proto == "pop3":
        t.not_contains(f.received.decode(), "STLS", "pop3: STLS is not even tried when CAPA lacks it")

# -- data injected after the STARTTLS reply (CVE-2020-15953) --------------------------

for proto in ("imap", "pop3", "smtp"):
    f = fake(proto, "inject")
    name = proto + "-inject"
    if proto == "smtp":
        other = fake("imap", "inject")
        account(name, "smtp", other.port, smtp_port=f.port)
    else:
        account(name, proto, f.port)
    res, _ = run(name)
    t.eq(res.returncode, 1, "%s: data after the STARTTLS reply is refused" % proto)
    t.ok(re.search(r"refusing 127\.0\.0\.1:%d: it sent data together with its %s reply"
                   % (f.port, WORD[proto]), res.stderr),
         "%s: with a message that names the server and the attack" % proto, res.stderr)
    nothing_sent(f, proto + " injection")

# -- silence: read timeout and handshake timeout ---------------------------------------

f = fake("imap", "silent")
account("silent", "imap", f.port, tls="starttls")
res, took = run("silent")
t.eq(res.returncode, 1, "a server that says nothing: failure")
t.contains(res.stderr, "reading the greeting of 127.0.0.1:%d: no answer within 2 seconds" % f.port,
           "a clear timeout error naming the server")
t.ok(took < 15, "returns within the timeout (%.1f s for 2 s)" % took)

account("silent-tls", "imap", f.port, tls="implicit")
res, took = run("silent-tls")
t.eq(res.returncode, 1, "a TLS server that never answers the handshake: failure")
t.contains(res.stderr, "TLS handshake with 127.0.0.1:%d: no answer within 2 seconds" % f.port,
           "a clear handshake timeout error")
t.ok(took < 15, "returns within the timeout (%.1f s)" % took)

# Nothing listening: refused at once, with the address tried.
port = f.port
f.stop()
res, took = run("silent")
t.eq(res.returncode, 1, "nothing listening: failure")
t.contains(res.stderr, "cannot connect to 127.0.0.1:%d (127.0.0.1: Connection refused)" % port,
           "the error names the address and the reason")

# -- plain text --------------------------------------------------------------------------

f = fake("imap", "no-starttls")
account("plain-refused", "imap", f.port, tls="none")
res, _ = run("plain-refused")
t.eq(res.returncode, 2, "tls = none with a password needs allow_plaintext_password")
t.contains(res.stderr, "allow_plaintext_password", "and says so")
os.unlink(os.path.join(p.config_dir, "accounts", "plain-refused.conf"))  # it breaks every command

account("plain-allowed", "imap", f.port, tls="none", allow_plaintext_password="yes")
res, _ = run("plain-allowed")
t.eq(res.returncode, 0, "tls = none + allow_plaintext_password = yes logs in unencrypted")
t.contains(res.stdout, "NOT ENCRYPTED", "and check-account says loudly that it is not encrypted")
trace = open(trace_path).read()
t.contains(trace, "AUTHENTICATE PLAIN", "the plain login is traced")
t.not_contains(trace, PASSWORD, "without the password")

# OAuth tokens are credentials too: tls = none passes the configuration check
# (no password) but the token is still not sent unencrypted.
account("plain-token", "imap", f.port, tls="none", password_command=None,
        oauth_token_command="echo tok3n")
before = len(f.received)
res, _ = run("plain-token")
t.eq(res.returncode, 1, "an OAuth token is not sent over a plain connection either")
t.contains(res.stderr, "over an unencrypted connection", "and the message says why")
t.not_contains(f.received[before:].decode(), "tok3n", "the token did not reach the server")
t.done()
