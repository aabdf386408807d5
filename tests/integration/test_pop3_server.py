"""POP3 servers that Dovecot cannot imitate (tests/servers/pop3fake.py): no
UIDL (messages recognised by digest, and the user told so), no TOP, listings
that break the protocol (each refused before anything is downloaded or
deleted, naming the server and quoting its words), a QUIT that fails (the
deletions are retried next time, nothing stored twice) and a message the
server refuses to hand over."""
import os

from pop3fake import FakePop3
from postie_test import TAP, Postie
from storetest import as_pop3, dump

t = TAP()
p = Postie(t.tmpdir)


def msg(i, body="hello"):
    return ("From: s%d@example.test\nTo: u@example.test\nSubject: message %d\n"
            "Date: Mon, 1 Jan 2024 10:%02d:00 +0000\nMessage-ID: <m%d@example.test>\n\n%s %d\n"
            ".dot line\n" % (i, i, i, i, body, i)).encode()


def server(n, quirks=(), account="f", **keys):
    f = FakePop3([msg(i) for i in range(1, n + 1)], quirks=quirks)
    t.cleanup(f.stop)
    text = ("protocol = pop3\nhost = 127.0.0.1\nport = %d\ntls = none\n"
            "allow_plaintext_password = yes\nuser = u\npassword_command = echo p\n"
            "address = u@example.test\ntimeout = 10\n" % f.port)
    text += "".join("%s = %s\n" % kv for kv in keys.items())
    p.write_account(account, text)
    return f


def sync(account):
    return p.run("sync", "-a", account)


def sent(f, verb):
    return [c for c in f.commands if c.upper().startswith(verb)]


# -- no UIDL ---------------------------------------------------------------------------

f = server(3, {"no_uidl"}, account="nouidl")
res = sync("nouidl")
t.eq((res.returncode, res.stdout), (0, "nouidl: 3 new messages\n"), "no UIDL: downloaded")
t.contains(res.stderr, "does not support UIDL", "no UIDL: the user is told")
t.contains(res.stderr, "Message-ID, Date and size", "no UIDL: and how messages are recognised")
t.eq(f.messages, [], "no UIDL: deleted after download")
d = dump(p, "nouidl", bodies=True)
t.eq(sorted(d.body(m) for m in d.messages("INBOX")),
     sorted(as_pop3(msg(i)) for i in range(1, 4)), "no UIDL: stored as served")
t.ok(all(m["uidl"].startswith("digest:") for m in d.messages("INBOX")),
     "no UIDL: messages are kept under their digest")

f = server(3, {"no_uidl"}, account="nouidl-keep", leave_on_server="yes")
sync("nouidl-keep")
f.add(msg(4))
res = sync("nouidl-keep")
t.eq(res.stdout, "nouidl-keep: 1 new message\n",
     "no UIDL, leave_on_server: known messages recognised by digest")
t.eq(len(f.messages), 4, "no UIDL, leave_on_server: nothing deleted")
t.eq(len(sent(f, "TOP")), 7, "no UIDL: TOP n 0 gives the digest without downloading")

f = server(2, {"no_uidl", "no_top"}, account="notop", leave_on_server="yes")
sync("notop")
res = sync("notop")
t.eq(res.stdout, "notop: 0 new messages\n",
     "no UIDL and no TOP: recognised after downloading, not stored again")
t.eq(len(dump(p, "notop").messages("INBOX")), 2, "no UIDL and no TOP: stored once")

# -- listings that break the protocol ------------------------------------------------------

cases = [
    ("list_zero", "message number 0", "0 100"),
    ("list_dup", "a message number twice", "1 "),
    ("list_absurd", "not \"NUMBER SIZE\"", "123456789012345678901234567890"),
    ("list_short", "fewer messages than STAT gave", "2 messages"),
    ("uidl_bad", "printable id", "bad"),
    ("uidl_dup", "two messages with the same unique id", "fake-1"),
]
for quirk, why, quoted in cases:
    f = server(3, {quirk}, account=quirk)
    res = sync(quirk)
    t.eq(res.returncode, 1, "%s: sync fails" % quirk)
    t.contains(res.stderr, "127.0.0.1:%d" % f.port, "%s: the server is named" % quirk)
    t.contains(res.stderr, why, "%s: says what is wrong" % quirk)
    t.contains(res.stderr, quoted, "%s: quotes the server" % quirk)
    t.eq(sent(f, "RETR") + sent(f, "DELE"), [], "%s: nothing downloaded or deleted" % quirk)
    t.eq(len(f.messages), 3, "%s: the server keeps everything" % quirk)

# -- QUIT refused -----------------------------------------------------------------------------

f = server(3, {"quit_err"}, account="quit")
res = sync("quit")
t.eq(res.returncode, 1, "QUIT -ERR: sync fails")
t.contains(res.stderr, "refused QUIT, so no deletion took effect", "QUIT -ERR: says so")
t.contains(res.stderr, "cannot commit the deletions today", "QUIT -ERR: quotes the server")
t.contains(res.stdout, "3 new messages stored before the failure", "QUIT -ERR: mail was stored")
t.eq(len(f.messages), 3, "QUIT -ERR: the server still has everything")
f.quirks.discard("quit_err")
res = sync("quit")
t.eq((res.returncode, res.stdout), (0, "quit: 0 new messages\n"),
     "next sync: nothing stored twice")
t.eq(len(sent(f, "DELE")), 6, "next sync: the deletions are sent again")
t.eq(f.messages, [], "next sync: the server is emptied")
t.eq(len(dump(p, "quit").messages("INBOX")), 3, "the store has each message once")

# -- one message refused ----------------------------------------------------------------------

f = server(3, {"retr_err"}, account="retr")
res = sync("retr")
t.eq((res.returncode, res.stdout), (0, "retr: 2 new messages\n"), "a refused RETR: the rest")
t.contains(res.stderr, "refused RETR 1", "a refused RETR is reported")
t.eq([u for u, _ in f.messages], ["fake-1"], "a refused message stays on the server")

# -- a wrong password on this server ------------------------------------------------------------

f = server(1, account="pw")
p.write_account("pw", open(os.path.join(p.config_dir, "accounts", "pw.conf")).read()
                .replace("echo p", "echo wrong"))
res = sync("pw")
t.eq(res.returncode, 1, "a refused password: exit 1")
t.eq(sent(f, "RETR"), [], "a refused password: nothing downloaded")

t.done()
