## Integration tests (Python on Debian's /usr/bin/python3, TAP output).
SCRIPT_TESTS += \
	tests/integration/test_cli.py \
	tests/integration/test_check_config.py \
	tests/integration/test_rig.py \
	tests/integration/test_demo.py
