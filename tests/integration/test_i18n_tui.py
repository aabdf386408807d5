#!/usr/bin/python3
"""The full-screen interface in German and French (LANGUAGE, in tmux,
against the rig): the key line, the compose screen with its header values
lined up after the translated labels, the [y/N] question answered with the
language's own yes letter, and the message line."""

import os

from postie_test import TAP, Postie
from rig import Rig
from tuitest import Terminal, ENTER, width

t = TAP()
r = Rig.started_for(t)
r.seed("alice", 5)

p = Postie(t.tmpdir)
r.write_postie_account(p, "alice", "alice", display_name="Alice Example")
editor = os.path.join(t.tmpdir, "editor.sh")
with open(editor, "w") as f:
    f.write("#!/bin/sh\necho 'Hallo, salut.' >> \"$1\"\n")
os.chmod(editor, 0o755)
p.write_global("editor = %s\n" % editor)

LANGS = {
    "de": {"keys": ["q:Ende", "?:Hilfe"], "to": "An: ", "subject": "Betreff: ",
           "labels": ["Von:", "An:", "Betreff:", "Konto:"], "yes": "j",
           "lines": "-- 1 Zeile Text, 0 Anhänge --",
           "ask": "Diese Nachricht verwerfen?", "done": "Nachricht verworfen."},
    "fr": {"keys": ["q:Quitter", "?:Aide"], "to": "À : ", "subject": "Objet : ",
           "labels": ["De :", "À :", "Objet :", "Compte :"], "yes": "o",
           "lines": "-- 1 ligne de texte, 0 pièce jointe --",
           "ask": "Jeter ce message ?", "done": "Message jeté."},
}

for lang, want in LANGS.items():
    term = Terminal(p.argv(), cols=100, rows=30, env=p.env({"LANGUAGE": lang}))
    try:
        term.wait_for("alice", 20)
        for k in want["keys"]:
            t.contains(term.line(0), k, "%s: the key line says %r" % (lang, k))
        term.keys("m")
        term.wait_for(want["to"].rstrip(), 10)
        t.ok(True, "%s: m asks %r" % (lang, want["to"]))
        term.keys("bob@example.test", ENTER)
        term.wait_for(want["subject"].rstrip(), 10)
        term.keys("Grüße", ENTER)
        term.wait_for("bob@example.test", 10)
        term.wait_for(want["lines"], 10)
        t.ok(True, "%s: the compose screen counts %r" % (lang, want["lines"]))
        # Each label starts its row; every value starts in one column.
        starts = {}
        for label in want["labels"]:
            y = next((y for y, line in enumerate(term.lines()) if line.startswith(label)), -1)
            t.ok(y >= 0, "%s: the compose screen has %r" % (lang, label), term.text())
            if y >= 0:
                line = term.line(y)
                rest = line[len(label):]
                starts[label] = width(label) + len(rest) - len(rest.lstrip(" "))
        t.eq(len(set(starts.values())), 1,
             "%s: the values line up after the translated labels (%s)" % (lang, starts))
        t.contains(term.text(), "Alice Example <alice@example.test>",
                   "%s: From is the account's identity" % lang)
        term.keys("q")
        term.wait_for(want["ask"], 10)
        term.keys(want["yes"])
        term.wait_for(want["done"], 10)
        t.ok(True, "%s: %r answered with %r: %r" % (lang, want["ask"], want["yes"], want["done"]))
        term.keys("q")
        t.eq(term.wait_exit(10), 0, "%s: q quits with status 0" % lang)
    finally:
        term.quit()
t.eq(r.sink_messages(), [], "nothing was sent")
t.done()
