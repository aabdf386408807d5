#!/usr/bin/python3
"""A TCP proxy that breaks connections on purpose, between postie and a server.

    from faultproxy import FaultProxy
    p = FaultProxy(r.host, r.ports["pop3s"])      # listens on 127.0.0.1:p.port
    t.cleanup(p.stop)
    p.cut_after(5000)                # drop each new connection after 5000 bytes
                                     # from the server ("down"; "up": from the client)
    p.stall(3.0, after=200)          # hold the data for 3 s once 200 bytes went down
    p.rate(50000)                    # at most 50 kB/s each way
    p.random_cuts(seed=7, low=100, high=400000)   # each connection cut at a random
                                     # downstream offset drawn from a seeded RNG
    p.cut_at(b"OK [COPYUID")        # cut the first connection where the server's
                                     # reply starts so, just before it (plain text)
    p.hold(5.0, then="cut")          # a suspended laptop: for 5 s no byte moves on
                                     # any connection, open or new; then the open ones
                                     # go on ("resume") or are cut ("cut")
    p.clear()                        # forward faithfully again
    p.stats()                        # {"connections", "cuts", "up", "down", "last_cut"}

Rules are read when a connection is accepted: changing them affects the
connections that come after (hold and cut_all act on open ones too).
stats()["last_cut"] and ["last_stall"] are the time.monotonic() of the
latest cut and of the start of the latest stall (None before any), so a
test can tell how long a client took to notice one. A cut closes both sides at once (with rst=True
as a TCP reset, else as an orderly close); the bytes before the cut point are
delivered, none after. The proxy only moves bytes, so TLS passes through it
untouched (the certificate is still the server's).

Other processes can drive it through a control socket (a Unix socket taking
one JSON object a line, answering {"ok": true, ...}):

    faultproxy.py --target HOST:PORT [--port N] --control PATH
    {"cmd": "cut_after", "bytes": 5000, "direction": "down"}
    {"cmd": "stall", "seconds": 3, "after": 200, "direction": "down"}
    {"cmd": "rate", "bytes_per_second": 50000}
    {"cmd": "random_cuts", "seed": 7, "low": 100, "high": 400000}
    {"cmd": "hold", "seconds": 5, "then": "resume"}   {"cmd": "cut_all"}
    {"cmd": "cut_at", "pattern": "OK [COPYUID", "direction": "down", "nth": 1,
     "after": false, "once": true}   (the pattern as Latin-1 text)
    {"cmd": "clear"}   {"cmd": "stats"}   {"cmd": "stop"}
FaultProxyClient(PATH) has the same methods as FaultProxy.
"""

import argparse
import json
import os
import random
import select
import socket
import struct
import sys
import threading
import time

_CHUNK = 16384
_TAIL_WAIT = 1.0    # seconds of quiet before bytes held back for cut_at go on


class _Plan:
    """The faults of one connection, fixed when it is accepted."""

    def __init__(self, rules, rng):
        self.cut = dict(rules.get("cut") or {})          # direction -> byte offset
        rc = rules.get("random_cuts")
        if rc:
            self.cut["down"] = rng.randint(rc["low"], rc["high"])
        self.stall = rules.get("stall")                   # (seconds, after, direction)
        self.rate = rules.get("rate")                     # bytes per second, each way
        self.rst = rules.get("rst", False)
        self.pattern = rules.get("pattern")               # see FaultProxy.cut_at


