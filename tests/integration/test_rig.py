"""The test rig itself: every TLS endpoint answers a verifying client, the bad
certificates are refused, submission reaches the sink and the recipient's
INBOX, seeding gives the expected UIDs, and nothing is left running."""
import email
import imaplib
import os
import poplib
import shutil
import signal
import smtplib
import ssl
import subprocess
import sys
import tempfile
import time

from postie_test import TAP, Postie
import seed
from rig import Rig, BAD_KINDS

t = TAP()
t0 = time.monotonic()
r = Rig.started_for(t)
t.diag("rig started in %.2f s" % (time.monotonic() - t0))
ctx = r.ssl_context()


def pgrep(pattern):
    p = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True)
    return p.stdout.split()


# -- the six endpoints, each with a verifying client ---------------------------

def imap_starttls(ports, context):
    c = imaplib.IMAP4(r.host, ports["imap"])
    before = c.capabilities
    c.starttls(ssl_context=context)
    return c, before


def pop3_stls(ports, context):
    c = poplib.POP3(r.host, ports["pop3"])
    c.stls(context=context)
    return c


def smtp_starttls(ports, context):
    c = smtplib.SMTP(r.host, ports["submission"])
    c.starttls(context=context)
    return c


CONNECT = {
    "imap": lambda ports, cx: imap_starttls(ports, cx)[0],
    "imaps": lambda ports, cx: imaplib.IMAP4_SSL(r.host, ports["imaps"], ssl_context=cx),
    "pop3": pop3_stls,
    "pop3s": lambda ports, cx: poplib.POP3_SSL(r.host, ports["pop3s"], context=cx),
    "submission": smtp_starttls,
    "submissions": lambda ports, cx: smtplib.SMTP_SSL(r.host, ports["submissions"], context=cx),
}

t.eq(sorted(r.ports), sorted(CONNECT), "the rig has the six endpoints")
t.ok(all(r.ports[k] > 1024 for k in r.ports) and len(set(r.ports.values())) == 6,
     "six distinct high ports", r.ports)

c, caps = imap_starttls(r.ports, ctx)
t.ok("STARTTLS" in caps, "IMAP offers STARTTLS before TLS", caps)
t.eq(c.login("alice", "alice-pw")[0], "OK", "IMAP STARTTLS: login")
t.eq(c.noop()[0], "OK", "IMAP STARTTLS: NOOP")
c.logout()

c = CONNECT["imaps"](r.ports, ctx)
t.eq(c.login("alice", "alice-pw")[0], "OK", "IMAPS: login")
caps = c.capability()[1][0].decode().split()
for cap in ("IDLE", "CONDSTORE", "QRESYNC", "MOVE", "UIDPLUS", "SPECIAL-USE"):
    t.ok(cap in caps, "IMAPS: server offers " + cap, caps)
typ, data = c.list()
listing = b"\n".join(data).decode()
for box, use in (("Sent", "\\Sent"), ("Drafts", "\\Drafts"), ("Trash", "\\Trash"),
                 ("Junk", "\\Junk"), ("Archive", "\\Archive")):
    t.ok(use in listing and box in listing, "IMAPS: LIST shows %s as %s" % (box, use), listing)
c.logout()
try:
    c = CONNECT["imaps"](r.ports, ctx)
    c.login("alice", "wrong")
    t.ok(False, "IMAPS: wrong password is refused")
except imaplib.IMAP4.error as e:
    t.contains(str(e), "AUTHENTICATIONFAILED", "IMAPS: wrong password is refused")

c = CONNECT["pop3"](r.ports, ctx)
c.user("bob")
t.contains(c.pass_("bob-pw").decode(), "+OK", "POP3 STLS: login")
t.eq(c.stat(), (0, 0), "POP3 STLS: STAT on an empty mailbox")
c.quit()

c = CONNECT["pop3s"](r.ports, ctx)
c.user("bob")
t.contains(c.pass_("bob-pw").decode(), "+OK", "POP3S: login")
t.ok("UIDL" in c.capa(), "POP3S: UIDL is offered", c.capa())
c.quit()

for kind in ("submission", "submissions"):
    c = CONNECT[kind](r.ports, ctx)
    c.ehlo("client.example")
    auth = c.esmtp_features.get("auth", "")
    t.ok("PLAIN" in auth and "LOGIN" in auth, "%s: AUTH PLAIN and LOGIN offered" % kind, auth)
    t.eq(c.login("carol", "carol-pw")[0], 235, "%s: login" % kind)
    t.eq(c.noop()[0], 250, "%s: NOOP" % kind)
    c.quit()

