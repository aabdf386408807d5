## Manual pages and documents. tests/check-man.sh renders each page with
## groff -ww; tests/check-doc.py holds the pages to the commands, options
## and configuration keys postie has.
dist_man_MANS += doc/postie.1 doc/postie.conf.5 doc/postie-account.5
EXTRA_DIST += doc/store.md doc/tui.md doc/ARCHITECTURE.md doc/HACKING.md doc/manpage_keys.py \
	doc/readme_capture.py
