"""The README's demo (tests/demo.sh runs tests/servers/demo.py after the
build): its accounts pass check-config and it leaves nothing behind."""
import os
import subprocess
import sys

from postie_test import TAP, POSTIE, SRCDIR

t = TAP()
demo = os.path.join(SRCDIR, "tests", "servers", "demo.py")
d = os.path.join(t.tmpdir, "demo")
os.mkdir(d)
os.chmod(d, 0o755)
r = subprocess.run([sys.executable, demo, "--postie", POSTIE, "--dir", d, "-n", "50",
                    "check-config"], capture_output=True, text=True, timeout=120)
t.ok(r.returncode == 0, "the demo runs postie check-config on its accounts", r.stdout + r.stderr)
t.contains(r.stdout, "demo: imap localhost:", "account demo is IMAP on the rig")
t.contains(r.stdout, "demo-pop: pop3 localhost:", "account demo-pop is POP3 on the rig")
t.contains(r.stdout, "(50 messages)", "the demo says what it seeded")
left = subprocess.run(["pgrep", "-f", d], capture_output=True, text=True).stdout
t.eq(left, "", "the demo stops every server it started")
t.done()
