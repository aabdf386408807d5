"""The fault proxy itself (tests/servers/faultproxy.py), against a small
server that sends a known stream: faithful forwarding, cuts after an exact
number of bytes each way, a stall, a rate limit, seeded random cuts that
repeat, and the control socket of a proxy in another process."""
import json
import os
import socket
import subprocess
import sys
import threading
import time

from faultproxy import FaultProxy, FaultProxyClient
from postie_test import TAP

t = TAP()
DATA = bytes(range(256)) * 400          # 102,400 bytes


class Source:
    """Sends DATA to every client, and counts what each client sends it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.received = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(c,), daemon=True).start()

    def _serve(self, c):
        try:
            c.sendall(DATA)
            got = b""
            while True:
                data = c.recv(65536)
                if not data:
                    break
                got += data
            self.received.append(got)
        except OSError:
            pass
        finally:
            c.close()


def same(got, want, name):
    """Compares byte strings without printing 100 kB on a failure."""
    t.ok(got == want, name, None if got == want else
         "got %d bytes, expected %d (first difference at %d)" % (
             len(got), len(want), next((i for i, (a, b) in enumerate(zip(got, want)) if a != b),
                                       min(len(got), len(want)))))


def fetch(port, send=b"", timeout=20):
    """Connects, sends `send`, reads until the end; returns (bytes, seconds)."""
    t0 = time.monotonic()
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    except ConnectionResetError:
        # A reset cut can come before a loaded machine lets connect() see
        # its handshake: then the reset is what connect() reports.
        return b"", time.monotonic() - t0
    out = b""
    try:
        if send:
            s.sendall(send)
        s.shutdown(socket.SHUT_WR)
        while True:
            data = s.recv(65536)
            if not data:
                break
            out += data
    except OSError:
        pass
    finally:
        s.close()
    return out, time.monotonic() - t0


src = Source()
t.cleanup(src.sock.close)
p = FaultProxy("127.0.0.1", src.port)
t.cleanup(p.stop)

got, _ = fetch(p.port)
same(got, DATA, "forwards the stream faithfully")

p.cut_after(5000)
got, _ = fetch(p.port)
same(got, DATA[:5000], "cut_after: exactly the first 5000 bytes, then the end")
t.eq(p.stats()["cuts"], 1, "the cut is counted")

p.clear()
p.cut_after(10, direction="up")
s = socket.create_connection(("127.0.0.1", p.port), timeout=10)
s.sendall(b"0123456789abcdef")
time.sleep(0.5)
s.close()
time.sleep(0.3)
t.ok(src.received and src.received[-1] == b"0123456789",
     "cut_after up: the server gets exactly 10 bytes", repr(src.received[-1:]))

p.clear()
p.stall(1.0, after=1000)
got, secs = fetch(p.port)
t.ok(got == DATA and secs >= 1.0, "stall: all the data, a second late (%.2f s)" % secs)

p.clear()
p.rate(200000)
got, secs = fetch(p.port)
t.ok(got == DATA and secs >= 0.35, "rate: 100 kB at 200 kB/s takes about half a second "
     "(%.2f s)" % secs)

p.clear()
p.random_cuts(seed=42, low=100, high=50000)
first = [len(fetch(p.port)[0]) for _ in range(5)]
p.random_cuts(seed=42, low=100, high=50000)
second = [len(fetch(p.port)[0]) for _ in range(5)]
t.eq(first, second, "random cuts repeat with the same seed")
t.ok(all(100 <= n <= 50000 for n in first) and len(set(first)) > 1,
     "random cuts fall between low and high, at different points", repr(first))

p.clear()
p.cut_after(3000, rst=True)
got, _ = fetch(p.port)
t.ok(len(got) <= 3000, "a reset cut delivers no more than the limit (%d)" % len(got))

# cut_at: just before, or just after, a pattern; once.
p.clear()
pat = bytes([5, 6, 7, 8])           # first at offset 5 of each 256-byte block
p.cut_at(pat, nth=3)
got, _ = fetch(p.port)
same(got, DATA[:512 + 5], "cut_at: just before the 3rd occurrence")
got, _ = fetch(p.port)
same(got, DATA, "cut_at: once, the next connection is left alone")
p.cut_at(pat, after=True, once=False)
got, _ = fetch(p.port)
same(got, DATA[:9], "cut_at after: just after the pattern")
got, _ = fetch(p.port)
same(got, DATA[:9], "cut_at once=False: every connection")
p.clear()
p.cut_at(b"0123", direction="up")
s = socket.create_connection(("127.0.0.1", p.port), timeout=10)
s.sendall(b"abc")
time.sleep(0.1)
s.sendall(b"x01")
time.sleep(0.1)         # well within the second the proxy waits for the rest
s.sendall(b"23yz")
time.sleep(0.5)
s.close()
time.sleep(0.3)
t.ok(src.received and src.received[-1] == b"abcx", "cut_at up: a pattern split across reads",
     repr(src.received[-1:]))

# hold: nothing moves for a while, on open and new connections alike.
p.clear()
s = socket.create_connection(("127.0.0.1", p.port), timeout=20)
first = s.recv(1000)
p.hold(1.0)
t0 = time.monotonic()
# The whole stream may be in the socket buffers already; what is sent now
# waits, and the server ends the stream only once it has it.
s.sendall(b"ping")
s.shutdown(socket.SHUT_WR)
rest = b""
while True:             # to the end, which comes after the server got "ping"
    data = s.recv(65536)
    if not data:
        break
    rest += data
took = time.monotonic() - t0
s.close()
same(first + rest, DATA, "hold, then resume: the whole stream arrives")
t.ok(took >= 0.8 and b"ping" in src.received, "hold: the stream waited (%.2f s)" % took,
     repr(src.received[-3:]))
p.hold(1.0)
got, secs = fetch(p.port)
same(got, DATA, "hold: a connection made meanwhile waits, then goes on")
t.ok(secs >= 0.8, "hold: a new connection waited too (%.2f s)" % secs)

p.clear()
s = socket.create_connection(("127.0.0.1", p.port), timeout=20)
s.recv(100)
before = p.stats()["cuts"]
p.hold(0.5, then="cut")
t0 = time.monotonic()
while True:
    try:
        data = s.recv(65536)
    except OSError:
        break
    if not data:
        break
s.close()
st = p.stats()
t.ok(st["cuts"] == before + 1 and time.monotonic() - t0 >= 0.4,
     "hold then cut: the open connection is cut when the hold ends", st)
t.ok(st["last_cut"] and abs(st["last_cut"] - time.monotonic()) < 5, "stats: last_cut is the "
     "monotonic time of the cut")
got, _ = fetch(p.port)
same(got, DATA, "after a hold that cut, new connections work")

# A proxy in another process, driven through its control socket.
ctl = os.path.join(t.tmpdir, "proxy.ctl")
proc = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(__file__), "..", "servers",
                                                      "faultproxy.py"),
                         "--target", "127.0.0.1:%d" % src.port, "--control", ctl],
                        stdout=subprocess.PIPE, text=True)
t.cleanup(proc.kill)
info = json.loads(proc.stdout.readline())
c = FaultProxyClient(ctl)
got, _ = fetch(info["port"])
same(got, DATA, "control: the other process forwards")
c.cut_after(777)
got, _ = fetch(info["port"])
same(got, DATA[:777], "control: cut_after through the socket")
t.eq(c.stats()["cuts"], 1, "control: stats through the socket")
c.clear()
c.hold(0.3)
got, secs = fetch(info["port"])
t.ok(got == DATA and secs >= 0.25, "control: hold through the socket (%.2f s)" % secs)
try:
    c._call(cmd="nonsense")
    t.ok(False, "control: a bad request is refused")
except RuntimeError as e:
    t.contains(str(e), "nonsense", "control: a bad request is refused, naming it")
c.stop()
t.eq(proc.wait(timeout=10), 0, "control: stop ends the process")

t.done()
