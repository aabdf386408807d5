#!/usr/bin/python3
"""How fast the interface answers keys while a large folder syncs.

    POSTIE=_build/postie /usr/bin/python3 tests/bench/tui-latency.py [-n 100000]

Starts the test rig with an INBOX of N generated messages (default 100,000),
then opens it for the first time (nothing stored yet) in postie, on a
pseudo-terminal of 120x40, and presses a key every 50 ms while the sync runs:
each key is one postie does not bind, so it answers with a line that names
the key ("Key Y is not bound"), and the latency is the time from writing the
key to the pseudo-terminal until that text comes back, as a user sees it.

Then the same with NeoMutt (if installed) opening the same folder without a
header cache: it reads no key until the folder is open, so the first key's
latency is most of its open time.

Prints latencies (min, median, 95th percentile, max, how many over 100 ms),
how long the sync took, and the ratio to NeoMutt. Figures only, never an
assertion (GUIDE.md: benchmarks never assert on time).
"""

import argparse
import os
import pty
import select
import shutil
import statistics
import struct
import sys
import tempfile
import fcntl
import termios
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "servers"))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))

from rig import Rig  # noqa: E402
from postie_test import Postie  # noqa: E402

import pyte  # noqa: E402


def replay_latencies(chunks, sends, rows, cols, bottom):
    """The exact latency of each key press: the output is replayed through a
    fresh emulator chunk by chunk (so the emulator's own speed during the
    run does not count), and each (send time, text) is answered by the first
    chunk after it that shows text on the bottom line. Keys whose answer
    never came within 5 s are left out."""
    screen = pyte.Screen(cols, rows)
    stream = pyte.ByteStream(screen)
    states = []
    for at, data in chunks:
        stream.feed(data)
        row = screen.buffer[bottom]
        states.append((at, "".join(row[x].data for x in range(cols))))
    import bisect
    times = [at for at, _ in states]
    out = []
    for sent, text in sends:
        i = bisect.bisect_left(times, sent)
        while i < len(states) and states[i][0] - sent < 5:
            if text in states[i][1]:
                out.append(states[i][0] - sent)
                break
            i += 1
        else:
            out.append(None)
    return out


class Pty:
    """A program on a pseudo-terminal; a thread feeds its output to a
    terminal emulator (pyte), since a curses program writes only what
    changed on the screen, not whole lines."""

    def __init__(self, argv, env, cols=120, rows=40, cwd=None):
        self.rows = rows
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                if cwd:
                    os.chdir(cwd)
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.chunks = []       # (arrival time, bytes), for exact timing afterwards
        self.seq = 0
        self.lock = threading.Lock()
        self.done = False
        self.t = threading.Thread(target=self._reader, daemon=True)
        self.t.start()

    def _reader(self):
        while not self.done:
            r, _, _ = select.select([self.fd], [], [], 0.05)
            if not r:
                continue
            try:
                data = os.read(self.fd, 1 << 16)
            except OSError:
                break
            if not data:
                break
            now = time.monotonic()
            with self.lock:
                self.chunks.append((now, data))
                self.stream.feed(data)
                self.seq += 1

    def _line(self, y):
        # not screen.display: pyte 0.8 fails on some wide-character cells
        row = self.screen.buffer[y]
        return "".join(row[x].data for x in range(self.screen.columns))

    def lines(self, *ys):
        with self.lock:
            return [self._line(y) for y in ys]

    def wait_text(self, text, timeout, ys=None, start=None):
        """Seconds from start (default now) until text is on the screen (on
        rows ys only, when given), or None."""
        start = start or time.monotonic()
        seen = -1
        while time.monotonic() - start < timeout:
            with self.lock:
                if self.seq != seen:
                    seen = self.seq
                    rows = ys if ys is not None else range(self.rows)
                    if any(text in self._line(y) for y in rows):
                        return time.monotonic() - start
            time.sleep(0.0005)
        return None

    def send(self, s):
        os.write(self.fd, s.encode())

    def close(self):
        try:
            os.kill(self.pid, 15)
        except ProcessLookupError:
            pass
        for _ in range(100):
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(0.05)
        else:
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
        self.done = True
        os.close(self.fd)


def term_env():
    env = dict(os.environ)
    # screen-256color: xterm-256color without REP, which pyte lacks
    env.update({"TERM": "screen-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"})
    return env


def summary(name, lat):
    if not lat:
        print("%-8s no samples" % name)
        return
    ms = sorted(x * 1000 for x in lat)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print("%-8s %4d keys  min %6.1f  median %6.1f  p95 %6.1f  p99 %6.1f  max %7.1f ms  "
          "over 100 ms: %d" % (name, len(ms), ms[0], statistics.median(ms), p95, p99, ms[-1],
                               sum(1 for x in ms if x > 100)))


