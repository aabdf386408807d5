"""One private Dovecot instance: its config, start, stop, doveadm.

Everything lives under the instance's run directory (config, state, logs);
only base_dir (sockets) may sit in a short /tmp directory, because unix
socket paths are limited to about 108 bytes. All listeners are on 127.0.0.1.

As root, Dovecot will not run login or mail processes as root: login runs as
dovenull, internal services as dovecot, and mail as an unprivileged user
(nobody) that owns the maildirs. As an ordinary user, everything runs as that
user and the chroots of the login services are turned off.
"""

import grp
import os
import pwd
import socket
import subprocess
import tempfile
import time

import procs

DOVECOT = "/usr/sbin/dovecot"
DOVEADM = "/usr/bin/doveadm"

# The six TLS endpoints every instance serves: name -> (service, listener ssl?).
ENDPOINTS = {
    "imap": ("imap-login", False),
    "imaps": ("imap-login", True),
    "pop3": ("pop3-login", False),
    "pop3s": ("pop3-login", True),
    "submission": ("submission-login", False),
    "submissions": ("submission-login", True),
}

SPECIAL_USE = (("Sent", "\\Sent"), ("Drafts", "\\Drafts"), ("Trash", "\\Trash"),
               ("Junk", "\\Junk"), ("Archive", "\\Archive"))

# Services that chroot by default; an ordinary user cannot chroot.
_CHROOTED = ("aggregator", "anvil", "director", "imap-login", "imap-urlauth-login", "ipc",
             "old-stats", "pop3-login", "submission-login")

# Dovecot delays every login from an IP after a failed one there (up to 15 s,
# "auth penalty", kept by anvil). Tests log in with wrong passwords from
# 127.0.0.1 on purpose; the auth process skips the penalty when it cannot
# reach anvil's penalty socket.
_NO_AUTH_PENALTY = "service anvil {\n  unix_listener anvil-auth-penalty {\n    mode = 0\n  }\n}\n"

# Longest socket name Dovecot puts under base_dir, with room to spare.
_SOCKET_SLACK = 40
_SUN_PATH_MAX = 107


def _listener_block(ports):
    by_service = {}
    for name, (service, ssl) in ENDPOINTS.items():
        by_service.setdefault(service, []).append(
            "  inet_listener %s {\n    address = 127.0.0.1\n    port = %d\n    ssl = %s\n  }\n"
            % (name, ports[name], "yes" if ssl else "no"))
    out = ""
    for service, listeners in by_service.items():
        out += "service %s {\n%s}\n" % (service, "".join(listeners))
    return out


def _namespace_block():
    boxes = "".join("  mailbox %s {\n    special_use = %s\n    auto = subscribe\n  }\n" % b
                    for b in SPECIAL_USE)
    return "namespace inbox {\n  inbox = yes\n  separator = /\n%s}\n" % boxes


