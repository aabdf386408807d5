#!/usr/bin/python3
"""The full-screen interface in a terminal emulator, on mail put into the
store by tests/integration/store-seed (no server): start-up, navigation,
reading, attachments, search and limit, sorting and threads, help generated
from the key map, resizing, wide and combining characters, leaving cleanly."""

import glob
import os
import subprocess
import sys

from postie_test import TAP, Postie
from tuitest import Terminal, ENTER, CTRL_U, CTRL_G, width, run_in_pty

t = TAP()
BUILD = os.environ.get("POSTIE_BUILDDIR", ".")
SRC = os.environ.get("POSTIE_SRCDIR", ".")
SEED = os.path.join(BUILD, "tests", "integration", "store-seed")

p = Postie(t.tmpdir)
p.write_account("work", "protocol = imap\nhost = localhost\nuser = me\n"
                "address = me@example.test\npassword_command = echo x\n")
p.write_account("home", "protocol = pop3\nhost = localhost\nuser = me\n"
                "address = me@home.test\npassword_command = echo x\n")
mailcap = os.path.join(t.tmpdir, "mailcap")
with open(mailcap, "w") as f:
    f.write("application/pdf; cp %s opened.pdf\n"
            "text/plain; cat %s; copiousoutput\n"
            "image/png; false\n")
p.write_global("default_account = work\nbind = index,pager <F5> fetch-mail\nbind = index K previous-entry\n"
               "color = index-flagged brightred default bold\nmailcap_path = %s\n" % mailcap)
mails = sorted(glob.glob(os.path.join(SRC, "tests", "data", "mail", "*.eml")))
subprocess.run([SEED, "-n", "120", p.data_dir, "work", "INBOX"] + mails, check=True)
subprocess.run([SEED, "-n", "3", "-p", "pop3", p.data_dir, "home", "INBOX"], check=True)
n_files = len(mails)
total = n_files + 120

# the pager of copiousoutput entries: a file, to be read back
paged = os.path.join(t.tmpdir, "paged.txt")
pager = os.path.join(t.tmpdir, "pager.sh")
with open(pager, "w") as f:
    f.write("#!/bin/sh\ncat > '%s'\n" % paged)
os.chmod(pager, 0o755)
term = Terminal(p.argv(), cols=100, rows=30, cwd=t.tmpdir, env=dict(os.environ, PAGER=pager))
t.cleanup(term.quit)

# Start-up: the first account's INBOX from the store, cursor on the newest.
term.wait_for("work/INBOX")
term.wait_for(" %d " % total)
t.contains(term.text(), "[%d messages" % total, "the status bar counts the folder")
t.contains(term.line(1), "home", "the sidebar lists the accounts")
t.ok(term.find_row(" INBOX") > 0, "and their folders")
cursor = term.cursor_rows()
t.eq(len(cursor), 1, "one cursor line")
t.contains(term.line(cursor[0]) if cursor else "", " %d " % total,
           "the cursor starts on the newest message")
t.contains(term.line(0), "q:Quit", "the help line shows keys from the key map")

# Navigation and reading.
term.keys("=")
t.eq(term.cursor_rows(), [term.find_row("   1 ")], "= goes to the first message")
term.keys("l", "~s 'international names'", ENTER)
t.contains(term.text(), "Attachments with international", "limit ~s finds the message")
t.contains(term.text(), "limit: ~s 'international names'", "the limit shows in the status bar")
t.eq(sum(1 for y in range(1, 28) if "Alice Example" in term.line(y)), 1,
     "only the matching message is listed")
term.keys(ENTER)
term.wait_for("See the attachments.")
t.contains(term.text(), "Subject: Attachments with international names", "the pager shows headers")
t.contains(term.text(), "résumé très long.txt", "and the attachment lines")
term.keys("v")
term.wait_for("[image/png, 8 bytes] été.png")
t.ok(True, "v lists the attachments")
term.keys("j", "s")
t.contains(term.text(), "Save attachment to: € rates 2024.pdf", "save proposes the file's name")
term.keys(ENTER)
t.ok(os.path.exists(os.path.join(t.tmpdir, "€ rates 2024.pdf")), "the attachment is saved")
term.keys("s", ENTER)
t.contains(term.text(), "exists. Replace it?", "saving over a file asks first")
term.keys("n")

# Opening attachments through mailcap: a viewer, a copiousoutput filter
# through the pager, a viewer that fails.
term.keys(ENTER, settle=0.5)
opened = os.path.join(t.tmpdir, "opened.pdf")
t.ok(os.path.exists(opened) and open(opened, "rb").read()
     == open(os.path.join(t.tmpdir, "€ rates 2024.pdf"), "rb").read(),
     "Enter opens the attachment with its mailcap viewer (the decoded file)")
term.wait_for("[image/png, 8 bytes] été.png")
t.ok(True, "and the attachment list is drawn again after it")
term.keys("j", ENTER, settle=0.5)
got = open(paged).read() if os.path.exists(paged) else None
t.ok(got is not None and got.strip() == "resume", "a copiousoutput entry's output goes to $PAGER",
     "%r\n%s" % (got, term.text()))
term.wait_for("[image/png, 8 bytes] été.png")
term.keys("k", "k", "k", "j", "j", "j", ENTER)
term.wait_for("The viewer exited with status 1.")
t.ok(True, "a viewer that fails is reported")
term.keys("q", "h")
t.contains(term.text(), "MIME-Version:", "h shows every header")
term.keys("h", "V")
t.contains(term.text(), "Content-Disposition: attachment", "V shows the raw message")
term.keys("V", "q")

