"""The command line: --help, --version, exit statuses, -a before and after."""
import os
import subprocess

from postie_test import TAP, Postie, POSTIE

t = TAP()
p = Postie(t.tmpdir)

r = subprocess.run([POSTIE, "--version"], capture_output=True, text=True)
t.eq(r.returncode, 0, "--version exits 0")
t.ok(r.stdout.startswith("postie "), "--version prints the name and version", r.stdout)

r = subprocess.run([POSTIE, "--help"], capture_output=True, text=True)
t.eq(r.returncode, 0, "--help exits 0")
t.contains(r.stdout, "check-config", "--help lists the commands")
t.contains(r.stdout, "Exit status", "--help documents exit statuses")

r = subprocess.run([POSTIE, "check-config", "--help"], capture_output=True, text=True)
t.eq(r.returncode, 0, "per-command --help exits 0")
t.contains(r.stdout, "Usage: postie", "per-command --help prints usage")

r = subprocess.run([POSTIE, "help", "check-config"], capture_output=True, text=True)
t.eq(r.returncode, 0, "postie help COMMAND")
t.contains(r.stdout, "check-config", "help names the command")

r = subprocess.run([POSTIE, "no-such-command"], capture_output=True, text=True)
t.eq(r.returncode, 2, "unknown command exits 2")
t.contains(r.stderr, "unknown command 'no-such-command'", "unknown command is named")

r = subprocess.run([POSTIE, "--bogus"], capture_output=True, text=True)
t.eq(r.returncode, 2, "unknown global option exits 2")

r = p.run("check-config", "--bogus")
t.eq(r.returncode, 2, "unknown command option exits 2")

p.write_account("work", "protocol = imap\nhost = imap.example.org\nuser = a\naddress = a@example.org\n")
p.write_account("home", "protocol = pop3\nhost = pop.example.org\nuser = b\naddress = b@example.org\n")
r1 = p.run("-a", "home", "check-config")
r2 = p.run("check-config", "-a", "home")
t.eq((r1.returncode, r1.stdout), (r2.returncode, r2.stdout), "-a before = -a after the command")
t.ok(r1.stdout.startswith("home:") and "work" not in r1.stdout, "-a selects the account", r1.stdout)
r = p.run("check-config", "-a", "nope")
t.eq(r.returncode, 2, "unknown account exits 2")

env = dict(os.environ, POSTIE_CONFIG_DIR=p.config_dir)
r = subprocess.run([POSTIE, "check-config"], capture_output=True, text=True, env=env)
t.eq(r.returncode, 0, "POSTIE_CONFIG_DIR is honoured")
env = dict(os.environ, XDG_CONFIG_HOME=os.path.dirname(p.config_dir))
env.pop("POSTIE_CONFIG_DIR", None)
os.symlink(p.config_dir, os.path.join(os.path.dirname(p.config_dir), "postie"))
r = subprocess.run([POSTIE, "check-config"], capture_output=True, text=True, env=env)
t.eq(r.returncode, 0, "XDG_CONFIG_HOME/postie is honoured")

r = subprocess.run([POSTIE], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                   env=dict(os.environ, POSTIE_CONFIG_DIR=p.config_dir))
t.eq(r.returncode, 2, "the TUI without a terminal exits 2 with a message")
t.contains(r.stderr, "terminal", "and says it needs a terminal")
t.done()
