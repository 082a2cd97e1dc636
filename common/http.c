/* SPDX-License-Identifier: ISC */
/*
 * http.c - HTTP for the commands without linking libcurl: the requests go
 * to the oc-http helper (libexec/oc-http.c, which documents the protocol)
 * as one JSON document on a pipe, and its JSON Lines come back on another.
 * Starting a process that links only json-c and spawning the helper when a
 * command actually talks to the network is cheaper than loading libcurl in
 * every command run from a timer. Secrets go through the pipe only: the
 * helper gets no arguments, and of our environment only what libcurl needs
 * (proxies, CA certificates), never the keys a .env file loaded.
 *
 * Both sides of the protocol live here: the client (oc_http_run) and the
 * helper's reading of the request document and of response header lines,
 * which libexec/oc-http.c calls and the fuzz harnesses link.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "oc.h"

#define HTTP_CONCURRENCY_MAX	64	/* the helper's limit */
#define HTTP_CONCURRENCY_DEF	8
#define HTTP_HEADERS_MAX	(256 * 1024)
#define HTTP_TIMEOUT_DEF	30000
#define HTTP_TIMEOUT_MAX	(10L * 60 * 1000)
/* The helper's own timeouts bound it; this only catches a helper that
 * hangs, on top of the worst case of every request running one after the
 * other. */
#define HTTP_SLACK_MS		5000
/* A result line holds at most 1 MiB of body, escaped (up to 6 bytes per
 * byte), plus headers. */
#define HTTP_LINE_MAX		(8u * 1024 * 1024)

/* CR, LF (or any control character but tab) in a header would let a
 * value smuggle in another header; a URL takes no spaces either. */
static int
has_ctl(const char *s, int no_space)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 1;
		if (no_space && (c == ' ' || c == '\t'))
			return 1;
	}
	return 0;
}

/* The request document, written by hand into a buffer we wipe rather than
 * through json-c objects, whose string copies would outlive the request
 * unwiped. Ids are the request indexes, so results map back by position
 * whatever ids the caller chose (even duplicates). */
