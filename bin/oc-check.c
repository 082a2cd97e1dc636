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

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: oc-check [-q | --json | --nagios | --prometheus] "
	    "[-a agent] [-w dur]\n"
	    "       oc-check --probe [-T ms] [-j n] [-p provider] "
	    "[--profile id ...]\n"
	    "                [-q | --json | --nagios | --prometheus] "
	    "[-a agent] [-w dur]\n"
	    "       oc-check -h | -V\n");
}

enum {
	OPT_NAGIOS = OC_OPT_FIRST_PRIVATE,
	OPT_PROMETHEUS,
	OPT_PROBE,
	OPT_PROFILE
};

enum fmt { FMT_TEXT, FMT_QUIET, FMT_JSON, FMT_NAGIOS, FMT_PROM };

struct opts {
	struct oc_cli cli;
	enum fmt fmt;
	int64_t warn_ms;
	int probe;
	long timeout_ms;
	int jobs;
	const char *provider;
	const char **profiles;
	size_t nprofiles;
};

struct run {
	struct opts *o;
	struct oc_ctx ctx;
	int have_ctx;
	struct oc_health h;
	int have_h;
	struct oc_probe_set probes;
	int have_probes;
	struct oc_check c;
};

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
		oc_check_prometheus(NULL, r->have_ctx ?
		    r->ctx.paths.agent_id : NULL, stdout);
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

	if (oc_ctx_open(&r->ctx, r->o->cli.agent, err) == -1)
		return -1;
	r->have_ctx = 1;
	(void)oc_era_guard(&r->ctx, 0, 0);
	/* <state>/.env, as OpenClaw loads it before anything else: keys set
	 * there count */
	if (oc_env_load(&r->ctx, err) == -1)
		return -1;
	if (oc_store_insecure(&r->ctx.paths))
		oc_warnx("warning: %s is readable by other users "
		    "(chmod 600 it)", r->ctx.paths.store_path);
	if (oc_health_load(&r->h, &r->ctx, oc_now_ms(), r->o->warn_ms,
	    err) == -1) {
		oc_health_free(&r->h);
		return -1;
	}
	r->have_h = 1;
	for (i = 0; i < r->h.np; i++)
		if (r->h.p[i].status == OC_HS_IGNORED)
			oc_warnx("warning: profile \"%s\" is ignored by "
			    "OpenClaw (%s)", r->h.p[i].id, r->h.p[i].reason);
	return 0;
}

