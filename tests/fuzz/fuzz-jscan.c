/* SPDX-License-Identifier: ISC */
/*
 * fuzz-jscan - oc-check's zero-copy scanner (common/jscan.c) against the
 * strict parser: the same verdict, and walking the checked text gives the
 * same values as the tree (types, strings, numbers, members in order, the
 * last of duplicate keys winning).
 */
#include "config.h"

#include <math.h>

#include "oc.h"
#include "fuzz.h"

static void
same(struct oc_jval v, json_object *o)
{
	struct oc_jiter it;
	struct oc_jval k, e;
	double d;
	char *s;
	size_t i, n;

	switch (oc_jscan_type(v)) {
	case OC_JT_NULL:
		CHECK(o == NULL);
		break;
	case OC_JT_BOOL:
		CHECK(json_object_is_type(o, json_type_boolean));
		CHECK((*v.p == 't') == json_object_get_boolean(o));
		break;
	case OC_JT_NUMBER:
		CHECK(json_object_is_type(o, json_type_int) ||
		    json_object_is_type(o, json_type_double));
		CHECK(oc_jscan_num(v, &d) == 1);
		if (json_object_is_type(o, json_type_double))
			CHECK(d == json_object_get_double(o) ||
			    (isnan(d) && isnan(json_object_get_double(o))));
		else
			CHECK(d == (double)json_object_get_int64(o));
		break;
	case OC_JT_STRING:
		CHECK(json_object_is_type(o, json_type_string));
		s = oc_jscan_str_dup(v);
		CHECK(s != NULL);
		CHECK(strlen(s) == (size_t)json_object_get_string_len(o));
		CHECK(memcmp(s, json_object_get_string(o), strlen(s)) == 0);
		CHECK(oc_jscan_str_eq(v, json_object_get_string(o)));
		free(s);
		break;
	case OC_JT_ARRAY:
		CHECK(json_object_is_type(o, json_type_array));
		n = json_object_array_length(o);
		oc_jscan_iter_init(&it, v);
		for (i = 0; oc_jscan_iter_next(&it, &k, &e); i++) {
			CHECK(k.p == NULL);
			CHECK(i < n);
			same(e, json_object_array_get_idx(o, i));
		}
		CHECK(i == n);
		break;
	case OC_JT_OBJECT:
		CHECK(json_object_is_type(o, json_type_object));
		oc_jscan_iter_init(&it, v);
		while (oc_jscan_iter_next(&it, &k, &e)) {
			json_object *m;
			struct oc_jval last;

			CHECK(k.p != NULL);
			s = oc_jscan_str_dup(k);
			CHECK(s != NULL);
			CHECK(json_object_object_get_ex(o, s, &m));
			/* the member the tree kept is the last duplicate */
			CHECK(oc_jscan_get(v, s, &last) == 1);
			if (last.p == e.p)
				same(e, m);
			free(s);
		}
		break;
	default:
		CHECK(0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	json_object *o = NULL;
	struct oc_jval root;
	struct oc_err err;
	int r, rs;

	r = oc_json_parse("fuzz", text, size, &o, &err);
	rs = oc_jscan_check("fuzz", text, size, &root, &err);
	CHECK(r == rs);
	/* nesting is walked by the scanner's recursion-free skip, but the
	 * comparison above recurses: bound it */
	if (r == 0 && size < 4096) {
		size_t depth = 0, i;

		for (i = 0; i < size; i++)
			if (text[i] == '[' || text[i] == '{')
				depth++;
		if (depth < 200)
			same(root, o);
	}
	oc_json_wipe_put(o);
	return 0;
}
