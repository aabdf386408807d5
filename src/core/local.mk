## core: what sits between the front end and the backends: the driver
## contract, user operations, worker threads and their queues.
src_libpostie_a_SOURCES += \
	src/core/driver.c src/core/driver.h \
	src/core/ops.c src/core/ops.h \
	src/core/replay.c src/core/replay.h \
	src/core/compose.c src/core/compose.h \
	src/core/outbox.c src/core/outbox.h \
	src/core/spool.c
