"""POP3 download and delete against the rig's Dovecot: every seeded message
ends up in the store exactly once, byte for byte as served (see
tests/lib/storetest.py for what "exact" means), and the server is emptied;
odd and malformed messages, a 25 MB message, STLS, progress on a terminal,
the local folders, and what a second sync does."""
import os
import pty
import re
import subprocess
import time

from postie_test import TAP, Postie
from rig import Rig
from storetest import as_pop3, dump, maildir_count, maildir_messages, message_id

t = TAP()
r = Rig.started_for(t)
p = Postie(t.tmpdir)
r.write_postie_account(p, "pop", "alice", protocol="pop3")
r.write_postie_account(p, "stls", "bob", protocol="pop3", tls="starttls")


def sync(account, env=None):
    return p.run("sync", "-a", account, env=env)


def check_all_stored(d, expected, what):
    """Every expected message (Message-ID -> raw) is in the INBOX exactly once
    with its served bytes."""
    inbox = d.messages("INBOX")
    by_mid = {}
    for m in inbox:
        by_mid.setdefault(m["message_id"], []).append(m)
    missing = [mid for mid in expected if mid not in by_mid]
    twice = [mid for mid, v in by_mid.items() if len(v) > 1]
    t.ok(not missing and not twice, "%s: every message stored exactly once" % what,
         "missing %r, twice %r" % (missing[:5], twice[:5]))
    bad = [mid for mid, raw in expected.items()
           if mid in by_mid and d.body(by_mid[mid][0]) != as_pop3(raw)]
    t.ok(not bad, "%s: stored bytes are the served bytes" % what, "differ: %r" % bad[:5])


# -- N messages, implicit TLS ---------------------------------------------------

N = 60
r.seed("alice", N)
seeded = maildir_messages(r.maildir("alice"))
t.eq(len(seeded), N, "seeded %d messages" % N)
res = sync("pop")
t.eq(res.returncode, 0, "sync exits 0")
t.eq(res.stdout, "pop: %d new messages\n" % N, "sync reports the new messages")
t.eq(res.stderr, "", "nothing on stderr without a terminal")
t.eq(maildir_count(r.maildir("alice")), 0, "the server mailbox is empty")
d = dump(p, "pop", bodies=True)
check_all_stored(d, seeded, "%d messages" % N)
roles = {f["folder"]: f["role"] for f in d.folders}
t.eq(roles, {"INBOX": 1, "Sent": 2, "Drafts": 3, "Trash": 4},
     "local folders INBOX, Sent, Drafts, Trash with their roles")
inbox = d.messages("INBOX")
t.ok(all(m["uidl"] and m["subject"] and m["flags"] == 32 for m in inbox),
     "summaries carry the UIDL, the subject and the new flag")
t.ok(all(abs(m["internaldate"] - time.time()) < 600 for m in inbox),
     "the download time is kept as the internal date")
t.eq(len(d.pop3), N, "a record of each downloaded UIDL while the server still lists it")

res = sync("pop")
t.eq((res.returncode, res.stdout), (0, "pop: 0 new messages\n"), "a second sync finds nothing")
d = dump(p, "pop")
t.eq(len(d.messages("INBOX")), N, "nothing stored twice")
t.eq(d.pop3, [], "records of messages the server no longer lists are forgotten")

# More mail arriving later is added, never duplicated.
r.seed("alice", 7, seed=2)
more = maildir_messages(r.maildir("alice"))
res = sync("pop")
t.eq(res.stdout, "pop: 7 new messages\n", "later mail: only the new messages")
d = dump(p, "pop", bodies=True)
seeded.update(more)
check_all_stored(d, seeded, "after later mail")

# -- STLS on the plain port ------------------------------------------------------

r.seed("bob", 5, seed=3)
bob = maildir_messages(r.maildir("bob"))
res = sync("stls")
t.eq((res.returncode, res.stdout), (0, "stls: 5 new messages\n"), "sync over STLS")
check_all_stored(dump(p, "stls", bodies=True), bob, "STLS")
t.eq(maildir_count(r.maildir("bob")), 0, "STLS: the server mailbox is empty")

# -- odd and malformed messages ----------------------------------------------------


def deliver(user, raw, name):
    """Puts raw into the user's Maildir new/ as the server's own user."""
    path = os.path.join(r.maildir(user), "new", name)
    with open(path, "wb") as f:
        f.write(raw)
    if os.geteuid() == 0:
        os.chown(path, r.mail_uid, r.mail_gid)


odd = {
    "dots": (b"From: a@example.test\nSubject: dots\nMessage-ID: <dots@x>\n\n"
             b".\n..\n.leading dot\n...three\n. space\nend\n"),
    "noeol": b"From: a@example.test\nSubject: no final newline\nMessage-ID: <noeol@x>\n\nlast",
    "long": (b"From: a@example.test\nSubject: long line\nMessage-ID: <long@x>\n\n" +
             b"x" * 200000 + b"\nshort\n"),
    "eightbit": ("From: J\u00f6rg <j@example.test>\nSubject: caf\u00e9 \u2603\n"
                 "Message-ID: <8bit@x>\n\nr\u00e9sum\u00e9 \xff\n").encode("utf-8") + b"\xfe\xff\n",
    "malformed": (b"Message-ID: <malformed@x>\nSubject: =?utf-8?B?broken?= =?x?Q?y\n"
                  b"From: <<<@@@>>>\nDate: yesterday at noon\nno colon header line\n"
                  b"Content-Type: multipart/mixed; boundary=\"never\"\n\n"
                  b"--wrong\nbody without its boundary\n\x1b[31mred\x1b[0m\n"),
}
for i, (name, raw) in enumerate(odd.items()):
    deliver("alice", raw, "%d.odd%d.localhost" % (1700000000 + i, i))
