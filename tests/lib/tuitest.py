"""Driving postie's full-screen interface in a real terminal emulator: tmux.

    from tuitest import Terminal, ENTER
    term = Terminal(p.argv(), cols=100, rows=30, cwd=tmpdir)
    term.wait_for("INBOX")             # text anywhere on the screen
    term.keys("l", "~f chen", ENTER)  # each argument is typed as it is
    y = term.find_row("Chen")          # the first row holding the text
    term.cursor_rows()                 # rows drawn in reverse video or with a background
    term.resize(80, 24)
    term.quit()                        # SIGTERM if it does not exit by itself

Each Terminal runs its own tmux server (a private socket in a temp dir), so
tests never touch the user's tmux. tmux is closer to the terminals people
use than an emulator library: pyte, for one, loses track of wide characters
when ncurses redraws parts of a line.

Screen text comes from capture-pane: a wide character is one character
there (followed by no filler), so use width() to count columns.
"""

import os
import re
import shlex
import shutil
import subprocess
import tempfile
import time
import unicodedata

ENTER = "\r"
ESC = "\x1b"
TAB = "\t"
UP = "\x1bOA"
DOWN = "\x1bOB"
CTRL_G = "\x07"
CTRL_L = "\x0c"
CTRL_N = "\x0e"
CTRL_O = "\x0f"
CTRL_U = "\x15"
BACKSPACE = "\x7f"


def width(s):
    """Columns a string takes in a terminal."""
    n = 0
    for c in s:
        if unicodedata.combining(c) or c in "\ufe0e\ufe0f\u200b":
            continue
        n += 2 if unicodedata.east_asian_width(c) in "WF" else 1
    return n


def run_in_pty(argv, timeout=20, env=None):
    """Runs argv on a pseudo-terminal to the end: (exit status, output)."""
    import pty
    import select
    pid, fd = pty.fork()
    if pid == 0:
        e = dict(os.environ if env is None else env)
        e.update({"TERM": "tmux-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"})
        try:
            os.execve(argv[0], argv, e)
        finally:
            os._exit(127)
    out = b""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b""
            if not data:
                break
            out += data
    os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), out.decode("utf-8", "replace")


