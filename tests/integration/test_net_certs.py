"""Certificates that must be refused (self-signed, expired, wrong host name),
each with its own message and before any credential is sent, on every
endpoint; accepting once and always; and a kept key that changes."""
import os
import re

from postie_test import TAP, Postie
from rig import Rig, BAD_KINDS
import nettest

t = TAP()
r = Rig.started_for(t)
p = Postie(t.tmpdir)
certs = os.path.dirname(r.ca_file)
trace_path = os.path.join(t.tmpdir, "trace")
known = os.path.join(p.data_dir, "known_servers")

REASON = {
    "selfsigned": r"unknown issuer \(self-signed\)",
    "expired": r"expired on 2002-01-01 00:00 UTC",
    "wronghost": r"name mismatch: certificate is for wrong\.example\.test",
}
# Mail endpoint, SMTP endpoint: together the six kinds of port.
SETUPS = [("imap", "implicit", "starttls"), ("imap", "starttls", "implicit"),
          ("pop3", "starttls", "starttls"), ("pop3", "implicit", "implicit")]
PORT_NAME = {("imap", "implicit"): "imaps", ("imap", "starttls"): "imap",
             ("pop3", "implicit"): "pop3s", ("pop3", "starttls"): "pop3"}
SMTP_PORT_NAME = {"implicit": "submissions", "starttls": "submission"}


def bad_account(name, kind, proto, tls, smtp_tls, **keys):
    ports = r.bad_ports[kind]
    return r.write_postie_account(p, name, "alice", protocol=proto, tls=tls, smtp_tls=smtp_tls,
                                  port=ports[PORT_NAME[(proto, tls)]],
                                  smtp_port=ports[SMTP_PORT_NAME[smtp_tls]], **keys)


def run(name, *args):
    if os.path.exists(trace_path):
        os.unlink(trace_path)
    return p.run("--trace", trace_path, "check-account", "-a", name, *args)


# -- refused, with the reason, the fingerprint and nothing sent -------------------

for kind in BAD_KINDS:
    fp = nettest.cert_fingerprint(os.path.join(certs, kind + ".pem"))
    ports = r.bad_ports[kind]
    for proto, tls, smtp_tls in SETUPS:
        name = "%s-%s-%s" % (kind, proto, tls)
        bad_account(name, kind, proto, tls, smtp_tls)
        res = run(name)
        what = "%s: %s %s + smtp %s" % (kind, proto, tls, smtp_tls)
        t.eq(res.returncode, 1, what + ": refused (exit 1)")
        for port in (ports[PORT_NAME[(proto, tls)]], ports[SMTP_PORT_NAME[smtp_tls]]):
            t.ok(re.search(r"postie: refusing localhost:%d: its certificate is not trusted: %s "
                           r"\(certificate SHA-256 fingerprint %s\)"
                           % (port, REASON[kind], re.escape(fp)), res.stderr),
                 what + ": port %d refused with host, reason and fingerprint" % port, res.stderr)
        t.contains(res.stderr, "--accept-cert=always", what + ": says how to accept it")
        nettest.no_credentials(t, nettest.read(trace_path), "alice", "alice-pw", what)
    t.ok(not os.path.exists(known), kind + ": nothing was kept")

# -- accept once -----------------------------------------------------------------------

bad_account("once", "selfsigned", "imap", "implicit", "implicit")
res = run("once", "--accept-cert=once")
t.eq(res.returncode, 0, "--accept-cert=once connects")
t.contains(res.stderr, "accepting it for this connection only", "and says so")
t.contains(res.stdout, "trust:     accepted for this connection only", "check-account reports it")
t.contains(res.stdout, "logged in as alice", "and logs in")
t.ok(not os.path.exists(known), "accepting once keeps nothing")
res = run("once")
t.eq(res.returncode, 1, "the next connection asks again (and is refused without the flag)")

res = p.run("check-account", "-a", "once", "--accept-cert=sometimes")
t.eq(res.returncode, 2, "a bad --accept-cert value is a usage error")

# -- accept always, then reconnect without asking ------------------------------------

bad_account("always", "selfsigned", "pop3", "starttls", "starttls")
res = run("always", "--accept-cert=always")
t.eq(res.returncode, 0, "--accept-cert=always connects")
t.contains(res.stderr, "keeping its key in " + known, "and names the file it keeps the key in")
t.contains(res.stdout, "trust:     accepted, key kept for next time", "check-account reports it")
kept = nettest.read(known)
ss_pin = nettest.cert_pin(os.path.join(certs, "selfsigned.pem"))
for port in (r.bad_ports["selfsigned"]["pop3"], r.bad_ports["selfsigned"]["submission"]):
    t.ok(re.search(r"^localhost %d %s \d{4}-\d\d-\d\d$" % (port, re.escape(ss_pin)), kept, re.M),
         "known_servers keeps localhost %d with the key's pin" % port, kept)
t.eq(os.stat(known).st_mode & 0o777, 0o600, "known_servers is private")
res = run("always")
t.eq(res.returncode, 0, "reconnecting works without asking")
t.not_contains(res.stderr, "not trusted", "and without any warning")
t.contains(res.stdout, "trust:     key matches the one you accepted before", "the kept key is what trusts it")

# -- a kept key that changes is refused loudly ---------------------------------------

# The server behind a kept host:port now shows another key: here, the good
# instance's port is kept with the self-signed certificate's key.
good = r.ports["imaps"]
with open(known, "a") as f:
    f.write("localhost %d %s 2026-01-01\n" % (good, ss_pin))
r.write_postie_account(p, "changed", "alice", protocol="imap", tls="implicit", smtp_host=None)
res = run("changed")
t.eq(res.returncode, 1, "a changed key is refused, even though its CA chain is valid")
good_pin = nettest.cert_pin(os.path.join(certs, "good.pem"))
t.ok(re.search(r"DANGER: the key of localhost:%d has CHANGED since you accepted it.*"
               r"Kept key %s, the server now shows %s .*remove line \d+ of %s"
               % (good, re.escape(ss_pin), re.escape(good_pin), re.escape(known)),
               res.stderr, re.S), "the message says so loudly, with both keys and the fix",
     res.stderr)
nettest.no_credentials(t, nettest.read(trace_path), "alice", "alice-pw", "changed key")
res = run("changed", "--accept-cert=always")
t.eq(res.returncode, 1, "--accept-cert does not override a changed key")

# A broken known_servers file is an error, not a silent "unknown host".
with open(known, "a") as f:
    f.write("garbage line\n")
res = run("always")
t.eq(res.returncode, 2, "a malformed known_servers file stops the connection")
t.ok(re.search(r"known_servers:\d+: not a 'HOST PORT sha256:KEY' line", res.stderr),
     "and names the file and line", res.stderr)
t.done()
