"""Small scripted mail servers for the cases a real Dovecot cannot play.

    from fakes import FakeServer
    f = FakeServer("imap", "no-starttls")      # or "inject", "silent", "oauth"
    t.cleanup(f.stop)
    ... point postie at 127.0.0.1:f.port ...
    f.received                                  # every byte postie sent (after TLS too)
    f.auth                                      # decoded SASL messages it got

Kinds (for protocol "imap", "pop3" or "smtp"):
  no-starttls   a plain server whose capabilities lack STARTTLS/STLS and that
                refuses the command if it is sent anyway;
  inject        offers STARTTLS and answers it with its OK *and* one more line
                in the same packet (the CVE-2020-15953 attack);
  silent        accepts connections and never says anything;
  oauth         offers only XOAUTH2 and OAUTHBEARER; it accepts the token
                in FakeServer.token and otherwise sends the JSON error
                challenge, then refuses;
  script        answers from a script (hostile-server tests):
                FakeServer("imap", "script", script=dict(IMAP_MAILBOX, **{...})).

A script maps a command (upper case; "UID FETCH", "UID SEARCH" for IMAP's UID
commands; "GREETING" for the first words; SMTP's "." for the end of DATA) to
the reply: bytes or str, where %TAG% stands for the command's tag, or a
function fn(conn, tag, args) that sends what it likes through conn.send()
(conn.stream() sends a generator's chunks until postie hangs up) and returns
"close" to end the connection; endless() and cut() make such functions. IMAP_MAILBOX, POP3_MAILBOX and SMTP_SERVER
are scripts of a small working server to start from. record=True keeps what
the server said on each connection in sessions (seeds for tests/fuzz).

tls=(cert, key) makes it an implicit-TLS server (OpenSSL's defaults, so TLS 1.3
session tickets and resumption); tls_version="TLSv1_1" limits it to that
version (to check that clients refuse old TLS).

Each connection runs in a daemon thread; stop() closes everything.
"""

import base64
import json
import socket
import ssl
import threading

OAUTH_ERROR = {"status": "401", "schemes": "Bearer", "scope": "https://mail.example.test/"}


class _Conn:
    def __init__(self, server, sock):
        self.server = server
        self.sock = sock
        self.buf = b""
        self.said = None
        if server.record:
            self.said = bytearray()
            server.sessions.append(self.said)

    def send(self, text):
        data = text.encode() if isinstance(text, str) else text
        if self.said is not None:
            self.said += data
        self.sock.sendall(data)

    def stream(self, chunks):
        """Sends each chunk until the generator ends or the peer hangs up;
        the bytes sent."""
        sent = 0
        try:
            for chunk in chunks:
                self.send(chunk)
                sent += len(chunk)
        except OSError:
            pass
        return sent

    def line(self):
        """The next line without CRLF, or None at the end of the stream."""
        while b"\n" not in self.buf:
            try:
                data = self.sock.recv(4096)
            except (OSError, ssl.SSLError):
                return None
            if not data:
                return None
            with self.server.lock:
                self.server.received += data
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return line.rstrip(b"\r").decode("utf-8", "replace")


def endless(head, piece=b"x" * 65536):
    """A script reply: head, then piece again and again until postie hangs up."""
    def play(c, tag, args):
        def chunks():
            yield head
            while True:
                yield piece
        c.stream(chunks())
        return "close"
    return play


def cut(reply):
    """A script reply: reply (%TAG% replaced), then the connection closes."""
    def play(c, tag, args):
        c.send(reply.replace(b"%TAG%", tag.encode()))
        return "close"
    return play


def _header(uid):
    return ("From: Fake <fake@example.test>\r\nSubject: message %d\r\n"
            "Message-ID: <m%d@fake>\r\nDate: Tue, 02 Jan 2024 15:04:05 +0100\r\n\r\n"
            % (uid, uid)).encode()


def imap_literal(data):
    return b"{%d}\r\n" % len(data) + data


def _imap_fetch(c, tag, args):
    """UID FETCH of the IMAP_MAILBOX messages (2, 5, 9): summaries or bodies."""
    whole = "BODY.PEEK[]" in args.upper() or "BODY[]" in args.upper()
    out = b""
    for seq, uid in enumerate((2, 5, 9), 1):
        if whole and str(uid) not in args.split()[1].split(","):
            continue
        data = _header(uid) + (b"body of %d\r\n" % uid if whole else b"")
        item = b"BODY[]" if whole else b"BODY[HEADER.FIELDS (SUBJECT)]"
        out += (b"* %d FETCH (UID %d FLAGS () RFC822.SIZE %d INTERNALDATE "
                b"\"02-Jan-2024 14:04:05 +0000\" %s %s)\r\n"
                % (seq, uid, len(data), item, imap_literal(data)))
    c.send(out + b"%s OK fetched\r\n" % tag.encode())


