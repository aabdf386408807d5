## smtp: SMTP submission sessions (connect, EHLO, STARTTLS, login) and
## mail transactions.
src_libpostie_a_SOURCES += \
	src/smtp/smtp.h src/smtp/smtp-private.h \
	src/smtp/auth.c \
	src/smtp/reply.c \
	src/smtp/session.c \
	src/smtp/submit.c
