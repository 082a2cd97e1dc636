/* SPDX-License-Identifier: ISC */
/*
 * fake-http - a canned HTTP/1.1 server on 127.0.0.1 for the oc-tools tests,
 * after curl's test-suite model: the test gives the replies, the server logs
 * every request it got, and the test asserts on what the tool sent. Plain C
 * and json-c, no libcurl, so it does not share a bug with the client.
 *
 * usage: fake-http -r ROUTES.json -l LOG.jsonl -p PORTFILE [-t SECONDS]
 *
 * It binds 127.0.0.1 port 0 (never any other address), writes the port the
 * kernel chose to PORTFILE (atomically, so a reader never sees half a
 * number), and serves each connection in a child process, so slow routes
 * answer concurrently. One request per connection (it answers with
 * "Connection: close"). It exits on SIGTERM, taking its children along, and
 * by itself after SECONDS (default 120), so a failed test leaves nothing
 * behind.
 *
 * ROUTES is a JSON array; the first route that matches answers:
 *
 *   {"method": "GET" | "POST" | "*",      absent means "*"
 *    "path": "/v1/models",                exact match on the path
 *    "pathPrefix": "/v1/",                or a prefix match
 *    "status": 200,                       default 200
 *    "headers": {"content-type": "application/json"},
 *    "body": "...",                       default ""
 *    "bodyRepeat": N,                     send body N times (large replies)
 *    "chunked": true,                     no Content-Length, chunked coding
 *    "delayMs": 300,                      wait before answering
 *    "close": true,                       close without answering
 *    "sequence": [{...}, {...}]}          successive requests get successive
 *                                         elements (the last one repeats),
 *                                         whose members override the route's
 *
 * No match: 404 with {"error":"no route","method":...,"path":...}.
 *
 * LOG gets one JSON line per request, written with one write(2) on an
 * O_APPEND descriptor before the answer, so lines of concurrent children
 * never interleave and a client that has its answer finds its line:
 *
 *   {"method","path","query","headers":{lower-case name: value},"body",
 *    "route": index or -1}
 */
#include "config.h"

#include <sys/types.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#define REQ_HEAD_MAX	(64 * 1024)
#define REQ_BODY_MAX	(16 * 1024 * 1024)
#define CHILD_TIMEOUT_S	60

static const char *progname = "fake-http";
static json_object *routes;
static unsigned long *counters;	/* shared with the children: sequences */
static int logfd = -1;

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	/* _exit: children share this, and must not run exit handlers
	 * (a sanitizer's leak report) for a connection that failed. */
	_exit(1);
}

/* SIGTERM or the time limit: end the whole process group (the server made
 * its own), children included. */
static void
on_term(int sig)
{
	(void)sig;
	signal(SIGTERM, SIG_DFL);
	kill(0, SIGTERM);
	_exit(0);
}

static void
writeall(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;	/* the client went away: nothing to do */
		p += w;
		n -= (size_t)w;
	}
}

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 402: return "Payment Required";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 408: return "Request Timeout";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "Status";
	}
}

/* Member of the sequence element if it has it, else of the route. */
static json_object *
field(json_object *route, json_object *step, const char *key)
{
	json_object *v;

	if (step != NULL && json_object_object_get_ex(step, key, &v))
		return v;
	if (json_object_object_get_ex(route, key, &v))
		return v;
	return NULL;
}

static int
route_matches(json_object *r, const char *method, const char *path)
{
	json_object *v;

	if (json_object_object_get_ex(r, "method", &v)) {
		const char *m = json_object_get_string(v);

		if (strcmp(m, "*") != 0 && strcmp(m, method) != 0)
			return 0;
	}
	if (json_object_object_get_ex(r, "path", &v) &&
	    strcmp(json_object_get_string(v), path) != 0)
		return 0;
	if (json_object_object_get_ex(r, "pathPrefix", &v)) {
		const char *p = json_object_get_string(v);

		if (strncmp(p, path, strlen(p)) != 0)
			return 0;
	}
	return 1;
}

