## pop3: POP3 sessions (connect, STLS, login), download-and-delete, the driver.
src_libpostie_a_SOURCES += \
	src/pop3/pop3.h src/pop3/pop3-private.h \
	src/pop3/auth.c \
	src/pop3/download.c src/pop3/sync.h \
	src/pop3/driver.c \
	src/pop3/listing.c src/pop3/listing.h \
	src/pop3/proto.c \
	src/pop3/retr.c src/pop3/retr.h \
	src/pop3/session.c \
	src/pop3/wire.c src/pop3/wire.h
