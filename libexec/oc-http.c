/* SPDX-License-Identifier: ISC */
/*
 * oc-http - the oc-tools network helper: the only program of the suite that
 * links libcurl. Loading libcurl costs a process several milliseconds at
 * start, and the commands run from timers and $(...) many times a minute,
 * so they link only json-c and hand their requests to this program through
 * a pipe (common/http.c). Secrets (keys in headers, tokens in bodies)
 * therefore travel only on stdin, never in argv, and are never printed to
 * stderr.
 *
 * Protocol
 *
 *   oc-http reads ONE JSON object on stdin, all of it, before it opens any
 *   connection (so a writer that sends everything first cannot deadlock
 *   against our output):
 *
 *     {"concurrency": N,                       optional, default 8, 1..64
 *      "requests": [
 *        {"id": "...",                         string, echoed back
 *         "method": "GET",                     GET, POST, HEAD, PUT, ...
 *         "url": "https://...",                http or https only
 *         "headers": ["Name: value", ...],     optional
 *         "body": "..." | null,                optional; sent as is
 *         "timeoutMs": N}, ...]}               optional, default 30000
 *
 *   It runs at most `concurrency` transfers at once and writes one JSON
 *   line on stdout per request, in the order they complete:
 *
 *     {"id": "...", "status": N,               HTTP status, 0 if none
 *      "error": null | "timeout" | "connect" | "dns" | "tls" | "too_large"
 *               | "other: <libcurl message>",
 *      "headers": {"content-type": "...", ...},  names lower-cased; repeated
 *                                               headers joined with ", "
 *      "body": "...",                          "" when none or too_large
 *      "elapsedMs": N}                         from the transfer's start
 *
 *   A transfer that fails after the status line (a timeout while reading
 *   the body, too_large) has both a status and an error: the error wins.
 *
 *   Exit status: 0 when the input was processed (per-request failures are
 *   in the results), 64 when the input document is malformed (the message
 *   on stderr never quotes the input), 69 when libcurl cannot start, 71 on
 *   out-of-memory, 73 when stdout cannot be written (oc(7) EXIT STATUS).
 *
 * Transfer rules: TLS peer and host verification are always on; the proxy
 * environment (http_proxy, https_proxy, no_proxy) is honoured as libcurl
 * does by default; each transfer has CURLOPT_TIMEOUT_MS = timeoutMs and a
 * connect timeout of min(timeoutMs, 10 s); only http and https; redirects
 * are never followed, because following one would forward the credential
 * headers to wherever the Location points, and the callers must treat a
 * 3xx as an answer anyway. The response body is capped at 1 MiB (error
 * "too_large"). The User-Agent is oc-tools/<version> unless the request
 * carries its own User-Agent header. A body is sent with POST semantics
 * (Content-Length); libcurl's default Content-Type for it
 * (application/x-www-form-urlencoded) applies unless a header sets one, and
 * "Expect: 100-continue" is never sent.
 *
 * Both directions are read with liboc's strict parser and written with its
 * one JSON writer (common/json.c), and the helper's side of the protocol
 * (the document, response header lines) is in common/http.c. Bodies are
 * bytes: a NUL byte travels as \u0000, control characters are escaped, other
 * bytes (invalid UTF-8 included) are written unchanged; the one byte
 * sequence that does not survive the trip is C0 80, which is not UTF-8 and
 * arrives as a NUL.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "oc.h"

#define HTTP_BODY_MAX		(1024 * 1024)
#define HTTP_INPUT_MAX		(64 * 1024 * 1024)
#define HTTP_CONNECT_MAX	10000

struct xfer {
	const char *id;
	const char *method;
	const char *url;
	const char *body;	/* NULL: none */
	size_t body_len;
	long timeout_ms;
	struct curl_slist *hdrs;
	CURL *easy;
	struct oc_buf resp;
	size_t resp_len;	/* bytes received, also past the cap */
	json_object *rhdrs;	/* response headers */
	size_t rhdrs_len;
	int too_large;
	int64_t start_ms;
	char errbuf[CURL_ERROR_SIZE];
};

