#!/usr/bin/python3
"""The default keys of the interface in doc/postie.1, generated.

    doc/manpage_keys.py [POSTIE]

rewrites the part of doc/postie.1 between the lines `.\\" BEGIN KEYS` and
`.\\" END KEYS` from `POSTIE check-config --list-bindings` (the key map of
src/core/commands.c), run in the C locale. tests/check-doc.py renders the
same text and fails when the page differs, so run this after changing a
default key or adding a command."""
import os
import subprocess
import sys

BEGIN = '.\\" BEGIN KEYS'
END = '.\\" END KEYS'
TITLES = [
    ("generic", "Everywhere (generic)"),
    ("index", "The message list (index)"),
    ("pager", "Reading a message (pager)"),
    ("attach", "Attachments (attach)"),
    ("compose", "Before sending (compose)"),
    ("browser", "Folder lists (browser)"),
    ("outbox", "The outbox (outbox)"),
    ("editor", "Editing a line in prompts (editor)"),
    ("none", "Without a default key"),
]


def roff(text):
    return text.replace("\\", "\\e").replace("-", "\\-").replace('"', '\\(dq')


def bindings(postie):
    env = dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE="")
    out = subprocess.run([postie, "check-config", "--list-bindings"], capture_output=True,
                         text=True, env=env, check=True).stdout
    rows = []
    for line in out.splitlines():
        words, _, help_text = line.partition("\t")
        ctx, cmd, *keys = words.split(" ")
        rows.append((ctx, cmd, keys, help_text))
    return rows


def render(rows):
    """The roff text between the markers."""
    out = [BEGIN + " (doc/manpage_keys.py writes this part)"]
    for ctx, title in TITLES:
        mine = [r for r in rows if r[0] == ctx]
        if not mine:
            continue
        out.append('.SS "%s"' % title)
        for _, cmd, keys, help_text in mine:
            out.append(".TP")
            if keys:
                out.append('.BR "%s" "  (%s)"' % (roff(", ".join(keys)), roff(cmd)))
            else:
                out.append('.B "%s"' % roff(cmd))
            out.append(roff(help_text[:1].upper() + help_text[1:]) + ".")
    out.append(END)
    return "\n".join(out) + "\n"


def split(page):
    """(before, generated part, after) of the page's text."""
    start = page.find(BEGIN)
    end = page.find(END)
    if start < 0 or end < start:
        return page, "", ""
    end = page.index("\n", end) + 1
    return page[:start], page[start:end], page[end:]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    postie = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("POSTIE", "postie")
    path = os.path.join(here, "postie.1")
    with open(path, encoding="ascii") as f:
        page = f.read()
    before, _, after = split(page)
    if not after and not before.endswith("\n"):
        sys.exit("doc/manpage_keys.py: no BEGIN KEYS / END KEYS lines in " + path)
    with open(path, "w", encoding="ascii") as f:
        f.write(before + render(bindings(postie)) + after)


if __name__ == "__main__":
    main()
