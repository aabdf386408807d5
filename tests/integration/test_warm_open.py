"""A warm open of a large folder, against the rig's Dovecot: the newest
part of the stored index (a screenful and more, whatever the folder's size)
is in memory before the whole index, and holds the newest messages; the
open writes nothing to the server. In the full-screen interface the cursor
ends where cursor_start says once the whole index has replaced the newest
part (the oldest message is not in that part)."""
import json
import re

from postie_test import TAP, Postie
from rig import Rig
from tuitest import Terminal

N = 1500            # more than 4 x the newest part (256): the index comes in two
WRITES = ("STORE", "UID STORE", "APPEND", "EXPUNGE", "UID EXPUNGE", "COPY", "UID COPY",
          "MOVE", "UID MOVE", "CREATE", "DELETE", "RENAME", "SUBSCRIBE", "UNSUBSCRIBE")

t = TAP()
r = Rig.started_for(t)
p = Postie(t.tmpdir)
r.write_postie_account(p, "alice", "alice")
msgs = r.seed("alice", N)
newest = max(m["uid"] for m in msgs)


def bench_open(trace):
    res = p.run("--trace", trace, "bench-open", "INBOX")
    t.ok(res.returncode == 0, "bench-open works", res.stderr)
    lines = res.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


bench_open(t.tmpdir + "/cold.trace")
trace = t.tmpdir + "/warm.trace"
j = bench_open(trace)
t.eq(j.get("index_messages"), N, "the whole stored index is loaded")
t.eq(j.get("last_uid"), newest, "... up to the newest message")
part = j.get("first_part_messages", 0)
t.ok(256 <= part < N, "the newest part first: a screenful and more, not all (%d)" % part)
t.eq(j.get("first_part_last_uid"), newest, "... holding the newest message")
t.ok(j.get("first_part_ms", 1e9) <= j.get("index_ms", 0), "... in memory before the whole index",
     "%s" % j)
t.eq(j.get("first_screen_ms"), j.get("first_part_ms"), "the first screen is the newest part")
with open(trace, encoding="utf-8", errors="replace") as f:
    sent = [m.group(1) for m in (re.search(r" C: \S+ (.*)$", line) for line in f) if m]
writes = [c for c in sent if c.upper().startswith(WRITES)]
t.ok(any(re.match(r"(SELECT|EXAMINE) ", c) for c in sent), "the warm open checks the folder",
     "\n".join(sent))
t.ok(not writes, "... and writes nothing to the server", "\n".join(writes))



def cursor_line(start):
    """The line under the cursor once the folder is open in the interface."""
    p.write_global("cursor_start = %s\n" % start)
    term = Terminal(p.argv(), cols=100, rows=30, cwd=t.tmpdir)
    try:
        term.wait_for("[%d messages" % N, 30)
        term.wait_gone("loading...", 30)
        rows = term.cursor_rows()
        return term.line(rows[0]) if len(rows) == 1 else "no single cursor line: %s" % rows
    except AssertionError as e:
        return str(e)
    finally:
        term.quit()


line = cursor_line("newest")
t.ok(re.search(r"[\s│]%d\s" % N, line), "cursor_start = newest: on the newest message", line)
line = cursor_line("oldest")
t.ok(re.search(r"\s{3}1\s", line),
     "cursor_start = oldest: on the oldest, not in the newest part", line)

t.done()
