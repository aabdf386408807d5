#!/bin/sh
# Bounded libFuzzer runs (TAP), part of make check:
#   render   parse + render any bytes as a message (src/msg)
#   compose  7-bit conversion, replies, forwards, drafts, the editor's text
#   address  address lists, tolerant and strict (src/msg/address.c)
#   summary  the store's summary encoding (src/store/summary_codec.c)
#   conf     the configuration files (src/conf)
#   imap     what a server says in a session, through the stream driver into
#            the IMAP driver and a store (src/net, src/imap, ...)
#
# Compiles the sources each target needs with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer into the build tree (tests/fuzz/obj, again only
# what changed), links tests/fuzz/fuzz-NAME-ci, and fuzzes each for a bounded
# time: POSTIE_FUZZ_SECONDS (default 60) for render, half of it for compose,
# two fifths for each of the others. Seeds: the message corpus (tests/data),
# tests/fuzz/corpus (render, compose) and tests/fuzz/corpus/NAME. A crashing
# input is kept as tests/fuzz/crash-* in the build tree: fix the bug, then add
# the input to tests/fuzz/corpus/NAME (or tests/data/mail with an .expected).
srcdir=${POSTIE_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${POSTIE_BUILDDIR:-$(pwd)}
seconds=${POSTIE_FUZZ_SECONDS:-60}
out="$builddir/tests/fuzz"
obj="$out/obj"
mkdir -p "$obj" || exit 99

echo "1..12"
cc=$(command -v clang || command -v clang-14)
if [ -z "$cc" ]; then
	for n in 1 2 3 4 5 6 7 8 9 10 11 12; do
		echo "not ok $n - clang is needed to build the fuzzers (tests/deps.sh installs it)"
	done
	exit 1
fi

cflags="-std=gnu11 -g -O1 -fsanitize=fuzzer-no-link,address,undefined \
-fno-sanitize-recover=undefined -D_GNU_SOURCE -I$builddir -I$srcdir/src \
-DLOCALEDIR=\"/nonexistent\" -DSYSCONFDIR=\"/etc\""
# The newest header: an object older than it is compiled again.
newest=$(ls -t "$srcdir"/src/*.h "$srcdir"/src/*/*.h "$builddir/build-config.h" | head -n 1)

# compile FILE...: the objects of FILEs into $obj, two compilers at a time;
# prints the object names.
compile() {
	for c in "$@"; do
		o="$obj/$(echo "${c#"$srcdir"/}" | tr / _).o"
		if [ ! -f "$o" ] || [ "$c" -nt "$o" ] || [ "$newest" -nt "$o" ]; then
			echo "$c $o" >>"$obj/todo"
		fi
		echo "$o"
	done
	if [ -s "$obj/todo" ]; then
		# shellcheck disable=SC2086
		xargs -P 2 -L 1 sh -c "$cc $cflags -c \"\$0\" -o \"\$1.tmp\" && mv \"\$1.tmp\" \"\$1\"" \
			<"$obj/todo" >>"$obj/build.log" 2>&1
		rm -f "$obj/todo"
	fi
}

n=0
fail=0
# fuzz TARGET SECONDS "MODULES" "LIBS" MAX_LEN DICT SEED_DIR...: builds and
# runs one target, two TAP lines.
fuzz() {
	target=$1 secs=$2 modules=$3 libs=$4 maxlen=$5 dict=$6
	shift 6
	bin="$out/fuzz-$target-ci"
	sources="$srcdir/tests/fuzz/fuzz-$target.c"
	for m in $modules; do
		sources="$sources $(ls "$srcdir/src/$m"/*.c)"
	done
	n=$((n + 1))
	: >"$obj/build.log"
	# shellcheck disable=SC2086
	objects=$(compile $sources)
	# shellcheck disable=SC2086
	if ! ls $objects >/dev/null 2>&1 ||
	   ! "$cc" -fsanitize=fuzzer,address,undefined $objects -o "$bin" $libs -pthread \
		>>"$obj/build.log" 2>&1; then
		echo "not ok $n - build fuzz-$target with $cc"
		grep -v '^ *$' "$obj/build.log" | tail -n 30 | sed 's/^/# /'
		n=$((n + 1))
		echo "not ok $n - fuzz-$target # not run"
		fail=1
		return
	fi
	echo "ok $n - build fuzz-$target with $cc"

	work=$(mktemp -d "${TMPDIR:-/tmp}/postie-fuzz.XXXXXX") || exit 99
	mkdir "$work/corpus" "$work/seeds"
	for d in "$@"; do
		find "$d" -maxdepth 1 -type f ! -name README ! -name '*.expected' ! -name '*.py' \
			-exec cp -t "$work/seeds/" {} +
	done
	# Leaks are worth a failure too (but for libetpan's own, lsan.supp);
	# libFuzzer's own limits keep the run bounded.
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	LSAN_OPTIONS=suppressions="$srcdir/tests/fuzz/lsan.supp" \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 TMPDIR="$work" \
		"$bin" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -max_len="$maxlen" \
		-dict="$srcdir/tests/fuzz/$dict" -print_final_stats=1 -artifact_prefix="$out/" \
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

msg="msg util"
all=$(cd "$srcdir/src" && ls -d */ | tr -d /)
data="$srcdir/tests/data"
corpus="$srcdir/tests/fuzz/corpus"
short=$(( seconds * 2 / 5 ))
[ "$short" -ge 1 ] || short=1
fuzz render "$seconds" "$msg" "-letpan -lmagic" 65536 fuzz-render.dict \
	"$data/mail" "$data/compose" "$corpus"
fuzz compose $(( (seconds + 1) / 2 )) "$msg" "-letpan -lmagic" 65536 fuzz-render.dict \
	"$data/mail" "$data/compose" "$corpus"
fuzz address "$short" "$msg" "-letpan -lmagic" 4096 fuzz-render.dict "$corpus/address"
fuzz summary "$short" "store $msg" "-letpan -lmagic -ltokyocabinet" 16384 fuzz-render.dict \
	"$corpus/summary" "$data/mail"
fuzz conf "$short" "conf util" "" 8192 fuzz-conf.dict "$corpus/conf"
fuzz imap "$short" "$all" "-letpan -lgnutls -ltokyocabinet -lmagic" 65536 fuzz-imap.dict \
	"$corpus/imap"
exit $fail
