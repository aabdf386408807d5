"""Sending through the rig: submission on 587 (STARTTLS) and 465 (implicit
TLS) relays to the sink, which delivers into Dovecot, so each message is read
back over IMAP. Headers, a binary attachment byte for byte, a non-ASCII
subject and file name, Bcc, postie send -t with 8-bit input, the copy to
Sent, and a draft postponed and resumed."""
import email
import email.policy
import glob
import os
import random
import subprocess
import time

from postie_test import TAP, Postie
from rig import Rig

t = TAP()
r = Rig.started_for(t)
p = Postie(t.tmpdir)
r.write_postie_account(p, "sub", "alice", smtp_tls="starttls", display_name="Alice Exämple")
r.write_postie_account(p, "subs", "alice", smtp_tls="implicit", display_name="Alice Exämple")

rnd = random.Random(7)
BINARY = bytes(rnd.randrange(256) for _ in range(70000)) + b"\x00\r\n.\r\nFrom \xff"
bin_path = os.path.join(t.tmpdir, "data.bin")
with open(bin_path, "wb") as f:
    f.write(BINARY)
odd_name = os.path.join(t.tmpdir, "résumé ünïcödé — 履歴書.pdf")
with open(odd_name, "wb") as f:
    f.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")


def fetch_all(user, folder="INBOX"):
    """Every message of a folder as email.message objects (policy=default)."""
    c = r.imap(user)
    try:
        typ, _ = c.select('"%s"' % folder, readonly=True)
        if typ != "OK":
            return []
        typ, data = c.uid("SEARCH", None, "ALL")
        out = []
        for uid in data[0].split():
            typ, d = c.uid("FETCH", uid, "(BODY.PEEK[])")
            out.append(email.message_from_bytes(d[0][1], policy=email.policy.default))
        return out
    finally:
        c.logout()


def find(user, subject):
    return [m for m in fetch_all(user) if m["subject"] == subject]


def sink_with(subject_marker):
    return [m for m in r.sink_messages() if subject_marker.encode() in m[2]]


for acct, port in (("sub", "587 STARTTLS"), ("subs", "465 implicit TLS")):
    subject = "Grüße über %s — 日本語の件名 %d" % (port, rnd.randrange(10**6))
    body = "Hello Bob,\n\nümlauts: äöü ß, a long line: " + "x" * 200 + "\n.\nFrom here.\n"
    res = p.run("compose", "-a", acct, "-s", subject, "-c", "Carol <carol@example.test>",
                "-b", "dave-hidden@example.test, alice@example.test", "-A", bin_path,
                "-A", odd_name, "Bob Builder <bob@example.test>", input=body)
    t.eq(res.returncode, 0, "%s: postie compose exits 0" % port)
    t.contains(res.stdout, "%s: sent" % acct, "%s: says it was sent" % port)
    if res.returncode:
        t.diag(res.stdout + res.stderr)
    got = find("bob", subject)
    t.eq(len(got), 1, "%s: arrived once in Bob's INBOX" % port)
    if not got:
        continue
    m = got[0]
    t.eq(m["subject"], subject, "%s: non-ASCII subject round trip" % port)
    t.eq(str(m["from"]), "Alice Exämple <alice@example.test>", "%s: From is the identity" % port)
    t.eq(str(m["to"]), "Bob Builder <bob@example.test>", "%s: To" % port)
    t.eq(str(m["cc"]), "Carol <carol@example.test>", "%s: Cc" % port)
    t.ok(m["bcc"] is None, "%s: no Bcc header" % port)
    t.ok(m["message-id"].endswith("@example.test>"), "%s: Message-ID on the account's domain" % port)
    t.ok(m["date"] is not None and m["mime-version"] == "1.0", "%s: Date, MIME-Version" % port)
    raw = m.as_bytes()
    t.ok(all(b < 128 for b in raw), "%s: the message is 7-bit" % port)
    t.not_contains(raw, b"dave-hidden", "%s: the Bcc address appears nowhere" % port)
    parts = [x for x in m.walk() if not x.is_multipart()]
    t.eq(parts[0].get_content().replace("\r\n", "\n"), body, "%s: the text round trip" % port)
    att = {x.get_filename(): x for x in parts[1:]}
    t.ok("data.bin" in att and att["data.bin"].get_payload(decode=True) == BINARY,
         "%s: binary attachment byte for byte" % port)
    base = os.path.basename(odd_name)
    t.ok(base in att, "%s: non-ASCII file name round trip" % port, sorted(att))
    if base in att:
        t.eq(att[base].get_content_type(), "application/pdf", "%s: type guessed from content" % port)
    t.eq(len(find("carol", subject)), 1, "%s: Carol (Cc) got it" % port)
    t.eq(len(find("alice", subject)), 1, "%s: Alice (Bcc) got it" % port)
    sunk = sink_with(m["message-id"].strip("<>"))
    t.eq(len(sunk), 1, "%s: the sink has it once" % port)
    if sunk:
        t.eq(sorted(sunk[0][1]), ["alice@example.test", "bob@example.test", "carol@example.test",
                                  "dave-hidden@example.test"], "%s: envelope with Bcc" % port)
        t.eq(sunk[0][0], "alice@example.test", "%s: envelope sender" % port)
    out = p.run("outbox", "-a", acct)
    t.contains(out.stdout, "The outbox is empty", "%s: nothing left in the outbox" % port)

