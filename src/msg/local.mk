## msg: reading mail (header values, envelopes, MIME, charsets, rendering)
## and writing it (compose.h: encoding, MIME generation, replies, drafts).
src_libpostie_a_SOURCES += \
	src/msg/msg.h src/msg/msg-private.h src/msg/compose.h \
	src/msg/address.c \
	src/msg/attach.c \
	src/msg/build.c \
	src/msg/charset.c \
	src/msg/compose.c \
	src/msg/date.c \
	src/msg/doc.c \
	src/msg/draft.c \
	src/msg/envelope.c \
	src/msg/filter.c \
	src/msg/forward.c \
	src/msg/header.c \
	src/msg/html.c \
	src/msg/html-entities.c \
	src/msg/hwriter.c \
	src/msg/ids.c \
	src/msg/mailcap.c \
	src/msg/mime.c \
	src/msg/mimetype.c \
	src/msg/outgoing.c \
	src/msg/params.c \
	src/msg/render.c \
	src/msg/reply.c \
	src/msg/rfc2047.c \
	src/msg/rfc2047_encode.c \
	src/msg/rfc2231_encode.c \
	src/msg/scan.c \
	src/msg/sevenbit.c \
	src/msg/text.c \
	src/msg/transfer.c
