"""Starting and stopping the rig's server processes by PID and process group.

Every server runs in its own session (so its process group id is its PID and
a Ctrl-C on the test's terminal does not reach it). The group ids are kept in
a JSON state file, so that `rig.py stop DIR`, the watchdog below and the Rig
object itself all stop exactly what was started, and nothing else.

The watchdog (`procs.py watch STATEFILE`, started by Rig) is a small process
that waits for the test process to die, however it dies (even kill -9), and
then stops every group still listed in the state file.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time

PYTHON = "/usr/bin/python3"


def _proc_members(pgid):
    """PIDs of live (non-zombie) processes in process group pgid."""
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                stat = f.read()
        except OSError:
            continue
        # Fields after the command name, which is in parentheses and may hold spaces.
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:
            out.append(int(name))
    return out


def group_alive(pgid):
    return bool(_proc_members(pgid))


def _signal_until_gone(pgid, sig, popen, timeout):
    """Sends sig to the group every 50 ms (a master may still fork children
    that missed the first one) until the group is empty or timeout passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            pass
        for _ in range(5):
            if popen is not None:
                popen.poll()  # reap our direct child so it is not counted as alive
            if not group_alive(pgid):
                return True
            time.sleep(0.01)
    return False


def stop_group(pgid, popen=None, timeout=5.0):
    """Stops the process group led by pgid: SIGTERM to every member, then
    SIGKILL. Returns True when nothing of the group is left.

    Signalling the whole group at once (not Dovecot's master alone, which
    shuts down in order) costs some "Killed with signal 15" lines in the log
    but saves a second a stop."""
    if not _signal_until_gone(pgid, signal.SIGTERM, popen, timeout):
        _signal_until_gone(pgid, signal.SIGKILL, popen, timeout)
    if popen is not None:
        try:
            popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
    return not group_alive(pgid)


def spawn(argv, log_path, **kw):
    """Starts argv in a new session with stdout/stderr to log_path."""
    log = open(log_path, "ab")
    try:
        return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                start_new_session=True, **kw)
    finally:
        log.close()


class StateFile:
    """JSON file {"groups": {name: pgid}, ...} describing a running rig."""

    def __init__(self, path):
        self.path = path

    def load(self):
        try:
            with open(self.path) as f:
                return json.load(f)
        except (OSError, ValueError):
            return {}

    def save(self, data):
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(data, f, indent=1, sort_keys=True)
        os.replace(tmp, self.path)

    def update(self, **kw):
        data = self.load()
        data.update(kw)
        self.save(data)

    def add_group(self, name, pgid):
        data = self.load()
        data.setdefault("groups", {})[name] = pgid
        self.save(data)

    def remove_group(self, name):
        data = self.load()
        data.get("groups", {}).pop(name, None)
        self.save(data)

    def add_tmpdir(self, path):
        """A directory outside the run dir to remove once everything stopped."""
        data = self.load()
        dirs = data.setdefault("tmpdirs", [])
        if path not in dirs:
            dirs.append(path)
        self.save(data)

    def stop_all(self):
        """Stops every group listed, then removes the listed temporary dirs;
        returns the names of groups that resisted."""
        left = []
        for name, pgid in sorted(self.load().get("groups", {}).items()):
            if stop_group(pgid):
                self.remove_group(name)
            else:
                left.append(name)
        if not left:
            data = self.load()
            for d in data.pop("tmpdirs", []):
                shutil.rmtree(d, ignore_errors=True)
            self.save(data)
        return left


def start_watchdog(state_path):
    """Starts the watchdog; keep the returned Popen (its stdin pipe) open while
    the servers should live. Closing it, or dying, makes the watchdog stop
    whatever the state file still lists."""
    return subprocess.Popen([PYTHON, os.path.abspath(__file__), "watch", state_path],
                            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            start_new_session=True)


def _watch(state_path):
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except OSError:
        pass
    StateFile(state_path).stop_all()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "watch":
        _watch(sys.argv[2])
    else:
        sys.exit("usage: procs.py watch STATEFILE")
