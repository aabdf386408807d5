"""Helpers for postie's integration tests: TAP output and running postie.

A test script does:

    from postie_test import TAP, Postie
    t = TAP()
    p = Postie(t.tmpdir)
    r = p.run("check-config")
    t.eq(r.returncode, 0, "good config passes")
    t.done()

Every check prints one TAP line; done() prints the plan, removes the temp
dir and exits non-zero if a check failed. An uncaught exception counts as a
failed check (so a crash in the test itself is never a silent pass).
"""

import atexit
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

# What a sanitizer's report starts with, in output or in a log.
SANITIZER_WORDS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                   "SUMMARY: UndefinedBehaviorSanitizer")

POSTIE = os.environ.get("POSTIE") or os.path.join(
    os.path.dirname(__file__), "..", "..", "postie")
SRCDIR = os.environ.get("POSTIE_SRCDIR") or os.path.join(os.path.dirname(__file__), "..", "..")


class TAP:
    def __init__(self):
        self.n = 0
        self.failed = 0
        self._done = False
        base = os.environ.get("TMPDIR") or "/tmp"
        self.tmpdir = tempfile.mkdtemp(prefix="postie-it.", dir=base)
        # Dovecot needs to traverse every parent of its dirs as its own users.
        os.chmod(self.tmpdir, 0o755)
        self._cleanups = []
        atexit.register(self._atexit)
        sys.excepthook = self._excepthook

    def cleanup(self, fn):
        """Runs fn at the end, even when the test fails or crashes (LIFO)."""
        self._cleanups.append(fn)

    def ok(self, cond, name, diag=None):
        self.n += 1
        name = str(name).replace("\n", " ").replace("#", " ")
        print(("ok" if cond else "not ok") + " %d - %s" % (self.n, name), flush=True)
        if not cond:
            self.failed += 1
            if diag is not None:
                self.diag(diag)
        return bool(cond)

    def todo(self, cond, name, why):
        """A check of a known open problem: a failure is reported as TODO
        (XFAIL for automake), a success as a plain ok."""
        if cond:
            return self.ok(True, name)
        self.n += 1
        print("not ok %d - %s # TODO %s" % (self.n, name.replace("#", " "), why), flush=True)
        return False

    def eq(self, got, want, name):
        return self.ok(got == want, name,
                       None if got == want else "got:      %r\nexpected: %r" % (got, want))

    def contains(self, haystack, needle, name):
        return self.ok(needle in haystack, name,
                       None if needle in haystack else "%r\nnot found in:\n%s" % (needle, haystack))

    def not_contains(self, haystack, needle, name):
        return self.ok(needle not in haystack, name,
                       None if needle not in haystack else "%r\nfound in:\n%s" % (needle, haystack))

    def diag(self, text):
        for line in str(text).splitlines() or [""]:
            print("# " + line, flush=True)

    def _run_cleanups(self):
        while self._cleanups:
            fn = self._cleanups.pop()
            try:
                fn()
            except Exception:
                self.diag("cleanup failed:\n" + traceback.format_exc())

    def _excepthook(self, typ, value, tb):
        self.ok(False, "test script raised %s" % typ.__name__,
                "".join(traceback.format_exception(typ, value, tb)))
        self.done()

    def _atexit(self):
        if not self._done:
            self._run_cleanups()

    def _check_interface_logs(self):
        """The full-screen interface sends its standard error, and so the
        sanitizers' reports, to DATA_DIR/postie.log, where no screen shows
        them: a report there fails the test."""
        for path in sorted(glob.glob(os.path.join(self.tmpdir, "**", "postie.log"),
                                     recursive=True)):
            with open(path, errors="replace") as f:
                text = f.read()
            if any(w in text for w in SANITIZER_WORDS):
                self.ok(False, "no sanitizer report in %s" % os.path.relpath(path, self.tmpdir),
                        text[-4000:])

    def done(self):
        if self._done:
            return
        self._done = True
        self._run_cleanups()    # first: an interface still running reports at its exit
        self._check_interface_logs()
        print("1..%d" % self.n, flush=True)
        if not os.environ.get("POSTIE_KEEP_TMP"):
            shutil.rmtree(self.tmpdir, ignore_errors=True)
        sys.stdout.flush()
        os._exit(1 if self.failed else 0)


class Postie:
    """Runs the built postie with its own config and data dirs."""

    def __init__(self, base, name="p"):
        self.config_dir = os.path.join(base, name + "-config")
        self.data_dir = os.path.join(base, name + "-data")
        os.makedirs(os.path.join(self.config_dir, "accounts"), exist_ok=True)
        os.makedirs(self.data_dir, exist_ok=True)

    def write_account(self, name, text, mode=0o600):
        path = os.path.join(self.config_dir, "accounts", name + ".conf")
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def write_global(self, text):
        path = os.path.join(self.config_dir, "postie.conf")
        with open(path, "w") as f:
            f.write(text)
        return path

    def env(self, extra=None):
        env = dict(os.environ)
        env.pop("POSTIE_CONFIG_DIR", None)
        env.pop("POSTIE_DATA_DIR", None)
        if extra:
            env.update(extra)
        return env

    def argv(self, *args):
        return [POSTIE, "-F", self.config_dir, "-D", self.data_dir] + list(args)

    def run(self, *args, input=None, timeout=120, env=None):
        """Runs postie to completion; returns a CompletedProcess with text output."""
        return subprocess.run(self.argv(*args), input=input, capture_output=True,
                              timeout=timeout, env=self.env(env),
                              text=not isinstance(input, bytes))

    def popen(self, *args, env=None, **kw):
        return subprocess.Popen(self.argv(*args), env=self.env(env), **kw)


def run_peak(postie, *args, input=None, timeout=120, env=None):
    """Runs postie like Postie.run() and also measures its peak resident
    memory: (CompletedProcess, peak KiB), the peak read from VmHWM in
    /proc/PID/status every 10 ms while it runs. Tests of hostile servers
    use it to show that memory stays bounded."""
    import threading
    import time
    proc = postie.popen(*args, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE)
    out = {}

    def talk():
        try:
            o, e = proc.communicate(input, timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            o, e = proc.communicate()
            e += b"\n(killed after %d s)" % timeout
        out.update(stdout=o, stderr=e)
    talker = threading.Thread(target=talk, daemon=True)
    talker.start()
    peak = 0
    status = "/proc/%d/status" % proc.pid
    while talker.is_alive():
        try:
            with open(status) as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
        except (OSError, ValueError):
            pass
        time.sleep(0.01)
    talker.join()
    res = subprocess.CompletedProcess(proc.args, proc.returncode,
                                      out.get("stdout", b"").decode("utf-8", "replace"),
                                      out.get("stderr", b"").decode("utf-8", "replace"))
    return res, peak


def eventually(cond, timeout=15.0, step=0.1):
    """cond()'s first true value within timeout seconds (polled), else its
    last value: for what the program under test does in its own time."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = cond()
        if v:
            return v
        time.sleep(step)
    return cond()
