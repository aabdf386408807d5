## msg: reading mail (header values, envelopes, MIME, charsets, rendering).
src_libpostie_a_SOURCES += \
	src/msg/msg.h src/msg/msg-private.h \
	src/msg/address.c \
	src/msg/charset.c \
	src/msg/date.c \
	src/msg/envelope.c \
	src/msg/header.c \
	src/msg/params.c \
	src/msg/rfc2047.c \
	src/msg/transfer.c
