/* SPDX-License-Identifier: ISC */
/*
 * ws.c - the client half of RFC 6455 WebSocket, just enough to make one RPC
 * to OpenClaw's gateway: plain TCP to 127.0.0.1 (no other address can be
 * named, so a remote host is never contacted), the HTTP upgrade, text
 * messages out (masked) and in (reassembled from fragments; pings answered),
 * and the closing handshake. Every wait is bounded by one deadline on the
 * monotonic clock, so a gateway that hangs costs at most the caller's
 * budget. No TLS, no extensions (the gateway negotiates none), no libcurl.
 *
 * The messages may hold a secret (the gateway token is in the connect
 * request): every buffer is an oc_buf, which wipes when freed.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#ifdef HAVE_GETRANDOM
#include <sys/random.h>
#endif

#include "oc.h"

#define WS_HEAD_MAX	(16 * 1024)
#define WS_GUID		"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0	/* SO_NOSIGPIPE is set on the socket instead */
#endif

/* ---- SHA-1 (FIPS 180-4), for Sec-WebSocket-Accept only ---- */

static uint32_t
rol(uint32_t x, int n)
{
	return (x << n) | (x >> (32 - n));
}

static void
sha1_block(uint32_t h[5], const unsigned char *p)
{
	uint32_t w[80], a, b, c, d, e, f, k, t;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (i = 16; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
	for (i = 0; i < 80; i++) {
		if (i < 20)
			f = (b & c) | (~b & d), k = 0x5A827999;
		else if (i < 40)
			f = b ^ c ^ d, k = 0x6ED9EBA1;
		else if (i < 60)
			f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDC;
		else
			f = b ^ c ^ d, k = 0xCA62C1D6;
		t = rol(a, 5) + f + e + k + w[i];
		e = d, d = c, c = rol(b, 30), b = a, a = t;
	}
	h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
}

static void
sha1(const void *data, size_t len, unsigned char out[20])
{
	uint32_t h[5] = { 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476,
	    0xC3D2E1F0 };
	const unsigned char *p = data;
	unsigned char tail[128];
	size_t rest, i, n;
	uint64_t bits = (uint64_t)len * 8;

	for (; len >= 64; p += 64, len -= 64)
		sha1_block(h, p);
	rest = len;
	memset(tail, 0, sizeof tail);
	memcpy(tail, p, rest);
	tail[rest] = 0x80;
	n = rest + 1 + 8 <= 64 ? 64 : 128;
	for (i = 0; i < 8; i++)
		tail[n - 1 - i] = (unsigned char)(bits >> (8 * i));
	sha1_block(h, tail);
	if (n == 128)
		sha1_block(h, tail + 64);
	for (i = 0; i < 20; i++)
		out[i] = (unsigned char)(h[i / 4] >> (24 - 8 * (i % 4)));
}

static void
b64_encode(const unsigned char *in, size_t n, char *out)
{
	static const char al[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;
	unsigned v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
		*out++ = al[v >> 18];
		*out++ = al[(v >> 12) & 63];
		*out++ = al[(v >> 6) & 63];
		*out++ = al[v & 63];
	}
	if (i < n) {
		v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 :
		    0);
		*out++ = al[v >> 18];
		*out++ = al[(v >> 12) & 63];
		*out++ = i + 1 < n ? al[(v >> 6) & 63] : '=';
		*out++ = '=';
	}
	*out = '\0';
}

void
oc_ws_accept_key(const char *key, char out[29])
{
	struct oc_buf b = { 0 };
	unsigned char d[20];

	oc_buf_adds(&b, key);
	oc_buf_adds(&b, WS_GUID);
	sha1(b.data, b.len, d);
	oc_buf_free(&b);
	b64_encode(d, sizeof d, out);
}

/* Random bytes for the key and the masks. The masks only keep proxies from
 * being confused (RFC 6455 §10.3), so a weak fallback is no risk here. */
