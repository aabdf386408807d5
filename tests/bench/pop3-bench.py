#!/usr/bin/python3
"""POP3 download benchmark: postie against fetchmail, in the same run.

    tests/bench/pop3-bench.py [-n 10000] [--postie PATH] [--runs 3] [--fetchmail-sync]

Starts the test rig, seeds the same N generated messages into two users'
mailboxes (the same seed: the same messages but for the To header), then
downloads one with `postie sync` (download and delete, every batch synced to
disk before its messages are deleted on the server) and the other with
fetchmail over the same implicit-TLS port, delivering each message through
--mda into one file (`cat >> FILE`, which never syncs); with
--fetchmail-sync also with an MDA that syncs each message to disk
(`cat >> FILE && sync FILE`), the nearest fetchmail comes to postie's
guarantee. Each client empties its mailbox; postie starts each run with an
empty store. The figures are wall time, messages a second and peak memory;
the ratio is fetchmail's time over postie's in the same run (above 1: postie
is faster), and the median over --runs runs is printed. The machine's load
shows in the figures: compare the ratio, not the seconds. Figures only;
never asserts.

Use a build without sanitizers (the default ./configure) for POSTIE.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, os.path.join(HERE, "..", "servers"))
import postie_test  # noqa: E402
from postie_test import Postie  # noqa: E402
from rig import Rig  # noqa: E402
from storetest import maildir_count  # noqa: E402


def timed_rss(argv, env=None):
    """Runs argv; returns (seconds, status, stdout, stderr, peak RSS in MB).
    GNU time measures the peak: a child forked from Python would count
    Python's own memory (Linux keeps the high-water mark across exec)."""
    t0 = time.monotonic()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv, capture_output=True, env=env)
    elapsed = time.monotonic() - t0
    err = proc.stderr.decode(errors="replace").rstrip("\n").rsplit("\n", 1)
    rss = int(err[-1]) / 1024 if err[-1].isdigit() else float("nan")
    return elapsed, proc.returncode, proc.stdout, (err[0] if len(err) > 1 else "").encode(), rss


def fetchmail_rc(path, r, user, mbox, sync):
    mda = "cat >> %s" % mbox + (" && sync %s" % mbox if sync else "")
    with open(path, "w") as f:
        f.write('set no syslog\n'
                'poll %s protocol POP3 port %d:\n'
                '  user "%s" there with password "%s" is "%s" here\n'
                '  ssl sslcertck sslcertfile "%s"\n'
                '  fetchall nokeep\n'
                '  mda "%s"\n' % (r.host, r.ports["pop3s"], user, r.password(user),
                                  os.environ.get("USER", "root"), r.ca_file, mda))
    os.chmod(path, 0o600)


def run_once(r, p, n, tmp, i, with_sync):
    out = {}
    r.seed("alice", n, seed=1000 + i, flags=False)
    r.write_postie_account(p, "pop%d" % i, "alice", protocol="pop3")
    t, status, so, se, rss = timed_rss(p.argv("sync", "-a", "pop%d" % i))
    ok = status == 0 and maildir_count(r.maildir("alice")) == 0
    out["postie"] = (t, rss, ok, se.decode(errors="replace")[-300:])
    for label, sync in (("fetchmail", False), ("fetchmail+sync", True))[:2 if with_sync else 1]:
        r.seed("bob", n, seed=1000 + i, flags=False)
        mbox = os.path.join(tmp, "mbox-%d-%s" % (i, label))
        rc = os.path.join(tmp, "fetchmailrc")
        fetchmail_rc(rc, r, "bob", mbox, sync)
        env = dict(os.environ, HOME=tmp, FETCHMAILHOME=tmp)
        t, status, so, se, rss = timed_rss(
            ["fetchmail", "-f", rc, "--nodetach", "--silent", "--pidfile",
             os.path.join(tmp, "fetchmail.pid")], env=env)
        ok = status in (0, 1) and maildir_count(r.maildir("bob")) == 0
        out[label] = (t, rss, ok, se.decode(errors="replace")[-300:])
        if os.path.exists(mbox):
            os.unlink(mbox)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=10000, help="messages per run (default 10000)")
    ap.add_argument("--runs", type=int, default=3, help="runs, the median is printed")
    ap.add_argument("--fetchmail-sync", action="store_true",
                    help="also run fetchmail with an MDA that syncs each message")
    ap.add_argument("--postie", default=os.environ.get("POSTIE") or
                    os.path.join(HERE, "..", "..", "postie"))
    args = ap.parse_args()
    postie_test.POSTIE = os.path.abspath(args.postie)
    if not shutil.which("fetchmail"):
        sys.exit("pop3-bench: fetchmail is missing (tests/deps.sh --bench installs it)")
    tmp = tempfile.mkdtemp(prefix="pop3-bench.", dir="/tmp")
    os.chmod(tmp, 0o755)
    r = Rig(tmp)
    r.start()
    try:
        p = Postie(tmp)
        results = []
        for i in range(args.runs):
            res = run_once(r, p, args.n, tmp, i, args.fetchmail_sync)
            results.append(res)
            for k, (t, rss, ok, err) in res.items():
                if not ok:
                    print("run %d: %s failed: %s" % (i + 1, k, err), file=sys.stderr)
        print("POP3 download of %d messages over TLS, median of %d runs:" % (args.n, args.runs))
        for k in results[0]:
            ts = [res[k][0] for res in results]
            rs = [res[k][1] for res in results]
            med = statistics.median(ts)
            print("  %-16s %7.2f s  %8.0f msg/s  peak %5.0f MB  (runs: %s)" % (
                k, med, args.n / med, max(rs), ", ".join("%.2f" % x for x in ts)))
        for k in [k for k in results[0] if k != "postie"]:
            ratios = [res[k][0] / res["postie"][0] for res in results]
            print("  ratio %s / postie: %.2f  (runs: %s; above 1: postie is faster)" % (
                k, statistics.median(ratios), ", ".join("%.2f" % x for x in ratios)))
    finally:
        r.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
