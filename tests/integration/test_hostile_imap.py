"""A hostile IMAP server (tests/servers/fakes.py, kind "script"): oversized
(a 100 MB literal in a sync and in `postie show`, a line without end, a
million FETCH responses), malformed, truncated and contradictory replies.
postie must end with an error that names the server (or, where the reply
can be made sense of, a sync that stores only what is right), never crash,
and keep its peak memory (VmHWM) bounded: it must not buffer what the
server sends without end."""
import os

from fakes import IMAP_MAILBOX, FakeServer, cut, endless, imap_literal
from imaptest import postie_list
from postie_test import TAP, Postie, run_peak

t = TAP()
MIB = 1024
BOUND = 200 * MIB       # KiB: generous, with the sanitizers' own overhead
# A small quarantine: ASan keeps freed memory for a while, which is not ours.
ENV = {"ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=16"}


def account(p, port):
    p.write_account("h", "protocol = imap\nhost = 127.0.0.1\nport = %d\ntls = none\n"
                    "allow_plaintext_password = yes\nuser = h\npassword_command = echo pw\n"
                    "address = h@example.test\ntimeout = 10\n" % port)


def server(**overrides):
    srv = FakeServer("imap", "script", script=dict(IMAP_MAILBOX, **overrides))
    t.cleanup(srv.stop)
    return srv


def clean(res):
    return "AddressSanitizer" not in res.stderr and "runtime error" not in res.stderr \
        and "LeakSanitizer" not in res.stderr



def big_literal(head, size=100 << 20):
    """head, then a literal of size bytes (sent in full unless postie hangs up)."""
    def play(c, tag, args):
        def chunks():
            yield head + b"{%d}\r\n" % size
            for _ in range(size >> 20):
                yield b"y" * (1 << 20)
            yield b")\r\n%s OK fetched\r\n" % tag.encode()
        c.stream(chunks())
        return "close"
    return play


