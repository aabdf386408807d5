"""The store from the command line: import-maildir, store check, export to
Maildir and mboxrd, store compact, the data-dir lock, damaged files."""
import fcntl
import os
import re

from postie_test import TAP, Postie

t = TAP()
p = Postie(t.tmpdir)
p.write_account("work", "protocol = imap\nhost = imap.example.org\nuser = a\n"
                "address = a@example.org\n")
p.write_account("home", "protocol = pop3\nhost = pop.example.org\nuser = b\n"
                "address = b@example.org\n")

# A Maildir with the awkward cases: From lines to quote, >From lines already
# quoted, CRLF line ends, an encoded Subject, flags, a message in new/.
MESSAGES = {
    "cur/1700000001.M1P1.host:2,S": (
        b"From: Alice <alice@example.org>\r\nTo: a@example.org\r\n"
        b"Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\nDate: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
        b"Message-ID: <one@example.org>\r\n\r\nFrom the start of a line.\r\n"
        b">From already quoted.\r\nplain line\r\n"),
    "cur/1700000002.M2P1.host:2,FR": (
        b"From: bob@example.org\nTo: a@example.org\nSubject: Re: hello\n"
        b"Date: Tue, 14 Nov 2023 22:13:21 +0000\nMessage-ID: <two@example.org>\n"
        b"In-Reply-To: <one@example.org>\nReferences: <one@example.org>\n"
        b"Status: RO\n\nFrom here\n>>From there\nbye\n"),
    "new/1700000003.M3P1.host": (
        b"From: Carol <carol@example.org>\nSubject: new one\n\nno final newline"),
    "cur/1700000004.M4P1.host:2,DT": (
        b"From: Dan <dan@example.org>\nSubject: draft\n\n"),
}


def write_maildir(root):
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(root, sub), exist_ok=True)
    for name, data in MESSAGES.items():
        with open(os.path.join(root, name), "wb") as f:
            f.write(data)


def lf(data):
    data = data.replace(b"\r\n", b"\n")
    return data if data.endswith(b"\n") else data + b"\n"


src = os.path.join(t.tmpdir, "src")
write_maildir(src)

r = p.run("store", "import-maildir", "-a", "work", src)
t.eq(r.returncode, 0, "import-maildir into an IMAP account")
t.contains(r.stdout, "4 messages imported", "it says how many")
r = p.run("store", "import-maildir", "-a", "home", "--folder", "INBOX", src)
t.eq(r.returncode, 0, "import-maildir into a POP3 account")
r = p.run("store", "import-maildir", "-a", "home", src)
t.contains(r.stdout, "0 messages imported", "importing again into POP3 finds the UIDLs")

r = p.run("store", "check")
t.eq(r.returncode, 0, "store check passes")
t.contains(r.stdout, "work: folders 1, messages 4", "check reports each account")
t.contains(r.stdout, "home: folders 1, messages 4", "and the POP3 one")
t.contains(r.stdout, ": ok", "and says ok")

# Maildir export: contents byte for byte (LF ends), flags in the names.
out = os.path.join(t.tmpdir, "out")
r = p.run("export", "-a", "work", "INBOX", "--maildir", out)
t.eq(r.returncode, 0, "export --maildir")
t.contains(r.stdout, "4 messages written", "export says how many")
exported = {}
for sub in ("cur", "new"):
    for name in os.listdir(os.path.join(out, sub)):
        with open(os.path.join(out, sub, name), "rb") as f:
            exported[(sub, name)] = f.read()
t.eq(sorted(lf(v) for v in MESSAGES.values()), sorted(exported.values()),
     "every message exported byte for byte, with LF line ends")
flags = {}
for (sub, name), data in exported.items():
    flags[data.split(b"\n", 1)[0]] = (sub, name.split(":2,")[1] if ":2," in name else None)
t.eq(flags[b"From: Alice <alice@example.org>"], ("cur", "S"), "seen flag in the name")
t.eq(flags[b"From: bob@example.org"], ("cur", "FR"), "flagged and replied in the name")
t.eq(flags[b"From: Carol <carol@example.org>"], ("new", None), "a new message goes to new/")
t.eq(flags[b"From: Dan <dan@example.org>"], ("cur", "DT"), "draft and trashed")
t.ok(not os.listdir(os.path.join(out, "tmp")), "nothing left in tmp/")

