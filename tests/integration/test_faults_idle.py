"""Suspend and resume, played by the fault proxy: while postie waits in IDLE
every byte stops for longer than the IDLE interval (idle_interval = 2,
timeout = 2 here), as when a laptop sleeps; mail arrives meanwhile. postie
must notice (ending the IDLE gets no answer within the timeout), connect
again once the network is back, and report the new mail; and a short
stall that ends before the IDLE does needs no reconnection at all. Both
`postie watch` and the full-screen interface (whose account worker does
the same) are checked, with the connection kept or cut at the resume."""
import email.utils
import subprocess
import time

from faulttest import Reader, Watchdog
from faultproxy import FaultProxy
from imaptest import postie_list
from postie_test import TAP, Postie
from rig import Rig
from tuitest import Terminal

IDLE = 2
TIMEOUT = 2
HOLD = 8            # longer than IDLE + TIMEOUT: the connection looks dead

t = TAP()
r = Rig.started_for(t)
r.seed("alice", 30)
proxy = FaultProxy(r.host, r.ports["imaps"])
t.cleanup(proxy.stop)
p = Postie(t.tmpdir)
r.write_postie_account(p, "alice", "alice", port=proxy.port, timeout=TIMEOUT,
                       idle_interval=IDLE)
w = Watchdog(t, p, TIMEOUT)
t.eq(w.run("sync").returncode, 0, "first sync through the proxy")
n = 0


def deliver():
    global n
    n += 1
    subject = "while asleep %d" % n
    r.append("alice", "INBOX", b"From: Bob <bob@example.test>\r\nSubject: %s\r\nDate: %s\r\n"
             b"Message-ID: <asleep-%d@example.test>\r\n\r\nhi\r\n"
             % (subject.encode(), email.utils.formatdate().encode(), n))
    return subject


def watch_through(then, hold):
    """postie watch --once; the network sleeps for `hold` seconds and then
    resumes (then="resume") or drops every connection ("cut"); mail comes
    meanwhile. Returns (the watch's exit status, its stdout and stderr
    readers, when the hold ended)."""
    proc = p.popen("watch", "--once", "--timeout", "60", stdout=subprocess.PIPE,
                   stderr=subprocess.PIPE)
    out, err = Reader(proc.stdout), Reader(proc.stderr)
    t.ok(err.wait("watching INBOX", 20), "watch (%s after %d s): synced and waiting" % (then, hold))
    time.sleep(0.5)                 # into IDLE
    proxy.hold(hold, then=then)
    deliver()
    resumed = time.monotonic() + hold
    try:
        proc.wait(timeout=hold + 40)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        t.ok(False, "watch (%s): hung" % then, err.text())
    return proc.returncode, out, err, resumed


# -- suspended for longer than the IDLE interval, connections dropped on resume ------
rc, out, err, resumed = watch_through("cut", HOLD)
t.eq(rc, 0, "cut: watch --once ends after the new mail")
noticed = err.wait("trying again", 0)
got = out.wait("1 new message in INBOX", 0)
t.ok(noticed and noticed < resumed, "cut: the dead connection was noticed during the sleep",
     err.text())
t.ok(got and got - resumed < IDLE + TIMEOUT + 8, "cut: the mail was reported soon after the "
     "resume (%.1f s)" % ((got or 0) - resumed), out.text() + err.text())
t.contains(err.text(), "connected again", "cut: watch says it connected again")

# -- the same, but the old connection survives the sleep ----------------------------------
rc, out, err, resumed = watch_through("resume", HOLD)
t.eq(rc, 0, "resume: watch --once ends after the new mail")
got = out.wait("1 new message in INBOX", 0)
t.ok(got and got - resumed < IDLE + TIMEOUT + 8, "resume: the mail was reported soon after "
     "the resume (%.1f s)" % ((got or 0) - resumed), out.text() + err.text())

# -- a short stall, within the IDLE: no reconnection needed --------------------------------
rc, out, err, resumed = watch_through("resume", 1)
t.eq(rc, 0, "short stall: watch --once ends after the new mail")
t.not_contains(err.text(), "trying again", "short stall: no reconnection")
t.ok(out.wait("1 new message in INBOX", 0), "short stall: the mail is reported")

subjects = {m["subject"] for m in postie_list(p, "INBOX")}
t.ok({"while asleep 1", "while asleep 2", "while asleep 3"} <= subjects,
     "every message that came during the sleeps is in the store")

# -- the full-screen interface: its account worker reconnects by itself ---------------------
term = Terminal(p.argv(), cols=100, rows=50, cwd=t.tmpdir)   # every message on screen
t.cleanup(term.quit)
term.wait_for("alice/INBOX", timeout=20)
term.wait_for("while asleep 3", timeout=20)
time.sleep(3)                       # connected and in IDLE
proxy.hold(HOLD, then="cut")
subject = deliver()
resumed = time.monotonic() + HOLD
try:
    term.wait_for(subject, timeout=HOLD + 40)
    shown = time.monotonic()
except Exception:
    shown = None
t.ok(shown and shown > resumed - 0.5, "interface: the mail that came during the sleep is shown "
     "after the resume (%.1f s)" % ((shown or 0) - resumed), term.text())
proxy.hold(1)
subject = deliver()
try:
    term.wait_for(subject, timeout=IDLE + TIMEOUT + 20)
    ok = True
except Exception:
    ok = False
t.ok(ok, "interface: and after a short stall too", term.text())
term.quit()
t.ok(not term.alive(), "interface: quits")

t.done()
