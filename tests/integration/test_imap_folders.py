"""IMAP folders and the account's choices, against the rig's Dovecot:
`postie folders create|rename|delete|subscribe|unsubscribe` and `--all`
(subscribed_only), special-use folders overridden by the account file,
sync_bodies = none | recent DAYS, the three ways of moving messages (MOVE;
COPY + \\Deleted + UID EXPUNGE with UIDPLUS; the plain EXPUNGE case is in
test_imap_offline.py), IDLE re-issued before the server drops it, and the
periodic check of folders other than the one synced."""
import json
import os
import re
import subprocess

from imaptest import CAPS, check_same, postie_list, quote, server_state
from postie_test import TAP, Postie
from rig import Rig

t = TAP()
r = Rig.started_for(t)
p = Postie(t.tmpdir)
r.write_postie_account(p, "alice", "alice")
seeded = r.seed("alice", 30)
r.seed("alice", 5, folder="Archive", seed=2)


def run(*args, **kw):
    res = p.run(*args, **kw)
    t.ok(res.returncode == 0, "postie %s" % " ".join(args), res.stderr)
    return res


def server_folders(user="alice"):
    c = r.imap(user)
    try:
        _, listed = c.list()
        _, subscribed = c.lsub()
    finally:
        c.logout()

    def names(data):
        return {re.search(rb' ("?)([^"]*)\1$', d).group(2).decode() for d in data if d}
    return names(listed), names(subscribed)


def folder_lines(*args):
    return {re.match(r"^\s*\S+\s+\S+  (.*)$", line).group(1)
            for line in run("folders", *args).stdout.splitlines()}


run("sync")

# -- folder management from the command line ---------------------------------------
res = run("folders", "create", "Reisen/Ägypten")
t.contains(res.stdout, "Reisen/Ägypten", "create says what it made")
listed, subscribed = server_folders()
t.ok("Reisen/&AMQ-gypten" in listed and "Reisen/&AMQ-gypten" in subscribed,
     "created on the server under its modified UTF-7 name, and subscribed", listed)
t.ok("Reisen/Ägypten" in folder_lines(), "and listed at once")
run("folders", "rename", "Reisen/Ägypten", "Reisen/Kairo")
listed, subscribed = server_folders()
t.ok("Reisen/Kairo" in listed and "Reisen/&AMQ-gypten" not in listed, "renamed on the server",
     listed)
t.ok("Reisen/Kairo" in subscribed and "Reisen/&AMQ-gypten" not in subscribed,
     "the subscription follows the name", subscribed)
lines = folder_lines()
t.ok("Reisen/Kairo" in lines and "Reisen/Ägypten" not in lines, "the store follows", lines)
r.append("alice", "Reisen/Kairo", b"From: a@b\r\nSubject: in Kairo\r\n\r\nx\r\n")
run("sync", "Reisen/Kairo")
t.eq([m["subject"] for m in postie_list(p, "Reisen/Kairo")], ["in Kairo"],
     "the renamed folder syncs")

# subscriptions: hidden by default, shown with --all or subscribed_only = no
run("folders", "unsubscribe", "Reisen/Kairo")
t.ok("Reisen/Kairo" not in server_folders()[1], "unsubscribed on the server")
t.ok("Reisen/Kairo" not in folder_lines(), "an unsubscribed folder is not listed")
t.ok("Reisen/Kairo" in folder_lines("--all"), "folders --all lists it")
run("sync")
t.ok("Reisen/Kairo" not in folder_lines() and "Reisen/Kairo" in folder_lines("--all"),
     "and so after a sync, which keeps every folder in the store")
trace = os.path.join(t.tmpdir, "trace-unsub")
r.append("alice", "Reisen/Kairo", b"From: a@b\r\nSubject: unseen here\r\n\r\nx\r\n")
run("--trace", trace, "sync")
t.not_contains(open(trace, errors="replace").read(), "SELECT Reisen/Kairo",
               "sync leaves an unsubscribed folder alone")
t.eq(len(postie_list(p, "Reisen/Kairo")), 1, "but it can still be read by name")
unsub_json = [json.loads(x) for x in run("folders", "--all", "--json").stdout.splitlines()]
t.ok(any(f["name"] == "Reisen/Kairo" and f["subscribed"] is False for f in unsub_json),
     "folders --all --json: subscribed false")
p2 = Postie(t.tmpdir, "p2")
r.write_postie_account(p2, "alice", "alice", subscribed_only="no")
p2.run("sync")
t.ok(re.search(r"^\s+\d+\s+2  Reisen/Kairo$", p2.run("folders").stdout, re.M),
     "subscribed_only = no lists and syncs it", p2.run("folders").stdout)
run("folders", "subscribe", "Reisen/Kairo")
t.ok("Reisen/Kairo" in server_folders()[1] and "Reisen/Kairo" in folder_lines(),
     "subscribe: on the server and listed again")
