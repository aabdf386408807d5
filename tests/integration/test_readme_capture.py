"""The README's picture of the interface is what postie shows today: a
fresh doc/readme_capture.py run against the demo (tmux, the rig) gives the
same screen, except the message line at the bottom, whose timing may vary.
When the interface changes on purpose, run
`doc/readme_capture.py --postie _build/postie --readme README` and review
the diff."""
import os
import re
import subprocess
import sys

from postie_test import TAP, POSTIE, SRCDIR

t = TAP()
script = os.path.join(SRCDIR, "doc", "readme_capture.py")
out = os.path.join(t.tmpdir, "capture.txt")
r = subprocess.run([sys.executable, script, "--postie", POSTIE, "--output", out],
                   capture_output=True, text=True, timeout=180)
t.eq(r.returncode, 0, "doc/readme_capture.py runs the demo in tmux and captures it")
t.eq(r.stderr, "", "without a word on stderr")
got = open(out, encoding="utf-8").read().splitlines() if os.path.exists(out) else []
t.ok(any("INBOX" in line for line in got) and any("-- demo/INBOX" in line for line in got),
     "the capture shows the folders and the status bar", "\n".join(got))

with open(os.path.join(SRCDIR, "README"), encoding="utf-8") as f:
    readme = f.read()
m = re.search(r"after the first sync:\n\n((?:    .*\n|\n(?=    ))+)", readme)
t.ok(m, "README has the capture after '... after the first sync:'")
shown = m.group(1).splitlines() if m else []
rows = len(got) - 1
t.ok(shown[:rows] == got[:rows],
     "README shows the screen postie draws (doc/readme_capture.py --readme README)",
     "\n".join(l for l in __import__("difflib").unified_diff(shown[:rows], got[:rows],
                                                          "README", "postie today",
                                                          lineterm="")))
left = subprocess.run(["pgrep", "-f", "postie-capture."], capture_output=True, text=True).stdout
t.eq(left, "", "the capture stops every server it started")
t.done()
