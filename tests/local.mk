## Tests. Every test speaks TAP, so the summary counts single checks.
## Unit tests are C programs linked with the core; integration tests are
## Python scripts that drive the real postie binary against a real Dovecot
## started by tests/servers/rig.py.

TEST_EXTENSIONS = .py .sh
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
PY_LOG_DRIVER = $(LOG_DRIVER)
SH_LOG_DRIVER = $(LOG_DRIVER)
PY_LOG_COMPILER = $(TEST_PYTHON)
SH_LOG_COMPILER = $(SHELL)

AM_TESTS_ENVIRONMENT = \
	POSTIE='$(abs_top_builddir)/postie'; export POSTIE; \
	POSTIE_SRCDIR='$(abs_top_srcdir)'; export POSTIE_SRCDIR; \
	POSTIE_BUILDDIR='$(abs_top_builddir)'; export POSTIE_BUILDDIR; \
	POSTIE_LOCALEDIR='$(abs_top_builddir)/po/locale'; export POSTIE_LOCALEDIR; \
	PYTHONPATH='$(abs_top_srcdir)/tests/lib:$(abs_top_srcdir)/tests/servers'; export PYTHONPATH; \
	PYTHONDONTWRITEBYTECODE=1; export PYTHONDONTWRITEBYTECODE; \
	ASAN_OPTIONS='detect_leaks=1:abort_on_error=0:print_summary=1'; export ASAN_OPTIONS; \
	UBSAN_OPTIONS='print_stacktrace=1:halt_on_error=1'; export UBSAN_OPTIONS; \
	LC_ALL=C.UTF-8; export LC_ALL; LANGUAGE=; export LANGUAGE;

AM_CPPFLAGS += -I$(top_srcdir)/tests/lib

check_LIBRARIES = tests/libtap.a
tests_libtap_a_SOURCES = tests/lib/tap.c tests/lib/tap.h tests/lib/sockets.c tests/lib/sockets.h
TEST_LDADD = tests/libtap.a $(POSTIE_CORE_LIBS)

## C unit tests: tests/unit/test-MODULE.c, one program a module.
UNIT_TESTS =
## Integration tests: tests/integration/test_*.py and shell checks.
SCRIPT_TESTS = tests/check-layering.sh tests/check-potfiles.sh
## Translations and manual pages (po/, doc/; doc/HACKING.md).
SCRIPT_TESTS += tests/check-po.sh tests/check-man.sh tests/check-doc.py \
	tests/check-examples.py tests/check-paths.py

include $(srcdir)/tests/unit/local.mk
include $(srcdir)/tests/integration/local.mk
include $(srcdir)/tests/servers/local.mk
include $(srcdir)/tests/fuzz/local.mk

check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS) $(SCRIPT_TESTS)
EXTRA_DIST += $(SCRIPT_TESTS) tests/lib/postie_test.py tests/run.sh tests/deps.sh
