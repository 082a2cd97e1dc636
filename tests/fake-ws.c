/* SPDX-License-Identifier: ISC */
/*
 * fake-ws - a canned OpenClaw gateway on 127.0.0.1 for the --reload tests:
 * the WebSocket upgrade, the connect.challenge, the connect request and the
 * models.authRefresh / models.authStatus calls, with behaviours chosen by
 * the test, and a log of every frame the client sent, so a test can assert
 * on exactly what went over the wire (curl's test-suite model, as
 * tests/fake-http.c).
 *
 * usage: fake-ws -b BEHAVIOUR[,BEHAVIOUR...] -l LOG.jsonl -p PORTFILE
 *                [-S SECRETFILE] [-x] [-t SECONDS]
 *        fake-ws -k KEY      print Sec-WebSocket-Accept for KEY and exit
 *
 * It binds 127.0.0.1 port 0 (no other address), writes the port to
 * PORTFILE (atomically), and serves connections one after the other: the
 * n-th gets the n-th behaviour of the list, the last one repeating. It
 * exits on SIGTERM and by itself after SECONDS (default 60).
 *
 * Behaviours:
 *   ok             answer everything: connect (the secret must be SECRETFILE's,
 *                  in auth.token or auth.password, else AUTH_TOKEN_MISMATCH; it is
 *                  read from SECRETFILE, never from argv),
 *                  models.authRefresh {refreshed:true}, models.authStatus
 *   old            as ok, but models.authRefresh is an unknown method
 *                  (a gateway before 2026.9)
 *   ancient        both methods unknown
 *   unavailable    answer connect UNAVAILABLE, retryable, retryAfterMs 200
 *                  (a gateway finishing its start-up)
 *   call-error     models.authRefresh answers INVALID_REQUEST
 *   not-refreshed  models.authRefresh answers ok without refreshed
 *   forbidden      models.authRefresh answers FORBIDDEN (missing scope)
 *   auth-echo      refuse connect with a message that quotes the secret
 *   close1008      end the connect with a close frame 1008 only
 *   hang           read the upgrade request, never answer
 *   hang-call      answer up to hello-ok, never answer the call
 *   close-upgrade  read the upgrade request, close the connection
 *   close-connect  after the challenge, read connect, close (no frame)
 *   bad-accept     a wrong Sec-WebSocket-Accept
 *   http404        answer the upgrade with 404
 * -x: before each answer send an event and a ping, and send hello-ok as a
 * 100 KiB message in three fragments (64-bit length), to test the framing.
 *
 * LOG gets one JSON line per thing received:
 *   {"conn":N,"kind":"http","line":"GET / HTTP/1.1","headers":{lower:value}}
 *   {"conn":N,"kind":"frame","opcode":1,"fin":true,"masked":true,
 *    "text":"...","json":{...}}             (text frames; json when it parses)
 *   {"conn":N,"kind":"frame","opcode":10,"masked":true,"data":"..."}  (pong)
 *   {"conn":N,"kind":"frame","opcode":8,"masked":true,"code":1000}
 *   {"conn":N,"kind":"eof"}
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <json-c/json.h>

#include "oc.h"

static int logfd = -1;
static int conn_no;
static int extras;
static const char *secret;

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fake-ws: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void
on_term(int sig)
{
	(void)sig;
	_exit(0);
}

static void
log_obj(json_object *o)
{
	const char *s;
	char *line;
	size_t n;

	json_object_object_add(o, "conn", json_object_new_int(conn_no));
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	n = strlen(s);
	line = malloc(n + 2);
	if (line == NULL)
		die("out of memory");
	memcpy(line, s, n);
	line[n] = '\n';
	if (write(logfd, line, n + 1) != (ssize_t)(n + 1))
		die("log: %s", strerror(errno));
	free(line);
	json_object_put(o);
}

static int
writeall(int fd, const void *p, size_t n)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
readn(int fd, void *p, size_t n)
{
	char *c = p;
	ssize_t r;

	while (n > 0) {
		r = read(fd, c, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

/* One unmasked server frame. */
static int
send_frame(int fd, int fin, int op, const char *p, size_t n)
{
	unsigned char h[10];
	size_t hl = 0, i;

	h[hl++] = (unsigned char)((fin ? 0x80 : 0) | op);
	if (n < 126)
		h[hl++] = (unsigned char)n;
	else if (n <= 0xffff) {
		h[hl++] = 126;
		h[hl++] = (unsigned char)(n >> 8);
		h[hl++] = (unsigned char)n;
	} else {
		h[hl++] = 127;
		for (i = 0; i < 8; i++)
			h[hl++] = (unsigned char)((unsigned long long)n >>
			    (56 - 8 * i));
	}
	if (writeall(fd, h, hl) == -1)
		return -1;
	return writeall(fd, p, n);
}

