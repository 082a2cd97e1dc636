/* SPDX-License-Identifier: ISC */
/*
 * envkeys.c - which environment variables hold a provider's keys, in the
 * order OpenClaw's key rotation tries them (live-auth-keys), the one key the
 * gateway takes from the environment (resolveEnvApiKey), and the rate-limit
 * rule that decides when rotating is worth it.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "oc.h"

extern char **environ;

/*
 * OpenClaw's provider -> variable table (PROVIDER_ENV_API_KEY_CANDIDATES,
 * 2026.3.24), keyed by the id as normalised for auth. The first non-empty
 * variable is the one the gateway uses.
 */
#define V(...) (const char *const[]){ __VA_ARGS__, NULL }
static const struct {
	const char *id;
	const char *const *vars;
} known[] = {
	{ "anthropic", V("ANTHROPIC_OAUTH_TOKEN", "ANTHROPIC_API_KEY") },
	{ "brave", V("BRAVE_API_KEY") },
	{ "byteplus", V("BYTEPLUS_API_KEY") },
	{ "cerebras", V("CEREBRAS_API_KEY") },
	{ "chutes", V("CHUTES_OAUTH_TOKEN", "CHUTES_API_KEY") },
	{ "cloudflare-ai-gateway", V("CLOUDFLARE_AI_GATEWAY_API_KEY") },
	{ "deepgram", V("DEEPGRAM_API_KEY") },
	{ "deepseek", V("DEEPSEEK_API_KEY") },
	{ "exa", V("EXA_API_KEY") },
	{ "fal", V("FAL_KEY") },
	{ "firecrawl", V("FIRECRAWL_API_KEY") },
	{ "github-copilot", V("COPILOT_GITHUB_TOKEN", "GH_TOKEN",
	    "GITHUB_TOKEN") },
	{ "google", V("GEMINI_API_KEY", "GOOGLE_API_KEY") },
	{ "groq", V("GROQ_API_KEY") },
	{ "huggingface", V("HUGGINGFACE_HUB_TOKEN", "HF_TOKEN") },
	{ "kilocode", V("KILOCODE_API_KEY") },
	{ "kimi", V("KIMI_API_KEY", "KIMICODE_API_KEY") },
	{ "kimi-coding", V("KIMI_API_KEY", "KIMICODE_API_KEY") },
	{ "litellm", V("LITELLM_API_KEY") },
	{ "minimax", V("MINIMAX_API_KEY") },
	{ "minimax-portal", V("MINIMAX_OAUTH_TOKEN", "MINIMAX_API_KEY") },
	{ "mistral", V("MISTRAL_API_KEY") },
	{ "modelstudio", V("MODELSTUDIO_API_KEY") },
	{ "moonshot", V("MOONSHOT_API_KEY") },
	{ "nvidia", V("NVIDIA_API_KEY") },
	{ "ollama", V("OLLAMA_API_KEY") },
	{ "openai", V("OPENAI_API_KEY") },
	{ "opencode", V("OPENCODE_API_KEY", "OPENCODE_ZEN_API_KEY") },
	{ "opencode-go", V("OPENCODE_API_KEY", "OPENCODE_ZEN_API_KEY") },
	{ "openrouter", V("OPENROUTER_API_KEY") },
	{ "perplexity", V("PERPLEXITY_API_KEY", "OPENROUTER_API_KEY") },
	{ "qianfan", V("QIANFAN_API_KEY") },
	{ "qwen-portal", V("QWEN_OAUTH_TOKEN", "QWEN_PORTAL_API_KEY") },
	{ "sglang", V("SGLANG_API_KEY") },
	{ "synthetic", V("SYNTHETIC_API_KEY") },
	{ "tavily", V("TAVILY_API_KEY") },
	{ "together", V("TOGETHER_API_KEY") },
	{ "venice", V("VENICE_API_KEY") },
	{ "vercel-ai-gateway", V("AI_GATEWAY_API_KEY") },
	{ "vllm", V("VLLM_API_KEY") },
	{ "volcengine", V("VOLCANO_ENGINE_API_KEY") },
	{ "voyage", V("VOYAGE_API_KEY") },
	{ "xai", V("XAI_API_KEY") },
	{ "xiaomi", V("XIAOMI_API_KEY") },
	{ "zai", V("ZAI_API_KEY", "Z_AI_API_KEY") },
};
#undef V

static int
google_family(const char *n)
{
	return strcmp(n, "google") == 0 || strcmp(n, "google-vertex") == 0;
}

char *
oc_envkeys_base_dup(const char *provider)
{
	char *n = oc_provider_norm_dup(provider), *p;

	if (google_family(n)) {
		free(n);
		return oc_xstrdup("GEMINI");
	}
	for (p = n; *p; p++)
		*p = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
	return n;
}

/* The provider's known variables (NULL-terminated, static), or NULL when
 * the provider is not in the table. */
static const char *const *
oc_envkeys_known(const char *provider)
{
	char *n = oc_provider_auth_dup(provider);
	size_t i;

	for (i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(known[i].id, n) == 0) {
			free(n);
			return known[i].vars;
		}
	free(n);
	return NULL;
}

int
oc_envkeys_is_known_var(const char *name)
{
	size_t i;
	const char *const *v;

	for (i = 0; i < sizeof known / sizeof known[0]; i++)
		for (v = known[i].vars; *v; v++)
			if (strcmp(*v, name) == 0)
				return 1;
	return 0;
}

