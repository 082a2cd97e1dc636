/* SPDX-License-Identifier: ISC */
/*
 * oc-profile - list, show, add, remove OpenClaw auth profiles.
 */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "oc.h"

#define SECRET_MAX (64u << 10)

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: oc-profile [-a agent] [--json] list [-p provider]\n"
	    "       oc-profile [-a agent] list --ids [-p provider]\n"
	    "       oc-profile [-a agent] [--json] show [--reveal] id\n"
	    "       oc-profile [-a agent] add [-t api_key|token] "
	    "[--expires-in dur] [--ref source:provider:id]\n"
	    "                  [--email addr] [--no-config] [--wait dur] "
	    "[--force] id\n"
	    "       oc-profile [-a agent] rm [--wait dur] [--force] id ...\n"
	    "       oc-profile [-a agent] [--json] path\n"
	    "       oc-profile [-a agent] [--json] cooldowns [--clear] [id ...]\n"
	    "       oc-profile agents\n"
	    "       oc-profile -h | -V\n");
}

enum {
	OPT_REVEAL = OC_OPT_FIRST_PRIVATE,
	OPT_EXPIRES_IN,
	OPT_REF,
	OPT_EMAIL,
	OPT_NO_CONFIG,
	OPT_CLEAR,
	OPT_IDS
};

struct opts {
	struct oc_cli cli;
	const char *provider;
	const char *type;
	const char *expires_in;
	const char *ref;
	const char *email;
	int reveal, no_config, clear, ids;
};

static void
fmt_expires(const struct oc_cred *c, char *buf, size_t sz)
{
	if (c->expires_valid) {
		char iso[40];

		oc_iso8601(c->expires, iso, sizeof iso);
		snprintf(buf, sz, "%.16sZ", iso);
	} else if (c->expires_invalid || (c->has_expires && !c->expires_valid))
		snprintf(buf, sz, "invalid");
	else
		snprintf(buf, sz, "never");
}

static const char *
secret_source(const struct oc_cred *c)
{
	const char *src = oc_json_get_str(c->ref, "source");

	return src ? src : "ref";
}

static int
load_store(struct oc_ctx *ctx, struct oc_store *s)
{
	struct oc_err err;

	if (oc_store_load(s, &ctx->paths, &err) == -1)
		return oc_report(&err);
	if (s->exists && oc_store_insecure(&ctx->paths))
		oc_warnx("warning: %s is readable by other users "
		    "(chmod 600 it)", ctx->paths.store_path);
	return 0;
}

/* ---- list ---- */
static int
cmd_list(struct oc_ctx *ctx, struct opts *o, int argc, char **argv)
{
	struct oc_store s;
	struct oc_table t;
	json_object *arr = NULL, *profiles;
	char *want = NULL;
	int64_t now = oc_now_ms();
	int r;

	if (argc != 0) {
		oc_warnx("list: unexpected argument \"%s\"", argv[0]);
		return OC_EX_USAGE;
	}
	if ((r = load_store(ctx, &s)) != 0)
		return r;
	if (o->provider)
		want = oc_provider_norm_dup(o->provider);
	oc_table_init(&t, 6);
	if (o->ids)
		;
	else if (o->cli.json)
		arr = json_object_new_array();
	else {
		const char *h[] = { "ID", "TYPE", "PROVIDER", "STATE",
		    "EXPIRES", "SECRET" };

		oc_table_add(&t, h);
	}
	profiles = oc_store_profiles(&s);
	{
		json_object_object_foreach(profiles, id, p) {
			struct oc_cred c;
			enum oc_cstate st;
			char exp[48], *norm, *mask;
			const char *cells[6];

			if (!json_object_is_type(p, json_type_object))
				continue;
			oc_cred_parse(id, p, &c);
			norm = c.provider ? oc_provider_norm_dup(c.provider) :
			    oc_xstrdup("-");
			if (want && strcmp(norm, want) != 0) {
				free(norm);
				continue;
			}
			if (o->ids) {
				/* For completion and scripts: nothing else. */
				printf("%s\n", id);
				free(norm);
				continue;
			}
			st = oc_cred_state(&c, now, 24 * 3600 * 1000LL);
			if (arr) {
				json_object_array_add(arr,
				    oc_cred_json(&c, st, o->reveal));
				free(norm);
				continue;
			}
			fmt_expires(&c, exp, sizeof exp);
			if (c.secret)
				mask = o->reveal ? oc_xstrdup(c.secret) :
				    oc_mask_dup(c.secret);
			else if (c.ref)
				mask = oc_xasprintf("<%s ref>",
				    secret_source(&c));
			else
				mask = oc_xstrdup("-");
			cells[0] = id;
			cells[1] = c.type_str;
			cells[2] = norm;
			cells[3] = oc_cstate_name(st);
			cells[4] = exp;
			cells[5] = mask;
			oc_table_add(&t, cells);
			oc_free_secret(mask);
			free(norm);
		}
	}
	if (arr) {
		oc_json_print(stdout, arr);
		json_object_put(arr);
	} else if (t.rows > 1)
		oc_table_print(&t, stdout);
	oc_table_free(&t);
	free(want);
	oc_store_free(&s);
	return 0;
}

