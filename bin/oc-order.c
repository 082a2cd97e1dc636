/* SPDX-License-Identifier: ISC */
/*
 * oc-order - get, set and clear the per-agent auth order override, and
 * explain the order the gateway would use now.
 */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "oc.h"

enum {
	OPT_EFFECTIVE = OC_OPT_FIRST_PRIVATE
};

struct opts {
	const char *provider;
	int effective;
	int json;
	char *norm;		/* the provider, normalised */
};

static char *
home_short_dup(const struct oc_paths *p, const char *path)
{
	size_t n = strlen(p->home);

	if (strncmp(path, p->home, n) == 0 && path[n] == '/')
		return oc_xasprintf("~%s", path + n);
	return oc_xstrdup(path);
}

/* The JSON OpenClaw's `models auth order get --json` prints: 2026.3.24
 * names the store file authStorePath; later releases name the routing
 * state's place authStatePath (2026.9.6: the agent's database when it
 * has a store row, else the shared one: resolveAuthStatePathForDisplay). */
static json_object *
order_json(const struct oc_ctx *ctx, const char *store, const char *provider,
    json_object *order)
{
	json_object *j = json_object_new_object();
	const char *key = "authStorePath";
	char *shortp;

	if (strncmp(store, "B:", 2) == 0 || strncmp(store, "C:", 2) == 0 ||
	    strncmp(store, "D:", 2) == 0) {
		key = "authStatePath";
		store += 2;
	} else if (strncmp(store, "A:", 2) == 0)
		store += 2;
	shortp = home_short_dup(&ctx->paths, store);

	json_object_object_add(j, "agentId",
	    json_object_new_string(ctx->paths.agent_id));
	json_object_object_add(j, "agentDir",
	    json_object_new_string(ctx->paths.agent_dir));
	json_object_object_add(j, "provider", json_object_new_string(provider));
	json_object_object_add(j, key, json_object_new_string(shortp));
	json_object_object_add(j, "order", order != NULL &&
	    json_object_array_length(order) > 0 ? json_object_get(order) :
	    NULL);
	free(shortp);
	return j;
}

static void
print_order(const struct oc_ctx *ctx, const struct opts *o, const char *store,
    const char *provider, json_object *order)
{
	size_t i, n;

	if (o->json) {
		json_object *j = order_json(ctx, store, provider, order);

		oc_json_print(stdout, j);
		json_object_put(j);
		return;
	}
	n = order ? json_object_array_length(order) : 0;
	for (i = 0; i < n; i++)
		printf("%s\n", json_object_get_string(
		    json_object_array_get_idx(order, i)));
}

/* "ERA:path" of the place order get reports (see order_json). */
static char *
state_place_dup(const struct oc_store *s)
{
	json_object *d = oc_store_describe(s), *l;
	const char *path = NULL;
	char *r;
	size_t i, n;

	l = oc_json_get(d, "layers");
	n = l ? json_object_array_length(l) : 0;
	for (i = 0; i < n && path == NULL; i++) {
		json_object *e = json_object_array_get_idx(l, i);

		if (s->era == OC_ERA_A)
			path = oc_json_get_str(e, "store");
		else if (s->era == OC_ERA_B)
			path = oc_json_get_str(e, "authState");
		else if (s->era == OC_ERA_C || i == n - 1 ||
		    json_object_get_boolean(oc_json_get(e, "hasStoreRow")))
			path = oc_json_get_str(e, "db");
	}
	r = oc_xasprintf("%s:%s", oc_store_era_name(s->era), path ? path : "");
	json_object_put(d);
	return r;
}

static int
load_store(struct oc_ctx *ctx, struct oc_store *s)
{
	struct oc_err err;

	if (oc_store_open(s, ctx, &err) == -1)
		return oc_out_report(&err);
	return 0;
}

