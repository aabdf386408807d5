"""Helpers for the IMAP sync tests (test_imap_*.py): the server's state read
with imaplib, postie's stored state read with `postie list --json`, and the
capability lists that switch Dovecot's QRESYNC and CONDSTORE off."""

import json
import re

# Dovecot 2.3's default capabilities after login, with and without the
# resynchronisation extensions.
BASE_CAPS = ("IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY "
             "THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL "
             "CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 ESEARCH "
             "ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE SPECIAL-USE")
CAPS = {
    "qresync": None,                                   # Dovecot's defaults
    "condstore": BASE_CAPS + " CONDSTORE",
    "plain": BASE_CAPS,
}


def quote(name):
    return '"%s"' % name.replace("\\", "\\\\").replace('"', '\\"')


def server_state(r, user, folder):
    """{uid: frozenset(flags)} of a folder on the server, \\Recent left out."""
    c = r.imap(user)
    try:
        typ, data = c.select(quote(folder), readonly=True)
        if typ != "OK":
            raise RuntimeError("select %s: %r" % (folder, data))
        typ, data = c.uid("FETCH", "1:*", "(UID FLAGS)")
        out = {}
        for item in data:
            if not item:
                continue
            line = item.decode() if isinstance(item, bytes) else item[0].decode()
            m = re.search(r"UID (\d+)", line)
            f = re.search(r"FLAGS \(([^)]*)\)", line)
            if m and f:
                out[int(m.group(1))] = frozenset(x for x in f.group(1).split() if x != "\\Recent")
        return out
    finally:
        c.logout()


def uidvalidity(r, user, folder):
    c = r.imap(user)
    try:
        typ, data = c.status(quote(folder), "(UIDVALIDITY)")
        return int(re.search(rb"UIDVALIDITY (\d+)", data[0]).group(1))
    finally:
        c.logout()


def postie_list(p, folder, account=None):
    """postie list --json: the rows, or raises with postie's stderr."""
    args = (["-a", account] if account else []) + ["list", "--json", folder]
    res = p.run(*args)
    if res.returncode != 0:
        raise RuntimeError("postie list %s failed (%d): %s" % (folder, res.returncode, res.stderr))
    return [json.loads(line) for line in res.stdout.splitlines()]


def postie_state(p, folder, account=None):
    return {m["id"]: frozenset(m["flags"]) for m in postie_list(p, folder, account)}


def diff(a, b, limit=8):
    """A short description of how two {uid: flags} maps differ."""
    only_a = sorted(set(a) - set(b))
    only_b = sorted(set(b) - set(a))
    changed = sorted(u for u in set(a) & set(b) if a[u] != b[u])
    parts = []
    if only_a:
        parts.append("only in postie: %s" % only_a[:limit])
    if only_b:
        parts.append("only on the server: %s" % only_b[:limit])
    for u in changed[:limit]:
        parts.append("uid %d: postie %s, server %s" % (u, sorted(a[u]), sorted(b[u])))
    return "; ".join(parts) or "same"


def check_same(t, p, r, user, folder, name, account=None):
    mine, theirs = postie_state(p, folder, account), server_state(r, user, folder)
    return t.ok(mine == theirs, name, diff(mine, theirs))
