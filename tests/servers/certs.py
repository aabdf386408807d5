"""Throwaway certificates for the test rig, made with certtool (gnutls-bin).

make_certs(dir) writes into dir:
  ca.pem                        the throwaway CA (clients trust this file)
  good.pem / good.key           localhost + 127.0.0.1, signed by the CA
  selfsigned.pem / .key         localhost + 127.0.0.1, signed by itself
  expired.pem / .key            localhost + 127.0.0.1, signed by the CA, expired in 2002
  wronghost.pem / .key          wrong.example.test only, signed by the CA
  dh.pem                        RFC 7919 ffdhe2048 parameters
and returns a dict {name: (cert_chain_path, key_path)} plus 'ca' and 'dh'.

certtool is quick with ECDSA keys (a few ms each); the set is made once per
process and copied for further rigs.
"""

import os
import subprocess

CERT_KINDS = ("good", "selfsigned", "expired", "wronghost")

# certtool templates. Dates far in the past give an expired but otherwise
# well-formed certificate; the CA is valid from before then so that expiry
# is the only fault a verifier can report.
_CA_TEMPLATE = """cn = "postie test CA"
organization = "postie tests"
serial = 1
ca
cert_signing_key
crl_signing_key
activation_date = "2000-01-01 00:00:00 UTC"
expiration_date = "2099-12-31 00:00:00 UTC"
"""

_SERVER_TEMPLATE = """cn = "{cn}"
organization = "postie tests"
serial = {serial}
{names}
tls_www_server
signing_key
encryption_key
{validity}
"""

_VALID = ('activation_date = "2000-01-01 00:00:00 UTC"\n'
          'expiration_date = "2099-12-31 00:00:00 UTC"')
_EXPIRED = ('activation_date = "2001-01-01 00:00:00 UTC"\n'
            'expiration_date = "2002-01-01 00:00:00 UTC"')
_LOCAL_NAMES = 'dns_name = "localhost"\nip_address = "127.0.0.1"'

_cache = None  # file name -> bytes of the set made first in this process


def _certtool(*args):
    r = subprocess.run(["certtool"] + list(args), capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("certtool %s failed:\n%s%s" % (" ".join(args), r.stdout, r.stderr))
    return r.stdout


def _key(path):
    _certtool("--generate-privkey", "--key-type=ecdsa", "--outfile", path)


def _template(dir, name, text):
    path = os.path.join(dir, name + ".tmpl")
    with open(path, "w") as f:
        f.write(text)
    return path


def _server_cert(dir, name, serial, cn, names, validity, signed_by_ca=True):
    key = os.path.join(dir, name + ".key")
    leaf = os.path.join(dir, name + ".leaf")
    _key(key)
    tmpl = _template(dir, name, _SERVER_TEMPLATE.format(
        cn=cn, serial=serial, names=names, validity=validity))
    if signed_by_ca:
        _certtool("--generate-certificate", "--load-privkey", key,
                  "--load-ca-certificate", os.path.join(dir, "ca.pem"),
                  "--load-ca-privkey", os.path.join(dir, "ca.key"),
                  "--template", tmpl, "--outfile", leaf)
    else:
        _certtool("--generate-self-signed", "--load-privkey", key,
                  "--template", tmpl, "--outfile", leaf)
    # The server sends its chain: the leaf, then the CA when there is one.
    with open(os.path.join(dir, name + ".pem"), "w") as out:
        for part in [leaf] + ([os.path.join(dir, "ca.pem")] if signed_by_ca else []):
            with open(part) as f:
                out.write(f.read())
    os.unlink(leaf)
    os.unlink(tmpl)


def _dh_params(path):
    text = _certtool("--get-dh-params")
    begin = text.index("-----BEGIN DH PARAMETERS-----")
    end = text.index("-----END DH PARAMETERS-----") + len("-----END DH PARAMETERS-----")
    with open(path, "w") as f:
        f.write(text[begin:end] + "\n")


def _generate(dir):
    _key(os.path.join(dir, "ca.key"))
    tmpl = _template(dir, "ca", _CA_TEMPLATE)
    _certtool("--generate-self-signed", "--load-privkey", os.path.join(dir, "ca.key"),
              "--template", tmpl, "--outfile", os.path.join(dir, "ca.pem"))
    os.unlink(tmpl)
    _server_cert(dir, "good", 2, "localhost", _LOCAL_NAMES, _VALID)
    _server_cert(dir, "expired", 3, "localhost", _LOCAL_NAMES, _EXPIRED)
    _server_cert(dir, "wronghost", 4, "wrong.example.test",
                 'dns_name = "wrong.example.test"', _VALID)
    _server_cert(dir, "selfsigned", 5, "localhost", _LOCAL_NAMES, _VALID, signed_by_ca=False)
    _dh_params(os.path.join(dir, "dh.pem"))


def _paths(dir):
    out = {k: (os.path.join(dir, k + ".pem"), os.path.join(dir, k + ".key")) for k in CERT_KINDS}
    out["ca"] = os.path.join(dir, "ca.pem")
    out["dh"] = os.path.join(dir, "dh.pem")
    return out


def make_certs(dir):
    """Writes the certificate set into dir (created if needed); returns its paths."""
    global _cache
    os.makedirs(dir, exist_ok=True)
    if _cache is None:
        _generate(dir)
        _cache = {}
        for name in os.listdir(dir):
            with open(os.path.join(dir, name), "rb") as f:
                _cache[name] = f.read()
    else:
        for name, data in _cache.items():
            with open(os.path.join(dir, name), "wb") as f:
                f.write(data)
    # Dovecot reads the keys as root before dropping privileges; 0644 keeps it
    # simple for the unprivileged case too (these keys protect nothing).
    for name in os.listdir(dir):
        os.chmod(os.path.join(dir, name), 0o644)
    return _paths(dir)
