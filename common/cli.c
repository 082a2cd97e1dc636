/* SPDX-License-Identifier: ISC */
/*
 * cli.c - the plumbing every command shares: one option table, one verb
 * table, one dispatcher. A verb's synopsis line is both its usage text and
 * the list of options it takes (every -x and --long in it), so an option
 * that does not belong to the verb is a usage error and -h can only say
 * what the command accepts; a test holds -h to the man page's SYNOPSIS.
 */
#include "config.h"

#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "oc.h"

/* Options every command shares. */
static const struct oc_opt common_opts[] = {
	{ "agent", 'a', 1, "agent", "the agent whose store is used (default: "
	    "the config's default agent)", 'a' },
	{ "json", 0, 0, NULL, "print JSON", OC_OPT_JSON },
	{ "wait", 0, 1, "dur", "how long to wait for the store's lock "
	    "(default 10s)", OC_OPT_WAIT },
	{ "force", 0, 0, NULL, "write even where OpenClaw refuses the agent "
	    "(a JSON store awaiting migration)", OC_OPT_FORCE },
	{ "reload", 0, 0, NULL, "after the write, tell a running gateway to "
	    "use it at once", OC_OPT_RELOAD },
	{ "state-dir", 0, 1, "dir", "OpenClaw's state directory (as "
	    "OPENCLAW_STATE_DIR; default ~/.openclaw)", OC_OPT_STATE_DIR },
	{ "help", 'h', 0, NULL, "print the usage (-h) or this help (--help)",
	    'h' },
	{ "version", 'V', 0, NULL, "print the version", 'V' },
};
#define NCOMMON (sizeof common_opts / sizeof common_opts[0])

static void
oc_cli_init(struct oc_cli *c)
{
	memset(c, 0, sizeof *c);
	c->wait_ms = oc_lock_wait_default();
}

/* The option with this getopt value: common ones, then the command's. */
static const struct oc_opt *
find_opt(const struct oc_cmd *cmd, int id)
{
	size_t i;

	for (i = 0; i < NCOMMON; i++)
		if (common_opts[i].id == id)
			return &common_opts[i];
	for (i = 0; cmd->opts != NULL && cmd->opts[i].help != NULL; i++)
		if (cmd->opts[i].id == id)
			return &cmd->opts[i];
	return NULL;
}

static int
common_option(struct oc_cli *c, int opt, const char *arg, int *long_help)
{
	struct oc_err err;
	int64_t ms;

	switch (opt) {
	case 'a':
		c->agent = arg;
		return 1;
	case 'h':
		c->help = 1;
		return 1;
	case 'V':
		c->version = 1;
		return 1;
	case OC_OPT_JSON:
		c->json = 1;
		return 1;
	case OC_OPT_FORCE:
		c->force = 1;
		return 1;
	case OC_OPT_RELOAD:
		c->reload = 1;
		return 1;
	case OC_OPT_STATE_DIR:
		/* the very meaning of OPENCLAW_STATE_DIR, for us and for the
		 * programs we start (the gateway a key is handed to) */
		if (*arg == '\0') {
			oc_out_warnx("--state-dir: empty directory");
			return -1;
		}
		if (setenv("OPENCLAW_STATE_DIR", arg, 1) == -1) {
			oc_out_warnx("--state-dir: cannot set OPENCLAW_STATE_DIR");
			return -1;
		}
		c->state_dir = arg;
		return 1;
	case OC_OPT_HELP_LONG:
		c->help = 1;
		*long_help = 1;
		return 1;
	case OC_OPT_WAIT:
		/* A bare number is seconds, like sleep(1). */
		if (oc_duration_parse(arg, 's', &ms, &err) == -1 ||
		    ms > 3600000) {
			oc_out_warnx("--wait: invalid duration \"%s\"", arg);
			return -1;
		}
		c->wait_ms = (int)ms;
		return 1;
	}
	return 0;
}