# -- the copy to Sent of an IMAP account: journalled, then carried by a sync ----

res = p.run("sync", "-a", "sub")
t.eq(res.returncode, 0, "IMAP: postie sync replays the journal")
p.run("sync", "-a", "subs")
sent = [m for m in fetch_all("alice", "Sent") if m["subject"] and "Grüße über" in m["subject"]]
t.eq(len(sent), 2, "IMAP: both messages have their copy in Sent on the server")
t.ok(all(m["bcc"] is None for m in sent), "IMAP: the copy is the message as sent")
res = p.run("sync", "-a", "sub")
sent2 = [m for m in fetch_all("alice", "Sent") if m["subject"] and "Grüße über" in m["subject"]]
t.eq(len(sent2), 2, "IMAP: a second sync copies nothing again")

draft = ("To: Bob <bob@example.test>\nBcc: carol@example.test\nSubject: IMAP draft ü\n"
         "Attach: %s\n\nto be continued\n" % bin_path)
res = p.run("compose", "-a", "sub", "-H", "-", "--postpone", input=draft)
t.eq(res.returncode, 0, "IMAP draft: postponed")
p.run("sync", "-a", "sub")
c = r.imap("alice")
c.select("Drafts", readonly=True)
typ, data = c.uid("SEARCH", None, "ALL")
uids = data[0].split()
t.eq(len(uids), 1, "IMAP draft: in Drafts on the server after a sync")
if uids:
    typ, d = c.uid("FETCH", uids[0], "(FLAGS BODY.PEEK[])")
    t.contains(d[0][0], b"\\Draft", "IMAP draft: flagged \\Draft")
    path = os.path.join(t.tmpdir, "draft.eml")
    with open(path, "wb") as f:
        f.write(d[0][1])
    res = p.run("compose", "-a", "sub", "--resume", path, "--print-draft")
    t.contains(res.stdout, "Bcc: carol@example.test\n", "IMAP draft: resumed with Bcc")
    t.contains(res.stdout, "Subject: IMAP draft ü\n", "IMAP draft: subject")
    t.contains(res.stdout, "\n\nto be continued\n", "IMAP draft: body")
c.logout()

# -- postie send, like sendmail ------------------------------------------------

raw = ("Subject: sendmail st\xfcl\nTo: Bob <bob@example.test>\nBcc: carol@example.test\n"
       "Content-Type: text/plain; charset=iso-8859-1\n\ncaf\xe9 au lait\n.\n").encode("latin-1")