static int
cmd_effective(struct oc_ctx *ctx, struct opts *o, const char *provider)
{
	struct oc_store s;
	struct oc_order ord;
	int64_t now = oc_time_now_ms();
	size_t i;
	int r;

	if ((r = load_store(ctx, &s)) != 0)
		return r;
	oc_order_effective(&s, ctx->config, provider, now, &ord);
	if (o->json) {
		json_object *j = json_object_new_object(), *a, *x;

		json_object_object_add(j, "agentId",
		    json_object_new_string(ctx->paths.agent_id));
		json_object_object_add(j, "provider",
		    json_object_new_string(ord.provider));
		json_object_object_add(j, "source",
		    json_object_new_string(ord.source));
		a = json_object_new_array();
		for (i = 0; i < ord.nuse; i++) {
			json_object *e = json_object_new_object();

			json_object_object_add(e, "id",
			    json_object_new_string(ord.use[i].id));
			json_object_object_add(e, "type", ord.use[i].type ?
			    json_object_new_string(ord.use[i].type) : NULL);
			json_object_object_add(e, "reason",
			    json_object_new_string(ord.use[i].reason));
			json_object_object_add(e, "until", ord.use[i].until ?
			    json_object_new_int64(ord.use[i].until) : NULL);
			json_object_array_add(a, e);
		}
		json_object_object_add(j, "order", a);
		x = json_object_new_array();
		for (i = 0; i < ord.nexcluded; i++) {
			json_object *e = json_object_new_object();

			json_object_object_add(e, "id",
			    json_object_new_string(ord.excluded[i].id));
			json_object_object_add(e, "reason",
			    json_object_new_string(ord.excluded[i].reason));
			json_object_array_add(x, e);
		}
		json_object_object_add(j, "excluded", x);
		oc_json_print(stdout, j);
		json_object_put(j);
	} else {
		struct oc_table t;
		char buf[96];

		oc_out_table_init(&t, 3);
		for (i = 0; i < ord.nuse; i++) {
			const char *cells[3];

			if (ord.use[i].until) {
				char iso[40];

				oc_time_iso8601(ord.use[i].until, iso, sizeof iso);
				snprintf(buf, sizeof buf, "cooldown until %s",
				    iso);
			} else if (strcmp(ord.use[i].reason,
			    "round-robin") == 0)
				snprintf(buf, sizeof buf,
				    "round-robin (%s, least recently used "
				    "first)", ord.use[i].type);
			else
				snprintf(buf, sizeof buf, "%s", ord.source);
			cells[0] = ord.use[i].id;
			cells[1] = ord.use[i].type;
			cells[2] = buf;
			oc_out_table_add(&t, cells);
		}
		for (i = 0; i < ord.nexcluded; i++) {
			const char *cells[3];

			snprintf(buf, sizeof buf, "excluded: %s",
			    ord.excluded[i].reason);
			cells[0] = ord.excluded[i].id;
			cells[1] = ord.excluded[i].type;
			cells[2] = buf;
			oc_out_table_add(&t, cells);
		}
		oc_out_table_print(&t, stdout);
		oc_out_table_free(&t);
	}
	r = ord.nuse > 0 ? 0 : OC_EX_NEG;
	if (r != 0 && !o->json)
		oc_out_warnx("no usable %s profile", ord.provider);
	oc_order_free(&ord);
	oc_store_close(&s);
	return r;
}

static int
cmd_get(struct oc_cmd *cmd, int argc, char **argv)
{
	struct opts *o = cmd->data;
	struct oc_store s;
	int r;

	(void)argv;
	if (argc != 0) {
		oc_out_warnx("get: unexpected argument");
		return OC_EX_USAGE;
	}
	if (o->effective)
		return cmd_effective(&cmd->ctx, o, o->norm);
	if ((r = load_store(&cmd->ctx, &s)) != 0)
		return r;
	{
		char *place = state_place_dup(&s);

		print_order(&cmd->ctx, o, place, o->norm,
		    oc_store_order(&s, o->norm));
		free(place);
	}
	oc_store_close(&s);
	return 0;
}

struct set_arg {
	const char *provider;	/* normalised */
	char **ids;
	int n;			/* 0: clear */
	json_object *result;	/* the order written, for printing */
	char *store;		/* where */
};

static int
set_edit(struct oc_txn *t, void *arg, struct oc_err *err)
{
	struct set_arg *a = arg;
	struct oc_store *s = oc_store_txn_store(t);
	json_object *nv;
	char *auth_p = oc_provider_auth_dup(a->provider);
	int i, j;

	free(a->store);
	a->store = state_place_dup(s);
	for (i = 0; i < a->n; i++) {
		const struct oc_cred *c = oc_store_get(s, a->ids[i]);
		char *n;

		if (c == NULL) {
			oc_err_set(err, OC_EX_NEG, "no such profile: %s "
			    "(in %s); nothing changed", a->ids[i], a->store);
			free(auth_p);
			return -1;
		}
		n = c->provider_raw ? oc_provider_auth_dup(c->provider_raw) :
		    oc_xstrdup("");
		if (strcmp(n, auth_p) != 0) {
			oc_err_set(err, OC_EX_NEG, "profile %s is for %s, not "
			    "%s; nothing changed", a->ids[i],
			    c->provider_raw ? c->provider_raw : "-",
			    a->provider);
			free(n);
			free(auth_p);
			return -1;
		}
		free(n);
	}
	free(auth_p);
	if (a->n == 0)
		return oc_store_txn_set_order(t, a->provider, NULL);
	nv = json_object_new_array();
	for (i = 0; i < a->n; i++) {
		int dup = 0;

		for (j = 0; j < i; j++)
			if (strcmp(a->ids[i], a->ids[j]) == 0)
				dup = 1;
		if (!dup)
			json_object_array_add(nv,
			    json_object_new_string(a->ids[i]));
	}
	a->result = json_object_get(nv);
	return oc_store_txn_set_order(t, a->provider, nv);
}

