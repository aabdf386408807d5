"""Special folders on a server with XLIST but no SPECIAL-USE (older Gmail,
some appliances; Dovecot has no XLIST, so this is a scripted fake server):
postie asks with XLIST, takes the roles from its attributes (\\Sent,
\\Drafts, \\Trash, \\Spam, \\AllMail, \\Starred, \\Inbox), decodes the
modified UTF-7 names, and the account file's overrides still win."""
import json

from fakes import IMAP_MAILBOX, FakeServer
from postie_test import TAP, Postie

t = TAP()
asked = []

XLIST = ('* XLIST (\\HasNoChildren \\Inbox) "/" "Inbox"\r\n'
         '* XLIST (\\Noselect \\HasChildren) "/" "[Gmail]"\r\n'
         '* XLIST (\\HasNoChildren \\Sent) "/" "[Gmail]/Gesendet"\r\n'
         '* XLIST (\\HasNoChildren \\Drafts) "/" "[Gmail]/Entw&APw-rfe"\r\n'
         '* XLIST (\\HasNoChildren \\Trash) "/" "[Gmail]/Papierkorb"\r\n'
         '* XLIST (\\HasNoChildren \\Spam) "/" "[Gmail]/Spam"\r\n'
         '* XLIST (\\HasNoChildren \\AllMail) "/" "[Gmail]/Alle Nachrichten"\r\n'
         '* XLIST (\\HasNoChildren \\Starred) "/" "[Gmail]/Markiert"\r\n'
         '* XLIST (\\HasNoChildren) "/" "Reisen"\r\n')


def answer(reply):
    def play(c, tag, args):
        asked.append(reply.split()[1])
        c.send((reply + "%s OK done\r\n" % tag).encode())
    return play


CAPS = "IMAP4rev1 AUTH=PLAIN XLIST"
srv = FakeServer("imap", "script", script=dict(
    IMAP_MAILBOX,
    GREETING="* OK [CAPABILITY %s] fake Gmail ready\r\n" % CAPS,
    CAPABILITY="* CAPABILITY %s\r\n%%TAG%% OK done\r\n" % CAPS,
    XLIST=answer(XLIST),
    LIST=answer('* LIST (\\HasNoChildren) "/" "Reisen"\r\n'),
    LSUB=answer('* LSUB () "/" "Reisen"\r\n')))
t.cleanup(srv.stop)


def account(p, extra=""):
    p.write_account("g", "protocol = imap\nhost = 127.0.0.1\nport = %d\ntls = none\n"
                    "allow_plaintext_password = yes\nuser = g\npassword_command = echo pw\n"
                    "address = g@example.test\ntimeout = 10\n%s" % (srv.port, extra))


def folders(p, *args):
    res = p.run("folders", "--json", *args)
    t.ok(res.returncode == 0, "folders --json %s: exit 0" % " ".join(args), res.stderr)
    return {f["name"]: f for f in map(json.loads, res.stdout.splitlines())}


p = Postie(t.tmpdir, "xlist")
account(p)
res = p.run("sync", "INBOX")
t.ok(res.returncode == 0, "sync against an XLIST server", res.stderr)
t.ok("XLIST" in asked and "LIST" not in asked,
     "the folder list was asked for with XLIST, not LIST", asked)

got = folders(p, "--all")
roles = {n: f["role"] for n, f in got.items() if f["role"]}
t.ok(roles.get("[Gmail]/Gesendet") == "sent", "\\Sent gives the sent folder", roles)
t.ok(roles.get("[Gmail]/Entwürfe") == "drafts",
     "\\Drafts gives the drafts folder, its modified UTF-7 name decoded", roles)
t.ok(roles.get("[Gmail]/Papierkorb") == "trash", "\\Trash gives the trash folder", roles)
t.ok(roles.get("[Gmail]/Spam") == "junk", "XLIST's \\Spam gives the junk folder", roles)
t.ok(roles.get("[Gmail]/Alle Nachrichten") not in (None, "", "inbox", "sent"),
     "XLIST's \\AllMail gets a role of its own", roles)
t.ok(roles.get("[Gmail]/Markiert") not in (None, "", "inbox", "sent"),
     "XLIST's \\Starred gets a role of its own", roles)
t.ok("Reisen" in got and not got["Reisen"]["role"], "a plain folder has no role", got.get("Reisen"))
t.ok("[Gmail]" not in got or not got["[Gmail]"]["selectable"],
     "the \\Noselect parent is not selectable", got.get("[Gmail]"))
inbox = [n for n, f in got.items() if f["role"] == "inbox"]
t.ok(len(inbox) == 1, "one inbox, however the server spells it", inbox)

# The default (subscribed_only): the special folders are shown though only
# Reisen is subscribed.
shown = folders(p)
t.ok({"[Gmail]/Gesendet", "[Gmail]/Papierkorb", "Reisen"} <= set(shown),
     "subscribed_only lists the subscribed folder and the special ones", sorted(shown))

# The account file wins over the server's attributes.
q = Postie(t.tmpdir, "override")
account(q, "sent_folder = Reisen\n")
res = q.run("sync", "INBOX")
t.ok(res.returncode == 0, "sync with sent_folder set", res.stderr)
roles = {n: f["role"] for n, f in folders(q, "--all").items() if f["role"]}
t.ok(roles.get("Reisen") == "sent", "sent_folder names the sent folder", roles)
t.ok("[Gmail]/Gesendet" not in roles, "and the server's \\Sent folder loses that role", roles)
t.done()
