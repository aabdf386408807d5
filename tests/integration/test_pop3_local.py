"""A POP3 account's local folders through the command line: `postie show
--raw` gives back exactly the bytes the server served, a malformed message
shows what it can, and list, flag, move, delete and expunge work on the
store; a message moved or deleted locally is never downloaded again, and
with delete_on_server_when_deleted the server's copy goes at the next sync."""
import json
import os

from postie_test import TAP, Postie
from rig import Rig
from storetest import as_pop3, maildir_count, maildir_messages

t = TAP()
r = Rig.started_for(t)
p = Postie(t.tmpdir)
r.write_postie_account(p, "loc", "alice", protocol="pop3", leave_on_server="yes",
                       delete_on_server_when_deleted="yes")
r.write_postie_account(p, "keep", "bob", protocol="pop3", leave_on_server="yes")


def run(*args, **kw):
    res = p.run(*args, **kw)
    return res


def listing(account, folder):
    res = run("list", "-a", account, "--json", folder)
    return [json.loads(line) for line in res.stdout.splitlines()]


def by_mid(account, folder):
    return {m["message_id"]: m for m in listing(account, folder)}


MALFORMED = (b"Message-ID: <malformed@x>\nSubject: =?utf-8?B?broken?= half\n"
             b"From: <<<@@@>>>\nDate: not a date\nno colon header line\n"
             b"Content-Type: multipart/mixed; boundary=\"never\"\n\n"
             b"--wrong\nthe body without its boundary\n\x1b]0;pwned\x07\x1b[31mred\x1b[0m\n")

r.seed("alice", 8)
path = os.path.join(r.maildir("alice"), "new", "1700000000.malformed.localhost")
with open(path, "wb") as f:
    f.write(MALFORMED)
if os.geteuid() == 0:
    os.chown(path, r.mail_uid, r.mail_gid)
seeded = maildir_messages(r.maildir("alice"))
res = run("sync", "-a", "loc")
t.eq((res.returncode, res.stdout), (0, "loc: 9 new messages\n"), "sync downloads 9")

# -- show --raw is what the server served -------------------------------------------

inbox = by_mid("loc", "INBOX")
t.eq(set(inbox), set(seeded), "list shows every downloaded message")
bad = []
for mid, raw in seeded.items():
    res = p.run("show", "-a", "loc", "--raw", "INBOX", str(inbox[mid]["id"]), input=b"")
    if res.returncode != 0 or res.stdout != as_pop3(raw):
        bad.append(mid)
t.eq(bad, [], "postie show --raw gives the served bytes of every message")
m = inbox["malformed@x"]
res = p.run("show", "-a", "loc", "INBOX", str(m["id"]), input=b"")
out = res.stdout.decode("utf-8", "replace")
t.eq(res.returncode, 0, "the malformed message is shown")
t.contains(out, "the body without its boundary", "it shows what it can")
t.ok("\x1b" not in out and "\x07" not in out, "without the escape sequences it carries")
t.ok(m["subject"], "its summary has a subject")

# -- flags, moves, deletes on the store ---------------------------------------------------

ids = sorted(v["id"] for v in inbox.values())
one, two, three, four = ids[:4]
res = run("flag", "-a", "loc", "INBOX", str(one), "+flagged", "+seen")
t.eq(res.returncode, 0, "flag a message")
flags = {v["id"]: v["flags"] for v in listing("loc", "INBOX")}
t.ok("\\Flagged" in flags[one] and "\\Seen" in flags[one], "the flags are set", flags[one])
res = run("flag", "-a", "loc", "INBOX", str(one), "-seen")
t.ok("\\Seen" not in {v["id"]: v["flags"] for v in listing("loc", "INBOX")}[one],
     "and cleared")

res = run("move", "-a", "loc", "INBOX", str(two), "Drafts")
t.eq(res.returncode, 0, "move a message to another local folder")
t.eq(len(listing("loc", "Drafts")), 1, "it is in Drafts")
t.ok(two not in {v["id"] for v in listing("loc", "INBOX")}, "and no longer in the INBOX")
moved = listing("loc", "Drafts")[0]
res = p.run("show", "-a", "loc", "--raw", "Drafts", str(moved["id"]), input=b"")
t.eq(res.stdout, as_pop3(seeded[moved["message_id"]]), "the moved message keeps its bytes")
res = run("move", "-a", "loc", "INBOX", str(three), "Nowhere")
t.eq(res.returncode, 2, "a move to a folder that does not exist is refused")
t.contains(res.stderr, "Nowhere", "naming the folder")

res = run("delete", "-a", "loc", "INBOX", str(three))
t.eq(res.returncode, 0, "delete a message")
trash = listing("loc", "Trash")
t.eq(len(trash), 1, "it went to the Trash")

res = run("sync", "-a", "loc")
t.eq((res.returncode, res.stdout), (0, "loc: 0 new messages\n"),
     "moved and deleted messages are not downloaded again")
left = maildir_messages(r.maildir("alice"))
t.eq(len(left), 8, "delete_on_server_when_deleted: the server's copy is gone")
t.ok(trash[0]["message_id"] not in left, "exactly the deleted one")
t.ok(moved["message_id"] in left, "a moved message stays on the server")

res = run("delete", "-a", "loc", "Trash", str(trash[0]["id"]))
res = run("expunge", "-a", "loc", "Trash")
t.eq(res.returncode, 0, "expunge the Trash")
t.eq(listing("loc", "Trash"), [], "the Trash is empty")
res = run("sync", "-a", "loc")
t.eq((res.returncode, res.stdout), (0, "loc: 0 new messages\n"),
     "an expunged message is not downloaded again")
t.eq(len(maildir_messages(r.maildir("alice"))), 8, "and nothing else left the server")
t.eq(len(listing("loc", "INBOX")), 7, "the INBOX holds the other 7")

# -- without delete_on_server_when_deleted -------------------------------------------------

r.seed("bob", 3, seed=9)
run("sync", "-a", "keep")
kept = listing("keep", "INBOX")
res = run("delete", "-a", "keep", "INBOX", str(kept[0]["id"]))
res = run("sync", "-a", "keep")
t.eq((res.returncode, res.stdout), (0, "keep: 0 new messages\n"),
     "a locally deleted message is not downloaded again")
t.eq(maildir_count(r.maildir("bob")), 3, "without delete_on_server_when_deleted the server keeps it")

t.done()
