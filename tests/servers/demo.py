#!/usr/bin/python3
"""The demo behind tests/demo.sh: starts the rig with sample mail, writes a
postie configuration for it into DIR, runs postie on the user's terminal and
stops the rig when postie exits.

    demo.py --postie PATH --dir DIR [POSTIE ARGS...]

Accounts: "demo" (IMAP over TLS, a few hundred messages in INBOX and some in
Archive) and "demo-pop" (POP3 with STARTTLS, a smaller mailbox of its own).
With POSTIE ARGS, runs `postie ARGS` instead of the full-screen interface
(e.g. check-config).
"""

import argparse
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))

from postie_test import Postie  # noqa: E402
from rig import Rig  # noqa: E402

USERS = [("demo", "demo-pw"), ("popdemo", "popdemo-pw"), ("alice", "alice-pw")]


def setup(r, dirpath, n=300):
    """Seeds the started rig r with the demo's mail and writes a postie
    configuration for it in dirpath: returns the Postie (doc/readme_capture.py
    uses it too)."""
    r.seed("demo", n, seed=1)
    r.seed("demo", 40, folder="Archive", seed=2)
    r.seed("popdemo", 25, seed=3, flags=False)
    p = Postie(dirpath, "postie")
    r.write_postie_account(p, "demo", "demo", protocol="imap", tls="implicit",
                           display_name="Demo User")
    r.write_postie_account(p, "demo-pop", "popdemo", protocol="pop3", tls="starttls",
                           smtp_tls="starttls", display_name="Demo POP User")
    p.write_global("default_account = demo\n")
    return p


def main():
    ap = argparse.ArgumentParser(description="Run postie on a demo mail server.")
    ap.add_argument("--postie", required=True, help="the postie binary")
    ap.add_argument("--dir", required=True, help="an empty directory for everything")
    ap.add_argument("-n", type=int, default=300, help="messages in the demo INBOX")
    ap.add_argument("args", nargs=argparse.REMAINDER, help="postie command instead of the TUI")
    args = ap.parse_args()

    r = Rig(args.dir, users=USERS)
    r.start()
    try:
        p = setup(r, args.dir, args.n)
        print("postie demo: IMAP account 'demo' (%d messages) and POP3 account 'demo-pop' "
              "on a private Dovecot (IMAPS port %d, CA %s)" % (args.n, r.ports["imaps"],
                                                                 r.ca_file))
        print("postie demo: configuration in %s; everything goes away when postie exits"
              % p.config_dir, flush=True)
        # Ctrl-C belongs to postie; the rig is stopped once it has gone.
        old = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            argv = [args.postie, "-F", p.config_dir, "-D", p.data_dir] + args.args
            res = subprocess.run(argv, env=p.env(),
                                 preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        finally:
            signal.signal(signal.SIGINT, old)
        return res.returncode
    finally:
        r.stop()


if __name__ == "__main__":
    sys.exit(main())
