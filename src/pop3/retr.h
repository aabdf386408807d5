/* Inside the pop3 module: downloading and deleting messages. */
#ifndef POSTIE_POP3_RETR_H
#define POSTIE_POP3_RETR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct err;
struct pop3_session;

/* Commands in flight at most when the server offers PIPELINING. */
#define POP3_PIPELINE 8

/* Sends RETR num (with flush: at once; else with the next flushed command). */
int pop3_retr_send(struct pop3_session *s, uint32_t num, bool flush, struct err *err);
/* Reads the answer to a RETR sent before into out (replaced): the message as
 * received, dot-stuffing undone. 1, 0 when the server refused (err holds its
 * words; the session goes on), or -1. size_hint: LIST's size. */
int pop3_retr_read(struct pop3_session *s, uint32_t num, uint64_t size_hint, struct buf *out,
		   struct err *err);
/* TOP num 0: the header of a message, likewise. */
int pop3_top_header(struct pop3_session *s, uint32_t num, struct buf *out, struct err *err);

/* Told about each DELE the server refused, with its words. */
typedef void pop3_refused_fn(void *aux, uint32_t num, const char *said);
/* Marks messages deleted (DELE); QUIT commits. *refused counts the -ERR
 * answers. -1 only when the session failed. */
int pop3_dele(struct pop3_session *s, const uint32_t *nums, size_t n, size_t *refused,
	      pop3_refused_fn *refused_fn, void *aux, struct err *err);

#endif
