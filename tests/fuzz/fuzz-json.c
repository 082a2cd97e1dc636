/* SPDX-License-Identifier: ISC */
/*
 * fuzz-json - the strict parser (common/json.c): no crash, leak or undefined
 * behaviour; the check-only mode gives the same verdict; what it accepts is
 * written back (indented and compact) as JSON that reads back to the same
 * tree, and writing that again gives the same bytes.
 */
#include "config.h"

#include "oc.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	json_object *o = NULL, *o2 = NULL, *o3 = NULL;
	struct oc_buf b = { 0 }, c = { 0 }, b2 = { 0 };
	struct oc_err err, err2;
	size_t vs, vn;
	int r, rc;

	r = oc_json_parse("fuzz", text, size, &o, &err);
	rc = oc_json_check("fuzz", text, size, &vs, &vn, &err2);
	CHECK(r == rc);
	if (r == -1) {
		CHECK(o == NULL);
		CHECK(err.code == OC_EX_DATAERR);
		CHECK(strcmp(err.msg, err2.msg) == 0);
		CHECK(fuzz_msg_ok(err.msg));
		return 0;
	}
	CHECK(vs + vn <= size);
	oc_json_dump(&b, o, 2);
	oc_json_dump(&c, o, 0);
	CHECK(oc_json_parse("dump", b.data, b.len, &o2, &err) == 0);
	CHECK(oc_json_parse("compact", c.data, c.len, &o3, &err) == 0);
	CHECK(oc_json_equal(o, o2));
	CHECK(oc_json_equal(o, o3));
	oc_json_dump(&b2, o2, 2);
	CHECK(b2.len == b.len && memcmp(b.data, b2.data, b.len) == 0);
	oc_buf_free(&b);
	oc_buf_free(&b2);
	oc_buf_free(&c);
	oc_json_wipe_put(o);
	oc_json_wipe_put(o2);
	oc_json_wipe_put(o3);
	return 0;
}