static void __attribute__((noreturn))
oom(void)
{
	fprintf(stderr, "%s: out of memory\n", oc_err_progname);
	exit(OC_EX_OSERR);
}

/* Input errors name the place, never the content: the document carries
 * secrets. */
static void __attribute__((noreturn, format(printf, 1, 2)))
bad_input(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: malformed input: ", oc_err_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(OC_EX_USAGE);
}

static void
slist_wipe_free(struct curl_slist *l)
{
	struct curl_slist *p;

	for (p = l; p != NULL; p = p->next)
		oc_secret_wipe(p->data, strlen(p->data));
	curl_slist_free_all(l);
}

static void
read_input(struct oc_buf *in, struct oc_http_doc *doc)
{
	struct oc_err err;
	char chunk[65536];
	ssize_t r;

	for (;;) {
		r = read(STDIN_FILENO, chunk, sizeof chunk);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			oc_secret_wipe(chunk, sizeof chunk);
			fprintf(stderr, "%s: stdin: %s\n", oc_err_progname,
			    strerror(errno));
			exit(OC_EX_USAGE);
		}
		if (r == 0)
			break;
		if (in->len + (size_t)r > HTTP_INPUT_MAX) {
			oc_secret_wipe(chunk, sizeof chunk);
			bad_input("larger than %d bytes", HTTP_INPUT_MAX);
		}
		oc_buf_add(in, chunk, (size_t)r);
	}
	oc_secret_wipe(chunk, sizeof chunk);
	if (oc_http_doc_parse(in->data ? in->data : "", in->len, doc,
	    &err) == -1)
		bad_input("%s", err.msg);
}

/* The transfer description of a checked request; libcurl handles are
 * made only when it starts. */
static void
take_request(const struct oc_http_req *r, struct xfer *x)
{
	size_t i;

	x->id = r->id;
	x->method = r->method;
	x->url = r->url;
	x->timeout_ms = r->timeout_ms;
	x->body = r->body;
	x->body_len = r->body_len;
	for (i = 0; r->headers != NULL && r->headers[i] != NULL; i++) {
		struct curl_slist *nl = curl_slist_append(x->hdrs,
		    r->headers[i]);

		if (nl == NULL)
			oom();
		x->hdrs = nl;
	}
	/* libcurl would wait for a 100 Continue before large bodies; servers
	 * that do not send one cost us a second per request. */
	if (x->body != NULL) {
		struct curl_slist *nl = curl_slist_append(x->hdrs, "Expect:");

		if (nl == NULL)
			oom();
		x->hdrs = nl;
	}
}

static size_t
on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb;

	x->resp_len += n;
	if (x->resp_len > HTTP_BODY_MAX) {
		x->too_large = 1;
		return 0;	/* aborts the transfer: CURLE_WRITE_ERROR */
	}
	oc_buf_add(&x->resp, p, n);
	return n;
}

static size_t
on_header(char *p, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb;

	oc_http_header_line(&x->rhdrs, &x->rhdrs_len, p, n);
	return n;
}

static void
setopt_fail(CURLcode c)
{
	/* Only an option libcurl was built without can fail here. */
	fprintf(stderr, "%s: libcurl: %s\n", oc_err_progname,
	    curl_easy_strerror(c));
	exit(OC_EX_UNAVAILABLE);
}

#define SETOPT(h, o, v) do {					\
	CURLcode c_ = curl_easy_setopt((h), (o), (v));		\
	if (c_ != CURLE_OK)					\
		setopt_fail(c_);				\
} while (0)

