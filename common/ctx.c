/* SPDX-License-Identifier: ISC */
/*
 * ctx.c - the context every command opens first (paths, config, era):
 * where OpenClaw keeps things (home, state dir, config, agent and agent
 * dir), resolved the way OpenClaw resolves them (oc(7) FILES AND THE
 * AGENT).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oc.h"

#define OC_CONFIG_MAX (16u << 20)

static const char *
env_nonempty(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL)
		return NULL;
	while (isspace((unsigned char)*v))
		v++;
	return *v ? v : NULL;
}

char *
oc_ctx_expand_home_dup(const char *path, const char *home)
{
	if (path[0] == '~' && (path[1] == '\0' || path[1] == '/'))
		return oc_xasprintf("%s%s", home, path + 1);
	return oc_xstrdup(path);
}

static char *
resolve_home(void)
{
	const char *h = env_nonempty("OPENCLAW_HOME");
	const char *u = env_nonempty("HOME");
	struct passwd *pw;

	if (h != NULL) {
		/* OPENCLAW_HOME may itself start with ~ (the OS home). */
		if (u == NULL && (pw = getpwuid(getuid())) != NULL)
			u = pw->pw_dir;
		return oc_ctx_expand_home_dup(h, u ? u : "/");
	}
	if (u != NULL)
		return oc_xstrdup(u);
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_dir != NULL)
		return oc_xstrdup(pw->pw_dir);
	return NULL;
}

/* Agent ids as OpenClaw normalises them (normalizeAgentId): trimmed,
 * lower-cased; other characters than [a-z0-9_-] become "-", at most 64;
 * empty is "main". */
static char *
oc_ctx_agent_norm_dup(const char *id)
{
	char *s, *w;
	const char *r;
	size_t n;
	int dash = 0;

	while (isspace((unsigned char)*id))
		id++;
	s = oc_xstrdup(id);
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	for (r = s, w = s; *r; r++) {
		int c = tolower((unsigned char)*r);

		if (isalnum(c) || c == '_' || c == '-') {
			*w++ = (char)c;
			dash = 0;
		} else if (!dash) {
			*w++ = '-';
			dash = 1;
		}
	}
	*w = '\0';
	for (r = s; *r == '-'; r++)
		;
	memmove(s, r, strlen(r) + 1);
	n = strlen(s);
	while (n > 0 && s[n - 1] == '-')
		s[--n] = '\0';
	if (n > 64)
		s[64] = '\0';
	if (*s == '\0') {
		free(s);
		return oc_xstrdup("main");
	}
	return s;
}

/*
 * The agent roster: 2026.9's agents.entries (an object keyed by agent id,
 * agent-roster.ts), else the older agents.list (an array of {id, ...});
 * 2026.9 still reads the list when there are no entries.
 */
static json_object *
roster_entries(json_object *config)
{
	json_object *e = oc_json_get(oc_json_get_obj(config, "agents"),
	    "entries");

	return e != NULL && json_object_is_type(e, json_type_object) ? e : NULL;
}

static json_object *
roster_list(json_object *config)
{
	json_object *l = oc_json_get(oc_json_get_obj(config, "agents"), "list");

	return l != NULL && json_object_is_type(l, json_type_array) ? l : NULL;
}

json_object *
oc_ctx_agent_entry(json_object *config, const char *id)
{
	json_object *entries = roster_entries(config), *list;
	size_t i, n;

	if (id == NULL)
		return NULL;
	if (entries != NULL) {
		json_object_object_foreach(entries, k, v) {
			char *norm = oc_ctx_agent_norm_dup(k);
			int match = strcmp(norm, id) == 0 &&
			    json_object_is_type(v, json_type_object);

			free(norm);
			if (match)
				return v;
		}
		return NULL;
	}
	if ((list = roster_list(config)) == NULL)
		return NULL;
	n = json_object_array_length(list);
	for (i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(list, i);
		const char *eid = oc_json_get_str(e, "id");
		char *norm;
		int match;

		if (eid == NULL)
			continue;
		norm = oc_ctx_agent_norm_dup(eid);
		match = strcmp(norm, id) == 0;
		free(norm);
		if (match)
			return e;
	}
	return NULL;
}

char **
oc_ctx_agent_ids_dup(json_object *config)
{
	json_object *entries = roster_entries(config), *list;
	char **v;
	size_t i, n, k = 0;

	if (entries != NULL) {
		n = (size_t)json_object_object_length(entries);
		if (n == 0)
			return NULL;
		v = oc_xcalloc(n + 1, sizeof *v);
		{
			json_object_object_foreach(entries, key, val) {
				(void)val;
				v[k++] = oc_xstrdup(key);
			}
		}
		return v;
	}
	if ((list = roster_list(config)) == NULL ||
	    (n = json_object_array_length(list)) == 0)
		return NULL;
	v = oc_xcalloc(n + 1, sizeof *v);
	for (i = 0; i < n; i++) {
		const char *id = oc_json_get_str(
		    json_object_array_get_idx(list, i), "id");

		if (id != NULL)
			v[k++] = oc_xstrdup(id);
	}
	return v;
}

