## imap: IMAP sessions (connect, STARTTLS, login) and, later, folders and sync.
src_libpostie_a_SOURCES += \
	src/imap/imap.h src/imap/imap-private.h \
	src/imap/auth.c \
	src/imap/session.c
