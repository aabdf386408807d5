"""Nothing lost, nothing doubled: `postie sync` of a 500-message POP3
mailbox is killed with SIGKILL at 50 or more random moments (connecting,
downloading, committing, deleting, quitting), and in a second part its
connection is cut at random points in the middle of the download by the
fault proxy. After a final clean sync every seeded message is in the store
exactly once, byte for byte, the store passes its check and the server is
empty.

POSTIE_TEST_SEED picks the random points (the default is fixed, so a failure
can be repeated)."""
import os
import random
import subprocess
import time

from faultproxy import FaultProxy
from postie_test import TAP, Postie
from rig import Rig
from storetest import as_pop3, check, dump, maildir_count, maildir_messages

N = 500
KILLS = 50
CUTS = 30

t = TAP()
r = Rig.started_for(t)
p = Postie(t.tmpdir)
seed = int(os.environ.get("POSTIE_TEST_SEED", "6"))
rng = random.Random(seed)
t.diag("POSTIE_TEST_SEED=%d" % seed)


def verify(account, expected, what):
    d = dump(p, account, bodies=True)
    inbox = d.messages("INBOX")
    count = {}
    for m in inbox:
        count[m["message_id"]] = count.get(m["message_id"], 0) + 1
    missing = [mid for mid in expected if mid not in count]
    twice = [mid for mid, n in count.items() if n > 1]
    t.ok(not missing, "%s: no message lost (%d expected)" % (what, len(expected)),
         "missing: %r" % missing[:10])
    t.ok(not twice, "%s: no message stored twice" % what, "twice: %r" % twice[:10])
    t.eq(len(inbox), len(expected), "%s: the INBOX holds exactly the seeded messages" % what)
    bad = [m["message_id"] for m in inbox
           if m["message_id"] in expected and d.body(m) != as_pop3(expected[m["message_id"]])]
    t.ok(not bad, "%s: every body is byte for byte what was served" % what, repr(bad[:10]))
    t.eq(check(p, account), "", "%s: the store passes its check" % what)


# How long a whole sync of N messages takes here, so that the kills fall
# inside one: measured on another user, leaving its mail on the server.
r.seed("carol", N, seed=99)
r.write_postie_account(p, "probe", "carol", protocol="pop3", leave_on_server="yes")
t0 = time.monotonic()
res = p.run("sync", "-a", "probe")
full = time.monotonic() - t0
t.eq(res.returncode, 0, "a full sync of %d messages to time the kills" % N)
t.diag("a full sync takes %.2f s" % full)

# -- SIGKILL at random moments -----------------------------------------------------

r.write_postie_account(p, "pop", "alice", protocol="pop3")
expected = {}
kills = rounds = completed = 0
while kills < KILLS:
    if maildir_count(r.maildir("alice")) == 0:
        rounds += 1
        r.seed("alice", N, seed=rounds)
        expected.update(maildir_messages(r.maildir("alice")))
    proc = p.popen("sync", "-a", "pop", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(0.02, full * 0.85))
    if proc.poll() is None:
        proc.kill()
        kills += 1
    elif proc.returncode == 0:
        completed += 1
    proc.wait()
t.diag("%d kills over %d mailboxes of %d; %d syncs finished first" % (kills, rounds, N,
                                                                     completed))
t.ok(kills >= KILLS, "%d syncs killed with SIGKILL at random moments" % kills)
res = p.run("sync", "-a", "pop")
t.ok(res.returncode == 0, "the final sync after the kills works", res.stderr)
t.eq(maildir_count(r.maildir("alice")), 0, "after the kills: the server is empty")
verify("pop", expected, "after %d kills" % kills)

# -- the connection cut in the middle of the download ---------------------------------

proxy = FaultProxy(r.host, r.ports["pop3s"])
t.cleanup(proxy.stop)
r.write_postie_account(p, "cut", "bob", protocol="pop3", port=proxy.port)
expected = {}
cuts = rounds = 0
errors = set()
bad_exit = []
while cuts < CUTS:
    if maildir_count(r.maildir("bob")) == 0:
        rounds += 1
        r.seed("bob", N, seed=100 + rounds)
        expected.update(maildir_messages(r.maildir("bob")))
        total = sum(len(raw) for raw in maildir_messages(r.maildir("bob")).values())
        # Past the greeting and the listing, up to the end of the last RETR.
        proxy.random_cuts(seed=seed * 1000 + rounds, low=3000, high=int(total * 1.05),
                          rst=rounds % 2 == 0)
    before = proxy.stats()["cuts"]
    res = p.run("sync", "-a", "cut")
    if proxy.stats()["cuts"] > before:
        cuts += 1
        if res.returncode != 1:
            bad_exit.append((res.returncode, res.stderr))
        errors.add(res.stderr.strip().splitlines()[-1] if res.stderr.strip() else "")
t.diag("%d cuts over %d mailboxes; the errors said:\n%s" % (cuts, rounds, "\n".join(
    sorted(errors))))
t.eq(bad_exit, [], "every cut sync fails with exit 1")
t.ok(all("localhost" in e for e in errors), "every cut is reported naming the server")
proxy.clear()
res = p.run("sync", "-a", "cut")
t.ok(res.returncode == 0, "the final sync after the cuts works", res.stderr)
t.eq(maildir_count(r.maildir("bob")), 0, "after the cuts: the server is empty")
verify("cut", expected, "after %d cuts" % cuts)

t.done()
