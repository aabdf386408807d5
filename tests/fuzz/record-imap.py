#!/usr/bin/python3
"""Records the seeds of fuzz-imap (tests/fuzz/corpus/imap): what a scripted
IMAP server (tests/servers/fakes.py) says in the session of a `postie sync`
followed by `postie show INBOX 2`, for several servers; and what the rig's
Dovecot says in a sync (through a relay that keeps the server's bytes).

    POSTIE=_build/postie tests/fuzz/record-imap.py tests/fuzz/corpus/imap
"""
import os
import socket
import sys
import tempfile
import threading

here = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(here, "..", "lib"), os.path.join(here, "..", "servers")]

from fakes import IMAP_MAILBOX, FakeServer, imap_literal  # noqa: E402
from postie_test import Postie  # noqa: E402

CAPS = "IMAP4rev1 AUTH=PLAIN LITERAL+ ID ENABLE IDLE SPECIAL-USE UIDPLUS MOVE ESEARCH"
ODD = (b"* 3 FETCH (BODY[HEADER.FIELDS (DATE FROM)] " + imap_literal(b"From: a@b\r\n\r\n") +
       b" RFC822.SIZE 900 UID 9 FLAGS (\\Flagged $Label1) INTERNALDATE "
       b"\"02-Jan-2024 14:04:05 +0000\")\r\n* 1 FETCH (UID 2 FLAGS (\\Seen))\r\n* 4 EXISTS\r\n"
       b"* 2 FETCH (X-GM-LABELS (\"\\\\Inbox\" " + imap_literal(b"odd") + b") UID 5 FLAGS () "
       b"BODY[HEADER.FIELDS (SUBJECT)] " + imap_literal(b"Subject: five\r\n\r\n") +
       b")\r\n%TAG% OK fetched\r\n")
SERVERS = {
    "plain": {},
    "caps": {
        "GREETING": "* OK [CAPABILITY %s] ready\r\n" % CAPS,
        "CAPABILITY": "* CAPABILITY %s\r\n%%TAG%% OK done\r\n" % CAPS,
        "LIST": "* LIST (\\HasNoChildren) \"/\" INBOX\r\n"
                "* LIST (\\HasNoChildren \\Sent) \"/\" Sent\r\n"
                "* LIST (\\Noselect \\HasChildren) \"/\" Archive\r\n"
                "* LIST () \"/\" \"Archive/Entw&APw-rfe\"\r\n%TAG% OK done\r\n",
        "UID SEARCH": "* ESEARCH (TAG \"%TAG%\") UID ALL 2,5,9\r\n%TAG% OK done\r\n",
    },
    "odd": {"UID FETCH": ODD},
    "condstore": {
        "GREETING": "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN CONDSTORE QRESYNC ENABLE] ready\r\n",
        "CAPABILITY": "* CAPABILITY IMAP4rev1 AUTH=PLAIN CONDSTORE QRESYNC ENABLE\r\n"
                      "%TAG% OK done\r\n",
        "ENABLE": "* ENABLED QRESYNC\r\n%TAG% OK enabled\r\n",
        "SELECT": "* 3 EXISTS\r\n* OK [UIDVALIDITY 7] v\r\n* OK [UIDNEXT 10] n\r\n"
                  "* OK [HIGHESTMODSEQ 1234] m\r\n* VANISHED (EARLIER) 1:4\r\n"
                  "%TAG% OK [READ-WRITE] selected\r\n",
    },
}


class Relay:
    """A TCP relay to target that keeps what the server said, per connection."""

    def __init__(self, target):
        self.target = target
        self.sessions = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            s = socket.create_connection(self.target)
            said = bytearray()
            self.sessions.append(said)
            threading.Thread(target=self.pump, args=(s, c, said), daemon=True).start()
            threading.Thread(target=self.pump, args=(c, s, None), daemon=True).start()

    @staticmethod
    def pump(src, dst, keep):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if keep is not None:
                    keep += data
                dst.sendall(data)
        except OSError:
            pass
        for x in (src, dst):
            try:
                x.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def dovecot(out, tmp):
    """A sync of a few seeded messages and a MIME one from the rig's Dovecot,
    in plain text (Dovecot counts 127.0.0.1 as secure)."""
    from rig import Rig
    r = Rig(os.path.join(tmp, "rig"))
    r.start()
    try:
        r.seed("alice", 12)
        r.seed("alice", 3, folder="Archive", seed=2)
        with open(os.path.join(here, "..", "data", "mail", "rfc2231-names.eml"), "rb") as f:
            r.append("alice", "INBOX", f.read(), flags=("\\Seen",))
        relay = Relay(("127.0.0.1", r.ports["imap"]))
        p = Postie(tmp, "dovecot")
        p.write_account("f", "protocol = imap\nhost = 127.0.0.1\nport = %d\ntls = none\n"
                        "allow_plaintext_password = yes\nuser = alice\npassword = %s\n"
                        "address = alice@example.test\ntimeout = 5\n"
                        % (relay.port, r.password("alice")))
        res = p.run("sync")
        p.run("show", "INBOX", "2")
        said = b"".join(relay.sessions)
        with open(os.path.join(out, "dovecot"), "wb") as f:
            f.write(said)
        print("dovecot: exit %d, %d bytes %s" % (res.returncode, len(said), res.stderr[-300:]))
    finally:
        r.stop()


def main(out):
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)     # the rig's Dovecot must reach its run dir
        for name, over in SERVERS.items():
            srv = FakeServer("imap", "script", script=dict(IMAP_MAILBOX, **over), record=True)
            p = Postie(tmp, name)
            p.write_account("f", "protocol = imap\nhost = 127.0.0.1\nport = %d\ntls = none\n"
                            "allow_plaintext_password = yes\nuser = u\npassword = pw\n"
                            "address = u@example.test\ntimeout = 5\n" % srv.port)
            res = p.run("sync")
            p.run("show", "INBOX", "2")
            srv.stop()
            said = b"".join(srv.sessions)   # the sync's session, then the show's
            with open(os.path.join(out, name), "wb") as f:
                f.write(said)
            print("%s: exit %d, %d bytes" % (name, res.returncode, len(said)))
        dovecot(out, tmp)


main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus", "imap"))