def bench_postie(rig, base, n):
    p = Postie(base, "bench")
    rig.write_postie_account(p, "bench", "alice")
    postie = os.environ.get("POSTIE") or os.path.join(HERE, "..", "..", "_build", "postie")
    argv = [os.path.abspath(postie), "-F", p.config_dir, "-D", p.data_dir]
    term = Pty(argv, term_env(), cwd=base)
    t0 = time.monotonic()
    lat, during = [], 0
    sends = []
    keys = "YEIw"
    synced_at = None
    seen_sync = False
    bottom = [39]
    try:
        if term.wait_text("INBOX", 30) is None:
            print("postie did not start")
            return None, None
        first_screen = time.monotonic() - t0
        k = 0
        while time.monotonic() - t0 < 900:
            key = keys[k % len(keys)]
            k += 1
            sent = time.monotonic()
            term.send(key)
            sends.append((sent, "Key %s is" % key))
            d = term.wait_text("Key %s is" % key, 5, bottom, sent)
            if d is not None:
                lat.append(d)
            # The sync is done when the account is online again with the
            # whole folder: the count alone comes from the server's STATUS
            # before the first summary arrives.
            status = term.lines(38)[0]
            seen_sync = seen_sync or "syncing" in status
            if seen_sync and "-- online" in status and ("[%d messages" % n) in status:
                synced_at = time.monotonic() - t0
                during = len(sends)
                break
            time.sleep(0.05)
        for i in range(30):
            key = keys[i % len(keys)]
            sent = time.monotonic()
            term.send(key)
            sends.append((sent, "Key %s is" % key))
            term.wait_text("Key %s is" % key, 5, bottom, sent)
            time.sleep(0.05)
    finally:
        term.close()
    exact = replay_latencies(term.chunks, sends, 40, 120, bottom[0])
    lost = sum(1 for x in exact if x is None)
    lat = [x for x in exact[:during] if x is not None]
    idle = [x for x in exact[during:] if x is not None]
    if lost:
        print("(%d key answers not seen)" % lost)
    log = os.path.join(p.data_dir, "postie.log")
    if os.path.exists(log):
        stalls = [l.strip() for l in open(log, errors="replace") if "for one turn" in l]
        print("interface turns over 100 ms (postie.log): %d" % len(stalls))
        for l in stalls[:10]:
            print("   ", l)
    print("postie: first screen after %.2f s; sync of %d messages took %.1f s"
          % (first_screen, n, synced_at or float("nan")))
    summary("syncing", lat)
    summary("idle", idle)
    return lat, synced_at


def bench_neomutt(rig, base, n):
    neomutt = shutil.which("neomutt")
    if not neomutt:
        print("neomutt: not installed (tests/deps.sh installs it with the benchmark packages)")
        return None
    rc = os.path.join(base, "neomuttrc")
    with open(rc, "w") as f:
        f.write("set folder = imaps://alice@localhost:%d/\n" % rig.ports["imaps"])
        f.write("set spoolfile = +INBOX\nset imap_pass = %s\n" % rig.password("alice"))
        f.write("set ssl_ca_certificates_file = %s\n" % rig.ca_file)
        f.write("set sort = threads\nunset header_cache\nset mail_check = 0\n"
                "set imap_check_subscribed = no\nset timeout = 0\n")
    env = term_env()
    env["HOME"] = base
    term = Pty([neomutt, "-n", "-F", rc], env, cwd=base)
    t0 = time.monotonic()
    try:
        # NeoMutt throws away what was typed while it opened the folder, so
        # the key is pressed again every 50 ms until it answers: the latency
        # is from the first press, as the user waited from then.
        time.sleep(0.3)
        first_press = time.monotonic()
        first = None
        while first is None and time.monotonic() - first_press < 600:
            term.send("E")   # unbound in NeoMutt's index
            if term.wait_text("not bound", 0.05) is not None:
                first = time.monotonic() - first_press
        opened = time.monotonic() - t0
    finally:
        term.close()
    if first is None:
        print("neomutt: no answer")
        return None
    print("neomutt: a key pressed during the open was answered after %.2f s (open ~%.1f s)"
          % (first, opened))
    return first


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=100000)
    ap.add_argument("--no-neomutt", action="store_true")
    a = ap.parse_args()
    base = tempfile.mkdtemp(prefix="postie-bench.", dir="/tmp")
    os.chmod(base, 0o755)
    rig = Rig(base)
    rig.start()
    try:
        t = time.monotonic()
        rig.seed("alice", a.n)
        print("seeded %d messages in %.1f s" % (a.n, time.monotonic() - t))
        lat, _ = bench_postie(rig, base, a.n)
        nm = None if a.no_neomutt else bench_neomutt(rig, base, a.n)
        if lat and nm:
            print("ratio: NeoMutt's first answer / postie's median while syncing = %.0fx"
                  % (nm / statistics.median(lat)))
    finally:
        rig.stop()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