static int
send_text(int fd, const char *s)
{
	return send_frame(fd, 1, 1, s, strlen(s));
}

/* The -x noise before an answer: an event and a ping. */
static void
noise(int fd)
{
	if (!extras)
		return;
	send_text(fd, "{\"type\":\"event\",\"event\":\"tick\",\"payload\":"
	    "{\"ts\":1}}");
	send_frame(fd, 1, 9, "ping-1", 6);
}

/* Read one client frame into *out (malloc'd, unmasked); logs it. Returns
 * the opcode, or -1 at the end of the connection. */
static int
recv_frame(int fd, char **out, size_t *outlen)
{
	unsigned char h[2], ext[8], mask[4];
	unsigned long long len;
	int op, fin, masked, i;
	char *p;
	json_object *o, *j;

	*out = NULL;
	if (readn(fd, h, 2) == -1) {
		o = json_object_new_object();
		json_object_object_add(o, "kind", json_object_new_string("eof"));
		log_obj(o);
		return -1;
	}
	fin = (h[0] & 0x80) != 0;
	op = h[0] & 0x0f;
	masked = (h[1] & 0x80) != 0;
	len = h[1] & 0x7f;
	if (len == 126) {
		if (readn(fd, ext, 2) == -1)
			return -1;
		len = (unsigned long long)ext[0] << 8 | ext[1];
	} else if (len == 127) {
		if (readn(fd, ext, 8) == -1)
			return -1;
		for (len = 0, i = 0; i < 8; i++)
			len = len << 8 | ext[i];
	}
	if (len > (16u << 20))
		die("client frame of %llu bytes", len);
	if (masked && readn(fd, mask, 4) == -1)
		return -1;
	p = malloc((size_t)len + 1);
	if (p == NULL)
		die("out of memory");
	if (readn(fd, p, (size_t)len) == -1) {
		free(p);
		return -1;
	}
	for (i = 0; masked && (unsigned long long)i < len; i++)
		p[i] ^= (char)mask[i % 4];
	p[len] = '\0';
	o = json_object_new_object();
	json_object_object_add(o, "kind", json_object_new_string("frame"));
	json_object_object_add(o, "opcode", json_object_new_int(op));
	json_object_object_add(o, "fin", json_object_new_boolean(fin));
	json_object_object_add(o, "masked", json_object_new_boolean(masked));
	if (op == 1) {
		json_object_object_add(o, "text",
		    json_object_new_string_len(p, (int)len));
		if ((j = json_tokener_parse(p)) != NULL)
			json_object_object_add(o, "json", j);
	} else if (op == 8) {
		json_object_object_add(o, "code", len >= 2 ?
		    json_object_new_int((unsigned char)p[0] << 8 |
		    (unsigned char)p[1]) : NULL);
	} else
		json_object_object_add(o, "data",
		    json_object_new_string_len(p, (int)len));
	log_obj(o);
	*out = p;
	*outlen = (size_t)len;
	return op;
}

/* The next text request from the client (its JSON, owned), answering
 * pongs and closes on the way; NULL at the end. */
static json_object *
recv_req(int fd)
{
	char *p;
	size_t n;
	int op;
	json_object *j;

	for (;;) {
		op = recv_frame(fd, &p, &n);
		if (op == -1)
			return NULL;
		if (op == 8) {
			send_frame(fd, 1, 8, p, n >= 2 ? 2 : 0);
			free(p);
			return NULL;
		}
		if (op != 1) {
			free(p);
			continue;
		}
		j = json_tokener_parse(p);
		free(p);
		if (j != NULL)
			return j;
	}
}

