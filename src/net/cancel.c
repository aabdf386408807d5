#include "common.h"

#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/net-private.h"

struct net_cancel {
	pthread_mutex_t lock;
	bool fired;
	int efd;                /* readable once fired, so poll() wakes up */
	ARRAY(int) fds;         /* sockets to shut down */
};

struct net_cancel *net_cancel_new(void)
{
	struct net_cancel *c = xcalloc(1, sizeof *c);
	pthread_mutex_init(&c->lock, NULL);
	c->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->efd < 0) {
		/* Only when out of descriptors: cancellation then relies on
		 * shutdown() alone, which still wakes blocked reads. */
		c->efd = -1;
	}
	return c;
}

void net_cancel_free(struct net_cancel **cp)
{
	struct net_cancel *c = *cp;
	if (!c)
		return;
	if (c->efd >= 0)
		close(c->efd);
	ARRAY_RELEASE(&c->fds);
	pthread_mutex_destroy(&c->lock);
	free(c);
	*cp = NULL;
}

void net_cancel_fire(struct net_cancel *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	if (!c->fired) {
		c->fired = true;
		if (c->efd >= 0) {
			uint64_t one = 1;
			ssize_t r = write(c->efd, &one, sizeof one);
			(void)r;
		}
		/* A thread blocked in recv() or send() on these sockets
		 * returns at once; registered fds are still open (they are
		 * unregistered under this lock before they are closed). */
		for (size_t i = 0; i < c->fds.n; i++)
			shutdown(c->fds.v[i], SHUT_RDWR);
	}
	pthread_mutex_unlock(&c->lock);
}

bool net_cancel_fired(struct net_cancel *c)
{
	if (!c)
		return false;
	pthread_mutex_lock(&c->lock);
	bool fired = c->fired;
	pthread_mutex_unlock(&c->lock);
	return fired;
}

void net_cancel_reset(struct net_cancel *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	c->fired = false;
	if (c->efd >= 0) {
		uint64_t v;
		ssize_t r = read(c->efd, &v, sizeof v);
		(void)r;
	}
	pthread_mutex_unlock(&c->lock);
}

int net_cancel_register(struct net_cancel *c, int fd)
{
	if (!c)
		return 0;
	pthread_mutex_lock(&c->lock);
	bool fired = c->fired;
	if (!fired)
		ARRAY_PUSH(&c->fds, fd);
	pthread_mutex_unlock(&c->lock);
	return fired ? -1 : 0;
}

void net_cancel_unregister(struct net_cancel *c, int fd)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < c->fds.n; i++) {
		if (c->fds.v[i] == fd) {
			c->fds.v[i] = c->fds.v[--c->fds.n];
			break;
		}
	}
	pthread_mutex_unlock(&c->lock);
}

int net_cancel_poll_fd(struct net_cancel *c)
{
	return c ? c->efd : -1;
}
