#!/usr/bin/python3
"""Fills a Maildir folder with N generated, realistic, deterministic messages.

    seed.py --maildir DIR -n 100000 --seed 1 [--no-flags]

The same (seed, N) always gives the same messages, file names and UIDs.
Messages come in threads (Message-ID, In-Reply-To, References), as plain
text, multipart/alternative with HTML, and multipart/mixed with small binary
and text attachments; headers carry RFC 2047 encoded words (Q and B) and
bodies use UTF-8, ISO-8859-1, Windows-1252, KOI8-R, ISO-2022-JP, GB18030 and
a few others, with 7bit, 8bit, quoted-printable and base64 encodings. About
72% are \\Seen, some \\Flagged and \\Answered.

Files go straight into cur/ as TIME.MnPs.postie,S=SIZE,W=VSIZE:2,FLAGS (the
file time is the message date, which Dovecot reports as INTERNALDATE), and
dovecot-uidlist gets one line each, so the UIDs are known without asking the
server. Afterwards Dovecot needs `doveadm index -u USER FOLDER` (rig.seed
does that) to build its index fast, or it indexes on first access.
"""

import argparse
import base64
import binascii
import datetime
import functools
import hashlib
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from seedtext import ATTACHMENTS, LANGS, LISTS, PEOPLE, TEXT_ATTACHMENTS, TIMEZONES  # noqa: E402

START = datetime.datetime(2019, 1, 7, 8, 0, tzinfo=datetime.timezone.utc)
SPAN_SECONDS = 5 * 365 * 86400
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_Q_SAFE = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!*+-/")


# -- encodings ----------------------------------------------------------------

def _encodable(text, charset):
    try:
        text.encode(charset)
        return True
    except UnicodeEncodeError:
        return False


def _q_word(raw):
    return "".join(chr(b) if b in _Q_SAFE else "_" if b == 32 else "=%02X" % b for b in raw)


@functools.lru_cache(maxsize=8192)
def encode_words(text, charset, kind):
    """RFC 2047 encoded words for text (kind 'Q' or 'B'), each at most 75
    characters, chunked on characters so every word decodes on its own."""
    if all(ord(c) < 128 for c in text):
        return text
    words, chunk = [], ""
    prefix = "=?%s?%s?" % (charset, kind)

    def enc(s):
        raw = s.encode(charset)
        body = base64.b64encode(raw).decode() if kind == "B" else _q_word(raw)
        return prefix + body + "?="

    for ch in text:
        if chunk and len(enc(chunk + ch)) > 75:
            words.append(enc(chunk))
            chunk = ""
        chunk += ch
    words.append(enc(chunk))
    return "\n ".join(words)


def _address(display, mailbox, charset, kind):
    if not display:
        return mailbox
    if all(ord(c) < 128 for c in display):
        if any(c in display for c in ',.;:()<>@"\'\\'):
            display = '"%s"' % display.replace("\\", "\\\\").replace('"', '\\"')
        return "%s <%s>" % (display, mailbox)
    return "%s <%s>" % (encode_words(display, charset, kind), mailbox)


