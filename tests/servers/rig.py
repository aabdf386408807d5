#!/usr/bin/python3
"""The test rig: a private Dovecot (IMAP, POP3, submission, LMTP) and an SMTP
sink on 127.0.0.1, with a throwaway CA, for postie's integration tests.

    from rig import Rig
    r = Rig(t.tmpdir)          # users alice/alice-pw, bob/bob-pw, carol/carol-pw
    r.start()
    t.cleanup(r.stop)          # also stopped at exit, on SIGTERM, and by a watchdog
    r.ports["imaps"], r.ca_file, r.host ...

Command line (for people and shell scripts):

    rig.py start DIR [--user NAME:PASSWORD ...] [--seed USER:N ...]
                      prints a JSON description and leaves the servers running
    rig.py stop DIR   stops what `start DIR` started

Everything lives in DIR/rig (Dovecot's sockets may sit in a short /tmp dir).
See doc/HACKING.md and /work/shared/test-servers.md for the why of each choice.
"""

import argparse
import atexit
import imaplib
import json
import os
import pwd
import re
import secrets
import shlex
import signal
import socket
import ssl
import stat
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import certs as certs_mod  # noqa: E402
import procs  # noqa: E402
import seed as seed_mod  # noqa: E402
from dovecot import Dovecot, ENDPOINTS  # noqa: E402

DOMAIN = "example.test"
DEFAULT_USERS = [("alice", "alice-pw"), ("bob", "bob-pw"), ("carol", "carol-pw")]
BAD_KINDS = ("selfsigned", "expired", "wronghost")
SERVERS_DIR = os.path.dirname(os.path.abspath(__file__))

# Port numbers of each protocol and TLS mode, for account files.
_MAIL_PORT = {("imap", "implicit"): "imaps", ("imap", "starttls"): "imap",
              ("imap", "none"): "imap", ("pop3", "implicit"): "pop3s",
              ("pop3", "starttls"): "pop3", ("pop3", "none"): "pop3"}
_SMTP_PORT = {"implicit": "submissions", "starttls": "submission", "none": "submission"}


def free_ports(n):
    """n distinct free TCP ports on 127.0.0.1 (held open together while picked)."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def _check_traversable(path, uid_is_root):
    """As root, Dovecot's own users must reach the run dir: every parent o+x."""
    if not uid_is_root:
        return
    p = os.path.abspath(path)
    while True:
        mode = os.stat(p).st_mode
        if not mode & stat.S_IXOTH:
            raise RuntimeError("%s is not traversable by other users (mode %o); Dovecot's "
                               "unprivileged processes need to reach %s" %
                               (p, stat.S_IMODE(mode), path))
        if p == "/":
            return
        p = os.path.dirname(p)


def _check_tools():
    missing = [p for p in ("/usr/sbin/dovecot", "/usr/bin/doveadm", "/usr/bin/certtool")
               if not os.access(p, os.X_OK)]
    for d in ("imap", "pop3", "submission", "lmtp"):
        if not os.access("/usr/lib/dovecot/" + d, os.X_OK):
            missing.append("/usr/lib/dovecot/" + d)
    if not os.path.exists("/usr/lib/python3/dist-packages/aiosmtpd"):
        missing.append("python3-aiosmtpd")
    if missing:
        raise RuntimeError("the test rig needs %s: run tests/deps.sh" % ", ".join(missing))


class _BadPorts(dict):
    """r.bad_ports[kind] starts the instance with that bad certificate on first use."""

    def __init__(self, rig):
        super().__init__()
        self._rig = rig

    def __missing__(self, kind):
        return self._rig.start_bad(kind)


