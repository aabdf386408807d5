## msg: reading mail (header values, envelopes, MIME, charsets, rendering).
src_libpostie_a_SOURCES += \
	src/msg/msg.h src/msg/msg-private.h \
	src/msg/address.c \
	src/msg/attach.c \
	src/msg/charset.c \
	src/msg/date.c \
	src/msg/doc.c \
	src/msg/envelope.c \
	src/msg/filter.c \
	src/msg/header.c \
	src/msg/html.c \
	src/msg/html-entities.c \
	src/msg/mailcap.c \
	src/msg/mime.c \
	src/msg/params.c \
	src/msg/render.c \
	src/msg/rfc2047.c \
	src/msg/scan.c \
	src/msg/text.c \
	src/msg/transfer.c
