## The test rig: a private Dovecot and an SMTP sink for integration tests
## (tests/servers/rig.py; see the module's docstring). Not built, only shipped.
EXTRA_DIST += \
	tests/servers/rig.py \
	tests/servers/certs.py \
	tests/servers/dovecot.py \
	tests/servers/procs.py \
	tests/servers/sink.py \
	tests/servers/seed.py \
	tests/servers/seedtext.py \
	tests/servers/demo.py \
	tests/demo.sh
