"""The manual pages against the program (TAP).

- Every key `postie check-config --list-keys` reports is an entry of
  doc/postie.conf.5 (global) or doc/postie-account.5 (account), and every
  entry there is a key postie accepts; each entry gives a default or says the
  key is required.
- Every command `postie help` lists has a subsection `.SS "postie NAME ..."`
  in doc/postie.1, and every subsection is a command.
- Every long option of `postie --help` and of `postie help NAME` appears in
  doc/postie.1 (a command's own options in its subsection), and every option
  a subsection documents is one the command's help lists.
- The interface's default keys in doc/postie.1 are what
  `postie check-config --list-bindings` says (doc/manpage_keys.py).
- README's Usage lists every command (but bench-open, a tool of the
  benchmarks).
- The pages carry the version of the program.

A key entry in a section 5 page is `.TP` followed by
`.BI "KEY = " VALUE` or `.BR "KEY = " "a | b"`.
"""
import os
import re
import subprocess

from postie_test import TAP, POSTIE, SRCDIR

t = TAP()
ENV = dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE="")
KEY_LINE = re.compile(r'^\.B[IR]? +"([A-Za-z0-9_-]+) = ')
OPTION = re.compile(r"(?<![\w-])--([a-z][a-z0-9-]*)")


def run(*args):
    r = subprocess.run([POSTIE] + list(args), capture_output=True, text=True, env=ENV,
                       timeout=60)
    return r


def page(name):
    with open(os.path.join(SRCDIR, "doc", name), encoding="ascii") as f:
        return f.read()


def key_entries(text):
    """{key: paragraph text} of the key entries of a section 5 page. Keys
    listed together (.PD 0 between their .TP lines) share the paragraph
    after the last of them."""
    lines = text.splitlines()
    entries = []
    for i, line in enumerate(lines):
        m = KEY_LINE.match(line)
        if not m or i == 0 or lines[i - 1].strip() != ".TP":
            continue
        body = []
        for nxt in lines[i + 1:]:
            if nxt.startswith((".TP", ".SS", ".SH")):
                break
            if not nxt.startswith(".PD"):
                body.append(nxt)
        entries.append((m.group(1), "\n".join(body)))
    shared = ""
    for k in range(len(entries) - 1, -1, -1):
        name, body = entries[k]
        shared = body if body.strip() else shared
        entries[k] = (name, shared)
    return dict(entries)


def unescape(text):
    return text.replace("\\-", "-").replace("\\e", "\\")


# ---- configuration keys ----
r = run("check-config", "--list-keys")
t.eq(r.returncode, 0, "check-config --list-keys runs")
keys = {"global": set(), "account": set()}
for line in r.stdout.splitlines():
    kind, _, name = line.partition(" ")
    keys.setdefault(kind, set()).add(name)
t.ok(keys["global"] and keys["account"], "it lists global and account keys", r.stdout)

for kind, name in (("global", "postie.conf.5"), ("account", "postie-account.5")):
    entries = key_entries(page(name))
    have = set(entries)
    missing = sorted(keys[kind] - have)
    t.ok(not missing, "every %s key is documented in doc/%s" % (kind, name),
         "undocumented: " + ", ".join(missing))
    extra = sorted(have - keys[kind])
    t.ok(not extra, "every key documented in doc/%s exists" % name,
         "not a key of postie: " + ", ".join(extra))
    vague = sorted(k for k, body in entries.items()
                   if "Default" not in body and "Required" not in body)
    t.ok(not vague, "every key in doc/%s gives its default or says it is required" % name,
         "neither: " + ", ".join(vague))

# ---- commands and their options ----
man1 = page("postie.1")
sections = {}
for m in re.finditer(r'^\.SS "postie ([a-z][a-z0-9-]*)\b[^"]*"\n(.*?)(?=^\.S[SH] )',
                     unescape(man1), re.M | re.S):
    sections[m.group(1)] = m.group(0)
