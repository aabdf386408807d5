"""POP3 under faults: download-and-delete through the fault proxy
(tests/servers/faultproxy.py) with every connection cut at a seeded random
point anywhere from the greeting to the QUIT (so also while DELE and QUIT
are on their way: deletions the server never committed), reset, stalled
past the timeout or slowed, while new mail keeps arriving. `postie sync`
and `postie watch` (which reconnects by itself) run under the faults. Once
they stop, one sync leaves every message that was ever on the server in the
store exactly once, byte for byte, and the server empty (or, for an
account that leaves mail on the server, everything still there and stored
once). No run may hang: each has a hard limit, and a run that failed ended
within its timeout of the fault.

POSTIE_FAULT_SEEDS=N (default 3) and POSTIE_FAULT_SEED_BASE pick the seeds;
see tests/lib/faulttest.py."""
import random

from faulttest import Watchdog, check_faulted_run, seeds
from faultproxy import FaultProxy
from postie_test import TAP, Postie
from rig import Rig
from storetest import as_pop3, check, dump, maildir_count, maildir_messages

TIMEOUT = 3
ROUNDS = 5

t = TAP()
r = Rig.started_for(t)
proxy = FaultProxy(r.host, r.ports["pop3s"])
t.cleanup(proxy.stop)


def deliver(user, rng, seed, rnd, expected):
    """Some new mail on the server (a few large messages now and then)."""
    r.seed(user, rng.randint(3, 25), seed=seed * 100 + rnd)
    for mid, raw in maildir_messages(r.maildir(user)).items():
        expected.setdefault(mid, raw)


def faulty_run(w, label, stats):
    fault = stats["rng"].choice(("cut", "cut", "cut-late", "reset", "stall", "slow"))
    total = sum(len(raw) for raw in maildir_messages(r.maildir(w.user)).values())
    proxy.clear()
    if fault in ("cut", "reset"):
        # Logging in over TLS takes about 4 kB down; then the listing and the RETRs.
        proxy.random_cuts(seed=stats["rng"].randrange(10 ** 6), low=300,
                          high=int(total * 1.1) + 6000, rst=fault == "reset")
    elif fault == "cut-late":
        # Around the end of the download: the DELEs and the QUIT.
        proxy.random_cuts(seed=stats["rng"].randrange(10 ** 6), low=max(300, total),
                          high=total + 7000)
    elif fault == "stall":
        proxy.stall(TIMEOUT + 2, after=stats["rng"].randrange(300, total + 6000))
    else:
        proxy.rate(stats["rng"].choice((40000, 150000)))
    action = stats["rng"].choice(("sync", "sync", "watch"))
    before = proxy.stats()
    if action == "watch":
        res = w.run("watch", "--timeout", "3", "--interval", "1", what=label)
    else:
        res = w.run("sync", what=label)
    after = proxy.stats()
    check_faulted_run(t, w, res, before, after, stats, fault, label, action)


def verify(p, account, user, expected, keep, label):
    d = dump(p, account, bodies=True)
    count = {}
    for m in d.messages("INBOX"):
        count[m["message_id"]] = count.get(m["message_id"], 0) + 1
    missing = [mid for mid in expected if mid not in count]
    twice = [mid for mid, n in count.items() if n > 1]
    strange = [mid for mid in count if mid not in expected]
    t.ok(not missing, "%s: all %d messages are in the store" % (label, len(expected)),
         "missing: %r" % missing[:10])
    t.ok(not twice and not strange, "%s: none stored twice, nothing else" % label,
         "twice: %r, others: %r" % (twice[:10], strange[:10]))
    bad = [m["message_id"] for m in d.messages("INBOX")
           if m["message_id"] in expected and d.body(m) != as_pop3(expected[m["message_id"]])]
    t.ok(not bad, "%s: every body is byte for byte what was served" % label, repr(bad[:10]))
    left = maildir_count(r.maildir(user))
    if keep:
        t.eq(left, len(expected), "%s: leave_on_server: all still on the server" % label)
        t.eq(len(d.pop3), len(expected), "%s: one POP3 record per message" % label)
    else:
        t.eq(left, 0, "%s: the server is empty" % label)
    t.eq(check(p, account), "", "%s: the store passes its check" % label)


for seed in seeds(3):
    rng = random.Random(seed)
    keep = seed % 3 == 0
    user = "carol" if keep else "bob"
    p = Postie(t.tmpdir, "pop%d" % seed)
    r.write_postie_account(p, "pop", user, protocol="pop3", port=proxy.port, timeout=TIMEOUT,
                           leave_on_server="yes" if keep else None)
    w = Watchdog(t, p, TIMEOUT)
    w.user = user
    expected = {}
    stats = {"rng": rng, "runs": 0, "failed": 0, "cuts": 0}
    for rnd in range(ROUNDS):
        deliver(user, rng, seed, rnd, expected)
        for _ in range(rng.randint(1, 3)):
            faulty_run(w, "seed %d round %d" % (seed, rnd), stats)
    label = "seed %d%s" % (seed, " (leave_on_server)" if keep else "")
    proxy.clear()
    res = w.run("sync", what=label + ", faults over")
    t.ok(res.returncode == 0, "%s: the sync after the faults completes" % label, res.stderr)
    verify(p, "pop", user, expected, keep, label)
    res = w.run("sync", what=label + ", once more")
    t.ok(res.returncode == 0 and "0 new messages" in res.stdout,
         "%s: another sync finds nothing new" % label, res.stdout + res.stderr)
    t.diag("%s: %d runs, %d failed, %d cuts, %d messages"
           % (label, stats["runs"], stats["failed"], stats["cuts"], len(expected)))
    t.ok(w.hangs == 0, "%s: none of %d runs hung" % (label, w.runs))
    if keep:    # the next seed that keeps mail starts from an empty server
        r.doveadm("expunge", "-u", user, "mailbox", "INBOX", "all")

t.done()