/* The option's spelling in a synopsis: "-x", or "--long". */
static void
spelling(const struct oc_opt *o, char *buf, size_t sz)
{
	if (o->shrt != 0)
		snprintf(buf, sz, "-%c", o->shrt);
	else
		snprintf(buf, sz, "--%s", o->lng);
}

/* Whether the synopsis names the option (as -x or --long). */
static int
synopsis_has(const char *syn, const struct oc_opt *o)
{
	const char *p;
	size_t n;

	if (o->id == 'h' || o->id == 'V' || o->id == OC_OPT_HELP_LONG ||
	    o->id == OC_OPT_STATE_DIR)
		return 1;	/* every verb answers these */
	for (p = syn; (p = strchr(p, '-')) != NULL; p++) {
		if (p > syn && !(p[-1] == '[' || p[-1] == ' ' || p[-1] == '|' ||
		    p[-1] == '\n'))
			continue;
		if (p[1] == '-' && o->lng != NULL) {
			n = strlen(o->lng);
			if (strncmp(p + 2, o->lng, n) == 0 &&
			    !(isalnum((unsigned char)p[2 + n]) ||
			    p[2 + n] == '-'))
				return 1;
		} else if (p[1] != '-' && o->shrt != 0) {
			/* -x, or a cluster like -qv in "[-qv]" */
			const char *q;

			for (q = p + 1; isalnum((unsigned char)*q); q++)
				if (*q == o->shrt)
					return 1;
		}
	}
	return 0;
}

/* One synopsis line, wrapped at 79 columns between options, the rest
 * indented under the first option. */
static void
print_line(FILE *f, const char *lead, const char *line, size_t len)
{
	size_t col, start = strlen(lead) + strlen(oc_err_progname) + 2, i, brk;

	fprintf(f, "%s %s ", lead, oc_err_progname);
	col = start;
	while (len > 0) {
		if (col + len <= 79) {
			fprintf(f, "%.*s\n", (int)len, line);
			return;
		}
		/* the last "] [" or " [" that fits */
		brk = 0;
		for (i = 1; i < len && col + i <= 79; i++)
			if (line[i] == ' ' && line[i + 1] == '[')
				brk = i;
		if (brk == 0) {
			fprintf(f, "%.*s\n", (int)len, line);
			return;
		}
		fprintf(f, "%.*s\n%*s", (int)brk, line, (int)start, "");
		line += brk + 1;
		len -= brk + 1;
		col = start;
	}
	fputc('\n', f);
}

static void
print_usage(const struct oc_cmd *cmd, FILE *f)
{
	const char *p, *nl;
	size_t i;
	int first = 1;

	for (i = 0; cmd->verbs[i].name != NULL; i++)
		for (p = cmd->verbs[i].synopsis; *p != '\0'; p = nl) {
			nl = strchr(p, '\n');
			if (nl == NULL)
				nl = p + strlen(p);
			print_line(f, first ? "usage:" : "      ", p,
			    (size_t)(nl - p));
			first = 0;
			if (*nl == '\n')
				nl++;
		}
	fprintf(f, "       %s -h | -V\n", oc_err_progname);
}

void
oc_cli_usage(const struct oc_cmd *cmd, FILE *f)
{
	print_usage(cmd, f);
}

/* --help: the usage, then one line per option. */
static void
print_help(const struct oc_cmd *cmd, FILE *f)
{
	const struct oc_opt *o;
	size_t i, j;
	char left[64];

	print_usage(cmd, f);
	if (cmd->summary != NULL)
		fprintf(f, "\n%s\n", cmd->summary);
	fprintf(f, "\noptions:\n");
	for (j = 0; j < 2; j++) {
		for (i = 0;; i++) {
			if (j == 0 && cmd->opts != NULL &&
			    cmd->opts[i].help != NULL)
				o = &cmd->opts[i];
			else if (j == 1 && i < NCOMMON)
				o = &common_opts[i];
			else
				break;
			if (j == 1 && !cmd->uses_common[i])
				continue;
			if (o->shrt && o->lng)
				snprintf(left, sizeof left, "-%c, --%s%s%s",
				    o->shrt, o->lng, o->arg ? " " : "",
				    o->arg ? o->arg : "");
			else if (o->shrt)
				snprintf(left, sizeof left, "-%c%s%s", o->shrt,
				    o->arg ? " " : "", o->arg ? o->arg : "");
			else
				snprintf(left, sizeof left, "--%s%s%s", o->lng,
				    o->arg ? " " : "", o->arg ? o->arg : "");
			fprintf(f, "  %-26s %s\n", left, o->help);
		}
	}
	if (cmd->footer != NULL)
		fprintf(f, "\n%s\n", cmd->footer);
}

