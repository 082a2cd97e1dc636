/* SPDX-License-Identifier: ISC */
/*
 * oc-check - are the credentials of an OpenClaw agent usable, and for how
 * long? The verdict and exit code of `openclaw models status --check`, in
 * forms for people (text), scripts (-q, --json), Nagios/Icinga (--nagios)
 * and Prometheus (--prometheus); --probe asks each provider.
 */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "oc.h"

#define DAY_MS (24 * 3600 * 1000LL)

enum {
	OPT_NAGIOS = OC_OPT_FIRST_PRIVATE,
	OPT_PROMETHEUS,
	OPT_PROBE,
	OPT_PROFILE,
	OPT_OUTPUT
};

enum fmt { FMT_TEXT, FMT_QUIET, FMT_JSON, FMT_NAGIOS, FMT_PROM };

struct opts {
	enum fmt fmt;
	int nfmt;
	int nagios_anywhere;	/* --nagios is on the command line */
	int64_t warn_ms;
	int probe;
	long timeout_ms;
	int jobs;
	const char *provider;
	const char **profiles;
	size_t nprofiles;
	const char *output;	/* --output: the metrics file */
};

struct run {
	struct opts *o;
	struct oc_ctx *ctx;
	struct oc_health h;
	int have_h;
	struct oc_probe_set probes;
	int have_probes;
	struct oc_check c;
};

/*
 * --prometheus: on standard output, or with --output replacing FILE
 * atomically (a temp beside it, fsync, rename; mode 0644 whatever the
 * umask, for node-exporter's collector runs as another user), so that it
 * is never empty or partial. 0, or the exit code when FILE could not be
 * written (said, naming FILE, which is left as it was).
 */
static int
prometheus(struct run *r, const struct oc_check *c)
{
	const char *agent = r->ctx != NULL ? r->ctx->paths.agent_id : NULL;
	struct oc_atomic a;
	struct oc_err err;
	FILE *f;

	if (r->o->output == NULL) {
		oc_check_prometheus(c, agent, stdout);
		return 0;
	}
	oc_err_clear(&err);
	/* the temps of runs killed before their rename */
	oc_file_sweep_temps(r->o->output, 60000);
	if ((f = oc_atomic_open(&a, r->o->output, &err)) == NULL)
		return oc_report(&err);
	oc_check_prometheus(c, agent, f);
	if (oc_atomic_commit(&a, 0644, &err) == -1)
		return oc_report(&err);
	return 0;
}

/* Report an error in the form asked for, and return the exit code. */
static int
fail(struct run *r, const struct oc_err *err)
{
	int code = err->code ? err->code : 1;

	switch (r->o->fmt) {
	case FMT_NAGIOS:
		printf("OC-CHECK UNKNOWN - %s\n", err->msg);
		(void)oc_report(err);
		return 3;
	case FMT_JSON:
		oc_check_json_error(code, err->msg, stdout);
		break;
	case FMT_PROM:
		/* a collector still gets oc_check_up 0 to alert on */
		(void)prometheus(r, NULL);
		break;
	default:
		break;
	}
	return oc_report(err);
}

static int
load(struct run *r, struct oc_err *err)
{
	size_t i;

	/* <state>/.env, as OpenClaw loads it before anything else: keys set
	 * there count */
	if (oc_env_load(r->ctx, err) == -1)
		return -1;
	if (oc_health_load(&r->h, r->ctx, oc_now_ms(), r->o->warn_ms,
	    err) == -1) {
		oc_health_free(&r->h);
		return -1;
	}
	r->have_h = 1;
	oc_cli_store_warn(&r->h.store);
	for (i = 0; i < r->h.np; i++)
		if (r->h.p[i].status == OC_HS_IGNORED)
			oc_warnx("warning: profile \"%s\" is ignored by "
			    "OpenClaw (%s)", r->h.p[i].id, r->h.p[i].reason);
	return 0;
}