static int
build_doc(struct oc_buf *b, const struct oc_http_req *reqs, size_t n,
    int conc, int64_t *budget_ms, struct oc_err *err)
{
	size_t i, k;

	*budget_ms = HTTP_SLACK_MS;
	oc_buf_addf(b, "{\"concurrency\":%d,\"requests\":[", conc);
	for (i = 0; i < n; i++) {
		const struct oc_http_req *r = &reqs[i];
		long t = r->timeout_ms;

		if (r->method == NULL || r->url == NULL ||
		    r->method[0] == '\0' || r->url[0] == '\0') {
			oc_err_set(err, OC_EX_USAGE, "HTTP request %zu has no "
			    "method or URL", i);
			return -1;
		}
		/* The helper refuses the whole document for one bad field;
		 * catch it here, per request, with a message that names the
		 * field and never its value (a header holds a key). */
		if (strspn(r->method, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") !=
		    strlen(r->method)) {
			oc_err_set(err, OC_EX_USAGE, "HTTP request %zu: bad "
			    "method", i);
			return -1;
		}
		if (has_ctl(r->url, 1)) {
			oc_err_set(err, OC_EX_DATAERR, "HTTP request %zu: the "
			    "URL contains a space or control character", i);
			return -1;
		}
		for (k = 0; r->headers != NULL && r->headers[k] != NULL; k++) {
			const char *h = r->headers[k];

			if (h[0] == ':' || strchr(h, ':') == NULL ||
			    has_ctl(h, 0)) {
				oc_err_set(err, OC_EX_DATAERR, "HTTP request "
				    "%zu: header %zu is not \"Name: value\" "
				    "on one line", i, k);
				return -1;
			}
		}
		if (t <= 0)
			t = HTTP_TIMEOUT_DEF;
		if (t > HTTP_TIMEOUT_MAX)
			t = HTTP_TIMEOUT_MAX;
		*budget_ms += t;
		oc_buf_addf(b, "%s{\"id\":\"%zu\",\"method\":", i ? "," : "", i);
		oc_json_write_string(b, r->method, strlen(r->method));
		oc_buf_adds(b, ",\"url\":");
		oc_json_write_string(b, r->url, strlen(r->url));
		oc_buf_adds(b, ",\"headers\":[");
		for (k = 0; r->headers != NULL && r->headers[k] != NULL; k++) {
			if (k)
				oc_buf_addc(b, ',');
			oc_json_write_string(b, r->headers[k], strlen(r->headers[k]));
		}
		oc_buf_adds(b, "],\"body\":");
		if (r->body != NULL)
			oc_json_write_string(b, r->body, r->body_len);
		else
			oc_buf_adds(b, "null");
		oc_buf_addf(b, ",\"timeoutMs\":%ld}", t);
	}
	oc_buf_adds(b, "]}\n");
	return 0;
}

/* The helper run: $OC_HTTP_HELPER when set and not empty, else
 * LIBEXECDIR/oc-http. Borrowed. */
static const char *
oc_http_helper_path(void)
{
	const char *p = getenv("OC_HTTP_HELPER");

	return p != NULL && *p != '\0' ? p : LIBEXECDIR "/oc-http";
}

/* What the helper may see of our environment: libcurl's proxy and CA
 * variables, PATH, and the sanitizers' options for test builds. Not
 * SSLKEYLOGFILE (it would write the TLS secrets out), and no keys. */
static const char *const helper_env[] = {
	"PATH", "LD_LIBRARY_PATH", "TMPDIR",
	"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
	"no_proxy", "NO_PROXY",
	"SSL_CERT_FILE", "SSL_CERT_DIR", "CURL_CA_BUNDLE", "CURL_SSL_BACKEND",
	"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS",
	NULL
};

static char *
body_dup(const char *s, size_t n)
{
	char *p = oc_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* One result line into its slot. 0, or -1 when the line is not a result
 * for one of our requests. */
int
oc_http_result_line(const char *line, size_t len, struct oc_http_res *res, size_t n,
    char *seen)
{
	json_object *o, *v;
	struct oc_err perr;
	const char *id, *s;
	char *end;
	unsigned long i;
	struct oc_http_res *r;
	int64_t num;

	if (oc_json_parse("result", line, len, &o, &perr) == -1)
		return -1;
	id = oc_json_get_str(o, "id");
	if (!json_object_is_type(o, json_type_object) || id == NULL ||
	    *id < '0' || *id > '9')
		goto bad;
	errno = 0;
	i = strtoul(id, &end, 10);
	if (errno != 0 || *end != '\0' || i >= n || seen[i])
		goto bad;
	seen[i] = 1;
	r = &res[i];
	if (oc_json_get_i64(o, "status", &num) == 1)
		r->status = (long)num;
	if (oc_json_get_i64(o, "elapsedMs", &num) == 1)
		r->elapsed_ms = (long)num;
	if ((s = oc_json_get_str(o, "error")) != NULL)
		r->error = oc_xstrdup(s);
	if (json_object_object_get_ex(o, "body", &v) &&
	    json_object_is_type(v, json_type_string)) {
		free(r->body);
		r->body = body_dup(json_object_get_string(v),
		    (size_t)json_object_get_string_len(v));
		/* bytes again: a NUL travels as \u0000 */
		r->body_len = oc_json_text_bytes(r->body,
		    (size_t)json_object_get_string_len(v));
	}
	if ((v = oc_json_get_obj(o, "headers")) != NULL) {
		/* take it over (the line's tree is released below) */
		json_object_get(v);
		json_object_object_del(o, "headers");
		oc_json_wipe_put(r->headers);
		r->headers = v;
	}
	oc_json_wipe_put(o);
	return 0;
bad:
	oc_json_wipe_put(o);
	return -1;
}

/* Count the result lines as they come, for a progress report. */
struct progress {
	const struct oc_http_opts *o;
	size_t done, n;
};

static void
count_lines(const char *buf, size_t len, void *arg)
{
	struct progress *p = arg;
	size_t before = p->done;
	const char *nl;

	while (len > 0 && (nl = memchr(buf, '\n', len)) != NULL) {
		p->done++;
		len -= (size_t)(nl - buf) + 1;
		buf = nl + 1;
	}
	if (p->done != before && p->done <= p->n)
		p->o->progress(p->done, p->n, p->o->arg);
}

int
oc_http_run(const struct oc_http_req *reqs, size_t n, int concurrency,
    struct oc_http_res **res, struct oc_err *err)
{
	struct oc_http_opts o;

	memset(&o, 0, sizeof o);
	o.concurrency = concurrency;
	return oc_http_run_opts(reqs, n, &o, res, err);
}

int
oc_http_run_opts(const struct oc_http_req *reqs, size_t n,
    const struct oc_http_opts *o, struct oc_http_res **res,
    struct oc_err *err)
{
	struct progress prog = { o, 0, n };
	int concurrency = o->concurrency, cut = 0;
	int64_t left = 0;
	struct oc_buf doc = { 0 }, out = { 0 };
	struct oc_http_res *rs;
	const char *path = oc_http_helper_path();
	char *argv[] = { (char *)(uintptr_t)path, NULL }, **env = NULL;
	struct oc_proc_spec sp;
	struct oc_proc_io io;
	struct oc_proc pr;
	struct oc_err perr;
	enum oc_proc_end end;
	int64_t budget;
	int status, rc = -1;
	char *seen = NULL;
	size_t i, pos;

	*res = NULL;
	rs = oc_xcalloc(n, sizeof *rs);
	for (i = 0; i < n; i++) {
		rs[i].id = oc_xstrdup(reqs[i].id != NULL ? reqs[i].id : "");
		rs[i].body = oc_xstrdup("");
		rs[i].headers = json_object_new_object();
	}
	if (n == 0) {
		*res = rs;
		return 0;
	}
	if (concurrency < 1)
		concurrency = 1;
	if (concurrency > HTTP_CONCURRENCY_MAX)
		concurrency = HTTP_CONCURRENCY_MAX;
	if (build_doc(&doc, reqs, n, concurrency, &budget, err) < 0)
		goto out;

	memset(&sp, 0, sizeof sp);
	sp.path = path;
	sp.argv = argv;
	sp.envp = env = oc_proc_env_only(helper_env);
	sp.in = OC_PROC_PIPE;
	sp.out = OC_PROC_PIPE;
	sp.err = OC_PROC_INHERIT;
	if (oc_proc_spawn(&pr, &sp, &perr) < 0) {
		oc_err_set(err, OC_EX_UNAVAILABLE, "cannot run the HTTP helper "
		    "%s: %s (install oc-tools completely, or point "
		    "OC_HTTP_HELPER at oc-http)", path, strerror(errno));
		goto out;
	}
	memset(&io, 0, sizeof io);
	io.in = doc.data;
	io.in_len = doc.len;
	io.out = &out;
	io.timeout_ms = budget;
	if (o->deadline > 0) {
		/* the caller's deadline ends the run: what came by then is
		 * kept, the rest is "deadline" */
		left = oc_time_mono_left(o->deadline);
		if (left < budget) {
			io.timeout_ms = left;
			cut = 1;
		}
	}
	if (o->progress != NULL) {
		io.on_out = count_lines;
		io.arg = &prog;
	}
	io.max_out = n * (size_t)HTTP_LINE_MAX + HTTP_LINE_MAX;
	end = oc_proc_run(&pr, &io, &status);
	if (end == OC_PROC_TIMEOUT && cut) {
		/* the helper was killed at the deadline: keep whole lines */
		while (out.len > 0 && out.data[out.len - 1] != '\n')
			out.data[--out.len] = '\0';
		status = 0;
		end = OC_PROC_EXITED;
	} else
		cut = 0;
	switch (end) {
	case OC_PROC_EXITED:
		break;
	case OC_PROC_TOOBIG:
		oc_err_set(err, OC_EX_UNAVAILABLE, "HTTP helper %s wrote too "
		    "much", path);
		goto out;
	case OC_PROC_FAILED:
		oc_err_set(err, OC_EX_UNAVAILABLE, "HTTP helper %s: poll: %s",
		    path, strerror(errno));
		goto out;
	default:
		oc_err_set(err, OC_EX_UNAVAILABLE, "HTTP helper %s did not "
		    "finish in time", path);
		goto out;
	}
	if (WIFSIGNALED(status)) {
		oc_err_set(err, OC_EX_UNAVAILABLE, "HTTP helper %s died of "
		    "signal %d", path, WTERMSIG(status));
		goto out;
	}
	if (WEXITSTATUS(status) != 0) {
		oc_err_set(err, OC_EX_UNAVAILABLE, "HTTP helper %s failed "
		    "(exit status %d)", path, WEXITSTATUS(status));
		goto out;
	}

	seen = oc_xcalloc(n, 1);
	for (pos = 0; pos < out.len; ) {
		char *nl = memchr(out.data + pos, '\n', out.len - pos);
		size_t len = (nl ? (size_t)(nl - out.data) : out.len) - pos;

		if (len > 0 && oc_http_result_line(out.data + pos, len, rs, n,
		    seen) < 0) {
			oc_err_set(err, OC_EX_UNAVAILABLE, "HTTP helper %s "
			    "wrote malformed output", path);
			goto out;
		}
		pos += len + 1;
	}
	for (i = 0; i < n; i++)
		if (!seen[i])
			rs[i].error = oc_xstrdup(cut ? OC_HTTP_DEADLINE :
			    "other: helper gave no result");
	*res = rs;
	rs = NULL;
	rc = 0;
out:
	oc_proc_env_free(env);
	free(seen);
	oc_buf_free(&doc);
	oc_buf_free(&out);
	oc_http_res_free(rs, n);
	return rc;
}

void
oc_http_res_free(struct oc_http_res *res, size_t n)
{
	size_t i;

	if (res == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(res[i].id);
		free(res[i].error);
		if (res[i].body != NULL) {
			oc_secret_wipe(res[i].body, res[i].body_len);
			free(res[i].body);
		}
		oc_json_wipe_put(res[i].headers);
	}
	free(res);
}

/* ---- the helper's side (libexec/oc-http.c) ---- */

/* Errors name the place, never the content: the document carries secrets.
 * Every error is OC_EX_USAGE, the helper's exit status for a bad input. */
static int
doc_int(json_object *o, const char *key, long def, long min, long max,
    long *out, const char *where, size_t idx, struct oc_err *err)
{
	json_object *v;
	int64_t n;

	*out = def;
	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_int)) {
		oc_err_set(err, OC_EX_USAGE, "%s%zu: \"%s\" is not an integer",
		    where, idx, key);
		return -1;
	}
	n = json_object_get_int64(v);
	if (n < min || n > max) {
		oc_err_set(err, OC_EX_USAGE, "%s%zu: \"%s\" out of range "
		    "%ld..%ld", where, idx, key, min, max);
		return -1;
	}
	*out = (long)n;
	return 0;
}