# Limit back off, search, threads.
term.keys("l", CTRL_U, ENTER)
t.contains(term.text(), "[%d messages" % total, "an empty limit shows everything again")
t.not_contains(term.text(), "limit:", "and the status bar says no limit")
term.keys("/", "~f Emil", ENTER)
row = term.cursor_rows()
first = term.line(row[0]) if row else ""
t.contains(first, "Emil", "search moves to the next match")
term.keys("n")
row2 = term.cursor_rows()
second = term.line(row2[0]) if row2 else ""
t.ok("Emil" in second and second != first, "n finds the next one", "%r\n%r" % (first, second))
term.keys("*")
t.contains(term.text(), "└─>", "threads are drawn as a tree")
term.keys("\x1bv")
t.contains(term.text(), "(+", "M-v collapses the thread and counts what it hides")
term.keys("\x1bv", "o", "d")
t.contains(term.text(), "(date)", "o d sorts by date")
t.not_contains(term.text(), "└─>", "without the tree")
term.keys("O")
t.contains(term.text(), "(reverse-date)", "O reverses the order")
term.keys("o", "t", "O")

# Help from the key map, with the user's bindings.
term.keys("?")
t.contains(term.text(), "Keys of the index screen", "? opens the help of the screen")
for _ in range(6):
    if "fetch-mail" in term.text():
        break
    term.keys(" ")
t.ok(any("<F5>" in l and "fetch-mail" in l for l in term.lines()),
     "the help lists the user's own bindings")
term.keys("q")

# The sidebar and other folders.
term.keys("c", "Arch", "\t", ENTER)
term.wait_for("work/Archive")
t.contains(term.text(), "No messages.", "change-folder with completion opens Archive")
term.keys("A", CTRL_U, "home", ENTER)
term.wait_for("home/INBOX")
t.contains(term.text(), "[3 messages", "change-account opens the other account's INBOX")
term.keys("\x0e", "\x0e", "\x0f")
t.ok("work/" in term.text() or "home/" in term.text(), "sidebar-next and sidebar-open")
term.keys("A", CTRL_U, "work", ENTER)
term.wait_for("work/INBOX")

# Resize at once, also down to 80x24 and a tiny terminal.
term.resize(80, 24)
term.wait_for("work/INBOX")
t.eq(len(term.lines()), 24, "resized to 24 rows")
t.contains(term.line(22), "work/INBOX", "the status bar moved to the new bottom")
term.resize(30, 10)
t.contains(term.line(0), "q:Quit", "30x10 still draws")
term.resize(10, 3)
t.contains(term.text(), "termin", "a tiny terminal gets a notice, not a crash")
term.resize(100, 30)
term.wait_for("work/INBOX")

# Wide characters keep the columns aligned: the subject column starts at
# the same screen column on a row with a CJK name as on the others.
term.keys("o", "d", "l", "~f Chen | ~f Dora", ENTER)
def subject_col(y):
    line = term.line(y)
    i = line.find("Re:")
    return width(line[:i]) if i >= 0 else -1
cjk = [y for y in range(1, 28) if "陈伟" in term.line(y)]
latin = [y for y in range(1, 28) if "Dora" in term.line(y)]
t.ok(cjk and latin and subject_col(cjk[0]) == subject_col(latin[0]) > 0,
     "a CJK name takes two columns a character and the columns stay aligned")
term.keys("l", CTRL_U, ENTER, "o", "t")

# An unbound key says so; Ctrl-G with nothing running says so.
term.keys("Y")
t.contains(term.text(), "is not bound", "an unbound key is reported")
term.keys(CTRL_G)
t.contains(term.text(), "Nothing to cancel", "cancel with nothing running")

# q quits at once (nothing unsaved) and gives the terminal back.
term.keys("q")
code = term.wait_exit(10)
t.ok(code == 0, "q quits with status 0", "%r\n%s" % (code, term.text()))
term.quit()

# SIGTERM also leaves cleanly.
term2 = Terminal(p.argv(), cols=80, rows=24)
term2.wait_for("work/INBOX")
import signal
term2.signal(signal.SIGTERM)
t.eq(term2.wait_exit(10), 0, "SIGTERM leaves with status 0")
term2.quit()

# A second postie is refused: the store is in use.
term3 = Terminal(p.argv(), cols=80, rows=24)
term3.wait_for("work/INBOX")
code, out = run_in_pty(p.argv())
t.eq(code, 1, "a second interface on the same data dir is refused")
t.contains(out, "already running", "saying another postie runs")
term3.quit()

# check-config reports the interface's settings by file and line.
p.write_global("bind = index j next-entry\nbind = pager x blow-up\n"
               "color = quoted1 ultraviolet\nindex_format = %4C %Q\nsort = sideways\n")
r = p.run("check-config")
t.eq(r.returncode, 2, "check-config fails on bad interface settings")
t.contains(r.stderr, "postie.conf:2: bind: unknown command 'blow-up'", "bind named with its line")
t.contains(r.stderr, "postie.conf:3: color:", "color named with its line")
t.contains(r.stderr, "postie.conf:4: index_format: unknown field '%Q'", "index_format too")
t.contains(r.stderr, "postie.conf:5: sort must be", "and sort")
r = p.run()
t.eq(r.returncode, 2, "the interface refuses to start with them")
t.contains(r.stderr, "blow-up", "and says why")

t.done()
