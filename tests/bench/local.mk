## Benchmarks: `make bench` builds them; `make check` never runs them. They
## print figures (and ratios) and never assert on time.
BENCHMARKS = tests/bench/store-bench tests/bench/fetch-floor tests/bench/msglist-bench
EXTRA_PROGRAMS += $(BENCHMARKS)
tests_bench_store_bench_LDADD = $(POSTIE_CORE_LIBS)
tests_bench_msglist_bench_LDADD = $(POSTIE_CORE_LIBS)
## The floor of tests/bench/imap-open (which builds what it needs itself).
tests_bench_fetch_floor_LDADD = $(GNUTLS_LIBS)
EXTRA_DIST += tests/bench/imap-open tests/bench/tui-latency.py tests/bench/scale \
	tests/bench/pop3-bench.py
CLEANFILES += $(BENCHMARKS)

bench: $(BENCHMARKS)
.PHONY: bench