static void
xfer_start(CURLM *multi, struct xfer *x, const char *ua)
{
	long ct;

	x->easy = curl_easy_init();
	if (x->easy == NULL)
		oom();
	x->rhdrs = json_object_new_object();
	x->errbuf[0] = '\0';
	SETOPT(x->easy, CURLOPT_URL, x->url);
	SETOPT(x->easy, CURLOPT_ERRORBUFFER, x->errbuf);
	SETOPT(x->easy, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
	SETOPT(x->easy, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	SETOPT(x->easy, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP |
	    CURLPROTO_HTTPS));
#endif
	SETOPT(x->easy, CURLOPT_FOLLOWLOCATION, 0L);
	SETOPT(x->easy, CURLOPT_SSL_VERIFYPEER, 1L);
	SETOPT(x->easy, CURLOPT_SSL_VERIFYHOST, 2L);
	SETOPT(x->easy, CURLOPT_TIMEOUT_MS, x->timeout_ms);
	ct = x->timeout_ms < HTTP_CONNECT_MAX ? x->timeout_ms :
	    HTTP_CONNECT_MAX;
	SETOPT(x->easy, CURLOPT_CONNECTTIMEOUT_MS, ct);
	SETOPT(x->easy, CURLOPT_USERAGENT, ua);
	SETOPT(x->easy, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)HTTP_BODY_MAX);
	SETOPT(x->easy, CURLOPT_WRITEFUNCTION, on_body);
	SETOPT(x->easy, CURLOPT_WRITEDATA, x);
	SETOPT(x->easy, CURLOPT_HEADERFUNCTION, on_header);
	SETOPT(x->easy, CURLOPT_HEADERDATA, x);
	SETOPT(x->easy, CURLOPT_PRIVATE, x);
	if (x->hdrs != NULL)
		SETOPT(x->easy, CURLOPT_HTTPHEADER, x->hdrs);

	if (x->body != NULL) {
		/* POSTFIELDS, not COPYPOSTFIELDS: the body stays in the one
		 * buffer we wipe. */
		SETOPT(x->easy, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)x->body_len);
		SETOPT(x->easy, CURLOPT_POSTFIELDS, x->body);
		if (strcmp(x->method, "POST") != 0)
			SETOPT(x->easy, CURLOPT_CUSTOMREQUEST, x->method);
	} else if (strcmp(x->method, "GET") == 0) {
		SETOPT(x->easy, CURLOPT_HTTPGET, 1L);
	} else if (strcmp(x->method, "HEAD") == 0) {
		SETOPT(x->easy, CURLOPT_NOBODY, 1L);
	} else if (strcmp(x->method, "POST") == 0) {
		/* An empty POST still says Content-Length: 0. */
		SETOPT(x->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
		SETOPT(x->easy, CURLOPT_POSTFIELDS, "");
	} else {
		SETOPT(x->easy, CURLOPT_CUSTOMREQUEST, x->method);
	}
	x->start_ms = oc_time_mono_ms();
	if (curl_multi_add_handle(multi, x->easy) != CURLM_OK)
		oom();
}

static char *
error_dup(struct xfer *x, CURLcode c)
{
	switch (c) {
	case CURLE_OK:
		return NULL;
	case CURLE_OPERATION_TIMEDOUT:
		return oc_xstrdup("timeout");
	case CURLE_COULDNT_CONNECT:
		return oc_xstrdup("connect");
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return oc_xstrdup("dns");
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_USE_SSL_FAILED:
		return oc_xstrdup("tls");
	case CURLE_FILESIZE_EXCEEDED:
		return oc_xstrdup("too_large");
	case CURLE_WRITE_ERROR:
		if (x->too_large)
			return oc_xstrdup("too_large");
		break;
	default:
		break;
	}
	/* libcurl's messages name hosts and ports, never headers or bodies;
	 * a URL is not in them either. */
	return oc_xasprintf("other: %s", x->errbuf[0] != '\0' ? x->errbuf :
	    curl_easy_strerror(c));
}