static void
random_bytes(unsigned char *p, size_t n)
{
	size_t got = 0;
	int fd;

#ifdef HAVE_GETRANDOM
	while (got < n) {
		ssize_t r = getrandom(p + got, n - got, 0);

		if (r <= 0)
			break;
		got += (size_t)r;
	}
#endif
	if (got < n && (fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) >= 0) {
		while (got < n) {
			ssize_t r = read(fd, p + got, n - got);

			if (r <= 0)
				break;
			got += (size_t)r;
		}
		close(fd);
	}
	for (; got < n; got++)
		p[got] = (unsigned char)(rand() ^ (int)oc_time_mono_ms());
}

/* ---- the socket, under the deadline ---- */

void
oc_ws_init(struct oc_ws *ws, int64_t deadline)
{
	memset(ws, 0, sizeof *ws);
	ws->fd = -1;
	ws->deadline = deadline;
}

/* Wait for events on the socket until the deadline: 1 ready, 0 timed out,
 * -1 error (errno). */
static int
wait_fd(struct oc_ws *ws, short events)
{
	struct pollfd pfd;
	int64_t left;
	int r;

	for (;;) {
		left = ws->deadline - oc_time_mono_ms();
		if (left <= 0)
			return 0;
		pfd.fd = ws->fd;
		pfd.events = events;
		pfd.revents = 0;
		r = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r > 0)
			return 1;
	}
}

enum oc_ws_status
oc_ws_open(struct oc_ws *ws, int port, char *msg, size_t sz)
{
	struct sockaddr_in sa;
	socklen_t len;
	int fd, e = 0, one = 1;

	if (port <= 0 || port > 65535) {
		snprintf(msg, sz, "port %d is not a TCP port", port);
		return OC_WS_ERROR;
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd == -1) {
		snprintf(msg, sz, "socket: %s", strerror(errno));
		return OC_WS_ERROR;
	}
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
#ifdef SO_NOSIGPIPE
	(void)setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
	/* small request, small replies: do not wait for Nagle */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	ws->fd = fd;
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0)
		return OC_WS_OK;
	if (errno != EINPROGRESS && errno != EINTR)
		e = errno;
	else {
		int r = wait_fd(ws, POLLOUT);

		if (r == 0) {
			snprintf(msg, sz, "no TCP connection to 127.0.0.1:%d "
			    "within the time allowed", port);
			return OC_WS_TIMEOUT;
		}
		len = sizeof e;
		if (r < 0)
			e = errno;
		else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) == -1)
			e = errno;
	}
	if (e == 0)
		return OC_WS_OK;
	snprintf(msg, sz, "127.0.0.1:%d: %s", port, strerror(e));
	return e == ECONNREFUSED ? OC_WS_REFUSED : OC_WS_ERROR;
}

static enum oc_ws_status
send_all(struct oc_ws *ws, const char *p, size_t n, char *msg, size_t sz)
{
	ssize_t w;
	int r;

	while (n > 0) {
		w = send(ws->fd, p, n, MSG_NOSIGNAL);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if ((r = wait_fd(ws, POLLOUT)) == 0) {
				snprintf(msg, sz, "timed out sending to the "
				    "gateway");
				return OC_WS_TIMEOUT;
			}
			if (r > 0)
				continue;
		}
		snprintf(msg, sz, "sending to the gateway: %s",
		    w < 0 ? strerror(errno) : "nothing written");
		return OC_WS_ERROR;
	}
	return OC_WS_OK;
}

/* Read what is there (at least one byte) into ws->in. */
static enum oc_ws_status
fill(struct oc_ws *ws, char *msg, size_t sz)
{
	char buf[16384];
	ssize_t r;
	int w;

	for (;;) {
		r = recv(ws->fd, buf, sizeof buf, 0);
		if (r > 0) {
			oc_buf_add(&ws->in, buf, (size_t)r);
			oc_secret_wipe(buf, (size_t)r);
			return OC_WS_OK;
		}
		if (r == 0) {
			snprintf(msg, sz, "the gateway closed the connection");
			return OC_WS_CLOSED;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			snprintf(msg, sz, "reading from the gateway: %s",
			    strerror(errno));
			return errno == ECONNRESET ? OC_WS_CLOSED : OC_WS_ERROR;
		}
		if ((w = wait_fd(ws, POLLIN)) == 0) {
			snprintf(msg, sz, "no answer from the gateway within "
			    "the time allowed");
			return OC_WS_TIMEOUT;
		}
		if (w < 0) {
			snprintf(msg, sz, "poll: %s", strerror(errno));
			return OC_WS_ERROR;
		}
	}
}