static const char *
str(json_object *o, const char *a, const char *b)
{
	json_object *v;

	if (!json_object_object_get_ex(o, a, &v))
		return NULL;
	if (b != NULL && !json_object_object_get_ex(v, b, &v))
		return NULL;
	return json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : NULL;
}

static void
answer(int fd, const char *id, const char *rest)
{
	char *s;
	size_t n = strlen(rest) + strlen(id) + 64;

	s = malloc(n);
	if (s == NULL)
		die("out of memory");
	snprintf(s, n, "{\"type\":\"res\",\"id\":\"%s\",%s}", id, rest);
	noise(fd);
	send_text(fd, s);
	free(s);
}

static void
hello(int fd, const char *id)
{
	char *s, *pad;
	size_t n, padn = extras ? 100 * 1024 : 16, a, b;

	pad = malloc(padn + 1);
	if (pad == NULL)
		die("out of memory");
	memset(pad, 'x', padn);
	pad[padn] = '\0';
	n = padn + 512;
	s = malloc(n);
	if (s == NULL)
		die("out of memory");
	snprintf(s, n, "{\"type\":\"res\",\"id\":\"%s\",\"ok\":true,"
	    "\"payload\":{\"type\":\"hello-ok\",\"protocol\":4,\"server\":"
	    "{\"version\":\"fake\",\"connId\":\"c-%d\"},\"features\":"
	    "{\"methods\":[]},\"snapshot\":{\"pad\":\"%s\"},\"auth\":{\"role\":"
	    "\"operator\",\"scopes\":[\"operator.admin\"]},\"policy\":{}}}",
	    id, conn_no, pad);
	free(pad);
	noise(fd);
	if (!extras)
		send_text(fd, s);
	else {
		/* three fragments, a ping between them */
		n = strlen(s);
		a = n / 3;
		b = 2 * n / 3;
		send_frame(fd, 0, 1, s, a);
		send_frame(fd, 1, 9, "ping-2", 6);
		send_frame(fd, 0, 0, s + a, b - a);
		send_frame(fd, 1, 0, s + b, n - b);
	}
	free(s);
}