class Rig:
    host = "localhost"

    def __init__(self, basedir, users=None, domain=DOMAIN):
        self.dir = os.path.join(os.path.abspath(basedir), "rig")
        self.users = list(users or DEFAULT_USERS)
        self.domain = domain
        self.ports = {}
        self.bad_ports = _BadPorts(self)
        self.sink_dir = os.path.join(self.dir, "sink")
        self.sink_port = None
        self.ca_file = None
        self.mail_root = os.path.join(self.dir, "mail")
        # In every Dovecot process title (dovecot-TAG-main/imap ...), so that
        # tests can look for leftovers with pgrep -f.
        self.tag = "postie-rig-%d-%s" % (os.getpid(), secrets.token_hex(3))
        self._dovecot = None
        self._bad = {}
        self._sink = None
        self._watchdog = None
        self._state = procs.StateFile(os.path.join(self.dir, "state.json"))
        self._started = False
        self._lock = threading.Lock()

    # -- lifecycle ------------------------------------------------------------

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    @classmethod
    def started_for(cls, tap, **kw):
        """A rig in a test's temp dir (tap: postie_test.TAP), started, and
        stopped when the test ends: what nearly every integration test does."""
        rig = cls(tap.tmpdir, **kw)
        rig.start()
        tap.cleanup(rig.stop)
        return rig

    def start(self):
        _check_tools()
        root = os.geteuid() == 0
        os.makedirs(self.dir, exist_ok=True)
        os.chmod(self.dir, 0o755)
        _check_traversable(self.dir, root)
        if root:
            pw = pwd.getpwnam("nobody")
            self.mail_uid, self.mail_gid = pw.pw_uid, pw.pw_gid
        else:
            self.mail_uid, self.mail_gid = os.geteuid(), os.getegid()
        self._certs = certs_mod.make_certs(os.path.join(self.dir, "certs"))
        self.ca_file = self._certs["ca"]
        self._write_users()
        self._state.save({"dir": self.dir, "groups": {}})
        self._watchdog = procs.start_watchdog(self._state.path)
        self._started = True
        atexit.register(self.stop)
        _install_signal_handlers()
        try:
            # The sink needs Dovecot's LMTP socket path, Dovecot the sink's port.
            self._dovecot = self._make_dovecot("main", "good", lmtp=True)
            self.lmtp_socket = self._dovecot.lmtp_socket
            self._start_sink()
            self._dovecot.relay_port = self.sink_port
            self.ports = self._start_on_free_ports(self._dovecot)
            self._state.update(description=self.describe())
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self):
        """Stops every process the rig started; safe to call more than once."""
        with self._lock:
            if not self._started:
                return
            self._started = False
            for inst in [self._dovecot] + list(self._bad.values()):
                if inst is not None:
                    inst.stop(self._state)
            if self._sink is not None:
                if procs.stop_group(self._sink.pid, self._sink):
                    self._state.remove_group("sink")
                self._sink = None
            left = self._state.stop_all()
            if self._watchdog is not None:
                self._watchdog.stdin.close()  # lets it exit; nothing is left to stop
                self._watchdog.wait()
                self._watchdog = None
            try:
                atexit.unregister(self.stop)
            except Exception:
                pass
            if left:
                raise RuntimeError("could not stop rig processes: %s" % ", ".join(left))

    def detach(self):
        """Leaves the servers running after this process exits (rig.py start)."""
        with self._lock:
            if self._watchdog is not None:
                self._watchdog.kill()
                self._watchdog.wait()
                self._watchdog = None
            atexit.unregister(self.stop)
            self._started = False

    def stop_dovecot(self):
        """Stops the main Dovecot (to simulate a server that is down)."""
        self._dovecot.stop(self._state)

    def start_dovecot(self):
        if not self._dovecot.running():
            self._dovecot.start(self._state)

    def restart(self, capabilities=None):
        """Restarts the main Dovecot on the same ports. capabilities: None for
        Dovecot's defaults, else the complete IMAP capability list to advertise
        (a string or a list), e.g. without CONDSTORE and QRESYNC."""
        if capabilities is not None and not isinstance(capabilities, str):
            capabilities = " ".join(capabilities)
        self._dovecot.stop(self._state)
        self._dovecot.capabilities = capabilities
        self._dovecot.start(self._state)

    def start_bad(self, kind):
        """Starts (once) an instance serving the certificate `kind` (one of
        BAD_KINDS) on six more ports; returns its ports, also r.bad_ports[kind]."""
        if kind not in BAD_KINDS:
            raise KeyError("no bad certificate kind %r (have %s)" % (kind, ", ".join(BAD_KINDS)))
        if kind not in self._bad:
            inst = self._make_dovecot(kind, kind, lmtp=False)
            self._bad[kind] = inst
            dict.__setitem__(self.bad_ports, kind, self._start_on_free_ports(inst))
        return self.bad_ports[kind]

    def _make_dovecot(self, name, cert_kind, lmtp):
        return Dovecot(self.dir, self.tag, name, self._certs, cert_kind, self.users_file,
                       self.mail_root, {}, self.sink_port, self.mail_uid, self.mail_gid,
                       self.domain, lmtp=lmtp)

    def _start_on_free_ports(self, inst, attempts=3):
        """Starts inst on six free ports; picks again if another process took
        one between the pick and Dovecot's bind (parallel test runs)."""
        for attempt in range(attempts):
            inst.ports = dict(zip(ENDPOINTS, free_ports(len(ENDPOINTS))))
            try:
                inst.start(self._state)
                return inst.ports
            except RuntimeError as e:
                if "in use" not in str(e) or attempt + 1 == attempts:
                    raise

    def _write_users(self):
        self.users_file = os.path.join(self.dir, "users")
        with open(self.users_file, "w") as f:
            for user, password in self.users:
                f.write("%s:{PLAIN}%s::::::\n" % (user, password))
        os.chmod(self.users_file, 0o644)
        os.makedirs(self.mail_root, exist_ok=True)
        os.chmod(self.mail_root, 0o755)
        for user, _ in self.users:
            home = os.path.join(self.mail_root, user)
            for d in (home, self.maildir(user)) + tuple(
                    os.path.join(self.maildir(user), s) for s in ("cur", "new", "tmp")):
                os.makedirs(d, exist_ok=True)
                os.chown(d, self.mail_uid, self.mail_gid)
                os.chmod(d, 0o700)

    def _start_sink(self):
        port_file = os.path.join(self.dir, "sink.port")
        if os.path.exists(port_file):
            os.unlink(port_file)
        self._sink = procs.spawn(
            [procs.PYTHON, os.path.join(SERVERS_DIR, "sink.py"), "--dir", self.sink_dir,
             "--port-file", port_file, "--lmtp", self.lmtp_socket, "--domain", self.domain,
             "--users", ",".join(u for u, _ in self.users)],
            os.path.join(self.dir, "sink.log"))
        self._state.add_group("sink", self._sink.pid)
        deadline = time.monotonic() + 15
        while not os.path.exists(port_file):
            if self._sink.poll() is not None or time.monotonic() > deadline:
                with open(os.path.join(self.dir, "sink.log"), errors="replace") as f:
                    raise RuntimeError("the SMTP sink did not start:\n" + f.read()[-3000:])
            time.sleep(0.02)
        with open(port_file) as f:
            self.sink_port = int(f.read())

    # -- users and mailboxes --------------------------------------------------

    def password(self, user):
        return dict(self.users)[user]

    def address(self, user):
        return "%s@%s" % (user, self.domain)

    def maildir(self, user):
        return os.path.join(self.mail_root, user, "Maildir")

    def folder_dir(self, user, folder):
        """The Maildir++ directory of a folder ("INBOX", "Sent", "a/b")."""
        if folder.upper() == "INBOX":
            return self.maildir(user)
        return os.path.join(self.maildir(user), "." + folder.replace("/", "."))

    def doveadm(self, *args, check=True):
        """Runs doveadm against the main instance; returns the CompletedProcess."""
        return self._dovecot.doveadm(*args, check=check)

    def seed(self, user, n, folder="INBOX", seed=1, flags=True):
        """Adds n generated messages to the folder by writing Maildir files and
        dovecot-uidlist directly, then `doveadm index`. Returns one dict per
        message (uid, message_id, subject, flags, size, ...), in UID order."""
        fdir = self.folder_dir(user, folder)
        if folder.upper() != "INBOX" and not os.path.isdir(fdir):
            self.doveadm("mailbox", "create", "-u", user, folder)
        min_uid = 1
        if os.path.exists(os.path.join(fdir, "dovecot-uidlist")):
            out = self.doveadm("mailbox", "status", "-u", user, "uidnext", folder).stdout
            min_uid = int(out.split("=")[1])
        msgs = seed_mod.seed_maildir(fdir, n, seed=seed, flags=flags, uid=self.mail_uid,
                                     gid=self.mail_gid, domain=self.domain,
                                     to=(user, self.address(user)), min_uid=min_uid)
        self.doveadm("index", "-u", user, folder)
        return msgs

    def dovecot_log_tail(self, n=40):
        """The last lines of the main Dovecot's log, for a failure's report."""
        return self._dovecot.log_tail(n)

    def ssl_context(self):
        """A verifying client context that trusts the rig's CA."""
        return ssl.create_default_context(cafile=self.ca_file)

    def imap(self, user, port_kind="imaps"):
        """A logged-in imaplib client (caller logs out)."""
        if port_kind == "imaps":
            c = imaplib.IMAP4_SSL(self.host, self.ports["imaps"], ssl_context=self.ssl_context())
        else:
            c = imaplib.IMAP4(self.host, self.ports["imap"])
            c.starttls(ssl_context=self.ssl_context())
        c.login(user, self.password(user))
        return c

    def append(self, user, folder, raw_bytes, flags=()):
        """APPENDs one message over IMAP; returns its UID (from APPENDUID)."""
        c = self.imap(user)
        try:
            typ, data = c.append(_imap_quote(folder), "(%s)" % " ".join(flags) if flags else None,
                                 None, raw_bytes)
            if typ != "OK":
                raise RuntimeError("APPEND to %s failed: %r" % (folder, data))
            m = re.search(rb"\[APPENDUID \d+ (\d+)\]", data[0] or b"")
            if not m:
                raise RuntimeError("no APPENDUID in %r" % data)
            return int(m.group(1))
        finally:
            c.logout()

    # -- the sink -------------------------------------------------------------

    def sink_messages(self):
        """Every message the sink accepted, oldest first: (envelope_from, rcpts, raw)."""
        out = []
        if not os.path.isdir(self.sink_dir):
            return out
        for name in sorted(os.listdir(self.sink_dir)):
            if not name.endswith(".eml"):
                continue
            base = os.path.join(self.sink_dir, name[:-4])
            with open(base + ".json") as f:
                env = json.load(f)
            with open(base + ".eml", "rb") as f:
                out.append((env["from"], env["rcpts"], f.read()))
        return out

    # -- postie ---------------------------------------------------------------

    def write_postie_account(self, postie, name, user, protocol="imap", tls="implicit",
                             smtp_tls=None, display_name=None, **extra_keys):
        """Writes accounts/NAME.conf for a postie_test.Postie pointing at this rig.
        smtp_tls defaults to tls; display_name is the identity's `name` key;
        extra_keys add or override keys (a value of None drops the key)."""
        smtp_tls = smtp_tls or tls
        keys = {
            "protocol": protocol,
            "host": self.host,
            "port": self.ports[_MAIL_PORT[(protocol, tls)]],
            "tls": tls,
            "user": user,
            "password_command": "echo " + shlex.quote(self.password(user)),
            "ca_file": self.ca_file,
            "name": display_name or user.capitalize() + " Example",
            "address": self.address(user),
            "smtp_host": self.host,
            "smtp_port": self.ports[_SMTP_PORT[smtp_tls]],
            "smtp_tls": smtp_tls,
            "timeout": 20,
        }
        keys.update(extra_keys)
        text = "".join("%s = %s\n" % (k, v) for k, v in keys.items() if v is not None)
        return postie.write_account(name, text)

    def describe(self):
        return {
            "dir": self.dir, "tag": self.tag, "host": self.host, "ports": self.ports,
            "bad_ports": dict(self.bad_ports), "ca_file": self.ca_file,
            "users": [{"user": u, "password": p, "address": self.address(u),
                       "maildir": self.maildir(u)} for u, p in self.users],
            "sink_port": self.sink_port, "sink_dir": self.sink_dir,
            "lmtp_socket": getattr(self, "lmtp_socket", None),
            "dovecot_conf": self._dovecot.conf if self._dovecot else None,
        }