static int
set_opt(struct oc_cmd *cmd, int ch, const char *arg)
{
	struct opts *o = cmd->data;
	struct oc_err err;
	int64_t v;
	char *end;

	switch (ch) {
	case 'q':
		o->fmt = FMT_QUIET;
		o->nfmt++;
		return 0;
	case OPT_NAGIOS:
		o->fmt = FMT_NAGIOS;
		o->nfmt++;
		return 0;
	case OPT_PROMETHEUS:
		o->fmt = FMT_PROM;
		o->nfmt++;
		return 0;
	case 'w':
		/* a bare number is hours */
		if (oc_duration_parse(arg, 'h', &v, &err) == -1) {
			oc_warnx("-w: %s", err.msg);
			return -1;
		}
		o->warn_ms = v;
		return 0;
	case OPT_PROBE:
		o->probe = 1;
		return 0;
	case 'T':
		/* a bare number is milliseconds, as OpenClaw's
		 * --probe-timeout */
		if (oc_duration_parse(arg, 0, &v, &err) == -1 || v <= 0 ||
		    v > 600000) {
			oc_warnx("-T: invalid timeout \"%s\" (1 to 600000 ms)",
			    arg);
			return -1;
		}
		o->timeout_ms = (long)v;
		return 0;
	case 'j':
		v = strtoll(arg, &end, 10);
		if (*arg == '\0' || *end != '\0' || v < 1 || v > 64) {
			oc_warnx("-j: invalid number \"%s\" (1 to 64)", arg);
			return -1;
		}
		o->jobs = (int)v;
		return 0;
	case 'p':
		o->provider = arg;
		return 0;
	case OPT_PROFILE:
		o->profiles = oc_xrealloc(o->profiles,
		    (o->nprofiles + 1) * sizeof *o->profiles);
		o->profiles[o->nprofiles++] = arg;
		return 0;
	case OPT_OUTPUT:
		if (*arg == '\0') {
			oc_warnx("--output: a file name is needed");
			return -1;
		}
		o->output = arg;
		return 0;
	}
	return -1;
}

/* A monitoring plugin reports bad usage as UNKNOWN. */
static int
usage_error(struct oc_cmd *cmd, const char *msg)
{
	struct opts *o = cmd->data;

	if (msg[0] != '\0')
		oc_warnx("%s", msg);
	oc_cli_usage(cmd, stderr);
	if (o->nagios_anywhere) {
		printf("OC-CHECK UNKNOWN - usage error%s%s\n",
		    msg[0] ? ": " : "", msg);
		return 3;
	}
	return OC_EX_USAGE;
}

static int
check(struct oc_cmd *cmd, int argc, char **argv)
{
	struct opts *o = cmd->data;
	struct run r;
	struct oc_err err;
	int code, wcode = 0;

	memset(&r, 0, sizeof r);
	r.o = o;
	r.ctx = &cmd->ctx;
	if (o->nfmt + cmd->cli.json > 1) {
		oc_warnx("-q, --json, --nagios and --prometheus exclude each "
		    "other");
		return usage_error(cmd, "");
	}
	if (cmd->cli.json)
		o->fmt = FMT_JSON;
	if (o->output != NULL && o->fmt != FMT_PROM)
		return usage_error(cmd, "--output is for --prometheus");
	if (argc > 0) {
		oc_warnx("unexpected argument \"%s\"", argv[0]);
		return usage_error(cmd, "");
	}
	if (!o->probe && (o->provider || o->nprofiles)) {
		oc_warnx("-p and --profile select what --probe probes");
		return usage_error(cmd, "");
	}
	oc_err_clear(&err);
	if (load(&r, &err) == -1) {
		code = fail(&r, &err);
		goto out;
	}
	if (o->probe) {
		struct oc_probe_opts po;

		memset(&po, 0, sizeof po);
		po.timeout_ms = o->timeout_ms;
		po.concurrency = o->jobs;
		po.provider = o->provider;
		po.profiles = o->profiles;
		po.nprofiles = o->nprofiles;
		if (oc_probe_run(&r.probes, r.ctx, &r.h, &po, &err) == -1) {
			code = fail(&r, &err);
			goto out;
		}
		r.have_probes = 1;
	}
	r.c.ctx = r.ctx;
	r.c.h = &r.h;
	r.c.probes = r.have_probes ? &r.probes : NULL;
	r.c.timeout_ms = o->timeout_ms;
	r.c.concurrency = o->jobs;
	oc_check_decide(&r.c);
	switch (o->fmt) {
	case FMT_TEXT:
		oc_check_text(&r.c, stdout);
		break;
	case FMT_QUIET:
		break;
	case FMT_JSON:
		oc_check_json(&r.c, stdout);
		break;
	case FMT_NAGIOS:
		oc_check_nagios(&r.c, stdout);
		break;
	case FMT_PROM:
		wcode = prometheus(&r, &r.c);
		break;
	}
	code = o->fmt == FMT_NAGIOS ? oc_check_nagios_code(r.c.exit_code) :
	    r.c.exit_code;
	if (wcode != 0)
		code = wcode;
out:
	if (fflush(stdout) == EOF || ferror(stdout)) {
		oc_warnx("cannot write the report: standard output failed");
		if (code == 0 || code == OC_EX_EXPIRING)
			code = OC_EX_CANTCREAT;
	}
	oc_check_free(&r.c);
	if (r.have_probes)
		oc_probe_set_free(&r.probes);
	oc_health_free(&r.h);
	return code;
}

