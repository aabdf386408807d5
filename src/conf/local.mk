## conf: postie.conf and accounts/NAME.conf.
src_libpostie_a_SOURCES += \
	src/conf/conf.h src/conf/conf-private.h \
	src/conf/keys.c \
	src/conf/load.c \
	src/conf/parse.c
