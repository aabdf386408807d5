"""postie show: options, exit statuses, raw output, attachments (list, save,
open), mailcap HTML filters and the configuration keys it reads."""
import os
import pty
import select
import subprocess

from postie_test import TAP, Postie, SRCDIR

t = TAP()
p = Postie(t.tmpdir)
CORPUS = os.path.join(SRCDIR, "tests", "data", "mail")
ENV = {"TZ": "UTC", "MAILCAPS": "/dev/null", "LC_ALL": "C.UTF-8"}


def mail(name):
    return os.path.join(CORPUS, name + ".eml")


def show(*args, env=None, input=b""):
    e = dict(ENV)
    if env:
        e.update(env)
    return p.run("show", *args, env=e, input=input)


def text(r):
    return r.stdout.decode("utf-8", "replace")


# usage and errors
r = show()
t.eq(r.returncode, 2, "no --file: exit 2")
t.contains(r.stderr.decode(), "--file", "no --file: says what is missing")
r = show("--file", "/nonexistent/x.eml")
t.eq(r.returncode, 1, "a missing file: exit 1")
t.contains(r.stderr.decode(), "/nonexistent/x.eml", "a missing file is named")
for bad in (["--width", "zero"], ["--part", "1"], ["--save", "x"], ["--to", "/tmp"],
            ["--prefer", "pdf"], ["--bogus"]):
    r = show("--file", mail("plain-ascii"), *bad)
    t.eq(r.returncode, 2, "bad usage %s: exit 2" % " ".join(bad))
r = p.run("help", "show")
t.eq(r.returncode, 0, "postie help show")
t.contains(r.stdout, "--attachments", "help lists the options")

# sources and rendering options
with open(mail("plain-ascii"), "rb") as f:
    plain = f.read()
r1 = show("--file", mail("plain-ascii"), "--width", "80")
r2 = show("--file", "-", "--width", "80", input=plain)
t.eq((r2.returncode, r2.stdout), (0, r1.stdout), "--file - reads standard input")
r = show("--file", mail("plain-ascii"))
t.eq(r.stdout, r1.stdout, "width 80 without a terminal")
r = show("--file", mail("plain-ascii"), "--width", "40")
t.ok(all(len(l) <= 40 for l in text(r).splitlines()), "--width 40 wraps at 40", text(r))
r = show("--file", mail("plain-ascii"), "--headers", "all")
t.contains(text(r), "Message-ID: <plain@example.org>", "--headers all shows every header")
t.contains(text(r), "Date: Tue, 02 Jan 2024 15:04:05 +0100", "--headers all: dates as sent")
r = show("--file", mail("plain-ascii"), "--headers", "subject, from")
t.ok(text(r).startswith("subject: A plain message\nfrom: Alice Example <alice@example.org>\n\n"),
     "--headers LIST: those, in that order", text(r))
r = show("--file", mail("plain-ascii"), env={"TZ": "CET-1CEST,M3.5.0,M10.5.0/3"})
t.contains(text(r), "Date: Tue, 02 Jan 2024 15:04:05 +0100", "dates in the local time zone")
r = show("--file", mail("alternative-with-plain"), "--prefer", "html")
t.contains(text(r), "This is the HTML part.", "--prefer html")

# configuration
p.write_global("show_headers = Subject\nprefer_html = yes\n")
r = show("--file", mail("alternative-with-plain"))
t.ok(text(r).startswith("Subject: Alternative with text/plain\n\nThis is the HTML part."),
     "show_headers and prefer_html from postie.conf", text(r))
r = show("--file", mail("alternative-with-plain"), "--prefer", "text")
t.contains(text(r), "text/plain part", "an option beats postie.conf")
p.write_global("")

# mailcap filters for HTML
cap = os.path.join(t.tmpdir, "mailcap")
with open(cap, "w") as f:
    f.write("text/html; sed -e 's/<[^>]*>//g' -e 's/^/[filtered] /' %s; copiousoutput;"
            " nametemplate=%s.html\n")
r = show("--file", mail("alternative-with-plain"), "--prefer", "html", env={"MAILCAPS": cap})
t.contains(text(r), "[filtered] This is the HTML part.", "HTML through a mailcap copiousoutput")
r = show("--file", mail("alternative-with-plain"), "--prefer", "html", "--no-mailcap",
         env={"MAILCAPS": cap})
t.not_contains(text(r), "[filtered]", "--no-mailcap: the built-in converter")
p.write_global("html_mailcap = no\n")
r = show("--file", mail("alternative-with-plain"), "--prefer", "html", env={"MAILCAPS": cap})
t.not_contains(text(r), "[filtered]", "html_mailcap = no in postie.conf")
r = show("--file", mail("alternative-with-plain"), "--prefer", "html", "--mailcap",
         env={"MAILCAPS": cap})
t.contains(text(r), "[filtered]", "--mailcap beats postie.conf")
p.write_global("mailcap_path = %s\n" % cap)
r = show("--file", mail("alternative-with-plain"), "--prefer", "html", env={"MAILCAPS": ""})
t.contains(text(r), "[filtered]", "mailcap_path in postie.conf")
p.write_global("")

# raw output
with open(mail("injection"), "rb") as f:
    injection = f.read()
r = show("--file", mail("injection"), "--raw")
t.eq(r.stdout, injection, "--raw into a pipe: the exact bytes")
r = show("--file", mail("injection"))
t.ok(b"\x1b" not in r.stdout and b"\x07" not in r.stdout and b"\xe2\x80\xae" not in r.stdout,
     "rendered output into a pipe is sanitized")
