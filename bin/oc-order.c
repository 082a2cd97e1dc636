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

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: oc-order [-a agent] [--json] get -p provider [--effective]\n"
	    "       oc-order [-a agent] [--json] set [--wait dur] [--force] "
	    "-p provider id ...\n"
	    "       oc-order [-a agent] [--json] clear [--wait dur] [--force] "
	    "-p provider\n"
	    "       oc-order -h | -V\n");
}

enum {
	OPT_EFFECTIVE = OC_OPT_FIRST_PRIVATE
};

struct opts {
	struct oc_cli cli;
	const char *provider;
	int effective;
};

static char *
home_short_dup(const struct oc_paths *p, const char *path)
{
	size_t n = strlen(p->home);

	if (strncmp(path, p->home, n) == 0 && path[n] == '/')
		return oc_xasprintf("~%s", path + n);
	return oc_xstrdup(path);
}

/* The JSON OpenClaw's `models auth order get --json` prints. */
static json_object *
order_json(const struct oc_ctx *ctx, const char *provider, json_object *order)
{
	json_object *j = json_object_new_object();
	char *shortp = home_short_dup(&ctx->paths, ctx->paths.store_path);

	json_object_object_add(j, "agentId",
	    json_object_new_string(ctx->paths.agent_id));
	json_object_object_add(j, "agentDir",
	    json_object_new_string(ctx->paths.agent_dir));
	json_object_object_add(j, "provider", json_object_new_string(provider));
	json_object_object_add(j, "authStorePath",
	    json_object_new_string(shortp));
	json_object_object_add(j, "order", order != NULL &&
	    json_object_array_length(order) > 0 ? json_object_get(order) :
	    NULL);
	free(shortp);
	return j;
}

static void
print_order(const struct oc_ctx *ctx, const struct opts *o,
    const char *provider, json_object *order)
{
	size_t i, n;

	if (o->cli.json) {
		json_object *j = order_json(ctx, provider, order);

		oc_json_print(stdout, j);
		json_object_put(j);
		return;
	}
	n = order ? json_object_array_length(order) : 0;
	for (i = 0; i < n; i++)
		printf("%s\n", json_object_get_string(
		    json_object_array_get_idx(order, i)));
}

static int
load_store(struct oc_ctx *ctx, struct oc_store *s)
{
	struct oc_err err;

	if (oc_store_load(s, &ctx->paths, &err) == -1)
		return oc_report(&err);
	return 0;
}