static void
serve(int fd, const char *beh)
{
	char head[16384], accept_key[29], key[128], line[256], *e, *p;
	size_t hl = 0;
	ssize_t r;
	json_object *o, *hd, *req;
	const char *method, *id, *tok;

	/* the upgrade request */
	while ((e = memmem(head, hl, "\r\n\r\n", 4)) == NULL) {
		if (hl >= sizeof head - 1)
			return;
		r = read(fd, head + hl, sizeof head - 1 - hl);
		if (r <= 0)
			return;
		hl += (size_t)r;
	}
	*e = '\0';
	o = json_object_new_object();
	hd = json_object_new_object();
	key[0] = '\0';
	json_object_object_add(o, "kind", json_object_new_string("http"));
	p = strstr(head, "\r\n");
	snprintf(line, sizeof line, "%.*s", p ? (int)(p - head) : 0, head);
	json_object_object_add(o, "line", json_object_new_string(line));
	while (p != NULL) {
		char *ln = p + 2, *end = strstr(ln, "\r\n"), *c, *k;

		if (end != NULL)
			*end = '\0';
		if ((c = strchr(ln, ':')) != NULL) {
			*c = '\0';
			for (k = ln; *k; k++)
				*k = (char)tolower((unsigned char)*k);
			for (c++; *c == ' '; c++)
				;
			json_object_object_add(hd, ln, json_object_new_string(c));
			if (strcmp(ln, "sec-websocket-key") == 0)
				snprintf(key, sizeof key, "%s", c);
		}
		p = end;
	}
	json_object_object_add(o, "headers", hd);
	log_obj(o);

	if (strcmp(beh, "hang") == 0) {
		char c;

		while (read(fd, &c, 1) > 0)
			;
		return;
	}
	if (strcmp(beh, "close-upgrade") == 0)
		return;
	if (strcmp(beh, "http404") == 0) {
		const char *nf = "HTTP/1.1 404 Not Found\r\nContent-Length: 0"
		    "\r\nConnection: close\r\n\r\n";

		writeall(fd, nf, strlen(nf));
		return;
	}
	oc_ws_accept_key(key, accept_key);
	if (strcmp(beh, "bad-accept") == 0)
		accept_key[0] = accept_key[0] == 'A' ? 'B' : 'A';
	snprintf(head, sizeof head, "HTTP/1.1 101 Switching Protocols\r\n"
	    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
	    "Sec-WebSocket-Accept: %s\r\n\r\n", accept_key);
	/* the challenge in the same write as the head, as a busy server
	 * may send it */
	{
		const char *ch = "{\"type\":\"event\",\"event\":"
		    "\"connect.challenge\",\"payload\":{\"nonce\":"
		    "\"5b3c1c3e-0000-4000-8000-000000000000\",\"ts\":1,"
		    "\"capabilities\":[]}}";
		size_t n = strlen(head), cl = strlen(ch);

		head[n++] = (char)0x81;
		if (cl < 126)
			head[n++] = (char)cl;
		else {
			head[n++] = 126;
			head[n++] = (char)(cl >> 8);
			head[n++] = (char)cl;
		}
		memcpy(head + n, ch, cl);
		writeall(fd, head, n + cl);
	}

	/* connect */
	if ((req = recv_req(fd)) == NULL)
		return;
	id = str(req, "id", NULL);
	if (id == NULL)
		id = "?";
	if (strcmp(beh, "close-connect") == 0) {
		json_object_put(req);
		return;
	}
	if (strcmp(beh, "close1008") == 0) {
		const char c[] = "\x03\xf0unauthorized: gateway token mismatch";

		send_frame(fd, 1, 8, c, sizeof c - 1);
		json_object_put(req);
		return;
	}
	if (strcmp(beh, "unavailable") == 0) {
		answer(fd, id, "\"ok\":false,\"error\":{\"code\":\"UNAVAILABLE\","
		    "\"message\":\"gateway starting\",\"retryable\":true,"
		    "\"retryAfterMs\":200,\"details\":{\"reason\":"
		    "\"startup-sidecars\"}}");
		json_object_put(req);
		return;
	}
	{
		json_object *params = NULL;

		json_object_object_get_ex(req, "params", &params);
		tok = str(params, "auth", "token");
		if (tok == NULL)
			tok = str(params, "auth", "password");
	}
	if (strcmp(beh, "auth-echo") == 0 ||
	    (secret != NULL && (tok == NULL || strcmp(tok, secret) != 0))) {
		char *m;
		size_t n = 256 + (tok ? strlen(tok) : 0);

		m = malloc(n);
		if (m == NULL)
			die("out of memory");
		snprintf(m, n, "\"ok\":false,\"error\":{\"code\":"
		    "\"INVALID_REQUEST\",\"message\":\"unauthorized: gateway "
		    "token mismatch%s%s\",\"details\":{\"code\":"
		    "\"AUTH_TOKEN_MISMATCH\",\"recommendedNextStep\":"
		    "\"update_auth_credentials\"}}",
		    strcmp(beh, "auth-echo") == 0 ? ": got " : "",
		    strcmp(beh, "auth-echo") == 0 && tok ? tok : "");
		answer(fd, id, m);
		free(m);
		send_frame(fd, 1, 8, "\x03\xf0", 2);
		json_object_put(req);
		return;
	}
	hello(fd, id);
	json_object_put(req);

	/* the calls */
	while ((req = recv_req(fd)) != NULL) {
		method = str(req, "method", NULL);
		id = str(req, "id", NULL);
		if (method == NULL || id == NULL) {
			json_object_put(req);
			continue;
		}
		if (strcmp(beh, "hang-call") == 0) {
			json_object_put(req);
			continue;
		}
		if (strcmp(method, "models.authRefresh") == 0 &&
		    strcmp(beh, "ok") == 0)
			answer(fd, id, "\"ok\":true,\"payload\":"
			    "{\"refreshed\":true}");
		else if (strcmp(method, "models.authRefresh") == 0 &&
		    strcmp(beh, "call-error") == 0)
			answer(fd, id, "\"ok\":false,\"error\":{\"code\":"
			    "\"INVALID_REQUEST\",\"message\":\"unknown agent "
			    "id \\\"x\\\"\",\"details\":{\"code\":"
			    "\"UNKNOWN_AGENT_ID\"}}");
		else if (strcmp(method, "models.authRefresh") == 0 &&
		    strcmp(beh, "not-refreshed") == 0)
			answer(fd, id, "\"ok\":true,\"payload\":{}");
		else if (strcmp(method, "models.authRefresh") == 0 &&
		    strcmp(beh, "forbidden") == 0)
			answer(fd, id, "\"ok\":false,\"error\":{\"code\":"
			    "\"FORBIDDEN\",\"message\":\"missing scope: "
			    "operator.admin\",\"details\":{\"code\":"
			    "\"MISSING_SCOPE\"}}");
		else if (strcmp(method, "models.authStatus") == 0 &&
		    strcmp(beh, "ancient") != 0)
			answer(fd, id, "\"ok\":true,\"payload\":{\"ts\":1,"
			    "\"providers\":[]}");
		else {
			char m[256];

			snprintf(m, sizeof m, "\"ok\":false,\"error\":{\"code\":"
			    "\"INVALID_REQUEST\",\"message\":\"unknown method: "
			    "%.100s\"}", method);
			answer(fd, id, m);
		}
		json_object_put(req);
	}
}

