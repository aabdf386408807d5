"""kill -9 during sending. A message postie reported as queued is never
lost: the next flush delivers it. Killed before the server could have it,
it is delivered exactly once; killed in the one window where the server may
have it (the whole message sent, the answer not yet recorded: state
SENDING), it is sent again and may arrive twice (at-least-once, see
src/core/outbox.h). First that window on purpose (the sink stalls its
answer), then kills at random moments."""
import os
import random
import re
import signal
import subprocess
import time

from postie_test import TAP, Postie
from rig import Rig

t = TAP()
r = Rig.started_for(t)
p = Postie(t.tmpdir)
r.write_postie_account(p, "a", "alice", smtp_tls="implicit")
release = os.path.join(r.sink_dir, "release")


def sink_copies(marker):
    return [m for m in r.sink_messages() if marker.encode() in m[2]]


def outbox_list():
    res = p.run("outbox", "list", "-a", "a")
    return res.stdout


def start_send(subject, *rcpts):
    proc = p.popen("send", "-a", "a", *rcpts, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                   stderr=subprocess.PIPE)
    proc.stdin.write(("Subject: %s\nTo: %s\n\nbody of %s\n" % (subject, rcpts[0], subject)).encode())
    proc.stdin.close()
    return proc


def kill(proc):
    try:
        proc.send_signal(signal.SIGKILL)
    except ProcessLookupError:
        pass
    out = proc.stdout.read()
    proc.wait()
    return out


# -- the window: the server has the whole message, its answer is not recorded --

subject = "stalled answer"
proc = start_send(subject, "bob@example.test", "stall@example.test")
deadline = time.monotonic() + 30
while not sink_copies("body of " + subject) and time.monotonic() < deadline:
    time.sleep(0.02)
t.eq(len(sink_copies("body of " + subject)), 1, "stall: the sink has the message, postie waits")
time.sleep(0.2)
kill(proc)
listing = outbox_list()
t.contains(listing, "sending", "killed while waiting for the answer: the entry says sending")
open(release, "w").close()
res = p.run("outbox", "flush", "-a", "a")
t.eq(res.returncode, 0, "the next flush sends it")
t.contains(res.stdout, "may arrive twice", "the flush said it may arrive twice")
copies = sink_copies("body of " + subject)
t.eq(len(copies), 2, "at-least-once: sent again, so it arrived twice")
ids = set(re.search(rb"Message-ID: (<[^>]+>)", c[2]).group(1) for c in copies)
t.eq(len(ids), 1, "both copies have the same Message-ID (recognisable duplicates)")
t.contains(outbox_list(), "", "outbox listed")
os.unlink(release)

# -- kills at random moments ------------------------------------------------------

rnd = random.Random(int(os.environ.get("POSTIE_TEST_SEED", "20260522")))
stats = {"not queued": 0, "queued": 0, "sending": 0, "sent": 0, "gone": 0}
for i in range(16):
    subject = "random kill %d" % i
    proc = start_send(subject, "bob@example.test")
    time.sleep(rnd.uniform(0.0, 0.15))
    out = kill(proc)
    listing = outbox_list()
    block = re.search(r"#\d+: (\w+),[^\n]*\n  subject: %s\n" % re.escape(subject), listing)
    before = len(sink_copies("body of " + subject))
    state = block.group(1) if block else None
    if state is None:
        kind = "gone" if before else "not queued"
        t.ok(before <= 1, "kill %d: not in the outbox and sent at most once (%d)" % (i, before))
        if not before:
            t.not_contains(out, b"queued", "kill %d: never reported as queued" % i)
    else:
        kind = state
        res = p.run("outbox", "flush", "-a", "a")
        after = len(sink_copies("body of " + subject))
        if state == "sending":
            t.ok(after in (1, 2), "kill %d (sending): delivered, at most twice (%d)" % (i, after))
        else:
            t.eq(after, 1, "kill %d (%s): delivered exactly once by the flush" % (i, state))
        t.not_contains(outbox_list(), "subject: %s\n" % subject, "kill %d: left the outbox" % i)
    stats[kind] = stats.get(kind, 0) + 1
t.diag("where the kills landed: %r" % stats)
t.done()
