#!/usr/bin/python3
"""The interface and its terminal, in tmux, on mail put into the store by
tests/integration/store-seed (no server): the terminal is given back on a
crash signal (SIGSEGV, SIGABRT), on SIGTERM and when postie is suspended
(Ctrl-Z), and the screen is drawn again after it continues; colours degrade
on terminals with 8 colours and with none."""

import os
import re
import signal
import subprocess
import time

from postie_test import TAP, Postie, eventually
from tuitest import Terminal

t = TAP()
BUILD = os.environ.get("POSTIE_BUILDDIR", ".")
SEED = os.path.join(BUILD, "tests", "integration", "store-seed")

p = Postie(t.tmpdir)
p.write_account("work", "protocol = imap\nhost = localhost\nuser = me\n"
                "address = me@example.test\npassword_command = echo x\n")
p.write_global("default_account = work\n"
               "color = index-flagged color196 default\n"
               "color = status color21 color226\n")
subprocess.run([SEED, "-n", "40", p.data_dir, "work", "INBOX"], check=True)


def pane(term, fmt):
    return term._tmux("display-message", "-p", "-t", "t", fmt, check=False).strip()


def modes(term):
    return pane(term, "#{alternate_on}:#{cursor_flag}:#{keypad_flag}")


def proc_state(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "?"




class Shell:
    """postie started from an interactive bash in tmux, as a user does: the
    shell has job control (Ctrl-Z, fg) and outlives postie, so the terminal
    can be looked at after postie is gone. The terminal's settings (stty -g)
    are saved before postie starts and compared after it ends."""

    n = 0

    def __init__(self, term="tmux-256color"):
        Shell.n += 1
        self.dir = os.path.join(t.tmpdir, "sh%d" % Shell.n)
        os.makedirs(self.dir)
        # a script, so that the status is the one postie ends with, also
        # after a stop and fg
        with open(os.path.join(self.dir, "run.sh"), "w") as f:
            f.write("stty -g > before\n%s\necho \"exit=$?\"\nstty -g > after\n"
                    % " ".join("'%s'" % a for a in p.argv()))
        self.term = Terminal(["bash", "--norc", "--noprofile", "-i"], cols=100, rows=30,
                             cwd=self.dir, term=term)
        self.term.wait_for("bash-")
        self.term.keys("bash run.sh\r", settle=0)
        self.term.wait_for("work/INBOX")
        self.term.wait_for("[40 messages")

    def pid(self):
        """postie's pid: the grandchild of the interactive shell."""
        pid = self.term.pid()
        for _ in range(2):
            try:
                with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
                    pid = int(f.read().split()[0])
            except (OSError, IndexError):
                return None
        return pid

    def ended(self):
        """postie's exit status as the shell saw it, once the shell is back."""
        if not eventually(lambda: os.path.exists(os.path.join(self.dir, "after"))):
            return None
        m = re.search(r"exit=(\d+)", self.term.text())
        return int(m.group(1)) if m else None

    def tty_same(self):
        read = lambda n: open(os.path.join(self.dir, n)).read()
        return read("before") == read("after")

    def quit(self):
        self.term.quit()


def foreground_pgrp(pid):
    """The process group that has the terminal of pid."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return int(f.read().rsplit(")", 1)[1].split()[5])
    except (OSError, ValueError, IndexError):
        return None


def script_pid(sh):
    """The wrapper script's bash (postie's parent), the job the shell runs."""
    pid = sh.term.pid()
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return int(f.read().split()[0])
    except (OSError, IndexError, ValueError):
        return None


def ctrl_z(sh):
    """Ctrl-Z, and the checks every stop shares. The shell's own "Stopped"
    line is not looked for: the script's bash stops at once and the shell
    may print it before postie has left the alternate screen, which then
    hides it; the job's state says the same for sure."""
    pid, script = sh.pid(), script_pid(sh)
    sh.term.keys("\x1a", settle=0)
    t.ok(eventually(lambda: proc_state(pid) == "T"), "Ctrl-Z stops postie")
    t.ok(eventually(lambda: proc_state(script) == "T"), "and the job the shell runs")
    t.ok(eventually(lambda: modes(sh.term) == "0:1:0"),
         "and gives the terminal back to the shell while stopped", modes(sh.term))
    t.ok(eventually(lambda: foreground_pgrp(pid) not in (None, os.getpgid(pid))),
         "the shell takes the terminal")
    return pid