res = p.run("send", "-a", "sub", "-t", input=raw)
t.eq(res.returncode, 0, "send -t: exits 0")
t.contains(res.stdout, b"sub: sent", "send -t: says sent")
got = [m for m in fetch_all("bob") if "caf" in m.get_body().get_content()]
t.eq(len(got), 1, "send -t: Bob has it")
if got:
    t.eq(got[0].get_body().get_content().replace("\r\n", "\n"), "café au lait\n.\n", "send -t: 8-bit Latin-1 body made 7-bit, intact")
    t.eq(got[0]["subject"], "sendmail stül", "send -t: 8-bit subject encoded")
    t.eq(str(got[0]["from"]), "Alice Exämple <alice@example.test>", "send -t: From added")
    t.ok(got[0]["bcc"] is None, "send -t: Bcc removed")
t.eq(len([m for m in fetch_all("carol") if m["subject"] == "sendmail stül"]), 1,
     "send -t: the Bcc recipient got it")
res = p.run("send", "-a", "sub", "dave@example.test", input=b"Subject: x\n\nbody\n")
t.eq(res.returncode, 0, "send ADDR: an address on the command line")
res = p.run("send", "-a", "sub", input=b"Subject: no one\n\nbody\n")
t.eq(res.returncode, 2, "send: no recipient is a usage error")
t.contains(res.stderr, b"no recipients", "send: and says so")
res = p.run("send", "-a", "sub", "bob@", input=b"Subject: bad\n\nbody\n")
t.eq(res.returncode, 1, "send: a bad address is refused")
t.contains(res.stderr, b"'bob@'", "send: and named")
res = p.run("send", "-a", "sub", "--queue-only", "bob@example.test",
            input=b"Subject: queued only\n\nbody\n")
t.contains(res.stdout, b"sub: queued (message", "send --queue-only: queued, not sent")
t.eq(len(find("bob", "queued only")), 0, "send --queue-only: nothing went out")
res = p.run("outbox", "flush", "-a", "sub")
t.eq(res.returncode, 0, "outbox flush sends it")
t.eq(len(find("bob", "queued only")), 1, "outbox flush: arrived once")

# -- the editor: headers at the top, read back ------------------------------------

editor = os.path.join(t.tmpdir, "editor.sh")
with open(editor, "w") as f:
    f.write("#!/bin/sh\nsed -i -e 's/^Subject: .*/Subject: edited in the editor/' "
            "-e 's/^To: .*/To: Bob <bob@example.test>/' -e '$a written in the editor' \"$1\"\n")
os.chmod(editor, 0o755)
res = p.run("compose", "-a", "sub", "--edit", "-s", "before editing", "nobody@example.test",
            env={"EDITOR": editor, "VISUAL": ""})
t.eq(res.returncode, 0, "editor: compose --edit sends")
got = find("bob", "edited in the editor")
t.eq(len(got), 1, "editor: the edited headers were used")
if got:
    t.contains(got[0].get_body().get_content(), "written in the editor", "editor: the edited text")
t.eq(len([m for m in r.sink_messages() if b"nobody@example.test" in m[2]]), 0,
     "editor: the address removed in the editor got nothing")

# -- while another postie has the store: the spool ------------------------------

holder = os.path.join(t.tmpdir, "hold.sh")
with open(holder, "w") as f:
    f.write("#!/bin/sh\ntouch %s/holding\nsleep 8\n" % t.tmpdir)
