/* SPDX-License-Identifier: ISC */
/*
 * oc-profile - list, show, add, remove OpenClaw auth profiles.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "oc.h"

#define SECRET_MAX (64u << 10)
#define DAY_MS (24 * 3600 * 1000LL)

enum {
	OPT_REVEAL = OC_OPT_FIRST_PRIVATE,
	OPT_EXPIRES_IN,
	OPT_REF,
	OPT_EMAIL,
	OPT_NO_CONFIG,
	OPT_CLEAR,
	OPT_IDS,
	OPT_DRY_RUN
};

struct opts {
	const char *provider;
	const char *type;
	const char *expires_in;
	const char *ref;
	const char *email;
	int reveal, no_config, clear, ids, dry_run;
};

static int
set_opt(struct oc_cmd *cmd, int id, const char *arg)
{
	struct opts *o = cmd->data;

	switch (id) {
	case 'p':
		o->provider = arg;
		return 0;
	case 't':
		o->type = arg;
		return 0;
	case OPT_REVEAL:
		o->reveal = 1;
		return 0;
	case OPT_EXPIRES_IN:
		o->expires_in = arg;
		return 0;
	case OPT_REF:
		o->ref = arg;
		return 0;
	case OPT_EMAIL:
		o->email = arg;
		return 0;
	case OPT_NO_CONFIG:
		o->no_config = 1;
		return 0;
	case OPT_CLEAR:
		o->clear = 1;
		return 0;
	case OPT_IDS:
		o->ids = 1;
		return 0;
	case OPT_DRY_RUN:
		o->dry_run = 1;
		return 0;
	}
	return -1;
}

static int
open_store(struct oc_cmd *cmd, struct oc_store *s)
{
	struct oc_err err;

	if (oc_store_open(s, &cmd->ctx, &err) == -1)
		return oc_out_report(&err);
	oc_cli_store_warn(s);
	return 0;
}

/* ---- list ---- */
static int
cmd_list(struct oc_cmd *cmd, int argc, char **argv)
{
	struct opts *o = cmd->data;
	struct oc_store s;
	struct oc_table t;
	json_object *arr = NULL;
	char *want = NULL;
	int64_t now = oc_time_now_ms();
	size_t i;
	int r;

	if (argc != 0) {
		oc_out_warnx("list: unexpected argument \"%s\"", argv[0]);
		return OC_EX_USAGE;
	}
	if (o->ids && (cmd->cli.json || o->reveal)) {
		oc_out_warnx("list: --ids goes with neither --json nor --reveal");
		return OC_EX_USAGE;
	}
	if ((r = open_store(cmd, &s)) != 0)
		return r;
	if (o->provider)
		want = oc_provider_auth_dup(o->provider);
	oc_out_table_init(&t, 6);
	if (cmd->cli.json)
		arr = json_object_new_array();
	else if (!o->ids) {
		const char *h[] = { "ID", "TYPE", "PROVIDER", "STATE",
		    "EXPIRES", "SECRET" };

		oc_out_table_add(&t, h);
	}
	for (i = 0; i < s.ncreds; i++) {
		const struct oc_cred *c = &s.creds[i];
		struct oc_rules_health h;
		char exp[48], *mask;
		const char *cells[6];

		if (c->entry == OC_CE_NON_OBJECT)
			continue;
		if (want && (c->provider == NULL ||
		    strcmp(c->provider, want) != 0))
			continue;
		if (o->ids) {
			printf("%s\n", c->id);
			continue;
		}
		oc_rules_health(c, now, DAY_MS, s.rules, &h);
		if (arr) {
			json_object_array_add(arr,
			    oc_view_cred_json(c, &h, o->reveal));
			continue;
		}
		oc_view_expires(c, exp, sizeof exp);
		mask = oc_view_secret_dup(c, o->reveal);
		cells[0] = c->id;
		cells[1] = c->type_raw ? c->type_raw : "-";
		cells[2] = c->provider ? c->provider : "-";
		cells[3] = oc_view_state(&h);
		cells[4] = exp;
		cells[5] = mask;
		oc_out_table_add(&t, cells);
		oc_secret_free(mask);
	}
	if (arr) {
		oc_json_print(stdout, arr);
		oc_json_wipe_put(arr);
	} else if (t.rows > 1)
		oc_out_table_print(&t, stdout);
	oc_out_table_free(&t);
	free(want);
	oc_store_close(&s);
	return 0;
}

