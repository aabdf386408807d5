"""postie in German and French: --help, command help and configuration errors
under LANGUAGE, LANG and LC_MESSAGES; dates and numbers in the locale's
forms; columns that stay aligned with translated labels (help texts,
check-account's certificate block, the block of a refused certificate).

The test runs postie uninstalled with POSTIE_LOCALEDIR (tests/local.mk) and
builds the de_DE and fr_FR locales it needs with localedef into its own
directory (LOCPATH), so it needs no locale installed on the machine."""
import base64
import collections
import os
import re
import subprocess

from postie_test import TAP, Postie, SRCDIR
from rig import Rig

t = TAP()
p = Postie(t.tmpdir)

# The C library keeps the LOCPATH list it parsed for good: not postie's leak.
supp = os.path.join(t.tmpdir, "lsan.supp")
with open(supp, "w") as f:
    f.write("leak:__argz_add_sep\n")
locpath = os.path.join(t.tmpdir, "locales")
os.makedirs(locpath)
for loc in ("de_DE", "fr_FR"):
    r = subprocess.run(["localedef", "-i", loc, "-f", "UTF-8", os.path.join(locpath, loc + ".UTF-8")],
                       capture_output=True, text=True)
    t.ok(os.path.isdir(os.path.join(locpath, loc + ".UTF-8")), "localedef builds " + loc,
         r.stdout + r.stderr)


def env(language=None, **locale):
    """Environment for a run: LANGUAGE and locale variables as given, the
    others removed; the generated locales reachable."""
    e = {"LANGUAGE": language or "", "LC_ALL": "", "LANG": "", "LC_MESSAGES": "",
         "LC_TIME": "", "LC_NUMERIC": "", "LOCPATH": locpath, "TZ": "UTC",
         "LSAN_OPTIONS": "suppressions=%s:print_suppressions=0" % supp}
    if not locale:
        e["LC_ALL"] = "C.UTF-8"
    e.update(locale)
    return e


def run(e, *args):
    r = p.run(*args, env=e)
    return r


# ---- LANGUAGE ----------------------------------------------------------------
WANT_HELP = {
    "de": ["Aufruf: postie [GLOBALE OPTIONEN]", "Globale Optionen:", "Befehle:",
           "diese Hilfe anzeigen", "Exit-Status: 0 Erfolg"],
    "fr": ["Usage : postie [OPTIONS GLOBALES]", "Options globales :", "Commandes :",
           "afficher cette aide", "Code de sortie : 0 succès"],
}
r = run(env(), "--help")
t.contains(r.stdout, "Global options:", "without LANGUAGE, --help is in English")
for lang, wants in WANT_HELP.items():
    r = run(env(lang), "--help")
    t.eq(r.returncode, 0, "LANGUAGE=%s: --help exits 0" % lang)
    for w in wants:
        t.contains(r.stdout, w, "LANGUAGE=%s: --help says %r" % (lang, w))
    t.not_contains(r.stdout, "Global options:", "LANGUAGE=%s: no English heading left" % lang)

r = run(env("de"), "help", "show")
t.contains(r.stdout, "Eine Nachricht anzeigen: aufbereitet, roh oder ihre Anhänge.",
           "LANGUAGE=de: a command's help is German")
r = run(env("fr"), "help", "export")
t.contains(r.stdout, "Écrire le courrier stocké en Maildir ou en fichier mbox.",
           "LANGUAGE=fr: a command's help is French")
r = run(env("de"), "frobnicate")
t.eq(r.returncode, 2, "LANGUAGE=de: an unknown command still exits 2")
t.contains(r.stderr, "postie: unbekannter Befehl 'frobnicate'", "and says so in German")
t.contains(r.stderr, "»postie --help« gibt weitere Informationen.", "with the German hint")

# A configuration error: the file and line stay, the words change.
path = p.write_account("bad", "protocol = imap\nhots = mail.example.org\nuser = u\n"
                              "address = u@example.org\ntimeout = soon\n")