static int
write_all(const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(STDOUT_FILENO, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void
emit(struct xfer *x, CURLcode c)
{
	json_object *o;
	struct oc_buf line = { 0 };
	long status = 0;
	char *e;
	int too_large;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	e = error_dup(x, c);
	too_large = e != NULL && strcmp(e, "too_large") == 0;
	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(x->id));
	json_object_object_add(o, "status", json_object_new_int64(status));
	json_object_object_add(o, "error", e ? json_object_new_string(e) :
	    NULL);
	json_object_object_add(o, "headers", x->rhdrs);
	x->rhdrs = NULL;
	json_object_object_add(o, "body", too_large || x->resp.data == NULL ?
	    json_object_new_string("") :
	    json_object_new_string_len(x->resp.data, (int)x->resp.len));
	json_object_object_add(o, "elapsedMs",
	    json_object_new_int64(oc_time_mono_ms() - x->start_ms));
	free(e);

	oc_json_dump(&line, o, 0);
	oc_buf_addc(&line, '\n');
	/* write(2), not stdio: no copy of the body left in a stdio buffer,
	 * and each line goes out as soon as its transfer is done. */
	if (write_all(line.data, line.len) < 0) {
		fprintf(stderr, "%s: stdout: %s\n", oc_err_progname,
		    strerror(errno));
		exit(OC_EX_CANTCREAT);
	}
	oc_buf_free(&line);
	oc_json_wipe_put(o);
	oc_buf_free(&x->resp);
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: %s < requests.json\n"
	    "oc-tools internal HTTP helper; see the protocol in "
	    "libexec/oc-http.c\n", oc_err_progname);
}

int
main(int argc, char *argv[])
{
	struct oc_buf in = { 0 };
	struct oc_http_doc doc;
	struct xfer *xs;
	size_t n, i, next = 0, active = 0, done = 0;
	int conc;
	CURLM *multi;
	char ua[64];

	oc_err_set_progname(argv[0]);
	if (argc == 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc == 2 && (strcmp(argv[1], "-V") == 0 ||
	    strcmp(argv[1], "--version") == 0)) {
		oc_out_version();
		return 0;
	}
	if (argc != 1) {
		usage(stderr);
		return OC_EX_USAGE;
	}
	/* A reader that went away is reported as an output error, not a
	 * silent death halfway through a line. */
	signal(SIGPIPE, SIG_IGN);

	read_input(&in, &doc);
	oc_buf_free(&in);
	conc = doc.concurrency;
	n = doc.n;
	xs = oc_xcalloc(n, sizeof *xs);
	for (i = 0; i < n; i++)
		take_request(&doc.reqs[i], &xs[i]);

	if (n == 0) {
		/* Nothing to fetch: skip libcurl's (TLS) initialisation. */
		free(xs);
		oc_http_doc_free(&doc);
		return 0;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "%s: libcurl initialisation failed\n",
		    oc_err_progname);
		return OC_EX_UNAVAILABLE;
	}
	snprintf(ua, sizeof ua, "oc-tools/%s", PACKAGE_VERSION);
	multi = curl_multi_init();
	if (multi == NULL)
		oom();

	while (done < n) {
		CURLMsg *m;
		int running, left, reaped = 0;
		CURLMcode mc;

		while (active < (size_t)conc && next < n) {
			xfer_start(multi, &xs[next++], ua);
			active++;
		}
		mc = curl_multi_perform(multi, &running);
		while (mc == CURLM_OK &&
		    (m = curl_multi_info_read(multi, &left)) != NULL) {
			struct xfer *x;
			char *priv = NULL;

			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
			    &priv);
			x = (struct xfer *)(void *)priv;
			emit(x, m->data.result);
			curl_multi_remove_handle(multi, x->easy);
			curl_easy_cleanup(x->easy);
			x->easy = NULL;
			active--;
			done++;
			reaped++;
		}
		/* Wait only when no slot was freed: a freed slot is filled
		 * at once. */
		if (mc == CURLM_OK && reaped == 0 && done < n)
			mc = curl_multi_poll(multi, NULL, 0, 1000, NULL);
		if (mc != CURLM_OK) {
			fprintf(stderr, "%s: libcurl: %s\n", oc_err_progname,
			    curl_multi_strerror(mc));
			return OC_EX_UNAVAILABLE;
		}
	}

	curl_multi_cleanup(multi);
	for (i = 0; i < n; i++)
		slist_wipe_free(xs[i].hdrs);
	free(xs);
	oc_http_doc_free(&doc);
	curl_global_cleanup();
	return 0;
}
