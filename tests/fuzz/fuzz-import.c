/* SPDX-License-Identifier: ISC */
/*
 * fuzz-import - Claude Code's .credentials.json and Codex's auth.json
 * (common/import.c), parsed and applied (twice, as a dry run: nothing is
 * written) to a filled JSON store in a throw-away state directory: no
 * crash, leak or undefined behaviour; what is imported is a profile of the
 * right type; an error message is one printable line.
 */
#include "config.h"

#include "oc.h"
#include "fuzz.h"

struct apply {
	struct oc_import *imp;
	int64_t now;
};

static int
apply_twice(struct oc_txn *t, void *arg, struct oc_err *err)
{
	struct apply *a = arg;
	int r;

	(void)err;
	r = oc_import_apply(a->imp, t, a->now);
	return r | oc_import_apply(a->imp, t, a->now);
}

/* The store the inputs are applied to, made once. */
static const struct oc_ctx *
store_ctx(void)
{
	static const char filled[] = "{\"version\":1,\"profiles\":{"
	    "\"anthropic:claude-cli\":{\"type\":\"oauth\",\"provider\":"
	    "\"anthropic\",\"access\":\"a\",\"refresh\":\"r\","
	    "\"expires\":1},\"openai-codex:default\":{\"type\":\"token\","
	    "\"provider\":\"openai-codex\",\"token\":\"t\"}}}";
	static struct oc_ctx ctx;
	static int made;
	char tmpl[] = "/tmp/fuzz-import.XXXXXX", *dir, *agent, *store;
	struct oc_err err;

	if (made)
		return &ctx;
	CHECK((dir = mkdtemp(tmpl)) != NULL);
	setenv("HOME", dir, 1);
	setenv("OPENCLAW_STATE_DIR", dir, 1);
	unsetenv("OPENCLAW_AGENT_DIR");
	unsetenv("PI_CODING_AGENT_DIR");
	unsetenv("OPENCLAW_CONFIG_PATH");
	agent = oc_xasprintf("%s/agents/main/agent", dir);
	store = oc_xasprintf("%s/auth-profiles.json", agent);
	CHECK(oc_file_mkdirs(agent, 0700, &err) == 0);
	CHECK(oc_file_write_atomic(store, filled, strlen(filled), 0600, NULL,
	    &err) == 0);
	CHECK(oc_ctx_open(&ctx, NULL, &err) == 0);
	free(store);
	free(agent);
	made = 1;
	return &ctx;
}

static void
one(enum oc_import_src src, const uint8_t *data, size_t size)
{
	struct oc_import imp;
	struct apply a;
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
		a.imp = &imp;
		a.now = now;
		CHECK(oc_store_dry_run(store_ctx(), apply_twice, &a, &err) !=
		    -1);
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