/* The context could not be opened (a corrupt config, an unknown agent). */
static int
ctx_error(struct oc_cmd *cmd, const struct oc_err *err)
{
	struct run r;

	memset(&r, 0, sizeof r);
	r.o = cmd->data;
	if (cmd->cli.json)
		r.o->fmt = FMT_JSON;
	if (r.o->output != NULL && r.o->fmt != FMT_PROM)
		return usage_error(cmd, "--output is for --prometheus");
	return fail(&r, err);
}

static const struct oc_opt options[] = {
	{ "quiet", 'q', 0, NULL, "print nothing; the exit status tells", 'q' },
	{ "nagios", 0, 0, NULL, "monitoring-plugins output and exit codes",
	    OPT_NAGIOS },
	{ "prometheus", 0, 0, NULL, "node-exporter textfile output",
	    OPT_PROMETHEUS },
	{ "output", 0, 1, "file", "write the metrics to file, replaced "
	    "atomically (0644)", OPT_OUTPUT },
	{ "warn", 'w', 1, "dur", "expiring within dur is a warning (default "
	    "24h; a bare number is hours)", 'w' },
	{ "probe", 0, 0, NULL, "ask every provider whether each credential "
	    "works", OPT_PROBE },
	{ "timeout", 'T', 1, "ms", "each probe's timeout (default 8000 ms)",
	    'T' },
	{ "jobs", 'j', 1, "n", "probes at a time (default 4)", 'j' },
	{ "provider", 'p', 1, "provider", "probe only this provider", 'p' },
	{ "profile", 0, 1, "id", "probe only this profile (repeatable)",
	    OPT_PROFILE },
	{ NULL, 0, 0, NULL, NULL, 0 }
};

static const struct oc_verb verbs[] = {
	{ "", NULL, check, OC_VERB_CTX,
	    "[-q | --json | --nagios | --prometheus [--output file]] [-a agent] "
	    "[-w dur]\n"
	    "--probe [-T ms] [-j n] [-p provider] [--profile id ...] "
	    "[-q | --json | --nagios | --prometheus [--output file]] "
	    "[-a agent] [-w dur]" },
	{ NULL, NULL, NULL, 0, NULL }
};

int
main(int argc, char **argv)
{
	struct opts o;
	struct oc_cmd cmd;
	int i, r;

	memset(&o, 0, sizeof o);
	memset(&cmd, 0, sizeof cmd);
	o.warn_ms = DAY_MS;
	o.timeout_ms = 8000;
	o.jobs = 4;
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--nagios") == 0)
			o.nagios_anywhere = 1;
	cmd.opts = options;
	cmd.verbs = verbs;
	cmd.summary = "Check an OpenClaw agent's credentials, as `openclaw "
	    "models status --check` does; see oc-check(1).";
	cmd.footer = "Exit status: 0 ok, 1 expired or missing, 2 expiring "
	    "(--nagios: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).";
	cmd.set = set_opt;
	cmd.on_usage_error = usage_error;
	cmd.on_error = ctx_error;
	cmd.data = &o;
	r = oc_cli_main(&cmd, argc, argv);
	free(o.profiles);
	return r;
}
