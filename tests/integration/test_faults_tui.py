"""The full-screen interface under random connection cuts: a tmux session
against the rig through the fault proxy, which cuts every connection after
a seeded random number of bytes (and, now and then, all of them at once,
as when the network drops while postie waits in IDLE), while the user
opens messages, flags them and moves them to Archive. The interface must
answer every key throughout (its UI thread never waits on the network).
Once the faults stop, postie reconnects by itself; after a sync (G) and
quitting, the store equals the server (UIDs, flags, the bytes of every
cached body), the journal is empty, every moved message is in Archive once
and no message is lost or doubled, and nothing hung.

POSTIE_FAULT_SEEDS=N (default 2) and POSTIE_FAULT_SEED_BASE pick the seeds;
each seed takes about 20 seconds."""
import glob
import os
import random
import time

from faulttest import SANITIZER_WORDS, server_bodies, server_message_ids, seeds
from faultproxy import FaultProxy
from imaptest import diff, postie_state, server_state
from postie_test import TAP, Postie
from rig import Rig
from storetest import check, dump
from tuitest import ENTER, Terminal

TIMEOUT = 2
MESSAGES = 60
ACTIONS = 14

t = TAP()
r = Rig.started_for(t)
r.seed("alice", MESSAGES)
proxy = FaultProxy(r.host, r.ports["imaps"])
t.cleanup(proxy.stop)


def responsive(term, label, what):
    """The index answers a key at once, whatever the network does: the
    status bar is redrawn after a key that changes nothing (Ctrl-L)."""
    try:
        term.keys("\x0c", settle=0.05)
        term.wait_for("alice/INBOX", 5)
        return True
    except AssertionError:
        t.ok(False, "%s: the interface answers after %s" % (label, what), term.text())
        return False


def act(term, rng, label, counts):
    """One thing the user does, chosen by rng; counts what was done."""
    kind = rng.choice(("open", "open", "flag", "flag", "move", "down", "up", "cut"))
    if kind == "open":
        term.keys(ENTER, settle=rng.uniform(0.3, 1.2))
        if "alice/INBOX" not in term.text():     # in the pager: back to the index
            term.keys("q")
    elif kind == "flag":
        term.keys("F")
    elif kind == "move":
        term.keys("s", settle=0.3)
        term.keys("Archive", settle=0.1)
        term.keys(ENTER)
    elif kind == "down":
        term.keys(*["j"] * rng.randint(1, 6))
    elif kind == "up":
        term.keys(*["k"] * rng.randint(1, 4))
    else:       # the network drops: whatever is open now, even an IDLE
        proxy.cut_all()
    counts[kind] = counts.get(kind, 0) + 1
    return responsive(term, label, kind)


def settled(term, quiet=2.0, limit=30):
    """Waits until the account shows online for `quiet` seconds running;
    returns whether it did within `limit`."""
    end = time.monotonic() + limit
    since = None
    while time.monotonic() < end:
        if "-- online" in term.text():
            since = since or time.monotonic()
            if time.monotonic() - since >= quiet:
                return True
        else:
            since = None
        time.sleep(0.1)
    return False


def final_checks(p, label, moves, before):
    t.eq(dump(p, "alice").journal, [], "%s: the journal is empty" % label)
    for folder in ("INBOX", "Archive"):
        mine, theirs = postie_state(p, folder), server_state(r, "alice", folder)
        t.ok(mine == theirs, "%s: %s, UIDs and flags match the server" % (label, folder),
             diff(mine, theirs))
    d = dump(p, "alice", bodies="cached")
    bad, cached = [], 0
    for folder in ("INBOX", "Archive"):
        have = [m for m in d.messages(folder) if m["body"]]
        srv = server_bodies(r, "alice", folder, [m["uid"] for m in have])
        cached += len(have)
        bad += [(folder, m["uid"]) for m in have if d.body(m) != srv.get(m["uid"])]
    t.ok(not bad, "%s: the %d cached bodies are the server's bytes" % (label, cached), bad[:5])
    t.eq(check(p, "alice"), "", "%s: store check finds nothing" % label)
    inbox = server_message_ids(r, "alice", "INBOX")
    archive = server_message_ids(r, "alice", "Archive")
    moved = {m: n for m, n in archive.items() if m not in before["Archive"]}
    t.eq(sum(moved.values()), moves, "%s: each of the %d moves put one message in Archive"
         % (label, moves))
    both = dict(inbox)
    for m, n in archive.items():
        both[m] = both.get(m, 0) + n
    t.ok(both == {m: before["INBOX"].get(m, 0) + before["Archive"].get(m, 0) for m in both}
         and set(both) == set(before["INBOX"]) | set(before["Archive"]),
         "%s: no message lost or doubled between INBOX and Archive" % label)


def one_seed(seed):
    label = "seed %d" % seed
    rng = random.Random(seed)
    p = Postie(t.tmpdir, "tui%d" % seed)
    r.write_postie_account(p, "alice", "alice", port=proxy.port, timeout=TIMEOUT,
                           idle_interval=2, sync_bodies=None if seed % 2 else "all")
    proxy.clear()
    t.eq(p.run("sync").returncode, 0, "%s: first sync, without faults" % label)
    before = {f: server_message_ids(r, "alice", f) for f in ("INBOX", "Archive")}
    # A sanitizer report would scroll off the screen: into files instead.
    san = os.path.join(t.tmpdir, "sanitizer-%d" % seed)
    env = dict(os.environ)
    for var in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
        env[var] = ":".join(x for x in (env.get(var), "log_path=" + san) if x)
    term = Terminal(p.argv(), cols=100, rows=30, cwd=t.tmpdir, env=env)
    try:
        term.wait_for("alice/INBOX", 20)
        settled(term, quiet=0.5)
        proxy.random_cuts(seed=seed, low=300, high=rng.choice((4000, 12000, 40000)))
        counts = {}
        answered = 0
        while answered < ACTIONS and act(term, rng, "%s, action %d" % (label, answered),
                                         counts):
            answered += 1
            if answered == ACTIONS // 2:
                proxy.cut_all()     # at least once, whatever the seed chose
        t.eq(answered, ACTIONS, "%s: the interface answered at once after each of the %d "
             "actions under faults" % (label, ACTIONS))
        cuts = proxy.stats()["cuts"]
        proxy.clear()
        t.ok(settled(term), "%s: online again once the faults stop" % label, term.text())
        term.keys("G")          # sync now: the journal of what the cuts interrupted
        time.sleep(1)
        t.ok(settled(term), "%s: and the sync after them completes" % label, term.text())
        term.keys("q")
        status = term.wait_exit(15)
        t.eq(status, 0, "%s: q quits at once (%s)" % (label, ", ".join(
            "%d %s" % (n, k) for k, n in sorted(counts.items()))))
        t.ok(cuts > 0, "%s: %d connections were cut" % (label, cuts))
        # The interface's standard error goes to postie.log: look there too.
        reports = "".join(open(f, errors="replace").read()
                          for f in glob.glob(san + ".*") + glob.glob(os.path.join(p.data_dir,
                                                                                "postie.log")))
        t.ok(not any(w in reports for w in SANITIZER_WORDS), "%s: no sanitizer report" % label,
             reports[-4000:])
    finally:
        term.quit()
    final_checks(p, label, counts.get("move", 0), before)


for s in seeds(2):
    one_seed(s)

t.done()
