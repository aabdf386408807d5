"""IMAP sync against the rig's Dovecot: a seeded folder synced; changes made
by another client (new mail, flags and keywords, expunges, a folder renamed)
picked up by an incremental sync in each of the three ways (QRESYNC,
CONDSTORE only, neither), with the store matching the server exactly; a
changed UIDVALIDITY; folder names in modified UTF-7; bodies on demand and
ahead of time; IDLE."""
import os
import re
import subprocess
import time

from imaptest import CAPS, check_same, postie_list, postie_state, quote, server_state, uidvalidity
from postie_test import TAP, Postie
from rig import Rig

t = TAP()
r = Rig.started_for(t)
p = Postie(t.tmpdir)
r.write_postie_account(p, "alice", "alice")

seeded = r.seed("alice", 300)

r.seed("alice", 40, folder="Archive", seed=2)


def sync(*args):
    res = p.run("sync", *args)
    t.ok(res.returncode == 0, "postie sync %s" % " ".join(args), res.stderr)
    return res


# -- the first sync ---------------------------------------------------------------
sync()
rows = postie_list(p, "INBOX")
t.eq(len(rows), 300, "every seeded message is stored")
by_uid = {m["uid"]: m for m in seeded}
sample = rows[41]
t.eq(sample["message_id"], by_uid[sample["id"]]["message_id"].strip("<>"),
     "Message-ID kept, without brackets")
t.eq(sample["subject"], by_uid[sample["id"]]["subject"], "subject decoded")
t.ok(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", sample["date"]), "date in ISO 8601",
     sample["date"])
t.eq(sample["size"], int(re.search(r",W=(\d+)", by_uid[sample["id"]]["filename"]).group(1)),
     "size is RFC822.SIZE")
check_same(t, p, r, "alice", "INBOX", "INBOX: the store matches the server")
check_same(t, p, r, "alice", "Archive", "Archive: the store matches the server")
res = p.run("folders")
t.ok(res.returncode == 0 and re.search(r"^\s+\d+\s+300  INBOX$", res.stdout, re.M),
     "postie folders: counts and names", res.stdout)
res = p.run("folders", "--json")
t.contains(res.stdout, '"role":"trash"', "folders --json: special-use roles")


# -- changes made elsewhere, picked up in each mode --------------------------------
def other_client_changes(step):
    c = r.imap("alice")
    try:
        c.select("INBOX")
        c.uid("STORE", "%d:%d" % (10 + step, 12 + step), "+FLAGS", "(\\Flagged $Label%d)" % step)
        c.uid("STORE", "%d" % (20 + step), "-FLAGS", "(\\Seen)")
        c.uid("STORE", "%d" % (21 + step), "+FLAGS", "(\\Seen \\Answered)")
        c.uid("STORE", "%d" % (30 + step), "+FLAGS", "(\\Deleted)")
        c.expunge()
    finally:
        c.logout()
    r.append("alice", "INBOX", b"From: Bob <bob@example.test>\r\nSubject: step %d\r\n"
             b"Message-ID: <step%d@example.test>\r\n\r\nhello\r\n" % (step, step))


