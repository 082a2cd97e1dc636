/* SPDX-License-Identifier: ISC */
/*
 * oc-sync - import the logins of Claude Code and the Codex CLI into the
 * OpenClaw store, and refresh the OAuth tokens OpenClaw owns.
 */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "oc.h"

enum {
	OPT_CLAUDE = OC_OPT_FIRST_PRIVATE,
	OPT_CODEX,
	OPT_DRY_RUN,
	OPT_REFRESH,
	OPT_WITHIN,
	OPT_PROFILE
};

struct opts {
	struct oc_cli cli;
	int claude, codex;
	const char *claude_file, *codex_file;
	int dry_run, refresh;
	int64_t within_ms;
	const char **profiles;
	size_t nprofiles;
	const char *within;
};

static void
fmt_when(int64_t ms, char *buf, size_t sz)
{
	char iso[40];

	oc_time_iso8601(ms, iso, sizeof iso);
	snprintf(buf, sz, "%.16sZ", iso);
}

static void
add_expires(json_object *o, int64_t ms)
{
	char iso[40];

	if (ms > 0) {
		oc_time_iso8601(ms, iso, sizeof iso);
		json_object_object_add(o, "expires", json_object_new_int64(ms));
		json_object_object_add(o, "expiresAt",
		    json_object_new_string(iso));
	} else {
		json_object_object_add(o, "expires", NULL);
		json_object_object_add(o, "expiresAt", NULL);
	}
}

static json_object *
str_or_null(const char *s)
{
	return s != NULL ? json_object_new_string(s) : NULL;
}

/* ---- import ---- */

static const char *
import_status_name(const struct oc_import *imp)
{
	switch (imp->status) {
	case OC_IMPORT_IMPORTED:
		return "imported";
	case OC_IMPORT_UNCHANGED:
		return "unchanged";
	case OC_IMPORT_SKIPPED:
		return "skipped";
	default:
		return "failed";
	}
}

struct import_run {
	struct oc_import *imps;
	size_t n;
	int64_t now;
	char *store;		/* where the profiles go */
};

static int
import_edit(struct oc_txn *t, void *arg, struct oc_err *err)
{
	struct import_run *run = arg;
	size_t i;
	int changed = 0;

	(void)err;
	free(run->store);
	run->store = oc_xstrdup(oc_store_target_name(oc_store_txn_store(t)));
	for (i = 0; i < run->n; i++)
		changed |= oc_import_apply(&run->imps[i], t, run->now);
	return changed;
}

static void
import_print(const struct oc_import *imp, int dry_run)
{
	const char *st = import_status_name(imp);
	char when[48];

	if (dry_run && imp->status == OC_IMPORT_IMPORTED)
		st = "would import";
	printf("%s %s %s", imp->source, imp->profile_id, st);
	if (imp->reason != NULL)
		printf(": %s", imp->reason);
	if (imp->status == OC_IMPORT_IMPORTED) {
		fmt_when(imp->expires, when, sizeof when);
		printf(" (%s, expires %s)", oc_json_get_str(imp->cred, "type"),
		    when);
	}
	if (imp->reason != NULL && strcmp(imp->reason, "not found") == 0)
		printf(" (%s)", imp->path);
	if (imp->config != NULL)
		printf("; config %s%s", dry_run ? "would be " : "",
		    strcmp(imp->config, "migrated") == 0 ?
		    "mode token -> oauth" : "entry added (mode oauth)");
	putchar('\n');
}

static json_object *
import_json(const struct oc_import *imp)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "source", json_object_new_string(
	    imp->source));
	json_object_object_add(o, "path", json_object_new_string(imp->path));
	json_object_object_add(o, "profile", json_object_new_string(
	    imp->profile_id));
	json_object_object_add(o, "status", json_object_new_string(
	    import_status_name(imp)));
	json_object_object_add(o, "reason", str_or_null(imp->reason));
	json_object_object_add(o, "type", imp->cred != NULL ?
	    str_or_null(oc_json_get_str(imp->cred, "type")) : NULL);
	add_expires(o, imp->cred != NULL ? imp->expires : 0);
	json_object_object_add(o, "config", str_or_null(imp->config));
	json_object_object_add(o, "error", imp->status == OC_IMPORT_FAILED ?
	    json_object_new_string(imp->err.msg) : NULL);
	return o;
}

