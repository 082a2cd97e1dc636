/* SPDX-License-Identifier: ISC */
/*
 * fuzz-jwt - base64url and JWT payloads (common/jwt.c), as a Codex
 * auth.json and a token endpoint's answer hand them in: no crash, leak or
 * undefined behaviour; a decode's length is what base64 gives.
 */
#include "config.h"

#include "oc.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size), *out = NULL, *acct;
	json_object *p = NULL;
	size_t olen;

	if (oc_jwt_b64url_decode((const char *)data, size, &out, &olen) == 0) {
		CHECK(olen <= size / 4 * 3 + 2);
		oc_secret_wipe(out, olen);
		free(out);
	}
	if (oc_jwt_payload(s, &p) == 0)
		CHECK(json_object_is_type(p, json_type_object));
	oc_json_wipe_put(p);
	(void)oc_jwt_exp_ms(s);
	acct = oc_jwt_account_id_dup(s);
	free(acct);
	free(s);
	return 0;
}