os.chmod(holder, 0o755)
busy = p.popen("compose", "-a", "sub", "--edit", "bob@example.test", env={"EDITOR": holder},
               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
while not os.path.exists(os.path.join(t.tmpdir, "holding")):
    time.sleep(0.02)
res = p.run("send", "-a", "sub", "bob@example.test", input=b"Subject: spooled\n\nwhile busy\n")
t.eq(res.returncode, 0, "store busy: send exits 0")
t.contains(res.stdout, b"queued in the spool", "store busy: the message waits in the spool")
t.contains(res.stdout, b"already running", "store busy: says why")
busy.communicate()
res = p.run("outbox", "flush", "-a", "sub")
t.contains(res.stdout, "1 sent", "spool: the next flush imports and sends it")
t.eq(len(find("bob", "spooled")), 1, "spool: arrived once")
t.eq(os.listdir(os.path.join(p.data_dir, "spool", "sub", "new")), [], "spool: emptied")
res = p.run("outbox", "flush", "-a", "sub")
t.eq(len(find("bob", "spooled")), 1, "spool: not sent again")

# -- the copy to Sent and drafts, on a POP3 account (local folders) ---------------

r.write_postie_account(p, "pop", "alice", protocol="pop3", display_name="Alice Pop",
                       smtp_tls="implicit")
res = p.run("compose", "-a", "pop", "-s", "copy to sent", "bob@example.test", input="kept\n")
t.eq(res.returncode, 0, "pop3 account: sent")
exp = os.path.join(t.tmpdir, "export")
res = p.run("export", "-a", "pop", "Sent", "--maildir", exp)
t.eq(res.returncode, 0, "pop3 account: export of Sent")
copies = glob.glob(os.path.join(exp, "**", "cur", "*"), recursive=True) + \
    glob.glob(os.path.join(exp, "**", "new", "*"), recursive=True)
texts = [open(f, "rb").read() for f in copies]
t.ok(any(b"Subject: copy to sent" in x for x in texts), "pop3 account: the copy is in Sent")

draft = ("From: Alice Pop <alice@example.test>\nTo: \"Doe, John\" <john@example.test>\n"
         "Cc: carol@example.test\nBcc: secret@example.test\nSubject: Ünfinished draft\n"
         "X-Note: keep me\nAttach: %s\n\nDraft body ü\nsecond line\n" % bin_path)
res = p.run("compose", "-a", "pop", "-H", "-", "--postpone", input=draft)
t.eq(res.returncode, 0, "draft: postponed")
exp2 = os.path.join(t.tmpdir, "export2")
p.run("export", "-a", "pop", "Drafts", "--maildir", exp2)
files = glob.glob(os.path.join(exp2, "**", "cur", "*"), recursive=True) + \
    glob.glob(os.path.join(exp2, "**", "new", "*"), recursive=True)
t.eq(len(files), 1, "draft: one message in Drafts")
if files:
    res = p.run("compose", "-a", "pop", "--resume", files[0], "--print-draft")
    text = res.stdout
    t.contains(text, 'To: "Doe, John" <john@example.test>\n', "resumed draft: To")
    t.contains(text, "Cc: carol@example.test\n", "resumed draft: Cc")
    t.contains(text, "Bcc: secret@example.test\n", "resumed draft: Bcc kept")
    t.contains(text, "Subject: Ünfinished draft\n", "resumed draft: Subject")
    t.contains(text, "X-Note: keep me\n", "resumed draft: extra header")
    t.contains(text, "\n\nDraft body ü\nsecond line\n", "resumed draft: body")
    res = p.run("compose", "-a", "pop", "--resume", files[0], "--print")
    m = email.message_from_bytes(res.stdout.encode("utf-8", "surrogateescape")
                                 if isinstance(res.stdout, str) else res.stdout,
                                 policy=email.policy.default)
    atts = [x for x in m.walk() if not x.is_multipart() and x.get_filename()]
    t.ok(len(atts) == 1 and atts[0].get_filename() == "data.bin" and
         atts[0].get_payload(decode=True) == BINARY, "resumed draft: attachment intact")
    t.ok(m["bcc"] is None, "resumed draft: sending it leaves Bcc out")
    res = p.run("compose", "-a", "pop", "--resume", files[0])
    t.eq(res.returncode, 0, "resumed draft: sent")
    got = [x for x in fetch_all("carol") if x["subject"] == "Ünfinished draft"]
    t.eq(len(got), 1, "resumed draft: arrived")
t.done()