class Dovecot:
    """A Dovecot instance. name is unique within the rig ("main", "expired", ...);
    tag is the rig's, and prefixes every process title of the instance."""

    def __init__(self, rundir, tag, name, certs, cert_kind, users_file, mail_root, ports,
                 relay_port, mail_uid, mail_gid, domain, lmtp=True):
        self.dir = os.path.join(rundir, "dovecot-" + name)
        self.name = name
        self.instance_name = tag + "-" + name
        self.conf = os.path.join(self.dir, "dovecot.conf")
        self.log = os.path.join(self.dir, "dovecot.log")
        self.cert, self.key = certs[cert_kind]
        self.dh = certs["dh"]
        self.users_file = users_file
        self.mail_root = mail_root
        self.ports = dict(ports)
        self.relay_port = relay_port
        self.mail_uid, self.mail_gid = mail_uid, mail_gid
        self.domain = domain
        self.lmtp = lmtp
        self.capabilities = None
        self.proc = None
        os.makedirs(os.path.join(self.dir, "state"), exist_ok=True)
        os.chmod(self.dir, 0o755)
        self.base_dir = self._pick_base_dir()

    def _pick_base_dir(self):
        base = os.path.join(self.dir, "run")
        self._own_base = False
        if len(base) + _SOCKET_SLACK > _SUN_PATH_MAX:
            base = tempfile.mkdtemp(prefix="pr.", dir="/tmp")
            self._own_base = True
        else:
            os.makedirs(base, exist_ok=True)
        os.chmod(base, 0o755)
        return base

    @property
    def lmtp_socket(self):
        return os.path.join(self.base_dir, "lmtp")

    def _privilege_block(self):
        if os.geteuid() == 0:
            for u in ("dovenull", "dovecot"):
                try:
                    pwd.getpwnam(u)
                except KeyError:
                    raise RuntimeError("user %r is missing: install dovecot-core "
                                       "(tests/deps.sh)" % u)
            return "default_login_user = dovenull\ndefault_internal_user = dovecot\n"
        me = pwd.getpwuid(os.geteuid()).pw_name
        group = grp.getgrgid(os.getegid()).gr_name
        out = "default_login_user = %s\ndefault_internal_user = %s\n" % (me, me)
        out += "default_internal_group = %s\n" % group
        out += "service auth-worker {\n  user = %s\n}\n" % me
        out += "".join("service %s {\n  chroot =\n}\n" % s for s in _CHROOTED)
        return out

    def config_text(self):
        protocols = "imap pop3 submission" + (" lmtp" if self.lmtp else "")
        text = f"""# Generated by tests/servers/dovecot.py for one test run.
instance_name = {self.instance_name}
base_dir = {self.base_dir}
state_dir = {self.dir}/state
log_path = {self.log}
info_log_path = {self.log}
debug_log_path = {self.log}
listen = 127.0.0.1
protocols = {protocols}
hostname = localhost
postmaster_address = postmaster@{self.domain}
{self._privilege_block()}
first_valid_uid = 1
first_valid_gid = 1
ssl = yes
ssl_cert = <{self.cert}
ssl_key = <{self.key}
ssl_dh = <{self.dh}
disable_plaintext_auth = yes
auth_mechanisms = plain login
auth_failure_delay = 0 secs
auth_username_format = %Ln
auth_verbose = yes
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {self.users_file}
}}
userdb {{
  driver = passwd-file
  args = {self.users_file}
  default_fields = uid={self.mail_uid} gid={self.mail_gid} home={self.mail_root}/%n
}}
mail_location = maildir:~/Maildir
mail_fsync = never
pop3_uidl_format = %08Xu%08Xv
protocol imap {{
  mail_max_userip_connections = 1000
}}
protocol pop3 {{
  mail_max_userip_connections = 1000
}}
# The imap process maps the folder's dovecot.index.cache whole: some 50 MB
# for 100,000 messages, 500 MB for the 1,000,000 of tests/bench/scale, past
# the default vsz_limit of 256M (the mmap fails with ENOMEM, and the session
# ends at SELECT).
service imap {{
  vsz_limit = 4G
}}
submission_relay_host = 127.0.0.1
submission_relay_port = {self.relay_port}
submission_relay_ssl = no
submission_max_mail_size = 50M
{_namespace_block()}{_listener_block(self.ports)}"""
        text += _NO_AUTH_PENALTY
        if self.lmtp:
            text += "service lmtp {\n  unix_listener lmtp {\n    mode = 0666\n  }\n}\n"
        if self.capabilities is not None:
            text += "imap_capability = %s\n" % self.capabilities
        return text

    def write_config(self):
        with open(self.conf, "w") as f:
            f.write(self.config_text())
        os.chmod(self.conf, 0o644)

    def start(self, state, timeout=20.0):
        """Starts the master in the foreground of its own session; returns when
        every listener accepts connections."""
        if self._own_base:
            state.add_tmpdir(self.base_dir)
        self.write_config()
        # A master.pid left by a killed master would stop this one if its PID
        # has been reused meanwhile ("Dovecot is already running").
        try:
            os.unlink(os.path.join(self.base_dir, "master.pid"))
        except FileNotFoundError:
            pass
        self.proc = procs.spawn([DOVECOT, "-F", "-c", self.conf],
                                os.path.join(self.dir, "master.out"))
        state.add_group("dovecot-" + self.name, self.proc.pid)
        deadline = time.monotonic() + timeout
        pending = set(self.ports.values())
        while pending or (self.lmtp and not os.path.exists(self.lmtp_socket)):
            if self.proc.poll() is not None:
                code = self.proc.returncode
                self.stop(state)  # whatever it forked before it gave up
                raise RuntimeError("dovecot %s exited with %s:\n%s" % (
                    self.name, code, self.log_tail()))
            if time.monotonic() > deadline:
                self.stop(state)
                raise RuntimeError("dovecot %s did not open its ports within %ds:\n%s" % (
                    self.name, timeout, self.log_tail()))
            for port in list(pending):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    pending.discard(port)
                except OSError:
                    pass
            if pending:
                time.sleep(0.02)

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, state):
        if self.proc is None:
            return True
        ok = procs.stop_group(self.proc.pid, self.proc)
        if ok:
            state.remove_group("dovecot-" + self.name)
        self.proc = None
        return ok

    def doveadm(self, *args, check=True, **kw):
        r = subprocess.run([DOVEADM, "-c", self.conf] + [str(a) for a in args],
                           capture_output=True, text=True, **kw)
        if check and r.returncode != 0:
            raise RuntimeError("doveadm %s failed (%d):\n%s%s" % (
                " ".join(map(str, args)), r.returncode, r.stdout, r.stderr))
        return r

    def log_tail(self, n=40):
        out = []
        for path in (os.path.join(self.dir, "master.out"), self.log):
            try:
                with open(path, errors="replace") as f:
                    out += f.read().splitlines()[-n:]
            except OSError:
                pass
        return "\n".join(out)