/* Drop the first n bytes of ws->in. */
static void
consume(struct oc_ws *ws, size_t n)
{
	oc_secret_wipe(ws->in.data, n);
	memmove(ws->in.data, ws->in.data + n, ws->in.len - n);
	ws->in.len -= n;
	ws->in.data[ws->in.len] = '\0';
}

/* The value of header name in an HTTP head (lines after the first), into
 * buf; 0 when absent. */
static int
header(const char *head, const char *name, char *buf, size_t sz)
{
	const char *p = strstr(head, "\r\n"), *v, *e;
	size_t n = strlen(name);

	while (p != NULL && p[2] != '\0') {
		p += 2;
		e = strstr(p, "\r\n");
		if (e == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) > n && p[n] == ':' &&
		    strncasecmp(p, name, n) == 0) {
			v = p + n + 1;
			while (v < e && (*v == ' ' || *v == '\t'))
				v++;
			while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
			snprintf(buf, sz, "%.*s", (int)(e - v), v);
			return 1;
		}
		p = strstr(p, "\r\n");
	}
	return 0;
}

/* s holds word as a comma-separated token, case-insensitively. */
static int
has_token(const char *s, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = s; *p != '\0';) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (strncasecmp(p, word, n) == 0 && (p[n] == '\0' ||
		    p[n] == ',' || p[n] == ' ' || p[n] == '\t'))
			return 1;
		while (*p != '\0' && *p != ',')
			p++;
	}
	return 0;
}

enum oc_ws_status
oc_ws_upgrade(struct oc_ws *ws, int port, const char *path,
    const char *user_agent, char *msg, size_t sz)
{
	unsigned char nonce[16];
	char key[25], want[29], got[128], *end;
	struct oc_buf req = { 0 };
	enum oc_ws_status st;
	size_t headlen;
	int status;

	random_bytes(nonce, sizeof nonce);
	b64_encode(nonce, sizeof nonce, key);
	oc_ws_accept_key(key, want);
	oc_buf_addf(&req, "GET %s HTTP/1.1\r\n"
	    "Host: 127.0.0.1:%d\r\n"
	    "Upgrade: websocket\r\n"
	    "Connection: Upgrade\r\n"
	    "Sec-WebSocket-Key: %s\r\n"
	    "Sec-WebSocket-Version: 13\r\n"
	    "User-Agent: %s\r\n"
	    "\r\n", path, port, key, user_agent);
	st = send_all(ws, req.data, req.len, msg, sz);
	oc_buf_free(&req);
	if (st != OC_WS_OK)
		return st;
	while ((end = strstr(ws->in.data ? ws->in.data : "", "\r\n\r\n")) ==
	    NULL) {
		if (ws->in.len > WS_HEAD_MAX) {
			snprintf(msg, sz, "the answer to the WebSocket upgrade "
			    "has no end of header");
			return OC_WS_PROTOCOL;
		}
		if ((st = fill(ws, msg, sz)) != OC_WS_OK) {
			if (st == OC_WS_CLOSED)
				snprintf(msg, sz, "the gateway closed the "
				    "connection before answering the "
				    "WebSocket upgrade");
			return st;
		}
	}
	headlen = (size_t)(end - ws->in.data) + 4;
	end[2] = '\0';	/* the head, each line ending in CRLF */
	if (sscanf(ws->in.data, "HTTP/1.%*d %d", &status) != 1) {
		snprintf(msg, sz, "127.0.0.1:%d does not speak HTTP", port);
		return OC_WS_PROTOCOL;
	}
	if (status != 101) {
		snprintf(msg, sz, "the WebSocket upgrade was answered with "
		    "HTTP %d", status);
		return OC_WS_PROTOCOL;
	}
	if (!header(ws->in.data, "Upgrade", got, sizeof got) ||
	    strcasecmp(got, "websocket") != 0 ||
	    !header(ws->in.data, "Connection", got, sizeof got) ||
	    !has_token(got, "upgrade")) {
		snprintf(msg, sz, "the answer to the WebSocket upgrade lacks "
		    "Upgrade: websocket");
		return OC_WS_PROTOCOL;
	}
	if (!header(ws->in.data, "Sec-WebSocket-Accept", got, sizeof got) ||
	    strcmp(got, want) != 0) {
		snprintf(msg, sz, "the gateway's Sec-WebSocket-Accept does not "
		    "match the key sent");
		return OC_WS_PROTOCOL;
	}
	if (header(ws->in.data, "Sec-WebSocket-Extensions", got, sizeof got)) {
		snprintf(msg, sz, "the gateway chose an extension (%s) that "
		    "was not offered", got);
		return OC_WS_PROTOCOL;
	}
	end[2] = '\r';
	/* The first frames may have come in with the head. */
	consume(ws, headlen);
	ws->upgraded = 1;
	return OC_WS_OK;
}