for step, mode in enumerate(("qresync", "condstore", "plain")):
    r.restart(capabilities=CAPS[mode])
    other_client_changes(step)
    trace = os.path.join(t.tmpdir, "trace-%s" % mode)
    res = p.run("--trace", trace, "sync", "INBOX")
    t.ok(res.returncode == 0, "%s: incremental sync" % mode, res.stderr)
    check_same(t, p, r, "alice", "INBOX", "%s: flags, keywords, expunges and new mail match"
               % mode)
    with open(trace, errors="replace") as f:
        tr = f.read()
    if mode == "qresync":
        t.ok(re.search(r"C: \d+ SELECT INBOX \(QRESYNC \(\d+ \d+\)\)", tr), "qresync: SELECT with "
             "QRESYNC parameters")
        t.ok("VANISHED" in tr, "qresync: the expunge came as VANISHED")
        t.not_contains(tr, "UID FETCH 1:", "qresync: no flag fetch of known messages")
    elif mode == "condstore":
        t.not_contains(tr, "QRESYNC", "condstore: no QRESYNC")
        t.ok(re.search(r"CHANGEDSINCE \d+", tr), "condstore: UID FETCH ... CHANGEDSINCE")
    else:
        t.not_contains(tr, "CONDSTORE", "plain: no CONDSTORE")
        t.ok(re.search(r"UID FETCH 1:\d+ \(UID FLAGS\)", tr), "plain: UID FLAGS of every message")
    t.not_contains(tr, "Old", "opening a folder stores no Old keyword")
    t.ok(not re.search(r"C: \d+ (UID )?STORE", tr), "%s: a sync writes no flags" % mode)
r.restart()

# An unchanged folder: one SELECT, nothing fetched (once the plain mode's
# sync has been followed by one that learnt HIGHESTMODSEQ again).
sync("INBOX")
trace = os.path.join(t.tmpdir, "trace-unchanged")
p.run("--trace", trace, "sync", "INBOX")
with open(trace, errors="replace") as f:
    tr = f.read()
t.ok("FETCH" not in tr.split("SELECT INBOX")[-1] and "SEARCH" not in tr.split("SELECT INBOX")[-1],
     "an unchanged folder costs no FETCH or SEARCH", tr[-2000:])

# --full heals whatever a shortcut might have missed.
sync("--full", "INBOX")
check_same(t, p, r, "alice", "INBOX", "--full: still the same")

# -- a folder renamed elsewhere ----------------------------------------------------
c = r.imap("alice")
c.create("Projekte")
c.subscribe("Projekte")
c.logout()
r.append("alice", "Projekte", b"From: a@b\r\nSubject: p\r\n\r\nx\r\n")
sync()
t.contains(p.run("folders").stdout, "Projekte", "a new folder appears")
c = r.imap("alice")
c.rename("Projekte", quote("Projekte alt"))
c.unsubscribe("Projekte")
c.subscribe(quote("Projekte alt"))
c.logout()
sync()
out = p.run("folders").stdout
t.ok("Projekte alt" in out and not re.search(r"  Projekte$", out, re.M),
     "a renamed folder follows", out)
check_same(t, p, r, "alice", "Projekte alt", "the renamed folder's messages")

# -- modified UTF-7 folder names ------------------------------------------------------
c = r.imap("alice")
c.create("Entw&APw-rfe/&ZeVnLIqe-")
c.subscribe("Entw&APw-rfe/&ZeVnLIqe-")
c.logout()
sync()
out = p.run("folders").stdout
t.contains(out, "Entwürfe/日本語", "modified UTF-7 names are shown in UTF-8")
res = p.run("list", "Entwürfe/日本語")
t.eq(res.returncode, 0, "and typed in UTF-8")

# -- UIDVALIDITY changed on the server ---------------------------------------------
archive_before = postie_state(p, "Archive")
old_uv = uidvalidity(r, "alice", "Projekte alt")
c = r.imap("alice")
c.delete(quote("Projekte alt"))
c.create(quote("Projekte alt"))
c.subscribe(quote("Projekte alt"))
c.logout()
for i in range(3):
    r.append("alice", "Projekte alt", b"From: a@b\r\nSubject: new %d\r\n\r\nx\r\n" % i)
t.ok(uidvalidity(r, "alice", "Projekte alt") != old_uv, "the rig gave the folder a new UIDVALIDITY")
res = sync()
t.contains(res.stderr, "UIDVALIDITY", "the reset is reported")
check_same(t, p, r, "alice", "Projekte alt", "the recreated folder is fetched afresh")
t.eq(postie_state(p, "Archive"), archive_before, "other folders are untouched")
subjects = sorted(m["subject"] for m in postie_list(p, "Projekte alt"))
t.eq(subjects, ["new 0", "new 1", "new 2"], "no stale summary survives")