# Ctrl-Z: the terminal is given back while postie is stopped, and the
# screen comes back with fg.
sh = Shell()
t.eq(modes(sh.term), "1:0:1", "the interface runs in the alternate screen, keypad on")
pid = ctrl_z(sh)
sh.term.keys("fg\r", settle=0)
t.ok(eventually(lambda: proc_state(pid) in ("S", "R")), "fg continues it")
t.ok(eventually(lambda: modes(sh.term) == "1:0:1"), "back in the alternate screen")
t.ok(eventually(lambda: "[40 messages" in sh.term.text() and "q:Quit" in sh.term.text()
                and "Stopped" not in sh.term.text()),
     "the screen is drawn again after fg", sh.term.text())
sh.term.keys("j", "k")
t.ok("[40 messages" in sh.term.text(), "and keys work again")
sh.term.keys("q", settle=0)
t.eq(sh.ended(), 0, "q quits with status 0")
t.eq(modes(sh.term), "0:1:0", "the terminal is given back at the end")
t.ok(sh.tty_same(), "with the terminal's settings as they were")
sh.quit()

# Continued in the background (a SIGCONT while the shell has the
# terminal): postie stays off the terminal instead of stopping again on
# it, and a SIGTERM still ends it.
sh = Shell()
pid = ctrl_z(sh)
os.killpg(os.getpgid(pid), signal.SIGCONT)
t.ok(eventually(lambda: proc_state(pid) in ("S", "R")), "SIGCONT continues it")
time.sleep(1)
t.ok(proc_state(pid) in ("S", "R"), "and it stays running in the background",
     proc_state(pid))
t.eq(modes(sh.term), "0:1:0", "without taking the terminal back")
os.kill(pid, signal.SIGTERM)
status = sh.ended()
t.eq(status, 0, "SIGTERM then ends it with status 0")
if status is None:
    os.kill(pid, signal.SIGKILL)
    sh.ended()
t.eq(modes(sh.term), "0:1:0", "the terminal is still the shell's at the end")
sh.quit()

# Crash signals and SIGTERM: the terminal is given back before postie dies.
for sig, code in ((signal.SIGSEGV, 128 + signal.SIGSEGV), (signal.SIGABRT, 128 + signal.SIGABRT),
                  (signal.SIGTERM, 0), (signal.SIGHUP, 0)):
    sh = Shell()
    name = signal.Signals(sig).name
    os.kill(sh.pid(), sig)
    t.eq(sh.ended(), code, "%s ends postie with status %d" % (name, code))
    t.eq(modes(sh.term), "0:1:0", "%s gives the terminal back" % name)
    t.ok(sh.tty_same(), "with the terminal's settings as they were")
    sh.quit()


def sgr(term, row):
    """The SGR parameter lists used on a row of the screen."""
    raw = term._tmux("capture-pane", "-p", "-e", "-t", "t", check=False).split("\n")
    return re.findall(r"\x1b\[([0-9;]*)m", raw[row] if row < len(raw) else "")


def status_row(term):
    return term.find_row("work/INBOX", 2)


# 256 colours where the terminal has them: the status bar in colour 21 on 226.
sh = Shell("tmux-256color")
term = sh.term
codes = ";".join(sgr(term, status_row(term)))
t.ok("38;5;21" in codes and "48;5;226" in codes, "256 colours are used on a 256-colour terminal",
     codes)
term.quit()

# 8 colours: the nearest of the eight (blue on yellow).
sh = Shell("xterm")
term = sh.term
codes = ";".join(sgr(term, status_row(term)))
t.ok(re.search(r"(^|;)34(;|$)", codes) and re.search(r"(^|;)43(;|$)", codes)
     and "38;5" not in codes, "on an 8-colour terminal they become the nearest of eight", codes)
term.quit()

# None: monochrome attributes, and the cursor line still shows (reverse).
sh = Shell("vt100")
term = sh.term
codes = ";".join(sgr(term, status_row(term)))
t.ok(not re.search(r"(^|;)(3[0-7]|4[0-7]|38|48)(;|$)", codes),
     "a terminal without colours gets no colour codes", codes)
t.eq(len(term.cursor_rows()), 1, "the cursor line is drawn in reverse video")
term.keys("j")
t.eq(len(term.cursor_rows()), 1, "and moves")
term.keys("q", settle=0)
t.eq(sh.ended(), 0, "and quits cleanly")
term.quit()

t.done()
