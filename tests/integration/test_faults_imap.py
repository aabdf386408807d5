"""IMAP under faults: sync, body fetch and journal replay through the fault
proxy (tests/servers/faultproxy.py), every connection cut at a seeded random
point, stalled past the timeout, or slowed, while another client changes
the server. Each seed is a fresh postie going through rounds of offline
changes (flags, moves, copies, deletions, drafts saved) and syncs; a model of what those
changes must do is kept. Once the faults stop, one sync makes the store
equal to the server (UIDs, flags, and the bytes of every cached body), the
journal is empty, and every change reached the server exactly once (a copy
replayed after a cut is not made twice). No run may hang: each has a hard
limit, and a run that failed must have ended within its timeout of the
fault.

POSTIE_FAULT_SEEDS=N (default 3) and POSTIE_FAULT_SEED_BASE pick the seeds;
see tests/lib/faulttest.py."""
import os
import random
import subprocess

from faulttest import Watchdog, by_message_id, check_faulted_run, seeds, server_bodies, server_message_ids
from faultproxy import FaultProxy
from imaptest import CAPS, diff, postie_list, postie_state, server_state
from postie_test import TAP, Postie
from rig import Rig
from storetest import check, dump

PROBE = os.path.join(os.environ.get("POSTIE_BUILDDIR", "."), "tests", "integration",
                     "imap-probe")
TIMEOUT = 3
ROUNDS = 6
DESTS = ("Archive", "Drafts")

t = TAP()
r = Rig.started_for(t)
r.seed("alice", 250)
r.seed("alice", 30, folder="Archive", seed=2)
proxy = FaultProxy(r.host, r.ports["imaps"])
t.cleanup(proxy.stop)


def other_client(rng, step):
    """Changes made elsewhere, on messages postie's own changes never touch
    (INBOX UIDs below 120, and new mail)."""
    c = r.imap("alice")
    try:
        c.select("INBOX")
        base = rng.randrange(1, 110)
        c.uid("STORE", "%d:%d" % (base, base + 3), "+FLAGS", "(\\Flagged $Other%d)" % step)
        c.uid("STORE", "%d" % (base + 5), "-FLAGS", "(\\Seen)")
        if rng.random() < 0.5:
            c.uid("STORE", "%d" % (base + 7), "+FLAGS", "(\\Deleted)")
            c.expunge()
    finally:
        c.logout()
    r.append("alice", "INBOX", b"From: Bob <bob@example.test>\r\nSubject: during %d\r\n"
             b"Message-ID: <during-%d-%d@example.test>\r\n\r\nnew\r\n"
             % (step, step, rng.randrange(10 ** 9)))


FOLDERS = ("INBOX",) + DESTS + ("Trash",)


class Model:
    """How many copies of each message postie moved, copied or deleted each
    folder must end up with (what the server had before, plus the changes:
    {Message-ID: {folder: delta}}), and the flags postie gave messages."""

    def __init__(self):
        self.base = {f: server_message_ids(r, "alice", f) for f in FOLDERS}
        self.delta = {}
        self.flags = {}
        self.created = set()    # messages postie saved (APPEND): on no server before

    def place(self, mid, folder, n=1):
        loc = self.delta.setdefault(mid, {})
        loc[folder] = loc.get(folder, 0) + n

    def untouched(self, mid):
        """Neither moved nor deleted from the INBOX."""
        return self.delta.get(mid, {}).get("INBOX", 0) == 0

    def expected(self, mid, folder):
        if mid in self.created:
            base = 0
        elif any(mid in b for b in self.base.values()):
            base = self.base[folder].get(mid, 0)
        else:   # new mail the other client delivered since
            base = 1 if folder == "INBOX" else 0
        return base + self.delta.get(mid, {}).get(folder, 0)