static int
cmd_import(struct oc_ctx *ctx, struct opts *o)
{
	struct oc_import imps[2];
	struct import_run run;
	struct oc_err err;
	size_t n = 0, i, found = 0;
	int code = 0, pending = 0;

	if (o->claude || !o->codex) {
		oc_import_init(&imps[n], OC_IMPORT_CLAUDE, ctx, o->claude_file);
		imps[n++].named = o->claude;
	}
	if (o->codex || !o->claude) {
		oc_import_init(&imps[n], OC_IMPORT_CODEX, ctx, o->codex_file);
		imps[n++].named = o->codex;
	}
	run.imps = imps;
	run.n = n;
	run.now = oc_time_now_ms();
	run.store = NULL;
	{
		struct oc_store s;

		if (oc_store_open(&s, ctx, &err) == -1) {
			for (i = 0; i < n; i++)
				oc_import_free(&imps[i]);
			return oc_out_report(&err);
		}
		if (s.era == OC_ERA_D)
			for (i = 0; i < n; i++)
				oc_import_not_used(&imps[i]);
		run.store = oc_xstrdup(oc_store_target_name(&s));
		oc_store_close(&s);
	}
	for (i = 0; i < n; i++)
		if (imps[i].status == OC_IMPORT_PENDING &&
		    oc_import_read(&imps[i], run.now) == 0)
			pending = 1;

	if (pending) {
		int r;

		if (o->dry_run)
			r = oc_store_dry_run(ctx, import_edit, &run, &err);
		else
			r = oc_store_update(ctx, o->cli.wait_ms, import_edit,
			    &run, &err);
		if (r == -1) {
			/* Lock busy, corrupt store, cannot write: nothing
			 * was written for any source. */
			for (i = 0; i < n; i++)
				if (imps[i].status == OC_IMPORT_PENDING ||
				    imps[i].status == OC_IMPORT_IMPORTED) {
					imps[i].status = OC_IMPORT_FAILED;
					imps[i].reason = NULL;
					imps[i].code = err.code;
					imps[i].err = err;
				}
		}
	}

	/* Claude Code: the config's mode for the profile, after the store. */
	for (i = 0; i < n; i++) {
		struct oc_import *imp = &imps[i];

		if (imp->src != OC_IMPORT_CLAUDE || !imp->store_has ||
		    imp->status == OC_IMPORT_FAILED)
			continue;
		if (o->dry_run) {
			json_object *copy = NULL;

			json_object_deep_copy(ctx->config, &copy, NULL);
			(void)oc_import_config_edit(copy, imp, &err);
			json_object_put(copy);
		} else if (oc_config_update(ctx->paths.config_path,
		    o->cli.wait_ms, oc_import_config_edit, imp, &err) == -1) {
			imp->config = NULL;
			oc_out_warnx("%s", err.msg);
			if (err.code > code)
				code = err.code;
		}
	}

	for (i = 0; i < n; i++) {
		if (imps[i].code > code)
			code = imps[i].code;
		if (imps[i].reason == NULL ||
		    strcmp(imps[i].reason, "not found") != 0)
			found++;
	}
	if (found == 0 && code == 0)
		code = OC_EX_NEG;	/* nothing there to import */
	if (o->cli.json) {
		json_object *top = json_object_new_object();
		json_object *arr = json_object_new_array();

		json_object_object_add(top, "dryRun",
		    json_object_new_boolean(o->dry_run));
		json_object_object_add(top, "store", run.store ?
		    json_object_new_string(run.store) : NULL);
		for (i = 0; i < n; i++)
			json_object_array_add(arr, import_json(&imps[i]));
		json_object_object_add(top, "sources", arr);
		json_object_object_add(top, "exitCode",
		    json_object_new_int(code));
		oc_json_print(stdout, top);
		json_object_put(top);
	} else
		for (i = 0; i < n; i++)
			import_print(&imps[i], o->dry_run);
	for (i = 0; i < n && !o->dry_run; i++)
		if (imps[i].status == OC_IMPORT_IMPORTED) {
			oc_cli_reload(ctx, &o->cli);
			break;
		}
	for (i = 0; i < n; i++) {
		if (imps[i].status == OC_IMPORT_FAILED)
			oc_out_warnx("%s", imps[i].err.msg);
		oc_import_free(&imps[i]);
	}
	free(run.store);
	if (found == 0 && code == OC_EX_NEG && !o->cli.json)
		oc_out_warnx("nothing to import: neither Claude Code nor the Codex "
		    "CLI is logged in here");
	return code;
}