/* ---- show ---- */
static int
cmd_show(struct oc_cmd *cmd, int argc, char **argv)
{
	struct opts *o = cmd->data;
	struct oc_store s;
	const struct oc_cred *c;
	struct oc_rules_health h;
	json_object *p = NULL, *out;
	struct oc_err err;
	int r;

	if (argc != 1) {
		oc_out_warnx("show: expected one profile id");
		return OC_EX_USAGE;
	}
	if ((r = open_store(cmd, &s)) != 0)
		return r;
	c = oc_store_get(&s, argv[0]);
	if (c == NULL || c->raw.p == NULL || oc_json_parse(argv[0], c->raw.p,
	    c->raw.n, &p, &err) == -1) {
		oc_out_warnx("no such profile: %s (in %s)", argv[0],
		    oc_store_target_name(&s));
		oc_store_close(&s);
		return OC_EX_NEG;
	}
	oc_rules_health(c, oc_time_now_ms(), DAY_MS, s.rules, &h);
	/* A copy with the secrets masked, unless --reveal. */
	out = o->reveal ? json_object_get(p) : oc_view_masked(p);
	if (cmd->cli.json) {
		json_object *w = json_object_new_object();

		json_object_object_add(w, "id", json_object_new_string(argv[0]));
		json_object_object_add(w, "state",
		    json_object_new_string(oc_view_state(&h)));
		json_object_object_add(w, "status",
		    json_object_new_string(oc_rules_hstatus_name(h.status)));
		json_object_object_add(w, "profile", out);
		oc_json_print(stdout, w);
		oc_json_wipe_put(w);
	} else {
		char exp[48];

		printf("id: %s\n", argv[0]);
		printf("state: %s\n", oc_view_state(&h));
		oc_view_expires(c, exp, sizeof exp);
		printf("expires: %s\n", exp);
		if (json_object_is_type(out, json_type_object)) {
			json_object_object_foreach(out, k, v) {
				struct oc_buf b = { 0 };

				if (json_object_is_type(v, json_type_string)) {
					printf("%s: %s\n", k,
					    json_object_get_string(v));
					continue;
				}
				oc_json_dump(&b, v, 0);
				printf("%s: %s\n", k, b.data);
				oc_buf_free(&b);
			}
		}
		oc_json_wipe_put(out);
	}
	oc_json_wipe_put(p);
	oc_store_close(&s);
	return 0;
}

/* ---- add ---- */
struct add_arg {
	const char *id;
	json_object *cred;	/* the new profile, owned by the caller */
	const char *where;	/* where it went */
	char *where_buf;
};

