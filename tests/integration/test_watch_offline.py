"""`postie watch` started while the server cannot be reached (a laptop that
logs in before the network is up, a server restarting) waits it out as it
does after a lost connection: it says it is offline, tries again with a
growing pause, and once the server is back it connects, watches, and
reports new mail; a store that has never synced learns the folder list
then. What only the user can fix stays fatal at once, with a
clear message and exit status 1: a certificate that does not verify, a
password the server refuses. And a --timeout that runs out before any
connection is a failure, not a silent success."""
import email.utils
import subprocess
import time

from faulttest import Reader
from postie_test import TAP, Postie
from rig import Rig

t = TAP()
r = Rig.started_for(t)
r.seed("alice", 5)
p = Postie(t.tmpdir)
r.write_postie_account(p, "alice", "alice", timeout=5)
t.eq(p.run("sync").returncode, 0, "first sync: the store knows the INBOX")


def stop(proc):
    """Ends a watch that is still running (a failure already reported)."""
    if proc.poll() is None:
        proc.kill()
        proc.wait()


# -- started with the server down; the server comes back ---------------------------------
r.stop_dovecot()
proc = p.popen("watch", "--once", "--timeout", "90", stdout=subprocess.PIPE,
               stderr=subprocess.PIPE)
t.cleanup(lambda: stop(proc))
out, err = Reader(proc.stdout), Reader(proc.stderr)
t.ok(err.wait("trying again in 1 s", 15), "server down: watch says so and will try again",
     err.text())
t.ok(err.wait("trying again in 2 s", 15), "server down: and tries again, later each time",
     err.text())
t.eq(proc.poll(), None, "server down: watch keeps running")
r.start_dovecot()
t.ok(err.wait("watching INBOX", 30), "server back: watch connects and watches", err.text())
t.not_contains(err.text(), "connected again", "the first connection is not called a reconnection")
time.sleep(0.5)                     # into IDLE
r.append("alice", "INBOX", b"From: Bob <bob@example.test>\r\nSubject: after the outage\r\n"
         b"Date: %s\r\nMessage-ID: <outage-1@example.test>\r\n\r\nhi\r\n"
         % email.utils.formatdate().encode())
t.ok(out.wait("1 new message in INBOX", 30), "server back: the new mail is reported",
     out.text() + err.text())
try:
    proc.wait(timeout=20)
except subprocess.TimeoutExpired:
    stop(proc)
t.eq(proc.returncode, 0, "watch --once ends after the new mail")

# -- a store that never synced, the server down: the folders come later ------------------
r.stop_dovecot()
fresh = Postie(t.tmpdir, "fresh")
r.write_postie_account(fresh, "alice", "alice", timeout=5)
proc = fresh.popen("watch", "--once", "--timeout", "90", stdout=subprocess.PIPE,
                   stderr=subprocess.PIPE)
t.cleanup(lambda: stop(proc))
out, err = Reader(proc.stdout), Reader(proc.stderr)
t.ok(err.wait("trying again in 1 s", 15), "fresh store, server down: watch waits", err.text())
r.start_dovecot()
t.ok(err.wait("watching INBOX", 30), "fresh store: the INBOX is found once connected",
     err.text())
time.sleep(0.5)
r.append("alice", "INBOX", b"From: Bob <bob@example.test>\r\nSubject: to a fresh store\r\n"
         b"Message-ID: <outage-2@example.test>\r\n\r\nhi\r\n")
t.ok(out.wait("1 new message in INBOX", 30), "fresh store: the new mail is reported",
     out.text() + err.text())
try:
    proc.wait(timeout=20)
except subprocess.TimeoutExpired:
    stop(proc)
t.eq(proc.returncode, 0, "fresh store: watch --once ends after the new mail")
res = fresh.run("watch", "--timeout", "20", "Nowhere", timeout=60)
t.eq(res.returncode, 2, "a folder the server does not have: exit status 2")
t.contains(res.stderr, "account alice has no folder 'Nowhere'", "and it is named")

# -- the server never comes back within --timeout -----------------------------------------
r.stop_dovecot()
t0 = time.monotonic()
res = p.run("watch", "--timeout", "3", timeout=60)
t.eq(res.returncode, 1, "server down until the timeout: exit status 1")
t.contains(res.stderr, "could not reach the server of account alice before the timeout",
           "and the reason is given")
t.ok(time.monotonic() - t0 < 20, "and it ends at the timeout, not later")
r.start_dovecot()


# -- fatal at once: what waiting cannot cure ------------------------------------------------
def fatal(label, expect, **keys):
    r.write_postie_account(p, "alice", "alice", timeout=5, **keys)
    t0 = time.monotonic()
    res = p.run("watch", "--timeout", "60", timeout=90)
    t.eq(res.returncode, 1, "%s: watch exits with status 1" % label)
    t.contains(res.stderr, expect, "%s: and says why" % label)
    t.not_contains(res.stderr, "trying again", "%s: without retrying" % label)
    t.ok(time.monotonic() - t0 < 30, "%s: at once, not at the timeout" % label)


fatal("wrong password", "login failed", password_command="echo wrong-pw")
bad = r.start_bad("selfsigned")
fatal("self-signed certificate", "certificate", port=bad["imaps"])
r.write_postie_account(p, "alice", "alice", timeout=5)
t.eq(p.run("sync").returncode, 0, "the account works again afterwards")

t.done()
