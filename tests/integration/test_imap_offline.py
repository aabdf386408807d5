"""The offline journal: flags, moves, copies, deletions and expunges made with
the command line while the server is down reach it at the next sync, in
order; the rules for a server that changed meanwhile (a message expunged, a
folder recreated or deleted); APPEND with APPENDUID recorded; folder
management; the delete policies."""
import os
import subprocess

import re

from imaptest import CAPS, check_same, postie_list, postie_state, quote, server_state
from postie_test import TAP, Postie
from rig import Rig

t = TAP()
r = Rig.started_for(t)
p = Postie(t.tmpdir)
r.write_postie_account(p, "alice", "alice")
PROBE = os.path.join(os.environ.get("POSTIE_BUILDDIR", "."), "tests", "integration",
                     "imap-probe")

r.seed("alice", 60)
r.seed("alice", 5, folder="Archive", seed=3)


def run(*args):
    res = p.run(*args)
    t.ok(res.returncode == 0, "postie %s" % " ".join(args), res.stderr)
    return res


def probe(*args):
    return subprocess.run([PROBE, p.config_dir, p.data_dir, "alice"] + list(args),
                          capture_output=True, text=True, timeout=60)


def subjects(folder, state=None):
    return sorted(m["subject"] for m in postie_list(p, folder))


run("sync")
inbox = {m["id"]: m for m in postie_list(p, "INBOX")}

# -- offline: the server is gone -----------------------------------------------------
r.stop_dovecot()
run("flag", "INBOX", "1,2", "+flagged", "-seen", "+$Todo")
run("move", "INBOX", "3-5", "Archive")
run("delete", "INBOX", "6")
run("copy", "INBOX", "7", "Drafts")
run("flag", "INBOX", "8", "+deleted")
run("expunge", "INBOX")
mine = postie_state(p, "INBOX")
t.eq(sorted(set(range(1, 9)) - set(mine)), [3, 4, 5, 6, 8], "offline: moved, deleted and "
     "expunged messages left INBOX at once")
t.ok("\\Flagged" in mine[1] and "$Todo" in mine[1] and "\\Seen" not in mine[1],
     "offline: flags changed at once", mine[1])
res = p.run("sync")
t.eq(res.returncode, 1, "sync while the server is down fails (exit 1)")
t.ok(res.stderr.strip() != "", "and says why", res.stderr)

r.start_dovecot()
run("sync")
srv = server_state(r, "alice", "INBOX")
t.ok("\\Flagged" in srv[1] and "$Todo" in srv[1] and "\\Seen" not in srv[1]
     and "\\Flagged" in srv[2], "replayed: flags and keywords on the server", srv.get(1))
t.ok(not {3, 4, 5, 6, 8} & set(srv), "replayed: moved, deleted and expunged messages left the "
     "server's INBOX", sorted(set(range(1, 10)) - set(srv)))
moved = sorted(inbox[u]["subject"] for u in (3, 4, 5))
arch = subjects("Archive")
t.ok(all(s in arch for s in moved), "replayed: the moved messages are in Archive", arch)
t.eq(subjects("Trash"), [inbox[6]["subject"]], "replayed: the deleted message is in the Trash")
t.eq(subjects("Drafts"), [inbox[7]["subject"]], "replayed: the copy is in Drafts")
t.ok(7 in srv, "a copy leaves the original")
for folder in ("INBOX", "Archive", "Trash", "Drafts"):
    check_same(t, p, r, "alice", folder, "after the replay %s matches the server" % folder)
res = p.run("sync")
t.eq(res.stderr, "", "the journal is empty afterwards (a second sync has nothing to say)")

# -- the server changed meanwhile ---------------------------------------------------------
# A message expunged elsewhere before the flag change reaches the server.
run("flag", "INBOX", "9", "+flagged")
c = r.imap("alice")
c.select("INBOX")
c.uid("STORE", "9", "+FLAGS", "(\\Deleted)")
c.expunge()
c.logout()
res = run("sync")
t.contains(res.stderr, "no longer exist", "a change to a vanished message is dropped, and said")
check_same(t, p, r, "alice", "INBOX", "and INBOX matches the server")

