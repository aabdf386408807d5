"""postie show --file over the message corpus of tests/data/mail.

Each NAME.eml must render exactly as NAME.expected says (postie show --file
NAME.eml --width 80, in UTC, without a mailcap), with exit status 0 and
nothing on stderr: under the test build that includes AddressSanitizer and
UndefinedBehaviorSanitizer reports. The big and odd messages are generated
(tests/data/mail/generate.py). With POSTIE_REGEN=1 the expected files of the
committed corpus are rewritten instead; review the diff before committing.
"""
import glob
import os
import sys

from postie_test import TAP, Postie, SRCDIR

CORPUS = os.path.join(SRCDIR, "tests", "data", "mail")
sys.path.insert(0, CORPUS)
import generate  # noqa: E402

t = TAP()
p = Postie(t.tmpdir)
ENV = {"TZ": "UTC", "MAILCAPS": "/dev/null", "LC_ALL": "C.UTF-8"}
regen = os.environ.get("POSTIE_REGEN") == "1"


def show(path):
    return p.run("show", "--file", path, "--width", "80", input=b"", env=ENV, timeout=300)


def safe(out):
    """No byte of a terminal control sequence may reach the output."""
    bad = [b for b in out if b < 0x20 and b not in (0x0a,)] + [0x7f] * out.count(b"\x7f")
    return not bad and b"\xc2\x9b" not in out and b"\xe2\x80\xae" not in out


def check(name, eml, expected_path, contains=()):
    r = show(eml)
    ok = t.eq(r.returncode, 0, "%s: exit status 0" % name)
    t.eq(r.stderr.decode("utf-8", "replace"), "", "%s: nothing on stderr" % name)
    t.ok(safe(r.stdout), "%s: output is terminal-safe" % name)
    if regen and expected_path.startswith(CORPUS):
        with open(expected_path, "wb") as f:
            f.write(r.stdout)
    if os.path.exists(expected_path):
        with open(expected_path, "rb") as f:
            want = f.read()
        if not t.ok(r.stdout == want, "%s: renders as expected" % name) and ok:
            got = r.stdout.decode("utf-8", "replace").splitlines()
            exp = want.decode("utf-8", "replace").splitlines()
            for i, (g, e) in enumerate(zip(got, exp)):
                if g != e:
                    t.diag("first difference at line %d:\n got: %r\nwant: %r" % (i + 1, g, e))
                    break
            else:
                t.diag("lengths differ: got %d lines, want %d" % (len(got), len(exp)))
    text = r.stdout.decode("utf-8", "replace")
    for s in contains:
        t.contains(text, s, "%s: shows %r" % (name, s[:40]))
    lines = text.split("\n")
    t.ok(all(len(l) <= 80 for l in lines if l.isascii()), "%s: ASCII lines fit 80 columns" % name)


emls = sorted(glob.glob(os.path.join(CORPUS, "*.eml")))
t.ok(len(emls) >= 30, "the corpus has %d messages" % len(emls))
for eml in emls:
    name = os.path.basename(eml)[:-4]
    check(name, eml, eml[:-4] + ".expected")

gen = os.path.join(t.tmpdir, "generated")
os.makedirs(gen)
for name, contains in generate.generate(gen):
    eml = os.path.join(gen, name + ".eml")
    check(name, eml, eml[:-4] + ".expected", contains)

t.done()