static int
parse_args(struct opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		OC_COMMON_LONGOPTS,
		{ "quiet", no_argument, NULL, 'q' },
		{ "warn", required_argument, NULL, 'w' },
		{ "nagios", no_argument, NULL, OPT_NAGIOS },
		{ "prometheus", no_argument, NULL, OPT_PROMETHEUS },
		{ "probe", no_argument, NULL, OPT_PROBE },
		{ "timeout", required_argument, NULL, 'T' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "provider", required_argument, NULL, 'p' },
		{ "profile", required_argument, NULL, OPT_PROFILE },
		{ NULL, 0, NULL, 0 }
	};
	struct oc_err err;
	int ch, r, nfmt = 0;
	int64_t v;
	char *end;

	while ((ch = getopt_long(argc, argv, "a:hVqw:T:j:p:", longopts,
	    NULL)) != -1) {
		if ((r = oc_cli_option(&o->cli, ch, optarg)) == 1) {
			if (ch == OC_OPT_JSON) {
				o->fmt = FMT_JSON;
				nfmt++;
			}
			continue;
		}
		if (r == -1)
			return -1;
		switch (ch) {
		case 'q':
			o->fmt = FMT_QUIET;
			nfmt++;
			break;
		case OPT_NAGIOS:
			o->fmt = FMT_NAGIOS;
			nfmt++;
			break;
		case OPT_PROMETHEUS:
			o->fmt = FMT_PROM;
			nfmt++;
			break;
		case 'w':
			/* a bare number is hours */
			if (oc_duration_parse(optarg, 'h', &v, &err) == -1) {
				oc_warnx("-w: %s", err.msg);
				return -1;
			}
			o->warn_ms = v;
			break;
		case OPT_PROBE:
			o->probe = 1;
			break;
		case 'T':
			/* a bare number is milliseconds, as OpenClaw's
			 * --probe-timeout */
			if (oc_duration_parse(optarg, 0, &v, &err) == -1 ||
			    v <= 0 || v > 600000) {
				oc_warnx("-T: invalid timeout \"%s\" (1 to "
				    "600000 ms)", optarg);
				return -1;
			}
			o->timeout_ms = (long)v;
			break;
		case 'j':
			v = strtoll(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || v < 1 ||
			    v > 64) {
				oc_warnx("-j: invalid number \"%s\" (1 to 64)",
				    optarg);
				return -1;
			}
			o->jobs = (int)v;
			break;
		case 'p':
			o->provider = optarg;
			break;
		case OPT_PROFILE:
			o->profiles = oc_xrealloc(o->profiles,
			    (o->nprofiles + 1) * sizeof *o->profiles);
			o->profiles[o->nprofiles++] = optarg;
			break;
		default:
			return -1;
		}
	}
	if (nfmt > 1) {
		oc_warnx("-q, --json, --nagios and --prometheus exclude each "
		    "other");
		o->fmt = FMT_TEXT;	/* not a Nagios run: plain 64 */
		return -1;
	}
	if (optind < argc) {
		oc_warnx("unexpected argument \"%s\"", argv[optind]);
		return -1;
	}
	if (!o->probe && (o->provider || o->nprofiles)) {
		oc_warnx("-p and --profile select what --probe probes");
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct run r;
	struct oc_err err;
	int code;

	oc_set_progname(argv[0]);
	memset(&o, 0, sizeof o);
	memset(&r, 0, sizeof r);
	oc_cli_init(&o.cli);
	o.warn_ms = DAY_MS;
	o.timeout_ms = 8000;
	o.jobs = 4;
	r.o = &o;
	if (parse_args(&o, argc, argv) == -1) {
		usage(stderr);
		free(o.profiles);
		/* a monitoring plugin reports bad usage as UNKNOWN */
		return o.fmt == FMT_NAGIOS ? 3 : OC_EX_USAGE;
	}
	if (o.cli.help || o.cli.version) {
		if (o.cli.help)
			usage(stdout);
		else
			oc_version();
		free(o.profiles);
		return 0;
	}
	oc_err_clear(&err);
	if (load(&r, &err) == -1) {
		code = fail(&r, &err);
		goto out;
	}
	if (o.probe) {
		struct oc_probe_opts po;

		memset(&po, 0, sizeof po);
		po.timeout_ms = o.timeout_ms;
		po.concurrency = o.jobs;
		po.provider = o.provider;
		po.profiles = o.profiles;
		po.nprofiles = o.nprofiles;
		if (oc_probe_run(&r.probes, &r.ctx, &r.h, &po, &err) == -1) {
			code = fail(&r, &err);
			goto out;
		}
		r.have_probes = 1;
	}
	r.c.ctx = &r.ctx;
	r.c.h = &r.h;
	r.c.probes = r.have_probes ? &r.probes : NULL;
	r.c.timeout_ms = o.timeout_ms;
	r.c.concurrency = o.jobs;
	oc_check_decide(&r.c);
	switch (o.fmt) {
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
		oc_check_prometheus(&r.c, r.ctx.paths.agent_id, stdout);
		break;
	}
	code = o.fmt == FMT_NAGIOS ? oc_check_nagios_code(r.c.exit_code) :
	    r.c.exit_code;
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
	if (r.have_ctx)
		oc_ctx_close(&r.ctx);
	free(o.profiles);
	return code;
}
