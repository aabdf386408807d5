"""Generates the big and odd messages of the rendering corpus, with the
output `postie show --file NAME.eml --width 80` must give (TZ=UTC), so that
the repository does not carry megabytes of test data.

generate(dir) writes NAME.eml and NAME.expected for each and returns the
names. An expected text of None means: check only that postie shows the
message without a crash; a `contains` list adds strings that must appear.
"""
import os

W = 80
HEAD = "From: a@example.org\r\nSubject: %s\r\n"


def wrap(text, width=W, indent=0):
    """Greedy wrapping at single spaces, as postie does for ASCII words
    that each fit a line."""
    words = text.split(" ")
    lines, cur = [], words[0]
    for w in words[1:]:
        avail = width if not lines else width - indent
        if len(cur) + 1 + len(w) <= avail:
            cur += " " + w
        else:
            lines.append(cur)
            cur = w
    lines.append(cur)
    return [lines[0]] + [" " * indent + l for l in lines[1:]]


def chunks(s, n=W):
    return [s[i:i + n] for i in range(0, len(s), n)]


def header_lines(subject):
    return ["From: a@example.org"] + wrap("Subject: " + subject, W, 9)


def nested(n, inner="innermost"):
    out = [HEAD % ("%d nested multiparts" % n)]
    for i in range(n):
        out.append('Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i))
    out.append("Content-Type: text/plain\r\n\r\n%s\r\n" % inner)
    for i in reversed(range(n)):
        out.append("--b%d--\r\n" % i)
    return "".join(out)


def cases():
    """(name, message bytes, expected text or None, strings it must contain)"""
    line = "0123456789" * 104858  # a little over 1 MB, one line, no blank
    yield ("huge-line",
           (HEAD % "One line of 1 MB" + "\r\n" + line + "\r\n").encode(),
           "\n".join(header_lines("One line of 1 MB") + [""] + chunks(line)) + "\n", [])
    words = " ".join("word%d" % (i % 1000) for i in range(150000))  # about 1 MB of words
    yield ("huge-words",
           (HEAD % "One line of 1 MB of words" + "\r\n" + words + "\r\n").encode(),
           "\n".join(header_lines("One line of 1 MB of words") + [""] + wrap(words)) + "\n", [])
    yield ("nested-200", nested(200).encode(),
           "\n".join(header_lines("200 nested multiparts") + ["", "innermost"]) + "\n", [])
    yield ("nested-100000", nested(100000).encode(), None,
           ["Subject: 100000 nested multiparts", "parts nested more than 256 deep"])
    chain = (HEAD % "100000 nested messages" + "Content-Type: message/rfc822\r\n\r\n" * 100000
             + "\r\nbody\r\n")
    yield ("nested-messages-100000", chain.encode(), None, ["parts nested more than 256 deep"])
    subject = " ".join("subject-word-%d" % i for i in range(800))  # over 10,000 characters
    assert len(subject) > 10000
    yield ("header-10000", (HEAD % subject + "\r\nbody\r\n").encode(),
           "\n".join(header_lines(subject) + ["", "body"]) + "\n", [])
    to = ", ".join("u%d@example.org" % i for i in range(1000))
    yield ("to-1000", ("From: a@example.org\r\nTo: " + to + "\r\n\r\nbody\r\n").encode(),
           "\n".join(["From: a@example.org"] + wrap("To: " + to, W, 4) + ["", "body"]) + "\n", [])
    parens = "From: (" * 1 + "(" * 200000 + "a@example.org\r\nSubject: deep comments\r\n\r\nbody\r\n"
    yield ("deep-comments", parens.encode(), None, ["Subject: deep comments", "body"])
    parts = "".join("--p\r\nContent-Type: application/octet-stream\r\n"
                    "Content-Disposition: attachment; filename=f%d.bin\r\n\r\nx\r\n" % i
                    for i in range(5000))
    yield ("parts-5000", (HEAD % "5000 attachments" + "Content-Type: multipart/mixed; boundary=p"
                          "\r\n\r\n" + parts + "--p--\r\n").encode(), None,
           ["[-- #1: f0.bin (application/octet-stream, 1 byte) --]",
            "[-- #5000: f4999.bin (application/octet-stream, 1 byte) --]"])
    html = "<blockquote><ul><li><table><tr><td>" * 20000 + "deep html"
    yield ("deep-html", (HEAD % "deeply nested HTML" + "Content-Type: text/html\r\n\r\n"
                         + html + "\r\n").encode(), None, ["deep html"])


def generate(directory):
    names = []
    for name, data, expected, contains in cases():
        with open(os.path.join(directory, name + ".eml"), "wb") as f:
            f.write(data)
        if expected is not None:
            with open(os.path.join(directory, name + ".expected"), "w", encoding="utf-8") as f:
                f.write(expected)
        names.append((name, contains))
    return names
