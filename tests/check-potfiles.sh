#!/bin/sh
# po/POTFILES.in lists exactly the source files that hold translatable
# strings, so `make update-po` sees every message a user can read (TAP).
srcdir=${POSTIE_SRCDIR:-$(dirname "$0")/..}
cd "$srcdir" || exit 99

listed=$(grep -v '^[[:space:]]*#' po/POTFILES.in | sed '/^[[:space:]]*$/d' | sort)
marked=$(grep -lE '(^|[^A-Za-z0-9_])(_|N_|C_|ngettext)\(' $(find src ui -name '*.c' | sort) | sort)

missing=$(printf '%s\n' "$marked" | grep -vxF -e "$listed" | sed '/^$/d')
stale=$(printf '%s\n' "$listed" | while read -r f; do [ -f "$f" ] || echo "$f"; done)

n=0; fail=0
report() {
	n=$((n + 1))
	if [ -z "$2" ]; then echo "ok $n - $1"; else
		echo "not ok $n - $1"; echo "$2" | sed 's/^/#   /'; fail=1; fi
}
report "every file with translatable strings is in po/POTFILES.in" "$missing"
report "every file in po/POTFILES.in exists" "$stale"
echo "1..$n"
exit $fail
