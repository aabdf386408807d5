#!/bin/sh
# The whole test suite from a fresh clone: installs what is missing, builds
# postie with AddressSanitizer and UndefinedBehaviorSanitizer in _build-check/,
# and runs `make check` (unit tests, integration tests against a real Dovecot
# and SMTP sink, bounded fuzzing). Ends with one line: N passed, N failed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/tests/deps.sh" || exit 1
cd "$top" || exit 1

jobs=$(nproc 2>/dev/null || echo 2)
build="$top/_build-check"
summary() {
	log="$build/test-suite.log"
	if [ -f "$log" ]; then
		pass=$(sed -n 's/^# PASS: *//p' "$log")
		fail=0
		for k in FAIL ERROR XPASS; do
			v=$(sed -n "s/^# $k: *//p" "$log")
			fail=$((fail + ${v:-0}))
		done
		echo "${pass:-0} passed, $fail failed"
	else
		echo "0 passed, 1 failed"
	fi
}

if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
	autoreconf -fi || { echo "postie: autoreconf failed" >&2; summary; exit 1; }
fi
mkdir -p "$build" && cd "$build" || exit 1
rm -f test-suite.log
if [ ! -f Makefile ] || [ "$top/configure" -nt Makefile ]; then
	"$top/configure" --enable-sanitizers -q || { echo "postie: configure failed" >&2; summary; exit 1; }
fi
if ! make -j"$jobs" >build.log 2>&1; then
	tail -n 40 build.log >&2
	echo "postie: build failed (see $build/build.log)" >&2
	summary
	exit 1
fi
make -j"$jobs" check
status=$?
if [ $status -ne 0 ]; then
	# Show what failed without scrolling through every passing line.
	grep -E '^(FAIL|ERROR|XPASS):' test-suite.log >&2 || true
fi
summary
exit $status
