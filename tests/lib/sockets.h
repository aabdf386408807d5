/* Helpers for unit tests that need a network peer without a server. */
#ifndef POSTIE_TESTS_SOCKETS_H
#define POSTIE_TESTS_SOCKETS_H

/* A listening socket on 127.0.0.1 that nobody accepts on: connections
 * succeed (the kernel's backlog) and then never hear anything. Returns the
 * descriptor and sets *port, or -1. */
int test_silent_listener(int *port);
/* Seconds on the monotonic clock. */
double test_now(void);

#endif
