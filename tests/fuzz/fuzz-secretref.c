/* SPDX-License-Identifier: ISC */
/*
 * fuzz-secretref - an exec SecretRef provider's reply (OpenClaw's
 * parseExecValues, common/secretref.c), in JSON-only and raw mode, and
 * oc_out_oneline_dup, which makes the provider's own error message fit a
 * terminal: no crash, leak or undefined behaviour; every error message is
 * one line of printable text.
 */
#include "config.h"

#include "oc.h"
#include "fuzz.h"

static int
oneline_ok(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	for (; *u != '\0'; u++) {
		if (*u < 0x20 || *u == 0x7f)
			return 0;
		/* C1 controls (C2 80-9F), U+2028/9, bidi overrides */
		if (u[0] == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f)
			return 0;
		if (u[0] == 0xe2 && u[1] == 0x80 && u[2] >= 0xa8 &&
		    u[2] <= 0xae)
			return 0;
		if (u[0] == 0xe2 && u[1] == 0x81 && u[2] >= 0xa6 &&
		    u[2] <= 0xa9)
			return 0;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *v = NULL, *s = fuzz_str(data, size), *l;
	struct oc_err err;
	int mode;

	for (mode = 0; mode < 2; mode++) {
		oc_err_clear(&err);
		if (oc_secretref_exec_reply("vault", "openai/key",
		    (const char *)data, size, mode, &v, &err) == 0) {
			CHECK(v != NULL);
			oc_secret_free(v);
			v = NULL;
		} else {
			CHECK(err.code == OC_EX_NEG);
			CHECK(oneline_ok(err.msg));
		}
	}
	l = oc_out_oneline_dup(s, 200);
	CHECK(oneline_ok(l));
	CHECK(strlen(l) <= 200 * 4 + 3);
	free(l);
	free(s);
	return 0;
}
