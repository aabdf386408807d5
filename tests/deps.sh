#!/bin/sh
# Installs the Debian 12 packages postie needs to build and to run its test
# suite, when any is missing. Uses sudo for apt-get unless run as root.
# Usage: tests/deps.sh [--bench]   (--bench adds what tests/bench/ compares against)
set -eu

PACKAGES="gcc make autoconf automake autopoint pkg-config gettext
	libetpan-dev libtokyocabinet-dev libgnutls28-dev libncurses-dev libmagic-dev
	libsasl2-modules ca-certificates gnutls-bin
	dovecot-core dovecot-imapd dovecot-pop3d dovecot-submissiond dovecot-lmtpd
	python3 python3-aiosmtpd python3-pyte tmux groff-base procps util-linux locales
	clang libclang-rt-14-dev valgrind"
BENCH_PACKAGES="neomutt fetchmail hyperfine time"

[ "${1:-}" = "--bench" ] && PACKAGES="$PACKAGES $BENCH_PACKAGES"

missing=
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

echo "Installing missing Debian packages:$missing"
if [ "$(id -u)" = 0 ]; then
	SUDO=
elif command -v sudo >/dev/null 2>&1; then
	SUDO=sudo
else
	echo "postie: these packages are missing and neither root nor sudo is available:$missing" >&2
	exit 1
fi
# Debian's dovecot packages would start a system instance; the tests never use it.
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
