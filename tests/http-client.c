/* SPDX-License-Identifier: ISC */
/*
 * http-client - drives liboc's oc_http_run for the tests. It reads the same
 * document oc-http does (libexec/oc-http.c) on stdin, runs it through the
 * library (and so through the helper named by OC_HTTP_HELPER), and prints
 * one JSON line per request in the order of the input, followed by nothing
 * else. When oc_http_run fails it prints the message and exits with its
 * code, as a command would.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oc.h"

int
main(int argc, char *argv[])
{
	struct oc_err err = { 0 };
	struct oc_buf in = { 0 };
	struct oc_http_req *reqs = NULL;
	struct oc_http_res *res = NULL;
	const char ***hdrs = NULL;
	json_object *doc = NULL, *list;
	char chunk[4096];
	ssize_t r;
	size_t n = 0, i;
	int64_t conc = 4, t;
	int rc = 0;

	oc_err_set_progname(argv[0]);
	(void)argc;
	while ((r = read(STDIN_FILENO, chunk, sizeof chunk)) > 0)
		oc_buf_add(&in, chunk, (size_t)r);
	if (oc_json_parse("stdin", in.data ? in.data : "", in.len, &doc,
	    &err) < 0) {
		rc = oc_out_report(&err);
		goto out;
	}
	oc_json_get_i64(doc, "concurrency", &conc);
	list = oc_json_get(doc, "requests");
	if (list == NULL || !json_object_is_type(list, json_type_array)) {
		oc_out_warnx("no requests array");
		rc = OC_EX_USAGE;
		goto out;
	}
	n = json_object_array_length(list);
	reqs = oc_xcalloc(n, sizeof *reqs);
	hdrs = oc_xcalloc(n, sizeof *hdrs);
	for (i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(list, i), *h, *b;
		size_t k, nh;

		reqs[i].id = oc_json_get_str(o, "id");
		reqs[i].method = oc_json_get_str(o, "method");
		reqs[i].url = oc_json_get_str(o, "url");
		if (oc_json_get_i64(o, "timeoutMs", &t) == 1)
			reqs[i].timeout_ms = (long)t;
		if ((b = oc_json_get(o, "body")) != NULL &&
		    json_object_is_type(b, json_type_string)) {
			reqs[i].body = json_object_get_string(b);
			reqs[i].body_len = (size_t)json_object_get_string_len(b);
		}
		h = oc_json_get(o, "headers");
		nh = h != NULL && json_object_is_type(h, json_type_array) ?
		    json_object_array_length(h) : 0;
		hdrs[i] = oc_xcalloc(nh + 1, sizeof *hdrs[i]);
		for (k = 0; k < nh; k++)
			hdrs[i][k] = json_object_get_string(
			    json_object_array_get_idx(h, k));
		reqs[i].headers = hdrs[i];
	}

	if (oc_http_run(reqs, n, (int)conc, &res, &err) < 0) {
		rc = oc_out_report(&err);
		goto out;
	}
	for (i = 0; i < n; i++) {
		json_object *o = json_object_new_object();
		struct oc_buf line = { 0 };

		json_object_object_add(o, "id",
		    json_object_new_string(res[i].id));
		json_object_object_add(o, "status",
		    json_object_new_int64(res[i].status));
		json_object_object_add(o, "error", res[i].error ?
		    json_object_new_string(res[i].error) : NULL);
		json_object_object_add(o, "headers",
		    json_object_get(res[i].headers));
		json_object_object_add(o, "body", json_object_new_string_len(
		    res[i].body, (int)res[i].body_len));
		json_object_object_add(o, "bodyLen",
		    json_object_new_int64((int64_t)res[i].body_len));
		json_object_object_add(o, "elapsedMs",
		    json_object_new_int64(res[i].elapsed_ms));
		oc_json_dump(&line, o, 0);
		printf("%s\n", line.data);
		oc_buf_free(&line);
		json_object_put(o);
	}
out:
	oc_http_res_free(res, n);
	if (hdrs != NULL)
		for (i = 0; i < n; i++)
			free(hdrs[i]);
	free(hdrs);
	free(reqs);
	json_object_put(doc);
	oc_buf_free(&in);
	return rc;
}