static int
run_set(struct oc_cmd *cmd, int argc, char **argv, int clear)
{
	struct opts *o = cmd->data;
	struct set_arg a = { o->norm, argv, clear ? 0 : argc, NULL, NULL };
	struct oc_err err;
	int r, i;

	if (clear && argc != 0) {
		oc_out_warnx("clear: unexpected argument \"%s\"", argv[0]);
		return OC_EX_USAGE;
	}
	if (!clear && argc == 0) {
		oc_out_warnx("set: expected one or more profile ids");
		return OC_EX_USAGE;
	}
	for (i = 0; i < argc; i++)
		if (*argv[i] == '\0') {
			oc_out_warnx("set: empty profile id");
			return OC_EX_USAGE;
		}
	r = oc_store_update(&cmd->ctx, cmd->cli.wait_ms, set_edit, &a, &err);
	if (r == -1) {
		if (a.result)
			json_object_put(a.result);
		free(a.store);
		return oc_out_report(&err);
	}
	if (!clear || o->json)
		print_order(&cmd->ctx, o, a.store, o->norm, a.result);
	if (a.result)
		json_object_put(a.result);
	free(a.store);
	oc_cli_reload(&cmd->ctx, &cmd->cli);
	return 0;
}

static int
cmd_set(struct oc_cmd *cmd, int argc, char **argv)
{
	return run_set(cmd, argc, argv, 0);
}

static int
cmd_clear(struct oc_cmd *cmd, int argc, char **argv)
{
	return run_set(cmd, argc, argv, 1);
}

static int
set_opt(struct oc_cmd *cmd, int id, const char *arg)
{
	struct opts *o = cmd->data;

	if (id == 'p') {
		o->provider = arg;
		return 0;
	}
	if (id == OPT_EFFECTIVE) {
		o->effective = 1;
		return 0;
	}
	return -1;
}

/* Every verb needs -p; checked once the verb is known. */
static int
with_provider(struct oc_cmd *cmd, int argc, char **argv,
    int (*fn)(struct oc_cmd *, int, char **))
{
	struct opts *o = cmd->data;
	int r;

	if (o->provider == NULL) {
		oc_out_warnx("%s: -p provider is required", cmd->verb->name);
		return OC_EX_USAGE;
	}
	o->norm = oc_provider_norm_dup(o->provider);
	if (*o->norm == '\0') {
		oc_out_warnx("%s: empty provider", cmd->verb->name);
		return OC_EX_USAGE;
	}
	o->json = cmd->cli.json;
	r = fn(cmd, argc, argv);
	return r;
}

static int
run_get(struct oc_cmd *cmd, int argc, char **argv)
{
	return with_provider(cmd, argc, argv, cmd_get);
}

static int
run_set_verb(struct oc_cmd *cmd, int argc, char **argv)
{
	return with_provider(cmd, argc, argv, cmd_set);
}

static int
run_clear(struct oc_cmd *cmd, int argc, char **argv)
{
	return with_provider(cmd, argc, argv, cmd_clear);
}

static const struct oc_opt options[] = {
	{ "provider", 'p', 1, "provider", "the provider (required)", 'p' },
	{ "effective", 0, 0, NULL, "the order the gateway would use now, "
	    "and why", OPT_EFFECTIVE },
	{ NULL, 0, 0, NULL, NULL, 0 }
};

static const struct oc_verb verbs[] = {
	{ "get", NULL, run_get, OC_VERB_CTX,
	    "[-a agent] [--json] get -p provider [--effective]" },
	{ "set", NULL, run_set_verb, OC_VERB_CTX | OC_VERB_WRITES,
	    "[-a agent] [--json] set [--wait dur] [--force] [--reload] -p provider "
	    "id ..." },
	{ "clear", NULL, run_clear, OC_VERB_CTX | OC_VERB_WRITES,
	    "[-a agent] [--json] clear [--wait dur] [--force] [--reload] "
	    "-p provider" },
	{ NULL, NULL, NULL, 0, NULL }
};

int
main(int argc, char **argv)
{
	struct opts o;
	struct oc_cmd cmd;
	int r;

	memset(&o, 0, sizeof o);
	memset(&cmd, 0, sizeof cmd);
	cmd.opts = options;
	cmd.verbs = verbs;
	cmd.summary = "Get, set and clear the per-agent auth order; see "
	    "oc-order(1).";
	cmd.set = set_opt;
	cmd.data = &o;
	r = oc_cli_main(&cmd, argc, argv);
	free(o.norm);
	return r;
}