def _date_header(epoch, tz_minutes):
    tz = datetime.timezone(datetime.timedelta(minutes=tz_minutes))
    d = datetime.datetime.fromtimestamp(epoch, tz)
    sign = "+" if tz_minutes >= 0 else "-"
    return "%s, %d %s %d %02d:%02d:%02d %s%02d%02d" % (
        _DAYS[d.weekday()], d.day, _MONTHS[d.month - 1], d.year, d.hour, d.minute, d.second,
        sign, abs(tz_minutes) // 60, abs(tz_minutes) % 60)


def _b64_lines(raw):
    return b"".join(binascii.b2a_base64(raw[i:i + 57]) for i in range(0, len(raw), 57))


def _body_part(text, charset, rng, subtype="plain"):
    """Headers and body of one text part, encoded in charset."""
    raw = text.encode(charset)
    if charset in ("us-ascii", "iso-2022-jp"):
        cte, body = "7bit", raw
    else:
        cte = rng.choice(("quoted-printable", "quoted-printable", "base64", "8bit"))
        if cte == "quoted-printable":
            body = binascii.b2a_qp(raw, istext=True)
        elif cte == "base64":
            body = _b64_lines(raw)
        else:
            body = raw
    head = "Content-Type: text/%s; charset=%s\nContent-Transfer-Encoding: %s\n" % (
        subtype, charset if charset != "us-ascii" else "us-ascii", cte)
    return head.encode(), body if body.endswith(b"\n") else body + b"\n"


def _filename_param(name):
    if all(ord(c) < 128 for c in name):
        return 'filename="%s"' % name
    # RFC 2231, as most clients send it.
    return "filename*=utf-8''" + "".join(
        chr(b) if chr(b).isalnum() or chr(b) in ".-_" else "%%%02X" % b
        for b in name.encode("utf-8"))


# -- message generation --------------------------------------------------------

class Generator:
    """Generates messages in order; same seed, same messages."""

    def __init__(self, seed=1, n=1000, domain="example.test", to=("alice", "alice@example.test")):
        self.rng = random.Random(seed)
        self.seed = seed
        self.domain = domain
        self.to_name, self.to_addr = to
        self.step = max(1, SPAN_SECONDS // max(n, 1))
        self.t = START.timestamp()
        self.recent = []  # the last 200 messages, for replies (dicts, see message())
        self._pools = {}

    def _words(self, lang, k):
        return " ".join(self.rng.choice(LANGS[lang]["words"]) for _ in range(k))

    def _subject(self, lang):
        L = LANGS[lang]
        s = self.rng.choice(L["subjects"])
        while "{w}" in s:
            s = s.replace("{w}", self.rng.choice(L["words"]), 1)
        return s.replace("{n}", str(self.rng.randint(1000, 99999)))

    def _make_paragraph(self, lang, extras):
        L = LANGS[lang]
        cjk = lang in ("ja", "zh")
        words = self.rng.choices(L["words"], k=self.rng.randint(8, 40))
        if extras and self.rng.random() < 0.5:
            words.insert(self.rng.randrange(len(words)),
                         self.rng.choice(extras).format(n=self.rng.randint(2, 999)))
        if cjk:
            p = "".join(words) + "。"
            return "\n".join(p[i:i + 36] for i in range(0, len(p), 36))
        words[0] = words[0][:1].upper() + words[0][1:]
        # Wrap at about 72 columns so quoted-printable and 7bit stay tidy.
        lines, line = [], ""
        for w in words:
            if line and len(line) + len(w) >= 72:
                lines.append(line)
                line = w
            else:
                line = line + " " + w if line else w
        lines.append(line + ".")
        return "\n".join(lines)

    def _pool(self, lang, charset):
        """Paragraphs to build bodies from, made once per language (and once
        more with Windows-1252's extra characters)."""
        key = (lang, charset == "windows-1252")
        pool = self._pools.get(key)
        if pool is None:
            extras = LANGS[lang].get("cp1252_extra") if key[1] else None
            pool = [self._make_paragraph(lang, extras) for _ in range(400)]
            self._pools[key] = pool
        return pool

    def _paragraphs(self, lang, charset, greeting_name, size, quoting=None):
        """The body text; quoting = (date header, sender) of the message
        replied to, whose text is quoted below, as most clients do."""
        L = LANGS[lang]
        pool = self._pool(lang, charset)
        k = 1 + size // (300 if lang not in ("ja", "zh") else 120)
        paras = [L["greeting"].format(name=greeting_name or "all")]
        paras += self.rng.choices(pool, k=k)
        paras.append(L["closing"])
        if quoting:
            quoted = "\n".join("> " + line for p in self.rng.choices(pool, k=2)
                               for line in p.split("\n") + [""])
            paras.append("On %s, %s wrote:\n%s" % (quoting[0], quoting[1], quoted.rstrip("> \n")))
        return "\n\n".join(paras) + "\n"

    def _charset(self, lang):
        cs = LANGS[lang]["charsets"]
        r = self.rng.random()
        return cs[0] if r < 0.6 else cs[1 % len(cs)] if r < 0.9 else cs[-1]

    def _html(self, text):
        paras = "".join("<p>%s</p>\n" % p.replace("&", "&amp;").replace("<", "&lt;")
                        .replace("\n", "<br>\n") for p in text.split("\n\n"))
        return ('<!DOCTYPE html>\n<html><head><meta charset="utf-8"><style>body{font-family:'
                'sans-serif}</style></head>\n<body>\n%s</body></html>\n' % paras)

    def _attachment(self, boundary):
        r = self.rng.random()
        if r < 0.3:
            ctype, name = self.rng.choice(TEXT_ATTACHMENTS)
            rows = ["%d,%s,%d.%02d" % (i, self.rng.choice(LANGS["en"]["words"]),
                                        self.rng.randint(0, 9999), self.rng.randint(0, 99))
                    for i in range(self.rng.randint(5, 200))]
            body = _b64_lines(("\n".join(rows) + "\n").encode())
            ctype += "; charset=utf-8"
        else:
            ctype, name, magic = self.rng.choice(ATTACHMENTS)
            size = int(self.rng.lognormvariate(8.5, 1.0)) + 64  # median about 5 KB
            body = _b64_lines(magic + self.rng.randbytes(min(size, 200000)))
        head = ("--%s\nContent-Type: %s; name=\"%s\"\nContent-Disposition: attachment; %s\n"
                "Content-Transfer-Encoding: base64\n\n" % (
                    boundary, ctype, name if all(ord(c) < 128 for c in name) else "attachment",
                    _filename_param(name)))
        return head.encode() + body

    def _charsets(self, lang, display):
        """(body charset, header charset) for a sender writing in lang."""
        charset = self._charset(lang)
        if not _encodable(display + self._words(lang, 1), charset):
            charset = "utf-8"
        hdr_charset = charset if self.rng.random() < 0.5 else "utf-8"
        if not _encodable(display, hdr_charset):
            hdr_charset = "utf-8"
        return charset, hdr_charset

    def _thread(self, parent, lang, lst):
        """(subject, references) of a new message or of a reply to parent."""
        if parent:
            s = parent["subject"]
            return (s if s.startswith("Re: ") else "Re: " + s,
                    (parent["refs"] + [parent["id"]])[-10:])
        subject = self._subject(lang)
        return (lst[1] + " " + subject if lst else subject), []

    def message(self, i):
        """Returns (raw bytes, metadata dict) for message number i (0-based)."""
        rng = self.rng
        self.t += rng.randint(self.step // 2, self.step * 3 // 2)
        display, mailbox, lang = rng.choice(PEOPLE)
        parent = rng.choice(self.recent) if self.recent and rng.random() < 0.35 else None
        if parent and rng.random() < 0.8:
            lang = parent["lang"]
        charset, hdr_charset = self._charsets(lang, display)
        kind = "Q" if rng.random() < 0.5 else "B"
        msgid = "<%d.%d.%s@%s>" % (self.seed, i, hashlib.md5(b"%d/%d" % (self.seed, i))
                                   .hexdigest()[:12], mailbox.split("@")[1])
        lst = rng.choice(LISTS) if mailbox.startswith("dev@") or rng.random() < 0.05 else None
        subject, refs = self._thread(parent, lang, lst)
        if not _encodable(subject, hdr_charset):
            hdr_charset = "utf-8"
        date = _date_header(self.t, rng.choice(TIMEZONES))
        h = ["Return-Path: <%s>" % mailbox,
             "From: " + _address(display, mailbox, hdr_charset, kind),
             "To: " + _address(self.to_name.capitalize(), self.to_addr, "us-ascii", kind),
             "Subject: " + encode_words(subject, hdr_charset, kind),
             "Date: " + date,
             "Message-ID: " + msgid]
        if rng.random() < 0.15:
            other = rng.choice(PEOPLE)
            h.append("Cc: " + _address(other[0], other[1], "utf-8", kind))
        if refs:
            h += ["In-Reply-To: " + refs[-1], "References: " + "\n ".join(refs)]
        if lst:
            h.append("List-Id: <%s>" % lst[0])
        h.append("MIME-Version: 1.0")
        text = self._paragraphs(lang, charset, self.to_name.capitalize(),
                                int(rng.lognormvariate(6.3, 0.9)),
                                (parent["date"], parent["sender"]) if parent else None)
        if not _encodable(text, charset):
            charset = "utf-8"
        body = self._mime_body(i, text, charset, h)
        raw = ("\n".join(h) + "\n").encode() + body
        self.recent.append({"id": msgid, "refs": refs, "subject": subject, "lang": lang,
                            "date": date, "sender": display or mailbox})
        if len(self.recent) > 200:
            self.recent.pop(0)
        return raw, {"message_id": msgid, "subject": subject, "from": mailbox,
                     "date": int(self.t), "in_reply_to": refs[-1] if refs else None,
                     "lang": lang, "charset": charset}

    def _alternative(self, text, charset, boundary):
        """A multipart/alternative body: the text, then the same as HTML."""
        plain_head, plain = _body_part(text, charset, self.rng)
        html_head, html = _body_part(self._html(text), "utf-8", self.rng, "html")
        b = boundary.encode()
        return b"--%s\n%s\n%s\n--%s\n%s\n%s\n--%s--\n" % (b, plain_head, plain, b, html_head,
                                                           html, b)

    def _mime_body(self, i, text, charset, h):
        """The body after the header block h, to which it adds Content-Type."""
        rng = self.rng
        r = rng.random()
        boundary = "=_postie_%d_%d" % (self.seed, i)
        if r < 0.55:
            head, body = _body_part(text, charset, rng)
            h.extend(head.decode().rstrip("\n").split("\n"))
            return b"\n" + body
        if r < 0.8:
            h.append('Content-Type: multipart/alternative; boundary="%s"' % boundary)
            return (b"\nThis is a multi-part message in MIME format.\n\n" +
                    self._alternative(text, charset, boundary))
        h.append('Content-Type: multipart/mixed; boundary="%s"' % boundary)
        if rng.random() < 0.3:  # text and HTML, then the attachments
            inner = boundary + "_alt"
            first = b'Content-Type: multipart/alternative; boundary="%s"\n\n%s' % (
                inner.encode(), self._alternative(text, charset, inner))
        else:
            head, plain = _body_part(text, charset, rng)
            first = head + b"\n" + plain
        parts = [b"--%s\n%s" % (boundary.encode(), first)]
        for _ in range(1 if rng.random() < 0.8 else rng.randint(2, 3)):
            parts.append(self._attachment(boundary))
        return b"\n" + b"\n".join(parts) + b"\n--%s--\n" % boundary.encode()


def pick_flags(rng):
    """Maildir flag letters (sorted, as Maildir wants them)."""
    f = ""
    seen = rng.random() < 0.72
    if rng.random() < 0.06:
        f += "F"
    if seen and rng.random() < 0.14:
        f += "R"
    if seen:
        f += "S"
    return f


_IMAP_FLAGS = {"D": "\\Draft", "F": "\\Flagged", "R": "\\Answered", "S": "\\Seen",
               "T": "\\Deleted"}


# -- Maildir and dovecot-uidlist -----------------------------------------------

class _UidlistLock:
    """dovecot-uidlist.lock, the dotlock Dovecot itself takes."""

    def __init__(self, dir):
        self.path = os.path.join(dir, "dovecot-uidlist.lock")

    def __enter__(self):
        deadline = time.monotonic() + 30
        while True:
            try:
                os.close(os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
                return self
            except FileExistsError:
                if time.monotonic() > deadline:
                    raise RuntimeError("%s is held by someone else" % self.path)
                time.sleep(0.05)

    def __exit__(self, *exc):
        os.unlink(self.path)


def _read_uidlist(path, seed):
    """(header fields dict, existing lines) of a uidlist, or a fresh header."""
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        guid = hashlib.md5(b"postie-seed/%d/%s" % (seed, path.encode())).hexdigest()
        return {"V": str(1500000000 + seed), "N": "1", "G": guid}, []
    parts = lines[0].split()
    if parts[0] != "3":
        raise RuntimeError("%s: uidlist version %s, expected 3" % (path, parts[0]))
    return {p[0]: p[1:] for p in parts[1:]}, lines[1:]


def _write_file(path, data, mtime, uid, gid):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, data)
        if uid is not None:
            os.fchown(fd, uid, gid)
        os.utime(fd, (mtime, mtime))
    finally:
        os.close(fd)


def seed_maildir(dir, n, seed=1, flags=True, uid=None, gid=None, domain="example.test",
                 to=("alice", "alice@example.test"), min_uid=1):
    """Writes n messages into the Maildir folder dir and records their UIDs in
    dovecot-uidlist (appending if it exists). The first UID is the least one
    above everything in the uidlist and at least min_uid: for a folder Dovecot
    has used, pass its UIDNEXT, as the uidlist header lags behind the index.
    uid/gid: owner for the new files when run as root. Returns one metadata
    dict per message, in UID order."""
    if os.geteuid() != 0:
        uid = gid = None
    for sub in ("", "cur", "new", "tmp"):
        d = os.path.join(dir, sub)
        if not os.path.isdir(d):
            os.makedirs(d, mode=0o700)
            if uid is not None:
                os.chown(d, uid, gid)
    gen = Generator(seed, n, domain, to)
    flag_rng = random.Random(seed * 7919 + 1)
    uidlist = os.path.join(dir, "dovecot-uidlist")
    out = []
    with _UidlistLock(dir):
        header, lines = _read_uidlist(uidlist, seed)
        last = max([int(line.split(None, 1)[0]) for line in lines] or [0])
        first = max(int(header["N"]), last + 1, min_uid)
        cur = os.path.join(dir, "cur")
        for i in range(n):
            raw, meta = gen.message(i)
            f = pick_flags(flag_rng) if flags else ""
            u = first + i
            size, vsize = len(raw), len(raw) + raw.count(b"\n")
            base = "%d.M%dP%d.postie,S=%d,W=%d" % (meta["date"], u, seed, size, vsize)
            _write_file(os.path.join(cur, base + ":2," + f), raw, meta["date"], uid, gid)
            lines.append("%d :%s" % (u, base))
            meta.update(uid=u, flags=tuple(_IMAP_FLAGS[c] for c in f), size=size,
                        filename=base + ":2," + f)
            out.append(meta)
        header["N"] = str(first + n)
        text = "3 %s\n" % " ".join(k + header[k] for k in ("V", "N", "G")) + \
            "".join(line + "\n" for line in lines)
        tmp = uidlist + ".postie-tmp"
        with open(tmp, "w") as fh:
            fh.write(text)
        if uid is not None:
            os.chown(tmp, uid, gid)
        os.replace(tmp, uidlist)
    return out


def main():
    ap = argparse.ArgumentParser(description="Fill a Maildir folder with generated messages.")
    ap.add_argument("--maildir", required=True, help="the folder (holds cur/ new/ tmp/)")
    ap.add_argument("-n", type=int, required=True, help="how many messages")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-flags", action="store_true", help="leave every message unseen")
    ap.add_argument("--to", default="alice@example.test", help="the recipient's address")
    args = ap.parse_args()
    t0 = time.monotonic()
    user, domain = args.to.split("@", 1)
    msgs = seed_maildir(args.maildir, args.n, seed=args.seed, flags=not args.no_flags,
                        domain=domain, to=(user, args.to))
    dt = time.monotonic() - t0
    total = sum(m["size"] for m in msgs)
    print("seed.py: %d messages, %.1f MB, UIDs %d..%d, %.1f s" % (
        len(msgs), total / 1e6, msgs[0]["uid"] if msgs else 0,
        msgs[-1]["uid"] if msgs else 0, dt))


if __name__ == "__main__":
    main()