/* ---- show ---- */
static int
cmd_show(struct oc_ctx *ctx, struct opts *o, int argc, char **argv)
{
	struct oc_store s;
	json_object *p, *out;
	struct oc_cred c;
	int r;

	if (argc != 1) {
		oc_warnx("show: expected one profile id");
		return OC_EX_USAGE;
	}
	if ((r = load_store(ctx, &s)) != 0)
		return r;
	p = oc_store_profile(&s, argv[0]);
	if (p == NULL) {
		oc_warnx("no such profile: %s (in %s)", argv[0], s.path);
		oc_store_free(&s);
		return OC_EX_NEG;
	}
	oc_cred_parse(argv[0], p, &c);
	/* A copy with the secrets masked, unless --reveal. */
	out = o->reveal ? json_object_get(p) : oc_profile_masked(p);
	if (o->cli.json) {
		json_object *w = json_object_new_object();

		json_object_object_add(w, "id", json_object_new_string(argv[0]));
		json_object_object_add(w, "state", json_object_new_string(
		    oc_cstate_name(oc_cred_state(&c, oc_now_ms(),
		    24 * 3600 * 1000LL))));
		json_object_object_add(w, "profile", out);
		oc_json_print(stdout, w);
		json_object_put(w);
	} else {
		char exp[48];

		printf("id: %s\n", argv[0]);
		printf("state: %s\n", oc_cstate_name(oc_cred_state(&c,
		    oc_now_ms(), 24 * 3600 * 1000LL)));
		fmt_expires(&c, exp, sizeof exp);
		printf("expires: %s\n", exp);
		json_object_object_foreach(out, k, v) {
			if (json_object_is_type(v, json_type_string))
				printf("%s: %s\n", k, json_object_get_string(v));
			else {
				struct oc_buf b = { 0 };

				oc_json_dump(&b, v, 0);
				printf("%s: %s\n", k, b.data);
				oc_buf_free(&b);
			}
		}
		json_object_put(out);
	}
	oc_store_free(&s);
	return 0;
}

/* ---- add ---- */
struct add_arg {
	const char *id;
	json_object *cred;	/* the new profile, owned by the caller */
};

static int
add_edit(struct oc_store *s, void *arg, struct oc_err *err)
{
	struct add_arg *a = arg;
	json_object *old = oc_store_profile(s, a->id);

	(void)err;
	if (old != NULL && oc_json_equal(old, a->cred))
		return 0;
	json_object_object_add(oc_store_profiles(s), a->id,
	    json_object_get(a->cred));
	return 1;
}

struct cfg_arg {
	const char *id, *provider, *mode, *email;
};

static int
cfg_add_edit(json_object *cfg, void *arg, struct oc_err *err)
{
	struct cfg_arg *a = arg;

	(void)err;
	oc_authcfg_set_profile(cfg, a->id, a->provider, a->mode, a->email);
	return 1;
}

