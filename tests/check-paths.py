"""The files the guides name exist (TAP).

doc/ARCHITECTURE.md, doc/HACKING.md, doc/tui.md, doc/store.md and README
point at real files: every
path such as src/imap/sync.c or tests/run.sh must exist in the tree, and
every bare file name (sync.c) must exist in the directory the text spoke
of last (in the module map, the directory that starts the entry; in prose,
the last directory or file named in the paragraph), or, with none named
yet, somewhere under src/, ui/ or tests/. Placeholders in capitals
(src/MODULE/MODULE.h, accounts/NAME.conf) and paths under DATA_DIR are not
files of the tree.
"""
import os
import re

from postie_test import TAP, SRCDIR

t = TAP()
DOCS = ["doc/ARCHITECTURE.md", "doc/HACKING.md", "doc/tui.md", "doc/store.md", "README"]
TOP = ("src/", "ui/", "tests/", "doc/", "po/", "build-aux/", ".ci/")
# A path of the tree, or a bare source file name; not part of a URL or of
# a longer path (DATA_DIR/accounts/..., ~/.config/...).
TOKEN = re.compile(r"(?<![\w/.~$-])((?:[\w.-]+/)*[\w.-]*[\w-]\.(?:c|h|py|sh|md|mk|in|ac|am)"
                   r"|(?:src|ui|tests|doc|po)/(?:[\w.-]+/)*)(?![\w/-])")
PLACEHOLDER = re.compile(r"[A-Z]{3,}")
# What the build makes (po/local.mk lays the catalogues out for tests).
GENERATED = ("po/locale/",)


def basenames():
    found = {}
    for top in ("src", "ui", "tests", "doc", "po"):
        for dirpath, _, files in os.walk(os.path.join(SRCDIR, top)):
            for f in files:
                rel = os.path.relpath(os.path.join(dirpath, f), SRCDIR)
                found.setdefault(f, []).append(rel)
    return found


def paragraphs(text):
    """Blocks of text that share a directory context: paragraphs, and in an
    indented listing each entry that starts with a directory."""
    block = []
    for line in text.splitlines():
        starts_entry = re.match(r"^ {4}(src|ui|tests)/\S*/? ", line)
        if not line.strip() or starts_entry:
            if block:
                yield block
            block = []
        if line.strip():
            block.append(line)
    if block:
        yield block


def exists(rel):
    return os.path.exists(os.path.join(SRCDIR, rel.rstrip("/")))


ALL = basenames()
for doc in DOCS:
    with open(os.path.join(SRCDIR, doc), encoding="utf-8") as f:
        text = f.read()
    missing = []
    checked = 0
    for block in paragraphs(text):
        context = None
        for line in block:
            for m in TOKEN.finditer(line):
                tok = m.group(1)
                if PLACEHOLDER.search(tok) or tok.startswith(("http", "www.")):
                    continue
                checked += 1
                if tok in GENERATED:
                    continue
                if tok in ("configure.ac", "Makefile.am"):
                    context = None
                    continue
                if tok.startswith(TOP):
                    if not exists(tok):
                        missing.append(tok)
                    context = tok if tok.endswith("/") else os.path.dirname(tok) + "/"
                    continue
                if "/" in tok:
                    # module/file.h relative to src/ (how headers are included)
                    if not exists("src/" + tok) and not exists(tok):
                        missing.append(tok)
                    continue
                if context and exists(context + tok):
                    continue
                if context is None and tok in ALL:
                    continue
                if context and tok in ALL:
                    where = ", ".join(ALL[tok])
                    missing.append("%s (named after %s, but it is %s)" % (tok, context, where))
                else:
                    missing.append(tok + (" (after %s)" % context if context else ""))
    t.ok(checked > 0, "%s names files (%d)" % (doc, checked))
    t.ok(not missing, "%s: every file it names exists" % doc, "\n".join(missing))
t.done()