/* One masked frame from the client. */
static enum oc_ws_status
send_frame(struct oc_ws *ws, int opcode, const char *p, size_t n, char *msg,
    size_t sz)
{
	struct oc_buf f = { 0 };
	unsigned char hd[14], mask[4];
	size_t hl = 0, i;
	enum oc_ws_status st;

	hd[hl++] = (unsigned char)(0x80 | opcode);
	if (n < 126)
		hd[hl++] = (unsigned char)(0x80 | n);
	else if (n <= 0xffff) {
		hd[hl++] = 0x80 | 126;
		hd[hl++] = (unsigned char)(n >> 8);
		hd[hl++] = (unsigned char)n;
	} else {
		hd[hl++] = 0x80 | 127;
		for (i = 0; i < 8; i++)
			hd[hl++] = (unsigned char)((uint64_t)n >> (56 - 8 * i));
	}
	random_bytes(mask, sizeof mask);
	memcpy(hd + hl, mask, 4);
	hl += 4;
	oc_buf_add(&f, hd, hl);
	oc_buf_add(&f, p, n);
	for (i = 0; i < n; i++)
		f.data[hl + i] ^= (char)mask[i % 4];
	st = send_all(ws, f.data, f.len, msg, sz);
	oc_buf_free(&f);
	return st;
}

enum oc_ws_status
oc_ws_send_text(struct oc_ws *ws, const char *p, size_t n, char *msg,
    size_t sz)
{
	return send_frame(ws, 0x1, p, n, msg, sz);
}