run("folders", "delete", "Reisen/Kairo")
listed, subscribed = server_folders()
t.ok("Reisen/Kairo" not in listed and "Reisen/Kairo" not in subscribed,
     "deleted on the server, subscription too", listed)
t.ok("Reisen/Kairo" not in folder_lines("--all"), "and in the store")

res = p.run("folders", "delete", "Nowhere")
t.eq(res.returncode, 1, "deleting a folder the server does not have: exit 1")
t.ok(re.search(r"(?i)deleting a folder on .*" + re.escape(r.host), res.stderr),
     "the error names the server", res.stderr)
res = p.run("folders", "rename", "INBOX")
t.eq(res.returncode, 2, "rename without a new name: usage error")
res = p.run("folders", "frobnicate", "x")
t.eq(res.returncode, 2, "an unknown subcommand: usage error")
r.stop_dovecot()
res = p.run("folders", "create", "Offline")
t.eq(res.returncode, 1, "folder management offline: exit 1")
t.ok(res.stderr.strip(), "and says why", res.stderr)
t.eq(p.run("folders", "--all").returncode, 0, "folders --all works offline")
r.start_dovecot()

# -- counts of folders never synced (STATUS), for the sidebar ------------------------
c = r.imap("alice")
c.create("Unsynced")
c.subscribe("Unsynced")
c.logout()
for i in range(3):
    r.append("alice", "Unsynced", b"From: a@b\r\nSubject: u%d\r\n\r\nx\r\n" % i,
             flags=("\\Seen",) if i == 0 else ())
run("sync", "INBOX")
t.ok(re.search(r"^\s+2\s+3  Unsynced$", run("folders").stdout, re.M),
     "a folder never synced shows the server's STATUS counts")
t.eq(postie_list(p, "Unsynced"), [], "without fetching its messages")
r.append("alice", "Unsynced", b"From: a@b\r\nSubject: u3\r\n\r\nx\r\n")
run("sync", "INBOX")
t.ok(re.search(r"^\s+3\s+4  Unsynced$", run("folders").stdout, re.M),
     "and follows the server at the next check", run("folders").stdout)
run("sync", "Unsynced")
t.ok(re.search(r"^\s+3\s+4  Unsynced$", run("folders").stdout, re.M) and
     len(postie_list(p, "Unsynced")) == 4, "once synced, the counts are the store's")

# -- special-use folders overridden in the account file ---------------------------
c = r.imap("alice")
c.create("Gesendet")
c.subscribe("Gesendet")
c.logout()
p3 = Postie(t.tmpdir, "p3")
r.write_postie_account(p3, "alice", "alice", sent_folder="Gesendet", junk_folder="Archive")
p3.run("sync")
roles = {f["name"]: f["role"] for f in
         (json.loads(x) for x in p3.run("folders", "--json").stdout.splitlines())}
t.eq((roles.get("Gesendet"), roles.get("Sent")), ("sent", None),
     "sent_folder overrides the server's \\Sent")
t.eq((roles.get("Archive"), roles.get("Junk")), ("junk", None),
     "junk_folder overrides the server's \\Junk")
t.eq(roles.get("Trash"), "trash", "the server's \\Trash stays where not overridden")

# -- sync_bodies ---------------------------------------------------------------------
def offline_bodies(q, folder):
    r.stop_dovecot()
    try:
        return {m["id"] for m in postie_list(q, folder)
                if q.run("show", folder, str(m["id"]), "--raw", input=b"").returncode == 0}
    finally:
        r.start_dovecot()


p4 = Postie(t.tmpdir, "p4")
r.write_postie_account(p4, "alice", "alice", sync_bodies="none")
p4.run("sync", "INBOX")
t.eq(offline_bodies(p4, "INBOX"), set(), "sync_bodies = none: no body fetched ahead")

# recent DAYS: messages dated within DAYS of now (the test clock: 10 days
# after the 21st newest seeded message) have their bodies fetched ahead.
dates = sorted((m["date"], m["uid"]) for m in seeded)
now = dates[-21][0] + 10 * 86400 + 60
want = {uid for d, uid in dates if d >= now - 10 * 86400}
p5 = Postie(t.tmpdir, "p5")
r.write_postie_account(p5, "alice", "alice", sync_bodies="recent 10")
res = p5.run("sync", "INBOX", env={"POSTIE_TEST_NOW": str(now)})
t.eq(res.returncode, 0, "sync with sync_bodies = recent 10")
got = offline_bodies(p5, "INBOX")
t.ok(got == want and 0 < len(want) < 30, "sync_bodies = recent 10: exactly the %d messages of "
     "the last 10 days read offline" % len(want), "got %s want %s" % (sorted(got), sorted(want)))
