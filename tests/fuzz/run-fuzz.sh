#!/bin/sh
# A bounded libFuzzer run over parse + render (TAP), part of make check.
#
# Builds tests/fuzz/fuzz-render.c with clang against the sources of src/msg
# and src/util (with AddressSanitizer and UndefinedBehaviorSanitizer, into
# the build tree, again only when a source changed), then fuzzes for
# POSTIE_FUZZ_SECONDS (default 60) seeded with the message corpus
# (tests/data/mail) and earlier findings (tests/fuzz/corpus). A crashing
# input is kept as tests/fuzz/crash-* in the build tree: fix the bug, then
# add the input to tests/data/mail (with its .expected) or tests/fuzz/corpus.
srcdir=${POSTIE_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${POSTIE_BUILDDIR:-$(pwd)}
seconds=${POSTIE_FUZZ_SECONDS:-60}
out="$builddir/tests/fuzz"
bin="$out/fuzz-render-ci"
mkdir -p "$out" || exit 99

echo "1..2"
cc=$(command -v clang || command -v clang-14)
if [ -z "$cc" ]; then
	echo "not ok 1 - clang is needed to build the fuzzer (tests/deps.sh installs it)"
	echo "not ok 2 - fuzzing # not run"
	exit 1
fi

sources="$srcdir/tests/fuzz/fuzz-render.c $(ls "$srcdir"/src/msg/*.c "$srcdir"/src/util/*.c)"
stale=
if [ ! -x "$bin" ]; then
	stale=yes
else
	for f in $sources "$srcdir"/src/msg/*.h "$srcdir"/src/util/*.h "$builddir/build-config.h"; do
		[ "$f" -nt "$bin" ] && stale=yes && break
	done
fi
if [ -n "$stale" ]; then
	# shellcheck disable=SC2086
	if ! "$cc" -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -D_GNU_SOURCE -I"$builddir" -I"$srcdir/src" \
		-DLOCALEDIR=\"/nonexistent\" -DSYSCONFDIR=\"/etc\" \
		$sources -o "$bin.tmp" -letpan -pthread >"$out/build.log" 2>&1; then
		echo "not ok 1 - build the fuzzer with $cc"
		sed 's/^/# /' "$out/build.log" | tail -n 30
		echo "not ok 2 - fuzzing # not run"
		exit 1
	fi
	mv "$bin.tmp" "$bin"
fi
echo "ok 1 - build the fuzzer with $cc"

work=$(mktemp -d "${TMPDIR:-/tmp}/postie-fuzz.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM
mkdir "$work/corpus" "$work/seeds"
cp "$srcdir"/tests/data/mail/*.eml "$work/seeds/"
cp "$srcdir"/tests/fuzz/corpus/* "$work/seeds/" 2>/dev/null
# Leaks are worth a failure too; libFuzzer's own limits keep the run bounded.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	"$bin" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len=65536 \
	-dict="$srcdir/tests/fuzz/fuzz-render.dict" -print_final_stats=1 -artifact_prefix="$out/" \
	"$work/corpus" "$work/seeds" \
	>"$out/fuzz.log" 2>&1
status=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/fuzz.log")
if [ $status -eq 0 ]; then
	echo "ok 2 - $seconds s of fuzzing, ${runs:-?} inputs, no crash"
	exit 0
fi
echo "not ok 2 - the fuzzer found a problem (exit $status); input kept in $out"
grep -E 'ERROR|SUMMARY|runtime error|crash-|leak-|timeout-|oom-' "$out/fuzz.log" | head -n 20 | sed 's/^/# /'
exit 1