def _imap_quote(name):
    return '"%s"' % name.replace("\\", "\\\\").replace('"', '\\"')


_handlers_installed = False


def _install_signal_handlers():
    """SIGTERM/SIGHUP end the process through sys.exit, so atexit stops the rig.
    Only where nobody installed a handler of their own."""
    global _handlers_installed
    if _handlers_installed or threading.current_thread() is not threading.main_thread():
        return
    _handlers_installed = True
    for sig in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) == signal.SIG_DFL:
            signal.signal(sig, lambda s, f: sys.exit(128 + s))


def _cli():
    ap = argparse.ArgumentParser(description="postie's test mail servers")
    sub = ap.add_subparsers(dest="cmd", required=True)
    st = sub.add_parser("start", help="start the rig in DIR, print its JSON description")
    st.add_argument("dir")
    st.add_argument("--user", action="append", default=[], metavar="NAME:PASSWORD")
    st.add_argument("--seed", action="append", default=[], metavar="USER:N[:FOLDER]")
    sp = sub.add_parser("stop", help="stop the rig started in DIR")
    sp.add_argument("dir")
    args = ap.parse_args()
    if args.cmd == "stop":
        state = procs.StateFile(os.path.join(os.path.abspath(args.dir), "rig", "state.json"))
        left = state.stop_all()
        if left:
            sys.exit("rig.py: could not stop: " + ", ".join(left))
        return
    users = [tuple(u.split(":", 1)) for u in args.user] or None
    r = Rig(args.dir, users=users)
    r.start()
    for spec in args.seed:
        user, n, *folder = spec.split(":")
        r.seed(user, int(n), folder=folder[0] if folder else "INBOX")
    r.detach()
    json.dump(r.describe(), sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    _cli()
