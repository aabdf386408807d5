"""postie check-config on good and broken configurations: every error kind,
the FILE:LINE: format, every problem listed, exit statuses 0 and 2."""
import os
import re

from postie_test import TAP, Postie

t = TAP()
p = Postie(t.tmpdir)
acc = os.path.join(p.config_dir, "accounts")

GMAIL = """# Gmail with an app password
protocol = imap
host = imap.gmail.com
user = alice@gmail.com
password_command = pass show gmail
name = Alice
address = alice@gmail.com
smtp_host = smtp.gmail.com
"""
FASTMAIL = """protocol = imap
host = imap.fastmail.com
user = bob@fastmail.com
password_command = pass show fastmail
address = bob@fastmail.com
smtp_host = smtp.fastmail.com
"""
DOVECOT = """protocol = imap
host = mail.home.example
user = carol
tls = starttls
ca_file = ~/ca.pem
address = carol@home.example
smtp_host = mail.home.example
smtp_port = 587
"""

r = p.run("check-config")
t.eq(r.returncode, 2, "no account configured: exit 2")
t.contains(r.stderr, "no account", "no account: says so")

p.write_account("gmail", GMAIL)
p.write_account("fastmail", FASTMAIL)
p.write_account("home", DOVECOT)
r = p.run("check-config")
t.eq(r.returncode, 0, "good configuration: exit 0")
lines = r.stdout.splitlines()
t.eq(len(lines), 3, "one summary line per account")
t.ok(lines and lines[0].startswith("fastmail: imap imap.fastmail.com:993 (implicit)"),
     "summary names protocol, host, port and TLS", r.stdout)
t.contains(r.stdout, "mail.home.example:143 (starttls)", "starttls account gets port 143")
t.contains(r.stdout, "smtp smtp.gmail.com:465 (implicit)", "smtp defaults to 465 implicit")
t.contains(r.stdout, "smtp mail.home.example:587 (starttls)", "smtp_port 587 means starttls")
t.eq(r.stderr, "", "nothing on stderr for a good configuration")

# One file with every kind of problem; all must be listed, each FILE:LINE:.
bad = p.write_account("broken", """protocol = imapz
hots = mail.example.org
port = 99999
port = 993
tls = maybe
this line has no equals sign
frobnicate = 1
allow_plaintext_password = perhaps
password = hunter2
user = x
""", mode=0o644)
r = p.run("check-config")
t.eq(r.returncode, 2, "broken configuration: exit 2")
err = r.stderr
t.contains(err, bad + ":1: protocol must be imap or pop3, not 'imapz'", "bad value says what is allowed")
t.contains(err, bad + ":2: unknown key 'hots' (did you mean 'host'?)", "unknown key with did-you-mean")
t.contains(err, bad + ":3: port must be a whole number from 1 to 65535", "number out of range")
t.contains(err, bad + ":4: 'port' is set twice (first on line 3)", "the same key twice")
t.contains(err, bad + ":5: tls must be implicit, starttls or none, not 'maybe'", "bad enum value")
t.contains(err, bad + ":6: line is not `key = value`", "a line that is not key = value")
t.contains(err, bad + ":7: unknown key 'frobnicate'", "unknown key without a hint")
t.contains(err, bad + ":8: allow_plaintext_password must be yes or no", "bad boolean")
t.contains(err, bad + ":9: 'password' is stored in a file that others can read", "password in a readable file")
t.contains(err, bad + ": missing required key 'host'", "missing required key")
t.contains(err, bad + ": missing required key 'address'", "every missing key is listed")
t.ok(all(re.match(r"^/.*\.conf(:\d+)?: ", l) for l in err.splitlines()),
     "every line is FILE:LINE: message", err)
t.not_contains(err, "hunter2", "the password itself is never printed")
t.eq(r.stdout, "", "no summary when there are problems")

os.chmod(bad, 0o600)
os.unlink(bad)
p.write_global("default_acount = home\n")
r = p.run("check-config")
t.eq(r.returncode, 2, "problem in postie.conf: exit 2")
t.contains(r.stderr, "postie.conf:1: unknown key 'default_acount' (did you mean 'default_account'?)",
           "postie.conf is checked like the accounts")
p.write_global("default_account = home\n")
r = p.run("check-config")
t.eq(r.returncode, 0, "default_account that exists is fine")

# A config file with terminal escapes must not reach the terminal raw.
p.write_account("evil", "protocol = imap\nhost = h\nuser = u\naddress = u@h\n\x1b]0;pwned\x07 = 1\n")
r = p.run("check-config")
t.not_contains(r.stderr, "\x1b", "escape sequences from a config file are neutralised")
t.done()
