#!/bin/sh
# The layering rules, checked on every #include line (TAP output):
#  - curses only in ui/tui/;
#  - libetpan only in the protocol and message modules;
#  - Tokyo Cabinet only in src/store/kv_tc.c;
#  - src/ never includes the front end;
#  - src/ never writes to the terminal itself (no printf/puts to stdout).
srcdir=${POSTIE_SRCDIR:-$(dirname "$0")/..}
cd "$srcdir" || exit 99

n=0
fail=0
check() {  # check NAME MATCHES
	n=$((n + 1))
	if [ -z "$2" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		echo "$2" | sed 's/^/#   /'
		fail=1
	fi
}

files=$(find src ui tests/unit tests/fuzz -name '*.[ch]' 2>/dev/null | sort)
inc() { grep -nE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($1)" $files /dev/null 2>/dev/null; }

check "curses only in ui/tui/" \
	"$(inc '(n?curses(w)?/)?n?curses\.h|ncursesw/|term\.h|panel\.h|menu\.h|form\.h' | grep -v '^ui/tui/')"
check "libetpan only in src/net, src/imap, src/pop3, src/smtp, src/msg" \
	"$(inc 'libetpan/' | grep -vE '^(src/(net|imap|pop3|smtp|msg)/|tests/fuzz/)')"
check "Tokyo Cabinet only in src/store/kv_tc.c" \
	"$(inc 'tc(util|hdb|bdb|fdb|tdb|adb)\.h' | grep -v '^src/store/kv_tc\.c:')"
check "src/ never includes the front end" \
	"$(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"(cli|tui)/' $(find src -name '*.[ch]') /dev/null)"
check "src/ never prints to stdout" \
	"$(grep -nE '(^|[^a-z_])(printf|puts|putchar)[[:space:]]*\(|fprintf[[:space:]]*\([[:space:]]*stdout' $(find src -name '*.c') /dev/null)"
check "every .c file starts with #include \"common.h\"" \
	"$(for f in $(find src ui tests/unit tests/lib -name '*.c'); do
		first=$(grep -m1 -E '^[[:space:]]*#[[:space:]]*include' "$f")
		[ "$first" = '#include "common.h"' ] || echo "$f: $first"
	done)"
echo "1..$n"
exit $fail
