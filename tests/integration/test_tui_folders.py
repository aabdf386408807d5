#!/usr/bin/python3
"""Managing folders from the full-screen interface against the rig's
Dovecot (create-mailbox, rename-mailbox, delete-mailbox, subscribe,
unsubscribe, as NeoMutt names them; bound here to keys because they have
none by default): each change is checked on the server and in the sidebar,
deleting asks first, renaming or deleting the open folder moves the index
to the folder's new name or to the INBOX (and deleting the selected folder
does not cost the connection: Dovecot hangs up on a session whose selected
folder is deleted), and a server's refusal is shown."""

import re
import time

from postie_test import TAP, Postie, eventually
from rig import Rig
from tuitest import Terminal, ENTER, CTRL_U

t = TAP()
r = Rig.started_for(t)
r.seed("alice", 5)

p = Postie(t.tmpdir)
r.write_postie_account(p, "alice", "alice")
p.write_global("default_account = alice\n"
               "bind = index,pager \\ec create-mailbox\n"
               "bind = index,pager \\er rename-mailbox\n"
               "bind = index,pager \\ed delete-mailbox\n"
               "bind = index,pager \\es subscribe\n"
               "bind = index,pager \\eu unsubscribe\n")


def server_folders():
    c = r.imap("alice")
    try:
        names = lambda data: {re.search(rb' ("?)([^"]*)\1$', d).group(2).decode()
                              for d in data if d}
        return names(c.list()[1]), names(c.lsub()[1])
    finally:
        c.logout()




term = Terminal(p.argv(), cols=100, rows=30, cwd=t.tmpdir)
t.cleanup(term.quit)
term.wait_for("alice/INBOX", 20)
t.ok(eventually(lambda: "online" in term.text(), 30), "the account is online")

# The help screen lists the folder commands under their keys, and the
# commands without a key too, so that they can be found.
term.keys("?")
term.wait_for("Keys of the index screen")
for _ in range(12):
    if "search-opposite" in term.text():
        break
    term.keys(" ")
t.ok(re.search(r"^\S+ +create-mailbox +create a folder", term.text(), re.M)
     or "create-mailbox" in term.text(), "help: create-mailbox is listed", term.text())
t.ok(re.search(r"\(unbound\) +search-opposite", term.text()),
     "help: a command without a key is listed as unbound", term.text())
term.keys("q")
term.wait_gone("Keys of the index screen")

# create-mailbox: a name with a non-ASCII letter, created and subscribed.
term.keys("\x1bc")
term.wait_for("Create folder in alice:")
term.keys("Projekte/Über", ENTER)
term.wait_for("Folder Projekte/Über created.", 15)
listed, subscribed = server_folders()
t.ok("Projekte/&ANw-ber" in listed and "Projekte/&ANw-ber" in subscribed,
     "create-mailbox: on the server under its modified UTF-7 name, subscribed", listed)
t.ok(eventually(lambda: term.find_row("Über ") > 0), "and in the sidebar", term.text())

# Open it, then rename it: the prompt offers the open folder; the index follows.
term.keys("c", CTRL_U, "Projekte/Über", ENTER)
term.wait_for("alice/Projekte/Über", 10)
term.keys("\x1br")
term.wait_for("Rename folder of alice: Projekte/Über")
term.keys(ENTER)
term.wait_for("Rename Projekte/Über to:")
term.keys(CTRL_U, "Projekte/Neu", ENTER)
term.wait_for("Folder renamed to Projekte/Neu.", 15)
listed, _ = server_folders()
t.ok("Projekte/Neu" in listed and "Projekte/&ANw-ber" not in listed,
     "rename-mailbox: renamed on the server", listed)
t.ok(eventually(lambda: "alice/Projekte/Neu" in term.text(), 10),
     "the index shows the open folder under its new name", term.text())

# unsubscribe (with subscribed_only, the default, it leaves the sidebar and
# the index goes to the INBOX), then subscribe again by name.
term.keys("\x1bu", ENTER)
term.wait_for("Unsubscribed from Projekte/Neu.", 15)
t.ok("Projekte/Neu" not in server_folders()[1], "unsubscribe: gone from LSUB")
t.ok(eventually(lambda: "alice/INBOX" in term.text() and term.find_row("Neu ") < 0, 10),
     "the unsubscribed folder leaves the sidebar, the index shows the INBOX", term.text())
term.keys("\x1bs", CTRL_U, "Projekte/Neu", ENTER)
term.wait_for("Subscribed to Projekte/Neu.", 15)
t.ok("Projekte/Neu" in server_folders()[1], "subscribe: back in LSUB")
t.ok(eventually(lambda: term.find_row("Neu ") > 0, 10), "and back in the sidebar", term.text())
term.keys("c", CTRL_U, "Projekte/Neu", ENTER)
term.wait_for("alice/Projekte/Neu", 10)

# delete-mailbox asks first; "n" keeps the folder.
term.keys("\x1bd", ENTER)
term.wait_for("Delete folder Projekte/Neu and every message in it?")
term.keys("n")
time.sleep(1)
t.ok("Projekte/Neu" in server_folders()[0], "delete-mailbox answered no: the folder stays")
term.keys("\x1bd", ENTER)
term.wait_for("Delete folder Projekte/Neu and every message in it?")
term.keys("y")
term.wait_for("Folder Projekte/Neu deleted.", 15)
t.ok("Projekte/Neu" not in server_folders()[0], "delete-mailbox: deleted on the server")
t.ok(eventually(lambda: "alice/INBOX" in term.text(), 10),
     "the index went back to the INBOX", term.text())
t.ok(eventually(lambda: term.find_row("Neu ") < 0), "and the sidebar no longer lists it",
     term.text())

# The server's refusal is shown, and postie carries on.
term.keys("\x1bd", CTRL_U, "Nonexistent", ENTER)
term.wait_for("Delete folder Nonexistent and every message in it?")
term.keys("y")
t.ok(eventually(lambda: "localhost" in term.lines()[-1] and "exist" in term.lines()[-1], 15),
     "deleting a folder that does not exist shows the server's answer", term.text())
term.keys("c", CTRL_U, "INBOX", ENTER)
term.wait_for("alice/INBOX", 10)
t.ok(term.alive(), "postie is still running")
t.done()