def offline_changes(w, p, rng, model, label):
    """A few changes made with the command line (at once in the store, on
    the server at the next sync), recorded in the model."""
    rows = [m for m in postie_list(p, "INBOX") if m["id"] >= 120]
    movable = [m for m in rows if model.untouched(m["message_id"])]
    for _ in range(rng.randint(1, 3)):
        if not movable:
            break
        m = movable.pop(rng.randrange(len(movable)))
        mid, uid = m["message_id"], str(m["id"])
        kind = rng.choice(("flag", "flag", "move", "copy", "delete", "save"))
        if kind == "flag":
            change = rng.sample(("+flagged", "-flagged", "+seen", "-seen", "+$Todo",
                                 "-$Todo", "+answered"), 2)
            res = w.run("flag", "INBOX", uid, *change, what=label)
            movable.append(m)
        elif kind == "move":
            dest = rng.choice(DESTS)
            res = w.run("move", "INBOX", uid, dest, what=label)
            if res.returncode == 0:
                model.place(mid, "INBOX", -1)
                model.place(mid, dest)
        elif kind == "copy":
            dest = rng.choice(DESTS)
            res = w.run("copy", "INBOX", uid, dest, what=label)
            if res.returncode == 0:
                model.place(mid, dest)
        elif kind == "save":   # a draft saved: a journalled APPEND
            res = save_draft(p, rng, label)
            if res.returncode == 0:
                model.created.add(res.mid)
                model.place(res.mid, "Drafts")
            movable.append(m)
        else:
            res = w.run("delete", "INBOX", uid, what=label)
            if res.returncode == 0:
                model.place(mid, "INBOX", -1)
                model.place(mid, "Trash")
        t.ok(res.returncode == 0, "%s: postie %s works offline" % (label, kind), res.stderr)
        if kind == "flag" and res.returncode == 0:
            now = {x["message_id"]: x for x in postie_list(p, "INBOX")}.get(mid)
            if now:
                model.flags[mid] = frozenset(now["flags"])


def save_draft(p, rng, label):
    """Saves a new draft to Drafts offline (ops_append: journalled, sent by
    the next sync); the result has the draft's Message-ID as .mid."""
    mid = "draft-%d@example.test" % rng.randrange(10 ** 12)
    path = os.path.join(t.tmpdir, "draft.eml")
    with open(path, "wb") as f:
        f.write(b"From: Alice <alice@example.test>\r\nSubject: saved during %s\r\n"
                b"Message-ID: <%s>\r\n\r\n%s\r\n" % (label.encode(), mid.encode(),
                                                    b"draft text " * rng.randint(1, 2000)))
    res = subprocess.run([PROBE, p.config_dir, p.data_dir, "alice", "journal-append", "Drafts",
                          path, "draft"], capture_output=True, text=True, timeout=60)
    res.mid = mid
    return res


def faulty_round(w, p, rng, seed, rnd, model, stats):
    label = "seed %d round %d" % (seed, rnd)
    fault = rng.choice(("cut", "cut", "cut", "reset", "stall", "slow"))
    proxy.clear()
    if fault in ("cut", "reset"):
        # Logging in takes about 4 kB; an incremental sync some 5 to 30 kB.
        proxy.random_cuts(seed=seed * 1000 + rnd, low=300, high=rng.choice((6000, 15000, 30000)),
                          rst=fault == "reset")
    elif fault == "stall":
        proxy.stall(TIMEOUT + 2, after=rng.randrange(300, 25000))
    else:
        proxy.rate(rng.choice((30000, 120000)))
    offline_changes(w, p, rng, model, label)
    if rng.random() < 0.5:
        other_client(rng, seed * 100 + rnd)
    for action in ("sync",) + tuple(rng.sample(("sync --full", "show", "show", "watch"), 2)):
        faulty_run(w, p, rng, label, fault, action, stats)


def faulty_run(w, p, rng, label, fault, action, stats):
    before = proxy.stats()
    if action == "show":
        rows = postie_list(p, "INBOX")
        m = rng.choice(rows)
        res = w.run("show", "INBOX", str(m["id"]), "--raw", what=label)
        if res.returncode == 0:
            stats["shown"].append(m["id"])
    elif action == "watch":
        res = w.run("watch", "--timeout", "2", what=label)
    else:
        res = w.run(*action.split(), what=label)
    after = proxy.stats()
    stats["bytes"].append(after["down"] - before["down"])
    check_faulted_run(t, w, res, before, after, stats, fault, label, action)


