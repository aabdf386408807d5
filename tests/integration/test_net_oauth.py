"""OAuth logins (OAUTHBEARER and XOAUTH2) for IMAP, POP3 and SMTP with the
token from oauth_token_command, against the OAuth fakes of
tests/servers/fakes.py over TLS with the rig's test CA: the SASL messages
as the RFCs want them, a refused token with the server's error, a failing
token command, and no token in the trace."""
import os
import re

from postie_test import TAP, Postie
from fakes import FakeServer
import certs as rig_certs
import nettest

t = TAP()
p = Postie(t.tmpdir)
c = rig_certs.make_certs(os.path.join(t.tmpdir, "certs"))
trace_path = os.path.join(t.tmpdir, "trace")
TOKEN = FakeServer.token


def fake(proto):
    f = FakeServer(proto, "oauth", tls=c["good"])
    t.cleanup(f.stop)
    return f


def account(name, proto, port, smtp_port, **keys):
    lines = {
        "protocol": proto, "host": "localhost", "port": port, "tls": "implicit",
        "user": "alice@example.test", "oauth_token_command": "echo " + TOKEN,
        "ca_file": c["ca"], "address": "alice@example.test", "timeout": 10,
        "smtp_host": "localhost", "smtp_port": smtp_port, "smtp_tls": "implicit",
    }
    lines.update(keys)
    p.write_account(name, "".join("%s = %s\n" % kv for kv in lines.items() if kv[1] is not None))


def run(name):
    if os.path.exists(trace_path):
        os.unlink(trace_path)
    return p.run("--trace", trace_path, "check-account", "-a", name)


smtp = fake("smtp")
fakes = {"imap": fake("imap"), "pop3": fake("pop3")}
for proto in ("imap", "pop3"):
    f = fakes[proto]
    # Default: OAUTHBEARER, the standard one, when both are offered.
    account(proto + "-bearer", proto, f.port, smtp.port)
    res = run(proto + "-bearer")
    t.eq(res.returncode, 0, proto + ": OAuth login with oauth_token_command")
    if res.returncode:
        t.diag(res.stderr)
    t.contains(res.stdout, "OAUTHBEARER)", proto + ": OAUTHBEARER is preferred")
    want = ("n,a=alice@example.test,\x01host=localhost\x01port=%d\x01auth=Bearer %s\x01\x01"
            % (f.port, TOKEN))
    t.eq(f.auth[-1:], [want], proto + ": the OAUTHBEARER message follows RFC 7628")
    t.eq(smtp.auth[-1:], [want.replace("port=%d" % f.port, "port=%d" % smtp.port)],
         proto + ": SMTP sent its own OAUTHBEARER message")
    trace = nettest.read(trace_path)
    t.not_contains(trace, TOKEN, proto + ": the token is not in the trace")
    t.ok(re.search(r"C: (\d+ AUTHENTICATE|AUTH) OAUTHBEARER <redacted>", trace),
         proto + ": the AUTH line is traced, redacted")

    account(proto + "-xoauth2", proto, f.port, smtp.port, auth="xoauth2")
    res = run(proto + "-xoauth2")
    t.eq(res.returncode, 0, proto + ": auth = xoauth2")
    t.eq(f.auth[-1], "user=alice@example.test\x01auth=Bearer %s\x01\x01" % TOKEN,
         proto + ": the XOAUTH2 message")

    account(proto + "-badtoken", proto, f.port, smtp.port, oauth_token_command="echo expired")
    res = run(proto + "-badtoken")
    t.eq(res.returncode, 1, proto + ": a refused token fails")
    t.ok(re.search(r"login failed for alice@example\.test at localhost: .*invalid token "
                   r"\(\{\"status\": \"401\"", res.stderr),
         proto + ": with the server's words and its OAuth error", res.stderr)
    t.not_contains(nettest.read(trace_path), "expired\x01", proto + ": no token in the trace")

account("tokencmd", "imap", fakes["imap"].port, smtp.port,
        oauth_token_command='"echo token service unreachable >&2; exit 7"')
res = run("tokencmd")
t.eq(res.returncode, 1, "a failing oauth_token_command fails")
t.contains(res.stderr, "oauth_token_command", "the message names the setting")
t.eq(len(re.findall(r"oauth_token_command '.*' failed \(exit status 7\): token service "
                    r"unreachable", res.stderr)), 2, "and shows its stderr, for IMAP and SMTP")
t.done()