static void
sleep_ms(int64_t ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void
respond(int fd, const char *method, json_object *route, json_object *step,
    int idx, const char *path)
{
	json_object *v;
	int status = 200, chunked = 0;
	int64_t repeat = 1;
	const char *body = "";
	size_t blen = 0;
	char *nf = NULL;
	char head[8192];
	size_t hl;
	int64_t i;

	if (route == NULL) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "error",
		    json_object_new_string("no route"));
		json_object_object_add(o, "method",
		    json_object_new_string(method));
		json_object_object_add(o, "path", json_object_new_string(path));
		nf = strdup(json_object_to_json_string_ext(o,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
		if (nf == NULL)
			die("out of memory");
		status = 404;
		body = nf;
		blen = strlen(nf);
	} else {
		if ((v = field(route, step, "delayMs")) != NULL)
			sleep_ms(json_object_get_int64(v));
		if ((v = field(route, step, "close")) != NULL &&
		    json_object_get_boolean(v))
			return;
		if ((v = field(route, step, "status")) != NULL)
			status = json_object_get_int(v);
		if ((v = field(route, step, "body")) != NULL &&
		    json_object_is_type(v, json_type_string)) {
			body = json_object_get_string(v);
			blen = (size_t)json_object_get_string_len(v);
		}
		if ((v = field(route, step, "bodyRepeat")) != NULL)
			repeat = json_object_get_int64(v);
		if ((v = field(route, step, "chunked")) != NULL)
			chunked = json_object_get_boolean(v);
	}
	(void)idx;

	hl = (size_t)snprintf(head, sizeof head, "HTTP/1.1 %d %s\r\n"
	    "Connection: close\r\n", status, reason(status));
	if (route != NULL && (v = field(route, step, "headers")) != NULL &&
	    json_object_is_type(v, json_type_object)) {
		json_object_object_foreach(v, k, hv) {
			if (hl < sizeof head)
				hl += (size_t)snprintf(head + hl,
				    sizeof head - hl, "%s: %s\r\n", k,
				    json_object_get_string(hv));
		}
	} else if (route == NULL && hl < sizeof head)
		hl += (size_t)snprintf(head + hl, sizeof head - hl,
		    "Content-Type: application/json\r\n");
	if (hl < sizeof head) {
		if (chunked)
			hl += (size_t)snprintf(head + hl, sizeof head - hl,
			    "Transfer-Encoding: chunked\r\n\r\n");
		else
			hl += (size_t)snprintf(head + hl, sizeof head - hl,
			    "Content-Length: %llu\r\n\r\n",
			    (unsigned long long)blen *
			    (unsigned long long)repeat);
	}
	if (hl >= sizeof head)
		die("reply headers too long");
	writeall(fd, head, hl);
	if (strcmp(method, "HEAD") != 0) {
		for (i = 0; i < repeat; i++) {
			if (chunked && blen > 0) {
				char cl[32];
				int n = snprintf(cl, sizeof cl, "%zx\r\n",
				    blen);

				writeall(fd, cl, (size_t)n);
			}
			writeall(fd, body, blen);
			if (chunked && blen > 0)
				writeall(fd, "\r\n", 2);
		}
		if (chunked)
			writeall(fd, "0\r\n\r\n", 5);
	}
	free(nf);
}

static void
lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static void
serve(int fd)
{
	char *buf = malloc(REQ_HEAD_MAX + 1), *end = NULL, *line, *next;
	char *method, *target, *query, *body = NULL;
	size_t len = 0, blen = 0, have;
	ssize_t r;
	json_object *log, *hdrs, *route = NULL, *step = NULL;
	long long clen = 0;
	size_t i, nroutes;
	int idx = -1;
	const char *s;

	if (buf == NULL)
		die("out of memory");
	while (end == NULL) {
		/* Not a request line (a TLS ClientHello, say): answer in
		 * plain HTTP at once rather than wait for a blank line that
		 * never comes. */
		if (len > 0 && (buf[0] < 'A' || buf[0] > 'Z')) {
			static const char nh[] = "HTTP/1.1 400 Bad Request\r\n"
			    "Connection: close\r\nContent-Length: 0\r\n\r\n";

			writeall(fd, nh, sizeof nh - 1);
			_exit(0);
		}
		if (len == REQ_HEAD_MAX)
			die("request head too large");
		r = read(fd, buf + len, REQ_HEAD_MAX - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			_exit(0);	/* a connect-only probe */
		len += (size_t)r;
		buf[len] = '\0';
		end = strstr(buf, "\r\n\r\n");
	}
	*end = '\0';
	have = len - (size_t)(end + 4 - buf);

	/* request line */
	line = buf;
	next = strstr(line, "\r\n");
	if (next != NULL)
		*next = '\0';
	method = strtok(line, " ");
	target = strtok(NULL, " ");
	if (method == NULL || target == NULL) {
		static const char bad[] = "HTTP/1.1 400 Bad Request\r\n"
		    "Connection: close\r\nContent-Length: 0\r\n\r\n";

		writeall(fd, bad, sizeof bad - 1);
		_exit(0);
	}
	query = strchr(target, '?');
	if (query != NULL)
		*query++ = '\0';

	hdrs = json_object_new_object();
	while (next != NULL) {
		char *colon, *v;
		json_object *old;

		line = next + 2;
		next = strstr(line, "\r\n");
		if (next != NULL)
			*next = '\0';
		colon = strchr(line, ':');
		if (colon == NULL)
			continue;
		*colon = '\0';
		v = colon + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		lower(line);
		if (strcmp(line, "content-length") == 0)
			clen = atoll(v);
		if (json_object_object_get_ex(hdrs, line, &old)) {
			size_t ol = strlen(json_object_get_string(old));
			char *j = malloc(ol + strlen(v) + 3);

			if (j == NULL)
				die("out of memory");
			snprintf(j, ol + strlen(v) + 3, "%s, %s",
			    json_object_get_string(old), v);
			json_object_object_add(hdrs, line,
			    json_object_new_string(j));
			free(j);
		} else
			json_object_object_add(hdrs, line,
			    json_object_new_string(v));
	}

	if (clen < 0 || clen > REQ_BODY_MAX)
		die("request body too large");
	blen = (size_t)clen;
	body = malloc(blen + 1);
	if (body == NULL)
		die("out of memory");
	if (have > blen)
		have = blen;
	memcpy(body, end + 4, have);
	while (have < blen) {
		r = read(fd, body + have, blen - have);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		have += (size_t)r;
	}
	body[have] = '\0';

	nroutes = json_object_array_length(routes);
	for (i = 0; i < nroutes; i++) {
		json_object *r0 = json_object_array_get_idx(routes, i);

		if (route_matches(r0, method, target)) {
			json_object *seq;

			route = r0;
			idx = (int)i;
			if (json_object_object_get_ex(r0, "sequence", &seq) &&
			    json_object_array_length(seq) > 0) {
				size_t k = __atomic_fetch_add(&counters[i], 1,
				    __ATOMIC_SEQ_CST);
				size_t sl = json_object_array_length(seq);

				step = json_object_array_get_idx(seq,
				    k < sl ? k : sl - 1);
			}
			break;
		}
	}

	log = json_object_new_object();
	json_object_object_add(log, "method", json_object_new_string(method));
	json_object_object_add(log, "path", json_object_new_string(target));
	json_object_object_add(log, "query",
	    json_object_new_string(query ? query : ""));
	json_object_object_add(log, "headers", hdrs);
	json_object_object_add(log, "body",
	    json_object_new_string_len(body, (int)have));
	json_object_object_add(log, "route", json_object_new_int(idx));
	s = json_object_to_json_string_ext(log, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	{
		size_t sl = strlen(s);
		char *l = malloc(sl + 2);

		if (l == NULL)
			die("out of memory");
		memcpy(l, s, sl);
		l[sl] = '\n';
		/* one write on O_APPEND: atomic against the other children
		 * for a regular file */
		if (write(logfd, l, sl + 1) != (ssize_t)(sl + 1))
			die("log write failed");
		free(l);
	}
	json_object_put(log);

	respond(fd, method, route, step, idx, target);
	free(body);
	free(buf);
	/* Half-close and drain so the client sees the answer, not a reset. */
	shutdown(fd, SHUT_WR);
	{
		char drain[512];

		while (read(fd, drain, sizeof drain) > 0)
			;
	}
	close(fd);
}

static void
usage(void)
{
	fprintf(stderr, "usage: %s -r routes.json -l log.jsonl -p portfile "
	    "[-t seconds]\n", progname);
	exit(64);
}

int
main(int argc, char *argv[])
{
	const char *rpath = NULL, *lpath = NULL, *ppath = NULL;
	int c, s, one = 1;
	long limit = 120;
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	char tmp[4096], num[32];
	int pf, n;
	struct sigaction act;

	while ((c = getopt(argc, argv, "r:l:p:t:")) != -1) {
		switch (c) {
		case 'r': rpath = optarg; break;
		case 'l': lpath = optarg; break;
		case 'p': ppath = optarg; break;
		case 't': limit = atol(optarg); break;
		default: usage();
		}
	}
	if (rpath == NULL || lpath == NULL || ppath == NULL || optind != argc ||
	    limit <= 0)
		usage();

	routes = json_object_from_file(rpath);
	if (routes == NULL || !json_object_is_type(routes, json_type_array))
		die("%s: not a JSON array: %s", rpath,
		    json_util_get_last_err());
	counters = mmap(NULL, (json_object_array_length(routes) + 1) *
	    sizeof *counters, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
	    -1, 0);
	if (counters == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	logfd = open(lpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (logfd < 0)
		die("%s: %s", lpath, strerror(errno));

	/* Our own process group, so SIGTERM can take the children along
	 * without touching the test script that started us. */
	setpgid(0, 0);
	memset(&act, 0, sizeof act);
	act.sa_handler = on_term;
	sigaction(SIGTERM, &act, NULL);
	sigaction(SIGALRM, &act, NULL);
	/* Children reap themselves. */
	act.sa_handler = SIG_IGN;
	act.sa_flags = SA_NOCLDWAIT;
	sigaction(SIGCHLD, &act, NULL);
	signal(SIGPIPE, SIG_IGN);
	alarm((unsigned)limit);

	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		die("socket: %s", strerror(errno));
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = 0;
	if (bind(s, (struct sockaddr *)&sa, sizeof sa) < 0)
		die("bind 127.0.0.1: %s", strerror(errno));
	if (listen(s, 128) < 0)
		die("listen: %s", strerror(errno));
	if (getsockname(s, (struct sockaddr *)&sa, &sl) < 0)
		die("getsockname: %s", strerror(errno));

	n = snprintf(tmp, sizeof tmp, "%s.tmp", ppath);
	if (n < 0 || (size_t)n >= sizeof tmp)
		die("port file name too long");
	pf = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (pf < 0)
		die("%s: %s", tmp, strerror(errno));
	n = snprintf(num, sizeof num, "%u\n", ntohs(sa.sin_port));
	if (write(pf, num, (size_t)n) != n || close(pf) < 0 ||
	    rename(tmp, ppath) < 0)
		die("%s: %s", ppath, strerror(errno));

	for (;;) {
		pid_t pid;
		int fd = accept(s, NULL, NULL);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			die("accept: %s", strerror(errno));
		}
		pid = fork();
		if (pid < 0) {
			close(fd);
			continue;
		}
		if (pid == 0) {
			close(s);
			signal(SIGTERM, SIG_DFL);
			signal(SIGALRM, SIG_DFL);
			alarm(CHILD_TIMEOUT_S);
			serve(fd);
			json_object_put(routes);
			_exit(0);
		}
		close(fd);
	}
}
