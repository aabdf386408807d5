## pop3: POP3 sessions (connect, STLS, login) and, later, download.
src_libpostie_a_SOURCES += \
	src/pop3/pop3.h src/pop3/pop3-private.h \
	src/pop3/auth.c \
	src/pop3/session.c