res = sync("pop")
t.eq((res.returncode, res.stdout), (0, "pop: %d new messages\n" % len(odd)),
     "odd and malformed messages are downloaded")
d = dump(p, "pop", bodies=True)
stored = {m["message_id"]: d.body(m) for m in d.messages("INBOX")}
for name, raw in odd.items():
    mid = message_id(raw)
    t.eq(stored.get(mid), as_pop3(raw), "%s: stored as served, dot-stuffing undone" % name)
t.eq(maildir_count(r.maildir("alice")), 0, "odd messages left the server too")
mal = [m for m in d.messages("INBOX") if m["message_id"] == "malformed@x"]
t.ok(mal and mal[0]["subject"], "a malformed message still has a summary (subject)")
if mal:
    path = os.path.join(d.body_dir, "%d-%d.eml" % (mal[0]["msg"], mal[0]["uid"]))
    shown = p.run("show", "--file", path, input=b"")
    out = shown.stdout.decode("utf-8", "replace") if isinstance(shown.stdout, bytes) \
        else shown.stdout
    t.eq(shown.returncode, 0, "the stored malformed message can be shown")
    t.contains(out, "body without its boundary", "its body shows what it can")
    t.not_contains(out, "\x1b[31m", "without the terminal escapes it carries")

# -- a 25 MB message, memory bounded ---------------------------------------------

big_body = b"".join(b"%08d " % i + b"y" * 70 + b"\n" for i in range(25 * 1024 * 1024 // 80))
big = b"From: a@example.test\nSubject: big\nMessage-ID: <big@x>\n\n" + big_body
deliver("alice", big, "1700000100.big.localhost")
# The sanitizers' quarantine keeps freed memory; without it the peak shows
# what postie itself holds.
env = dict(os.environ, ASAN_OPTIONS="quarantine_size_mb=0:detect_leaks=1")
proc = p.popen("sync", "-a", "pop", env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
out = proc.stdout.read()
_, status, usage = os.wait4(proc.pid, 0)
proc.returncode = status
t.eq((status, out), (0, b"pop: 1 new message\n"), "a 25 MB message downloads")
peak_mb = usage.ru_maxrss / 1024
d = dump(p, "pop", bodies=True)
got = [d.body(m) for m in d.messages("INBOX") if m["message_id"] == "big@x"]
t.ok(got and got[0] == as_pop3(big), "the 25 MB message is stored byte for byte")
# One message in memory (its buffer and the store's compressed copy), not more.
t.ok(peak_mb < 4 * 25 + 40, "peak memory of the sync stays bounded (%.0f MB)" % peak_mb)

# -- progress on a terminal ----------------------------------------------------------

r.seed("alice", 30, seed=4)
master, slave = pty.openpty()
proc = p.popen("sync", "-a", "pop", stdout=subprocess.PIPE, stderr=slave)
os.close(slave)
tty = b""
while True:
    try:
        data = os.read(master, 4096)
    except OSError:
        break
    if not data:
        break
    tty += data
out, _ = proc.communicate(timeout=60)
os.close(master)
t.eq(proc.returncode, 0, "sync with a terminal on stderr")
tty = tty.decode("utf-8", "replace")
t.contains(tty, "INBOX: message 30 of 30", "progress shows message i of n")
t.ok(re.search(r"message 30 of 30, [\d.]+ KiB of [\d.]+ KiB", tty), "and the bytes", tty[-300:])

# -- postie watch: periodic checks -------------------------------------------------------

proc = p.popen("watch", "-a", "pop", "--once", "--interval", "1", "--timeout", "60",
               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
time.sleep(1.5)
r.seed("alice", 3, seed=5)
out, err = proc.communicate(timeout=90)
# The check may fall while the seeding is half done: the first report counts
# what was there; a sync brings any rest.
t.ok(proc.returncode == 0 and re.fullmatch(r"[123] new messages? in INBOX\n", out),
     "watch checks on an interval and reports the new mail", out + err)
res = sync("pop")
t.eq(res.returncode, 0, "a sync after watch")
t.eq(maildir_count(r.maildir("alice")), 0, "watch downloads and deletes like sync")

# -- errors ------------------------------------------------------------------------------

res = p.run("sync", "-a", "nope")
t.eq(res.returncode, 2, "an unknown account: exit 2")
res = p.run("sync", "extra")
t.eq(res.returncode, 2, "an unexpected argument: exit 2")
r.write_postie_account(p, "badpw", "alice", protocol="pop3", password_command="echo wrong")
res = sync("badpw")
t.eq(res.returncode, 1, "a refused login: exit 1")
t.contains(res.stderr, "login failed", "a refused login says so")
r.stop_dovecot()
res = sync("pop")
t.eq(res.returncode, 1, "server down: exit 1")
t.contains(res.stderr, "localhost", "server down: the server is named")
r.start_dovecot()
res = sync("pop")
t.eq(res.returncode, 0, "server back: sync works again")

t.done()