static int
add_edit(struct oc_txn *t, void *arg, struct oc_err *err)
{
	struct add_arg *a = arg;
	json_object *old = oc_store_txn_profile(t, a->id);
	int same = old != NULL && oc_json_equal(old, a->cred);

	(void)err;
	if (old != NULL)
		oc_json_wipe_put(old);
	free(a->where_buf);
	a->where_buf = oc_xstrdup(oc_store_txn_target_name(t, a->id));
	a->where = a->where_buf;
	if (same)
		return 0;
	/* a copy of its own: the change wipes what it holds when done */
	old = NULL;
	json_object_deep_copy(a->cred, &old, NULL);
	oc_store_txn_put(t, a->id, old);
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
cmd_add(struct oc_cmd *cmd, int argc, char **argv)
{
	struct opts *o = cmd->data;
	struct oc_ctx *ctx = &cmd->ctx;
	struct oc_err err;
	struct add_arg a;
	enum oc_ctype type = OC_CT_TOKEN;
	char *provider = NULL, *id = NULL, *secret = NULL, *prompt;
	json_object *cred = NULL, *ref = NULL;
	int64_t dur = 0;
	int r = 0;

	memset(&a, 0, sizeof a);
	if (argc != 1) {
		oc_out_warnx("add: expected one profile id (PROVIDER:NAME)");
		return OC_EX_USAGE;
	}
	if (o->type != NULL) {
		type = oc_cred_type_parse(o->type);
		if (type != OC_CT_API_KEY && type != OC_CT_TOKEN) {
			oc_out_warnx("add: -t takes api_key or token, not \"%s\" "
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
		provider = oc_provider_of_profile_dup(argv[0]);
		id = oc_xstrdup(argv[0]);
		if (provider == NULL || *provider == '\0' ||
		    id[strlen(id) - 1] == ':') {
			oc_out_warnx("add: invalid profile id \"%s\" (expected "
			    "PROVIDER:NAME)", argv[0]);
			r = OC_EX_USAGE;
			goto out;
		}
	}
	if (*provider == '\0') {
		oc_out_warnx("add: empty provider");
		r = OC_EX_USAGE;
		goto out;
	}
	if (o->expires_in != NULL) {
		if (type == OC_CT_API_KEY) {
			oc_out_warnx("add: --expires-in applies to tokens, not "
			    "api keys");
			r = OC_EX_USAGE;
			goto out;
		}
		if (oc_duration_parse(o->expires_in, 'd', &dur, &err) == -1) {
			r = oc_out_report(&err);
			goto out;
		}
	}
	if (o->ref != NULL && (ref = parse_ref(o->ref, &err)) == NULL) {
		r = oc_out_report(&err);
		goto out;
	}
	if (ref == NULL) {
		prompt = oc_xasprintf("Paste %s for %s: ",
		    type == OC_CT_API_KEY ? "API key" : "token", id);
		r = oc_secret_read(prompt, SECRET_MAX, &secret, &err);
		free(prompt);
		if (r == -1) {
			r = oc_out_report(&err);
			goto out;
		}
		oc_secret_token_normalize(secret, strcmp(provider, "anthropic") == 0 &&
		    type == OC_CT_TOKEN);
		if (*secret == '\0') {
			oc_out_warnx("add: empty %s on standard input: nothing "
			    "written", type == OC_CT_API_KEY ? "key" : "token");
			r = OC_EX_DATAERR;
			goto out;
		}
		if (strcmp(provider, "anthropic") == 0 && type == OC_CT_TOKEN &&
		    oc_secret_anthropic_check(secret, &err) == -1) {
			oc_out_warnx("add: %s; for an API key use -t api_key; "
			    "nothing written", err.msg);
			r = err.code;
			goto out;
		}
	}

	cred = json_object_new_object();
	json_object_object_add(cred, "type",
	    json_object_new_string(oc_cred_type_name(type)));
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
		    json_object_new_int64(oc_time_now_ms() + dur));
	if (o->email != NULL)
		json_object_object_add(cred, "email",
		    json_object_new_string(o->email));

	a.id = id;
	a.cred = cred;
	if (oc_store_update(ctx, cmd->cli.wait_ms, add_edit, &a, &err) == -1) {
		r = oc_out_report(&err);
		goto out;
	}
	if (!o->no_config) {
		struct cfg_arg ca = { id, provider, oc_cred_type_name(type),
		    o->email };

		if (oc_config_update(ctx->paths.config_path, cmd->cli.wait_ms,
		    cfg_add_edit, &ca, &err) == -1) {
			oc_out_warnx("the profile was saved in %s, but the config "
			    "was not updated", a.where);
			r = oc_out_report(&err);
			goto out;
		}
	}
	if (cmd->cli.json) {
		json_object *j = json_object_new_object();

		json_object_object_add(j, "id", json_object_new_string(id));
		json_object_object_add(j, "provider",
		    json_object_new_string(provider));
		json_object_object_add(j, "type",
		    json_object_new_string(oc_cred_type_name(type)));
		json_object_object_add(j, "store",
		    json_object_new_string(a.where));
		json_object_object_add(j, "config", o->no_config ? NULL :
		    json_object_new_string(ctx->paths.config_path));
		oc_json_print(stdout, j);
		json_object_put(j);
	} else
		printf("%s (%s/%s) saved in %s\n", id, provider,
		    oc_cred_type_name(type), a.where);
	oc_cli_reload(ctx, &cmd->cli);
out:
	if (cred)
		oc_json_wipe_put(cred);
	if (ref)
		json_object_put(ref);
	oc_secret_free(secret);
	free(a.where_buf);
	free(provider);
	free(id);
	return r;
}

/* ---- rm ---- */
struct rm_arg {
	char **ids;
	int n;
	char *where;
};

static int
rm_edit(struct oc_txn *t, void *arg, struct oc_err *err)
{
	struct rm_arg *a = arg;
	int i;

	for (i = 0; i < a->n; i++)
		if (oc_store_get(oc_store_txn_store(t), a->ids[i]) == NULL) {
			oc_err_set(err, OC_EX_NEG, "no such profile: %s (in %s); "
			    "nothing removed", a->ids[i],
			    oc_store_txn_target_name(t, a->ids[i]));
			return -1;
		}
	free(a->where);
	a->where = oc_xstrdup(oc_store_txn_target_name(t, a->ids[0]));
	for (i = 0; i < a->n; i++)
		(void)oc_store_txn_remove(t, a->ids[i]);
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
cmd_rm(struct oc_cmd *cmd, int argc, char **argv)
{
	struct oc_ctx *ctx = &cmd->ctx;
	struct oc_err err;
	struct rm_arg a = { argv, argc, NULL };
	int r = 0, i;

	if (argc < 1) {
		oc_out_warnx("rm: expected at least one profile id");
		return OC_EX_USAGE;
	}
	if (oc_store_update(ctx, cmd->cli.wait_ms, rm_edit, &a, &err) == -1) {
		free(a.where);
		return oc_out_report(&err);
	}
	if (ctx->config_exists && oc_config_update(ctx->paths.config_path,
	    cmd->cli.wait_ms, cfg_rm_edit, &a, &err) == -1) {
		oc_out_warnx("the profiles were removed from %s, but not from the "
		    "config", a.where);
		free(a.where);
		return oc_out_report(&err);
	}
	free(a.where);
	for (i = 0; i < argc && !cmd->cli.json; i++)
		printf("removed %s\n", argv[i]);
	if (cmd->cli.json) {
		json_object *j = json_object_new_object(), *arr;

		arr = json_object_new_array();
		for (i = 0; i < argc; i++)
			json_object_array_add(arr,
			    json_object_new_string(argv[i]));
		json_object_object_add(j, "removed", arr);
		oc_json_print(stdout, j);
		json_object_put(j);
	}
	oc_cli_reload(ctx, &cmd->cli);
	return r;
}

/* ---- path ---- */
static int
cmd_path(struct oc_cmd *cmd, int argc, char **argv)
{
	struct oc_ctx *ctx = &cmd->ctx;
	const struct oc_paths *p = &ctx->paths;
	struct oc_store s;
	json_object *d, *l0;
	int r;

	if (argc != 0) {
		oc_out_warnx("path: unexpected argument \"%s\"", argv[0]);
		return OC_EX_USAGE;
	}
	if ((r = open_store(cmd, &s)) != 0)
		return r;
	d = oc_store_describe(&s);
	l0 = json_object_array_get_idx(oc_json_get(d, "layers"), 0);
	if (cmd->cli.json) {
		json_object *j = oc_ctx_json(ctx);

		/* the agent's own store, at the top as before */
		json_object_object_add(j, "store", json_object_get(
		    oc_json_get(l0, "store")));
		json_object_object_add(j, "authState", json_object_get(
		    oc_json_get(l0, "authState")));
		json_object_object_add(j, "lock", json_object_get(
		    oc_json_get(l0, "lock")));
		json_object_object_add(j, "layout", json_object_get(
		    oc_json_get(l0, "layout")));
		json_object_object_add(j, "storeEra", json_object_get(
		    oc_json_get(d, "era")));
		json_object_object_add(j, "rules", json_object_get(
		    oc_json_get(d, "rules")));
		json_object_object_add(j, "backend", json_object_get(
		    oc_json_get(d, "backend")));
		json_object_object_add(j, "layers", json_object_get(
		    oc_json_get(d, "layers")));
		oc_json_print(stdout, j);
		json_object_put(j);
	} else {
		const char *store = oc_json_get_str(l0, "store");

		printf("home       %s\n", p->home);
		printf("state dir  %s\n", p->state_dir);
		printf("config     %s%s\n", p->config_path,
		    ctx->config_exists ? "" : " (missing)");
		printf("agent      %s (%s)\n", p->agent_id, p->agent_source);
		printf("agent dir  %s\n", p->agent_dir);
		printf("store      %s%s\n", store,
		    oc_file_exists(store) ? "" : " (missing)");
		printf("layout     %s\n", oc_json_get_str(l0, "layout"));
		printf("env file   %s\n", p->env_path);
		printf("era        %s (%s, rules of %s)\n",
		    oc_json_get_str(d, "era"), oc_json_get_str(d, "backend"),
		    oc_json_get_str(d, "rules"));
	}
	json_object_put(d);
	oc_store_close(&s);
	return 0;
}

/* ---- cooldowns ---- */
struct cd_arg {
	char **ids;
	int n;
};

static int
cd_clear_edit(struct oc_txn *t, void *arg, struct oc_err *err)
{
	struct cd_arg *a = arg;

	(void)err;
	return oc_store_txn_usage_clear(t, a->ids, (size_t)a->n);
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
cmd_cooldowns(struct oc_cmd *cmd, int argc, char **argv)
{
	struct opts *o = cmd->data;
	struct oc_store s;
	struct oc_table t;
	json_object *us, *arr = NULL;
	int64_t now = oc_time_now_ms();
	int r;

	if (o->clear) {
		struct oc_err err;
		struct cd_arg a = { argv, argc };

		r = oc_store_update(&cmd->ctx, cmd->cli.wait_ms, cd_clear_edit,
		    &a, &err);
		if (r == -1)
			return oc_out_report(&err);
		if (!cmd->cli.json)
			printf("%s\n", r == 1 ? "cooldowns cleared" :
			    "no cooldowns to clear");
		if (r == 1)
			oc_cli_reload(&cmd->ctx, &cmd->cli);
	}
	if ((r = open_store(cmd, &s)) != 0)
		return r;
	us = oc_store_routing(&s, "usageStats");
	oc_out_table_init(&t, 5);
	if (cmd->cli.json)
		arr = json_object_new_array();
	else {
		const char *h[] = { "ID", "STATE", "UNTIL", "ERRORS", "REASON" };

		oc_out_table_add(&t, h);
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
			state = oc_rules_usage_state(st, now, &until);
			if (until)
				oc_time_iso8601(until, iso, sizeof iso);
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
				oc_out_table_add(&t, cells);
			}
		}
	}
	if (arr) {
		oc_json_print(stdout, arr);
		json_object_put(arr);
	} else if (t.rows > 1)
		oc_out_table_print(&t, stdout);
	oc_out_table_free(&t);
	oc_store_close(&s);
	return 0;
}

/* ---- migrate ---- */
static int
cmd_migrate(struct oc_cmd *cmd, int argc, char **argv)
{
	struct opts *o = cmd->data;
	struct oc_migrate m;
	struct oc_err err;
	size_t i;
	int r;

	if (argc != 0) {
		oc_out_warnx("migrate: unexpected argument \"%s\"", argv[0]);
		return OC_EX_USAGE;
	}
	r = oc_store_migrate_run(&cmd->ctx, o->dry_run, cmd->cli.wait_ms, &m, &err);
	if (r == -1) {
		oc_store_migrate_free(&m);
		return oc_out_report(&err);
	}
	if (cmd->cli.json) {
		json_object *j = json_object_new_object(), *a;

		json_object_object_add(j, "dryRun",
		    json_object_new_boolean(o->dry_run));
		json_object_object_add(j, "source", m.source ?
		    json_object_new_string(m.source) : NULL);
		json_object_object_add(j, "target", m.target ?
		    json_object_new_string(m.target) : NULL);
		a = json_object_new_array();
		for (i = 0; i < m.nitems; i++) {
			json_object *e = json_object_new_object();

			json_object_object_add(e, "id",
			    json_object_new_string(m.items[i].from));
			json_object_object_add(e, "storedAs", m.items[i].to ?
			    json_object_new_string(m.items[i].to) : NULL);
			json_object_object_add(e, "outcome",
			    json_object_new_string(m.items[i].outcome));
			json_object_object_add(e, "why", m.items[i].why ?
			    json_object_new_string(m.items[i].why) : NULL);
			json_object_array_add(a, e);
		}
		json_object_object_add(j, "profiles", a);
		json_object_object_add(j, "routingEntriesAdded",
		    json_object_new_int64((int64_t)m.nrouting));
		json_object_object_add(j, "archives", a = json_object_new_array());
		if (m.archive)
			json_object_array_add(a, json_object_new_string(m.archive));
		if (m.state_archive)
			json_object_array_add(a,
			    json_object_new_string(m.state_archive));
		oc_json_print(stdout, j);
		json_object_put(j);
	} else if (m.source == NULL)
		printf("nothing to migrate: no JSON store in %s\n",
		    cmd->ctx.paths.agent_dir);
	else {
		for (i = 0; i < m.nitems; i++) {
			const struct oc_migrate_item *it = &m.items[i];

			printf("%s %s%s%s%s%s%s\n", it->from, o->dry_run &&
			    strcmp(it->outcome, "kept") != 0 &&
			    strcmp(it->outcome, "dropped") != 0 ?
			    "would be " : "", it->outcome,
			    it->to && strcmp(it->to, it->from) != 0 ? " as " : "",
			    it->to && strcmp(it->to, it->from) != 0 ? it->to : "",
			    it->why ? ": " : "", it->why ? it->why : "");
		}
		printf("%s%zu routing entr%s into %s\n", o->dry_run ?
		    "would add " : "added ", m.nrouting, m.nrouting == 1 ?
		    "y" : "ies", m.target ? m.target : "-");
		if (m.archive)
			printf("archived %s as %s\n", m.source, m.archive);
		if (m.state_archive)
			printf("archived its routing file as %s\n",
			    m.state_archive);
	}
	/* Only eras C and D get here with a source: rows were written (or a
	 * 2026.8+ agent stopped being refused), which a running gateway
	 * uses at once only when told, as after doctor --fix. */
	if (!o->dry_run && m.source != NULL)
		oc_cli_reload(&cmd->ctx, &cmd->cli);
	oc_store_migrate_free(&m);
	return 0;
}

/* ---- agents ---- */
static int
cmd_agents(struct oc_cmd *cmd, int argc, char **argv)
{
	char **ids;
	size_t i;

	if (argc != 0) {
		oc_out_warnx("agents: unexpected argument \"%s\"", argv[0]);
		return OC_EX_USAGE;
	}
	ids = oc_ctx_agent_ids_dup(cmd->ctx.config);
	if (ids == NULL)
		printf("main\n");
	for (i = 0; ids != NULL && ids[i] != NULL; i++)
		printf("%s\n", ids[i]);
	oc_xstrv_free(ids);
	return 0;
}

static const struct oc_opt options[] = {
	{ "provider", 'p', 1, "provider", "only this provider's profiles",
	    'p' },
	{ "type", 't', 1, "type", "the new profile's type: token (default) "
	    "or api_key", 't' },
	{ "reveal", 0, 0, NULL, "show secrets instead of masking them",
	    OPT_REVEAL },
	{ "ids", 0, 0, NULL, "print only the profile ids, one per line",
	    OPT_IDS },
	{ "expires-in", 0, 1, "dur", "the token expires after dur (5h, 30d, "
	    "1h30m; a bare number is days)", OPT_EXPIRES_IN },
	{ "ref", 0, 1, "source:provider:id", "store a SecretRef instead of "
	    "a secret read from stdin", OPT_REF },
	{ "email", 0, 1, "addr", "the account's e-mail address", OPT_EMAIL },
	{ "no-config", 0, 0, NULL, "leave openclaw.json's auth.profiles alone",
	    OPT_NO_CONFIG },
	{ "clear", 0, 0, NULL, "reset the cooldowns (of the ids given, or "
	    "all)", OPT_CLEAR },
	{ "dry-run", 0, 0, NULL, "say what migrate would do, change nothing",
	    OPT_DRY_RUN },
	{ NULL, 0, 0, NULL, NULL, 0 }
};

static const struct oc_verb verbs[] = {
	{ "list", "ls", cmd_list, OC_VERB_CTX,
	    "[-a agent] [--json] list [-p provider] [--reveal | --ids]" },
	{ "show", NULL, cmd_show, OC_VERB_CTX,
	    "[-a agent] [--json] show [--reveal] id" },
	{ "add", NULL, cmd_add, OC_VERB_CTX | OC_VERB_WRITES,
	    "[-a agent] [--json] add [-t api_key | token] [--expires-in dur] "
	    "[--ref source:provider:id] [--email addr] [--no-config] "
	    "[--wait dur] [--force] [--reload] id" },
	{ "rm", NULL, cmd_rm, OC_VERB_CTX | OC_VERB_WRITES,
	    "[-a agent] [--json] rm [--wait dur] [--force] [--reload] id ..." },
	{ "path", NULL, cmd_path, OC_VERB_CTX,
	    "[-a agent] [--json] path" },
	{ "cooldowns", NULL, cmd_cooldowns, OC_VERB_CTX | OC_VERB_GUARD_SELF,
	    "[-a agent] [--json] cooldowns [--clear] [--wait dur] [--force] "
	    "[--reload] [id ...]" },
	{ "migrate", NULL, cmd_migrate, OC_VERB_CTX | OC_VERB_WRITES,
	    "[-a agent] [--json] migrate [--dry-run] [--wait dur] [--reload]" },
	{ "agents", NULL, cmd_agents, OC_VERB_CTX, "agents" },
	{ NULL, NULL, NULL, 0, NULL }
};

int
main(int argc, char **argv)
{
	struct opts o;
	struct oc_cmd cmd;

	memset(&o, 0, sizeof o);
	memset(&cmd, 0, sizeof cmd);
	cmd.opts = options;
	cmd.verbs = verbs;
	cmd.summary = "List, show, add and remove OpenClaw auth profiles; "
	    "see oc-profile(1).";
	cmd.set = set_opt;
	cmd.data = &o;
	return oc_cli_main(&cmd, argc, argv);
}
