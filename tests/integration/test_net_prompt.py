"""Without password_command, `postie check-account` asks for the password on
its terminal (here a pty), without echo; Ctrl-C at the prompt ends it with an
error and the terminal's echo restored."""
import os
import pty
import re
import select
import signal
import termios
import time

from postie_test import TAP, Postie
from rig import Rig

t = TAP()
r = Rig.started_for(t)
p = Postie(t.tmpdir)
r.write_postie_account(p, "ask", "alice", protocol="pop3", tls="starttls", password_command=None)


def spawn(*args):
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(p.argv(*args)[0], p.argv(*args), p.env())
    return pid, fd


def read_until(fd, pattern, out, timeout=30):
    """Reads from the pty into out (a list of str) until pattern matches."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if re.search(pattern, "".join(out)):
            return True
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                data = os.read(fd, 4096)
            except OSError:
                break
            if not data:
                break
            out.append(data.decode("utf-8", "replace"))
    return bool(re.search(pattern, "".join(out)))


def finish(pid, fd, out):
    """Reads the rest of the output (until the pty closes) and reaps the child."""
    end = time.monotonic() + 30
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if not ready:
            continue
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        out.append(data.decode("utf-8", "replace"))
    done, status = os.waitpid(pid, os.WNOHANG)
    if not done:
        out.append("\n[still running after 30 s: killed]\n")
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status)


pid, fd = spawn("check-account", "-a", "ask")
out = []
PROMPT = r"password for alice at localhost \(account ask, %s\): "
t.ok(read_until(fd, PROMPT % "pop3", out), "asks for the POP3 password on the terminal", "".join(out))
attrs = termios.tcgetattr(fd)
t.ok(not attrs[3] & termios.ECHO, "with echo off while asking")
os.write(fd, b"alice-pw\n")
t.ok(read_until(fd, PROMPT % "smtp", out), "then for the SMTP password", "".join(out))
os.write(fd, b"alice-pw\r")
status = finish(pid, fd, out)
text = "".join(out)
t.eq(status, 0, "logs in with the typed passwords")
t.contains(text, "all checks passed", "both checks pass")
t.not_contains(text, "alice-pw", "the typed password never appears on the terminal")

pid, fd = spawn("check-account", "-a", "ask")
out = []
t.ok(read_until(fd, PROMPT % "pop3", out), "asks again")
os.write(fd, b"sec\x03")
status = finish(pid, fd, out)
t.eq(status, 1, "Ctrl-C at the prompt ends the check with status 1")
t.contains("".join(out), "password prompt interrupted", "and says so")
t.done()
