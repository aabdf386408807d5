## util: allocation, buffers, errors, paths, terminal-safe text.
src_libpostie_a_SOURCES += \
	src/util/array.h \
	src/util/base64.c src/util/base64.h \
	src/util/buf.c src/util/buf.h \
	src/util/clock.c src/util/clock.h \
	src/util/err.c src/util/err.h \
	src/util/i18n.h \
	src/util/json.c src/util/json.h \
	src/util/log.c src/util/log.h \
	src/util/paths.c src/util/paths.h \
	src/util/sanitize.c src/util/sanitize.h \
	src/util/strpool.c src/util/strpool.h \
	src/util/strutil.c src/util/strutil.h \
	src/util/width.c src/util/width.h \
	src/util/xalloc.c src/util/xalloc.h \
	src/common.h
