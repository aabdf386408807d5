"""What the first sync of a folder asks for first, against the rig's Dovecot:
the newest screenful by sequence number (without RFC822.SIZE, which Dovecot
finds slowly in a large maildir) before the UID SEARCH of the whole folder,
no CAPABILITY when the login's OK listed them; then every message stored,
with the server's flags and sizes, also where expunges left UIDs apart from
sequence numbers. A later sync asks for no first screen."""
import re

from imaptest import check_same, postie_list
from postie_test import TAP, Postie
from rig import Rig

t = TAP()
r = Rig.started_for(t)
p = Postie(t.tmpdir)
r.write_postie_account(p, "alice", "alice")

r.seed("alice", 130)
# Expunge some of the newest, so sequence numbers and UIDs differ there.
c = r.imap("alice")
c.select("INBOX")
c.uid("STORE", "125,127,129", "+FLAGS.SILENT", "(\\Deleted)")
c.expunge()
typ, data = c.uid("FETCH", "1:*", "(UID RFC822.SIZE)")
sizes = {}
for item in data:
    m = re.search(rb"UID (\d+) RFC822.SIZE (\d+)", item if isinstance(item, bytes) else item[0])
    if m:
        sizes[int(m.group(1))] = int(m.group(2))
c.logout()
t.eq(len(sizes), 127, "the server holds 127 messages")


def commands(trace):
    """The commands postie sent, in order, without tags."""
    out = []
    with open(trace, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = re.search(r" C: \S+ (.*)$", line)
            if m:
                out.append(m.group(1))
    return out


trace = t.tmpdir + "/first.trace"
res = p.run("--trace", trace, "sync", "-a", "alice", "INBOX")
t.eq(res.returncode, 0, "the first sync works", )
if res.returncode:
    t.diag(res.stderr)
cmds = commands(trace)
t.ok(not any(x == "CAPABILITY" for x in cmds), "no CAPABILITY after the login listed them",
     "\n".join(cmds))
sel = next((i for i, x in enumerate(cmds) if x.startswith("SELECT INBOX")), None)
t.ok(sel is not None, "INBOX selected")
first = cmds[sel + 1] if sel is not None and sel + 1 < len(cmds) else ""
t.ok(re.match(r"FETCH 78:127 \(UID FLAGS INTERNALDATE", first) is not None,
     "the newest 50 by sequence number come first", first)
t.ok("RFC822.SIZE" not in first, "without their sizes", first)
search = next((i for i, x in enumerate(cmds) if x.startswith("UID SEARCH")), -1)
t.ok(search > sel + 1, "the UID SEARCH after them", "\n".join(cmds[:search + 2]))
t.ok(any(x == "FETCH 78:127 (UID RFC822.SIZE)" for x in cmds), "their sizes asked apart")

rows = postie_list(p, "INBOX", "alice")
t.eq(sorted(m["id"] for m in rows), sorted(sizes), "every message stored under its UID")
t.eq({m["id"]: m["size"] for m in rows}, sizes, "every size as the server says")
check_same(t, p, r, "alice", "INBOX", "flags as on the server", "alice")

trace2 = t.tmpdir + "/second.trace"
res = p.run("--trace", trace2, "sync", "-a", "alice", "INBOX")
t.eq(res.returncode, 0, "the next sync works")
t.ok(not any(re.match(r"FETCH \d", x) for x in commands(trace2)),
     "no first screen once the folder is stored", "\n".join(commands(trace2)))

t.done()
