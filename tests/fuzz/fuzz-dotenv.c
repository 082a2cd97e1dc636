/* SPDX-License-Identifier: ISC */
/*
 * fuzz-dotenv - the dotenv parser and quoter (common/dotenv.c): no crash,
 * leak or undefined behaviour; entries lie inside the text, in order; every
 * value parsed, and the input itself taken as a value, is quoted so that
 * "VAR=<quoted>" reads back to exactly that value (or refused), also after
 * other lines. Differential against the dotenv package:
 * tests/fuzz/diff-dotenv.js.
 */
#include "config.h"

#include "oc.h"
#include "fuzz.h"

static void
roundtrip(const char *value)
{
	struct oc_dotenv_entry *v = NULL;
	struct oc_err err;
	struct oc_buf t = { 0 };
	char *q = oc_dotenv_quote_dup(value);
	size_t n = 0;

	if (q == NULL)
		return;
	oc_buf_addf(&t, "# a comment\nA=1\nVAR=%s\nB=2\n", q);
	CHECK(oc_dotenv_parse(t.data, t.len, &v, &n, &err) == 0);
	CHECK(n == 3);
	CHECK(strcmp(v[1].key, "VAR") == 0);
	CHECK(strcmp(v[1].value, value) == 0);
	CHECK(strcmp(v[2].key, "B") == 0 && strcmp(v[2].value, "2") == 0);
	oc_dotenv_free(v, n);
	oc_buf_free(&t);
	oc_secret_free(q);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oc_dotenv_entry *v = NULL;
	struct oc_err err;
	size_t n = 0, i, prev = 0;
	char *s;

	if (oc_dotenv_parse((const char *)data, size, &v, &n, &err) == 0) {
		for (i = 0; i < n; i++) {
			CHECK(v[i].start <= v[i].end && v[i].end <= size);
			CHECK(v[i].start >= prev);
			prev = v[i].end;
			CHECK(*v[i].key != '\0');
			/* a bounded share of the quoting: it parses each
			 * form it tries */
			if (i < 8 && strlen(v[i].value) <= 256)
				roundtrip(v[i].value);
		}
		oc_dotenv_free(v, n);
	} else
		CHECK(memchr(data, '\0', size) != NULL);
	if (size <= 512) {
		s = fuzz_str(data, size);
		roundtrip(s);
		free(s);
	}
	return 0;
}
