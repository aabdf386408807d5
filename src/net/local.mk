## net: TCP, TLS (GnuTLS), certificate trust, the libetpan stream driver,
## SASL, secrets and the protocol trace.
src_libpostie_a_SOURCES += \
	src/net/net.h src/net/net-private.h src/net/stream.h \
	src/net/sasl.h src/net/secret.h \
	src/net/cancel.c \
	src/net/conn.c \
	src/net/ctx.c \
	src/net/endpoint.c \
	src/net/guard.c \
	src/net/io.c \
	src/net/pin.c \
	src/net/redact.c \
	src/net/sasl.c \
	src/net/sasl_run.c \
	src/net/secret.c \
	src/net/stream.c \
	src/net/tcp.c \
	src/net/tls.c \
	src/net/tofu.c \
	src/net/trace.c \
	src/net/verify.c
