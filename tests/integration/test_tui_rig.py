#!/usr/bin/python3
"""The full-screen interface against the rig's Dovecot and SMTP sink, in
tmux: the first sync fills the screen, reading a message with attachments,
replying (the reply reaches the sink with In-Reply-To and References),
flagging, moving, deleting and expunging (each checked on the server),
search and limit, new mail during IDLE, resizing, switching account."""

import os
import re
import time

from postie_test import TAP, Postie, eventually
from rig import Rig
from tuitest import Terminal, ENTER, CTRL_U

t = TAP()
r = Rig.started_for(t)
SRC = os.environ.get("POSTIE_SRCDIR", ".")

r.seed("alice", 40)
r.seed("bob", 5)
with open(os.path.join(SRC, "tests", "data", "mail", "rfc2231-names.eml"), "rb") as f:
    r.append("alice", "INBOX", f.read())
r.append("alice", "INBOX",
         b"From: Carol Example <carol@example.test>\r\nTo: alice@example.test\r\n"
         b"Subject: Please reply\r\nDate: Mon, 01 Jan 2024 10:00:00 +0000\r\n"
         b"Message-ID: <reply-me@example.test>\r\nReferences: <root@example.test>\r\n"
         b"In-Reply-To: <root@example.test>\r\n\r\nWhat do you think?\r\n")
r.append("alice", "INBOX",
         b"From: Erin <erin@example.test>\r\nTo: Team <bob@example.test>\r\n"
         b"Subject: Release plan\r\nDate: Tue, 02 Jan 2024 10:00:00 +0000\r\n"
         b"Message-ID: <list-1@example.test>\r\nList-Id: Team <team.example.test>\r\n"
         b"List-Post: <mailto:bob@example.test>\r\n\r\nShall we ship on Friday?\r\n")
TOTAL = 43

p = Postie(t.tmpdir)
r.write_postie_account(p, "alice", "alice", delete_policy="flag")
r.write_postie_account(p, "bob", "bob")
editor = os.path.join(t.tmpdir, "editor.sh")
with open(editor, "w") as f:
    f.write("#!/bin/sh\necho 'I agree, let us do it.' >> \"$1\"\n")
os.chmod(editor, 0o755)
p.write_global("default_account = alice\neditor = %s\nbell = yes\n"
               "new_mail_command = echo %%n %%a %%f $POSTIE_NEW >> new-mail.txt; echo stdout\n"
               % editor)


def server_state(user="alice"):
    m = r.imap(user)
    out = {}
    for folder in ("INBOX", "Archive"):
        typ, data = m.select(folder)
        n = int(data[0]) if typ == "OK" else -1
        typ, data = m.uid("search", None, "ALL") if n > 0 else ("OK", [b""])
        uids = [int(x) for x in data[0].split()]
        flags = {}
        if uids:
            typ, data = m.uid("fetch", "1:*", "(FLAGS)")
            for item in data:
                s = item.decode() if isinstance(item, bytes) else str(item)
                if "UID" in s:
                    uid = int(s.split("UID ")[1].split()[0].rstrip(")"))
                    flags[uid] = s.split("FLAGS (")[1].split(")")[0]
        out[folder] = flags
    m.logout()
    return out




term = Terminal(p.argv(), cols=110, rows=30, cwd=t.tmpdir)
t.cleanup(term.quit)

# The first start: folders and messages arrive from the server.
term.wait_for("alice/INBOX", 20)
term.wait_for("[%d messages" % TOTAL, 30)
t.ok(True, "the first sync shows the INBOX with its %d messages" % TOTAL)
# The index fills before the sync's last step ends: wait for the state.
t.ok(eventually(lambda: "online" in term.text(), 30), "the account is online")
t.ok(term.find_row(" Archive") > 0 and term.find_row(" Trash") > 0,
     "the sidebar lists the server's folders")

# Read the message with attachments.
term.keys("l", "~s 'international names'", ENTER)
term.keys(ENTER)
term.wait_for("See the attachments.")
t.contains(term.text(), "été.png", "the message with attachments is shown")
term.keys("v")
term.wait_for("[image/png, 8 bytes] été.png")
term.keys("j", "s", ENTER)
t.ok(eventually(lambda: os.path.exists(os.path.join(t.tmpdir, "€ rates 2024.pdf")), 5),
     "an attachment is saved")
term.keys("q", "q")

# Reply: the editor adds a line; the reply reaches the sink threaded.
term.keys("l", CTRL_U, "~s 'Please reply'", ENTER)
term.keys("r")
term.wait_for("Subject: Re: Please reply", 10)
t.ok(re.search(r"^To: +Carol Example <carol@example.test>", term.text(), flags=re.M),
     "the review screen shows To (values aligned after the labels)", term.text())
term.keys("y")
term.wait_for("Sent the message to carol@example.test", 20)
t.ok(True, "the reply is sent")
sent = eventually(lambda: [m for m in r.sink_messages() if b"Re: Please reply" in m[2]], 10)
raw = sent[0][2] if sent else b""
t.contains(raw.decode(errors="replace"), "In-Reply-To: <reply-me@example.test>",
           "the reply has In-Reply-To")
t.contains(raw.decode(errors="replace"), "References: <root@example.test> <reply-me@example.test>",
           "and References")
t.contains(raw.decode(errors="replace"), "I agree, let us do it.", "with the text from the editor")
t.ok(sent and "carol@example.test" in sent[0][1], "to the right recipient")
t.ok(eventually(lambda: any("\\Answered" in f for f in server_state()["INBOX"].values())),
     "the original is flagged answered on the server")

