#!/bin/sh
# The translations (TAP): every catalogue in po/LINGUAS compiles with
# `msgfmt --check` (printf directives, plural forms, header), has the plural
# rule of its language, and translates every message of po/postie.pot.
#
# Whether po/postie.pot still holds every string the sources mark is a
# TODO here (other branches add strings faster than anyone translates them);
# POSTIE_STRICT_I18N=1 (`make check-i18n`) makes it a failure, for the pass
# that brings the catalogues up to date (doc/HACKING.md).
srcdir=${POSTIE_SRCDIR:-$(dirname "$0")/..}
cd "$srcdir" || exit 99
tmp=$(mktemp -d "${TMPDIR:-/tmp}/postie-po.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

n=0; fail=0
report() {  # report NAME PROBLEMS [todo]
	n=$((n + 1))
	if [ -z "$2" ]; then
		echo "ok $n - $1"
	elif [ -n "${3:-}" ] && [ "${POSTIE_STRICT_I18N:-0}" != 1 ]; then
		echo "not ok $n - $1 # TODO run make update-po and translate (doc/HACKING.md)"
		echo "$2" | sed 's/^/#   /'
	else
		echo "not ok $n - $1"
		echo "$2" | sed 's/^/#   /'
		fail=1
	fi
}

plural_rule() {
	case $1 in
	de) echo 'nplurals=2; plural=(n != 1);' ;;
	fr) echo 'nplurals=2; plural=(n > 1);' ;;
	*) echo unknown ;;
	esac
}

langs=$(sed -e 's/#.*//' po/LINGUAS | tr -s ' \t' '\n\n' | sed '/^$/d')
report "po/LINGUAS names languages" "$([ -n "$langs" ] || echo 'po/LINGUAS is empty')"
listed=$(sed -n 's/^POSTIE_PO_FILES *=//p' po/local.mk)
for lang in $langs; do
	po=po/$lang.po
	if [ ! -f "$po" ]; then
		report "$lang: $po exists" "missing"
		continue
	fi
	report "$lang: po/local.mk builds $po for the tests" \
		"$(echo "$listed" | grep -q "/po/$lang.po" || echo "add \$(srcdir)/$po to POSTIE_PO_FILES")"
	out=$(msgfmt --check --statistics -o "$tmp/$lang.mo" "$po" 2>&1)
	report "$lang: msgfmt --check accepts it" "$([ $? -eq 0 ] || echo "$out")"
	want=$(plural_rule "$lang")
	got=$(sed -n 's/^"Plural-Forms: *\(.*\)\\n"$/\1/p' "$po")
	report "$lang: plural forms are those of the language" \
		"$([ "$got" = "$want" ] || echo "got '$got', want '$want'")"
	report "$lang: the header says UTF-8" \
		"$(grep -q '^"Content-Type: text/plain; charset=UTF-8\\n"$' "$po" || echo 'charset is not UTF-8')"
	# msgcmp counts untranslated and fuzzy entries as missing.
	report "$lang: every message of po/postie.pot is translated" \
		"$(msgcmp "$po" po/postie.pot 2>&1 | grep -v '^msgcmp: found' | head -20)"
	report "$lang: no fuzzy translation is left" \
		"$(msgattrib --only-fuzzy --no-obsolete "$po" | grep '^#:' | head -20)"
done

# xgettext with the options of po/Makevars over the files of po/POTFILES.in.
opts=$(sed -n '/^XGETTEXT_OPTIONS/,/[^\\]$/p' po/Makevars | sed 's/^XGETTEXT_OPTIONS *= *//; s/\\$//')
files=$(grep -v '^[[:space:]]*#' po/POTFILES.in | sed '/^[[:space:]]*$/d')
# shellcheck disable=SC2086
xgettext $opts --omit-header -o "$tmp/now.pot" $files 2>"$tmp/xgettext.err"
report "xgettext reads every file of po/POTFILES.in" \
	"$([ -s "$tmp/xgettext.err" ] && cat "$tmp/xgettext.err")"
new=""
if [ -f "$tmp/now.pot" ]; then
	lines=$(msgcmp --use-untranslated po/postie.pot "$tmp/now.pot" 2>&1 |
		sed -n 's/^[^:]*:\([0-9]*\): this message is used but not defined.*/\1/p')
	# Each new string with where the sources have it.
	new=$(for l in $lines; do
		awk -v l="$l" 'NR <= l && /^#: / { loc = substr($0, 4) }
			NR <= l && /^msgid / { id = $0 } NR == l { print loc ": " id }' \
			"$tmp/now.pot"
	done | head -40)
fi
report "po/postie.pot holds every translatable string of the sources" "$new" todo

echo "1..$n"
exit $fail