static int
cmd_effective(struct oc_ctx *ctx, struct opts *o, const char *provider)
{
	struct oc_store s;
	struct oc_order ord;
	int64_t now = oc_now_ms();
	size_t i;
	int r;

	if ((r = load_store(ctx, &s)) != 0)
		return r;
	oc_order_effective(&s, ctx->config, provider, now, &ord);
	if (o->cli.json) {
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

		oc_table_init(&t, 3);
		for (i = 0; i < ord.nuse; i++) {
			const char *cells[3];

			if (ord.use[i].until) {
				char iso[40];

				oc_iso8601(ord.use[i].until, iso, sizeof iso);
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
			oc_table_add(&t, cells);
		}
		for (i = 0; i < ord.nexcluded; i++) {
			const char *cells[3];

			snprintf(buf, sizeof buf, "excluded: %s",
			    ord.excluded[i].reason);
			cells[0] = ord.excluded[i].id;
			cells[1] = ord.excluded[i].type;
			cells[2] = buf;
			oc_table_add(&t, cells);
		}
		oc_table_print(&t, stdout);
		oc_table_free(&t);
	}
	r = ord.nuse > 0 ? 0 : OC_EX_NEG;
	if (r != 0 && !o->cli.json)
		oc_warnx("no usable %s profile", ord.provider);
	oc_order_free(&ord);
	oc_store_free(&s);
	return r;
}

static int
cmd_get(struct oc_ctx *ctx, struct opts *o, const char *provider, int argc)
{
	struct oc_store s;
	int r;

	if (argc != 0) {
		oc_warnx("get: unexpected argument");
		return OC_EX_USAGE;
	}
	if (o->effective)
		return cmd_effective(ctx, o, provider);
	if ((r = load_store(ctx, &s)) != 0)
		return r;
	print_order(ctx, o, provider, oc_order_override(&s, provider));
	oc_store_free(&s);
	return 0;
}

struct set_arg {
	const char *provider;	/* normalised */
	char **ids;
	int n;			/* 0: clear */
	json_object *result;	/* the order written, for printing */
};

static int
set_edit(struct oc_store *s, void *arg, struct oc_err *err)
{
	struct set_arg *a = arg;
	json_object *order, *nv, *old;
	char *auth_p = oc_provider_auth_dup(a->provider);
	int i, j;

	for (i = 0; i < a->n; i++) {
		json_object *p = oc_store_profile(s, a->ids[i]);
		const char *pp = oc_json_get_str(p, "provider");
		char *n;

		if (p == NULL) {
			oc_err_set(err, OC_EX_NEG, "no such profile: %s "
			    "(in %s); nothing changed", a->ids[i], s->path);
			free(auth_p);
			return -1;
		}
		n = pp ? oc_provider_auth_dup(pp) : oc_xstrdup("");
		if (strcmp(n, auth_p) != 0) {
			oc_err_set(err, OC_EX_NEG, "profile %s is for %s, not "
			    "%s; nothing changed", a->ids[i], pp ? pp : "-",
			    a->provider);
			free(n);
			free(auth_p);
			return -1;
		}
		free(n);
	}
	free(auth_p);
	/* Drop any entry whose key normalises to the provider (a "Z.AI"
	 * key written by hand is the same provider). */
	old = oc_order_override(s, a->provider);
	if (a->n == 0) {
		int removed = 0;

		if (old == NULL)
			return 0;
		for (j = 0; j < 2; j++) {
			json_object *m = oc_json_get_obj(j ? s->root : s->state,
			    "order");
			int again = 1;

			while (m != NULL && again) {
				again = 0;
				json_object_object_foreach(m, k, v) {
					char *n = oc_provider_norm_dup(k);
					int hit = strcmp(n, a->provider) == 0;

					(void)v;
					free(n);
					if (hit) {
						json_object_object_del(m, k);
						removed = again = 1;
						break;
					}
				}
			}
			/* OpenClaw drops "order" once it is empty. */
			if (m != NULL && json_object_object_length(m) == 0)
				json_object_object_del(j ? s->root : s->state,
				    "order");
		}
		return removed;
	}
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
	if (old != NULL && oc_json_equal(old, nv)) {
		json_object_put(nv);
		return 0;
	}
	order = oc_store_routing_ensure(s, "order");
	/* Replace in place when a differently spelled key exists. */
	{
		const char *key = a->provider;

		json_object_object_foreach(order, k, v) {
			char *n = oc_provider_norm_dup(k);

			if (strcmp(n, a->provider) == 0 && v == old)
				key = k;
			free(n);
		}
		json_object_object_add(order, key, nv);
	}
	return 1;
}

static int
cmd_set(struct oc_ctx *ctx, struct opts *o, const char *provider, int argc,
    char **argv, int clear)
{
	struct set_arg a = { provider, argv, clear ? 0 : argc, NULL };
	struct oc_err err;
	int r, i;

	if (clear && argc != 0) {
		oc_warnx("clear: unexpected argument \"%s\"", argv[0]);
		return OC_EX_USAGE;
	}
	if (!clear && argc == 0) {
		oc_warnx("set: expected one or more profile ids");
		return OC_EX_USAGE;
	}
	for (i = 0; i < argc; i++)
		if (*argv[i] == '\0') {
			oc_warnx("set: empty profile id");
			return OC_EX_USAGE;
		}
	if ((r = oc_era_guard(ctx, 1, o->cli.force)) != 0)
		return r;
	r = oc_store_update(&ctx->paths, o->cli.wait_ms, set_edit, &a, &err);
	if (r == -1) {
		if (a.result)
			json_object_put(a.result);
		return oc_report(&err);
	}
	if (!clear || o->cli.json)
		print_order(ctx, o, provider, a.result);
	if (a.result)
		json_object_put(a.result);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		OC_COMMON_LONGOPTS,
		{ "provider", required_argument, NULL, 'p' },
		{ "effective", no_argument, NULL, OPT_EFFECTIVE },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const cmds[] = { "get", "set", "clear", NULL };
	struct opts o;
	struct oc_ctx ctx;
	struct oc_err err;
	const char *cmd;
	char *provider;
	int ch, r;

	oc_set_progname(argv[0]);
	memset(&o, 0, sizeof o);
	oc_cli_init(&o.cli);
	while ((ch = getopt_long(argc, argv, "a:hVp:", longopts, NULL)) != -1) {
		if ((r = oc_cli_option(&o.cli, ch, optarg)) == 1)
			continue;
		if (r == -1)
			return OC_EX_USAGE;
		switch (ch) {
		case 'p':
			o.provider = optarg;
			break;
		case OPT_EFFECTIVE:
			o.effective = 1;
			break;
		default:
			usage(stderr);
			return OC_EX_USAGE;
		}
	}
	if ((r = oc_cli_command(&o.cli, usage, cmds, &argc, &argv,
	    &cmd)) != -1)
		return r;
	if (o.provider == NULL) {
		oc_warnx("%s: -p provider is required", cmd);
		return OC_EX_USAGE;
	}
	provider = oc_provider_norm_dup(o.provider);
	if (*provider == '\0') {
		free(provider);
		oc_warnx("%s: empty provider", cmd);
		return OC_EX_USAGE;
	}
	if (o.effective && strcmp(cmd, "get") != 0) {
		free(provider);
		oc_warnx("--effective goes with get");
		return OC_EX_USAGE;
	}
	if (oc_ctx_open(&ctx, o.cli.agent, &err) == -1) {
		free(provider);
		return oc_report(&err);
	}
	if (strcmp(cmd, "get") == 0) {
		(void)oc_era_guard(&ctx, 0, 0);
		r = cmd_get(&ctx, &o, provider, argc);
	} else
		r = cmd_set(&ctx, &o, provider, argc, argv,
		    strcmp(cmd, "clear") == 0);
	oc_ctx_close(&ctx);
	free(provider);
	return r;
}
