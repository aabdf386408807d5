#!/bin/sh
# The manual pages render without a single groff warning (TAP), as `man`
# would show them, and doc/local.mk installs every one of them.
srcdir=${POSTIE_SRCDIR:-$(dirname "$0")/..}
cd "$srcdir" || exit 99

n=0; fail=0
report() {
	n=$((n + 1))
	if [ -z "$2" ]; then echo "ok $n - $1"; else
		echo "not ok $n - $1"; echo "$2" | sed 's/^/#   /'; fail=1; fi
}
pages=$(ls doc/*.[1-8] 2>/dev/null)
report "doc/ has manual pages" "$([ -n "$pages" ] || echo 'none found')"
for page in $pages; do
	report "$page: groff -ww -z -man gives no warning" "$(groff -ww -z -man "$page" 2>&1)"
	report "$page: is plain ASCII (groff escapes for anything else)" \
		"$(LC_ALL=C grep -n '[^[:print:][:space:]]' "$page" | head -5)"
	report "$page: doc/local.mk installs it" \
		"$(grep -q "$page" doc/local.mk || echo "add $page to dist_man_MANS")"
done
echo "1..$n"
exit $fail
