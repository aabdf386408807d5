/* The floor for tests/bench/imap-open: a bare IMAP client that receives what
 * postie asks for when it opens a folder and throws it away. What it costs
 * is the server's and the network's share; the rest of postie's time is its
 * own.
 *
 *   fetch-floor HOST PORT CA_FILE USER PASSWORD MODE [FOLDER]
 *     MODE all      UID FETCH 1:* of the summary items postie fetches
 *          first50  the same for the newest 50 messages only
 *          flags    UID FETCH 1:* (UID FLAGS)
 *          envelope UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE
 *                   BODYSTRUCTURE), what postie does not ask for
 *          select   nothing but connect, TLS, login, SELECT
 *
 * Prints one line: "MODE messages=N bytes=B seconds=S" (S from before the
 * connect to the tagged OK of the last command). Plain GnuTLS and a socket;
 * no libetpan, no parsing beyond finding line ends and skipping literals. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <gnutls/gnutls.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Keep in step with summary_fields[] in src/imap/fetch.c. */
#define SUMMARY "UID FLAGS INTERNALDATE RFC822.SIZE MODSEQ BODY.PEEK[HEADER.FIELDS (DATE FROM " \
		"TO CC SUBJECT MESSAGE-ID IN-REPLY-TO REFERENCES CONTENT-TYPE)]"

static gnutls_session_t tls;
static char buf[1 << 16];
static size_t have, pos;
static unsigned long long total;

static void die(const char *what)
{
	fprintf(stderr, "fetch-floor: %s\n", what);
	exit(1);
}

static int fill(void)
{
	if (pos < have)
		return 1;
	ssize_t n;
	do
		n = gnutls_record_recv(tls, buf, sizeof buf);
	while (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED);
	if (n <= 0)
		die("connection closed");
	have = (size_t)n;
	pos = 0;
	total += (unsigned long long)n;
	return 1;
}

/* Reads one response line, skipping the literals inside it; line gets its
 * first part (up to the first literal), truncated to size. */
static void read_line(char *line, size_t size)
{
	size_t len = 0;
	char part[4096];
	size_t plen = 0;
	bool first = true;
	for (;;) {
		fill();
		char c = buf[pos++];
		if (plen + 1 < sizeof part)
			part[plen++] = c;
		if (c != '\n')
			continue;
		part[plen] = '\0';
		if (first) {
			len = plen < size ? plen : size - 1;
			memcpy(line, part, len);
			line[len] = '\0';
		}
		first = false;
		/* "{N}\r\n" ends the part before a literal of N bytes. */
		char *brace = plen >= 4 ? strrchr(part, '{') : NULL;
		if (brace && part[plen - 2] == '\r' && part[plen - 3] == '}') {
			unsigned long n = strtoul(brace + 1, NULL, 10);
			while (n) {
				fill();
				size_t k = have - pos < n ? have - pos : n;
				pos += k;
				n -= k;
			}
			plen = 0;       /* the rest of the response follows */
			continue;
		}
		return;
	}
}

static void send_cmd(const char *cmd)
{
	ssize_t n = (ssize_t)strlen(cmd);
	if (gnutls_record_send(tls, cmd, (size_t)n) != n)
		die("send failed");
}

/* Reads to the tagged reply of tag; counts FETCH responses, notes EXISTS. */
static void wait_tag(const char *tag, unsigned long *fetches, unsigned long *exists)
{
	char line[4096];
	size_t tl = strlen(tag);
	for (;;) {
		read_line(line, sizeof line);
		if (!strncmp(line, tag, tl) && line[tl] == ' ') {
			if (strncmp(line + tl + 1, "OK", 2))
				die(line);
			return;
		}
		if (line[0] == '*' && strstr(line, " FETCH ") && fetches)
			++*fetches;
		if (line[0] == '*' && strstr(line, " EXISTS") && exists)
			*exists = strtoul(line + 2, NULL, 10);
	}
}

static int tcp_connect(const char *host, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	if (getaddrinfo(host, port, &hints, &ai))
		die("cannot resolve");
	int fd = socket(ai->ai_family, ai->ai_socktype, 0);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) < 0)
		die("cannot connect");
	freeaddrinfo(ai);
	return fd;
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 7)
		die("usage: fetch-floor HOST PORT CA_FILE USER PASSWORD MODE [FOLDER]");
	const char *mode = argv[6], *folder = argc > 7 ? argv[7] : "INBOX";
	double t0 = now();
	int fd = tcp_connect(argv[1], argv[2]);
	gnutls_certificate_credentials_t cred;
	gnutls_certificate_allocate_credentials(&cred);
	gnutls_certificate_set_x509_trust_file(cred, argv[3], GNUTLS_X509_FMT_PEM);
	gnutls_init(&tls, GNUTLS_CLIENT);
	gnutls_set_default_priority(tls);
	gnutls_credentials_set(tls, GNUTLS_CRD_CERTIFICATE, cred);
	gnutls_server_name_set(tls, GNUTLS_NAME_DNS, argv[1], strlen(argv[1]));
	gnutls_session_set_verify_cert(tls, argv[1], 0);
	gnutls_transport_set_int(tls, fd);
	int r;
	do
		r = gnutls_handshake(tls);
	while (r < 0 && !gnutls_error_is_fatal(r));
	if (r < 0)
		die(gnutls_strerror(r));
	char line[4096];
	read_line(line, sizeof line);   /* greeting */
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "a LOGIN %s %s\r\n", argv[4], argv[5]);
	send_cmd(cmd);
	wait_tag("a", NULL, NULL);
	unsigned long exists = 0, fetches = 0;
	snprintf(cmd, sizeof cmd, "b SELECT %s\r\n", folder);
	send_cmd(cmd);
	wait_tag("b", NULL, &exists);
	if (!strcmp(mode, "all"))
		snprintf(cmd, sizeof cmd, "c UID FETCH 1:* (%s)\r\n", SUMMARY);
	else if (!strcmp(mode, "first50"))
		snprintf(cmd, sizeof cmd, "c FETCH %lu:%lu (%s)\r\n", exists > 50 ? exists - 49 : 1,
			 exists ? exists : 1, SUMMARY);
	else if (!strcmp(mode, "flags"))
		snprintf(cmd, sizeof cmd, "c UID FETCH 1:* (UID FLAGS)\r\n");
	else if (!strcmp(mode, "envelope"))
		snprintf(cmd, sizeof cmd, "c UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE "
			 "ENVELOPE BODYSTRUCTURE)\r\n");
	else if (strcmp(mode, "select"))
		die("unknown mode");
	if (strcmp(mode, "select")) {
		send_cmd(cmd);
		wait_tag("c", &fetches, NULL);
	}
	double t1 = now();
	send_cmd("z LOGOUT\r\n");
	printf("%s messages=%lu bytes=%llu seconds=%.4f\n", mode, fetches, total, t1 - t0);
	gnutls_bye(tls, GNUTLS_SHUT_WR);
	close(fd);
	return 0;
}