/* ---- refresh ---- */

static const char *
refresh_status_name(enum oc_refresh_status s, int dry_run)
{
	switch (s) {
	case OC_REFRESH_REFRESHED:
		return dry_run ? "would refresh" : "refreshed";
	case OC_REFRESH_FRESH:
		return "fresh";
	case OC_REFRESH_SKIPPED:
		return "skipped";
	default:
		return "failed";
	}
}

struct refresh_item {
	char *id;
	char *provider;
	int named;
	int64_t seen_expires;
	struct oc_refresh res;
	struct oc_err err;
	int code;
};

static void
refresh_decide(struct refresh_item *it, const struct oc_cred *c, int64_t now,
    int64_t within)
{
	json_object *p = NULL;
	const char *why;
	struct oc_err perr;
	int64_t e = 0;
	int valid;

	it->res.status = OC_REFRESH_FAILED;
	if (c == NULL) {
		it->code = OC_EX_NEG;
		oc_err_set(&it->err, OC_EX_NEG, "no such profile: %s", it->id);
		return;
	}
	if (c->raw.p != NULL)
		(void)oc_json_parse(it->id, c->raw.p, c->raw.n, &p, &perr);
	why = oc_oauth_skip_reason(it->id, p);
	if (p != NULL)
		oc_json_wipe_put(p);
	valid = oc_cred_expires_valid(c, &e);
	it->seen_expires = valid ? e : -1;
	it->res.expires = valid ? e : 0;
	if (why != NULL) {
		it->res.status = OC_REFRESH_SKIPPED;
		it->res.reason = why;
		/* Asked for by name and not done: a negative answer. */
		it->code = it->named ? OC_EX_NEG : 0;
		return;
	}
	if (valid && e - now > within) {
		it->res.status = OC_REFRESH_FRESH;
		it->res.reason = "not due";
		return;
	}
	it->res.status = OC_REFRESH_REFRESHED;	/* due */
}

static void
refresh_print(const struct refresh_item *it, int dry_run, int64_t now)
{
	char when[48], span[48];

	printf("%s %s", it->id, refresh_status_name(it->res.status, dry_run));
	if (it->res.status == OC_REFRESH_FAILED) {
		/* The full message goes to stderr. */
		printf(": %s\n", it->code == OC_EX_NEG ?
		    (strstr(it->err.msg, "re-authentication required") ?
		    "re-authentication required" :
		    strstr(it->err.msg, "no such profile") ?
		    "no such profile" : "refused") :
		    it->code == OC_EX_UNAVAILABLE ? "token endpoint unavailable" :
		    it->code == OC_EX_DATAERR ? "malformed response" :
		    it->code == OC_EX_TEMPFAIL ? "store locked" : "error");
		return;
	}
	if (it->res.reason != NULL)
		printf(": %s", it->res.reason);
	if (it->res.expires > 0) {
		fmt_when(it->res.expires, when, sizeof when);
		oc_time_format_span(it->res.expires - now, span, sizeof span);
		printf(" (expires %s, %s)", when, span);
	}
	putchar('\n');
}