# List reply: to the list's List-Post address, not to the author.
term.keys("l", CTRL_U, "~s 'Release plan'", ENTER)
term.keys("L")
term.wait_for("Subject: Re: Release plan", 10)
t.ok(re.search(r"^To: +bob@example.test", term.text(), flags=re.M),
     "list-reply (L) writes to the List-Post address", term.text())
t.not_contains(term.text(), "erin@example.test", "and not to the author")
term.keys("y")
term.wait_for("Sent the message to bob@example.test", 20)
sent = eventually(lambda: [m for m in r.sink_messages() if b"Re: Release plan" in m[2]], 10)
t.ok(sent and sent[0][1] == ["bob@example.test"], "the list reply reaches the list alone",
     repr(sent[0][1]) if sent else "nothing at the sink")
t.contains(sent[0][2].decode(errors="replace") if sent else "",
           "In-Reply-To: <list-1@example.test>", "threaded to the list message")

# Flag, move, delete and expunge, each reaching the server.
term.keys("l", CTRL_U, ENTER)
term.wait_for("[%d messages" % TOTAL)
term.keys("=")
def n_flagged():
    return sum("\\Flagged" in f for f in server_state()["INBOX"].values())
before = n_flagged()
term.keys("F")
t.ok(eventually(lambda: n_flagged() == before + 1), "F flags the message on the server")
term.keys("j", "s", "Archive", ENTER)
t.ok(eventually(lambda: len(server_state()["Archive"]) == 1), "s moves a message to Archive")
t.contains(term.text(), "[%d messages" % (TOTAL - 1), "and it leaves the list at once")
term.keys("=", "j", "d")
t.ok(eventually(lambda: sum("\\Deleted" in f for f in server_state()["INBOX"].values()) == 1),
     "d marks the message deleted on the server (delete_policy = flag)")
term.keys("$")
t.contains(term.text(), "Expunge 1 deleted message?", "$ asks before expunging")
term.keys("y")
t.ok(eventually(lambda: len(server_state()["INBOX"]) == TOTAL - 2),
     "and the expunge reaches the server")
term.wait_for("[%d messages" % (TOTAL - 2))

# Search and limit.
term.keys("/", "~s 'Please reply'", ENTER)
cur = term.cursor_rows()
t.ok(cur and "Please reply" in term.line(cur[0]), "search finds the message")
term.keys("l", "~F", ENTER)
t.contains(term.text(), "limit: ~F", "limit ~F")
rows = [l for l in term.lines()[1:27] if "│" in l and l.split("│", 1)[1].strip()]
t.ok(rows and all("!" in l for l in rows), "only flagged messages are listed")
term.keys("l", CTRL_U, ENTER)

# New mail arrives during IDLE.
r.append("alice", "INBOX", b"From: Dave <dave@example.test>\r\nSubject: Breaking news\r\n"
         b"Message-ID: <news@example.test>\r\n\r\nhello\r\n")
term.wait_for("New mail in alice/INBOX", 20)
t.eq(term._tmux("display-message", "-p", "-t", "t", "#{window_bell_flag}").strip(), "1",
     "new mail rings the bell")
newmail = os.path.join(t.tmpdir, "new-mail.txt")
t.ok(eventually(lambda: os.path.exists(newmail), 5), "new_mail_command runs")
lines = open(newmail).read().splitlines() if os.path.exists(newmail) else []
t.ok("1 alice INBOX 1" in lines, "with %n, %a, %f and $POSTIE_NEW", repr(lines))
t.not_contains(term.text(), "stdout", "its output does not reach the screen")
term.keys("l", "~s Breaking", ENTER)
term.wait_for("Breaking news", 10)
t.ok(True, "new mail shows up by itself")
term.keys("l", CTRL_U, ENTER)

# Resize.
term.resize(80, 24)
term.wait_for("alice/INBOX")
t.contains(term.line(22), "alice/INBOX", "after a resize to 80x24 the status bar is on row 22")

# Quitting while a message waits in the outbox asks first: the sink holds
# its answer for a stall@ recipient until the release file appears.
release = os.path.join(r.sink_dir, "release")
term.keys("m")
term.wait_for("\nTo:")
term.keys("stall@example.test", ENTER)
term.wait_for("\nSubject:")
term.keys("held back", ENTER)
t.ok(eventually(lambda: re.search(r"^Subject: +held back", term.text(), flags=re.M), 10),
     "a new message to a stalling server: the review screen", term.text())
term.keys("y")
t.ok(eventually(lambda: [m for m in r.sink_messages() if b"held back" in m[2]], 10),
     "a message to a stalling server is on its way")
term.keys("q")
t.contains(term.text(), "1 message waits in the outbox", "q asks while it waits in the outbox")
term.keys("n")
open(release, "w").close()
term.wait_for("Sent the message to stall@example.test", 20)
os.unlink(release)
t.ok(True, "answering no keeps postie running until it is sent")

# Switch account.
term.keys("A", CTRL_U, "bob", ENTER)
term.wait_for("bob/INBOX", 20)
term.wait_for("[6 messages", 20)   # 5 seeded, and the list reply
t.ok(True, "change-account opens bob's INBOX, with the list reply")

term.keys("q")
t.eq(term.wait_exit(15), 0, "q quits cleanly")
t.done()
