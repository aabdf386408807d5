"""What failures leave in the outbox, against the rig: a wrong password,
the server down, rejected and deferred recipients, a message too big for
the server. Each keeps the message with a clear reason, and a later flush
(once the cause is gone) sends it exactly once (checked at the sink)."""
import os
import re

from postie_test import TAP, Postie
from rig import Rig

t = TAP()
r = Rig.started_for(t)
p = Postie(t.tmpdir)
r.write_postie_account(p, "a", "alice", smtp_tls="starttls")


def sink_count(marker):
    return sum(1 for m in r.sink_messages() if marker.encode() in m[2])


def send(subject, *rcpts, account="a"):
    return p.run("send", "-a", account, *rcpts,
                 input=("Subject: %s\nTo: %s\n\nbody of %s\n" % (subject, rcpts[0], subject)).encode())


def outbox(*args):
    res = p.run("outbox", *args)
    return res.returncode, res.stdout + res.stderr


def entry_id(text):
    m = re.search(r"message (\d+)", text)
    return m.group(1) if m else "0"


# -- a wrong password ---------------------------------------------------------

r.write_postie_account(p, "a", "alice", smtp_tls="starttls", password_command="echo wrong-pw")
res = send("wrong password", "bob@example.test")
out = res.stdout.decode()
t.eq(res.returncode, 0, "wrong password: still exits 0 (safely queued)")
t.contains(out, "queued (message", "wrong password: says queued")
t.contains(out, "login failed for alice", "wrong password: and why")
code, text = outbox("list")
t.contains(text, "queued, 1 attempt,", "wrong password: listed as queued with one attempt")
t.contains(text, "reason:  login failed for alice at localhost: ",
           "wrong password: the reason names the user and server")
t.contains(text, "Authentication failed", "wrong password: with the server's words")
t.contains(text, "next:", "wrong password: with its next attempt")
r.write_postie_account(p, "a", "alice", smtp_tls="starttls")
code, text = outbox("flush")
t.eq(code, 0, "wrong password fixed: flush exits 0")
t.contains(text, "a: 1 sent, 0 to be retried, 0 failed", "wrong password fixed: sent")
t.eq(sink_count("body of wrong password"), 1, "wrong password: delivered exactly once")
code, text = outbox("flush")
t.eq(sink_count("body of wrong password"), 1, "a second flush sends nothing again")

# -- the server down -----------------------------------------------------------

r.stop_dovecot()
res = send("server down", "bob@example.test")
out = res.stdout.decode()
t.eq(res.returncode, 0, "server down: exits 0 (safely queued)")
t.contains(out, "to be retried", "server down: to be retried")
t.ok(re.search(r"localhost:%d" % r.ports["submission"], out), "server down: names the server", out)
code, text = outbox("flush")
t.eq(code, 1, "server still down: flush exits 1")
t.contains(text, "2 attempts,", "server still down: attempts counted")
r.start_dovecot()
code, text = outbox("flush")
t.eq(code, 0, "server back: flush exits 0")
t.eq(sink_count("body of server down"), 1, "server down: delivered exactly once")

# -- recipients the server refuses ---------------------------------------------

res = send("partly rejected", "bob@example.test", "reject-me@example.test")
out = res.stdout.decode()
t.eq(res.returncode, 1, "a rejected recipient: exits 1")
t.contains(out, "reject-me@example.test (550", "a rejected recipient: named with the code")
t.contains(out, "recipient rejected by the test sink", "a rejected recipient: the server's words")
t.eq(sink_count("body of partly rejected"), 1, "the accepted recipient got it")
pid = entry_id(out)
code, text = outbox("list")
t.contains(text, "failed", "rejected: listed as failed")
t.contains(text, "bob@example.test (accepted)", "rejected: Bob shown as accepted")
t.ok(re.search(r"reject-me@example.test \(rejected: 550 .*recipient rejected by the test sink",
               text), "rejected: the refused one with its reply", text)
code, text = outbox("flush")
t.eq(sink_count("body of partly rejected"), 1, "failed entries are not sent again by flush")
code, text = outbox("retry", "-a", "a", pid)
t.eq(code, 0, "retry: accepted")
code, text = outbox("flush")
t.eq(sink_count("body of partly rejected"), 1, "retry: Bob does not get it twice")
t.contains(text, "reject-me@example.test (rejected", "retry: refused again")
code, text = outbox("drop", "-a", "a", pid)
t.contains(text, "dropped", "drop: gone")
code, text = outbox("list")
t.contains(text, "The outbox is empty", "drop: the outbox is empty")

res = send("all rejected", "reject-a@example.test", "reject-b@example.test")
out = res.stdout.decode()
t.eq(res.returncode, 1, "every recipient rejected: exits 1")
t.contains(out, "NOT sent", "every recipient rejected: says not sent")
t.eq(sink_count("body of all rejected"), 0, "every recipient rejected: nothing delivered")
outbox("drop", "-a", "a", entry_id(out))

res = send("deferred", "tempfail-x@example.test", "bob@example.test")
out = res.stdout.decode()
t.eq(res.returncode, 0, "a deferred recipient: exits 0 (kept for a retry)")
t.contains(out, "tempfail-x@example.test (451", "a deferred recipient: named with the code")
code, text = outbox("list")
t.contains(text, "tempfail-x@example.test (deferred: 451", "deferred: listed")
t.contains(text, "bob@example.test (accepted)", "deferred: the other recipient done")
code, text = outbox("flush")
t.eq(sink_count("body of deferred"), 1, "deferred: retried without sending to Bob again")
outbox("drop", "-a", "a", entry_id(out))

# -- too big for the server (SIZE) ---------------------------------------------

big = b"Subject: too big\nTo: bob@example.test\n\n" + (b"x" * 76 + b"\n") * (51 * 1024 * 1024 // 77)
res = p.run("send", "-a", "a", "bob@example.test", input=big, timeout=300)
out = res.stdout.decode()
t.eq(res.returncode, 1, "too big: exits 1")
t.contains(out, "SIZE limit", "too big: says the server's limit")
t.contains(out, "nothing was sent", "too big: and that nothing went out")
t.eq(sink_count("Subject: too big"), 0, "too big: nothing at the sink")
t.done()