static json_object *
parse_ref(const char *spec, struct oc_err *err)
{
	const char *c1 = strchr(spec, ':'), *c2;
	json_object *r;
	char *src;

	c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (c1 == NULL || c2 == NULL || c1 == spec || c2 == c1 + 1 ||
	    c2[1] == '\0') {
		oc_err_set(err, OC_EX_USAGE,
		    "--ref: expected SOURCE:PROVIDER:ID, e.g. env:default:"
		    "OPENAI_API_KEY");
		return NULL;
	}
	src = oc_xstrndup(spec, (size_t)(c1 - spec));
	if (strcmp(src, "env") != 0 && strcmp(src, "file") != 0 &&
	    strcmp(src, "exec") != 0) {
		oc_err_set(err, OC_EX_USAGE,
		    "--ref: unknown source \"%s\" (env, file or exec)", src);
		free(src);
		return NULL;
	}
	r = json_object_new_object();
	json_object_object_add(r, "source", json_object_new_string(src));
	json_object_object_add(r, "provider",
	    json_object_new_string_len(c1 + 1, (int)(c2 - c1 - 1)));
	json_object_object_add(r, "id", json_object_new_string(c2 + 1));
	free(src);
	return r;
}

static int
cmd_add(struct oc_ctx *ctx, struct opts *o, int argc, char **argv)
{
	struct oc_err err;
	struct add_arg a;
	enum oc_ctype type = OC_CT_TOKEN;
	char *provider = NULL, *id = NULL, *secret = NULL, *prompt;
	json_object *cred = NULL, *ref = NULL;
	int64_t dur = 0;
	int r = 0;

	if (argc != 1) {
		oc_warnx("add: expected one profile id (PROVIDER:NAME)");
		return OC_EX_USAGE;
	}
	if (o->type != NULL) {
		type = oc_ctype_parse(o->type);
		if (type != OC_CT_API_KEY && type != OC_CT_TOKEN) {
			oc_warnx("add: -t takes api_key or token, not \"%s\" "
			    "(oauth profiles come from oc-sync or `openclaw "
			    "models auth login`)", o->type);
			return OC_EX_USAGE;
		}
	}
	/* A bare provider means <provider>:manual, as paste-token. */
	if (strchr(argv[0], ':') == NULL) {
		provider = oc_provider_norm_dup(argv[0]);
		id = oc_xasprintf("%s:manual", provider);
	} else {
		provider = oc_profile_provider_dup(argv[0]);
		id = oc_xstrdup(argv[0]);
		if (provider == NULL || *provider == '\0' ||
		    id[strlen(id) - 1] == ':') {
			oc_warnx("add: invalid profile id \"%s\" (expected "
			    "PROVIDER:NAME)", argv[0]);
			r = OC_EX_USAGE;
			goto out;
		}
	}
	if (*provider == '\0') {
		oc_warnx("add: empty provider");
		r = OC_EX_USAGE;
		goto out;
	}
	if (o->expires_in != NULL) {
		if (type == OC_CT_API_KEY) {
			oc_warnx("add: --expires-in applies to tokens, not "
			    "api keys");
			r = OC_EX_USAGE;
			goto out;
		}
		if (oc_duration_parse(o->expires_in, 'd', &dur, &err) == -1) {
			r = oc_report(&err);
			goto out;
		}
	}
	if (o->ref != NULL && (ref = parse_ref(o->ref, &err)) == NULL) {
		r = oc_report(&err);
		goto out;
	}
	if ((r = oc_era_guard(ctx, 1, o->cli.force)) != 0)
		goto out;

	if (ref == NULL) {
		prompt = oc_xasprintf("Paste %s for %s: ",
		    type == OC_CT_API_KEY ? "API key" : "token", id);
		r = oc_secret_read(prompt, SECRET_MAX, &secret, &err);
		free(prompt);
		if (r == -1) {
			r = oc_report(&err);
			goto out;
		}
		oc_token_normalize(secret, strcmp(provider, "anthropic") == 0 &&
		    type == OC_CT_TOKEN);
		if (*secret == '\0') {
			oc_warnx("add: empty %s on standard input: nothing "
			    "written", type == OC_CT_API_KEY ? "key" : "token");
			r = OC_EX_DATAERR;
			goto out;
		}
		if (strcmp(provider, "anthropic") == 0 && type == OC_CT_TOKEN &&
		    oc_anthropic_token_check(secret, &err) == -1) {
			oc_warnx("add: %s; for an API key use -t api_key; "
			    "nothing written", err.msg);
			r = err.code;
			goto out;
		}
	}

	cred = json_object_new_object();
	json_object_object_add(cred, "type",
	    json_object_new_string(oc_ctype_name(type)));
	json_object_object_add(cred, "provider",
	    json_object_new_string(provider));
	if (ref != NULL) {
		json_object_object_add(cred,
		    type == OC_CT_API_KEY ? "keyRef" : "tokenRef", ref);
		ref = NULL;
	} else
		json_object_object_add(cred,
		    type == OC_CT_API_KEY ? "key" : "token",
		    json_object_new_string(secret));
	if (o->expires_in != NULL)
		json_object_object_add(cred, "expires",
		    json_object_new_int64(oc_now_ms() + dur));
	if (o->email != NULL)
		json_object_object_add(cred, "email",
		    json_object_new_string(o->email));

	a.id = id;
	a.cred = cred;
	if (oc_store_update(&ctx->paths, o->cli.wait_ms, add_edit, &a,
	    &err) == -1) {
		r = oc_report(&err);
		goto out;
	}
	if (!o->no_config) {
		struct cfg_arg ca = { id, provider, oc_ctype_name(type),
		    o->email };

		if (oc_config_update(ctx->paths.config_path, o->cli.wait_ms,
		    cfg_add_edit, &ca, &err) == -1) {
			oc_warnx("the profile was saved in %s, but the config "
			    "was not updated", ctx->paths.store_path);
			r = oc_report(&err);
			goto out;
		}
	}
	if (o->cli.json) {
		json_object *j = json_object_new_object();

		json_object_object_add(j, "id", json_object_new_string(id));
		json_object_object_add(j, "provider",
		    json_object_new_string(provider));
		json_object_object_add(j, "type",
		    json_object_new_string(oc_ctype_name(type)));
		json_object_object_add(j, "store",
		    json_object_new_string(ctx->paths.store_path));
		json_object_object_add(j, "config", o->no_config ? NULL :
		    json_object_new_string(ctx->paths.config_path));
		oc_json_print(stdout, j);
		json_object_put(j);
	} else
		printf("%s (%s/%s) saved in %s\n", id, provider,
		    oc_ctype_name(type), ctx->paths.store_path);
out:
	if (cred)
		json_object_put(cred);
	if (ref)
		json_object_put(ref);
	oc_free_secret(secret);
	free(provider);
	free(id);
	return r;
}

