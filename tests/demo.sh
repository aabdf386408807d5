#!/bin/sh
# The README's first Quick start command: installs what is missing, builds
# postie in _build-demo/, starts a private Dovecot with a few hundred sample
# messages in a temporary directory, writes a demo configuration there
# (accounts "demo", IMAP, and "demo-pop", POP3) and opens postie on it.
# Quitting postie stops the servers and removes the directory.
# Usage: tests/demo.sh [POSTIE COMMAND...]   (e.g. tests/demo.sh check-config
# runs that command on the demo accounts instead of the interface)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/tests/deps.sh" || exit 1
cd "$top" || exit 1

jobs=$(nproc 2>/dev/null || echo 2)
build="$top/_build-demo"
if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
	autoreconf -fi || { echo "postie: autoreconf failed" >&2; exit 1; }
fi
mkdir -p "$build" && cd "$build" || exit 1
if [ ! -f Makefile ] || [ "$top/configure" -nt Makefile ]; then
	"$top/configure" -q || { echo "postie: configure failed" >&2; exit 1; }
fi
echo "Building postie in $build ..."
if ! make -j"$jobs" >build.log 2>&1; then
	tail -n 40 build.log >&2
	echo "postie: build failed (see $build/build.log)" >&2
	exit 1
fi

# Dovecot's own unprivileged users must reach the directory: /tmp, mode 755.
tmp=$(mktemp -d /tmp/postie-demo.XXXXXX) || exit 1
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 "$top/tests/servers/demo.py" \
	--postie "$build/postie" --dir "$tmp" "$@"
