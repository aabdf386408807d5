#!/bin/sh
# Bounded libFuzzer runs (TAP), part of make check: fuzz-render (parse +
# render) and fuzz-compose (7-bit conversion, replies, forwards, drafts,
# the editor's text, typed addresses).
#
# Builds each tests/fuzz/fuzz-NAME.c with clang against the sources of
# src/msg and src/util (with AddressSanitizer and UndefinedBehaviorSanitizer,
# into the build tree, again only when a source changed), then fuzzes each
# for POSTIE_FUZZ_SECONDS (default 60 for render, half that for compose)
# seeded with the message corpus (tests/data/mail, tests/data/compose) and
# earlier findings (tests/fuzz/corpus). A crashing input is kept as
# tests/fuzz/crash-* in the build tree: fix the bug, then add the input to
# tests/data/mail (with its .expected) or tests/fuzz/corpus.
srcdir=${POSTIE_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${POSTIE_BUILDDIR:-$(pwd)}
seconds=${POSTIE_FUZZ_SECONDS:-60}
out="$builddir/tests/fuzz"
mkdir -p "$out" || exit 99

echo "1..4"
cc=$(command -v clang || command -v clang-14)
if [ -z "$cc" ]; then
	for n in 1 2 3 4; do
		echo "not ok $n - clang is needed to build the fuzzers (tests/deps.sh installs it)"
	done
	exit 1
fi

n=0
fail=0
# fuzz TARGET SECONDS: builds (if stale) and runs one target, two TAP lines.
fuzz() {
	target=$1
	secs=$2
	bin="$out/fuzz-$target-ci"
	sources="$srcdir/tests/fuzz/fuzz-$target.c $(ls "$srcdir"/src/msg/*.c "$srcdir"/src/util/*.c)"
	stale=
	if [ ! -x "$bin" ]; then
		stale=yes
	else
		for f in $sources "$srcdir"/src/msg/*.h "$srcdir"/src/util/*.h "$builddir/build-config.h"; do
			[ "$f" -nt "$bin" ] && stale=yes && break
		done
	fi
	n=$((n + 1))
	if [ -n "$stale" ]; then
		# shellcheck disable=SC2086
		if ! "$cc" -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
			-fno-sanitize-recover=undefined -D_GNU_SOURCE -I"$builddir" -I"$srcdir/src" \
			-DLOCALEDIR=\"/nonexistent\" -DSYSCONFDIR=\"/etc\" \
			$sources -o "$bin.tmp" -letpan -lmagic -pthread >"$out/build-$target.log" 2>&1; then
			echo "not ok $n - build fuzz-$target with $cc"
			sed 's/^/# /' "$out/build-$target.log" | tail -n 30
			n=$((n + 1))
			echo "not ok $n - fuzz-$target # not run"
			fail=1
			return
		fi
		mv "$bin.tmp" "$bin"
	fi
	echo "ok $n - build fuzz-$target with $cc"

	work=$(mktemp -d "${TMPDIR:-/tmp}/postie-fuzz.XXXXXX") || exit 99
	mkdir "$work/corpus" "$work/seeds"
	cp "$srcdir"/tests/data/mail/*.eml "$srcdir"/tests/data/compose/*.eml "$work/seeds/"
	cp "$srcdir"/tests/fuzz/corpus/* "$work/seeds/" 2>/dev/null
	# Leaks are worth a failure too; libFuzzer's own limits keep the run bounded.
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$bin" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -max_len=65536 \
		-dict="$srcdir/tests/fuzz/fuzz-render.dict" -print_final_stats=1 -artifact_prefix="$out/" \
		"$work/corpus" "$work/seeds" \
		>"$out/fuzz-$target.log" 2>&1
	status=$?
	rm -rf "$work"
	n=$((n + 1))
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/fuzz-$target.log")
	if [ $status -eq 0 ]; then
		echo "ok $n - fuzz-$target: $secs s of fuzzing, ${runs:-?} inputs, no crash"
		return
	fi
	echo "not ok $n - fuzz-$target found a problem (exit $status); input kept in $out"
	grep -E 'ERROR|SUMMARY|runtime error|crash-|leak-|timeout-|oom-' "$out/fuzz-$target.log" |
		head -n 20 | sed 's/^/# /'
	fail=1
}

fuzz render "$seconds"
fuzz compose $(( (seconds + 1) / 2 ))
exit $fail