/* ---- rm ---- */
struct rm_arg {
	char **ids;
	int n;
	const char *missing;
};

static int
rm_edit(struct oc_store *s, void *arg, struct oc_err *err)
{
	struct rm_arg *a = arg;
	int i;

	for (i = 0; i < a->n; i++)
		if (oc_store_profile(s, a->ids[i]) == NULL) {
			oc_err_set(err, OC_EX_NEG, "no such profile: %s (in %s); "
			    "nothing removed", a->ids[i], s->path);
			return -1;
		}
	for (i = 0; i < a->n; i++)
		(void)oc_store_remove_profile(s, a->ids[i]);
	return 1;
}

static int
cfg_rm_edit(json_object *cfg, void *arg, struct oc_err *err)
{
	struct rm_arg *a = arg;
	int i, changed = 0;

	(void)err;
	for (i = 0; i < a->n; i++)
		changed |= oc_authcfg_remove_profile(cfg, a->ids[i]);
	return changed;
}

static int
cmd_rm(struct oc_ctx *ctx, struct opts *o, int argc, char **argv)
{
	struct oc_err err;
	struct rm_arg a = { argv, argc, NULL };
	int r, i;

	if (argc < 1) {
		oc_warnx("rm: expected at least one profile id");
		return OC_EX_USAGE;
	}
	if ((r = oc_era_guard(ctx, 1, o->cli.force)) != 0)
		return r;
	if (oc_store_update(&ctx->paths, o->cli.wait_ms, rm_edit, &a,
	    &err) == -1)
		return oc_report(&err);
	if (ctx->config_exists && oc_config_update(ctx->paths.config_path,
	    o->cli.wait_ms, cfg_rm_edit, &a, &err) == -1) {
		oc_warnx("the profiles were removed from %s, but not from the "
		    "config", ctx->paths.store_path);
		return oc_report(&err);
	}
	for (i = 0; i < argc && !o->cli.json; i++)
		printf("removed %s\n", argv[i]);
	if (o->cli.json) {
		json_object *j = json_object_new_object(), *arr;

		arr = json_object_new_array();
		for (i = 0; i < argc; i++)
			json_object_array_add(arr,
			    json_object_new_string(argv[i]));
		json_object_object_add(j, "removed", arr);
		oc_json_print(stdout, j);
		json_object_put(j);
	}
	return 0;
}