/* A usage error: the message, the usage, the command's own reporting. */
static int
usage_error(struct oc_cmd *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
usage_error(struct oc_cmd *cmd, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	msg[0] = '\0';
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof msg, fmt, ap);
		va_end(ap);
	}
	if (cmd->on_usage_error != NULL)
		return cmd->on_usage_error(cmd, msg);
	if (msg[0] != '\0')
		oc_out_warnx("%s", msg);
	print_usage(cmd, stderr);
	return OC_EX_USAGE;
}

int
oc_cli_main(struct oc_cmd *cmd, int argc, char **argv)
{
	struct option *lo;
	char shorts[128], sp[48];
	const struct oc_verb *verb = NULL;
	const struct oc_opt *o;
	size_t n = 0, i, k, nseen = 0;
	const struct oc_opt **seen = NULL;
	int ch, r, cr, long_help = 0, ncmd;
	struct oc_err err;

	oc_err_set_progname(argv[0]);
	oc_cli_init(&cmd->cli);
	/* which common options this command takes at all */
	for (i = 0; i < NCOMMON; i++) {
		for (k = 0; cmd->verbs[k].name != NULL; k++)
			if (synopsis_has(cmd->verbs[k].synopsis,
			    &common_opts[i]))
				cmd->uses_common[i] = 1;
	}
	for (ncmd = 0; cmd->opts != NULL && cmd->opts[ncmd].help != NULL;
	    ncmd++)
		;
	lo = oc_xcalloc(NCOMMON + (size_t)ncmd + 2, sizeof *lo);
	k = 0;
	shorts[k++] = ':';	/* missing arguments come back as ':' */
	for (i = 0; i < NCOMMON + (size_t)ncmd; i++) {
		o = i < NCOMMON ? &common_opts[i] : &cmd->opts[i - NCOMMON];
		if (o->lng != NULL) {
			lo[n].name = o->lng;
			lo[n].has_arg = o->has_arg == 2 ? optional_argument :
			    o->has_arg ? required_argument : no_argument;
			lo[n].val = o->id == 'h' ? OC_OPT_HELP_LONG : o->id;
			n++;
		}
		if (o->shrt != 0 && k + 3 < sizeof shorts) {
			shorts[k++] = (char)o->shrt;
			if (o->has_arg)
				shorts[k++] = ':';
		}
	}
	shorts[k] = '\0';
	if (cmd->no_permute) {
		/* "+": operands end the options, so a command can take the
		 * word after an option with an optional value */
		memmove(shorts + 1, shorts, k + 1);
		shorts[0] = '+';
	}
	cmd->argc = argc;
	cmd->argv = argv;
	opterr = 0;
	r = -1;
	while ((ch = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		if (ch == '?' || ch == ':') {
			const char *bad = argv[optind - 1];

			r = usage_error(cmd, ch == ':' ? "%s needs a value" :
			    "unknown option %s", bad ? bad : "");
			goto out;
		}
		o = find_opt(cmd, ch == OC_OPT_HELP_LONG ? 'h' : ch);
		if (o != NULL) {
			seen = oc_xrealloc(seen, (nseen + 1) * sizeof *seen);
			seen[nseen++] = o;
		}
		cr = common_option(&cmd->cli, ch, optarg, &long_help);
		if (cr == 1)
			continue;
		if (cr == -1 || cmd->set == NULL ||
		    cmd->set(cmd, ch, optarg) == -1) {
			r = usage_error(cmd, NULL);
			goto out;
		}
	}
	if (cmd->cli.help) {
		if (long_help)
			print_help(cmd, stdout);
		else
			print_usage(cmd, stdout);
		r = 0;
		goto out;
	}
	if (cmd->cli.version) {
		oc_out_version();
		r = 0;
		goto out;
	}
	argc -= optind;
	argv += optind;
	if (cmd->verbs[1].name == NULL && cmd->verbs[0].name[0] == '\0')
		verb = &cmd->verbs[0];	/* a command without verbs */
	else {
		if (argc < 1) {
			r = usage_error(cmd, NULL);
			goto out;
		}
		for (i = 0; cmd->verbs[i].name != NULL; i++)
			if (strcmp(cmd->verbs[i].name, argv[0]) == 0 ||
			    (cmd->verbs[i].alias != NULL &&
			    strcmp(cmd->verbs[i].alias, argv[0]) == 0))
				verb = &cmd->verbs[i];
		if (verb == NULL) {
			r = usage_error(cmd, "unknown command \"%s\"", argv[0]);
			goto out;
		}
		argc--;
		argv++;
	}
	for (i = 0; i < nseen; i++)
		if (!synopsis_has(verb->synopsis, seen[i])) {
			spelling(seen[i], sp, sizeof sp);
			r = usage_error(cmd, "%s%s%s does not take %s",
			    oc_err_progname, verb->name[0] ? " " : "", verb->name,
			    sp);
			goto out;
		}
	cmd->verb = verb;
	if (verb->flags & OC_VERB_CTX) {
		oc_err_clear(&err);
		if (oc_ctx_open(&cmd->ctx, cmd->cli.agent, &err) == -1) {
			r = cmd->on_error != NULL ? cmd->on_error(cmd, &err) :
			    oc_out_report(&err);
			goto out;
		}
		cmd->have_ctx = 1;
		cmd->ctx.force = cmd->cli.force;
	}
	r = verb->run(cmd, argc, argv);
out:
	if (cmd->have_ctx)
		oc_ctx_close(&cmd->ctx);
	cmd->have_ctx = 0;
	free(seen);
	free(lo);
	return r;
}

void
oc_cli_store_warn(const struct oc_store *s)
{
	const char *bad;

	if ((bad = oc_store_insecure(s)) != NULL)
		oc_out_warnx("warning: %s is readable by other users "
		    "(chmod 600 it)", bad);
	if (s->legacy_json != NULL && s->legacy_blocks)
		oc_out_warnx("warning: %s awaits migration: OpenClaw %s refuses "
		    "this agent until it is imported (AUTH_PROFILE_MIGRATION_"
		    "REQUIRED); run: oc-profile migrate", s->legacy_json,
		    s->era == OC_ERA_D ? "2026.8 and later" : "");
	else if (s->legacy_json != NULL)
		oc_out_warnx("warning: %s is not read by this OpenClaw (2026.6 or "
		    "later keeps credentials in SQLite)", s->legacy_json);
}

static void
say(const struct oc_gw_report *r)
{
	if (r->level != NULL)
		oc_out_warnx("%s: %s", r->level, r->text);
}

void
oc_cli_reload(const struct oc_ctx *ctx, const struct oc_cli *cli)
{
	struct oc_gw_report r;
	struct oc_store s;
	struct oc_err err;
	int era = -1;

	if (!cli->reload)
		return;
	/* The era says which OpenClaw wrote the store, so what its gateway
	 * makes of the call; the write just made leaves it readable. */
	if (oc_store_open(&s, ctx, &err) == 0) {
		era = (int)s.era;
		oc_store_close(&s);
	}
	oc_gateway_reload_after_write(ctx, cli->agent != NULL ?
	    ctx->paths.agent_id : NULL, era, &r);
	say(&r);
}

void
oc_cli_reload_env(const struct oc_ctx *ctx, const struct oc_cli *cli)
{
	struct oc_gw_report r;

	if (!cli->reload)
		return;
	oc_gateway_reload_env(ctx, &r);
	say(&r);
}
