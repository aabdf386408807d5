/* The queues between the UI thread and the account workers.
 *
 * struct inbox: the UI's single event inbox. Any thread pushes events; the
 * UI thread polls inbox_fd() beside the keyboard and, when it is readable,
 * takes every pending event at once with inbox_take() (in the order they
 * were pushed), applies them all and redraws once. The fd is the read end of
 * a non-blocking pipe that holds at most one byte per batch, so a busy
 * worker can never fill it.
 *
 * struct reqq: one account's request queue, mutex-protected, FIFO. The
 * worker takes requests from the front; at its service points it can also
 * take the first request that a predicate accepts (the store-only reads
 * that may be served in the middle of a long sync). Waking the worker is the
 * account's business (core/account.h), not the queue's.
 *
 * Both are thread-safe. Pushed items belong to the queue until taken. */
#ifndef POSTIE_CORE_QUEUE_H
#define POSTIE_CORE_QUEUE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

struct err;
struct event;
struct request;

struct inbox {
	pthread_mutex_t mu;
	struct event *head, *tail;
	size_t n;
	int pipe_rd, pipe_wr;
	bool signalled;         /* a byte is in the pipe */
};

int inbox_init(struct inbox *in, struct err *err);
/* Frees pending events and closes the pipe. */
void inbox_release(struct inbox *in);
void inbox_push(struct inbox *in, struct event *ev);
/* Takes every pending event as a list linked by ev->next (NULL if none) and
 * empties the pipe. */
struct event *inbox_take(struct inbox *in);
int inbox_fd(const struct inbox *in);

struct reqq {
	pthread_mutex_t mu;
	struct request *head, *tail;
	size_t n;
};

void reqq_init(struct reqq *q);
/* Frees pending requests. */
void reqq_release(struct reqq *q);
void reqq_push(struct reqq *q, struct request *r);
/* Puts r back at the front (a request taken out of turn). */
void reqq_push_front(struct reqq *q, struct request *r);
/* The first request, removed; NULL when empty. */
struct request *reqq_pop(struct reqq *q);
/* The first request for which accept() is true, removed; NULL if none. */
struct request *reqq_pop_if(struct reqq *q, bool (*accept)(const struct request *r, void *aux),
			    void *aux);
size_t reqq_len(struct reqq *q);

#endif