r = run("help")
t.eq(r.returncode, 0, "postie help runs")
commands = [line.split()[0] for line in r.stdout.splitlines() if line.startswith("  ")]
t.ok(commands, "postie help lists commands", r.stdout)
missing = [c for c in commands if c not in sections]
t.ok(not missing, "every command has its subsection in doc/postie.1",
     "missing: " + ", ".join(missing))
extra = sorted(set(sections) - set(commands))
t.ok(not extra, "every command subsection of doc/postie.1 is a command",
     "not a command: " + ", ".join(extra))


def own_options(help_text):
    """Long options of a help text (its usage line and option lines),
    without the common ones (-a, -h)."""
    common = help_text.split("Common options:")[0]
    usage = common.splitlines()[0] if common else ""
    opts = set(OPTION.findall(usage.split("]", 1)[-1]))
    for line in common.splitlines():
        if line.lstrip().startswith("-") or line.startswith("store "):
            opts |= set(OPTION.findall(line))
    return opts


whole = unescape(man1)
r = run("--help")
global_opts = set(OPTION.findall(r.stdout))
t.ok({"help", "version"} <= global_opts, "postie --help lists its options", r.stdout)
gsec = re.search(r"^\.SH GLOBAL OPTIONS\n(.*?)^\.SH ", whole, re.M | re.S)
gtext = gsec.group(1) if gsec else ""
missing = sorted(o for o in global_opts if "--" + o not in gtext)
t.ok(not missing, "every global option is in GLOBAL OPTIONS of doc/postie.1",
     "missing: " + ", ".join(missing))
for c in commands:
    r = run("help", c)
    opts = own_options(r.stdout)
    sec = sections.get(c, "")
    missing = sorted(o for o in opts if "--" + o not in sec)
    t.ok(not missing, "every option of %s is in its subsection of doc/postie.1" % c,
         "missing: " + ", ".join(missing))
    documented = set()
    for m in re.finditer(r"^\.(?:TP\n\.)?B[IR]? +(--[a-z][a-z0-9-]*)", sec, re.M):
        documented.add(m.group(1)[2:])
    extra = sorted(documented - opts - global_opts)
    t.ok(not extra, "every option documented for %s is one it has" % c,
         "not an option of %s: %s" % (c, ", ".join(extra)))

# ---- README's list of commands ----
# bench-open is a tool of tests/bench, not for users; help is postie's own.
with open(os.path.join(SRCDIR, "README"), encoding="utf-8") as f:
    usage = f.read().split("\nUsage\n-----\n", 1)[-1]
listed = set(re.findall(r"^    postie ([a-z][a-z0-9-]*(?:\|[a-z][a-z0-9-]*)*)", usage, re.M))
listed = {name for group in listed for name in group.split("|")}
missing = sorted(c for c in commands if c not in listed and c != "bench-open")
t.ok(not missing, "README's Usage lists every command", "missing: " + ", ".join(missing))
extra = sorted(c for c in listed if c not in commands)
t.ok(not extra, "every command README's Usage lists exists", "not a command: " + ", ".join(extra))

# ---- the interface's keys ----
import sys
sys.path.insert(0, os.path.join(SRCDIR, "doc"))
import manpage_keys   # noqa: E402

_, generated, _ = manpage_keys.split(man1)
want = manpage_keys.render(manpage_keys.bindings(POSTIE))
t.ok(generated == want, "the default keys in doc/postie.1 are those of the key map",
     "run doc/manpage_keys.py %s to regenerate them" % POSTIE)

# ---- version ----
r = run("--version")
version = r.stdout.split()[1] if r.stdout.split()[1:] else "?"
for name in ("postie.1", "postie.conf.5", "postie-account.5"):
    th = re.search(r"^\.TH .*$", page(name), re.M)
    t.contains(th.group(0) if th else "", '"postie %s"' % version,
               "doc/%s carries version %s" % (name, version))
t.done()
