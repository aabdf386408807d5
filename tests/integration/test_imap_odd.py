"""FETCH responses a real Dovecot does not send but servers may: items in
another order, literals where strings are expected and strings where
literals are, NIL, unknown items with nested lists and literals, flag
updates of other messages, EXISTS, EXPUNGE and VANISHED in the middle, and
responses that are cut short or malformed. A scripted server (plain TCP)
plays them; postie must store what is right and fail cleanly on the rest."""
import socket
import threading

from imaptest import postie_list
from postie_test import TAP, Postie

t = TAP()


def header(subject, msgid):
    return ("From: Odd <odd@example.test>\r\nSubject: %s\r\nMessage-ID: <%s>\r\n"
            "Date: Tue, 02 Jan 2024 15:04:05 +0100\r\n\r\n" % (subject, msgid)).encode()


def lit(b):
    return b"{%d}\r\n" % len(b) + b


H9 = header("ninth, first in the batch", "n9@x")
H5 = header("fifth", "n5@x")
H2 = header("second", "n2@x")

GOOD = (
    # items in another order, the header first
    b"* 3 FETCH (BODY[HEADER.FIELDS (DATE FROM)] " + lit(H9) +
    b" RFC822.SIZE 900 UID 9 FLAGS (\\Flagged $Label1) INTERNALDATE \"02-Jan-2024 14:04:05 +0000\")\r\n"
    # an update of another message's flags, and news of the mailbox
    b"* 1 FETCH (UID 2 FLAGS (\\Seen))\r\n"
    b"* 4 EXISTS\r\n"
    b"* VANISHED 7\r\n"
    # unknown items around, one with a literal and nested lists inside
    b"* 2 FETCH (X-GM-LABELS (\"\\\\Inbox\" " + lit(b"odd label") + b") UID 5 "
    b"BODYSTRUCTURE ((\"text\" \"plain\" NIL NIL NIL \"7bit\" 3 1) \"mixed\") FLAGS () "
    b"RFC822.SIZE 500 INTERNALDATE \"01-Jan-2024 00:00:00 +0000\" BODY[HEADER.FIELDS (SUBJECT)] "
    + lit(H5) + b")\r\n"
    # NIL instead of a header, lower-case names
    b"* 1 fetch (uid 2 flags (\\Seen \\Answered) rfc822.size 300 internaldate "
    b"\"03-Jan-2024 10:00:00 +0100\" body[header.fields (subject)] NIL)\r\n"
)

BAD = {
    "cut": b"* 3 FETCH (UID 9 FLAGS (\\Seen",       # and the connection closes
    "garbled": b"* 3 FETCH (UID 9 FLAGS (\\Seen)) BODY[HEADER] {9999999999}\r\n",
    "bye": b"* 3 FETCH (UID 9 FLAGS ())\r\n* BYE shutting down\r\n",
}


class OddServer:
    def __init__(self, fetch_reply, close_after=False):
        self.fetch_reply = fetch_reply
        self.close_after = close_after
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def stop(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()

    def accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(c,), daemon=True).start()

    def serve(self, c):
        f = c.makefile("rb")
        c.sendall(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] odd server ready\r\n")
        try:
            for raw in f:
                parts = raw.decode().rstrip("\r\n").split(" ", 2)
                tag, cmd = parts[0], parts[1].upper()
                rest = parts[2] if len(parts) > 2 else ""
                if cmd == "AUTHENTICATE":
                    c.sendall(b"%s OK logged in\r\n" % tag.encode())
                elif cmd == "LOGIN":
                    c.sendall(b"%s OK logged in\r\n" % tag.encode())
                elif cmd == "CAPABILITY":
                    c.sendall(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n%s OK done\r\n" % tag.encode())
                elif cmd == "LIST":
                    c.sendall(b"* LIST () \"/\" INBOX\r\n%s OK done\r\n" % tag.encode())
                elif cmd == "STATUS":
                    c.sendall(b"* STATUS INBOX (MESSAGES 3 UNSEEN 1 UIDNEXT 10 UIDVALIDITY 7)\r\n"
                              b"%s OK done\r\n" % tag.encode())
                elif cmd in ("LSUB", "NOOP"):
                    c.sendall(b"%s OK done\r\n" % tag.encode())
                elif cmd == "SELECT":
                    c.sendall(b"* 3 EXISTS\r\n* OK [UIDVALIDITY 7] v\r\n* OK [UIDNEXT 10] n\r\n"
                              b"%s OK [READ-WRITE] selected\r\n" % tag.encode())
                elif cmd == "UID" and rest.upper().startswith("SEARCH"):
                    c.sendall(b"* SEARCH 2 5 9\r\n%s OK done\r\n" % tag.encode())
                elif cmd == "FETCH" and "BODY" not in rest.upper():
                    # the sizes of the first screen: they came with it
                    c.sendall(b"%s OK fetched\r\n" % tag.encode())
                elif cmd == "FETCH" or (cmd == "UID" and rest.upper().startswith("FETCH")):
                    c.sendall(self.fetch_reply)
                    if self.close_after:
                        c.shutdown(socket.SHUT_RDWR)
                        return
                    c.sendall(b"%s OK fetched\r\n" % tag.encode())
                elif cmd == "LOGOUT":
                    c.sendall(b"* BYE bye\r\n%s OK done\r\n" % tag.encode())
                    return
                else:
                    c.sendall(b"%s BAD unknown\r\n" % tag.encode())
        except OSError:
            pass
        finally:
            c.close()


def account(p, name, port):
    p.write_account(name, "protocol = imap\nhost = 127.0.0.1\nport = %d\ntls = none\n"
                    "allow_plaintext_password = yes\nuser = odd\npassword_command = echo pw\n"
                    "address = odd@example.test\ntimeout = 5\n" % port)


p = Postie(t.tmpdir)
srv = OddServer(GOOD)
t.cleanup(srv.stop)
account(p, "odd", srv.port)
res = p.run("sync", "-a", "odd")
t.eq(res.returncode, 0, "odd but valid responses: sync works", )
if res.returncode:
    t.diag(res.stderr)
rows = {m["id"]: m for m in postie_list(p, "INBOX", "odd")}
t.eq(sorted(rows), [2, 5, 9], "every message stored under its UID")
t.eq(rows[9]["subject"], "ninth, first in the batch", "header first, items after it")
t.eq(sorted(rows[9]["flags"]), ["$Label1", "\\Flagged"], "flags and a keyword")
t.eq((rows[9]["size"], rows[9]["internaldate"]), (900, "2024-01-02T14:04:05Z"),
     "size and INTERNALDATE")
t.eq(rows[5]["subject"], "fifth", "unknown items with lists and literals skipped")
t.eq(rows[5]["flags"], [], "an empty flag list")
t.eq((rows[2]["subject"], sorted(rows[2]["flags"])), (None, ["\\Answered", "\\Seen"]),
     "a NIL header and lower-case item names")
t.eq(rows[2]["internaldate"], "2024-01-03T09:00:00Z", "INTERNALDATE in another zone")

for kind, reply in BAD.items():
    srv2 = OddServer(reply, close_after=(kind == "cut"))
    t.cleanup(srv2.stop)
    q = Postie(t.tmpdir, "bad-" + kind)
    account(q, "odd", srv2.port)
    res = q.run("sync", "-a", "odd", timeout=30)
    t.eq(res.returncode, 1, "%s: a clean failure (exit 1)" % kind)
    t.ok("127.0.0.1" in res.stderr and "AddressSanitizer" not in res.stderr
         and "runtime error" not in res.stderr, "%s: the error names the server" % kind,
         res.stderr)

t.done()