def final_checks(w, p, seed, model, stats):
    label = "seed %d" % seed
    proxy.clear()
    res = w.run("sync", what=label + ", faults over")
    t.eq(res.returncode, 0, "%s: the sync after the faults completes" % label)
    if res.returncode:
        t.diag(res.stderr)
    res = w.run("sync", what=label + ", once more")
    t.eq((res.returncode, res.stderr), (0, ""), "%s: a second sync has nothing to say "
         "(journal empty)" % label)
    for folder in ("INBOX", "Archive", "Drafts", "Trash"):
        mine, theirs = postie_state(p, folder), server_state(r, "alice", folder)
        t.ok(mine == theirs, "%s: %s, UIDs and flags match the server" % (label, folder),
             diff(mine, theirs))
    d = dump(p, "alice", bodies="cached")
    t.eq(d.journal, [], "%s: the journal is empty" % label)
    cached = 0
    bad = []
    for folder in ("INBOX", "Archive", "Drafts", "Trash"):
        have = [m for m in d.messages(folder) if m["body"]]
        srv = server_bodies(r, "alice", folder, [m["uid"] for m in have])
        for m in have:
            cached += 1
            if d.body(m) != srv.get(m["uid"]):
                bad.append((folder, m["uid"]))
    t.ok(not bad, "%s: the %d cached bodies are the server's bytes" % (label, cached), bad[:5])
    t.eq(check(p, "alice"), "", "%s: store check finds nothing" % label)
    # Every offline change reached the server, once.
    counts = {f: server_message_ids(r, "alice", f) for f in FOLDERS}
    wrong = []
    for mid in model.delta:
        for folder in FOLDERS:
            want = model.expected(mid, folder)
            got = counts[folder].get(mid, 0)
            if want != got:
                wrong.append("%s in %s: %d, expected %d" % (mid, folder, got, want))
    t.ok(not wrong, "%s: the moves, copies and deletions of %d messages happened once each"
         % (label, len(model.delta)), "; ".join(wrong[:6]))
    inbox = by_message_id(postie_list(p, "INBOX"))
    flag_wrong = []
    for mid, flags in model.flags.items():
        rows = inbox.get(mid)
        if rows and model.untouched(mid):
            got = frozenset(rows[0]["flags"])
            if got != flags:
                flag_wrong.append("%s: %s, expected %s" % (mid, sorted(got), sorted(flags)))
    t.ok(not flag_wrong, "%s: the %d flag changes are on the server" % (label, len(model.flags)),
         "; ".join(flag_wrong[:6]))
    shown = stats["shown"]
    t.diag("%s: %d runs, %d failed, %d cuts, %d bodies shown under faults; bytes %s"
           % (label, stats["runs"], stats["failed"], stats["cuts"], len(shown), stats["bytes"]))


# -- answers lost at the worst moment ----------------------------------------------
# Over plain IMAP (Dovecot trusts 127.0.0.1) the proxy can cut a connection
# just before the server's OK to a command it has carried out: the journal
# entry stays, and the next sync must not do it twice.
plain = FaultProxy(r.host, r.ports["imap"])
t.cleanup(plain.stop)
q = Postie(t.tmpdir, "lost")
r.write_postie_account(q, "alice", "alice", port=plain.port, tls="none",
                       allow_plaintext_password="yes", timeout=TIMEOUT)
wq = Watchdog(t, q, TIMEOUT)
res = wq.run("sync", what="plain")
t.eq(res.returncode, 0, "plain IMAP through the proxy: sync")


def lost_answer(pattern, what, change, check, caps=None):
    if caps:
        r.restart(capabilities=caps)
    change()
    plain.cut_at(pattern)
    before = plain.stats()["cuts"]
    res = wq.run("sync", what=what)
    t.ok(res.returncode == 1 and plain.stats()["cuts"] == before + 1,
         "%s: the answer is lost, the sync fails" % what, res.stderr)
    plain.clear()
    res = wq.run("sync", what=what + ", again")
    t.eq((res.returncode, res.stderr), (0, ""), "%s: the next sync completes quietly" % what)
    check()
    if caps:
        r.restart()
    t.eq(dump(q, "alice").journal, [], "%s: the journal is empty" % what)


def inbox_row(i):
    return postie_list(q, "INBOX")[i]


row = inbox_row(5)
lost_answer(b"OK [COPYUID", "COPY", lambda: q.run("copy", "INBOX", str(row["id"]), "Archive"),
            lambda: t.eq(server_message_ids(r, "alice", "Archive").get(row["message_id"]), 1,
                         "COPY: one copy in Archive"))
