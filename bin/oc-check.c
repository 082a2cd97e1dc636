/* SPDX-License-Identifier: ISC */
/*
 * oc-check - are the credentials of an OpenClaw agent usable, and for how
 * long? The verdict and exit code of `openclaw models status --check`, in
 * forms for people (text), scripts (-q, --json), Nagios/Icinga (--nagios)
 * and Prometheus (--prometheus); --probe asks each provider.
 */
#include "config.h"

#include <sys/stat.h>

#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oc.h"

#define DAY_MS (24 * 3600 * 1000LL)

enum {
	OPT_NAGIOS = OC_OPT_FIRST_PRIVATE,
	OPT_PROMETHEUS,
	OPT_PROBE,
	OPT_PROFILE,
	OPT_EXCLUDE,
	OPT_OUTPUT
};

enum fmt { FMT_TEXT, FMT_QUIET, FMT_JSON, FMT_NAGIOS, FMT_PROM };

struct opts {
	enum fmt fmt;
	int nfmt;
	int nagios_anywhere;	/* --nagios is on the command line */
	int64_t warn_ms;
	int64_t crit_ms;	/* -c; 0: only what has expired */
	int64_t deadline_ms;	/* -t; 0: none */
	int probe;
	long timeout_ms;
	int jobs;
	char *provider;		/* normalised */
	char **profiles;	/* --profile, comma lists split */
	size_t nprofiles;
	char **exclude;		/* --exclude */
	size_t nexclude;
	const char *output;	/* --output: the metrics file */
};

struct run {
	struct opts *o;
	struct oc_ctx *ctx;
	struct oc_hscope scope;
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
		oc_checkfmt_prometheus(c, agent, stdout);
		return 0;
	}
	oc_err_clear(&err);
	/* the temps of runs killed before their rename */
	oc_file_sweep_temps(r->o->output, 60000);
	if ((f = oc_file_atomic_open(&a, r->o->output, &err)) == NULL)
		return oc_out_report(&err);
	oc_checkfmt_prometheus(c, agent, f);
	if (oc_file_atomic_commit(&a, 0644, &err) == -1)
		return oc_out_report(&err);
	return 0;
}

/* Report an error in the form asked for, and return the exit code. */
static int
fail(struct run *r, const struct oc_err *err)
{
	switch (r->o->fmt) {
	case FMT_NAGIOS:
		printf("OC-CHECK UNKNOWN - %s\n", err->msg);
		(void)oc_out_report(err);
		return OC_EX_NAGIOS_UNKNOWN;
	case FMT_JSON:
		/* the error object comes from oc_cli_main, as for every
		 * command */
		break;
	case FMT_PROM:
		/* a collector still gets oc_check_up 0 to alert on */
		(void)prometheus(r, NULL);
		break;
	default:
		break;
	}
	return oc_out_report(err);
}

static int
load(struct run *r, struct oc_err *err)
{
	const struct oc_hscope *sc = &r->scope;
	size_t i;

	/* <state>/.env, as OpenClaw loads it before anything else: keys set
	 * there count */
	if (oc_dotenv_load(r->ctx, err) == -1)
		return -1;
	/* nothing scoped: none to ask about each profile */
	if (sc->provider == NULL && sc->nprofiles == 0 && sc->nexclude == 0 &&
	    sc->crit_ms == 0)
		sc = NULL;
	if (oc_health_load(&r->h, r->ctx, oc_time_now_ms(), r->o->warn_ms,
	    sc, err) == -1) {
		oc_health_free(&r->h);
		return -1;
	}
	r->have_h = 1;
	oc_cli_store_warn(&r->h.store);
	for (i = 0; i < r->h.np; i++)
		if (r->h.p[i].status == OC_HS_IGNORED)
			oc_out_warnx("warning: profile \"%s\" is ignored by "
			    "OpenClaw (%s)", r->h.p[i].id, r->h.p[i].reason);
	/* --profile names what must be there */
	for (i = 0; i < r->o->nprofiles; i++) {
		size_t j;

		for (j = 0; j < r->h.np; j++)
			if (strcmp(r->h.p[j].id, r->o->profiles[i]) == 0 &&
			    r->h.p[j].status != OC_HS_IGNORED)
				break;
		if (j == r->h.np) {
			oc_err_set(err, OC_EX_NEG, "--profile %s: no such "
			    "profile for agent %s", r->o->profiles[i],
			    r->ctx->paths.agent_id);
			return -1;
		}
	}
	return 0;
}