static int
doc_str(json_object *o, const char *key, int required, size_t idx,
    const char **out, struct oc_err *err)
{
	json_object *v;

	*out = NULL;
	if (!json_object_object_get_ex(o, key, &v) || v == NULL) {
		if (!required)
			return 0;
		oc_err_set(err, OC_EX_USAGE, "request %zu: \"%s\" missing", idx,
		    key);
		return -1;
	}
	if (!json_object_is_type(v, json_type_string)) {
		oc_err_set(err, OC_EX_USAGE, "request %zu: \"%s\" is not a "
		    "string", idx, key);
		return -1;
	}
	*out = json_object_get_string(v);
	return 0;
}

static int
doc_request(json_object *r, size_t idx, struct oc_http_req *x,
    const char ***hdrs, struct oc_err *err)
{
	json_object *h, *b;
	size_t i, n;
	long t;

	if (!json_object_is_type(r, json_type_object)) {
		oc_err_set(err, OC_EX_USAGE, "request %zu is not an object",
		    idx);
		return -1;
	}
	if (doc_str(r, "id", 1, idx, &x->id, err) == -1 ||
	    doc_str(r, "method", 1, idx, &x->method, err) == -1 ||
	    doc_str(r, "url", 1, idx, &x->url, err) == -1)
		return -1;
	if (x->method[0] == '\0' || strspn(x->method,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(x->method)) {
		oc_err_set(err, OC_EX_USAGE, "request %zu: \"method\" is not an "
		    "upper-case token", idx);
		return -1;
	}
	if (x->url[0] == '\0' || has_ctl(x->url, 1)) {
		oc_err_set(err, OC_EX_USAGE, "request %zu: \"url\" is empty or "
		    "has spaces or control characters", idx);
		return -1;
	}
	if (doc_int(r, "timeoutMs", HTTP_TIMEOUT_DEF, 1, HTTP_TIMEOUT_MAX, &t,
	    "request ", idx, err) == -1)
		return -1;
	x->timeout_ms = t;
	if (json_object_object_get_ex(r, "body", &b) && b != NULL) {
		if (!json_object_is_type(b, json_type_string)) {
			oc_err_set(err, OC_EX_USAGE, "request %zu: \"body\" is "
			    "not a string", idx);
			return -1;
		}
		/* A body is bytes: a NUL travels as \u0000 (json.c's C0 80),
		 * turned back here, in the document's own copy. */
		x->body = json_object_get_string(b);
		x->body_len = oc_json_text_bytes((char *)(uintptr_t)x->body,
		    (size_t)json_object_get_string_len(b));
	}
	*hdrs = oc_xcalloc(1, sizeof **hdrs);
	if (json_object_object_get_ex(r, "headers", &h) && h != NULL) {
		if (!json_object_is_type(h, json_type_array)) {
			oc_err_set(err, OC_EX_USAGE, "request %zu: \"headers\" "
			    "is not an array", idx);
			return -1;
		}
		n = json_object_array_length(h);
		*hdrs = oc_xrealloc(*hdrs, (n + 1) * sizeof **hdrs);
		for (i = 0; i < n; i++) {
			json_object *e = json_object_array_get_idx(h, i);
			const char *s, *colon;

			(*hdrs)[i] = NULL;
			if (!json_object_is_type(e, json_type_string)) {
				oc_err_set(err, OC_EX_USAGE, "request %zu: "
				    "header %zu is not a string", idx, i);
				return -1;
			}
			s = json_object_get_string(e);
			/* CR or LF would let a value smuggle in another
			 * header or a second request; the internal form of
			 * U+0000 (C0 80) is no better. */
			if ((size_t)json_object_get_string_len(e) !=
			    strlen(s) || has_ctl(s, 0) ||
			    strstr(s, "\xc0\x80") != NULL) {
				oc_err_set(err, OC_EX_USAGE, "request %zu: "
				    "header %zu contains a line break or a "
				    "control character", idx, i);
				return -1;
			}
			colon = strchr(s, ':');
			if (colon == NULL || colon == s) {
				oc_err_set(err, OC_EX_USAGE, "request %zu: "
				    "header %zu is not \"Name: value\"", idx,
				    i);
				return -1;
			}
			(*hdrs)[i] = s;
			(*hdrs)[i + 1] = NULL;
		}
	}
	x->headers = *hdrs;
	return 0;
}

int
oc_http_doc_parse(const char *text, size_t len, struct oc_http_doc *d,
    struct oc_err *err)
{
	json_object *reqs;
	struct oc_err perr;
	size_t i;
	long conc;

	memset(d, 0, sizeof *d);
	if (len == 0) {
		oc_err_set(err, OC_EX_USAGE, "empty document");
		return -1;
	}
	if (oc_json_parse("document", text, len, &d->root, &perr) == -1) {
		/* the parser's message names a position, never text */
		oc_err_set(err, OC_EX_USAGE, "%s", perr.msg);
		return -1;
	}
	if (!json_object_is_type(d->root, json_type_object)) {
		oc_err_set(err, OC_EX_USAGE, "the document is not an object");
		goto fail;
	}
	if (!json_object_object_get_ex(d->root, "requests", &reqs) ||
	    !json_object_is_type(reqs, json_type_array)) {
		oc_err_set(err, OC_EX_USAGE, "\"requests\" is missing or not an "
		    "array");
		goto fail;
	}
	if (doc_int(d->root, "concurrency", HTTP_CONCURRENCY_DEF, 1,
	    HTTP_CONCURRENCY_MAX, &conc, "document", 0, err) == -1)
		goto fail;
	d->concurrency = (int)conc;
	d->n = json_object_array_length(reqs);
	d->reqs = oc_xcalloc(d->n, sizeof *d->reqs);
	d->hdrs = oc_xcalloc(d->n, sizeof *d->hdrs);
	for (i = 0; i < d->n; i++)
		if (doc_request(json_object_array_get_idx(reqs, i), i,
		    &d->reqs[i], &d->hdrs[i], err) == -1)
			goto fail;
	return 0;
fail:
	oc_http_doc_free(d);
	return -1;
}

void
oc_http_doc_free(struct oc_http_doc *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; d->hdrs != NULL && i < d->n; i++)
		free(d->hdrs[i]);
	free(d->hdrs);
	free(d->reqs);
	oc_json_wipe_put(d->root);
	memset(d, 0, sizeof *d);
}

