"""TLS details of src/net, seen through tests/integration/net-probe against
TLS fakes: a session is resumed where the server offers it (and the resumed
session is still verified), and a server that only speaks TLS 1.1 is
refused."""
import os
import re
import subprocess

from postie_test import TAP
from fakes import FakeServer
import certs as rig_certs

t = TAP()
c = rig_certs.make_certs(os.path.join(t.tmpdir, "certs"))
PROBE = os.path.join(os.environ.get("POSTIE_BUILDDIR", "."), "tests", "integration", "net-probe")


def probe(port, n, ca=c["ca"], host="localhost"):
    return subprocess.run([PROBE, host, str(port), ca, str(n), t.tmpdir],
                          capture_output=True, text=True, timeout=60)


f = FakeServer("imap", "oauth", tls=c["good"])
t.cleanup(f.stop)
res = probe(f.port, 3)
t.eq(res.returncode, 0, "three TLS connections to a server with session tickets")
lines = res.stdout.splitlines()
t.ok(len(lines) == 3 and "resumed=0" in lines[0], "the first one is a full handshake", res.stdout)
t.ok(all("resumed=1" in l for l in lines[1:]), "the next ones resume the session", res.stdout)
t.ok(all("trust=1" in l for l in lines), "every one, resumed or not, is verified against the CA",
     res.stdout)

# The session cache never lets a ticket stand in for verification: with a CA
# that does not sign the server, even a fresh process is refused.
res = probe(f.port, 1, ca=os.path.join(os.path.dirname(c["ca"]), "selfsigned.pem"))
t.eq(res.returncode, 1, "another trust anchor: refused")
t.contains(res.stdout, "unknown issuer", "as an unknown issuer")

# SNI: the host name is sent; an IP literal is not (RFC 6066), and it is
# checked against the certificate's IP addresses instead.
sni = []
named = FakeServer("imap", "oauth", tls=c["good"])
t.cleanup(named.stop)
named._ctx.sni_callback = lambda sock, name, ctx: sni.append(name)
res = probe(named.port, 1)
t.eq((res.returncode, sni), (0, ["localhost"]), "a host name is sent as SNI")
res = probe(named.port, 1, host="127.0.0.1")
t.eq((res.returncode, sni[1:]), (0, [None]), "an IP literal: no SNI, verified by its IP SAN")
wrong = FakeServer("imap", "oauth", tls=c["wronghost"])
t.cleanup(wrong.stop)
res = probe(wrong.port, 1, host="127.0.0.1")
t.contains(res.stdout, "name mismatch: certificate is for wrong.example.test",
           "an IP literal the certificate is not for is refused")

old = FakeServer("imap", "oauth", tls=c["good"], tls_version="TLSv1_1")
t.cleanup(old.stop)
res = probe(old.port, 1)
t.eq(res.returncode, 1, "a server that only speaks TLS 1.1 is refused")
t.ok(re.search(r"TLS handshake with localhost:%d failed: the server does not speak TLS 1\.2 "
               r"or newer" % old.port, res.stdout),
     "with an error naming the server and the reason", res.stdout)
t.done()
