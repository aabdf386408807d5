"""The rig's SMTP sink: the relay behind Dovecot's submission service.

Run as its own process (Debian's /usr/bin/python3 with python3-aiosmtpd):

    sink.py --dir DIR --port-file FILE --lmtp SOCKET --domain D --users alice,bob

It listens on 127.0.0.1 (a free port, written to --port-file once it
listens), keeps every message it accepts as DIR/NNNNNN.eml with its envelope
in DIR/NNNNNN.json, and delivers it to each recipient that is a rig user
through Dovecot's LMTP socket before it answers 250, so a test can read the
message back over IMAP at once. Recipients whose local part starts with
"reject" get 550, "tempfail" get 451 (for failure tests). A message for a
"stall" recipient is kept, then its 250 waits until the file DIR/release
exists (at most a minute): the moment a client has sent the whole message
and waits for the answer, for crash tests.
"""

import argparse
import asyncio
import json
import os
import smtplib
import sys

from aiosmtpd.smtp import SMTP


def local_part(address):
    return address.rsplit("@", 1)[0].lower() if "@" in address else address.lower()


class Store:
    """Numbered files in the sink directory; numbering survives a restart."""

    def __init__(self, dir):
        self.dir = dir
        os.makedirs(dir, exist_ok=True)
        names = [n for n in os.listdir(dir) if n.endswith(".eml")]
        self.next = 1 + max([int(n[:-4]) for n in names if n[:-4].isdigit()] or [0])

    def keep(self, mail_from, rcpts, data):
        n = self.next
        self.next += 1
        base = os.path.join(self.dir, "%06d" % n)
        for suffix, payload in ((".json", json.dumps({"from": mail_from, "rcpts": rcpts})
                                 .encode()), (".eml", data)):
            # The .eml appears last and whole: its presence means the pair is complete.
            with open(base + suffix + ".tmp", "wb") as f:
                f.write(payload)
            os.replace(base + suffix + ".tmp", base + suffix)
        return n


class Handler:
    def __init__(self, store, lmtp_socket, domain, users):
        self.store = store
        self.lmtp_socket = lmtp_socket
        self.domain = domain.lower()
        self.users = set(u.lower() for u in users)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        lp = local_part(address)
        if lp.startswith("reject"):
            return "550 5.1.1 <%s>: recipient rejected by the test sink" % address
        if lp.startswith("tempfail"):
            return "451 4.3.0 <%s>: temporary failure from the test sink" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    def _is_local(self, address):
        if "@" not in address:
            return False
        lp, dom = address.rsplit("@", 1)
        return dom.lower() == self.domain and lp.lower() in self.users

    def _deliver(self, mail_from, rcpt, data):
        """One LMTP transaction per recipient, so each gets its own answer."""
        with smtplib.LMTP(self.lmtp_socket, timeout=60) as lmtp:
            lmtp.sendmail(mail_from, [rcpt], data)

    async def handle_DATA(self, server, session, envelope):
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        n = self.store.keep(envelope.mail_from, list(envelope.rcpt_tos), data)
        if any(local_part(r).startswith("stall") for r in envelope.rcpt_tos):
            release = os.path.join(self.store.dir, "release")
            for _ in range(1200):
                if os.path.exists(release):
                    break
                await asyncio.sleep(0.05)
        loop = asyncio.get_running_loop()
        for rcpt in envelope.rcpt_tos:
            if not self._is_local(rcpt):
                continue
            try:
                await loop.run_in_executor(None, self._deliver, envelope.mail_from, rcpt, data)
            except (smtplib.SMTPException, OSError) as e:
                print("sink: LMTP delivery of %06d to %s failed: %s" % (n, rcpt, e),
                      file=sys.stderr, flush=True)
                return "451 4.3.0 local delivery to <%s> failed: %s" % (rcpt, e)
        return "250 2.0.0 OK kept as %06d" % n


async def serve(args):
    store = Store(args.dir)
    handler = Handler(store, args.lmtp, args.domain, args.users.split(",") if args.users else [])
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="sink.localhost", data_size_limit=64 * 1024 * 1024,
                     enable_SMTPUTF8=True, decode_data=False),
        host="127.0.0.1", port=args.port)
    port = server.sockets[0].getsockname()[1]
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.replace(args.port_file + ".tmp", args.port_file)
    print("sink: listening on 127.0.0.1:%d" % port, flush=True)
    async with server:
        await server.serve_forever()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--lmtp", required=True, help="Dovecot's LMTP unix socket")
    ap.add_argument("--domain", required=True)
    ap.add_argument("--users", default="", help="comma-separated local users")
    args = ap.parse_args()
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