IMAP_MAILBOX = {
    "GREETING": "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] fake IMAP ready\r\n",
    "CAPABILITY": "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n%TAG% OK done\r\n",
    "LIST": "* LIST () \"/\" INBOX\r\n%TAG% OK done\r\n",
    "SELECT": "* 3 EXISTS\r\n* OK [UIDVALIDITY 7] v\r\n* OK [UIDNEXT 10] n\r\n"
              "%TAG% OK [READ-WRITE] selected\r\n",
    "UID SEARCH": "* SEARCH 2 5 9\r\n%TAG% OK done\r\n",
    "UID FETCH": _imap_fetch,
}

POP3_MAILBOX = {
    "CAPA": "+OK\r\nUSER\r\nUIDL\r\nTOP\r\n.\r\n",
    "STAT": "+OK 1 120\r\n",
    "LIST": "+OK\r\n1 120\r\n.\r\n",
    "UIDL": "+OK\r\n1 fake-1\r\n.\r\n",
    "RETR": b"+OK\r\n" + _header(1) + b"body\r\n.\r\n",
    "TOP": b"+OK\r\n" + _header(1) + b".\r\n",
}

SMTP_SERVER = {
    "EHLO": "250-fake\r\n250-8BITMIME\r\n250 AUTH PLAIN\r\n",
    "AUTH": "235 2.7.0 accepted\r\n",
}