/* ---- path ---- */
static int
cmd_path(struct oc_ctx *ctx, struct opts *o, int argc, char **argv)
{
	const struct oc_paths *p = &ctx->paths;
	const char *layout = oc_path_exists(p->state_path) ?
	    "auth-state.json" : "inline";
	const char *era = ctx->era == OC_ERA_SQLITE ? "sqlite" : "json";

	if (argc != 0) {
		oc_warnx("path: unexpected argument \"%s\"", argv[0]);
		return OC_EX_USAGE;
	}
	(void)oc_era_guard(ctx, 0, 0);
	if (o->cli.json) {
		json_object *j = oc_ctx_json(ctx);

		oc_json_print(stdout, j);
		json_object_put(j);
		return 0;
	}
	printf("home       %s\n", p->home);
	printf("state dir  %s\n", p->state_dir);
	printf("config     %s%s\n", p->config_path,
	    ctx->config_exists ? "" : " (missing)");
	printf("agent      %s (%s)\n", p->agent_id, p->agent_source);
	printf("agent dir  %s\n", p->agent_dir);
	printf("store      %s%s\n", p->store_path,
	    oc_path_exists(p->store_path) ? "" : " (missing)");
	printf("layout     %s\n", layout);
	printf("env file   %s\n", p->env_path);
	printf("era        %s%s%s\n", era, ctx->sqlite_path ? " " : "",
	    ctx->sqlite_path ? ctx->sqlite_path : "");
	return 0;
}

/* ---- cooldowns ---- */
struct cd_arg {
	char **ids;
	int n;
};

static int
cd_clear_edit(struct oc_store *s, void *arg, struct oc_err *err)
{
	struct cd_arg *a = arg;

	(void)err;
	return oc_usage_clear(s, a->ids, (size_t)a->n);
}

static int
wanted(char **ids, int n, const char *id)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(ids[i], id) == 0)
			return 1;
	return n == 0;
}

static int
cmd_cooldowns(struct oc_ctx *ctx, struct opts *o, int argc, char **argv)
{
	struct oc_store s;
	struct oc_table t;
	json_object *us, *arr = NULL;
	int64_t now = oc_now_ms();
	int r;

	if (o->clear) {
		struct oc_err err;
		struct cd_arg a = { argv, argc };

		if ((r = oc_era_guard(ctx, 1, o->cli.force)) != 0)
			return r;
		r = oc_store_update(&ctx->paths, o->cli.wait_ms, cd_clear_edit,
		    &a, &err);
		if (r == -1)
			return oc_report(&err);
		if (!o->cli.json)
			printf("%s\n", r == 1 ? "cooldowns cleared" :
			    "no cooldowns to clear");
	}
	if ((r = load_store(ctx, &s)) != 0)
		return r;
	us = oc_store_routing(&s, "usageStats");
	oc_table_init(&t, 5);
	if (o->cli.json)
		arr = json_object_new_array();
	else {
		const char *h[] = { "ID", "STATE", "UNTIL", "ERRORS", "REASON" };

		oc_table_add(&t, h);
	}
	if (us != NULL) {
		json_object_object_foreach(us, id, st) {
			int64_t errs = 0, until;
			const char *state, *reason;
			char iso[40] = "-", ebuf[24];

			if (!wanted(argv, argc, id) ||
			    !json_object_is_type(st, json_type_object))
				continue;
			(void)oc_json_get_i64(st, "errorCount", &errs);
			reason = oc_json_get_str(st, "disabledReason");
			state = oc_usage_state(st, now, &until);
			if (until)
				oc_iso8601(until, iso, sizeof iso);
			if (arr) {
				json_object *j = json_object_new_object();

				json_object_object_add(j, "id",
				    json_object_new_string(id));
				json_object_object_add(j, "state",
				    json_object_new_string(state));
				json_object_object_add(j, "until", until ?
				    json_object_new_int64(until) : NULL);
				json_object_object_add(j, "errorCount",
				    json_object_new_int64(errs));
				json_object_object_add(j, "reason", reason ?
				    json_object_new_string(reason) : NULL);
				json_object_object_add(j, "usageStats",
				    json_object_get(st));
				json_object_array_add(arr, j);
			} else {
				const char *cells[5];

				snprintf(ebuf, sizeof ebuf, "%lld",
				    (long long)errs);
				cells[0] = id;
				cells[1] = state;
				cells[2] = iso;
				cells[3] = ebuf;
				cells[4] = reason ? reason : "-";
				oc_table_add(&t, cells);
			}
		}
	}
	if (arr) {
		oc_json_print(stdout, arr);
		json_object_put(arr);
	} else if (t.rows > 1)
		oc_table_print(&t, stdout);
	oc_table_free(&t);
	oc_store_free(&s);
	return 0;
}

