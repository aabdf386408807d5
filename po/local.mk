## Translations. po/ is built by gettext's own po/Makefile (SUBDIRS), which
## compiles each LANG.po into LANG.gmo and installs it under $(localedir).
## Here: the same catalogues laid out like $(localedir) in the build tree,
## so postie runs translated uninstalled (tests set POSTIE_LOCALEDIR to
## $(abs_top_builddir)/po/locale), and `make update-po` from the top.

## Keep in step with po/LINGUAS (tests/check-po.sh checks it).
POSTIE_PO_FILES = $(srcdir)/po/de.po $(srcdir)/po/fr.po

po/locale/stamp: $(POSTIE_PO_FILES) $(srcdir)/po/LINGUAS
	$(AM_V_GEN)for lang in `sed -e 's/#.*//' $(srcdir)/po/LINGUAS`; do \
	  $(MKDIR_P) po/locale/$$lang/LC_MESSAGES && \
	  $(MSGFMT) -c -o po/locale/$$lang/LC_MESSAGES/$(PACKAGE).mo $(srcdir)/po/$$lang.po \
	  || exit 1; \
	done; \
	echo timestamp > $@

all-local: po/locale/stamp
clean-local: po-locale-clean
po-locale-clean:
	-rm -rf po/locale

## Refreshes po/postie.pot from the sources in po/POTFILES.in and merges it
## into every catalogue (new strings arrive untranslated, changed ones fuzzy).
update-po:
	cd po && $(MAKE) update-po

## The checks of a translation and documentation pass, strict: strings of the
## sources missing from po/postie.pot fail instead of being a TODO.
I18N_CHECKS = tests/check-potfiles.sh tests/check-po.sh tests/check-doc.py \
	tests/check-man.sh tests/integration/test_i18n.py tests/check-examples.py \
	tests/check-paths.py tests/integration/test_i18n_tui.py
check-i18n: all
	POSTIE_STRICT_I18N=1 $(MAKE) $(AM_MAKEFLAGS) check TESTS='$(I18N_CHECKS)'
.PHONY: update-po po-locale-clean check-i18n