class Terminal:
    def __init__(self, argv, cols=100, rows=30, cwd=None, env=None, term="tmux-256color"):
        self.cols, self.rows = cols, rows
        self.dir = tempfile.mkdtemp(prefix="postie-tmux.")
        self.sock = os.path.join(self.dir, "sock")
        full_env = dict(os.environ if env is None else env)
        full_env.update({"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"})
        envs = " ".join("%s=%s" % (k, shlex.quote(v)) for k, v in
                        [("TERM", term), ("LANG", "C.UTF-8"), ("LC_ALL", "C.UTF-8")])
        # tmux 3.3 sometimes marks the pane dead without its exit status, so
        # the shell stays and writes the status to a file (signal() aims at
        # the program, the shell's child).
        self._status_file = os.path.join(self.dir, "status")
        cmd = "cd %s && env %s %s; echo $? > %s" % (
            shlex.quote(cwd or os.getcwd()), envs, " ".join(shlex.quote(a) for a in argv),
            shlex.quote(self._status_file))
        self._tmux("-f", "/dev/null", "new-session", "-d", "-s", "t", "-x", str(cols),
                   "-y", str(rows), cmd, env=full_env)
        self._tmux("set-option", "-t", "t", "remain-on-exit", "on")
        self._tmux("set-option", "-g", "escape-time", "0")
        self.status = None
        self._screen = ""

    def _tmux(self, *args, env=None, check=True):
        r = subprocess.run(["tmux", "-S", self.sock] + list(args), capture_output=True,
                           text=True, env=env)
        if check and r.returncode != 0:
            raise RuntimeError("tmux %s: %s" % (" ".join(args), r.stderr.strip()))
        return r.stdout

    def text(self):
        if self.status is None:
            self._screen = self._tmux("capture-pane", "-p", "-t", "t", check=False)
        return self._screen

    def lines(self):
        ls = self.text().split("\n")
        return (ls + [""] * self.rows)[:self.rows]

    def line(self, y):
        return self.lines()[y]

    def find_row(self, needle, start=0):
        for y, line in enumerate(self.lines()):
            if y >= start and needle in line:
                return y
        return -1

    def cursor_rows(self):
        """Rows of the main area drawn as a cursor line: reverse video or a
        background colour in the middle of the line."""
        raw = self._tmux("capture-pane", "-p", "-e", "-t", "t", check=False).split("\n")
        out = []
        for y, line in enumerate(raw[1:self.rows - 2], start=1):
            # the attributes in effect at the middle column
            col, attrs = 0, set()
            for m in re.finditer(r"\x1b\[([0-9;]*)m|([^\x1b])", line):
                if m.group(2) is not None:
                    col += width(m.group(2))
                    if col > self.cols // 2:
                        break
                    continue
                codes = (m.group(1) or "0").split(";")
                i = 0
                while i < len(codes):
                    c = codes[i]
                    if c in ("0", ""):
                        attrs = set()
                    elif c == "7":
                        attrs.add("rev")
                    elif c == "27":
                        attrs.discard("rev")
                    elif c in ("48",):
                        attrs.add("bg")
                        i += 2
                    elif c == "49":
                        attrs.discard("bg")
                    elif c.isdigit() and 40 <= int(c) <= 47:
                        attrs.add("bg")
                    elif c == "38":
                        i += 2
                    i += 1
            if attrs & {"rev", "bg"}:
                out.append(y)
        return out

    def wait_for(self, needle, timeout=10.0):
        start = time.monotonic()
        while True:
            if needle in self.text():
                return time.monotonic() - start
            if time.monotonic() - start > timeout:
                raise AssertionError("%r did not appear within %.1f s; the screen:\n%s"
                                     % (needle, timeout, self.text()))
            time.sleep(0.02)

    def wait_gone(self, needle, timeout=10.0):
        start = time.monotonic()
        while True:
            if needle not in self.text():
                return time.monotonic() - start
            if time.monotonic() - start > timeout:
                raise AssertionError("%r still on the screen after %.1f s:\n%s"
                                     % (needle, timeout, self.text()))
            time.sleep(0.02)

    def keys(self, *keys, settle=0.25):
        for k in keys:
            self._tmux("send-keys", "-t", "t", "-l", k, check=False)
        time.sleep(settle)

    def resize(self, cols, rows, settle=0.4):
        self.cols, self.rows = cols, rows
        self._tmux("resize-window", "-t", "t", "-x", str(cols), "-y", str(rows), check=False)
        time.sleep(settle)

    def alive(self):
        if self.status is not None:
            return False
        out = self._tmux("display-message", "-p", "-t", "t",
                         "#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}",
                         check=False).strip().split(":")
        try:
            with open(self._status_file) as f:
                written = f.read().strip()
        except OSError:
            written = ""
        # tmux may see the terminal close a moment before the status is known
        if len(out) == 3 and out[0] == "1" and written.isdigit():
            self._screen = self._tmux("capture-pane", "-p", "-t", "t", check=False)
            self.status = int(written)
            return False
        return True

    def wait_exit(self, timeout=10.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if not self.alive():
                return self.status
            time.sleep(0.05)
        return None

    def pid(self):
        """The program's pid (the child of the pane's shell), else the shell's."""
        out = self._tmux("display-message", "-p", "-t", "t", "#{pane_pid}", check=False).strip()
        if not out.isdigit():
            return None
        try:
            with open("/proc/%s/task/%s/children" % (out, out)) as f:
                children = f.read().split()
        except OSError:
            children = []
        return int(children[0]) if children else int(out)

    def signal(self, sig):
        pid = self.pid()
        if pid:
            os.kill(pid, sig)

    def quit(self):
        import signal
        if self.alive():
            self.signal(signal.SIGTERM)
            if self.wait_exit(5) is None:
                self.signal(signal.SIGKILL)
                self.wait_exit(5)
        self._tmux("kill-server", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)