row2 = inbox_row(6)
lost_answer(b"OK [COPYUID", "MOVE as COPY and EXPUNGE",
            lambda: q.run("move", "INBOX", str(row2["id"]), "Archive"),
            lambda: t.ok(server_message_ids(r, "alice", "Archive").get(row2["message_id"]) == 1
                         and row2["message_id"] not in server_message_ids(r, "alice", "INBOX"),
                         "MOVE as COPY and EXPUNGE: once in Archive, gone from INBOX"),
            caps=CAPS["plain"].replace(" MOVE", ""))
row3 = inbox_row(7)
lost_answer(b"Move completed", "MOVE", lambda: q.run("move", "INBOX", str(row3["id"]), "Drafts"),
            lambda: t.ok(server_message_ids(r, "alice", "Drafts").get(row3["message_id"]) == 1
                         and row3["message_id"] not in server_message_ids(r, "alice", "INBOX"),
                         "MOVE: once in Drafts, gone from INBOX"))
msg = os.path.join(t.tmpdir, "draft.eml")
with open(msg, "wb") as f:
    f.write(b"From: Alice <alice@example.test>\r\nSubject: saved while the answer was lost\r\n"
            b"Message-ID: <lost-append@example.test>\r\n\r\ndraft\r\n")


def journal_append():
    res = subprocess.run([PROBE, q.config_dir, q.data_dir, "alice", "journal-append", "Drafts",
                          msg, "draft"], capture_output=True, text=True, timeout=60)
    t.eq(res.returncode, 0, "APPEND: journalled " + res.stderr)


lost_answer(b"OK [APPENDUID", "APPEND", journal_append,
            lambda: t.eq(server_message_ids(r, "alice", "Drafts").get("lost-append@example.test"),
                         1, "APPEND: saved once"))
for folder in ("INBOX", "Archive", "Drafts"):
    mine, theirs = postie_state(q, folder), server_state(r, "alice", folder)
    t.ok(mine == theirs, "answers lost: %s matches the server" % folder, diff(mine, theirs))

# -- a sync cut off after storing some of the new mail --------------------------------
# The next sync must not take the flags of what it stored for final: they
# may have changed on the server meanwhile (the store lost them: fixed).
r.seed("bob", 2500, seed=7)
b = Postie(t.tmpdir, "cutoff")
r.write_postie_account(b, "bob", "bob", port=proxy.port, timeout=TIMEOUT)
wb = Watchdog(t, b, TIMEOUT)
proxy.cut_after(700000)
res = wb.run("sync", "INBOX", what="cut off")
proxy.clear()
got = len(postie_state(b, "INBOX", "bob"))
t.ok(res.returncode == 1 and 0 < got < 2500, "a sync cut off midway keeps what it stored (%d)"
     % got, res.stderr)
c = r.imap("bob")
c.select("INBOX")
c.uid("STORE", "1:*", "+FLAGS", "(\\Flagged $Later)")
c.uid("STORE", "1:*", "-FLAGS", "(\\Seen)")
c.logout()
res = wb.run("sync", "INBOX", what="after the cut")
t.eq(res.returncode, 0, "the next sync completes")
mine, theirs = postie_state(b, "INBOX", "bob"), server_state(r, "bob", "INBOX")
t.ok(mine == theirs, "the flags changed since the cut are in the store too", diff(mine, theirs))

# -- many seeds of random faults ------------------------------------------------------
for seed in seeds(3):
    rng = random.Random(seed)
    p = Postie(t.tmpdir, "s%d" % seed)
    r.write_postie_account(p, "alice", "alice", port=proxy.port, timeout=TIMEOUT,
                           idle_interval=2,
                           sync_bodies="all" if seed % 2 else None)
    w = Watchdog(t, p, TIMEOUT)
    model = Model()
    stats = {"runs": 0, "failed": 0, "cuts": 0, "shown": [], "bytes": []}
    # The first sync starts cold, already under faults.
    proxy.random_cuts(seed=seed, low=300, high=200000)
    res = w.run("sync", what="seed %d, cold" % seed)
    for _ in range(4):
        if res.returncode == 0:
            break
        res = w.run("sync", what="seed %d, cold again" % seed)
    proxy.clear()
    if res.returncode != 0:
        w.run("sync", what="seed %d, cold without faults" % seed)
    for rnd in range(ROUNDS):
        faulty_round(w, p, rng, seed, rnd, model, stats)
    final_checks(w, p, seed, model, stats)
    t.ok(w.hangs == 0, "seed %d: none of %d runs hung" % (seed, w.runs))

t.done()