/* The default agent: agents.defaults.systemAgent.agentId (2026.9), else
 * the list entry with default: true, else the first agent, else main. */
static char *
default_agent_dup(json_object *config)
{
	const char *sys = oc_json_get_str(oc_json_get_obj(oc_json_get_obj(
	    oc_json_get_obj(config, "agents"), "defaults"), "systemAgent"),
	    "agentId");
	json_object *list;
	char **ids;
	size_t i, n;

	if (sys != NULL && *sys != '\0') {
		char *id = oc_ctx_agent_norm_dup(sys);

		ids = oc_ctx_agent_ids_dup(config);
		if (ids == NULL || oc_ctx_agent_entry(config, id) != NULL) {
			oc_xstrv_free(ids);
			return id;
		}
		oc_xstrv_free(ids);
		free(id);
	}
	if ((list = roster_list(config)) != NULL && roster_entries(config) ==
	    NULL && (n = json_object_array_length(list)) > 0) {
		for (i = 0; i < n; i++) {
			json_object *e = json_object_array_get_idx(list, i);
			json_object *d = oc_json_get(e, "default");

			if (d != NULL && json_object_is_type(d,
			    json_type_boolean) && json_object_get_boolean(d) &&
			    oc_json_get_str(e, "id"))
				return oc_ctx_agent_norm_dup(oc_json_get_str(e,
				    "id"));
		}
	}
	ids = oc_ctx_agent_ids_dup(config);
	if (ids != NULL && ids[0] != NULL) {
		char *id = oc_ctx_agent_norm_dup(ids[0]);

		oc_xstrv_free(ids);
		return id;
	}
	oc_xstrv_free(ids);
	return oc_xstrdup("main");
}

/*
 * OpenClaw takes the first existing of: the state dir override's
 * openclaw.json, clawdbot.json, moldbot.json; then the same three names in
 * ~/.openclaw, ~/.clawdbot, ~/.moldbot (even when OPENCLAW_STATE_DIR is set);
 * else <state>/openclaw.json.
 */
static char *
config_candidate_dup(const struct oc_paths *p)
{
	static const char *const names[] = { "openclaw.json", "clawdbot.json",
	    "moldbot.json" };
	static const char *const dirs[] = { ".openclaw", ".clawdbot",
	    ".moldbot" };
	size_t d, n;
	char *c;

	if (env_nonempty("OPENCLAW_STATE_DIR") != NULL)
		for (n = 0; n < 3; n++) {
			c = oc_xasprintf("%s/%s", p->state_dir, names[n]);
			if (oc_file_exists(c))
				return c;
			free(c);
		}
	for (d = 0; d < 3; d++)
		for (n = 0; n < 3; n++) {
			c = oc_xasprintf("%s/%s/%s", p->home, dirs[d], names[n]);
			if (oc_file_exists(c))
				return c;
			free(c);
		}
	return oc_xasprintf("%s/openclaw.json", p->state_dir);
}

static void
paths_free(struct oc_paths *p)
{
	free(p->home);
	free(p->state_dir);
	free(p->config_path);
	free(p->agent_id);
	free(p->agent_dir);
	free(p->main_dir);
	free(p->env_path);
	memset(p, 0, sizeof *p);
}

static int
load_config(struct oc_ctx *ctx, struct oc_err *err)
{
	char *text;
	size_t len;
	json_object *cfg;

	ctx->config_exists = 0;
	if (oc_file_read(ctx->paths.config_path, OC_CONFIG_MAX, &text, &len,
	    err) == -1) {
		if (errno == ENOENT) {
			oc_err_clear(err);
			ctx->config = json_object_new_object();
			return 0;
		}
		return -1;
	}
	ctx->config_exists = 1;
	if (oc_json_parse_lenient(ctx->paths.config_path, text, len, &cfg,
	    err) == -1) {
		free(text);
		return -1;
	}
	free(text);
	if (!json_object_is_type(cfg, json_type_object)) {
		json_object_put(cfg);
		oc_err_set(err, OC_EX_DATAERR,
		    "%s: the config is not a JSON object",
		    ctx->paths.config_path);
		return -1;
	}
	ctx->config = cfg;
	return 0;
}

/*
 * The main agent's dir, whose store every other agent's is merged over:
 * OPENCLAW_AGENT_DIR, else PI_CODING_AGENT_DIR, else <state>/agents/main/
 * agent (resolveOpenClawAgentDir; 2026.9.6's resolveSharedMainAuthAgentDir
 * is the same rule).
 */
static char *
main_dir_dup(const struct oc_paths *p)
{
	const char *v;

	if ((v = env_nonempty("OPENCLAW_AGENT_DIR")) != NULL ||
	    (v = env_nonempty("PI_CODING_AGENT_DIR")) != NULL)
		return oc_ctx_expand_home_dup(v, p->home);
	return oc_xasprintf("%s/agents/main/agent", p->state_dir);
}

