/* SPDX-License-Identifier: ISC */
/*
 * fuzz-json5 - the config reader (oc_json_parse_lenient): no crash, leak or
 * undefined behaviour; every JSON text is JSON5 with the same value (the
 * strict parser's tree and the lenient one's are equal); what it accepts is
 * written as JSON that the strict parser reads back to the same tree.
 * Differential against the json5 package: tests/fuzz/diff-json5.js.
 */
#include "config.h"

#include "oc.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	json_object *o = NULL, *s = NULL, *o2 = NULL;
	struct oc_buf b = { 0 };
	struct oc_err err;
	int r;

	r = oc_json_parse_lenient("fuzz", text, size, &o, &err);
	if (oc_json_parse("fuzz", text, size, &s, &err) == 0) {
		/* JSON is JSON5 */
		CHECK(r == 0);
		CHECK(oc_json_equal(o, s));
	}
	if (r == -1) {
		CHECK(err.code == OC_EX_DATAERR);
		CHECK(fuzz_msg_ok(err.msg));
		return 0;
	}
	oc_json_dump(&b, o, 2);
	CHECK(oc_json_parse("dump", b.data, b.len, &o2, &err) == 0);
	CHECK(oc_json_equal(o, o2));
	oc_buf_free(&b);
	oc_json_wipe_put(o);
	oc_json_wipe_put(o2);
	oc_json_wipe_put(s);
	return 0;
}
