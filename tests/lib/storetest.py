"""Reading what postie stored, for integration tests (through the
store-dump helper program, one process for a whole account), and what a
server's Maildir holds.

    from storetest import dump, maildir_messages, as_pop3
    d = dump(p, "pop", bodies=True)
    d.messages("INBOX")           # summaries of one folder (dicts)
    d.body(m)                     # the stored bytes of one summary
    d.pop3                        # the account's POP3 records (dicts)
    d.journal, d.outbox           # pending offline changes and outgoing mail
    d = dump(p, "imap", bodies="cached")   # only the bodies the cache holds:
    d.body(m) if m["body"] else None
    maildir_messages(r.maildir("alice"))   # {Message-ID: raw bytes} on the server
    as_pop3(raw)                  # the bytes a POP3 server serves for raw

What "exact bytes" means for POP3: the message as the server sent it in
RETR, dot-stuffing undone. Dovecot serves a Maildir file with CRLF line
ends (every LF becomes CRLF; a last line without one gets one), so the
stored bytes of a seeded message are as_pop3(the file's bytes).
"""

import json
import os
import re
import subprocess
import tempfile

STORE_DUMP = os.path.join(os.environ.get("POSTIE_BUILDDIR", "."), "tests", "integration",
                          "store-dump")

_MID = re.compile(rb"^Message-ID:[ \t]*<([^>\r\n]*)>", re.M | re.I)


def message_id(raw):
    m = _MID.search(raw.split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0])
    return m.group(1).decode("utf-8", "replace") if m else None


def as_pop3(raw):
    lines = raw.replace(b"\r\n", b"\n").split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return b"".join(line + b"\r\n" for line in lines)


def maildir_messages(maildir):
    """{Message-ID: raw bytes} of every message in a Maildir folder (cur and new)."""
    out = {}
    for sub in ("cur", "new"):
        d = os.path.join(maildir, sub)
        if not os.path.isdir(d):
            continue
        for name in os.listdir(d):
            with open(os.path.join(d, name), "rb") as f:
                raw = f.read()
            out[message_id(raw) or name] = raw
    return out


def maildir_count(maildir):
    return sum(len(os.listdir(os.path.join(maildir, sub)))
               for sub in ("cur", "new") if os.path.isdir(os.path.join(maildir, sub)))


class Dump:
    def __init__(self, lines, body_dir):
        self.folders = [o for o in lines if "id" in o]
        self.msgs = [o for o in lines if "msg" in o]
        self.pop3 = [o for o in lines if "pop3" in o]
        self.journal = [o for o in lines if "journal" in o]
        self.outbox = [o for o in lines if "outbox" in o]
        self.body_dir = body_dir

    def folder(self, name):
        for f in self.folders:
            if f["folder"] == name:
                return f
        return None

    def messages(self, name=None):
        if name is None:
            return list(self.msgs)
        f = self.folder(name)
        return [m for m in self.msgs if f and m["msg"] == f["id"]]

    def body(self, m):
        with open(os.path.join(self.body_dir, "%d-%d.eml" % (m["msg"], m["uid"])), "rb") as fh:
            return fh.read()


def dump(postie, account, bodies=False):
    """Everything the store holds for account (postie must not be running).
    bodies=True: every message must have its body; "cached": those stored."""
    body_dir = tempfile.mkdtemp(prefix="bodies.", dir=postie.data_dir + "/..") if bodies else None
    args = [STORE_DUMP] + (["--cached"] if bodies == "cached" else []) + \
        [postie.data_dir, account] + ([body_dir] if body_dir else [])
    r = subprocess.run(args, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError("store-dump failed: %s" % r.stderr)
    return Dump([json.loads(line) for line in r.stdout.splitlines()], body_dir)


def check(postie, account):
    """store_check() of the account: "" when clean, else the problems."""
    r = subprocess.run([STORE_DUMP, "--check", postie.data_dir, account], capture_output=True,
                       text=True, timeout=120)
    return "" if r.returncode == 0 else (r.stderr or "store-dump --check failed")