int
oc_ctx_open(struct oc_ctx *ctx, const char *agent, struct oc_err *err)
{
	struct oc_paths *p = &ctx->paths;
	const char *v;

	memset(ctx, 0, sizeof *ctx);
	p->home = resolve_home();
	if (p->home == NULL) {
		oc_err_set(err, OC_EX_CONFIG,
		    "cannot determine the home directory: set HOME");
		return -1;
	}
	if ((v = env_nonempty("OPENCLAW_STATE_DIR")) != NULL)
		p->state_dir = oc_ctx_expand_home_dup(v, p->home);
	else {
		static const char *const legacy[] = { ".clawdbot", ".moldbot" };
		size_t i;

		p->state_dir = oc_xasprintf("%s/.openclaw", p->home);
		for (i = 0; i < 2 && !oc_file_exists(p->state_dir); i++) {
			char *l = oc_xasprintf("%s/%s", p->home, legacy[i]);

			if (oc_file_exists(l)) {
				free(p->state_dir);
				p->state_dir = l;
			} else
				free(l);
		}
	}
	if ((v = env_nonempty("OPENCLAW_CONFIG_PATH")) != NULL)
		p->config_path = oc_ctx_expand_home_dup(v, p->home);
	else
		p->config_path = config_candidate_dup(p);
	p->env_path = oc_xasprintf("%s/.env", p->state_dir);

	if (load_config(ctx, err) == -1) {
		oc_ctx_close(ctx);
		return -1;
	}

	if (agent != NULL) {
		json_object *e;
		char **ids = oc_ctx_agent_ids_dup(ctx->config);
		const char *dir;

		p->agent_id = oc_ctx_agent_norm_dup(agent);
		if (*p->agent_id == '\0') {
			oc_xstrv_free(ids);
			oc_err_set(err, OC_EX_USAGE, "empty agent id");
			oc_ctx_close(ctx);
			return -1;
		}
		e = oc_ctx_agent_entry(ctx->config, p->agent_id);
		if (ids == NULL ? strcmp(p->agent_id, "main") != 0 :
		    e == NULL) {
			struct oc_buf known = { 0 };
			size_t i;

			for (i = 0; ids != NULL && ids[i]; i++)
				oc_buf_addf(&known, "%s%s", i ? ", " : "",
				    ids[i]);
			if (ids == NULL)
				oc_buf_adds(&known, "main");
			oc_err_set(err, OC_EX_NEG,
			    "unknown agent id \"%s\" (known: %s)", agent,
			    known.data);
			oc_buf_free(&known);
			oc_xstrv_free(ids);
			oc_ctx_close(ctx);
			return -1;
		}
		oc_xstrv_free(ids);
		dir = oc_json_get_str(e, "agentDir");
		if (dir != NULL && *dir)
			p->agent_dir = oc_ctx_expand_home_dup(dir, p->home);
		p->agent_source = "option";
	} else if ((v = env_nonempty("OPENCLAW_AGENT_DIR")) != NULL ||
	    (v = env_nonempty("PI_CODING_AGENT_DIR")) != NULL) {
		p->agent_dir = oc_ctx_expand_home_dup(v, p->home);
		p->agent_id = default_agent_dup(ctx->config);
		p->agent_source = getenv("OPENCLAW_AGENT_DIR") &&
		    env_nonempty("OPENCLAW_AGENT_DIR") ? "OPENCLAW_AGENT_DIR" :
		    "PI_CODING_AGENT_DIR";
	} else {
		const char *dir;

		p->agent_id = default_agent_dup(ctx->config);
		dir = oc_json_get_str(oc_ctx_agent_entry(ctx->config, p->agent_id),
		    "agentDir");
		if (dir != NULL && *dir)
			p->agent_dir = oc_ctx_expand_home_dup(dir, p->home);
		p->agent_source = "config default";
	}
	if (p->agent_dir == NULL)
		p->agent_dir = oc_xasprintf("%s/agents/%s/agent", p->state_dir,
		    p->agent_id);
	p->main_dir = main_dir_dup(p);
	return 0;
}

int
oc_ctx_same_dir(const char *a, const char *b)
{
	struct stat sa, sb;

	if (strcmp(a, b) == 0)
		return 1;
	if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	return 0;
}

void
oc_ctx_close(struct oc_ctx *ctx)
{
	if (ctx == NULL)
		return;
	paths_free(&ctx->paths);
	if (ctx->config != NULL)
		json_object_put(ctx->config);
	memset(ctx, 0, sizeof *ctx);
}

json_object *
oc_ctx_json(const struct oc_ctx *ctx)
{
	const struct oc_paths *p = &ctx->paths;
	json_object *j = json_object_new_object();

	json_object_object_add(j, "home", json_object_new_string(p->home));
	json_object_object_add(j, "stateDir",
	    json_object_new_string(p->state_dir));
	json_object_object_add(j, "config",
	    json_object_new_string(p->config_path));
	json_object_object_add(j, "configExists",
	    json_object_new_boolean(ctx->config_exists));
	json_object_object_add(j, "agentId", json_object_new_string(p->agent_id));
	json_object_object_add(j, "agentDir",
	    json_object_new_string(p->agent_dir));
	json_object_object_add(j, "mainAgentDir",
	    json_object_new_string(p->main_dir));
	json_object_object_add(j, "envFile", json_object_new_string(p->env_path));
	return j;
}