res = p5.run("sync", "--no-bodies", "INBOX", env={"POSTIE_TEST_NOW": str(now + 86400 * 3650)})
res = p5.run("sync", "INBOX", env={"POSTIE_TEST_NOW": str(now + 86400 * 3650)})
t.eq(offline_bodies(p5, "INBOX"), want, "bodies once fetched are kept")

# -- moving messages: MOVE, then COPY + \\Deleted + UID EXPUNGE ------------------------
def trace_of(name, *args):
    path = os.path.join(t.tmpdir, "trace-" + name)
    res = p.run("--trace", path, *args)
    t.eq(res.returncode, 0, "%s: postie %s" % (name, " ".join(args)))
    return open(path, errors="replace").read()


run("sync")
run("move", "INBOX", "1", "Archive")
tr = trace_of("move", "sync")
t.ok(re.search(r"C: \d+ UID MOVE 1 Archive", tr) and "UID COPY" not in tr,
     "with MOVE: one UID MOVE", tr[-1500:])
r.restart(capabilities=CAPS["plain"].replace(" MOVE", ""))
run("sync")
run("move", "INBOX", "2", "Archive")
run("delete", "INBOX", "3")
c = r.imap("alice")
c.select("INBOX")
c.uid("STORE", "4", "+FLAGS", "(\\Deleted)")     # another client's, not ours to expunge
c.logout()
tr = trace_of("uidplus", "sync")
t.ok(re.search(r"C: \d+ UID COPY 2 Archive", tr) and "UID MOVE" not in tr,
     "without MOVE: UID COPY", tr[-1500:])
t.ok(re.search(r"C: \d+ UID EXPUNGE 2\b", tr) and re.search(r"C: \d+ UID EXPUNGE 3\b", tr),
     "then UID EXPUNGE of just the moved and deleted messages")
t.ok(not re.search(r"C: \d+ EXPUNGE", tr), "never a plain EXPUNGE with UIDPLUS")
srv = server_state(r, "alice", "INBOX")
t.ok(2 not in srv and 3 not in srv and 4 in srv and "\\Deleted" in srv[4],
     "moved and deleted left INBOX; another's \\Deleted message stays", sorted(srv)[:6])
trash = [m["subject"] for m in postie_list(p, "Trash")]
t.ok(next(m["subject"] for m in seeded if m["uid"] == 3) in trash, "deleted to the Trash", trash)
for folder in ("INBOX", "Archive", "Trash"):
    check_same(t, p, r, "alice", folder, "without MOVE: %s matches the server" % folder)
r.restart()

# -- periodic check of other folders ---------------------------------------------------
c = r.imap("alice")
c.select("Archive")
c.uid("STORE", "1:2", "+FLAGS", "(\\Flagged)")
c.logout()
r.append("alice", "Archive", b"From: a@b\r\nSubject: news in Archive\r\n\r\nx\r\n")
tr = trace_of("status", "sync", "INBOX")
t.ok(re.search(r"C: \d+ STATUS Archive", tr), "syncing INBOX asks the STATUS of the others")
check_same(t, p, r, "alice", "Archive", "and syncs the one that changed")
t.ok(not re.search(r"SELECT (Sent|Drafts|Junk)\b", tr), "but not the unchanged ones")

# -- IDLE re-issued --------------------------------------------------------------------
trace = os.path.join(t.tmpdir, "trace-idle")
w = p.popen("--trace", trace, "watch", "--timeout", "4", stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env={"POSTIE_TEST_IDLE_REFRESH_MS": "1000"})
try:
    w.communicate(timeout=30)
except subprocess.TimeoutExpired:
    w.kill()
    w.communicate()
tr = open(trace, errors="replace").read()
idles = len(re.findall(r"C: \d+ IDLE", tr))
t.ok(idles >= 3 and tr.count("C: DONE") >= 3, "IDLE ended and re-issued on time (%d IDLEs in 4 s "
     "with a 1 s refresh; 25 minutes normally)" % idles, tr[-800:])
t.eq(w.returncode, 0, "watch --timeout ends cleanly")

# -- POP3 accounts: local folders, managed in the store ------------------------------------
p6 = Postie(t.tmpdir, "p6")
r.write_postie_account(p6, "pop", "bob", protocol="pop3")
t.eq(p6.run("sync").returncode, 0, "a POP3 account synced")
res = p6.run("folders", "create", "Listen")
t.eq(res.returncode, 0, "POP3: folders create", )
t.contains(p6.run("folders").stdout, "Listen", "a local folder is made in the store")
t.eq(p6.run("folders", "rename", "Listen", "Listen/alt").returncode, 0, "and renamed")
t.eq(p6.run("folders", "delete", "Listen/alt").returncode, 0, "and deleted when empty")
t.not_contains(p6.run("folders", "--all").stdout, "Listen", "gone")

t.done()
