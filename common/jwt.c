/* SPDX-License-Identifier: ISC */
/*
 * jwt.c - just enough JWT to read the claims OpenClaw reads: the payload is
 * decoded without checking the signature (the token is ours to hand on, not
 * to trust), for the expiry ("exp", seconds) of a Codex access token and the
 * ChatGPT account id under "https://api.openai.com/auth".
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "oc.h"

#define OC_JWT_MAX (64u << 10)

static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	/* Both alphabets, as Node's Buffer.from(s, "base64url") accepts. */
	if (c == '-' || c == '+')
		return 62;
	if (c == '_' || c == '/')
		return 63;
	return -1;
}

int
oc_jwt_b64url_decode(const char *s, size_t len, char **out, size_t *outlen)
{
	char *d;
	size_t i, n = 0, cap;
	unsigned acc = 0;
	int bits = 0;

	*out = NULL;
	*outlen = 0;
	/* Trailing padding is optional; nothing may follow it. */
	while (len > 0 && s[len - 1] == '=')
		len--;
	if (len % 4 == 1)
		return -1;
	cap = len / 4 * 3 + 3;
	d = oc_xmalloc(cap);
	for (i = 0; i < len; i++) {
		int v = b64_value((unsigned char)s[i]);

		if (v < 0) {
			/* d is not terminated yet: wipe what was allocated,
			 * not up to a NUL that is not there. */
			oc_secret_wipe(d, cap);
			free(d);
			return -1;
		}
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			d[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	d[n] = '\0';
	*out = d;
	*outlen = n;
	return 0;
}

int
oc_jwt_payload(const char *token, json_object **out)
{
	const char *p1, *p2;
	char *text;
	size_t len;
	struct oc_err err;
	int r;

	*out = NULL;
	if (token == NULL || strlen(token) > OC_JWT_MAX)
		return -1;
	if ((p1 = strchr(token, '.')) == NULL)
		return -1;
	p1++;
	if ((p2 = strchr(p1, '.')) == NULL)
		p2 = p1 + strlen(p1);
	if (oc_jwt_b64url_decode(p1, (size_t)(p2 - p1), &text, &len) == -1)
		return -1;
	r = oc_json_parse("JWT payload", text, len, out, &err);
	/* The payload may hold a NUL: wipe by length. */
	oc_secret_wipe(text, len);
	free(text);
	if (r == -1)
		return -1;
	if (!json_object_is_type(*out, json_type_object)) {
		oc_json_wipe_put(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int64_t
oc_jwt_exp_ms(const char *token)
{
	json_object *payload, *exp;
	int64_t ms = 0;

	if (oc_jwt_payload(token, &payload) == -1)
		return 0;
	exp = oc_json_get(payload, "exp");
	/* Only a JSON number counts, as in OpenClaw (a numeric string does
	 * not). */
	if (exp != NULL && (json_object_is_type(exp, json_type_int) ||
	    json_object_is_type(exp, json_type_double))) {
		double d = json_object_get_double(exp);

		if (d == d && d > 0 && d < 9.2e15)
			ms = (int64_t)(d * 1000.0);
	}
	oc_json_wipe_put(payload);
	return ms;
}

char *
oc_jwt_account_id_dup(const char *token)
{
	json_object *payload;
	const char *id;
	char *r = NULL;

	if (oc_jwt_payload(token, &payload) == -1)
		return NULL;
	id = oc_json_get_str(oc_json_get_obj(payload,
	    "https://api.openai.com/auth"), "chatgpt_account_id");
	if (id != NULL && *id != '\0')
		r = oc_xstrdup(id);
	oc_json_wipe_put(payload);
	return r;
}
