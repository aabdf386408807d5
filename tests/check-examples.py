"""The examples of the manual pages are configurations postie accepts (TAP).

Every `.EX` block of doc/postie-account.5 that starts with a comment naming
`~/.config/postie/accounts/NAME.conf` is written as that account, and the
EXAMPLE of doc/postie.conf.5 as the global file; `postie check-config` must
accept all of them at once (exit 0, nothing on stderr) and describe every
account. A block without such a comment (a variant: "pin the key
instead") is checked added to the account before it.
"""
import os
import re

from postie_test import TAP, Postie, SRCDIR

t = TAP()
p = Postie(t.tmpdir)
ENV = {"LC_ALL": "C.UTF-8", "LANGUAGE": ""}
ACCOUNT_FILE = re.compile(r"^# ~/\.config/postie/accounts/([A-Za-z0-9_.-]+)\.conf$")


def unescape(line):
    """The text `man` shows for a line of an .EX block."""
    line = line.replace("\\-", "-").replace("\\(aq", "'").replace("\\&", "")
    return line.replace("\\e", "\\")


def examples(name):
    """The .EX blocks of a page, each as a list of lines."""
    with open(os.path.join(SRCDIR, "doc", name), encoding="ascii") as f:
        text = f.read()
    blocks = re.findall(r"^\.EX\n(.*?)^\.EE$", text, flags=re.M | re.S)
    return [[unescape(line) for line in b.splitlines()] for b in blocks]


accounts = {}
last = None
for block in examples("postie-account.5"):
    m = ACCOUNT_FILE.match(block[0]) if block else None
    if m:
        last = m.group(1)
        accounts[last] = block
    elif last:
        variant = [line for line in accounts[last] if not line.startswith("ca_file")]
        accounts[last + "-variant"] = variant + block
t.ok(len(accounts) >= 6, "postie-account(5) has the worked examples (%d accounts)" % len(accounts))
for want in ("gmail", "fastmail", "work", "home", "isp"):
    t.ok(want in accounts, "postie-account(5) has the %s example" % want)
t.ok(any("oauth_token_command" in line for line in accounts.get("work", [])),
     "the Office 365 example uses oauth_token_command")
t.ok(any(line.startswith("ca_file") for line in accounts.get("home", [])),
     "the Dovecot example names a private CA")
t.ok(any(line.strip() == "protocol = pop3" for line in accounts.get("isp", [])),
     "the POP3 example is a POP3 account")

for name, lines in accounts.items():
    p.write_account(name, "\n".join(lines) + "\n")
glob = examples("postie.conf.5")
t.eq(len(glob), 1, "postie.conf(5) has one EXAMPLE")
text = "\n".join(glob[0]) if glob else ""
# The example's default_account must name an account that exists here.
m = re.search(r"^default_account = (\S+)", text, flags=re.M)
t.ok(m and m.group(1) in accounts, "its default_account is one of the examples",
     m.group(1) if m else "no default_account")
p.write_global(text + "\n")

r = p.run("check-config", env=ENV)
t.eq(r.returncode, 0, "check-config accepts every example")
t.eq(r.stderr, "", "and says nothing on stderr")
for name in accounts:
    t.ok(re.search("^%s: " % re.escape(name), r.stdout, flags=re.M),
         "check-config describes account %s" % name, r.stdout)
# Each account alone, so that one example's error cannot hide behind another's.
for name in accounts:
    r = p.run("check-config", "-a", name, env=ENV)
    t.eq(r.returncode, 0, "check-config -a %s: exit 0" % name)
t.done()