/* ---- agents: the configured agent ids, one a line (for completion) ---- */
static int
cmd_agents(struct oc_ctx *ctx, int argc, char **argv)
{
	char **ids;
	size_t i;

	if (argc != 0) {
		oc_warnx("agents: unexpected argument \"%s\"", argv[0]);
		return OC_EX_USAGE;
	}
	/* No agents.list: OpenClaw runs the one agent "main". */
	if ((ids = oc_config_agent_ids_dup(ctx->config)) == NULL) {
		printf("main\n");
		return 0;
	}
	for (i = 0; ids[i] != NULL; i++)
		printf("%s\n", ids[i]);
	oc_strv_free(ids);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		OC_COMMON_LONGOPTS,
		{ "provider", required_argument, NULL, 'p' },
		{ "type", required_argument, NULL, 't' },
		{ "reveal", no_argument, NULL, OPT_REVEAL },
		{ "expires-in", required_argument, NULL, OPT_EXPIRES_IN },
		{ "ref", required_argument, NULL, OPT_REF },
		{ "email", required_argument, NULL, OPT_EMAIL },
		{ "no-config", no_argument, NULL, OPT_NO_CONFIG },
		{ "clear", no_argument, NULL, OPT_CLEAR },
		{ "ids", no_argument, NULL, OPT_IDS },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const cmds[] = { "list", "ls", "show", "add", "rm", "path", "cooldowns", "agents", NULL };
	struct opts o;
	struct oc_ctx ctx;
	struct oc_err err;
	const char *cmd;
	int ch, r;

	oc_set_progname(argv[0]);
	memset(&o, 0, sizeof o);
	oc_cli_init(&o.cli);
	while ((ch = getopt_long(argc, argv, "a:hVp:t:", longopts, NULL)) != -1) {
		if ((r = oc_cli_option(&o.cli, ch, optarg)) == 1)
			continue;
		if (r == -1)
			return OC_EX_USAGE;
		switch (ch) {
		case 'p':
			o.provider = optarg;
			break;
		case 't':
			o.type = optarg;
			break;
		case OPT_REVEAL:
			o.reveal = 1;
			break;
		case OPT_EXPIRES_IN:
			o.expires_in = optarg;
			break;
		case OPT_REF:
			o.ref = optarg;
			break;
		case OPT_EMAIL:
			o.email = optarg;
			break;
		case OPT_NO_CONFIG:
			o.no_config = 1;
			break;
		case OPT_CLEAR:
			o.clear = 1;
			break;
		case OPT_IDS:
			o.ids = 1;
			break;
		default:
			usage(stderr);
			return OC_EX_USAGE;
		}
	}
	if ((r = oc_cli_command(&o.cli, usage, cmds, &argc, &argv,
	    &cmd)) != -1)
		return r;
	if (oc_ctx_open(&ctx, o.cli.agent, &err) == -1)
		return oc_report(&err);
	if (strcmp(cmd, "agents") == 0)
		r = cmd_agents(&ctx, argc, argv);
	else if (strcmp(cmd, "list") == 0 || strcmp(cmd, "ls") == 0) {
		(void)oc_era_guard(&ctx, 0, 0);
		r = cmd_list(&ctx, &o, argc, argv);
	} else if (strcmp(cmd, "show") == 0) {
		(void)oc_era_guard(&ctx, 0, 0);
		r = cmd_show(&ctx, &o, argc, argv);
	} else if (strcmp(cmd, "add") == 0)
		r = cmd_add(&ctx, &o, argc, argv);
	else if (strcmp(cmd, "rm") == 0)
		r = cmd_rm(&ctx, &o, argc, argv);
	else if (strcmp(cmd, "path") == 0)
		r = cmd_path(&ctx, &o, argc, argv);
	else {
		if (!o.clear)
			(void)oc_era_guard(&ctx, 0, 0);
		r = cmd_cooldowns(&ctx, &o, argc, argv);
	}
	oc_ctx_close(&ctx);
	return r;
}
