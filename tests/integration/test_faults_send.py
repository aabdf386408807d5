"""Sending under faults: `postie send` and `postie outbox flush` through the
fault proxy (tests/servers/faultproxy.py) in front of the rig's submission
port, every connection cut at a seeded random point (from the TLS handshake
to the answer to the final dot), reset, stalled past the timeout or slowed.
Each message is queued durably before the first byte and each recipient
keeps its own result, so once the faults stop one flush empties the outbox,
and the sink has every message for every recipient exactly once: more
only where postie said it might (the connection went after the whole
message went out, before the answer; src/core/outbox.h), and then with the
same Message-ID. The copies to Sent (journalled APPENDs, replayed by the
next sync) are on the server once each. No run may hang: each has a hard
limit, and a run that failed ended within its timeout of the fault.

POSTIE_FAULT_SEEDS=N (default 3) and POSTIE_FAULT_SEED_BASE pick the seeds;
see tests/lib/faulttest.py."""
import os
import random
import re

from faulttest import Watchdog, seeds, server_message_ids
from faultproxy import FaultProxy
from postie_test import TAP, Postie
from rig import Rig
from storetest import dump

TIMEOUT = 3
ROUNDS = 5
RCPTS = ("bob@example.test", "carol@example.test")
TWICE = "may arrive twice"

t = TAP()
r = Rig.started_for(t)
proxy = FaultProxy(r.host, r.ports["submissions"])
t.cleanup(proxy.stop)
MID = re.compile(rb"^Message-ID: <([^>]+)>", re.M | re.I)


def sink_deliveries():
    """{(Message-ID, recipient): copies} of what the sink accepted."""
    out = {}
    for _, rcpts, raw in r.sink_messages():
        m = MID.search(raw)
        mid = m.group(1).decode() if m else ""
        for rc in rcpts:
            key = (mid, rc.lower().strip("<>"))
            out[key] = out.get(key, 0) + 1
    return out


class Ledger:
    """What postie was asked to send ({outbox id: (Message-ID, recipients)})
    and where it said a message may arrive twice ({outbox id: times})."""

    def __init__(self):
        self.sent = {}
        self.twice = {}

    def note(self, text):
        for line in text.splitlines():
            m = re.search(r"message (\d+) is \S+: .*" + TWICE, line)
            if m:
                n = int(m.group(1))
                self.twice[n] = self.twice.get(n, 0) + 1


def fault(rng):
    kind = rng.choice(("cut", "cut", "cut", "reset", "stall", "slow"))
    proxy.clear()
    if kind in ("cut", "reset"):
        # The TLS handshake and the greeting take some 3 kB down; a
        # transaction's answers a few hundred bytes more.
        proxy.random_cuts(seed=rng.randrange(10 ** 6), low=200,
                          high=rng.choice((4000, 6000, 9000)), rst=kind == "reset")
    elif kind == "stall":
        proxy.stall(TIMEOUT + 2, after=rng.randrange(200, 6000))
    else:
        proxy.rate(rng.choice((20000, 80000)))
    return kind


def checked(w, res, label, action, kind, before):
    after = proxy.stats()
    key = "last_stall" if kind == "stall" else "last_cut"
    since = after[key] if after[key] != before[key] else None
    t.ok(w.prompt(res, since), "%s: %s under %s ends within the timeout of the fault "
         "(exit %d after %.1f s)" % (label, action, kind, res.returncode, res.took),
         res.stdout[-1000:] + res.stderr[-1000:])


def send_one(w, rng, seed, n, ledger, label, kind):
    mid = "fault-%d-%d@example.test" % (seed, n)
    rcpts = list(RCPTS) if rng.random() < 0.4 else [rng.choice(RCPTS)]
    size = rng.choice((1, 1, 40, 300))     # lines of 100 bytes: up to 30 kB
    body = "".join("%05d %s\n" % (i, "x" * 93) for i in range(size))
    msg = ("From: Alice <alice@example.test>\nTo: %s\nSubject: fault %d %d\n"
           "Message-ID: <%s>\n\n%s" % (", ".join(rcpts), seed, n, mid, body)).encode()
    before = proxy.stats()
    res = w.run("send", "-v", *rcpts, input=msg, what=label)
    checked(w, res, label, "send", kind, before)
    m = re.search(r"\(message (\d+)", res.stdout)
    t.ok(res.returncode == 0 and m, "%s: send says the message is sent or queued" % label,
         res.stdout + res.stderr)
    if m:
        ledger.sent[int(m.group(1))] = (mid, rcpts)
    ledger.note(res.stdout)