static int
cmd_refresh(struct oc_ctx *ctx, struct opts *o)
{
	struct refresh_item *items = NULL;
	struct oc_store s;
	struct oc_err err;
	char *where;
	size_t n = 0, i;
	int64_t now = oc_time_now_ms();
	int code = 0;

	if (oc_store_open(&s, ctx, &err) == -1)
		return oc_out_report(&err);
	where = oc_xstrdup(oc_store_target_name(&s));
	if (o->nprofiles > 0) {
		items = oc_xcalloc(o->nprofiles, sizeof *items);
		for (i = 0; i < o->nprofiles; i++) {
			size_t j;

			for (j = 0; j < n; j++)
				if (strcmp(items[j].id, o->profiles[i]) == 0)
					break;
			if (j < n)
				continue;
			items[n].id = oc_xstrdup(o->profiles[i]);
			items[n].named = 1;
			n++;
		}
	} else {
		items = oc_xcalloc(s.ncreds ? s.ncreds : 1, sizeof *items);
		for (i = 0; i < s.ncreds; i++)
			if (s.creds[i].type == OC_CT_OAUTH &&
			    s.creds[i].entry != OC_CE_NON_OBJECT)
				items[n++].id = oc_xstrdup(s.creds[i].id);
	}
	for (i = 0; i < n; i++) {
		struct refresh_item *it = &items[i];
		const struct oc_cred *c = oc_store_get(&s, it->id);

		it->provider = c != NULL && c->provider_raw != NULL ?
		    oc_provider_norm_dup(c->provider_raw) : NULL;
		refresh_decide(it, c, now, o->within_ms);
	}
	oc_store_close(&s);

	for (i = 0; i < n && !o->dry_run; i++) {
		struct refresh_item *it = &items[i];

		if (it->res.status != OC_REFRESH_REFRESHED)
			continue;
		/* Lock, re-read, request, write: one profile at a time, so
		 * the lock is held for one request at most. */
		if (oc_oauth_refresh_profile(ctx, it->id, o->within_ms,
		    it->seen_expires, o->cli.wait_ms, &it->res,
		    &it->err) == -1) {
			it->code = it->err.code ? it->err.code : 1;
		} else if (it->res.status == OC_REFRESH_SKIPPED)
			it->code = it->named ? OC_EX_NEG : 0;
	}

	now = oc_time_now_ms();
	if (o->cli.json) {
		json_object *top = json_object_new_object();
		json_object *arr = json_object_new_array();

		json_object_object_add(top, "dryRun",
		    json_object_new_boolean(o->dry_run));
		json_object_object_add(top, "store", where ?
		    json_object_new_string(where) : NULL);
		json_object_object_add(top, "withinMs",
		    json_object_new_int64(o->within_ms));
		for (i = 0; i < n; i++) {
			struct refresh_item *it = &items[i];
			json_object *e = json_object_new_object();

			json_object_object_add(e, "profile",
			    json_object_new_string(it->id));
			json_object_object_add(e, "provider",
			    str_or_null(it->provider));
			json_object_object_add(e, "status",
			    json_object_new_string(refresh_status_name(
			    it->res.status, 0)));
			if (o->dry_run &&
			    it->res.status == OC_REFRESH_REFRESHED)
				json_object_object_add(e, "status",
				    json_object_new_string("due"));
			json_object_object_add(e, "reason",
			    str_or_null(it->res.reason));
			add_expires(e, it->res.expires);
			json_object_object_add(e, "requested",
			    json_object_new_boolean(it->res.requested));
			json_object_object_add(e, "error",
			    it->res.status == OC_REFRESH_FAILED ?
			    json_object_new_string(it->err.msg) : NULL);
			json_object_array_add(arr, e);
			if (it->code > code)
				code = it->code;
		}
		json_object_object_add(top, "profiles", arr);
		json_object_object_add(top, "exitCode",
		    json_object_new_int(code));
		oc_json_print(stdout, top);
		json_object_put(top);
	} else {
		for (i = 0; i < n; i++) {
			refresh_print(&items[i], o->dry_run, now);
			if (items[i].code > code)
				code = items[i].code;
		}
	}
	for (i = 0; i < n && !o->dry_run; i++)
		if (items[i].res.status == OC_REFRESH_REFRESHED) {
			oc_cli_reload(ctx, &o->cli);
			break;
		}
	for (i = 0; i < n; i++) {
		if (items[i].res.status == OC_REFRESH_FAILED)
			oc_out_warnx("%s", items[i].err.msg);
		free(items[i].id);
		free(items[i].provider);
	}
	free(items);
	free(where);
	return code;
}

/* An optional FILE after --claude / --codex, given as the next word too
 * ("--claude FILE"), not only as "--claude=FILE". */
static const char *
optional_file(struct oc_cmd *cmd, const char *arg)
{
	if (arg != NULL)
		return arg;
	if (optind < cmd->argc && (cmd->argv[optind][0] != '-' ||
	    strcmp(cmd->argv[optind], "-") == 0))
		return cmd->argv[optind++];
	return NULL;
}

