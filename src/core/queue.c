#include "common.h"

#include <fcntl.h>
#include <unistd.h>

#include "core/proto.h"
#include "core/queue.h"
#include "util/err.h"

int inbox_init(struct inbox *in, struct err *err)
{
	memset(in, 0, sizeof *in);
	int fds[2];
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0)
		return err_set(err, ERR_IO, _("cannot make a pipe: %s"), strerror(errno));
	in->pipe_rd = fds[0];
	in->pipe_wr = fds[1];
	pthread_mutex_init(&in->mu, NULL);
	return 0;
}

void inbox_release(struct inbox *in)
{
	struct event *ev = inbox_take(in);
	while (ev) {
		struct event *next = ev->next;
		event_free(&ev);
		ev = next;
	}
	close(in->pipe_rd);
	close(in->pipe_wr);
	pthread_mutex_destroy(&in->mu);
}

void inbox_push(struct inbox *in, struct event *ev)
{
	ev->next = NULL;
	pthread_mutex_lock(&in->mu);
	if (in->tail)
		in->tail->next = ev;
	else
		in->head = ev;
	in->tail = ev;
	in->n++;
	bool wake = !in->signalled;
	in->signalled = true;
	if (wake) {
		/* A full pipe already wakes the UI: EAGAIN is harmless. */
		ssize_t w = write(in->pipe_wr, "", 1);
		(void)w;
	}
	pthread_mutex_unlock(&in->mu);
}

struct event *inbox_take(struct inbox *in)
{
	pthread_mutex_lock(&in->mu);
	struct event *list = in->head;
	in->head = in->tail = NULL;
	in->n = 0;
	char b[64];
	while (read(in->pipe_rd, b, sizeof b) > 0)
		;
	in->signalled = false;
	pthread_mutex_unlock(&in->mu);
	return list;
}

int inbox_fd(const struct inbox *in)
{
	return in->pipe_rd;
}

void reqq_init(struct reqq *q)
{
	memset(q, 0, sizeof *q);
	pthread_mutex_init(&q->mu, NULL);
}

void reqq_release(struct reqq *q)
{
	struct request *r;
	while ((r = reqq_pop(q)) != NULL)
		request_free(&r);
	pthread_mutex_destroy(&q->mu);
}

void reqq_push(struct reqq *q, struct request *r)
{
	r->next = NULL;
	pthread_mutex_lock(&q->mu);
	if (q->tail)
		q->tail->next = r;
	else
		q->head = r;
	q->tail = r;
	q->n++;
	pthread_mutex_unlock(&q->mu);
}

void reqq_push_front(struct reqq *q, struct request *r)
{
	pthread_mutex_lock(&q->mu);
	r->next = q->head;
	q->head = r;
	if (!q->tail)
		q->tail = r;
	q->n++;
	pthread_mutex_unlock(&q->mu);
}

static bool accept_any(const struct request *r, void *aux)
{
	(void)r;
	(void)aux;
	return true;
}

struct request *reqq_pop(struct reqq *q)
{
	return reqq_pop_if(q, accept_any, NULL);
}

struct request *reqq_pop_if(struct reqq *q, bool (*accept)(const struct request *r, void *aux),
			    void *aux)
{
	pthread_mutex_lock(&q->mu);
	struct request *prev = NULL, *r = q->head;
	while (r && !accept(r, aux)) {
		prev = r;
		r = r->next;
	}
	if (r) {
		if (prev)
			prev->next = r->next;
		else
			q->head = r->next;
		if (q->tail == r)
			q->tail = prev;
		q->n--;
		r->next = NULL;
	}
	pthread_mutex_unlock(&q->mu);
	return r;
}

size_t reqq_len(struct reqq *q)
{
	pthread_mutex_lock(&q->mu);
	size_t n = q->n;
	pthread_mutex_unlock(&q->mu);
	return n;
}
