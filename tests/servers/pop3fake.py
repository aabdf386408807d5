"""A small POP3 server with a mailbox, for what a real Dovecot cannot play:
no UIDL, no TOP, broken listings, a QUIT that fails.

    from pop3fake import FakePop3
    f = FakePop3([raw1, raw2], quirks={"no_uidl"})
    t.cleanup(f.stop)
    ... an account with host 127.0.0.1, port f.port, tls = none,
        allow_plaintext_password = yes, user u, password p ...
    f.messages        # what the mailbox holds now (after committed DELEs)
    f.commands        # every command line received, in order

Quirks:
  no_uidl      UIDL answers -ERR (and CAPA does not list it)
  no_top       TOP answers -ERR (and CAPA does not list it)
  list_zero    LIST also lists "0 100"
  list_dup     LIST lists the first message twice
  list_absurd  LIST gives the first message a size of 30 digits
  list_short   LIST leaves out the last message
  uidl_bad     the first UIDL holds a control character
  uidl_dup     two messages share a UIDL
  quit_err     QUIT answers -ERR and deletes nothing
  retr_err     RETR of message 1 answers -ERR
Messages are served with CRLF line ends and dot-stuffing, as POP3 requires;
UIDLs are "fake-" followed by a per-message number that never changes.
"""

import socket
import threading

from storetest import as_pop3


def _stuff(data):
    return b"".join((b"." + line if line.startswith(b".") else line)
                    for line in data.splitlines(keepends=True))


class FakePop3:
    def __init__(self, messages, quirks=(), user="u", password="p"):
        self.quirks = set(quirks)
        self.user, self.password = user, password
        self.lock = threading.Lock()
        self.messages = []      # [(uidl, raw CRLF bytes)]
        self.next_id = 1
        self.commands = []
        for raw in messages:
            self.add(raw)
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(8)
        self.port = self._sock.getsockname()[1]
        self._stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def add(self, raw):
        with self.lock:
            self.messages.append(("fake-%d" % self.next_id, as_pop3(raw)))
            self.next_id += 1

    def stop(self):
        self._stopped = True
        try:
            self._sock.close()
        except OSError:
            pass

    def _accept(self):
        while not self._stopped:
            try:
                c, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(c,), daemon=True).start()

    def _serve(self, c):
        f = c.makefile("rb")
        send = c.sendall
        with self.lock:
            box = list(self.messages)
        deleted = set()
        try:
            send(b"+OK fake POP3 ready\r\n")
            while True:
                line = f.readline()
                if not line:
                    return
                cmd = line.decode("latin-1").rstrip("\r\n")
                with self.lock:
                    self.commands.append(cmd)
                word, _, arg = cmd.partition(" ")
                word = word.upper()
                if word == "QUIT":
                    self._quit(send, box, deleted)
                    return
                self._command(send, word, arg, box, deleted)
        except OSError:
            pass
        finally:
            c.close()

    def _quit(self, send, box, deleted):
        if "quit_err" in self.quirks:
            send(b"-ERR cannot commit the deletions today\r\n")
            return
        gone = {box[i][0] for i in deleted}
        with self.lock:
            self.messages = [m for m in self.messages if m[0] not in gone]
        send(b"+OK bye\r\n")

    def _capa(self):
        caps = ["USER", "PIPELINING"]
        if "no_uidl" not in self.quirks:
            caps.append("UIDL")
        if "no_top" not in self.quirks:
            caps.append("TOP")
        return "".join(c + "\r\n" for c in caps).encode()

    def _listing(self, box, deleted, uidl):
        out = []
        for i, (u, raw) in enumerate(box):
            if i in deleted:
                continue
            out.append(b"%d %s" % (i + 1, u.encode() if uidl else b"%d" % len(raw)))
        q = self.quirks
        if not uidl:
            if "list_zero" in q:
                out.insert(0, b"0 100")
            if "list_dup" in q and out:
                out.insert(1, out[0])
            if "list_absurd" in q and out:
                out[0] = out[0].split()[0] + b" 123456789012345678901234567890"
            if "list_short" in q and out:
                out.pop()
        else:
            if "uidl_bad" in q and out:
                out[0] = out[0].split()[0] + b" bad\x01id"
            if "uidl_dup" in q and len(out) > 1:
                out[1] = out[1].split()[0] + b" " + out[0].split()[1]
        return b"".join(x + b"\r\n" for x in out) + b".\r\n"

    def _msg(self, box, deleted, arg):
        try:
            i = int(arg.split()[0]) - 1
        except (ValueError, IndexError):
            return None
        return i if 0 <= i < len(box) and i not in deleted else None

    def _command(self, send, word, arg, box, deleted):
        q = self.quirks
        live = [i for i in range(len(box)) if i not in deleted]
        if word == "CAPA":
            send(b"+OK\r\n" + self._capa() + b".\r\n")
        elif word == "USER":
            send(b"+OK\r\n")
        elif word == "PASS":
            send(b"+OK logged in\r\n" if arg == self.password else b"-ERR wrong\r\n")
        elif word == "STAT":
            send(b"+OK %d %d\r\n" % (len(live), sum(len(box[i][1]) for i in live)))
        elif word == "LIST" and not arg:
            send(b"+OK\r\n" + self._listing(box, deleted, False))
        elif word == "UIDL" and not arg:
            if "no_uidl" in q:
                send(b"-ERR no UIDL here\r\n")
            else:
                send(b"+OK\r\n" + self._listing(box, deleted, True))
        elif word in ("RETR", "TOP"):
            i = self._msg(box, deleted, arg)
            if i is None or (word == "TOP" and "no_top" in q) or \
                    (word == "RETR" and i == 0 and "retr_err" in q):
                send(b"-ERR no such message\r\n")
                return
            raw = box[i][1]
            if word == "TOP":
                raw = raw.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"
            send(b"+OK\r\n" + _stuff(raw) + b".\r\n")
        elif word == "DELE":
            i = self._msg(box, deleted, arg)
            if i is None:
                send(b"-ERR no such message\r\n")
            else:
                deleted.add(i)
                send(b"+OK\r\n")
        elif word == "NOOP":
            send(b"+OK\r\n")
        elif word == "RSET":
            deleted.clear()
            send(b"+OK\r\n")
        else:
            send(b"-ERR unknown command\r\n")