# -- bad certificates are refused by a verifying client -----------------------

WHY = {"selfsigned": "self-signed", "expired": "expired", "wronghost": "Hostname mismatch"}
insecure = ssl.create_default_context()
insecure.check_hostname = False
insecure.verify_mode = ssl.CERT_NONE
for kind in BAD_KINDS:
    ports = r.bad_ports[kind]
    t.ok(set(ports) == set(r.ports) and not set(ports.values()) & set(r.ports.values()),
         "%s: six endpoints on their own ports" % kind, ports)
    for ep in sorted(CONNECT):
        try:
            conn = CONNECT[ep](ports, ctx)
            t.ok(False, "%s %s: verifying client refuses the certificate" % (kind, ep))
            conn.close()
        except ssl.SSLCertVerificationError as e:
            t.contains(e.verify_message, WHY[kind],
                       "%s %s: verifying client refuses the certificate" % (kind, ep))
    # The same server works for a client that skips verification: the
    # certificate, not the instance, is what fails above.
    c = CONNECT["imaps"](ports, insecure)
    t.eq(c.login("alice", "alice-pw")[0], "OK", "%s: instance works without verification" % kind)
    c.logout()

# -- submission reaches the sink and the recipient's INBOX ---------------------

msgid = "<rig-test-1@example.test>"
raw = ("From: Alice <alice@example.test>\r\nTo: bob@example.test, ext@elsewhere.example\r\n"
       "Subject: rig test\r\nMessage-ID: %s\r\n\r\nHello Bob.\r\n" % msgid).encode()
c = CONNECT["submissions"](r.ports, ctx)
c.login("alice", "alice-pw")
refused = c.sendmail("alice@example.test", ["bob@example.test", "ext@elsewhere.example"], raw)
t.eq(refused, {}, "submission accepts local and external recipients")
c.quit()
sunk = r.sink_messages()
t.eq(len(sunk), 1, "the sink kept one message")
if sunk:
    frm, rcpts, data = sunk[0]
    t.eq((frm, sorted(rcpts)),
         ("alice@example.test", ["bob@example.test", "ext@elsewhere.example"]),
         "the sink kept the envelope")
    t.contains(data, b"Message-ID: " + msgid.encode(), "the sink kept the message")
c = r.imap("bob", "imap")
c.select("INBOX")
typ, data = c.search(None, "HEADER", "Message-ID", msgid)
t.eq(len(data[0].split()), 1, "the message is in bob's INBOX at once (over IMAP)")
c.logout()

for rcpt, code in (("reject-me@example.test", 550), ("tempfail-x@example.test", 451)):
    c = CONNECT["submission"](r.ports, ctx)
    c.login("alice", "alice-pw")
    try:
        c.sendmail("alice@example.test", [rcpt], raw)
        t.ok(False, "%s gets %d" % (rcpt, code))
    except smtplib.SMTPRecipientsRefused as e:
        t.eq(e.recipients[rcpt][0], code, "%s gets %d" % (rcpt, code))
    c.quit()
c = CONNECT["submission"](r.ports, ctx)
c.login("alice", "alice-pw")
refused = c.sendmail("alice@example.test", ["bob@example.test", "reject-2@example.test"], raw)
t.eq(list(refused), ["reject-2@example.test"], "one refused recipient, the other accepted")
c.quit()
t.eq(len(r.sink_messages()), 2, "refused messages never reach the sink")

# -- seeding ------------------------------------------------------------------

msgs = r.seed("carol", 200, seed=1)
t.eq([m["uid"] for m in msgs], list(range(1, 201)), "seed returns UIDs 1..200 for a fresh INBOX")
c = r.imap("carol")
typ, data = c.select("INBOX")
t.eq(int(data[0]), 200, "INBOX holds the 200 seeded messages")
typ, data = c.uid("SEARCH", None, "ALL")
uids = [int(x) for x in data[0].split()]
t.eq(uids, list(range(1, 201)), "the server reports the seeded UIDs")
typ, data = c.uid("SEARCH", None, "UNSEEN", "UID", "1:200")
unseen = [int(x) for x in data[0].split()]
t.eq(unseen, [m["uid"] for m in msgs if "\\Seen" not in m["flags"]],
     "the server has the seeded \\Seen flags")
