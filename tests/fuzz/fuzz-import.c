/* SPDX-License-Identifier: ISC */
/*
 * fuzz-import - Claude Code's .credentials.json and Codex's auth.json
 * (common/import.c), parsed and applied to an empty and to a filled store:
 * no crash, leak or undefined behaviour; what is imported is a profile of
 * the right type; an error message is one printable line.
 */
#include "config.h"

#include "oc.h"
#include "fuzz.h"

static void
one(enum oc_import_src src, const uint8_t *data, size_t size)
{
	static const char filled[] = "{\"version\":1,\"profiles\":{"
	    "\"anthropic:claude-cli\":{\"type\":\"oauth\",\"provider\":"
	    "\"anthropic\",\"access\":\"a\",\"refresh\":\"r\","
	    "\"expires\":1},\"openai-codex:default\":{\"type\":\"token\","
	    "\"provider\":\"openai-codex\",\"token\":\"t\"}}}";
	struct oc_import imp;
	struct oc_store st;
	struct oc_err err;
	int64_t now = 1795300000000LL;
	int r;

	memset(&imp, 0, sizeof imp);
	imp.src = src;
	imp.source = src == OC_IMPORT_CLAUDE ? "claude-code" : "codex";
	imp.profile_id = src == OC_IMPORT_CLAUDE ? "anthropic:claude-cli" :
	    "openai-codex:default";
	imp.path = oc_xstrdup("fuzz");
	r = oc_import_parse(&imp, (const char *)data, size, now - 60000, now);
	if (r == 0) {
		const char *type = oc_json_get_str(imp.cred, "type");

		CHECK(type != NULL);
		CHECK(strcmp(type, "oauth") == 0 || strcmp(type, "token") == 0);
		memset(&st, 0, sizeof st);
		CHECK(oc_json_parse("store", filled, strlen(filled), &st.root,
		    &err) == 0);
		(void)oc_import_apply(&imp, &st, now);
		(void)oc_import_apply(&imp, &st, now);
		oc_json_wipe_put(st.root);
	} else if (imp.err.code != 0)
		CHECK(fuzz_msg_ok(imp.err.msg));
	oc_import_free(&imp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(OC_IMPORT_CLAUDE, data, size);
	one(OC_IMPORT_CODEX, data, size);
	return 0;
}