# -- bodies ------------------------------------------------------------------------------
rows = postie_list(p, "INBOX")
unseen = [m["id"] for m in rows if "\\Seen" not in m["flags"]]
uid, other = unseen[0], unseen[1]
c = r.imap("alice")
c.select("INBOX", readonly=True)
want = c.uid("FETCH", str(uid), "(BODY.PEEK[])")[1][0][1]
c.logout()
res = p.run("show", "INBOX", str(uid), "--raw", input=b"")
t.eq(res.returncode, 0, "show fetches a body that is not stored")
t.eq(res.stdout, want, "show --raw gives the exact bytes")
t.ok("\\Seen" not in server_state(r, "alice", "INBOX")[uid], "fetching a body sets no \\Seen")
r.stop_dovecot()
res2 = p.run("show", "INBOX", str(uid), "--raw", input=b"")
t.eq((res2.returncode, res2.stdout), (0, want), "a body once fetched reads offline")
res3 = p.run("show", "INBOX", str(other))
t.eq(res3.returncode, 1, "a body not stored, offline: exit 1")
t.contains(res3.stderr, "not stored for offline reading", "and says so")
t.eq(p.run("list", "INBOX").returncode, 0, "list works offline")
t.eq(p.run("folders").returncode, 0, "folders works offline")
r.start_dovecot()

# sync_bodies = all: every body fetched ahead.
p2 = Postie(t.tmpdir, "p2")
r.write_postie_account(p2, "alice", "alice", sync_bodies="all")
res = p2.run("sync", "Archive")
t.eq(res.returncode, 0, "sync with sync_bodies = all", )
r.stop_dovecot()
ok = all(p2.run("show", "Archive", str(m["id"]), "--raw", input=b"").returncode == 0
         for m in postie_list(p2, "Archive")[:10])
t.ok(ok, "sync_bodies = all: bodies read offline")
r.start_dovecot()

# -- IDLE -----------------------------------------------------------------------------
w = p.popen("watch", "--once", "--timeout", "30", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
line = w.stderr.readline().decode()
t.contains(line, "watching INBOX", "watch: synced and waiting")
time.sleep(0.3)
r.append("alice", "INBOX", b"From: Carol <carol@example.test>\r\nSubject: pushed\r\n"
         b"Message-ID: <pushed@example.test>\r\n\r\nhi\r\n")
try:
    out, err = w.communicate(timeout=20)
except subprocess.TimeoutExpired:
    w.kill()
    out, err = w.communicate()
t.eq(w.returncode, 0, "watch --once ends after new mail")
t.contains(out.decode(), "1 new message in INBOX", "IDLE reported the new message")
t.ok(any(m["subject"] == "pushed" for m in postie_list(p, "INBOX")), "and it is in the store")

# Without IDLE: NOOP every --interval seconds.
r.restart(capabilities=CAPS["condstore"].replace(" IDLE", ""))
w = p.popen("--trace", os.path.join(t.tmpdir, "trace-noop"), "watch", "--once", "--interval", "1",
            "--timeout", "30", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
t.contains(w.stderr.readline().decode(), "watching INBOX", "watch without IDLE: waiting")
r.append("alice", "INBOX", b"From: Carol <carol@example.test>\r\nSubject: polled\r\n\r\nhi\r\n")
try:
    out, err = w.communicate(timeout=20)
except subprocess.TimeoutExpired:
    w.kill()
    out, err = w.communicate()
t.contains(out.decode(), "1 new message in INBOX", "NOOP polling found the new message")
tr = open(os.path.join(t.tmpdir, "trace-noop"), errors="replace").read()
t.ok("NOOP" in tr and " IDLE" not in tr, "by NOOP, not IDLE")
r.restart()

t.done()
