## store: the local store (Tokyo Cabinet behind kv.h), summaries, the index.
src_libpostie_a_SOURCES += \
	src/store/kv.c src/store/kv.h \
	src/store/kv_tc.c \
	src/store/codec.c src/store/codec.h \
	src/store/summary.c src/store/summary.h \
	src/store/summary_codec.c \
	src/store/summary_fill.c \
	src/store/store.c src/store/store.h src/store/store-private.h \
	src/store/lock.c \
	src/store/format.c \
	src/store/acct.c \
	src/store/folder.c \
	src/store/chunk.c \
	src/store/msgs.c \
	src/store/pop3.c \
	src/store/body.c \
	src/store/journal.c \
	src/store/outbox.c \
	src/store/migrate.c \
	src/store/check.c \
	src/store/compact.c \
	src/store/redo.c \
	src/store/export.c src/store/export.h \
	src/store/import.c \
	src/store/index.c src/store/index.h