class _Link:
    """One proxied connection: two pumps, one for each direction."""

    def __init__(self, proxy, client, server, plan):
        self.proxy = proxy
        self.client = client
        self.server = server
        self.plan = plan
        self.count = {"up": 0, "down": 0}
        self.tail = {"up": b"", "down": b""}    # held back: might start a pattern
        self.tail_since = {"up": 0.0, "down": 0.0}
        self.seen = 0                           # occurrences of the pattern so far
        self.ended = set()              # directions whose source sent its end
        self.stalled = False
        self.closed = False
        self.lock = threading.Lock()

    def start(self):
        for direction, src, dst in (("up", self.client, self.server),
                                    ("down", self.server, self.client)):
            threading.Thread(target=self._pump, args=(direction, src, dst),
                             daemon=True).start()

    def close(self, cut=False):
        with self.lock:
            if self.closed:
                return
            self.closed = True
        if cut:     # counted before the client can see the end
            self.proxy._count("cuts", 1)
            self.proxy._mark("last_cut", time.monotonic())
        for s in (self.client, self.server):
            try:
                if cut and self.plan.rst:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                else:
                    s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                s.close()
            except OSError:
                pass

    def _end(self, direction, dst):
        """The source of one direction closed: pass the half-close on, and
        close the link once both directions have ended."""
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        with self.lock:
            self.ended.add(direction)
            both = len(self.ended) == 2
        if both:
            self.close()

    def _limit(self, direction, n):
        """How many of the next n bytes may pass before a rule applies."""
        cut = self.plan.cut.get(direction)
        if cut is not None:
            n = min(n, max(0, cut - self.count[direction]))
        st = self.plan.stall
        if st and not self.stalled and st[2] == direction and self.count[direction] < st[1]:
            n = min(n, st[1] - self.count[direction])
        return n

    def _match(self, direction, data):
        """Applies a pattern rule to the bytes just read: returns (bytes to
        forward now, whether to cut after them). Bytes at the end that could
        start the pattern are held back until the next read shows whether
        they do (or the stream pauses), so a cut falls just before the
        pattern even when it arrives split across reads."""
        rule = self.plan.pattern
        held = self.tail[direction]
        self.tail[direction] = b""
        if not rule or rule["direction"] != direction or rule["fired"]:
            return held + data, False
        pat = rule["pattern"]
        buf = held + data
        start = 0
        while True:
            i = buf.find(pat, start)
            if i < 0:
                break
            self.seen += 1
            if self.seen >= rule["nth"]:
                with self.proxy._lock:
                    fire = not rule["fired"]
                    rule["fired"] = rule["once"]
                if fire:
                    return buf[:i + (len(pat) if rule["after"] else 0)], True
            start = i + 1
        keep = 0
        for k in range(min(len(pat) - 1, len(buf)), 0, -1):
            if buf.endswith(pat[:k]):
                keep = k
                break
        if keep:
            self.tail[direction] = buf[-keep:]
            self.tail_since[direction] = time.monotonic()
            buf = buf[:-keep]
        return buf, False

    def _held(self):
        """Waits while the proxy holds everything; True if the link was cut
        meanwhile (a hold that ends in a cut)."""
        held = False
        while not self.closed and self.proxy._holding():
            held = True
            time.sleep(0.05)
        if held and self.proxy._hold_cuts(self):
            self.close(cut=True)
        return self.closed

    def _pump(self, direction, src, dst):
        try:
            while not self.closed:
                if self._held():
                    return
                if self.plan.cut.get(direction) is not None and \
                        self.count[direction] >= self.plan.cut[direction]:
                    self.close(cut=True)
                    return
                st = self.plan.stall
                if st and not self.stalled and st[2] == direction and \
                        self.count[direction] >= st[1]:
                    self.stalled = True
                    self.proxy._mark("last_stall", time.monotonic())
                    time.sleep(st[0])
                r, _, _ = select.select([src], [], [], 0.2)
                if not r:
                    if self.tail[direction] and \
                            time.monotonic() - self.tail_since[direction] >= _TAIL_WAIT:
                        # A pause: the held bytes go on (a client waiting
                        # for them waits this long, only when a read ended
                        # with the start of the pattern).
                        dst.sendall(self.tail[direction])
                        self.count[direction] += len(self.tail[direction])
                        self.tail[direction] = b""
                    continue
                if self._held():        # a hold that began during the select
                    return
                want = _CHUNK
                if self.plan.rate:
                    want = max(1, min(want, self.plan.rate // 20))
                want = self._limit(direction, want) or 1
                data = src.recv(want)
                if not data:
                    if self.tail[direction]:
                        dst.sendall(self.tail[direction])
                    self._end(direction, dst)
                    return
                data, cut = self._match(direction, data)
                if cut:
                    dst.sendall(data)
                    self.count[direction] += len(data)
                    self.close(cut=True)
                    return
                # recv may not return more than asked, so limits hold exactly.
                dst.sendall(data)
                self.count[direction] += len(data)
                self.proxy._count(direction, len(data))
                if self.plan.rate:
                    time.sleep(len(data) / self.plan.rate)
        except (OSError, ValueError):   # ValueError: select on a socket closed meanwhile
            self.close()


class FaultProxy:
    def __init__(self, target_host, target_port, listen_host="127.0.0.1", port=0):
        self.target = (target_host, target_port)
        self._rules = {}
        self._rng = random.Random(0)
        self._lock = threading.Lock()
        self._stats = {"connections": 0, "cuts": 0, "up": 0, "down": 0, "last_cut": None,
                       "last_stall": None}
        self._links = []
        self._hold_until = 0.0
        self._hold_doomed = set()       # links a hold cuts when it ends
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((listen_host, port))
        self._sock.listen(64)
        self.host = listen_host
        self.port = self._sock.getsockname()[1]
        self._stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    # -- rules ---------------------------------------------------------------

    def cut_after(self, nbytes, direction="down", rst=False):
        with self._lock:
            self._rules.setdefault("cut", {})[direction] = int(nbytes)
            self._rules["rst"] = rst

    def stall(self, seconds, after=0, direction="down"):
        with self._lock:
            self._rules["stall"] = (float(seconds), int(after), direction)

    def rate(self, bytes_per_second):
        with self._lock:
            self._rules["rate"] = int(bytes_per_second) if bytes_per_second else None

    def random_cuts(self, seed, low, high, rst=False):
        with self._lock:
            self._rng = random.Random(seed)
            self._rules["random_cuts"] = {"low": int(low), "high": int(high)}
            self._rules["rst"] = rst

    def cut_at(self, pattern, direction="down", nth=1, after=False, once=True):
        """Cuts a connection just before (after=True: just after) the nth
        occurrence of pattern (bytes) in one direction of it, the bytes
        before the cut delivered. For plain-text protocols: e.g. just before
        the server's OK to a COPY it has carried out. once: only the first
        connection where it happens is cut, the rest go on faithfully."""
        if isinstance(pattern, str):
            pattern = pattern.encode()
        with self._lock:
            self._rules["pattern"] = {"pattern": pattern, "direction": direction,
                                      "nth": int(nth), "after": bool(after),
                                      "once": bool(once), "fired": False}

    def hold(self, seconds, then="resume"):
        """For `seconds` no byte moves on any connection, open or opened
        meanwhile (their bytes wait); then the connections open when the hold
        began either go on (then="resume") or are cut ("cut"), like the
        connections of a laptop that was suspended."""
        if then not in ("resume", "cut"):
            raise ValueError(then)
        with self._lock:
            self._hold_until = time.monotonic() + float(seconds)
            self._hold_doomed = set(id(lk) for lk in self._links if not lk.closed) \
                if then == "cut" else set()

    def clear(self):
        with self._lock:
            self._rules = {}
            self._hold_until = 0.0
            self._hold_doomed = set()

    def stats(self):
        with self._lock:
            return dict(self._stats)

    def cut_all(self):
        """Cuts every connection open now."""
        for link in list(self._links):
            link.close(cut=True)

    def stop(self):
        self._stopped = True
        try:
            self._sock.close()
        except OSError:
            pass
        for link in list(self._links):
            link.close()

    # -- internals -------------------------------------------------------------

    def _count(self, key, n):
        with self._lock:
            self._stats[key] += n

    def _mark(self, key, when):
        with self._lock:
            self._stats[key] = when

    def _holding(self):
        return time.monotonic() < self._hold_until

    def _hold_cuts(self, link):
        with self._lock:
            return id(link) in self._hold_doomed

    def _accept(self):
        while not self._stopped:
            try:
                client, _ = self._sock.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=10)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                plan = _Plan(self._rules, self._rng)
                self._stats["connections"] += 1
            link = _Link(self, client, server, plan)
            self._links = [lk for lk in self._links if not lk.closed] + [link]
            link.start()


class FaultProxyClient:
    """FaultProxy's methods, over the control socket of another process."""

    def __init__(self, path):
        self.path = path

    def _call(self, **req):
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect(self.path)
            s.sendall((json.dumps(req) + "\n").encode())
            reply = b""
            while not reply.endswith(b"\n"):
                data = s.recv(4096)
                if not data:
                    break
                reply += data
        finally:
            s.close()
        out = json.loads(reply or b"{}")
        if not out.get("ok"):
            raise RuntimeError("faultproxy: %s" % out.get("error"))
        return out

    def cut_after(self, nbytes, direction="down", rst=False):
        self._call(cmd="cut_after", bytes=nbytes, direction=direction, rst=rst)

    def stall(self, seconds, after=0, direction="down"):
        self._call(cmd="stall", seconds=seconds, after=after, direction=direction)

    def rate(self, bytes_per_second):
        self._call(cmd="rate", bytes_per_second=bytes_per_second)

    def random_cuts(self, seed, low, high, rst=False):
        self._call(cmd="random_cuts", seed=seed, low=low, high=high, rst=rst)

    def hold(self, seconds, then="resume"):
        self._call(cmd="hold", seconds=seconds, then=then)

    def cut_at(self, pattern, direction="down", nth=1, after=False, once=True):
        if isinstance(pattern, bytes):
            pattern = pattern.decode("latin-1")
        self._call(cmd="cut_at", pattern=pattern, direction=direction, nth=nth, after=after,
                   once=once)

    def cut_all(self):
        self._call(cmd="cut_all")

    def clear(self):
        self._call(cmd="clear")

    def stats(self):
        return self._call(cmd="stats")["stats"]

    def stop(self):
        self._call(cmd="stop")


def _serve_control(proxy, path):
    if os.path.exists(path):
        os.unlink(path)
    ctl = socket.socket(socket.AF_UNIX)
    ctl.bind(path)
    ctl.listen(8)
    calls = {
        "cut_after": lambda r: proxy.cut_after(r["bytes"], r.get("direction", "down"),
                                               r.get("rst", False)),
        "stall": lambda r: proxy.stall(r["seconds"], r.get("after", 0),
                                       r.get("direction", "down")),
        "rate": lambda r: proxy.rate(r["bytes_per_second"]),
        "random_cuts": lambda r: proxy.random_cuts(r["seed"], r["low"], r["high"],
                                                   r.get("rst", False)),
        "hold": lambda r: proxy.hold(r["seconds"], r.get("then", "resume")),
        "cut_all": lambda r: proxy.cut_all(),
        "cut_at": lambda r: proxy.cut_at(r["pattern"].encode("latin-1"),
                                          r.get("direction", "down"), r.get("nth", 1),
                                          r.get("after", False), r.get("once", True)),
        "clear": lambda r: proxy.clear(),
        "stats": lambda r: {"stats": proxy.stats()},
    }
    while True:
        conn, _ = ctl.accept()
        with conn:
            line = b""
            while not line.endswith(b"\n"):
                data = conn.recv(4096)
                if not data:
                    break
                line += data
            try:
                req = json.loads(line)
                if req.get("cmd") == "stop":
                    conn.sendall(b'{"ok": true}\n')
                    proxy.stop()
                    return
                out = calls[req["cmd"]](req) or {}
                out["ok"] = True
            except Exception as e:  # a bad request is answered, not fatal
                out = {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}
            conn.sendall((json.dumps(out) + "\n").encode())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--target", required=True, help="HOST:PORT of the server")
    ap.add_argument("--port", type=int, default=0, help="port to listen on (default: free)")
    ap.add_argument("--control", required=True, help="path of the control socket")
    args = ap.parse_args()
    host, port = args.target.rsplit(":", 1)
    proxy = FaultProxy(host, int(port), port=args.port)
    print(json.dumps({"port": proxy.port, "control": args.control}), flush=True)
    _serve_control(proxy, args.control)


if __name__ == "__main__":
    sys.exit(main())
