## C unit tests. Add each as: UNIT_TESTS += tests/unit/test-X, with
## tests_unit_test_X_LDADD = $(TEST_LDADD).
UNIT_TESTS += tests/unit/test-util
tests_unit_test_util_LDADD = $(TEST_LDADD)

UNIT_TESTS += tests/unit/test-conf
tests_unit_test_conf_LDADD = $(TEST_LDADD)

UNIT_TESTS += tests/unit/test-msg-header
tests_unit_test_msg_header_LDADD = $(TEST_LDADD)

UNIT_TESTS += tests/unit/test-net
tests_unit_test_net_LDADD = $(TEST_LDADD)

UNIT_TESTS += tests/unit/test-msg-body
tests_unit_test_msg_body_LDADD = $(TEST_LDADD)

UNIT_TESTS += tests/unit/test-sessions
tests_unit_test_sessions_LDADD = $(TEST_LDADD)
