/* SPDX-License-Identifier: ISC */
/*
 * fuzz-oauth - a token endpoint's answer (common/oauth.c) for each provider
 * with a refresh rule, as a success (200) and as a refusal (400): no crash,
 * leak or undefined behaviour; a success stores an access token and an
 * expiry; an error message is one printable line.
 */
#include "config.h"

#include "oc.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const prov[] = { "anthropic", "openai-codex",
	    "chutes", "google-gemini-cli" };
	static const long status[] = { 200, 400, 401, 500 };
	struct oc_http_res res;
	struct oc_err err;
	size_t i, k;

	memset(&res, 0, sizeof res);
	res.body = fuzz_str(data, size);
	res.body_len = size;
	for (i = 0; i < sizeof prov / sizeof prov[0]; i++)
		for (k = 0; k < sizeof status / sizeof status[0]; k++) {
			json_object *p = json_object_new_object();

			res.status = status[k];
			oc_err_clear(&err);
			if (oc_oauth_answer("p:x", prov[i], &res, 1795300000000LL,
			    p, &err) == 0) {
				CHECK(status[k] == 200);
				CHECK(oc_json_get_str(p, "access") != NULL);
				CHECK(oc_json_get(p, "expires") != NULL);
			} else
				CHECK(fuzz_msg_ok(err.msg));
			oc_json_wipe_put(p);
		}
	free(res.body);
	return 0;
}
