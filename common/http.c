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
#define HTTP_TIMEOUT_DEF	30000
#define HTTP_TIMEOUT_MAX	(10L * 60 * 1000)
/* The helper's own timeouts bound it; this only catches a helper that
 * hangs, on top of the worst case of every request running one after the
 * other. */
#define HTTP_SLACK_MS		5000
/* A result line holds at most 1 MiB of body, escaped (up to 6 bytes per
 * byte), plus headers. */
#define HTTP_LINE_MAX		(8u * 1024 * 1024)

void
oc_json_wipe_put(json_object *o)
{
	if (o == NULL)
		return;
	switch (json_object_get_type(o)) {
	case json_type_string:
		/* json-c's own writable buffer; only the accessor is const */
		oc_wipe((char *)(uintptr_t)json_object_get_string(o),
		    (size_t)json_object_get_string_len(o));
		break;
	case json_type_array: {
		size_t i, n = json_object_array_length(o);

		for (i = 0; i < n; i++)
			oc_json_wipe_put(json_object_get(
			    json_object_array_get_idx(o, i)));
		break;
	}
	case json_type_object: {
		json_object_object_foreach(o, k, v) {
			(void)k;
			oc_json_wipe_put(json_object_get(v));
		}
		break;
	}
	default:
		break;
	}
	json_object_put(o);
}

/* A JSON string literal of n bytes; bytes >= 0x80 pass unchanged (the
 * helper's json-c takes them as they are). */
static void
add_jstr(struct oc_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	oc_buf_addc(b, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"': oc_buf_add(b, "\\\"", 2); break;
		case '\\': oc_buf_add(b, "\\\\", 2); break;
		case '\n': oc_buf_add(b, "\\n", 2); break;
		case '\r': oc_buf_add(b, "\\r", 2); break;
		case '\t': oc_buf_add(b, "\\t", 2); break;
		default:
			if (c < 0x20 || c == 0x7f) {
				char u[6] = { '\\', 'u', '0', '0',
				    hex[c >> 4], hex[c & 15] };

				oc_buf_add(b, u, sizeof u);
			} else
				oc_buf_addc(b, (char)c);
		}
	}
	oc_buf_addc(b, '"');
}

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
		add_jstr(b, r->method, strlen(r->method));
		oc_buf_adds(b, ",\"url\":");
		add_jstr(b, r->url, strlen(r->url));
		oc_buf_adds(b, ",\"headers\":[");
		for (k = 0; r->headers != NULL && r->headers[k] != NULL; k++) {
			if (k)
				oc_buf_addc(b, ',');
			add_jstr(b, r->headers[k], strlen(r->headers[k]));
		}
		oc_buf_adds(b, "],\"body\":");
		if (r->body != NULL)
			add_jstr(b, r->body, r->body_len);
		else
			oc_buf_adds(b, "null");
		oc_buf_addf(b, ",\"timeoutMs\":%ld}", t);
	}
	oc_buf_adds(b, "]}\n");
	return 0;
}

const char *
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
static int
take_line(const char *line, size_t len, struct oc_http_res *res, size_t n,
    char *seen)
{
	json_tokener *tok;
	json_object *o, *v;
	const char *id, *s;
	char *end;
	unsigned long i;
	struct oc_http_res *r;
	int64_t num;

	tok = json_tokener_new();
	if (tok == NULL)
		return -1;
	o = json_tokener_parse_ex(tok, line, (int)len);
	if (o != NULL && (json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len)) {
		oc_json_wipe_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	if (o == NULL)
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
		r->body_len = (size_t)json_object_get_string_len(v);
		r->body = body_dup(json_object_get_string(v), r->body_len);
	}
	if ((v = oc_json_get_obj(o, "headers")) != NULL) {
		json_object *copy = NULL;

		if (json_object_deep_copy(v, &copy, NULL) == 0) {
			json_object_put(r->headers);
			r->headers = copy;
		}
	}
	oc_json_wipe_put(o);
	return 0;
bad:
	oc_json_wipe_put(o);
	return -1;
}

int
oc_http_run(const struct oc_http_req *reqs, size_t n, int concurrency,
    struct oc_http_res **res, struct oc_err *err)
{
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
	io.max_out = n * (size_t)HTTP_LINE_MAX + HTTP_LINE_MAX;
	end = oc_proc_run(&pr, &io, &status);
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

		if (len > 0 && take_line(out.data + pos, len, rs, n,
		    seen) < 0) {
			oc_err_set(err, OC_EX_UNAVAILABLE, "HTTP helper %s "
			    "wrote malformed output", path);
			goto out;
		}
		pos += len + 1;
	}
	for (i = 0; i < n; i++)
		if (!seen[i])
			rs[i].error = oc_xstrdup("other: helper gave no result");
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
			oc_wipe(res[i].body, res[i].body_len);
			free(res[i].body);
		}
		oc_json_wipe_put(res[i].headers);
	}
	free(res);
}