r = show("--file", mail("rfc822-inside"), "--raw", "--part", "2")
t.ok(r.stdout.startswith(b"Content-Type: message/rfc822\r\n") and
     r.stdout.rstrip().endswith(b"--inner--"), "--raw --part N: the part as sent", r.stdout)
r = show("--file", mail("rfc822-inside"), "--raw", "--part", "9")
t.eq(r.returncode, 2, "--part beyond the last attachment: exit 2")


def on_terminal(*args):
    """Runs postie with its standard output on a pseudo-terminal."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(p.argv("show", *args), stdout=slave, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, env=p.env(ENV))
    os.close(slave)
    out = b""
    while True:
        ready, _, _ = select.select([master], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    proc.wait(timeout=30)
    return proc.returncode, out


rc, out = on_terminal("--file", mail("injection"), "--raw")
t.eq(rc, 0, "--raw on a terminal: exit 0")
t.ok(b"\x1b" not in out and b"\x07" not in out and b"^[" in out,
     "--raw on a terminal is sanitized", out[:300])
rc, out = on_terminal("--file", mail("plain-ascii"))
t.ok(rc == 0 and b"Subject: A plain message" in out, "rendering on a terminal")

# attachments
r = show("--file", mail("rfc2231-names"), "--attachments")
t.eq(text(r), "  1  text/plain, 20 bytes\n"
              "  2  € rates 2024.pdf (application/pdf, 9 bytes)\n"
              "  3  résumé très long.txt (text/plain, 6 bytes)\n"
              "  4  été.png (image/png, 8 bytes)\n"
              "  5  better name.bin (application/octet-stream, 1 byte)\n", "--attachments")
r = show("--file", mail("injection"), "--attachments")
t.ok(r.returncode == 0 and b"\x1b" not in r.stdout and b"\xe2\x80\xae" not in r.stdout,
     "--attachments: names are sanitized", r.stdout)
dest = os.path.join(t.tmpdir, "saved")
os.makedirs(dest)
r = show("--file", mail("rfc2231-names"), "--save", "2", "--to", dest)
target = os.path.join(dest, "€ rates 2024.pdf")
t.eq(r.returncode, 0, "--save N: exit 0")
t.ok(os.path.exists(target) and open(target, "rb").read() == b"%PDF-1.4\n",
     "--save N: decoded into DIR under its decoded name")
with open(target, "wb") as f:
    f.write(b"mine")
r = show("--file", mail("rfc2231-names"), "--save", "2", "--to", dest)
t.eq(r.returncode, 1, "--save onto an existing file: exit 1 without a terminal")
t.contains(r.stderr.decode(), "exists", "--save says the file exists")
t.eq(open(target, "rb").read(), b"mine", "--save never overwrites without asking")
r = p.run("--yes", "show", "--file", mail("rfc2231-names"), "--save", "2", "--to", dest, env=ENV)
t.eq((r.returncode, open(target, "rb").read()), (0, b"%PDF-1.4\n"), "--yes replaces it")
hostile = os.path.join(t.tmpdir, "hostile")
os.makedirs(hostile)
r = show("--file", mail("injection"), "--save", "all", "--to", hostile)
t.eq(r.returncode, 0, "--save all: exit 0")
names = sorted(os.listdir(hostile))
t.eq(names, ["_]0;title_evil_txt.exe", "_bashrc"], "--save all: safe names only")
t.ok(not os.path.exists(os.path.join(t.tmpdir, ".bashrc")), "no file escaped the directory")

# open through mailcap
viewer_cap = os.path.join(t.tmpdir, "viewer.mailcap")
log = os.path.join(t.tmpdir, "viewer.log")
with open(viewer_cap, "w") as f:
    f.write("application/pdf; cp %%s %s/opened.pdf && echo %%s > %s\n" % (t.tmpdir, log))
    f.write("image/png; cat > %s/stdin.png\n" % t.tmpdir)
r = show("--file", mail("rfc2231-names"), "--open", "2", env={"MAILCAPS": viewer_cap})
t.eq(r.returncode, 0, "--open N: the mailcap viewer ran")
t.eq(open(os.path.join(t.tmpdir, "opened.pdf"), "rb").read(), b"%PDF-1.4\n",
     "--open: the viewer got the decoded part")
tmpfile = open(log).read().strip()
t.ok(tmpfile and not os.path.exists(tmpfile) and not os.path.exists(os.path.dirname(tmpfile)),
     "--open: the temporary file and its directory are gone", tmpfile)
r = show("--file", mail("rfc2231-names"), "--open", "4", env={"MAILCAPS": viewer_cap})
t.eq(open(os.path.join(t.tmpdir, "stdin.png"), "rb").read(), b"\x89PNG\r\n\x1a\n",
     "--open: a command without %s reads the part on stdin")
r = show("--file", mail("rfc2231-names"), "--open", "3", env={"MAILCAPS": viewer_cap})
t.eq(r.returncode, 1, "--open without a mailcap entry: exit 1")
t.contains(r.stderr.decode(), "no mailcap entry for text/plain", "and says so")
cat_cap = os.path.join(t.tmpdir, "cat.mailcap")
with open(cat_cap, "w") as f:
    f.write("text/plain; cat %s; copiousoutput\n")
r = show("--file", mail("injection"), "--open", "1", env={"MAILCAPS": cat_cap})
t.ok(r.returncode == 0 and b"ANSI colour" in r.stdout and b"\x1b" not in r.stdout,
     "--open with copiousoutput: the output is sanitized", r.stdout)
t.done()