# mboxrd export: split on From_ lines, unquote one level, compare.
mbox = os.path.join(t.tmpdir, "out.mbox")
r = p.run("export", "-a", "work", "INBOX", "--mbox", mbox)
t.eq(r.returncode, 0, "export --mbox")
with open(mbox, "rb") as f:
    text = f.read()
t.contains(text.decode(), "\n>From the start of a line.", "a From line is quoted")
t.contains(text.decode(), "\n>>From already quoted.", "a quoted From line gets one more >")
t.contains(text.decode(), "\n>>>From there", "at any depth")
t.ok(text.startswith(b"From alice@example.org "), "From_ line with the sender",
     text[:60])
messages = []
for chunk in re.split(rb"(?m)^From [^\n]*\n", text)[1:]:
    assert chunk.endswith(b"\n\n")
    body = re.sub(rb"(?m)^>(>*From )", rb"\1", chunk[:-1])
    messages.append(body)
t.eq(len(messages), 4, "four messages in the mbox")
def without_status(m):
    return re.sub(rb"(?m)^(X-)?Status: .*\n", b"", m)
t.eq(sorted(without_status(m) for m in messages),
     sorted(without_status(lf(v)) for v in MESSAGES.values()),
     "every message back from the mbox after unquoting")
t.contains(text.decode(), "Status: O\nX-Status: AF\n", "flags as Status and X-Status")
t.contains(text.decode(), "Status: RO\n", "seen as Status: RO")
t.eq(text.count(b"\nStatus: "), 4, "one Status header each (the old one replaced)")

r = p.run("export", "-a", "work", "INBOX", "--mbox", mbox)
t.eq(r.returncode, 2, "an existing mbox file is not overwritten")
t.contains(r.stderr, "already exists", "and says so")
r = p.run("export", "-a", "work", "Nope", "--maildir", out)
t.eq(r.returncode, 2, "an unknown folder")
r = p.run("export", "-a", "work", "INBOX")
t.eq(r.returncode, 2, "export needs a format")
r = p.run("export", "-a", "work", "--maildir", os.path.join(t.tmpdir, "all"))
t.eq(r.returncode, 0, "export of every folder")
t.ok(os.path.isdir(os.path.join(t.tmpdir, "all", "INBOX", "cur")), "one Maildir a folder")

r = p.run("store", "compact")
t.eq(r.returncode, 0, "store compact")
t.contains(r.stdout, "MB after", "reports sizes")
r = p.run("store", "check")
t.eq(r.returncode, 0, "check passes after compact")

# The data dir lock: a writer elsewhere (POSIX locks and OFD locks conflict).
lockfd = os.open(os.path.join(p.data_dir, "lock"), os.O_RDWR)
os.write(lockfd, b"4242\n")
fcntl.lockf(lockfd, fcntl.LOCK_EX | fcntl.LOCK_NB)
r = p.run("store", "compact")
t.eq(r.returncode, 1, "a second writer fails at once")
t.contains(r.stderr, "already running (pid 4242)", "and names the running postie")
r = p.run("export", "-a", "work", "INBOX", "--maildir", out)
t.eq(r.returncode, 1, "so does a reader while a writer runs")
os.close(lockfd)

# Damage: the POP3 account's summaries are garbage.
meta = os.path.join(p.data_dir, "accounts", "home", "meta.tcb")
with open(meta, "r+b") as f:
    f.write(os.urandom(512))
r = p.run("store", "check")
t.eq(r.returncode, 1, "check finds the damage")
t.contains(r.stdout, "home:", "and names the account")
t.contains(r.stdout, "work: folders 1", "and still checks the other one")
r = p.run("export", "-a", "home", "INBOX", "--maildir", out)
t.eq(r.returncode, 1, "a damaged POP3 store is refused")
t.contains(r.stderr, "exists nowhere else", "saying the mail is only there")
t.contains(r.stderr, "--salvage", "and what to do")
rescue = os.path.join(t.tmpdir, "rescue")
r = p.run("export", "-a", "home", "--salvage", "--maildir", rescue)
t.eq(r.returncode, 0, "export --salvage")
t.contains(r.stdout, "4 messages written", "rescues every body")
rescued = []
for name in os.listdir(os.path.join(rescue, "cur")):
    with open(os.path.join(rescue, "cur", name), "rb") as f:
        rescued.append(f.read())
t.eq(sorted(rescued), sorted(lf(v) for v in MESSAGES.values()), "byte for byte")
t.done()