def flush(w, ledger, label, kind):
    before = proxy.stats()
    res = w.run("outbox", "flush", what=label)
    checked(w, res, label, "outbox flush", kind, before)
    ledger.note(res.stdout)
    return res


# -- the answer to the final dot never comes: sent again, said -----------------------
p = Postie(t.tmpdir, "lost")
r.write_postie_account(p, "a", "alice", smtp_tls="implicit", smtp_port=proxy.port,
                       timeout=TIMEOUT)
w = Watchdog(t, p, TIMEOUT)
ledger = Ledger()
res = w.run("send", "-v", "stall@example.test", input=b"Subject: no answer\n"
            b"Message-ID: <no-answer@example.test>\n\nthe answer is lost\n")
ledger.note(res.stdout)
t.ok(res.returncode == 0 and "queued" in res.stdout and ledger.twice,
     "no answer to the dot within the timeout: queued again, and said to perhaps arrive twice",
     res.stdout + res.stderr)
open(os.path.join(r.sink_dir, "release"), "w").close()
res = w.run("outbox", "flush")
t.eq(res.returncode, 0, "the next flush sends it")
copies = sink_deliveries().get(("no-answer@example.test", "stall@example.test"), 0)
t.eq(copies, 2, "at-least-once: it arrived twice, as said, with one Message-ID")
os.unlink(os.path.join(r.sink_dir, "release"))

# -- many seeds of random faults ----------------------------------------------------
for seed in seeds(3):
    rng = random.Random(seed)
    label = "seed %d" % seed
    p = Postie(t.tmpdir, "send%d" % seed)
    r.write_postie_account(p, "a", "alice", smtp_tls="implicit", smtp_port=proxy.port,
                           timeout=TIMEOUT)
    w = Watchdog(t, p, TIMEOUT)
    ledger = Ledger()
    n = 0
    for rnd in range(ROUNDS):
        what = "%s round %d" % (label, rnd)
        kind = fault(rng)
        for _ in range(rng.randint(1, 3)):
            n += 1
            send_one(w, rng, seed, n, ledger, what, kind)
        if rng.random() < 0.5:
            flush(w, ledger, what, kind)
    proxy.clear()
    res = flush(w, ledger, label + ", faults over", "nothing")
    t.ok(res.returncode == 0, "%s: the flush after the faults sends everything" % label,
         res.stdout + res.stderr)
    res = w.run("outbox", "list", what=label)
    t.ok("The outbox is empty" in res.stdout, "%s: the outbox is empty" % label, res.stdout)
    got = sink_deliveries()
    wrong = []
    for oid, (mid, rcpts) in sorted(ledger.sent.items()):
        allowed = 1 + ledger.twice.get(oid, 0)
        for rc in rcpts:
            copies = got.get((mid, rc), 0)
            if not 1 <= copies <= allowed:
                wrong.append("%s to %s: %d copies (%d allowed)" % (mid, rc, copies, allowed))
    t.ok(not wrong, "%s: each of %d messages reached each recipient once (more only where "
         "postie said it might: %d)" % (label, len(ledger.sent), len(ledger.twice)),
         "; ".join(wrong[:8]))
    res = w.run("sync", what=label + ", the copies to Sent")
    t.ok(res.returncode == 0, "%s: the sync after sending completes" % label, res.stderr)
    t.eq(dump(p, "a").journal, [], "%s: the journal is empty" % label)
    sent_folder = server_message_ids(r, "alice", "Sent")
    missing = [mid for mid, _ in ledger.sent.values() if sent_folder.get(mid) != 1]
    t.ok(not missing, "%s: each message is in Sent on the server once" % label,
         ", ".join("%s: %d" % (mid, sent_folder.get(mid, 0)) for mid in missing[:8]))
    t.ok(w.hangs == 0, "%s: none of %d runs hung" % (label, w.runs))
    t.diag("%s: %d messages, %d runs, %d said they may arrive twice"
           % (label, n, w.runs, len(ledger.twice)))

t.done()