def expect_failure(name, res, peak, words=()):
    t.eq(res.returncode, 1, "%s: exit 1" % name)
    t.ok("127.0.0.1" in res.stderr and clean(res), "%s: the error names the server" % name,
         res.stderr[-2000:])
    for w in words:
        t.contains(res.stderr, w, "%s: the error says why" % name)
    t.ok(peak < BOUND, "%s: peak memory %.1f MiB (bound %d MiB)" % (name, peak / MIB,
                                                                    BOUND // MIB))


def run(name, cmd=("sync",), **overrides):
    srv = server(**overrides)
    p = Postie(t.tmpdir, name)
    account(p, srv.port)
    res, peak = run_peak(p, *cmd, timeout=180, env=ENV)
    return p, srv, res, peak


# -- oversized -----------------------------------------------------------------

_, _, res, peak = run("literal-sync", **{"UID FETCH": big_literal(
    b"* 1 FETCH (UID 9 FLAGS () BODY[HEADER.FIELDS (SUBJECT)] ")})
expect_failure("a 100 MB literal in a sync", res, peak, ["literal of 104857600 bytes"])

_, _, res, peak = run("line-greeting", GREETING=endless(b"* OK "))
expect_failure("a greeting without end", res, peak, ["line longer than"])

_, _, res, peak = run("line-select", SELECT=endless(b"* 3 EXISTS\r\n* OK [UIDVALIDITY 7] "))
expect_failure("a SELECT reply without end", res, peak, ["line longer than"])

_, _, res, peak = run("line-fetch", **{"UID FETCH": endless(b"* 1 FETCH (UID 9 FLAGS (",
                                                          b"\\Seen " * 10000)})
expect_failure("a FETCH response without end", res, peak, ["line longer than"])


def show_huge(c, tag, args):
    if "BODY.PEEK[]" in args.upper() and args.split()[1] == "5":
        return big_literal(b"* 2 FETCH (UID 5 BODY[] ")(c, tag, args)
    return IMAP_MAILBOX["UID FETCH"](c, tag, args)


srv = server(**{"UID FETCH": show_huge})
p = Postie(t.tmpdir, "literal-show")
account(p, srv.port)
res = p.run("sync")
t.eq(res.returncode, 0, "show: the summaries sync", )
res, peak = run_peak(p, "show", "INBOX", "5", timeout=180, env=ENV)
expect_failure("a 100 MB message in postie show", res, peak, ["literal of 104857600 bytes"])
res = p.run("show", "INBOX", "2")
t.ok(res.returncode == 0 and "body of 2" in res.stdout,
     "show: postie carries on with the next message", res.stderr)


def million(flags_only):
    """A million FETCH responses for messages not asked for, then the right ones."""
    def play(c, tag, args):
        hdr = b"Subject: not asked for\r\n\r\n"
        item = b"" if flags_only else b" BODY[HEADER.FIELDS (SUBJECT)] " + imap_literal(hdr)

        def chunks():
            for base in range(1000, 1001000, 1000):
                yield b"".join(b"* %d FETCH (UID %d FLAGS (\\Seen)%s)\r\n" % (u, u, item)
                               for u in range(base, base + 1000))
        c.stream(chunks())
        return IMAP_MAILBOX["UID FETCH"](c, tag, args)
    return play


for kind, flags_only in (("summaries", False), ("flag updates", True)):
    p, _, res, peak = run("million-" + kind.split()[0], **{"UID FETCH": million(flags_only)})
    t.eq(res.returncode, 0, "a million %s not asked for: the sync works" % kind)
    if res.returncode:
        t.diag(res.stderr[-2000:])
    uids = sorted(m["id"] for m in postie_list(p, "INBOX", "h"))
    t.eq(uids, [2, 5, 9], "a million %s not asked for: only the messages asked for" % kind)
    t.ok(peak < BOUND and clean(res), "a million %s: peak memory %.1f MiB (bound %d MiB)"
         % (kind, peak / MIB, BOUND // MIB))

# -- malformed and truncated -----------------------------------------------------



MALFORMED = {
    "nul bytes": {"SELECT": b"* 3 EXISTS\r\n* OK [UIDVALIDITY 7\0] v\0\r\n%TAG% OK done\r\n"},
    "unbalanced": {"UID FETCH": b"* 1 FETCH (UID 2 FLAGS ((((\r\n%TAG% OK done\r\n"},
    "huge numbers": {"SELECT": b"* 99999999999999999999 EXISTS\r\n* OK [UIDVALIDITY "
                     b"99999999999] v\r\n* OK [UIDNEXT 0] n\r\n%TAG% OK done\r\n",
                     "UID SEARCH": b"* SEARCH 4294967295 99999999999 2\r\n%TAG% OK done\r\n"},
    "negative": {"UID SEARCH": b"* SEARCH -1 2 5\r\n%TAG% OK done\r\n"},
    "uidvalidity 0": {"SELECT": b"* 3 EXISTS\r\n* OK [UIDVALIDITY 0] v\r\n%TAG% OK done\r\n"},
    "continuation": {"SELECT": b"+ go on\r\n%TAG% OK done\r\n"},
    "empty lines": {"SELECT": b"\r\n\r\n%TAG% OK done\r\n", "LIST": b"\r\n%TAG% OK done\r\n"},
    "odd literal": {"UID FETCH": b"* 1 FETCH (UID 2 BODY[HEADER] {-5}\r\nabc)\r\n%TAG% OK done\r\n"},
    "list garbage": {"LIST": b"* LIST (\\Noselect \"/\" \r\n* LIST () NIL \"\"\r\n"
                     b"* LIST () \"/\" {5}\r\nINBOX\r\n* LIST () \"/\" \"\x1b[31mred\"\r\n"
                     b"%TAG% OK done\r\n"},
    "status words": {"SELECT": b"%TAG% MAYBE selected\r\n"},
    "bye in select": {"SELECT": cut(b"* BYE going away\r\n")},
    "greeting cut": {"GREETING": cut(b"* OK [CAPAB")},
    "select cut": {"SELECT": cut(b"* 3 EXISTS\r\n* OK [UIDVAL")},
    "literal cut": {"UID FETCH": cut(b"* 1 FETCH (UID 2 BODY[HEADER.FIELDS (SUBJECT)] "
                                     b"{100}\r\nSubject: cu")},
    "tag missing": {"UID SEARCH": cut(b"* SEARCH 2 5 9\r\n")},
    "no greeting": {"GREETING": b"HELLO\r\n"},
    # found by fuzz-imap: libetpan read NULL when no capabilities came at all
    "no capabilities": {"GREETING": b"* OK hi\r\n", "CAPABILITY": b"%TAG% OK done\r\n"},
}

for name, script in MALFORMED.items():
    _, _, res, peak = run("bad-" + name.replace(" ", "-"), **script)
    t.ok(res.returncode in (0, 1) and clean(res) and
         (res.returncode == 0 or "127.0.0.1" in res.stderr),
         "%s: a clean end (exit %d), an error that names the server" % (name, res.returncode),
         res.stderr[-2000:])

# -- contradictory -------------------------------------------------------------

H = {u: b"Subject: uid %d\r\n\r\n" % u for u in (2, 5, 9, 11)}
CONTRA = (b"* 1 FETCH (UID 2 FLAGS () BODY[HEADER.FIELDS (SUBJECT)] " + imap_literal(H[2]) +
          b")\r\n* 2 FETCH (UID 5 FLAGS () BODY[HEADER.FIELDS (SUBJECT)] " + imap_literal(H[5]) +
          b")\r\n* 2 FETCH (UID 5 FLAGS (\\Seen) BODY[HEADER.FIELDS (SUBJECT)] "
          + imap_literal(b"Subject: again\r\n\r\n") +
          b")\r\n* 4 FETCH (UID 11 FLAGS () BODY[HEADER.FIELDS (SUBJECT)] " + imap_literal(H[11]) +
          b")\r\n* 1 EXISTS\r\n%TAG% OK done\r\n")
p, _, res, peak = run("contradictory", **{"UID FETCH": CONTRA})
t.ok(res.returncode in (0, 1) and clean(res), "contradictory: a clean end", res.stderr[-2000:])
rows = {m["id"]: m for m in postie_list(p, "INBOX", "h")}
t.ok(11 not in rows, "contradictory: a message not asked for is not stored", sorted(rows))
t.eq(rows.get(5, {}).get("subject"), "uid 5", "contradictory: a second summary of a message "
     "does not replace the first")

t.done()