/* An RFC 9110 token character (a header name). */
static int
tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || (c != '\0' && strchr("!#$%&'*+-.^_`|~",
	    c) != NULL);
}

void
oc_http_header_line(json_object **hdrs, size_t *total, const char *line,
    size_t n)
{
	const unsigned char *p = (const unsigned char *)line;
	const unsigned char *v;
	size_t nlen, vlen, i;
	char name[256];
	json_object *old;
	struct oc_buf j = { 0 };

	/* A status line starts a new header block: interim 1xx responses
	 * and a proxy's CONNECT answer come before the real one. */
	if (n >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		oc_json_wipe_put(*hdrs);
		*hdrs = json_object_new_object();
		*total = 0;
		return;
	}
	*total += n;
	if (*total > HTTP_HEADERS_MAX)
		return;		/* keep the transfer, drop the excess */
	/* The name: token characters up to the colon. Anything else (a NUL,
	 * a space, a folded line) is not a header we keep. */
	for (nlen = 0; nlen < n && tchar(p[nlen]); nlen++)
		;
	if (nlen == 0 || nlen >= n || p[nlen] != ':' || nlen >= sizeof name)
		return;
	v = p + nlen + 1;
	vlen = n - nlen - 1;
	while (vlen > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vlen--;
	}
	while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t' ||
	    v[vlen - 1] == '\r' || v[vlen - 1] == '\n'))
		vlen--;
	for (i = 0; i < vlen; i++)
		if ((v[i] < 0x20 && v[i] != '\t') || v[i] == 0x7f)
			return;
	for (i = 0; i < nlen; i++)
		name[i] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] - 'A' + 'a' :
		    p[i]);
	name[nlen] = '\0';
	if (json_object_object_get_ex(*hdrs, name, &old) && old != NULL) {
		oc_buf_add(&j, json_object_get_string(old),
		    (size_t)json_object_get_string_len(old));
		oc_buf_add(&j, ", ", 2);
	}
	oc_buf_add(&j, v, vlen);
	json_object_object_add(*hdrs, name, json_object_new_string_len(j.data,
	    (int)j.len));
	oc_buf_free(&j);
}
