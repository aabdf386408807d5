#!/usr/bin/python3
"""Records the seeds of fuzz-imap (tests/fuzz/corpus/imap): what a scripted
IMAP server (tests/servers/fakes.py) says in the session of a `postie sync`
followed by `postie show INBOX 2`, for several servers.

    POSTIE=_build/postie tests/fuzz/record-imap.py tests/fuzz/corpus/imap
"""
import os
import sys
import tempfile

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


def main(out):
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
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


main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus", "imap"))
