#!/usr/bin/python3
"""Captures the full-screen interface for the README, from a real run.

    doc/readme_capture.py --postie _build/postie [--readme README] [--output FILE]

Starts the demo of tests/demo.sh (a private Dovecot seeded with the same
sample mail, in a temporary directory), runs postie in a tmux terminal of
92x30 (tests/lib/tuitest.py) with TZ=UTC, waits until both accounts have
synced and the screen has settled, and prints the screen as text, each line
indented by four spaces. With --readme, the block after the README's line
"... after the first sync:" is replaced by it (review the diff). Rerun it
after changing what the interface shows.
"""

import argparse
import os
import re
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(TOP, "tests", "lib"))
sys.path.insert(0, os.path.join(TOP, "tests", "servers"))

import demo  # noqa: E402
from rig import Rig  # noqa: E402
from tuitest import Terminal  # noqa: E402

COLS, ROWS = 92, 30
# The README's sentence before the capture, and the capture: indented lines.
BLOCK = re.compile(r"(tests/demo\.sh on a )\d+(-column terminal, after the first sync:\n\n)"
                   r"((?:    .*\n|\n(?=    ))+)")


def settled(term, quiet=1.5, timeout=90.0):
    """Waits until both accounts' INBOXes are counted and the screen has not
    changed for `quiet` seconds: returns the screen."""
    end = time.monotonic() + timeout
    last, since = None, time.monotonic()
    while time.monotonic() < end:
        screen = term.text()
        # both accounts listed their folders, and none is connecting (…),
        # syncing (⟳), offline or in error (the sidebar's marks)
        ready = ("online" in screen and screen.count("INBOX") >= 2
                 and not any(mark in screen for mark in ("…", "⟳", "(offline)", "(error)")))
        if screen != last:
            last, since = screen, time.monotonic()
        elif ready and time.monotonic() - since >= quiet:
            return screen
        time.sleep(0.1)
    raise SystemExit("readme_capture: the screen did not settle; it shows:\n" + (last or ""))


def capture(postie, cols=COLS, rows=ROWS):
    """The text of the screen after the first sync, lines without trailing
    blanks."""
    with tempfile.TemporaryDirectory(prefix="postie-capture.", dir="/tmp") as d:
        os.chmod(d, 0o755)
        r = Rig(d, users=demo.USERS)
        r.start()
        term = None
        try:
            p = demo.setup(r, d)
            env = p.env({"TZ": "UTC"})
            term = Terminal([postie, "-F", p.config_dir, "-D", p.data_dir], cols=cols,
                            rows=rows, cwd=d, env=env)
            screen = settled(term)
        finally:
            if term:
                term.quit()
            r.stop()
    lines = [line.rstrip() for line in screen.split("\n")][:rows]
    return "".join(("    " + line).rstrip() + "\n" for line in lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--postie", default=os.path.join(TOP, "_build", "postie"))
    ap.add_argument("--readme", help="replace the capture in this README")
    ap.add_argument("--output", help="write the capture to this file (default: stdout)")
    args = ap.parse_args()
    text = capture(os.path.abspath(args.postie))
    if args.readme:
        with open(args.readme, encoding="utf-8") as f:
            readme = f.read()
        new, n = BLOCK.subn(lambda m: m.group(1) + str(COLS) + m.group(2) + text, readme,
                            count=1)
        if n != 1:
            raise SystemExit("readme_capture: no '... after the first sync:' block in "
                             + args.readme)
        with open(args.readme, "w", encoding="utf-8") as f:
            f.write(new)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    elif not args.readme:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