class FakeServer:
    token = "good-token"

    def __init__(self, protocol, kind, tls=None, tls_version=None, script=None, record=False):
        if protocol not in ("imap", "pop3", "smtp"):
            raise ValueError(protocol)
        self.protocol = protocol
        self.kind = kind
        self.script = script or {}
        self.record = record
        self.sessions = []      # with record: what the server said, per connection
        self.received = b""
        self.auth = []          # decoded SASL messages, in order
        self.lock = threading.Lock()
        self._ctx = None
        if tls:
            self._ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self._ctx.load_cert_chain(*tls)
            if tls_version:
                version = getattr(ssl.TLSVersion, tls_version)
                self._ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
                self._ctx.minimum_version = self._ctx.maximum_version = version
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.port = self._sock.getsockname()[1]
        self._conns = []
        self._stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def stop(self):
        self._stopped = True
        for s in [self._sock] + self._conns:
            try:
                s.shutdown(socket.SHUT_RDWR)   # wakes a thread blocked in accept/recv
            except OSError:
                pass
            try:
                s.close()
            except OSError:
                pass

    def _accept(self):
        while not self._stopped:
            try:
                sock, _ = self._sock.accept()
            except OSError:
                return
            self._conns.append(sock)
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock):
        try:
            if self._ctx:
                sock = self._ctx.wrap_socket(sock, server_side=True)
                self._conns.append(sock)
            if self.kind == "silent":
                while sock.recv(4096):
                    pass
                return
            getattr(self, "_" + self.protocol)(_Conn(self, sock))
        except (OSError, ssl.SSLError):
            pass
        finally:
            try:
                sock.close()
            except OSError:
                pass

    # -- scripts ----------------------------------------------------------------

    def _scripted(self, c, key, tag="", args=""):
        """Plays the script's reply to key: None when the script has none,
        "close" when the connection is to end, else True."""
        if self.kind != "script" or key not in self.script:
            return None
        act = self.script[key]
        if callable(act):
            return act(c, tag, args) or True
        if isinstance(act, str):
            act = act.encode()
        c.send(act.replace(b"%TAG%", tag.encode()))
        return True

    def _greet(self, c, default):
        if not self._scripted(c, "GREETING"):
            c.send(default)

    # -- SASL -------------------------------------------------------------------

    def _check_oauth(self, b64):
        """Records the decoded message; whether it carries the right token."""
        try:
            msg = base64.b64decode(b64).decode("utf-8", "replace")
        except ValueError:
            msg = "<not base64: %s>" % b64
        with self.lock:
            self.auth.append(msg)
        return ("auth=Bearer %s\x01" % self.token) in msg

    def _oauth(self, c, args, challenge, ok, fail):
        """One OAuth exchange: the initial response (or the answer to an empty
        challenge), then success, or the JSON error challenge and failure."""
        ir = args.partition(" ")[2]
        if not ir:
            c.send(challenge % "")
            ir = c.line() or ""
        if self._check_oauth(ir):
            c.send(ok)
            return
        c.send(challenge % base64.b64encode(json.dumps(OAUTH_ERROR).encode()).decode())
        c.line()
        c.send(fail)

    # -- IMAP -------------------------------------------------------------------

    def _imap_caps(self):
        if self.kind == "oauth":
            return "IMAP4rev1 SASL-IR AUTH=XOAUTH2 AUTH=OAUTHBEARER"
        if self.kind == "inject":
            return "IMAP4rev1 STARTTLS AUTH=PLAIN"
        return "IMAP4rev1 AUTH=PLAIN"

    def _imap(self, c):
        self._greet(c, "* OK [CAPABILITY %s] fake IMAP ready\r\n" % self._imap_caps())
        while True:
            line = c.line()
            if line is None:
                return
            tag, _, rest = line.partition(" ")
            cmd, _, args = rest.partition(" ")
            cmd = cmd.upper()
            key = cmd + " " + args.partition(" ")[0].upper() if cmd == "UID" else cmd
            done = self._scripted(c, key, tag, args)
            if done == "close":
                return
            if done:
                continue
            if cmd == "CAPABILITY":
                c.send("* CAPABILITY %s\r\n%s OK done\r\n" % (self._imap_caps(), tag))
            elif cmd == "STARTTLS":
                if self.kind == "inject":
                    c.send("%s OK Begin TLS\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected\r\n"
                           % tag)
                    return
                c.send("%s BAD STARTTLS not available\r\n" % tag)
            elif cmd == "AUTHENTICATE" and self.kind == "oauth":
                self._oauth(c, args, "+ %s\r\n", "%s OK [CAPABILITY IMAP4rev1 IDLE] logged in\r\n"
                            % tag, "%s NO [AUTHENTICATIONFAILED] invalid token\r\n" % tag)
            elif cmd == "LOGOUT":
                c.send("* BYE bye\r\n%s OK done\r\n" % tag)
                return
            else:
                c.send("%s OK done\r\n" % tag)

    # -- POP3 -------------------------------------------------------------------

    def _pop3(self, c):
        self._greet(c, "+OK fake POP3 ready\r\n")
        caps = {"no-starttls": ["USER", "SASL PLAIN"], "inject": ["USER", "STLS"],
                "oauth": ["USER", "SASL XOAUTH2 OAUTHBEARER", "UIDL"]}.get(self.kind, [])
        while True:
            line = c.line()
            if line is None:
                return
            cmd, _, args = line.partition(" ")
            cmd = cmd.upper()
            done = self._scripted(c, cmd, "", args)
            if done == "close":
                return
            if done:
                continue
            if cmd == "CAPA":
                c.send("+OK\r\n" + "".join(x + "\r\n" for x in caps) + ".\r\n")
            elif cmd == "STLS":
                if self.kind == "inject":
                    c.send("+OK Begin TLS\r\n+OK injected\r\n")
                    return
                c.send("-ERR STLS not available\r\n")
            elif cmd == "AUTH" and self.kind == "oauth":
                self._oauth(c, args, "+ %s\r\n", "+OK logged in\r\n",
                            "-ERR [AUTH] invalid token\r\n")
            elif cmd == "STAT":
                c.send("+OK 0 0\r\n")
            elif cmd == "QUIT":
                c.send("+OK bye\r\n")
                return
            else:
                c.send("+OK\r\n")

    # -- SMTP -------------------------------------------------------------------

    def _smtp(self, c):
        self._greet(c, "220 fake ESMTP ready\r\n")
        ext = {"no-starttls": ["AUTH PLAIN LOGIN"], "inject": ["STARTTLS", "AUTH PLAIN"],
               "oauth": ["AUTH XOAUTH2 OAUTHBEARER"]}.get(self.kind, [])
        while True:
            line = c.line()
            if line is None:
                return
            cmd, _, args = line.partition(" ")
            cmd = cmd.upper()
            done = self._scripted(c, cmd, "", args)
            if done == "close":
                return
            if done:
                continue
            if cmd == "DATA" and self.kind == "script":
                c.send("354 go ahead\r\n")
                while line not in (".", None):
                    line = c.line()
                if line is None or self._scripted(c, ".") == "close":
                    return
                if "." not in self.script:
                    c.send("250 2.0.0 queued\r\n")
                continue
            if cmd in ("EHLO", "HELO"):
                lines = ["fake"] + ext
                c.send("".join("250%s%s\r\n" % ("-" if i < len(lines) - 1 else " ", x)
                               for i, x in enumerate(lines)))
            elif cmd == "STARTTLS":
                if self.kind == "inject":
                    c.send("220 go ahead\r\n250 injected\r\n")
                    return
                c.send("502 5.5.1 STARTTLS not available\r\n")
            elif cmd == "AUTH" and self.kind == "oauth":
                self._oauth(c, args, "334 %s\r\n", "235 2.7.0 accepted\r\n",
                            "535 5.7.8 invalid token\r\n")
            elif cmd == "QUIT":
                c.send("221 bye\r\n")
                return
            else:
                c.send("250 ok\r\n")