t.ok(0.6 < 1 - len(unseen) / 200 < 0.85, "about 72%% are seen (%d of 200)" % (200 - len(unseen)))
typ, data = c.uid("FETCH", "57", "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
t.contains(data[0][1].decode(), msgs[56]["message_id"], "UID 57 is the 57th seeded message")
typ, data = c.uid("FETCH", "1:200", "(BODY.PEEK[HEADER])")
heads = [email.message_from_bytes(d[1]) for d in data if isinstance(d, tuple)]
ctypes = {h.get_content_type() for h in heads}
t.ok({"text/plain", "multipart/alternative", "multipart/mixed"} <= ctypes,
     "seeded messages vary in structure", ctypes)
t.ok(sum(1 for h in heads if h["In-Reply-To"]) > 20, "seeded messages form threads")
t.ok(sum(1 for h in heads if "=?" in h["Subject"]) > 20, "seeded subjects use encoded words")
c.logout()
gen = seed.Generator(1, 200, r.domain, ("carol", r.address("carol")))
replay = [gen.message(i)[0] for i in range(57)][-1]
c = r.imap("carol")
c.select("INBOX", readonly=True)
typ, data = c.uid("FETCH", "57", "(BODY.PEEK[])")
t.eq(data[0][1], replay.replace(b"\n", b"\r\n"), "seeding is deterministic (same seed, same bytes)")
c.logout()

uid = r.append("carol", "INBOX", b"Subject: appended\r\n\r\nbody\r\n", flags=("\\Flagged",))
t.eq(uid, 201, "append returns the next UID")
more = r.seed("carol", 10, seed=3)
t.eq([m["uid"] for m in more], list(range(202, 212)), "seeding a used INBOX continues its UIDs")
arch = r.seed("carol", 30, folder="Archive", seed=2)
t.eq([m["uid"] for m in arch], list(range(1, 31)), "seeding Archive")
c = r.imap("carol")
t.eq(c.select("INBOX")[1][0], b"211", "INBOX now has 211 messages")
t.eq(c.select("Archive")[1][0], b"30", "Archive has 30")
c.logout()
c = poplib.POP3_SSL(r.host, r.ports["pop3s"], context=ctx)
c.user("carol")
c.pass_("carol-pw")
t.eq(len(c.uidl()[1]), 211, "POP3 lists the same 211 messages")
c.quit()

# -- restart, capabilities, server down ---------------------------------------

r.restart(capabilities=[x for x in ("IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE "
                                    "UIDPLUS MOVE SPECIAL-USE LIST-STATUS").split()])
c = r.imap("alice")
typ, data = c.capability()
caps = data[0].decode().split()
t.ok("CONDSTORE" not in caps and "QRESYNC" not in caps and "IDLE" in caps,
     "restart with a reduced capability list", caps)
c.logout()
r.restart()
c = r.imap("alice")
t.ok("QRESYNC" in c.capability()[1][0].decode(), "restart() restores the defaults")
c.logout()
r.stop_dovecot()
try:
    CONNECT["imaps"](r.ports, ctx)
    t.ok(False, "stop_dovecot: connections are refused")
except ConnectionRefusedError:
    t.ok(True, "stop_dovecot: connections are refused")
r.start_dovecot()
c = r.imap("bob")
t.eq(c.select("INBOX")[1][0], b"2", "start_dovecot: mail is still there")
c.logout()

# -- a postie account for the rig ---------------------------------------------

p = Postie(t.tmpdir)
r.write_postie_account(p, "work", "alice")
r.write_postie_account(p, "pop", "bob", protocol="pop3", tls="starttls", smtp_tls="implicit")
res = p.run("check-config")
t.ok(res.returncode == 0, "postie check-config accepts the rig's accounts", res.stdout + res.stderr)
text = open(os.path.join(p.config_dir, "accounts", "pop.conf")).read()
t.contains(text, "port = %d\n" % r.ports["pop3"], "pop3 + starttls uses the POP3 port")
t.contains(text, "smtp_port = %d\n" % r.ports["submissions"], "smtp implicit uses 465-style port")

# -- stopping -----------------------------------------------------------------

t.ok(pgrep(r.tag), "the rig's Dovecot processes are visible to pgrep before stop")
r.stop()
t.eq(pgrep(r.tag) + pgrep(r.dir), [], "after stop no process of the rig is left")
r.stop()
t.ok(True, "stop twice is harmless")

# A rig whose owner is killed with SIGKILL: its watchdog stops everything.
kdir = tempfile.mkdtemp(prefix="k.", dir=t.tmpdir)
os.chmod(kdir, 0o755)
child = subprocess.Popen([sys.executable, "-c", """
import sys, time
from rig import Rig
r = Rig(sys.argv[1]); r.start()
print(r.tag, flush=True)
time.sleep(600)
""", kdir], stdout=subprocess.PIPE, text=True)
tag = child.stdout.readline().strip()
t.ok(tag and pgrep(kdir), "a rig in a child process runs", tag)
child.send_signal(signal.SIGKILL)
child.wait()
deadline = time.monotonic() + 15
while (pgrep(tag) or pgrep(kdir)) and time.monotonic() < deadline:
    time.sleep(0.1)
t.diag("watchdog took %.2f s" % (time.monotonic() - deadline + 15))
t.eq(pgrep(tag) + pgrep(kdir), [], "after kill -9 of its owner the watchdog stops the rig")

# The command line: start leaves it running, stop ends it.
cdir = tempfile.mkdtemp(prefix="c.", dir=t.tmpdir)
os.chmod(cdir, 0o755)
rigpy = os.path.join(os.path.dirname(__import__("rig").__file__), "rig.py")
out = subprocess.run([sys.executable, rigpy, "start", cdir, "--seed", "alice:5"],
                     capture_output=True, text=True, timeout=60)
import json  # noqa: E402
desc = json.loads(out.stdout) if out.returncode == 0 else {}
t.ok(sorted(desc.get("ports", {})) == sorted(CONNECT), "rig.py start prints the ports", out.stderr)
if desc:
    c = imaplib.IMAP4_SSL(desc["host"], desc["ports"]["imaps"],
                          ssl_context=ssl.create_default_context(cafile=desc["ca_file"]))
    c.login("alice", "alice-pw")
    t.eq(c.select("INBOX")[1][0], b"5", "rig.py start --seed alice:5 seeded 5 messages")
    c.logout()
out = subprocess.run([sys.executable, rigpy, "stop", cdir], capture_output=True, text=True)
t.ok(out.returncode == 0, "rig.py stop exits 0", out.stderr)
t.eq(pgrep(desc.get("tag", "no-tag")) + pgrep(cdir), [], "rig.py stop leaves nothing running")

# As root the rig also works for an ordinary user (CI runs as root; people don't).
if os.geteuid() == 0:
    udir = tempfile.mkdtemp(prefix="u.", dir="/tmp")
    t.cleanup(lambda: shutil.rmtree(udir, ignore_errors=True))
    code = os.path.join(udir, "code")
    shutil.copytree(os.path.dirname(rigpy), code, ignore=shutil.ignore_patterns("__pycache__"))
    run = os.path.join(udir, "run")
    os.mkdir(run)
    for d in (udir, code, run):
        os.chmod(d, 0o755)
    shutil.chown(run, "nobody")
    script = """
import imaplib, os, smtplib, sys
from rig import Rig
with Rig(sys.argv[1]) as r:
    assert os.stat(r.maildir("alice")).st_uid == os.getuid()
    s = smtplib.SMTP(r.host, r.ports["submission"])
    s.starttls(context=r.ssl_context())
    s.login("alice", "alice-pw")
    s.sendmail("alice@example.test", ["bob@example.test"], b"Subject: x\\r\\n\\r\\nx\\r\\n")
    s.quit()
    r.seed("bob", 20)
    c = r.imap("bob"); n = c.select("INBOX")[1][0]; c.logout()
    print("uid", os.getuid(), "messages", int(n), "tag", r.tag, flush=True)
"""
    out = subprocess.run(["runuser", "-u", "nobody", "--", "env", "PYTHONPATH=" + code,
                          "HOME=" + run, "/usr/bin/python3", "-c", script, run],
                         capture_output=True, text=True, timeout=120)
    words = out.stdout.split()
    t.ok(words[:4] == ["uid", "65534", "messages", "21"],
         "as an ordinary user (nobody): start, send, seed, read, stop", out.stdout + out.stderr)
    t.eq(pgrep(words[-1]) if len(words) > 5 else [], [], "and nothing of it is left")
else:
    t.ok(os.stat(r.maildir("alice")).st_uid == os.getuid(), "runs as an ordinary user")
t.diag("whole test %.1f s" % (time.monotonic() - t0))
t.done()
