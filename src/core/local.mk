## core: what sits between the front end and the backends: the driver
## contract, user operations, worker threads and their queues.
src_libpostie_a_SOURCES += \
	src/core/driver.c src/core/driver.h \
	src/core/ops.c src/core/ops.h \
	src/core/replay.c src/core/replay.h \
	src/core/compose.c src/core/compose.h \
	src/core/outbox.c src/core/outbox.h \
	src/core/spool.c
src_libpostie_a_SOURCES += \
	src/core/account.c src/core/account.h src/core/account-private.h \
	src/core/commands.c src/core/commands.h \
	src/core/format.c src/core/format.h \
	src/core/manager.c src/core/manager.h \
	src/core/msglist.c src/core/msglist.h src/core/msglist-private.h \
	src/core/msglist-build.c \
	src/core/observer.c \
	src/core/pattern.c src/core/pattern.h \
	src/core/proto.c src/core/proto.h \
	src/core/queue.c src/core/queue.h \
	src/core/send.c \
	src/core/serve.c \
	src/core/uiconf.c src/core/uiconf.h \
	src/core/worker.c