static int
is_dir(const char *path)
{
	struct stat st;

	return path != NULL && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Where OpenClaw keeps nothing for this user: the state directory, else
 * the agent directory, when no credential was found at all (a key in the
 * environment is one: OpenClaw runs on it). NULL: there is state. */
static const char *
no_state(const struct run *r)
{
	const struct oc_paths *p = &r->ctx->paths;
	size_t i;

	if (!r->have_h || r->h.np > 0)
		return NULL;
	for (i = 0; i < r->h.nprov; i++)
		if (r->h.prov[i].env_var != NULL || r->h.prov[i].config_key)
			return NULL;
	if (!is_dir(p->state_dir))
		return p->state_dir;
	/* (a database found is state, agent directory or not) */
	if (r->h.store.era < OC_ERA_C && !is_dir(p->agent_dir))
		return p->agent_dir;
	return NULL;
}

/* No state is not a verdict on a credential: say where we looked. */
static int
report_no_state(struct run *r, const char *dir)
{
	char msg[1200];

	snprintf(msg, sizeof msg, "no OpenClaw state at %s", dir);
	switch (r->o->fmt) {
	case FMT_NAGIOS:
		printf("OC-CHECK UNKNOWN - %s (run as the gateway's user, or "
		    "give --state-dir)\n", msg);
		return OC_EX_NAGIOS_UNKNOWN;
	case FMT_JSON:
		oc_checkfmt_json_no_state(r->ctx->paths.state_dir, dir, stdout);
		break;
	case FMT_PROM:
		/* oc_check_up 0: a collector alerts on it */
		(void)prometheus(r, NULL);
		break;
	case FMT_TEXT:
		printf("MISSING: %s\n", msg);
		break;
	case FMT_QUIET:
		break;
	}
	oc_out_warnx("%s: OpenClaw has not run as this user, or the state is "
	    "elsewhere (--state-dir, OPENCLAW_STATE_DIR)", msg);
	return OC_EX_NEG;
}

/* Split "a,b" into the list (OpenClaw's --probe-profile takes both). */
static int
add_ids(char ***v, size_t *n, const char *arg, const char *opt)
{
	const char *p = arg, *q;

	do {
		q = strchr(p, ',');
		if (q == NULL)
			q = p + strlen(p);
		if (q == p) {
			oc_out_warnx("%s: empty profile id in \"%s\"", opt, arg);
			return -1;
		}
		*v = oc_xrealloc(*v, (*n + 1) * sizeof **v);
		(*v)[(*n)++] = oc_xstrndup(p, (size_t)(q - p));
		p = q + 1;
	} while (*q == ',');
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
	case 'c':
		/* units only: no OpenClaw flag to mirror (oc(7)) */
		if (oc_duration_parse(arg, NULL, &v, &err) == -1) {
			oc_out_warnx("-%c: %s", ch, err.msg);
			return -1;
		}
		*(ch == 'w' ? &o->warn_ms : &o->crit_ms) = v;
		return 0;
	case 't':
		/* a bare number is seconds, as every monitoring plugin's
		 * -t */
		if (oc_duration_parse(arg, "s", &v, &err) == -1 || v < 1000 ||
		    v > 3600000) {
			oc_out_warnx("-t: invalid deadline \"%s\" (1 to 3600 "
			    "seconds)", arg);
			return -1;
		}
		o->deadline_ms = v;
		return 0;
	case OPT_PROBE:
		o->probe = 1;
		return 0;
	case 'T':
		/* a bare number is milliseconds, as OpenClaw's
		 * --probe-timeout */
		if (oc_duration_parse(arg, "ms", &v, &err) == -1 || v <= 0 ||
		    v > 600000) {
			oc_out_warnx("-T: invalid timeout \"%s\" (1 to 600000 ms)",
			    arg);
			return -1;
		}
		o->timeout_ms = (long)v;
		return 0;
	case 'j':
		v = strtoll(arg, &end, 10);
		if (*arg == '\0' || *end != '\0' || v < 1 || v > 64) {
			oc_out_warnx("-j: invalid number \"%s\" (1 to 64)", arg);
			return -1;
		}
		o->jobs = (int)v;
		return 0;
	case 'p':
		if (*arg == '\0') {
			oc_out_warnx("-p: empty provider");
			return -1;
		}
		free(o->provider);
		o->provider = oc_provider_auth_dup(arg);
		return 0;
	case OPT_PROFILE:
		return add_ids(&o->profiles, &o->nprofiles, arg, "--profile");
	case OPT_EXCLUDE:
		return add_ids(&o->exclude, &o->nexclude, arg, "--exclude");
	case OPT_OUTPUT:
		if (*arg == '\0') {
			oc_out_warnx("--output: a file name is needed");
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
		oc_out_warnx("%s", msg);
	else if (oc_out_last_error() != NULL)
		msg = oc_out_last_error();	/* said by the option's parser */
	oc_cli_usage(cmd, stderr);
	if (o->nagios_anywhere) {
		printf("OC-CHECK UNKNOWN - usage error%s%s (see oc-check "
		    "--help)\n", msg[0] ? ": " : "", msg);
		return OC_EX_NAGIOS_UNKNOWN;
	}
	return OC_EX_USAGE;
}

/* -t: the last resort when something still runs at the deadline (a
 * SecretRef command, the helper): one line in the form asked for, and out.
 * Only async-signal-safe calls. */
static char alarm_line[160];
static size_t alarm_len;
static int alarm_code;

static void
on_alarm(int sig)
{
	(void)sig;
	if (alarm_len > 0 && write(STDOUT_FILENO, alarm_line, alarm_len) < 0)
		alarm_len = 0;
	_exit(alarm_code);
}

static void
arm_deadline(const struct opts *o)
{
	struct sigaction sa;
	unsigned secs = (unsigned)((o->deadline_ms + 999) / 1000) + 1;

	alarm_code = o->fmt == FMT_NAGIOS ? 3 : OC_EX_TEMPFAIL;
	if (o->fmt == FMT_JSON)
		/* the error object of oc(7), as oc_out_json_error writes it */
		snprintf(alarm_line, sizeof alarm_line, "{\"schemaVersion\":%d,"
		    "\"ok\":false,\"exitCode\":%d,\"error\":\"not done within "
		    "the -t deadline (%us)\"}\n", OC_JSON_SCHEMA, alarm_code,
		    secs - 1);
	else if (o->fmt == FMT_NAGIOS)
		snprintf(alarm_line, sizeof alarm_line, "OC-CHECK UNKNOWN - "
		    "not done within the -t deadline (%us)\n", secs - 1);
	else if (o->fmt == FMT_TEXT)
		snprintf(alarm_line, sizeof alarm_line, "UNKNOWN: not done "
		    "within the -t deadline (%us)\n", secs - 1);
	alarm_len = strlen(alarm_line);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	alarm(secs);
}

/* N of M on a terminal, nowhere else. */
static void
progress(size_t done, size_t n, void *arg)
{
	(void)arg;
	fprintf(stderr, "\roc-check: %zu of %zu probes done", done, n);
	if (done == n)
		fputc('\n', stderr);
}

static int
check(struct oc_cmd *cmd, int argc, char **argv)
{
	struct opts *o = cmd->data;
	struct run r;
	struct oc_err err;
	const char *nostate;
	int64_t t0 = oc_time_mono_ms();
	int code, wcode = 0;

	memset(&r, 0, sizeof r);
	r.o = o;
	r.ctx = &cmd->ctx;
	if (o->nfmt + cmd->cli.json > 1) {
		oc_out_warnx("-q, --json, --nagios and --prometheus exclude each "
		    "other");
		return usage_error(cmd, "");
	}
	if (cmd->cli.json)
		o->fmt = FMT_JSON;
	if (o->output != NULL && o->fmt != FMT_PROM)
		return usage_error(cmd, "--output is for --prometheus");
	if (argc > 0) {
		oc_out_warnx("unexpected argument \"%s\"", argv[0]);
		return usage_error(cmd, "");
	}
	if (o->deadline_ms > 0)
		arm_deadline(o);
	r.scope.provider = o->provider;
	r.scope.profiles = (const char *const *)o->profiles;
	r.scope.nprofiles = o->nprofiles;
	r.scope.exclude = (const char *const *)o->exclude;
	r.scope.nexclude = o->nexclude;
	r.scope.crit_ms = o->crit_ms;
	/* a -c beyond -w widens the window judged */
	if (o->crit_ms > o->warn_ms)
		o->warn_ms = o->crit_ms;
	oc_err_clear(&err);
	if (load(&r, &err) == -1) {
		code = fail(&r, &err);
		goto out;
	}
	if ((nostate = no_state(&r)) != NULL) {
		code = report_no_state(&r, nostate);
		goto out;
	}
	if (o->probe) {
		struct oc_probe_opts po;

		memset(&po, 0, sizeof po);
		po.timeout_ms = o->timeout_ms;
		po.concurrency = o->jobs;
		if (o->deadline_ms > 0)
			po.deadline = t0 + o->deadline_ms;
		if (isatty(STDERR_FILENO))
			po.progress = progress;
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
	r.c.crit_ms = o->crit_ms;
	r.c.deadline_ms = o->deadline_ms;
	oc_checkfmt_decide(&r.c);
	switch (o->fmt) {
	case FMT_TEXT:
		oc_checkfmt_text(&r.c, stdout);
		break;
	case FMT_QUIET:
		break;
	case FMT_JSON:
		oc_checkfmt_json(&r.c, stdout);
		break;
	case FMT_NAGIOS:
		oc_checkfmt_nagios(&r.c, stdout);
		break;
	case FMT_PROM:
		wcode = prometheus(&r, &r.c);
		break;
	}
	code = o->fmt == FMT_NAGIOS ? oc_checkfmt_nagios_code(r.c.exit_code) :
	    r.c.exit_code;
	if (wcode != 0)
		code = wcode;
out:
	alarm(0);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		oc_out_warnx("cannot write the report: standard output failed");
		if (code == 0 || code == OC_EX_EXPIRING)
			code = OC_EX_CANTCREAT;
	}
	oc_checkfmt_free(&r.c);
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
	{ "nagios", 0, 0, NULL, "monitoring-plugins output and exit codes "
	    "(0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)", OPT_NAGIOS },
	{ "prometheus", 0, 0, NULL, "node-exporter textfile output",
	    OPT_PROMETHEUS },
	{ "output", 0, 1, "file", "write the metrics to file, replaced "
	    "atomically (0644)", OPT_OUTPUT },
	{ "warn", 'w', 1, "dur", "a credential expiring within dur (90m, "
	    "2h, 7d) is a warning (default 24h)", 'w' },
	{ "critical", 'c', 1, "dur", "one expiring within dur is critical, "
	    "as if expired (default: only once expired)", 'c' },
	{ "deadline", 't', 1, "secs", "give up after secs seconds (or 90s, "
	    "2m) in all: "
	    "what is unfinished is reported, the result is UNKNOWN (default: "
	    "none)", 't' },
	{ "probe", 0, 0, NULL, "ask every provider whether each credential "
	    "works (default: no network)", OPT_PROBE },
	{ "timeout", 'T', 1, "ms", "each probe's timeout, in ms as "
	    "OpenClaw's --probe-timeout (default 8000)", 'T' },
	{ "jobs", 'j', 1, "n", "probes at a time (default 4)", 'j' },
	{ "provider", 'p', 1, "provider", "judge and probe only this "
	    "provider's credentials (default: all)", 'p' },
	{ "profile", 0, 1, "id", "judge and probe only these profiles "
	    "(repeatable, or id,id; default: all)", OPT_PROFILE },
	{ "exclude", 0, 1, "id", "leave these profiles out (repeatable, or "
	    "id,id)", OPT_EXCLUDE },
	{ NULL, 0, 0, NULL, NULL, 0 }
};

static const struct oc_verb verbs[] = {
	{ "", NULL, check, OC_VERB_CTX,
	    "[-q | --json | --nagios | --prometheus [--output file]] [-a agent] "
	    "[-w dur] [-c dur] [-t secs] [-p provider] [--profile id ...] "
	    "[--exclude id ...]\n"
	    "--probe [-T ms] [-j n] "
	    "[-q | --json | --nagios | --prometheus [--output file]] "
	    "[-a agent] [-w dur] [-c dur] [-t secs] [-p provider] "
	    "[--profile id ...] [--exclude id ...]" },
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
	/* --nagios anywhere: stdout is the one OC-CHECK line, even with
	 * --json beside it (a usage error then); never a JSON object too */
	cmd.no_json_error = o.nagios_anywhere;
	r = oc_cli_main(&cmd, argc, argv);
	free(o.provider);
	for (i = 0; i < (int)o.nprofiles; i++)
		free(o.profiles[i]);
	for (i = 0; i < (int)o.nexclude; i++)
		free(o.exclude[i]);
	free(o.profiles);
	free(o.exclude);
	return r;
}
