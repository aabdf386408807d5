"""A hostile POP3 server and a hostile SMTP server (tests/servers/fakes.py,
kind "script"): lines and messages without end, replies that go on forever,
malformed and truncated ones. `postie sync` and `postie send` end cleanly
with an error that names the server (a message to send stays queued), never
crash, and keep their peak memory (VmHWM) bounded."""
import os

from fakes import POP3_MAILBOX, SMTP_SERVER, FakeServer, cut, endless
from postie_test import TAP, Postie, run_peak
from imaptest import postie_list

t = TAP()
MIB = 1024
BOUND = 200 * MIB       # KiB
ENV = {"ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=16"}


def clean(res):
    return all(w not in res.stderr for w in ("AddressSanitizer", "runtime error",
                                              "LeakSanitizer"))




def bounded(name, res, peak):
    t.ok(peak < BOUND and clean(res), "%s: peak memory %.1f MiB (bound %d MiB)"
         % (name, peak / MIB, BOUND // MIB), res.stderr[-1500:])


# -- POP3 ----------------------------------------------------------------------

def pop3(name, **overrides):
    srv = FakeServer("pop3", "script", script=dict(POP3_MAILBOX, **overrides))
    t.cleanup(srv.stop)
    p = Postie(t.tmpdir, "pop-" + name.replace(" ", "-"))
    p.write_account("h", "protocol = pop3\nhost = 127.0.0.1\nport = %d\ntls = none\n"
                    "allow_plaintext_password = yes\nuser = u\npassword_command = echo p\n"
                    "address = h@example.test\ntimeout = 10\n" % srv.port)
    res, peak = run_peak(p, "sync", timeout=180, env=ENV)
    return p, res, peak


p, res, peak = pop3("works")
t.eq(res.returncode, 0, "pop3: the scripted mailbox syncs", )
t.eq([m["subject"] for m in postie_list(p, "INBOX", "h")], ["message 1"],
     "pop3: its message is stored")

POP3_FAIL = {
    "greeting without end": ({"GREETING": endless(b"+OK ")}, "line longer than"),
    "message without end": ({"RETR": endless(b"+OK\r\nSubject: x\r\n\r\n",
                                             b"a line of the body\r\n" * 4096)},
                            "larger than"),
    "a line of a message without end": ({"RETR": endless(b"+OK\r\nSubject: x\r\n\r\n")},
                                        "line longer than"),
    "listing without end": ({"UIDL": endless(b"+OK\r\n", b"1 fake-1\r\n" * 4096)}, ""),
}
for name, (script, words) in POP3_FAIL.items():
    _, res, peak = pop3(name, **script)
    t.ok(res.returncode == 1 and "127.0.0.1" in res.stderr and words in res.stderr,
         "pop3, %s: exit 1, the error names the server and says why" % name,
         res.stderr[-1500:])
    bounded("pop3, " + name, res, peak)

POP3_BAD = {
    "no +OK greeting": {"GREETING": "HELLO\r\n"},
    "stat garbage": {"STAT": "+OK lots many\r\n"},
    "list garbage": {"LIST": "+OK\r\nx y z\r\n-1 -1\r\n1\r\n.\r\n"},
    "uidl with controls": {"UIDL": "+OK\r\n1 \x1b[31mred\x07\r\n.\r\n"},
    "retr refused": {"RETR": "-ERR no such message\r\n"},
    "retr cut": {"RETR": cut(b"+OK\r\nSubject: x\r\n\r\nhalf a mes")},
    "no line ends": {"STAT": cut(b"+OK 1 120")},
    "listing bigger than stat": {"LIST": "+OK\r\n1 120\r\n2 99999999999999999999\r\n.\r\n"},
}
for name, script in POP3_BAD.items():
    _, res, peak = pop3(name, **script)
    t.ok(res.returncode in (0, 1) and clean(res) and
         (res.returncode == 0 or "127.0.0.1" in res.stderr),
         "pop3, %s: a clean end (exit %d), an error that names the server"
         % (name, res.returncode), res.stderr[-1500:])

# -- SMTP ----------------------------------------------------------------------


servers = {}


def send(name, **overrides):
    srv = FakeServer("smtp", "script", script=dict(SMTP_SERVER, **overrides))
    t.cleanup(srv.stop)
    servers[name] = srv
    p = Postie(t.tmpdir, "smtp-" + name.replace(" ", "-"))
    p.write_account("h", "protocol = imap\nhost = 127.0.0.1\nport = 1\ntls = none\n"
                    "allow_plaintext_password = yes\nuser = u\npassword_command = echo p\n"
                    "address = h@example.test\ntimeout = 10\nsmtp_host = 127.0.0.1\n"
                    "smtp_port = %d\nsmtp_tls = none\n" % srv.port)
    res, peak = run_peak(p, "send", "-a", "h", "bob@example.test", timeout=180, env=ENV,
                         input=b"Subject: hostile\nTo: bob@example.test\n\nbody\n")
    return p, res, peak


p, res, peak = send("works")
t.eq(res.returncode, 0, "smtp: the scripted server takes the message")
t.ok(b"Subject: hostile" in servers["works"].received, "smtp: the message went out")

SMTP_FAIL = {
    "greeting without end": {"GREETING": endless(b"220 ")},
    "EHLO reply without end": {"EHLO": endless(b"250-fake\r\n", b"250-more\r\n" * 4096)},
    "a line of EHLO without end": {"EHLO": endless(b"250-")},
    "final reply without end": {".": endless(b"250-queued\r\n", b"250-as\r\n" * 4096)},
}
for name, script in SMTP_FAIL.items():
    p, res, peak = send(name, **script)
    text = res.stdout + res.stderr
    t.ok(res.returncode in (0, 1) and "127.0.0.1" in text and clean(res),
         "smtp, %s: postie reports it and names the server" % name, text[-1500:])
    out = p.run("outbox", "list")
    t.ok("hostile" in out.stdout,
         "smtp, %s: the message stays queued" % name, out.stdout + out.stderr)
    bounded("smtp, " + name, res, peak)

SMTP_BAD = {
    "greeting garbage": {"GREETING": "hello there\r\n"},
    "EHLO code garbage": {"EHLO": "999 ???\r\n"},
    "bare codes": {"EHLO": "250\r\n", "MAIL": "250\r\n", "RCPT": "250\r\n"},
    "mixed codes": {"EHLO": "250-fake\r\n451-wait\r\n250 ok\r\n"},
    "cut before the answer": {".": cut(b"25")},
    "controls in the reply": {"RCPT": "550 \x1b]0;owned\x07 no\r\n"},
}
for name, script in SMTP_BAD.items():
    p, res, peak = send(name, **script)
    text = res.stdout + res.stderr
    t.ok(res.returncode in (0, 1) and clean(res) and "\x1b" not in text,
         "smtp, %s: a clean end (exit %d), nothing unsafe printed" % (name, res.returncode),
         text[-1500:])

t.done()
