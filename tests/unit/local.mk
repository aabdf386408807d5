## C unit tests. Add each as: UNIT_TESTS += tests/unit/test-X, with
## tests_unit_test_X_LDADD = $(TEST_LDADD).
UNIT_TESTS += tests/unit/test-util
tests_unit_test_util_LDADD = $(TEST_LDADD)

UNIT_TESTS += tests/unit/test-conf
tests_unit_test_conf_LDADD = $(TEST_LDADD)

UNIT_TESTS += tests/unit/test-kv
tests_unit_test_kv_LDADD = $(TEST_LDADD)

UNIT_TESTS += tests/unit/test-summary-codec
tests_unit_test_summary_codec_LDADD = $(TEST_LDADD)

UNIT_TESTS += tests/unit/test-store
tests_unit_test_store_SOURCES = tests/unit/test-store.c \
	tests/unit/store-fixture.c tests/unit/store-fixture.h
tests_unit_test_store_LDADD = $(TEST_LDADD)

UNIT_TESTS += tests/unit/test-store-migrate
tests_unit_test_store_migrate_SOURCES = tests/unit/test-store-migrate.c \
	tests/unit/store-fixture.c tests/unit/store-fixture.h
tests_unit_test_store_migrate_LDADD = $(TEST_LDADD)

UNIT_TESTS += tests/unit/test-store-crash
tests_unit_test_store_crash_SOURCES = tests/unit/test-store-crash.c \
	tests/unit/store-fixture.c tests/unit/store-fixture.h
tests_unit_test_store_crash_LDADD = $(TEST_LDADD)

UNIT_TESTS += tests/unit/test-store-corrupt
tests_unit_test_store_corrupt_SOURCES = tests/unit/test-store-corrupt.c \
	tests/unit/store-fixture.c tests/unit/store-fixture.h
tests_unit_test_store_corrupt_LDADD = $(TEST_LDADD)

UNIT_TESTS += tests/unit/test-msg-header
tests_unit_test_msg_header_LDADD = $(TEST_LDADD)

UNIT_TESTS += tests/unit/test-net
tests_unit_test_net_LDADD = $(TEST_LDADD)

UNIT_TESTS += tests/unit/test-msg-body
tests_unit_test_msg_body_LDADD = $(TEST_LDADD)

UNIT_TESTS += tests/unit/test-sessions
tests_unit_test_sessions_LDADD = $(TEST_LDADD)

UNIT_TESTS += tests/unit/test-msg-compose
tests_unit_test_msg_compose_LDADD = $(TEST_LDADD)
EXTRA_DIST += tests/data/compose

UNIT_TESTS += tests/unit/test-outbox
tests_unit_test_outbox_SOURCES = tests/unit/test-outbox.c \
	tests/unit/store-fixture.c tests/unit/store-fixture.h
tests_unit_test_outbox_LDADD = $(TEST_LDADD)

UNIT_TESTS += tests/unit/test-worker
tests_unit_test_worker_SOURCES = tests/unit/test-worker.c \
	tests/unit/fake-driver.c tests/unit/fake-driver.h
tests_unit_test_worker_LDADD = $(TEST_LDADD)

UNIT_TESTS += tests/unit/test-msglist
tests_unit_test_msglist_LDADD = $(TEST_LDADD)

UNIT_TESTS += tests/unit/test-uiconf
tests_unit_test_uiconf_LDADD = $(TEST_LDADD)

UNIT_TESTS += tests/unit/test-imap
tests_unit_test_imap_SOURCES = tests/unit/test-imap.c \
	tests/unit/store-fixture.c tests/unit/store-fixture.h
tests_unit_test_imap_LDADD = $(TEST_LDADD)

UNIT_TESTS += tests/unit/test-store-pop3
tests_unit_test_store_pop3_SOURCES = tests/unit/test-store-pop3.c \
	tests/unit/store-fixture.c tests/unit/store-fixture.h
tests_unit_test_store_pop3_LDADD = $(TEST_LDADD)

UNIT_TESTS += tests/unit/test-pop3-wire
tests_unit_test_pop3_wire_LDADD = $(TEST_LDADD)

UNIT_TESTS += tests/unit/test-pop3-driver
tests_unit_test_pop3_driver_SOURCES = tests/unit/test-pop3-driver.c \
	tests/unit/store-fixture.c tests/unit/store-fixture.h
tests_unit_test_pop3_driver_LDADD = $(TEST_LDADD)
