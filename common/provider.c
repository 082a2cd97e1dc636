/* SPDX-License-Identifier: ISC */
/*
 * provider.c - provider ids as OpenClaw compares them: trimmed, lower-cased,
 * with its aliases folded (normalizeProviderId).
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "oc.h"

static const struct {
	const char *alias, *id;
} aliases[] = {
	{ "z.ai", "zai" },
	{ "z-ai", "zai" },
	{ "opencode-zen", "opencode" },
	{ "opencode-go-auth", "opencode-go" },
	{ "qwen", "qwen-portal" },
	{ "kimi-code", "kimi" },
	{ "kimi-coding", "kimi" },
	{ "bedrock", "amazon-bedrock" },
	{ "aws-bedrock", "amazon-bedrock" },
	{ "bytedance", "volcengine" },
	{ "doubao", "volcengine" },
};

char *
oc_provider_norm_dup(const char *p)
{
	char *s, *q;
	size_t n, i;

	while (isspace((unsigned char)*p))
		p++;
	s = oc_xstrdup(p);
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	for (q = s; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	for (i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		if (strcmp(s, aliases[i].alias) == 0) {
			free(s);
			return oc_xstrdup(aliases[i].id);
		}
	return s;
}

char *
oc_provider_env_dup(const char *p)
{
	char *s = oc_provider_norm_dup(p), *q;

	for (q = s; *q; q++) {
		if (*q == '-' || *q == '.')
			*q = '_';
		else
			*q = (char)toupper((unsigned char)*q);
	}
	return s;
}

char *
oc_provider_of_profile_dup(const char *id)
{
	const char *c = strchr(id, ':');
	char *raw, *n;

	if (c == NULL || c == id)
		return NULL;
	raw = oc_xstrndup(id, (size_t)(c - id));
	n = oc_provider_norm_dup(raw);
	free(raw);
	return n;
}

char *
oc_provider_auth_dup(const char *p)
{
	char *s = oc_provider_norm_dup(p);

	/* normalizeProviderIdForAuth: coding plans share their provider's
	 * profiles. */
	if (strcmp(s, "volcengine-plan") == 0 || strcmp(s, "byteplus-plan") == 0)
		s[strlen(s) - 5] = '\0';
	return s;
}
