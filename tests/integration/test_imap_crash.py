"""A sync that dies: postie killed (SIGKILL) at random moments of a large
sync, and the next sync completes with the store matching the server; the
server dying or hanging in the middle of a FETCH, and postie reporting it
within its timeout, then resuming."""
import os
import random
import signal
import subprocess
import time

from imaptest import check_same, postie_state
from postie_test import TAP, Postie
from rig import Rig

t = TAP()
r = Rig.started_for(t)
N = 2500
r.seed("alice", N)
r.seed("alice", 300, folder="Archive", seed=5)

# -- SIGKILL at random moments --------------------------------------------------------
p = Postie(t.tmpdir)
r.write_postie_account(p, "alice", "alice", sync_bodies="recent 3650")
rng = random.Random(int(os.environ.get("POSTIE_TEST_SEED", "20260501")))
kills = 0
for i in range(40):
    if kills >= 12:
        break
    proc = p.popen("sync", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(0.05, 0.8))
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
        kills += 1
    proc.wait()
    if proc.returncode == 0 or i % 4 == 3:
        # More work, and the server changes meanwhile: flags, an expunge, new mail.
        if proc.returncode == 0:
            r.seed("alice", 400, seed=10 + i)
        c = r.imap("alice")
        c.select("INBOX")
        base = rng.randrange(1, N - 20)
        c.uid("STORE", "%d:%d" % (base, base + 5), "+FLAGS", "(\\Flagged $K%d)" % i)
        c.uid("STORE", "%d" % (base + 10), "+FLAGS", "(\\Deleted)")
        c.expunge()
        c.logout()
        r.append("alice", "INBOX", b"From: x@y\r\nSubject: during %d\r\n\r\nx\r\n" % i)
t.ok(kills >= 12, "postie was killed mid-sync %d times" % kills)
res = p.run("sync")
t.eq(res.returncode, 0, "the sync after the kills completes", )
if res.returncode:
    t.diag(res.stderr)
check_same(t, p, r, "alice", "INBOX", "INBOX matches the server after %d kills" % kills)
check_same(t, p, r, "alice", "Archive", "Archive matches the server")
res = p.run("sync", "--full")
t.eq(res.returncode, 0, "a full sync afterwards finds nothing wrong")
check_same(t, p, r, "alice", "INBOX", "INBOX still matches")


# -- the server dies in the middle of a FETCH --------------------------------------------
# A folder big enough that what is still to come does not fit in the socket
# buffers (else a sync could finish from them after the server is gone).
BIG = 15000
r.seed("bob", BIG, seed=9)


def start_sync(q, trace):
    """Starts a sync and returns once two batches of new messages came in
    whole (so the first one is stored: batches are stored in order)."""
    if os.path.exists(trace):
        os.unlink(trace)
    proc = q.popen("--trace", trace, "sync", "INBOX", stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if os.path.exists(trace):
            with open(trace, errors="replace") as f:
                if f.read().count("OK Fetch completed") >= 2:
                    return proc
        time.sleep(0.002)
    return proc


q = Postie(t.tmpdir, "q")
r.write_postie_account(q, "bob", "bob", timeout=3)
trace = os.path.join(t.tmpdir, "trace-q")
proc = start_sync(q, trace)
r.stop_dovecot()
t0 = time.monotonic()
try:
    _, err = proc.communicate(timeout=15)
except subprocess.TimeoutExpired:
    proc.kill()
    _, err = proc.communicate()
t.eq(proc.returncode, 1, "the server gone mid-FETCH: exit 1")
# Bounds with room for a loaded machine: a hang would take the full 15 s.
t.ok(time.monotonic() - t0 < 3 + 8, "promptly (%.1f s)" % (time.monotonic() - t0))
t.ok("localhost" in err.decode() and "Traceback" not in err.decode(),
     "a clean error naming the server", err.decode())
got = len(postie_state(q, "INBOX"))
t.ok(0 < got < BIG, "the batches fetched before are kept (%d)" % got)
r.start_dovecot()

# Flags of what the cut sync stored change on the server before the next
# sync: it must fetch them again (the modseq it records at its end would
# never report those changes). Batches come newest first, so the newest
# messages are stored.
c = r.imap("bob")
c.select("INBOX")
c.uid("STORE", "%d:%d" % (BIG - 1, BIG), "+FLAGS", "(\\Flagged $Later)")
c.logout()
res = q.run("sync")
t.eq(res.returncode, 0, "the sync after the cut completes")
check_same(t, q, r, "bob", "INBOX", "flags changed after the cut are picked up")

# The server hangs (its IMAP process stopped): the timeout ends the wait.
q = Postie(t.tmpdir, "q-bob")
r.write_postie_account(q, "bob", "bob", timeout=3)
proc = start_sync(q, trace)
imap_pids = [int(x.split()[0]) for x in subprocess.run(
    ["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout.splitlines()
    if x.split()[1:] == ["dovecot-%s-main/imap" % r.tag]]
for pid in imap_pids:
    os.kill(pid, signal.SIGSTOP)
t0 = time.monotonic()
try:
    _, err = proc.communicate(timeout=20)
except subprocess.TimeoutExpired:
    proc.kill()
    _, err = proc.communicate()
took = time.monotonic() - t0
for pid in imap_pids:
    os.kill(pid, signal.SIGCONT)
t.ok(imap_pids, "found the server's IMAP process")
t.eq(proc.returncode, 1, "a hung server mid-FETCH: exit 1")
t.ok(took < 3 + 8, "within the 3 s timeout (%.1f s)" % took)
t.ok("no answer within 3 seconds" in err.decode(), "says it timed out",
     err.decode())
res = q.run("sync")
t.eq(res.returncode, 0, "the next sync resumes and completes")
check_same(t, q, r, "bob", "INBOX", "and the store matches the server")

t.done()
