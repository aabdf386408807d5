## Integration tests (Python on Debian's /usr/bin/python3, TAP output).
SCRIPT_TESTS += \
	tests/integration/test_cli.py \
	tests/integration/test_check_config.py \
	tests/integration/test_rig.py \
	tests/integration/test_demo.py \
	tests/integration/test_readme_capture.py

## Connections, certificates and logins (src/net and the protocol sessions).
SCRIPT_TESTS += \
	tests/integration/test_net_certs.py \
	tests/integration/test_net_faults.py \
	tests/integration/test_net_login.py \
	tests/integration/test_net_oauth.py \
	tests/integration/test_net_prompt.py \
	tests/integration/test_net_tls.py
EXTRA_DIST += tests/lib/nettest.py tests/servers/fakes.py
check_PROGRAMS += tests/integration/net-probe
tests_integration_net_probe_LDADD = $(POSTIE_CORE_LIBS)

## Reading mail: postie show over the message corpus, and its options.
SCRIPT_TESTS += \
	tests/integration/test_show_cli.py \
	tests/integration/test_show_corpus.py
EXTRA_DIST += tests/data/mail

## The interface (ui/tui): driven in a terminal emulator (pyte) and tmux.
check_PROGRAMS += tests/integration/store-seed
tests_integration_store_seed_LDADD = $(POSTIE_CORE_LIBS)
SCRIPT_TESTS += tests/integration/test_tui.py tests/integration/test_tui_rig.py \
	tests/integration/test_tui_term.py tests/integration/test_tui_folders.py
EXTRA_DIST += tests/lib/tuitest.py

## POP3 download-and-delete against the rig's Dovecot, with the fault proxy.
SCRIPT_TESTS += \
	tests/integration/test_pop3_sync.py \
	tests/integration/test_pop3_kill.py \
	tests/integration/test_pop3_keep.py \
	tests/integration/test_pop3_server.py \
	tests/integration/test_pop3_local.py \
	tests/integration/test_faultproxy.py
EXTRA_DIST += tests/lib/storetest.py tests/servers/faultproxy.py tests/servers/pop3fake.py
check_PROGRAMS += tests/integration/store-dump
tests_integration_store_dump_LDADD = $(POSTIE_CORE_LIBS)
SCRIPT_TESTS += tests/integration/test_store_cli.py

## Sending: compose, postie send, the outbox, failures and kill -9 (src/smtp,
## src/msg/compose.h, src/core/outbox.h).
SCRIPT_TESTS += \
	tests/integration/test_send.py \
	tests/integration/test_send_failures.py \
	tests/integration/test_send_crash.py

## Translations at work: languages, dates, numbers, aligned columns.
SCRIPT_TESTS += tests/integration/test_i18n.py tests/integration/test_i18n_tui.py

## IMAP sync (src/imap, src/core): sync modes, offline journal, kills, IDLE.
SCRIPT_TESTS += \
	tests/integration/test_imap_sync.py \
	tests/integration/test_imap_folders.py \
	tests/integration/test_imap_xlist.py \
	tests/integration/test_imap_offline.py \
	tests/integration/test_imap_crash.py \
	tests/integration/test_imap_odd.py \
	tests/integration/test_imap_first_screen.py
EXTRA_DIST += tests/lib/imaptest.py
check_PROGRAMS += tests/integration/imap-probe
tests_integration_imap_probe_LDADD = $(POSTIE_CORE_LIBS)

## Faults: sync, body fetch, IDLE, journal replay and sending through the
## fault proxy under many seeds (POSTIE_FAULT_SEEDS), suspend and resume.
SCRIPT_TESTS += \
	tests/integration/test_faults_imap.py \
	tests/integration/test_faults_idle.py \
	tests/integration/test_faults_pop3.py \
	tests/integration/test_faults_send.py
EXTRA_DIST += tests/lib/faulttest.py

## Hostile servers: oversized, malformed, truncated and contradictory replies
## from scripted fakes (tests/servers/fakes.py), with peak memory bounded.
SCRIPT_TESTS += \
	tests/integration/test_hostile_imap.py \
	tests/integration/test_hostile_pop3_smtp.py

## postie under valgrind (a plain build of its own in tests/valgrind-build):
## a sync, a show and a session of the interface, no leak, no invalid access.
SCRIPT_TESTS += tests/integration/test_valgrind.py
EXTRA_DIST += tests/integration/valgrind.supp

## postie watch started while the server is down: waits, then watches;
## a certificate or a refused password stays fatal.
SCRIPT_TESTS += tests/integration/test_watch_offline.py

## The full-screen interface under random connection cuts (tmux, fault proxy).
SCRIPT_TESTS += tests/integration/test_faults_tui.py