static void
usage(void)
{
	fprintf(stderr, "usage: fake-ws -b behaviour[,...] -l log -p portfile "
	    "[-S secretfile] [-x] [-t seconds]\n       fake-ws -k key\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	const char *lpath = NULL, *ppath = NULL;
	char *behs = NULL, *list[32], *tok, *save = NULL, tmp[4096], num[32];
	int c, s, one = 1, nb = 0, pf, n;
	long limit = 60;
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	struct sigaction act;
	struct timeval tv = { 20, 0 };

	while ((c = getopt(argc, argv, "b:l:p:S:xt:k:")) != -1) {
		switch (c) {
		case 'b': behs = optarg; break;
		case 'l': lpath = optarg; break;
		case 'p': ppath = optarg; break;
		case 'S': {
			static char sb[4096];
			FILE *f = fopen(optarg, "r");
			size_t n2;

			if (f == NULL)
				die("%s: %s", optarg, strerror(errno));
			n2 = fread(sb, 1, sizeof sb - 1, f);
			fclose(f);
			while (n2 > 0 && (sb[n2 - 1] == '\n' || sb[n2 - 1] == '\r'))
				n2--;
			sb[n2] = '\0';
			secret = sb;
			break;
		}
		case 'x': extras = 1; break;
		case 't': limit = atol(optarg); break;
		case 'k': {
			char out[29];

			oc_ws_accept_key(optarg, out);
			printf("%s\n", out);
			return 0;
		}
		default: usage();
		}
	}
	if (behs == NULL || lpath == NULL || ppath == NULL || optind != argc ||
	    limit <= 0)
		usage();
	for (tok = strtok_r(behs, ",", &save); tok != NULL && nb < 32;
	    tok = strtok_r(NULL, ",", &save))
		list[nb++] = tok;
	if (nb == 0)
		usage();
	logfd = open(lpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (logfd < 0)
		die("%s: %s", lpath, strerror(errno));
	memset(&act, 0, sizeof act);
	act.sa_handler = on_term;
	sigaction(SIGTERM, &act, NULL);
	sigaction(SIGALRM, &act, NULL);
	signal(SIGPIPE, SIG_IGN);
	alarm((unsigned)limit);

	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		die("socket: %s", strerror(errno));
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&sa, sizeof sa) < 0)
		die("bind 127.0.0.1: %s", strerror(errno));
	if (listen(s, 16) < 0)
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
		int fd = accept(s, NULL, NULL);

		if (fd < 0) {
			if (errno == EINTR)
				continue;
			die("accept: %s", strerror(errno));
		}
		/* a client that stops talking does not hold the server */
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		/* frames go out as header and payload: no Nagle delay */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		conn_no++;
		serve(fd, list[conn_no - 1 < nb ? conn_no - 1 : nb - 1]);
		close(fd);
	}
}
