## imap: IMAP sessions (connect, STARTTLS, login), folders, sync, IDLE, journal replay.
src_libpostie_a_SOURCES += \
	src/imap/imap.h src/imap/imap-private.h \
	src/imap/auth.c \
	src/imap/driver.c \
	src/imap/fetch.c \
	src/imap/folders.c \
	src/imap/idle.c \
	src/imap/msgatt.c \
	src/imap/mutf7.c \
	src/imap/replay.c \
	src/imap/replay_doubt.c \
	src/imap/select.c \
	src/imap/session.c \
	src/imap/sync.c \
	src/imap/wire.c