WANT_CONF = {
    None: ["%s:2: unknown key 'hots' (did you mean 'host'?)" % path,
           "%s:5: timeout must be a whole number from 1 to 3600, not 'soon'" % path,
           "%s: missing required key 'host'" % path],
    "de": ["%s:2: unbekannter Schlüssel 'hots' (meinten Sie 'host'?)" % path,
           "%s:5: timeout muss eine ganze Zahl von 1 bis 3600 sein, nicht 'soon'" % path,
           "%s: der Pflichtschlüssel 'host' fehlt" % path],
    "fr": ["%s:2: clé inconnue 'hots' (vouliez-vous dire 'host' ?)" % path,
           "%s:5: timeout doit être un nombre entier de 1 à 3600, et non 'soon'" % path,
           "%s: la clé obligatoire 'host' manque" % path],
}
for lang, wants in WANT_CONF.items():
    r = run(env(lang), "check-config")
    name = "LANGUAGE=" + (lang or "")
    t.eq(r.returncode, 2, "%s: check-config on a broken file exits 2" % name)
    for w in wants:
        t.contains(r.stderr, w, "%s: check-config reports %r" % (name, w.split(": ", 1)[1]))
os.unlink(path)

# ---- LANG and LC_MESSAGES ----------------------------------------------------
r = run(env(LANG="de_DE.UTF-8"), "--help")
t.contains(r.stdout, "Aufruf: postie", "LANG=de_DE.UTF-8 alone makes postie speak German")
r = run(env(LANG="de_DE.UTF-8", LC_MESSAGES="fr_FR.UTF-8"), "--help")
t.contains(r.stdout, "Usage : postie", "LC_MESSAGES=fr_FR.UTF-8 wins over LANG for messages")
r = run(env("de", LANG="fr_FR.UTF-8"), "--help")
t.contains(r.stdout, "Aufruf: postie", "LANGUAGE=de wins over LANG=fr_FR.UTF-8")
r = run(env(LC_ALL="fr_FR.UTF-8", LANG="de_DE.UTF-8"), "--help")
t.contains(r.stdout, "Usage : postie", "LC_ALL wins over LANG")

# ---- dates and numbers -------------------------------------------------------
attachment = base64.encodebytes(bytes(range(256)) * 6).decode()   # 1536 bytes: 1.5 KiB
msg = os.path.join(t.tmpdir, "dated.eml")
with open(msg, "w") as f:
    f.write("Date: Mon, 04 Mar 2024 10:00:00 +0000\nFrom: a@example.org\nTo: b@example.org\n"
            "Subject: dates\nMIME-Version: 1.0\n"
            "Content-Type: multipart/mixed; boundary=XX\n\n--XX\n"
            "Content-Type: text/plain\n\nHello.\n--XX\n"
            "Content-Type: application/octet-stream; name=data.bin\n"
            "Content-Transfer-Encoding: base64\n\n" + attachment + "--XX--\n")
DATE = {None: "Date: Mon, 04 Mar 2024 10:00:00 +0000",
        "de_DE.UTF-8": "Date: Mo 04 Mär 2024 10:00:00 UTC",
        "fr_FR.UTF-8": "Date: lun. 04 mars 2024 10:00:00\n"}
SIZE = {None: "data.bin (application/octet-stream, 1.5 KiB)",
        "de_DE.UTF-8": "data.bin (application/octet-stream, 1,5 KiB)",
        "fr_FR.UTF-8": "data.bin (application/octet-stream, 1,5 Kio)"}
for loc in (None, "de_DE.UTF-8", "fr_FR.UTF-8"):
    e = env(LC_ALL=loc) if loc else env()
    r = run(e, "show", "--file", msg, "--width", "80")
    t.contains(r.stdout, DATE[loc], "%s: the Date field in the locale's form" % (loc or "C"))
    r = run(e, "show", "--file", msg, "--attachments")
    t.contains(r.stdout, SIZE[loc], "%s: sizes with the locale's decimal separator"
               % (loc or "C"))

# Counts with the locale's thousands separator: 1234 messages imported.
maildir = os.path.join(t.tmpdir, "seed")
subprocess.run(["/usr/bin/python3", os.path.join(SRCDIR, "tests", "servers", "seed.py"),
                "--maildir", maildir, "-n", "1234"], check=True, capture_output=True)
p.write_account("big", "protocol = pop3\nhost = pop.example.org\nuser = u\n"
                       "address = u@example.org\n")
