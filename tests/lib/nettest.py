"""Helpers for the integration tests of connections, certificates and logins
(test_net_*.py): certificate facts computed independently of postie, and the
checks every refused connection shares."""

import base64
import hashlib
import re
import ssl
import subprocess


def cert_pin(pem_path):
    """certtool's pin-sha256 of the first certificate in pem_path, as postie's
    tls_pin wants it ("sha256:BASE64")."""
    out = subprocess.run(["certtool", "-i", "--infile", pem_path], capture_output=True,
                         text=True, check=True).stdout
    return "sha256:" + re.search(r"pin-sha256:(\S+)", out).group(1)


def cert_fingerprint(pem_path):
    """SHA-256 of the first certificate in pem_path, as "AB:CD:..."."""
    with open(pem_path) as f:
        pem = f.read()
    first = pem[:pem.index("-----END CERTIFICATE-----") + len("-----END CERTIFICATE-----")]
    digest = hashlib.sha256(ssl.PEM_cert_to_DER_cert(first)).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def secret_forms(user, password):
    """The password as it could appear in a trace: plain, and base64 inside
    SASL PLAIN and LOGIN messages."""
    return [password,
            base64.b64encode(("\0%s\0%s" % (user, password)).encode()).decode(),
            base64.b64encode(password.encode()).decode()]


def read(path):
    with open(path, errors="replace") as f:
        return f.read()


def client_lines(trace):
    """The client lines of a trace ("C: ..."), without timestamps."""
    return [l.split(" C: ", 1)[1] for l in trace.splitlines() if " C: " in l]


def no_credentials(t, trace, user, password, name):
    """Checks that a trace shows no login command and no form of the password."""
    logins = [l for l in client_lines(trace)
              if re.search(r"\b(LOGIN|AUTHENTICATE|AUTH|PASS|APOP)\b", l, re.I)]
    t.eq(logins, [], name + ": no login command was sent")
    for form in secret_forms(user, password):
        t.not_contains(trace, form, name + ": the password is not in the trace")