static int
set_opt(struct oc_cmd *cmd, int id, const char *arg)
{
	struct opts *o = cmd->data;

	switch (id) {
	case OPT_CLAUDE:
		o->claude = 1;
		o->claude_file = optional_file(cmd, arg);
		return 0;
	case OPT_CODEX:
		o->codex = 1;
		o->codex_file = optional_file(cmd, arg);
		return 0;
	case OPT_DRY_RUN:
		o->dry_run = 1;
		return 0;
	case OPT_REFRESH:
		o->refresh = 1;
		return 0;
	case OPT_WITHIN:
		o->within = arg;
		return 0;
	case OPT_PROFILE:
		o->profiles = oc_xrealloc(o->profiles,
		    (o->nprofiles + 1) * sizeof *o->profiles);
		o->profiles[o->nprofiles++] = arg;
		return 0;
	}
	return -1;
}

static int
sync_run(struct oc_cmd *cmd, int argc, char **argv)
{
	struct opts *o = cmd->data;
	struct oc_ctx *ctx = &cmd->ctx;
	struct oc_err err;

	o->cli = cmd->cli;
	if (argc > 0) {
		oc_out_warnx("unexpected argument \"%s\"", argv[0]);
		return OC_EX_USAGE;
	}
	if (o->refresh && (o->claude || o->codex)) {
		oc_out_warnx("--refresh does not import: use it without --claude "
		    "and --codex");
		return OC_EX_USAGE;
	}
	if (!o->refresh && (o->within != NULL || o->nprofiles > 0)) {
		oc_out_warnx("--within and --profile go with --refresh");
		return OC_EX_USAGE;
	}
	if (o->within != NULL) {
		/* A bare number is minutes. */
		if (oc_duration_parse(o->within, 'm', &o->within_ms, &err) ==
		    -1 || o->within_ms < 0) {
			oc_out_warnx("--within: invalid duration \"%s\"",
			    o->within);
			return OC_EX_USAGE;
		}
	}
	if (o->claude_file != NULL && o->codex_file != NULL &&
	    strcmp(o->claude_file, "-") == 0 && strcmp(o->codex_file, "-") == 0) {
		oc_out_warnx("only one source can be read from stdin");
		return OC_EX_USAGE;
	}
	if (!o->dry_run) {
		struct oc_store s;

		/* the permissions of the store about to be written */
		if (oc_store_open(&s, ctx, &err) == 0) {
			oc_cli_store_warn(&s);
			oc_store_close(&s);
		}
	}
	return o->refresh ? cmd_refresh(ctx, o) : cmd_import(ctx, o);
}

static const struct oc_opt options[] = {
	{ "claude", 0, 2, "file", "import Claude Code's login (from file, or "
	    "- for stdin)", OPT_CLAUDE },
	{ "codex", 0, 2, "file", "import the Codex CLI's login (from file, or "
	    "- for stdin)", OPT_CODEX },
	{ "dry-run", 0, 0, NULL, "say what would change, change nothing",
	    OPT_DRY_RUN },
	{ "refresh", 0, 0, NULL, "refresh OpenClaw's own OAuth tokens",
	    OPT_REFRESH },
	{ "within", 0, 1, "dur", "refresh tokens that expire within dur "
	    "(default: already expired; a bare number is minutes)",
	    OPT_WITHIN },
	{ "profile", 0, 1, "id", "refresh only this profile (repeatable)",
	    OPT_PROFILE },
	{ NULL, 0, 0, NULL, NULL, 0 }
};

static const struct oc_verb verbs[] = {
	{ "", NULL, sync_run, OC_VERB_CTX | OC_VERB_GUARD_SELF,
	    "[-a agent] [--claude [file]] [--codex [file]] [--dry-run] [--json] "
	    "[--wait dur] [--force] [--reload]\n"
	    "[-a agent] --refresh [--within dur] [--profile id ...] [--dry-run] "
	    "[--json] [--wait dur] [--force] [--reload]" },
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
	cmd.summary = "Import Claude Code and Codex CLI logins, refresh OAuth "
	    "tokens; see oc-sync(1).";
	cmd.set = set_opt;
	cmd.data = &o;
	cmd.no_permute = 1;
	r = oc_cli_main(&cmd, argc, argv);
	free(o.profiles);
	return r;
}
