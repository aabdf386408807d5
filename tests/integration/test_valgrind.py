#!/usr/bin/python3
"""postie under valgrind (memcheck), built without the sanitizers (they do
not mix): a `postie sync` of a few hundred messages from the rig's Dovecot
over TLS, a `postie show` that fetches a body, and a scripted session of the
full-screen interface in tmux (index, reading, the attachment list, search,
another folder, quitting). Each must end with no invalid access, no use of
uninitialised memory and no leak (definitely or indirectly lost); what is
not postie's is named in valgrind.supp.

The plain build lives in the build tree (tests/valgrind-build) and is made
again only when a source changed."""

import os
import re
import subprocess

from postie_test import TAP, Postie
from rig import Rig
from tuitest import Terminal, ENTER, CTRL_U

t = TAP()
SRC = os.path.abspath(os.environ.get("POSTIE_SRCDIR", "."))
BUILD = os.path.join(os.path.abspath(os.environ.get("POSTIE_BUILDDIR", ".")),
                     "tests", "valgrind-build")


def build():
    os.makedirs(BUILD, exist_ok=True)
    log = open(os.path.join(BUILD, "build.log"), "ab")
    if not os.path.exists(os.path.join(BUILD, "Makefile")):
        r = subprocess.run([os.path.join(SRC, "configure"), "-q"], cwd=BUILD, stdout=log,
                           stderr=subprocess.STDOUT)
        if r.returncode:
            return None
    r = subprocess.run(["make", "-j2", "postie"], cwd=BUILD, stdout=log,
                       stderr=subprocess.STDOUT)
    return os.path.join(BUILD, "postie") if r.returncode == 0 else None


binary = build()
t.ok(binary is not None, "a build without the sanitizers (%s)" % BUILD)
if binary is None:
    t.diag(open(os.path.join(BUILD, "build.log")).read()[-3000:])
    t.done()

r = Rig.started_for(t)
r.seed("alice", 300)
r.seed("alice", 20, folder="Archive", seed=2)
with open(os.path.join(SRC, "tests", "data", "mail", "rfc2231-names.eml"), "rb") as f:
    r.append("alice", "INBOX", f.read())
p = Postie(t.tmpdir)
r.write_postie_account(p, "alice", "alice")
n = [0]


def valgrind(*args):
    """The valgrind command line for one run; its log file."""
    n[0] += 1
    log = os.path.join(t.tmpdir, "valgrind-%d.log" % n[0])
    return ["valgrind", "--quiet", "--leak-check=full", "--show-leak-kinds=definite,indirect",
            "--errors-for-leak-kinds=definite,indirect", "--error-exitcode=99",
            "--num-callers=30", "--log-file=" + log,
            "--suppressions=" + os.path.join(SRC, "tests", "integration", "valgrind.supp"),
            binary] + list(args), log


def judge(name, log, status):
    text = open(log, errors="replace").read() if os.path.exists(log) else "(no log)"
    problems = re.findall(r"^==\d+== (?:Invalid|Conditional|Use of uninit|Syscall param|"
                          r"Mismatched|.*definitely lost in|.*indirectly lost in)", text, re.M)
    t.ok(status != 99 and not problems,
         "%s under valgrind: no invalid access, no leak (exit %s)" % (name, status),
         text[-4000:])


argv, log = valgrind("-F", p.config_dir, "-D", p.data_dir, "sync")
res = subprocess.run(argv, capture_output=True, text=True, timeout=600)
t.eq(res.returncode, 0, "postie sync under valgrind")
if res.returncode:
    t.diag(res.stderr[-2000:])
judge("postie sync", log, res.returncode)

argv, log = valgrind("-F", p.config_dir, "-D", p.data_dir, "show", "INBOX", "301")
res = subprocess.run(argv, capture_output=True, text=True, timeout=300)
t.ok(res.returncode == 0 and "See the attachments." in res.stdout,
     "postie show fetches and shows a message under valgrind", res.stdout[-1500:] + res.stderr)
judge("postie show", log, res.returncode)

# The interface: the worker thread syncs while the index is read.
argv, log = valgrind("-F", p.config_dir, "-D", p.data_dir)
term = Terminal(argv, cols=100, rows=30, cwd=t.tmpdir)
t.cleanup(term.quit)
try:
    term.wait_for("alice/INBOX", 60)
    term.wait_for("[301 messages", 60)
    term.keys("l", "~s 'international names'", ENTER, settle=1)
    term.keys(ENTER, settle=1)
    term.wait_for("See the attachments.", 60)
    term.keys("v", settle=1)
    term.wait_for("été.png", 30)
    term.keys("q", "q", settle=1)
    term.keys("l", CTRL_U, ENTER, settle=1)
    term.keys("/", "~s 'message 7'", ENTER, settle=1)
    term.keys("c", "Archive", ENTER, settle=1)
    term.wait_for("[20 messages", 60)
    term.keys("j", "j", ENTER, settle=1)
    term.keys("q", settle=1)
    ok = True
except Exception as e:      # a timeout: say where, then judge the log anyway
    t.diag("%s\n%s" % (e, term.text()))
    ok = False
t.ok(ok, "a scripted session of the interface under valgrind")
term.keys("q")
status = term.wait_exit(60)
t.eq(status, 0, "the interface quits cleanly under valgrind")
judge("the interface", log, status)
t.done()