enum oc_ws_status
oc_ws_recv_text(struct oc_ws *ws, struct oc_buf *out, size_t max, char *msg,
    size_t sz)
{
	struct oc_buf frag = { 0 };
	int in_msg = 0;
	enum oc_ws_status st;

	for (;;) {
		const unsigned char *h = (const unsigned char *)ws->in.data;
		uint64_t len;
		size_t hl = 2, i;
		int fin, op;

		if (ws->in.len < 2 || (hl = 2 + ((h[1] & 0x7f) == 126 ? 2 :
		    (h[1] & 0x7f) == 127 ? 8 : 0)) > ws->in.len) {
			if ((st = fill(ws, msg, sz)) != OC_WS_OK)
				goto fail;
			continue;
		}
		fin = h[0] & 0x80;
		op = h[0] & 0x0f;
		if (h[0] & 0x70) {
			snprintf(msg, sz, "the gateway sent a frame with "
			    "reserved bits set");
			st = OC_WS_PROTOCOL;
			goto fail;
		}
		if (h[1] & 0x80) {
			snprintf(msg, sz, "the gateway sent a masked frame");
			st = OC_WS_PROTOCOL;
			goto fail;
		}
		len = h[1] & 0x7f;
		if (len == 126)
			len = (uint64_t)h[2] << 8 | h[3];
		else if (len == 127)
			for (len = 0, i = 0; i < 8; i++)
				len = len << 8 | h[2 + i];
		if (len > max || frag.len + len > max) {
			snprintf(msg, sz, "the gateway sent a message larger "
			    "than %zu bytes", max);
			st = OC_WS_PROTOCOL;
			goto fail;
		}
		if (ws->in.len < hl + len) {
			if ((st = fill(ws, msg, sz)) != OC_WS_OK)
				goto fail;
			continue;
		}
		if (op >= 0x8 && (!fin || len > 125)) {
			snprintf(msg, sz, "the gateway sent a fragmented or "
			    "long control frame");
			st = OC_WS_PROTOCOL;
			goto fail;
		}
		switch (op) {
		case 0x8: {	/* close: answer it, then report */
			const unsigned char *pl = h + hl;

			ws->close_code = len >= 2 ? pl[0] << 8 | pl[1] : 1005;
			snprintf(ws->close_reason, sizeof ws->close_reason,
			    "%.*s", len > 2 ? (int)len - 2 : 0,
			    (const char *)pl + 2);
			ws->peer_closed = 1;
			consume(ws, hl + (size_t)len);
			if (!ws->sent_close) {
				unsigned char c[2] = {
				    (unsigned char)(ws->close_code >> 8),
				    (unsigned char)ws->close_code };

				ws->sent_close = 1;
				(void)send_frame(ws, 0x8, (const char *)c,
				    ws->close_code == 1005 ? 0 : 2, msg, sz);
			}
			snprintf(msg, sz, "the gateway closed the WebSocket "
			    "(%d%s%s)", ws->close_code,
			    ws->close_reason[0] ? ": " : "", ws->close_reason);
			st = OC_WS_CLOSED;
			goto fail;
		}
		case 0x9:	/* ping: pong with its data */
			st = send_frame(ws, 0xA, (const char *)h + hl,
			    (size_t)len, msg, sz);
			consume(ws, hl + (size_t)len);
			if (st != OC_WS_OK)
				goto fail;
			continue;
		case 0xA:	/* pong: nothing asked for it */
			consume(ws, hl + (size_t)len);
			continue;
		case 0x1:
		case 0x0:
			if ((op == 0x1) == in_msg) {
				snprintf(msg, sz, "the gateway sent a %s",
				    in_msg ? "new message inside a fragmented "
				    "one" : "continuation of no message");
				st = OC_WS_PROTOCOL;
				goto fail;
			}
			in_msg = 1;
			oc_buf_add(&frag, h + hl, (size_t)len);
			consume(ws, hl + (size_t)len);
			if (!fin)
				continue;
			oc_buf_free(out);
			*out = frag;
			return OC_WS_OK;
		default:
			snprintf(msg, sz, "the gateway sent a frame of opcode "
			    "%d (only text is expected)", op);
			st = OC_WS_PROTOCOL;
			goto fail;
		}
	}
fail:
	oc_buf_free(&frag);
	return st;
}

void
oc_ws_close(struct oc_ws *ws)
{
	char msg[128];

	if (ws->fd == -1)
		goto out;
	if (ws->upgraded && !ws->sent_close && !ws->peer_closed) {
		static const char normal[2] = { 0x03, (char)0xe8 };	/* 1000 */
		int64_t d = oc_time_mono_ms() + 250;

		/* A short wait for the gateway's close, so it sees a clean
		 * end rather than a reset; never past the caller's deadline. */
		if (d < ws->deadline)
			ws->deadline = d;
		ws->sent_close = 1;
		if (send_frame(ws, 0x8, normal, 2, msg, sizeof msg) ==
		    OC_WS_OK) {
			struct oc_buf b = { 0 };

			while (oc_ws_recv_text(ws, &b, 1 << 20, msg,
			    sizeof msg) == OC_WS_OK)
				;	/* late answers and events */
			oc_buf_free(&b);
		}
	}
	close(ws->fd);
	ws->fd = -1;
out:
	oc_buf_free(&ws->in);
}
