"""Helpers for the fault suites (tests/integration/test_faults_*.py): running
postie under a watchdog, and comparing its store with the server.

    from faulttest import Reader, Watchdog, seeds
    w = Watchdog(t, p, timeout=3)          # the account's `timeout` key
    res = w.run("sync", what="seed 4 round 2")
    w.check_prompt(res, proxy)              # a failed run ended soon after the cut

Every run has a hard limit: a postie that has not finished by then hung,
which is a failure with a diagnostic (the stacks of its threads when gdb is
there, the end of its protocol trace), never a silent kill. A sanitizer
report in its standard error is a failure too, whatever the exit status.

Seeds: seeds() gives the seeds a suite runs, POSTIE_FAULT_SEEDS of them
(default: the few that make check affords) starting at
POSTIE_FAULT_SEED_BASE, so a long run by hand is

    POSTIE_FAULT_SEEDS=200 make check TESTS=tests/integration/test_faults_imap.py
"""

import os
import shutil
import subprocess
import threading
import time

from postie_test import SANITIZER_WORDS  # noqa: F401 (the fault suites import it from here)


def seeds(default):
    n = int(os.environ.get("POSTIE_FAULT_SEEDS") or default)
    base = int(os.environ.get("POSTIE_FAULT_SEED_BASE") or 1)
    return list(range(base, base + n))


class Result:
    """What one run did: returncode, stdout, stderr, the seconds it took and
    the monotonic time it ended."""

    def __init__(self, returncode, stdout, stderr, took, ended, hung=False):
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.took = took
        self.ended = ended
        self.hung = hung


def _stacks(pid):
    gdb = shutil.which("gdb")
    if not gdb:
        return "(no gdb for the stacks)"
    try:
        out = subprocess.run([gdb, "-p", str(pid), "-batch", "-nx", "-ex",
                              "thread apply all bt 20"], capture_output=True, text=True,
                             timeout=60)
        return "\n".join(line for line in out.stdout.splitlines()
                         if line.startswith(("#", "Thread")))[-6000:]
    except (OSError, subprocess.SubprocessError) as e:
        return "(gdb failed: %s)" % e


class Watchdog:
    def __init__(self, t, postie, timeout, limit=None, trace=None):
        """timeout: the account's timeout key (seconds); limit: the hard limit
        of one run (default: generous, 20 timeouts and at least 60 s)."""
        self.t = t
        self.p = postie
        self.timeout = timeout
        self.limit = limit or max(60, 20 * timeout)
        self.trace = trace
        self.runs = 0
        self.hangs = 0

    def run(self, *args, what="", input=b"", limit=None, env=None):
        """Runs postie ARGS (with --trace when the watchdog has one); returns a
        Result with text output. A hang or a sanitizer report is a failed
        check named after `what`."""
        argv = (["--trace", self.trace] if self.trace else []) + list(args)
        limit = limit or self.limit
        t0 = time.monotonic()
        proc = self.p.popen(*argv, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
        self.runs += 1
        try:
            out, err = proc.communicate(input=input, timeout=limit)
            hung = False
        except subprocess.TimeoutExpired:
            hung = True
            stacks = _stacks(proc.pid)
            proc.kill()
            out, err = proc.communicate()
        ended = time.monotonic()
        res = Result(proc.returncode, out.decode("utf-8", "replace"),
                     err.decode("utf-8", "replace"), ended - t0, ended, hung)
        label = "postie %s%s" % (" ".join(args), " (%s)" % what if what else "")
        if hung:
            self.hangs += 1
            self.t.ok(False, "%s: finished within %d s" % (label, limit),
                      "hung; stacks:\n%s\nend of the trace:\n%s" % (stacks, self.trace_tail()))
        if any(w in res.stderr for w in SANITIZER_WORDS):
            self.t.ok(False, "%s: no sanitizer report" % label, res.stderr[-4000:])
        elif res.returncode not in (0, 1) and not hung:
            self.t.ok(False, "%s: exit 0 or 1" % label,
                      "exit %s\n%s" % (res.returncode, res.stderr[-2000:]))
        return res

    def trace_tail(self, n=30):
        if not self.trace or not os.path.exists(self.trace):
            return "(no trace)"
        with open(self.trace, errors="replace") as f:
            return "".join(f.readlines()[-n:])

    def prompt(self, res, since, slack=6.0):
        """Whether a failed run ended within the timeout (plus slack) after
        `since` (the monotonic time of a cut or of the start of a stall);
        True for runs that succeeded or when nothing happened."""
        if res.returncode == 0 or since is None or since < res.ended - res.took:
            return True
        return res.ended - since <= self.timeout + slack


def check_faulted_run(t, w, res, before, after, stats, fault, label, action):
    """Counts a run made under a fault in stats (proxy stats before and
    after it) and checks it ended within the fault's timeout, naming the
    server when it failed."""
    stats["runs"] += 1
    stats["failed"] += res.returncode != 0
    stats["cuts"] += after["cuts"] - before["cuts"]
    key = "last_stall" if fault == "stall" else "last_cut"
    since = after[key] if after[key] != before[key] else None
    t.ok(w.prompt(res, since), "%s: %s under %s ends within the timeout of the fault "
         "(exit %d after %.1f s)" % (label, action, fault, res.returncode, res.took),
         res.stderr[-1500:])
    if res.returncode != 0:
        t.ok(res.stderr.strip() and "localhost" in res.stderr,
             "%s: the failure names the server" % label, res.stderr[-800:])


def by_message_id(rows):
    """{Message-ID: [row, ...]} of postie list --json rows."""
    out = {}
    for m in rows:
        out.setdefault(m["message_id"], []).append(m)
    return out


def server_bodies(r, user, folder, uids):
    """{uid: the raw bytes of BODY[]} for uids in folder, read with imaplib."""
    from imaptest import quote
    out = {}
    if not uids:
        return out
    c = r.imap(user)
    try:
        c.select(quote(folder), readonly=True)
        uids = sorted(uids)
        for i in range(0, len(uids), 200):
            part = ",".join(str(u) for u in uids[i:i + 200])
            typ, data = c.uid("FETCH", part, "(UID BODY.PEEK[])")
            for item in data:
                if isinstance(item, tuple):
                    head = item[0].decode()
                    u = int(head.split("UID ")[1].split()[0].rstrip(")"))
                    out[u] = item[1]
    finally:
        c.logout()
    return out


def server_message_ids(r, user, folder):
    """{Message-ID without brackets: count} of a folder on the server."""
    from imaptest import quote
    import re
    c = r.imap(user)
    out = {}
    try:
        typ, _ = c.select(quote(folder), readonly=True)
        if typ != "OK":
            return out
        typ, data = c.uid("FETCH", "1:*", "(UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        for item in data:
            if isinstance(item, tuple):
                m = re.search(rb"<([^>\r\n]*)>", item[1])
                key = m.group(1).decode() if m else ""
                out[key] = out.get(key, 0) + 1
    finally:
        c.logout()
    return out


class Reader:
    """Collects a process's stream line by line, with the time of each."""

    def __init__(self, stream):
        self.lines = []
        threading.Thread(target=self._run, args=(stream,), daemon=True).start()

    def _run(self, stream):
        for line in iter(stream.readline, b""):
            self.lines.append((time.monotonic(), line.decode("utf-8", "replace")))

    def wait(self, needle, timeout):
        end = time.monotonic() + timeout
        while True:
            for when, line in list(self.lines):
                if needle in line:
                    return when
            if time.monotonic() >= end:
                return None
            time.sleep(0.05)

    def text(self):
        return "".join(line for _, line in self.lines)
