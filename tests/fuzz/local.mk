## Fuzzing. `./configure --enable-fuzzers CC=clang` builds the libFuzzer
## targets here; tests/fuzz/run-fuzz.sh (part of make check) builds every
## tests/fuzz/fuzz-*.c on its own with clang and runs each for a bounded
## time.
if FUZZERS
noinst_PROGRAMS += tests/fuzz/fuzz-render
tests_fuzz_fuzz_render_SOURCES = tests/fuzz/fuzz-render.c
tests_fuzz_fuzz_render_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_render_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_render_LDADD = $(POSTIE_CORE_LIBS)
noinst_PROGRAMS += tests/fuzz/fuzz-compose
tests_fuzz_fuzz_compose_SOURCES = tests/fuzz/fuzz-compose.c
tests_fuzz_fuzz_compose_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_compose_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_compose_LDADD = $(POSTIE_CORE_LIBS)
endif
SCRIPT_TESTS += tests/fuzz/run-fuzz.sh
EXTRA_DIST += tests/fuzz/fuzz-render.c tests/fuzz/fuzz-render.dict tests/fuzz/corpus \
	tests/fuzz/fuzz-compose.c
EXTRA_DIST += tests/fuzz/fuzz-address.c tests/fuzz/fuzz-summary.c tests/fuzz/fuzz-conf.c \
	tests/fuzz/fuzz-conf.dict tests/fuzz/fuzz-imap.c tests/fuzz/fuzz-imap.dict \
	tests/fuzz/lsan.supp tests/fuzz/record-imap.py
CLEANFILES += tests/fuzz/fuzz-render-ci tests/fuzz/fuzz-render-ci.tmp tests/fuzz/build.log \
	tests/fuzz/fuzz-compose-ci tests/fuzz/fuzz-compose-ci.tmp tests/fuzz/build-*.log \
	tests/fuzz/fuzz-*.log \
	tests/fuzz/fuzz.log tests/fuzz/crash-* tests/fuzz/leak-* tests/fuzz/timeout-* \
	tests/fuzz/oom-* tests/fuzz/slow-unit-* tests/fuzz/fuzz-*-ci