struct list {
	struct oc_envkey *v;
	size_t n, cap;
};

/* Add unless empty or already present (the first occurrence wins). Takes
 * value. */
static void
add(struct list *l, const char *var, char *value)
{
	size_t i;

	if (value == NULL)
		return;
	if (*value == '\0') {
		oc_secret_free(value);
		return;
	}
	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].value, value) == 0) {
			oc_secret_free(value);
			return;
		}
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = oc_xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n].var = oc_xstrdup(var);
	l->v[l->n].value = value;
	l->n++;
}

static char *
env_trim_dup(const char *var)
{
	const char *v = getenv(var);

	return v ? oc_text_trim_js_dup(v) : NULL;
}

/* parseKeyList: split on runs of white space, "," or ";". */
static void
add_list(struct list *l, const char *var)
{
	const char *v = getenv(var), *p, *start;

	if (v == NULL)
		return;
	p = v;
	for (;;) {
		size_t sl;

		while (*p && (*p == ',' || *p == ';' ||
		    oc_text_js_space_len(p) != 0))
			p += (*p == ',' || *p == ';') ? 1 :
			    oc_text_js_space_len(p);
		if (*p == '\0')
			break;
		start = p;
		while (*p && *p != ',' && *p != ';' &&
		    (sl = oc_text_js_space_len(p)) == 0)
			p++;
		add(l, var, oc_xstrndup(start, (size_t)(p - start)));
	}
}

int
oc_envkeys_collect(const char *provider, struct oc_envkey **out, size_t *n)
{
	struct list l = { 0 };
	char *base = oc_envkeys_base_dup(provider), *norm = oc_provider_norm_dup(provider);
	char *live, *prefix, *var, *v;
	const char *const *kv;
	size_t i, plen;

	*out = NULL;
	*n = 0;
	/* A single live override hides everything else. */
	live = oc_xasprintf("OPENCLAW_LIVE_%s_KEY", base);
	v = env_trim_dup(live);
	if (v != NULL && *v != '\0') {
		add(&l, live, v);
		free(live);
		goto done;
	}
	oc_secret_free(v);
	free(live);

	/* OpenClaw reads only OPENCLAW_LIVE_ANTHROPIC_KEYS for anthropic;
	 * oc-keys(1) adds the generic ANTHROPIC_API_KEYS after it. */
	if (strcmp(norm, "anthropic") == 0)
		add_list(&l, "OPENCLAW_LIVE_ANTHROPIC_KEYS");
	var = oc_xasprintf("%s_API_KEYS", base);
	add_list(&l, var);
	free(var);

	var = oc_xasprintf("%s_API_KEY", base);
	add(&l, var, env_trim_dup(var));
	free(var);

	/* <P>_API_KEY_* in the order the environment holds them. */
	prefix = oc_xasprintf("%s_API_KEY_", base);
	plen = strlen(prefix);
	for (i = 0; environ != NULL && environ[i] != NULL; i++) {
		const char *e = environ[i], *eq = strchr(e, '=');

		if (eq == NULL || strncmp(e, prefix, plen) != 0 ||
		    (size_t)(eq - e) < plen)
			continue;
		var = oc_xstrndup(e, (size_t)(eq - e));
		add(&l, var, oc_text_trim_js_dup(eq + 1));
		free(var);
	}
	free(prefix);

	if (google_family(norm))
		add(&l, "GOOGLE_API_KEY", env_trim_dup("GOOGLE_API_KEY"));

	/* The provider's other known variables, cleaned as the gateway
	 * cleans them. */
	if ((kv = oc_envkeys_known(provider)) != NULL)
		for (; *kv; kv++) {
			const char *raw = getenv(*kv);

			if (raw == NULL)
				continue;
			v = oc_xstrdup(raw);
			oc_secret_token_normalize(v, 0);
			add(&l, *kv, v);
		}
done:
	free(base);
	free(norm);
	*out = l.v;
	*n = l.n;
	return 0;
}

void
oc_envkeys_free(struct oc_envkey *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(v[i].var);
		oc_secret_free(v[i].value);
	}
	free(v);
}

int
oc_envkeys_gateway(const char *provider, struct oc_envkey *out)
{
	const char *const *kv = oc_envkeys_known(provider);

	out->var = out->value = NULL;
	for (; kv != NULL && *kv; kv++) {
		const char *raw = getenv(*kv);
		char *v;

		if (raw == NULL)
			continue;
		v = oc_xstrdup(raw);
		oc_secret_token_normalize(v, 0);
		if (*v != '\0') {
			out->var = oc_xstrdup(*kv);
			out->value = v;
			return 1;
		}
		oc_secret_free(v);
	}
	return 0;
}

const char *
oc_envkeys_ratelimit_match(const char *text, size_t len)
{
	static const char *const pat[] = { "rate_limit", "rate limit", "429",
	    "quota exceeded", "quota_exceeded", "resource exhausted",
	    "resource_exhausted", "too many requests" };
	size_t i, k, j;

	/* ASCII folding is enough: no pattern letter has a non-ASCII
	 * upper-case form that JavaScript lower-cases into it. */
	for (k = 0; k < sizeof pat / sizeof pat[0]; k++) {
		size_t pl = strlen(pat[k]);

		for (i = 0; i + pl <= len; i++) {
			for (j = 0; j < pl; j++)
				if (tolower((unsigned char)text[i + j]) !=
				    pat[k][j])
					break;
			if (j == pl)
				return pat[k];
		}
	}
	return NULL;
}