# A folder recreated elsewhere (new UIDVALIDITY) before the change reaches it.
run("flag", "Archive", "1", "+flagged")
c = r.imap("alice")
c.delete("Archive")
c.create("Archive")
c.subscribe("Archive")
c.logout()
r.append("alice", "Archive", b"From: a@b\r\nSubject: fresh\r\n\r\nx\r\n")
res = run("sync")
t.contains(res.stderr, "recreated", "a change to a recreated folder is dropped, and said")
t.ok(all("\\Flagged" not in f for f in server_state(r, "alice", "Archive").values()),
     "and not applied to the new folder's UID 1")
check_same(t, p, r, "alice", "Archive", "the recreated Archive matches the server")

# A move to a folder deleted elsewhere: the message stays where it was.
c = r.imap("alice")
c.create("Tmp")
c.subscribe("Tmp")
c.logout()
run("sync")
run("move", "INBOX", "10", "Tmp")
t.ok(10 not in postie_state(p, "INBOX"), "moved locally")
c = r.imap("alice")
c.delete("Tmp")
c.logout()
res = run("sync")
t.contains(res.stderr, "stay where they were", "a move to a vanished folder is dropped, and said")
t.ok(10 in postie_state(p, "INBOX"), "the message is back in INBOX")
check_same(t, p, r, "alice", "INBOX", "INBOX matches the server")

# -- APPEND --------------------------------------------------------------------------------
msg = os.path.join(t.tmpdir, "sent.eml")
with open(msg, "wb") as f:
    f.write(b"From: Alice <alice@example.test>\r\nTo: bob@example.test\r\n"
            b"Subject: a copy of sent mail\r\nMessage-ID: <sent1@example.test>\r\n\r\nhi\r\n")
res = probe("append", "Sent", msg, "seen")
t.ok(res.returncode == 0 and res.stdout.startswith("added"), "append: stored at once",
     res.stdout + res.stderr)
uid = int(res.stdout.split("uid ")[1].split()[0])
rows = postie_list(p, "Sent")
t.ok(any(m["id"] == uid and m["subject"] == "a copy of sent mail" for m in rows),
     "append: recorded under the UID from APPENDUID", rows)
check_same(t, p, r, "alice", "Sent", "append: Sent matches the server")
r.stop_dovecot()
with open(msg, "wb") as f:
    f.write(b"From: Alice <alice@example.test>\r\nSubject: draft written offline\r\n\r\nx\r\n")
res = probe("journal-append", "Drafts", msg, "draft")
t.eq(res.stdout.strip(), "uid 0", "append offline: journaled", )
r.start_dovecot()
run("sync")
t.ok("draft written offline" in subjects("Drafts"), "append offline: saved at the next sync")
check_same(t, p, r, "alice", "Drafts", "Drafts matches the server")

# -- folder management ---------------------------------------------------------------
res = probe("folder", "create", "Reisen/Ägypten")
t.eq(res.returncode, 0, "create a folder with a non-ASCII name", )
c = r.imap("alice")
typ, data = c.list('""', '"Reisen/*"')
c.logout()
t.ok(any(b"&AMQ-gypten" in d for d in data if d), "created under its modified UTF-7 name", data)
res = probe("folder", "rename", "Reisen/Ägypten", "Reisen/Kairo")
t.eq(res.returncode, 0, "rename it")
run("sync")
out = p.run("folders").stdout
t.ok("Reisen/Kairo" in out and "Ägypten" not in out, "the store follows the rename", out)
res = probe("folder", "delete", "Reisen/Kairo")
t.eq(res.returncode, 0, "delete it")
t.not_contains(p.run("folders").stdout, "Kairo", "the store follows the deletion")
res = probe("folder", "create", "Lists")
t.contains(p.run("folders").stdout, "Lists", "a created folder is shown at once")
res = probe("folder", "unsubscribe", "Lists")
run("sync")
t.not_contains(p.run("folders").stdout, "Lists", "an unsubscribed folder is hidden")
p2 = Postie(t.tmpdir, "p2")
r.write_postie_account(p2, "alice", "alice", subscribed_only="no")
p2.run("sync")
t.contains(p2.run("folders").stdout, "Lists", "subscribed_only = no shows it")

