/* SPDX-License-Identifier: ISC */
/*
 * fuzz-http - both sides of the oc-http protocol (common/http.c): the
 * helper's request document, the response header lines libcurl hands it
 * (the input's lines, NULs included), and the client's result lines: no
 * crash, leak or undefined behaviour; a document that is accepted has only
 * header lines without line breaks or controls; kept header names are
 * lower-case tokens; error messages are one printable line.
 */
#include "config.h"

#include "oc.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct oc_http_doc doc;
	struct oc_http_res *res;
	struct oc_err err;
	json_object *h = json_object_new_object();
	char seen[4] = { 0 };
	size_t total = 0, i, k, start;

	if (oc_http_doc_parse(text, size, &doc, &err) == 0) {
		for (i = 0; i < doc.n; i++)
			for (k = 0; doc.reqs[i].headers[k] != NULL; k++) {
				const char *hd = doc.reqs[i].headers[k];

				CHECK(strchr(hd, ':') != NULL && *hd != ':');
				CHECK(strpbrk(hd, "\r\n") == NULL);
			}
		oc_http_doc_free(&doc);
	} else {
		CHECK(err.code == OC_EX_USAGE);
		CHECK(fuzz_msg_ok(err.msg));
	}
	for (start = i = 0; i <= size; i++)
		if (i == size || data[i] == '\n') {
			oc_http_header_line(&h, &total, text + start,
			    i - start + (i < size));
			start = i + 1;
		}
	{
		json_object_object_foreach(h, name, v) {
			const char *p;

			(void)v;
			CHECK(*name != '\0');
			for (p = name; *p; p++)
				CHECK(!(*p >= 'A' && *p <= 'Z') &&
				    (unsigned char)*p > 0x20 && *p != ':');
		}
	}
	oc_json_wipe_put(h);
	res = oc_xcalloc(4, sizeof *res);
	for (i = 0; i < 4; i++) {
		res[i].body = oc_xstrdup("");
		res[i].headers = json_object_new_object();
	}
	(void)oc_http_result_line(text, size, res, 4, seen);
	oc_http_res_free(res, 4);
	return 0;
}