# The first run imports them; the others find them there already.
COUNT = [("C.UTF-8", "big/INBOX: 1234 messages imported\n"),
         ("de_DE.UTF-8", r"big/INBOX: 0 Nachrichten importiert, 1\.234 waren schon vorhanden"),
         ("fr_FR.UTF-8", "big/INBOX : 0 message importé, 1\u202f234 étaient déjà là")]
for loc, want in COUNT:
    r = run(env(LC_ALL=loc), "-a", "big", "store", "import-maildir", "--folder",
            "INBOX", maildir)
    t.ok(re.search(want, r.stdout), "%s: %s" % (loc, want.replace("\\", "").strip()),
         r.stdout + r.stderr)
r = run(env(LC_ALL="de_DE.UTF-8"), "store", "check")
t.ok(re.search(r"big: Ordner 1, Nachrichten 1\.234 \(in \d+ Datensätzen\)", r.stdout),
     "de_DE: store check counts 1.234 messages", r.stdout + r.stderr)


# ---- columns with translated labels ------------------------------------------
def value_columns(text, indent):
    """Column where the value starts in each `LABEL  VALUE` line indented
    by exactly indent blanks (labels have single blanks inside, the gap two
    or more)."""
    cols = []
    for line in text.splitlines():
        m = re.match(r"^ {%d}(\S(?:.*?\S)?) {2,}(\S.*)$" % indent, line)
        if m and not line.startswith(" " * (indent + 1)):
            cols.append(len(line) - len(m.group(2)))
    return cols


def option_columns_ok(text):
    """In every block of option lines, each description starts in one
    column, and so does each continuation line (long option specs excepted,
    as in the English text)."""
    bad = []
    for block in re.split(r"\n\s*\n", text):
        opt = []
        cont = []
        for line in block.splitlines():
            m = re.match(r"^( {2,6}-\S.*?)( {2,})(\S.*)$", line)
            if m:
                opt.append((len(m.group(1)), len(m.group(1)) + len(m.group(2)), line))
            elif re.match(r"^ {12,}\S", line):
                cont.append((len(line) - len(line.lstrip()), line))
        if not opt:
            continue
        col = collections.Counter(c for _, c, _ in opt).most_common(1)[0][0]
        bad += [l for spec, c, l in opt if c != col and spec + 2 <= col]
        bad += [l for c, l in cont if c != col]
    return bad


commands = [l.split()[0] for l in run(env(), "help").stdout.splitlines() if l.startswith("  ")]
for lang in (None, "de", "fr"):
    texts = [run(env(lang), "--help").stdout] + [run(env(lang), "help", c).stdout
                                                  for c in commands]
    bad = [l for text in texts for l in option_columns_ok(text)]
    t.ok(not bad, "%s: option descriptions line up in every help text" % (lang or "en"),
         "\n".join(bad))
    listing = run(env(lang), "help").stdout
    cols = set(value_columns(listing, 2))
    t.eq(len(cols), 1, "%s: the command list lines up" % (lang or "en"))

rig = Rig.started_for(t)
rig.write_postie_account(p, "alice", "alice")
rig.write_postie_account(p, "selfsigned", "alice", port=rig.bad_ports["selfsigned"]["imaps"],
                         smtp_host=None, smtp_port=None, smtp_tls=None)
CERT_LABEL = {None: "certificate:", "de": "Zertifikat:", "fr": "certificat :"}
for lang in (None, "de", "fr"):
    name = lang or "en"
    r = run(env(lang), "check-account", "-a", "alice")
    t.eq(r.returncode, 0, "%s: check-account passes" % name)
    t.contains(r.stdout, "  %s CN=" % CERT_LABEL[lang], "%s: the certificate block" % name)
    cols = value_columns(r.stdout, 4)
    t.ok(len(cols) == 12 and len(set(cols)) == 1,
         "%s: the six certificate fields of both servers line up" % name, r.stdout)
    r = run(env(lang), "check-account", "-a", "selfsigned")
    t.eq(r.returncode, 1, "%s: a self-signed certificate is refused" % name)
    cols = value_columns("\n".join(l for l in r.stderr.splitlines()
                                    if "check-account" not in l), 2)
    t.ok(len(cols) == 6 and len(set(cols)) == 1,
         "%s: the fields of the refused certificate line up" % name, r.stderr)
t.done()