# -- a server without MOVE and UIDPLUS: COPY, \\Deleted, EXPUNGE ------------------------
r.restart(capabilities=CAPS["plain"].replace(" UIDPLUS", "").replace(" MOVE", ""))
run("sync")
run("move", "INBOX", "11", "Archive")
run("flag", "INBOX", "12", "+deleted")
run("expunge", "INBOX")
c = r.imap("alice")
c.select("INBOX")
keep = sorted(server_state(r, "alice", "INBOX"))[-1]
c.uid("STORE", str(keep), "+FLAGS", "(\\Deleted)")   # someone else's, not to be expunged
c.logout()
trace = os.path.join(t.tmpdir, "trace-nomove")
res = p.run("--trace", trace, "sync")
t.eq(res.returncode, 0, "sync with neither MOVE nor UIDPLUS")
tr = open(trace, errors="replace").read()
t.ok(" UID COPY 11 Archive" in tr and "UID MOVE" not in tr, "a move is COPY + \\Deleted + EXPUNGE")
srv = server_state(r, "alice", "INBOX")
t.ok(11 not in srv and 12 not in srv, "both left the server's INBOX")
t.ok(keep in srv and "\\Deleted" in srv[keep], "another message marked \\Deleted elsewhere "
     "stays, marked")
check_same(t, p, r, "alice", "INBOX", "INBOX matches the server")
check_same(t, p, r, "alice", "Archive", "Archive matches the server")
r.restart()

# -- the driver is reusable after the connection was lost ---------------------------------
proc = subprocess.Popen([PROBE, p.config_dir, p.data_dir, "alice", "resync", "INBOX", "2"],
                        stdout=subprocess.PIPE, text=True)
t.eq(proc.stdout.readline().strip(), "synced", "probe: first sync")
r.stop_dovecot()
r.start_dovecot()
out, _ = proc.communicate(timeout=60)
t.eq(proc.returncode, 0, "probe: the sync after the server came back worked", )
t.ok(re.search(r"failed (network|timeout) connected=0", out), "the lost connection was "
     "reported as network trouble, and the driver knew it was disconnected", out)
t.contains(out, "reconnected", "connect() then made the same driver work again")

# -- delete_policy = flag, and overrides -------------------------------------------------
p3 = Postie(t.tmpdir, "p3")
r.seed("bob", 10)
r.write_postie_account(p3, "bob", "bob", delete_policy="flag")
p3.run("sync")
p3.run("delete", "INBOX", "2")
t.ok("\\Deleted" in postie_state(p3, "INBOX")[2], "delete_policy = flag marks the message")
p3.run("sync")
t.ok("\\Deleted" in server_state(r, "bob", "INBOX")[2], "and the server has \\Deleted")
p3.run("expunge", "INBOX")
p3.run("sync")
t.ok(2 not in server_state(r, "bob", "INBOX"), "expunge removes it on the server")
check_same(t, p3, r, "bob", "INBOX", "bob's INBOX matches the server")
p4 = Postie(t.tmpdir, "p4")
r.write_postie_account(p4, "bob", "bob", trash_folder="Archive")
p4.run("sync")
subject = next(m["subject"] for m in postie_list(p4, "INBOX") if m["id"] == 3)
p4.run("delete", "INBOX", "3")
p4.run("sync")
t.eq([m["subject"] for m in postie_list(p4, "Archive")], [subject],
     "trash_folder overrides the Trash")
t.eq(postie_list(p4, "Trash"), [], "and the Trash is left alone")

t.done()
