/*
 * oc-check - are the credentials of an OpenClaw agent usable, and for how
 * long? The verdict and exit code of `openclaw models status --check`, in
 * forms for people (text), scripts (-q, --json), Nagios/Icinga (--nagios)
 * and Prometheus (--prometheus); --probe asks each provider.
 */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
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
	struct oc_store store, main_store;
	int have_main;
	struct oc_health h;
	struct oc_probe_set probes;
	int have_probes;
	enum oc_verdict verdict;
	int exit_code;
	char reason[512];
};

/* ---- small formatting helpers ---- */

static void
fmt_left(int64_t ms, char *buf, size_t sz)
{
	char span[48];

	oc_format_span(ms, span, sizeof span);
	snprintf(buf, sz, "%s%s", ms < 0 ? "-" : "", span);
}

/* The window as given: "24h", "90m", else a span. */
static void
fmt_window(int64_t ms, char *buf, size_t sz)
{
	if (ms > 0 && ms % 3600000 == 0)
		snprintf(buf, sz, "%" PRId64 "h", ms / 3600000);
	else if (ms > 0 && ms % 60000 == 0)
		snprintf(buf, sz, "%" PRId64 "m", ms / 60000);
	else
		oc_format_span(ms, buf, sz);
}

/* "2026-11-21T23:40:00Z": whole seconds are enough on a status line. */
static void
fmt_when(int64_t ms, char *buf, size_t sz)
{
	char iso[40];

	oc_iso8601(ms, iso, sizeof iso);
	snprintf(buf, sz, "%.19sZ", iso);
}

/* ---- the verdict and its reason ---- */

static const struct oc_probe_result *
probe_for(const struct run *r, const char *profile_id, const char *provider)
{
	size_t i;

	if (!r->have_probes)
		return NULL;
	for (i = 0; i < r->probes.n; i++) {
		const struct oc_probe_result *pr = &r->probes.r[i];

		if (profile_id != NULL) {
			if (pr->profile_id != NULL &&
			    strcmp(pr->profile_id, profile_id) == 0)
				return pr;
		} else if (provider != NULL && pr->profile_id == NULL &&
		    strcmp(pr->provider, provider) == 0)
			return pr;
	}
	return NULL;
}

/*
 * The first line's reason names the worst problem: expired before
 * missing before a failed probe before expiring; "(+N more)" counts the
 * other problems of the same verdict.
 */
static void
decide(struct run *r)
{
	const struct oc_health *h = &r->h;
	char left[64];
	const char *first = NULL;
	size_t i, nbad = 0;
	char what[400] = "";

	r->verdict = h->verdict;
	r->exit_code = h->exit_code;
	if (r->have_probes && r->probes.nfailed > 0) {
		r->exit_code = OC_EX_NEG;
		if (r->verdict != OC_V_MISSING)
			r->verdict = OC_V_EXPIRED;
	}
	switch (r->verdict) {
	case OC_V_EXPIRED:
		for (i = 0; i < h->np; i++)
			if (h->p[i].status == OC_HS_EXPIRED && (h->p[i].ctype ==
			    OC_CT_TOKEN || h->p[i].ctype == OC_CT_OAUTH)) {
				if (nbad++ == 0) {
					oc_format_span(h->p[i].remaining_ms,
					    left, sizeof left);
					snprintf(what, sizeof what,
					    "%s expired %s ago", h->p[i].id,
					    left);
				}
			}
		if (r->have_probes)
			for (i = 0; i < r->probes.n; i++)
				if (r->probes.r[i].failed && nbad++ == 0)
					snprintf(what, sizeof what,
					    "%s rejected by %s (%s)",
					    r->probes.r[i].label,
					    r->probes.r[i].provider,
					    r->probes.r[i].status);
		nbad += h->nmissing;
		break;
	case OC_V_MISSING:
		for (i = 0; i < h->nprov; i++)
			if (h->prov[i].missing && nbad++ == 0)
				snprintf(what, sizeof what,
				    "no credential for %s (used by %s)",
				    h->prov[i].id, h->prov[i].used_by);
		for (i = 0; i < h->np; i++)
			if (h->p[i].status == OC_HS_MISSING && nbad++ == 0)
				snprintf(what, sizeof what,
				    "%s is unusable (%s)", h->p[i].id,
				    h->p[i].reason ? h->p[i].reason :
				    "missing");
		if (r->have_probes)
			for (i = 0; i < r->probes.n; i++)
				if (r->probes.r[i].failed && nbad++ == 0)
					snprintf(what, sizeof what,
					    "%s rejected by %s (%s)",
					    r->probes.r[i].label,
					    r->probes.r[i].provider,
					    r->probes.r[i].status);
		break;
	case OC_V_EXPIRING:
		for (i = 0; i < h->np; i++)
			if (h->p[i].status == OC_HS_EXPIRING && nbad++ == 0) {
				oc_format_span(h->p[i].remaining_ms, left,
				    sizeof left);
				snprintf(what, sizeof what, "%s expires in %s",
				    h->p[i].id, left);
				first = h->p[i].id;
			}
		break;
	case OC_V_OK: {
		size_t n = 0, inuse = 0;

		for (i = 0; i < h->np; i++)
			n += h->p[i].status != OC_HS_IGNORED;
		for (i = 0; i < h->nprov; i++)
			inuse += h->prov[i].in_use;
		fmt_window(h->warn_ms, left, sizeof left);
		snprintf(what, sizeof what, "%zu profile%s, %zu provider%s "
		    "in use, nothing expires within %s", n, n == 1 ? "" : "s",
		    inuse, inuse == 1 ? "" : "s", left);
		break;
	}
	}
	(void)first;
	if (nbad > 1)
		snprintf(r->reason, sizeof r->reason, "%s (+%zu more)", what,
		    nbad - 1);
	else
		snprintf(r->reason, sizeof r->reason, "%s", what);
}

/* ---- text ---- */

static void
note_probe(struct oc_buf *b, const struct oc_probe_result *pr)
{
	if (pr == NULL)
		return;
	oc_buf_addf(b, "%sprobe: %s", b->len ? "; " : "", pr->status);
	if (pr->http_status > 0)
		oc_buf_addf(b, " (HTTP %ld, %ld ms)", pr->http_status,
		    pr->latency_ms);
	else if (pr->reason_code != NULL)
		oc_buf_addf(b, " (%s)", pr->reason_code);
	if (pr->hint != NULL)
		oc_buf_addf(b, ": %s", pr->hint);
}

/* One row per profile, env key, missing provider and ignored entry. */
static void
rows(struct run *r, struct oc_table *t)
{
	const struct oc_health *h = &r->h;
	size_t i;

	for (i = 0; i < h->np; i++) {
		const struct oc_hprofile *hp = &h->p[i];
		char left[64] = "-", when[48] = "never";
		struct oc_buf note = { 0 };
		const char *c[6];

		if (hp->status == OC_HS_IGNORED)
			continue;	/* listed last */
		if (hp->has_expiry) {
			fmt_left(hp->remaining_ms, left, sizeof left);
			fmt_when(hp->expires_at, when, sizeof when);
		} else if (hp->status == OC_HS_MISSING ||
		    hp->status == OC_HS_IGNORED)
			snprintf(when, sizeof when, "-");
		if (hp->reason != NULL && hp->status != OC_HS_EXPIRED)
			oc_buf_adds(&note, hp->reason);
		/* usable (the gateway refreshes it), but say so */
		if (hp->refreshable)
			oc_buf_adds(&note, hp->remaining_ms <= 0 ?
			    "expired (refreshable)" : "expiring (refreshable)");
		if (hp->from_main)
			oc_buf_addf(&note, "%sfrom the main agent",
			    note.len ? "; " : "");
		note_probe(&note, probe_for(r, hp->id, NULL));
		c[0] = hp->id;
		c[1] = hp->type;
		c[2] = oc_hstatus_name(hp->status);
		c[3] = left;
		c[4] = when;
		c[5] = note.len ? note.data : "";
		oc_table_add(t, c);
		oc_buf_free(&note);
	}
	for (i = 0; i < h->nprov; i++) {
		const struct oc_hprovider *pv = &h->prov[i];
		struct oc_buf note = { 0 };
		const char *c[6];

		if (pv->nprofiles > 0)
			continue;
		if (pv->missing) {
			oc_buf_addf(&note, "used by %s, no credential",
			    pv->used_by);
			c[1] = "-";
			c[2] = "missing";
			c[4] = "-";
		} else if (pv->env_var != NULL || pv->config_key) {
			if (pv->env_var)
				oc_buf_addf(&note, "env %s", pv->env_var);
			else
				oc_buf_adds(&note, "config apiKey");
			c[1] = pv->env_var ? "env" : "config";
			c[2] = "static";
			c[4] = "never";
		} else
			continue;
		note_probe(&note, probe_for(r, NULL, pv->id));
		c[0] = pv->id;
		c[3] = "-";
		c[5] = note.data;
		oc_table_add(t, c);
		oc_buf_free(&note);
	}
	for (i = 0; i < h->np; i++) {
		const struct oc_hprofile *hp = &h->p[i];
		const char *c[6];

		if (hp->status != OC_HS_IGNORED)
			continue;
		c[0] = hp->id;
		c[1] = hp->type;
		c[2] = "ignored";
		c[3] = "-";
		c[4] = "-";
		c[5] = hp->reason;
		oc_table_add(t, c);
	}
}

/* The rows in aligned columns, with no trailing blanks when the last
 * cells are empty (oc_table_print pads every column but the last). */
static void
print_rows(struct run *r, FILE *f)
{
	struct oc_table t;
	size_t w[6] = { 0 }, i, c, l;

	oc_table_init(&t, 6);
	rows(r, &t);
	for (i = 0; i < t.rows; i++)
		for (c = 0; c < 6; c++)
			if ((l = strlen(t.cells[i * 6 + c])) > w[c])
				w[c] = l;
	for (i = 0; i < t.rows; i++) {
		struct oc_buf b = { 0 };

		for (c = 0; c < 6; c++)
			oc_buf_addf(&b, "%-*s%s", c < 5 ? (int)w[c] : 0,
			    t.cells[i * 6 + c], c < 5 ? "  " : "");
		while (b.len > 0 && b.data[b.len - 1] == ' ')
			b.data[--b.len] = '\0';
		fprintf(f, "%s\n", b.data);
		oc_buf_free(&b);
	}
	oc_table_free(&t);
}

static void
out_text(struct run *r, FILE *f)
{
	fprintf(f, "%s: %s\n", oc_verdict_name(r->verdict), r->reason);
	print_rows(r, f);
}

/* ---- JSON ---- */

static json_object *
jstr(const char *s)
{
	return s != NULL ? json_object_new_string(s) : NULL;
}

static json_object *
probe_json(const struct oc_probe_result *pr)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "provider", jstr(pr->provider));
	json_object_object_add(o, "profileId", jstr(pr->profile_id));
	json_object_object_add(o, "source", jstr(pr->source));
	json_object_object_add(o, "mode", jstr(pr->mode));
	json_object_object_add(o, "status", jstr(pr->status));
	if (pr->reason_code)
		json_object_object_add(o, "reasonCode", jstr(pr->reason_code));
	json_object_object_add(o, "request", jstr(pr->request));
	json_object_object_add(o, "httpStatus", pr->http_status > 0 ?
	    json_object_new_int64(pr->http_status) : NULL);
	json_object_object_add(o, "latencyMs", pr->latency_ms >= 0 ?
	    json_object_new_int64(pr->latency_ms) : NULL);
	json_object_object_add(o, "error", jstr(pr->error));
	if (pr->hint)
		json_object_object_add(o, "hint", jstr(pr->hint));
	return o;
}

static json_object *
report_json(struct run *r)
{
	const struct oc_health *h = &r->h;
	json_object *o = json_object_new_object(), *a, *m;
	size_t i;

	json_object_object_add(o, "schemaVersion", json_object_new_int(1));
	json_object_object_add(o, "ok",
	    json_object_new_boolean(r->exit_code == 0));
	json_object_object_add(o, "verdict",
	    jstr(oc_verdict_name(r->verdict)));
	json_object_object_add(o, "exitCode",
	    json_object_new_int(r->exit_code));
	json_object_object_add(o, "reason", jstr(r->reason));
	json_object_object_add(o, "agent", jstr(r->ctx.paths.agent_id));
	json_object_object_add(o, "agentDir", jstr(r->ctx.paths.agent_dir));
	json_object_object_add(o, "store", jstr(r->ctx.paths.store_path));
	json_object_object_add(o, "config", jstr(r->ctx.paths.config_path));
	json_object_object_add(o, "now", json_object_new_int64(h->now));
	json_object_object_add(o, "warnAfterMs",
	    json_object_new_int64(h->warn_ms));

	a = json_object_new_array();
	for (i = 0; i < h->nmodels; i++) {
		m = json_object_new_object();
		json_object_object_add(m, "ref", jstr(h->models[i].ref));
		json_object_object_add(m, "role", jstr(h->models[i].role));
		json_object_object_add(m, "provider",
		    jstr(h->models[i].provider));
		json_object_array_add(a, m);
	}
	json_object_object_add(o, "models", a);

	a = json_object_new_array();
	for (i = 0; i < h->np; i++) {
		const struct oc_hprofile *hp = &h->p[i];
		char when[48];

		m = json_object_new_object();
		json_object_object_add(m, "id", jstr(hp->id));
		json_object_object_add(m, "provider", jstr(hp->provider));
		json_object_object_add(m, "type", jstr(hp->type));
		json_object_object_add(m, "status",
		    jstr(oc_hstatus_name(hp->status)));
		json_object_object_add(m, "reasonCode", jstr(hp->reason));
		if (hp->has_expiry) {
			json_object_object_add(m, "expiresAt",
			    json_object_new_int64(hp->expires_at));
			oc_iso8601(hp->expires_at, when, sizeof when);
			json_object_object_add(m, "expires", jstr(when));
			json_object_object_add(m, "remainingMs",
			    json_object_new_int64(hp->remaining_ms));
		} else {
			json_object_object_add(m, "expiresAt", NULL);
			json_object_object_add(m, "expires", NULL);
			json_object_object_add(m, "remainingMs", NULL);
		}
		json_object_object_add(m, "refreshable",
		    json_object_new_boolean(hp->refreshable));
		json_object_object_add(m, "source",
		    jstr(hp->from_main ? "main-store" : "store"));
		if (hp->label)
			json_object_object_add(m, "label", jstr(hp->label));
		json_object_array_add(a, m);
	}
	json_object_object_add(o, "profiles", a);

	a = json_object_new_array();
	for (i = 0; i < h->nprov; i++) {
		const struct oc_hprovider *pv = &h->prov[i];

		m = json_object_new_object();
		json_object_object_add(m, "provider", jstr(pv->id));
		json_object_object_add(m, "status",
		    jstr(oc_hstatus_name(pv->status)));
		json_object_object_add(m, "inUse",
		    json_object_new_boolean(pv->in_use));
		json_object_object_add(m, "usedBy", jstr(pv->used_by));
		json_object_object_add(m, "profiles",
		    json_object_new_int64((int64_t)pv->nprofiles));
		json_object_object_add(m, "env", jstr(pv->env_var));
		json_object_object_add(m, "configKey",
		    json_object_new_boolean(pv->config_key));
		json_object_object_add(m, "missing",
		    json_object_new_boolean(pv->missing));
		json_object_array_add(a, m);
	}
	json_object_object_add(o, "providers", a);

	if (r->have_probes) {
		a = json_object_new_array();
		for (i = 0; i < r->probes.n; i++)
			json_object_array_add(a, probe_json(&r->probes.r[i]));
		m = json_object_new_object();
		json_object_object_add(m, "durationMs",
		    json_object_new_int64(r->probes.duration_ms));
		json_object_object_add(m, "timeoutMs",
		    json_object_new_int64(r->o->timeout_ms));
		json_object_object_add(m, "concurrency",
		    json_object_new_int(r->o->jobs));
		json_object_object_add(m, "results", a);
		json_object_object_add(o, "probes", m);
	}
	return o;
}

/* ---- Nagios / Icinga (monitoring-plugins conventions) ---- */

static const char *const nagios_word[] = { "OK", "WARNING", "CRITICAL",
	"UNKNOWN" };

static int
nagios_code(int exit_code)
{
	return exit_code == OC_EX_OK ? 0 : exit_code == OC_EX_EXPIRING ? 1 :
	    exit_code == OC_EX_NEG ? 2 : 3;
}

/* Perfdata labels may not contain "'" or "="; they are quoted. */
static void
perf_label(struct oc_buf *b, const char *s)
{
	oc_buf_addc(b, '\'');
	for (; *s; s++)
		oc_buf_addc(b, *s == '\'' || *s == '=' ? '_' : *s);
	oc_buf_addc(b, '\'');
}

static void
out_nagios(struct run *r, FILE *f)
{
	const struct oc_health *h = &r->h;
	struct oc_buf b = { 0 };
	size_t i;
	int n = 0;

	oc_buf_addf(&b, "OC-CHECK %s - %s: %s",
	    nagios_word[nagios_code(r->exit_code)],
	    oc_verdict_name(r->verdict), r->reason);
	for (i = 0; i < h->np; i++) {
		const struct oc_hprofile *hp = &h->p[i];

		if (!hp->has_expiry || hp->refreshable)
			continue;
		oc_buf_adds(&b, n++ ? " " : " | ");
		perf_label(&b, hp->id);
		/* seconds left, warn below the window, crit below zero */
		oc_buf_addf(&b, "=%" PRId64 "s;%" PRId64 ":;0:",
		    hp->remaining_ms >= 0 ? hp->remaining_ms / 1000 :
		    -((-hp->remaining_ms + 999) / 1000), h->warn_ms / 1000);
	}
	fprintf(f, "%s\n", b.data);
	oc_buf_free(&b);
	print_rows(r, f);
}

/* ---- Prometheus textfile collector ---- */

static void
prom_str(struct oc_buf *b, const char *s)
{
	oc_buf_addc(b, '"');
	for (; s && *s; s++) {
		if (*s == '\\' || *s == '"')
			oc_buf_addc(b, '\\');
		if (*s == '\n')
			oc_buf_adds(b, "\\n");
		else
			oc_buf_addc(b, *s);
	}
	oc_buf_addc(b, '"');
}

static void
prom_head(struct oc_buf *b, const char *name, const char *help)
{
	oc_buf_addf(b, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static void
prom_secs(struct oc_buf *b, int64_t ms)
{
	int64_t s = ms / 1000, f = ms % 1000;

	if (ms < 0 && f != 0) {
		s -= 1;
		f += 1000;
	}
	oc_buf_addf(b, "%" PRId64 ".%03" PRId64 "\n", s, f);
}

static void
prom_profile_labels(struct oc_buf *b, const char *agent,
    const struct oc_hprofile *hp)
{
	oc_buf_adds(b, "{agent=");
	prom_str(b, agent);
	oc_buf_adds(b, ",profile=");
	prom_str(b, hp->id);
	oc_buf_adds(b, ",provider=");
	prom_str(b, hp->provider ? hp->provider : "");
	oc_buf_adds(b, ",type=");
	prom_str(b, hp->type);
}

static void
out_prom(struct run *r, FILE *f, int up)
{
	const struct oc_health *h = &r->h;
	const char *agent = r->ctx.paths.agent_id ? r->ctx.paths.agent_id :
	    "";
	struct oc_buf b = { 0 }, al = { 0 };
	size_t i;

	oc_buf_adds(&al, "{agent=");
	prom_str(&al, agent);
	oc_buf_adds(&al, "}");
	prom_head(&b, "oc_check_up",
	    "1 when oc-check could read the store and config.");
	oc_buf_addf(&b, "oc_check_up%s %d\n", al.data, up);
	prom_head(&b, "oc_check_last_run_timestamp_seconds",
	    "When oc-check ran.");
	oc_buf_addf(&b, "oc_check_last_run_timestamp_seconds%s ", al.data);
	prom_secs(&b, oc_now_ms());
	if (!up)
		goto out;
	prom_head(&b, "oc_check_status",
	    "oc-check exit code: 0 ok, 1 expired or missing, 2 expiring.");
	oc_buf_addf(&b, "oc_check_status%s %d\n", al.data, r->exit_code);
	prom_head(&b, "oc_check_profile_status",
	    "1 for each profile, labelled with its status.");
	for (i = 0; i < h->np; i++) {
		oc_buf_adds(&b, "oc_check_profile_status");
		prom_profile_labels(&b, agent, &h->p[i]);
		oc_buf_adds(&b, ",status=");
		prom_str(&b, oc_hstatus_name(h->p[i].status));
		oc_buf_adds(&b, "} 1\n");
	}
	prom_head(&b, "oc_check_profile_expiry_timestamp_seconds",
	    "When the profile's credential expires.");
	for (i = 0; i < h->np; i++) {
		/* the gateway refreshes these itself: an access token that
		 * expired an hour ago is no reason to alert */
		if (!h->p[i].has_expiry || h->p[i].refreshable)
			continue;
		oc_buf_adds(&b, "oc_check_profile_expiry_timestamp_seconds");
		prom_profile_labels(&b, agent, &h->p[i]);
		oc_buf_adds(&b, "} ");
		prom_secs(&b, h->p[i].expires_at);
	}
	prom_head(&b, "oc_check_provider_missing",
	    "1 when a provider in use has no credential.");
	for (i = 0; i < h->nprov; i++) {
		if (!h->prov[i].in_use)
			continue;
		oc_buf_adds(&b, "oc_check_provider_missing{agent=");
		prom_str(&b, agent);
		oc_buf_adds(&b, ",provider=");
		prom_str(&b, h->prov[i].id);
		oc_buf_addf(&b, "} %d\n", h->prov[i].missing);
	}
	if (r->have_probes) {
		prom_head(&b, "oc_check_probe_ok",
		    "1 when the provider accepted the credential.");
		for (i = 0; i < r->probes.n; i++) {
			const struct oc_probe_result *pr = &r->probes.r[i];

			oc_buf_adds(&b, "oc_check_probe_ok{agent=");
			prom_str(&b, agent);
			oc_buf_adds(&b, ",provider=");
			prom_str(&b, pr->provider);
			oc_buf_adds(&b, ",profile=");
			prom_str(&b, pr->label);
			oc_buf_adds(&b, ",status=");
			prom_str(&b, pr->status);
			oc_buf_addf(&b, "} %d\n",
			    strcmp(pr->status, "ok") == 0);
		}
	}
out:
	fwrite(b.data, 1, b.len, f);
	oc_buf_free(&b);
	oc_buf_free(&al);
}

/* ---- errors in each format ---- */

static int
fail(struct run *r, const struct oc_err *err)
{
	int code = err->code ? err->code : 1;

	switch (r->o->fmt) {
	case FMT_NAGIOS:
		printf("OC-CHECK UNKNOWN - %s\n", err->msg);
		return 3;
	case FMT_JSON: {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "schemaVersion",
		    json_object_new_int(1));
		json_object_object_add(o, "ok", json_object_new_boolean(0));
		json_object_object_add(o, "verdict", jstr("UNKNOWN"));
		json_object_object_add(o, "exitCode",
		    json_object_new_int(code));
		json_object_object_add(o, "error", jstr(err->msg));
		oc_json_print(stdout, o);
		json_object_put(o);
		break;
	}
	case FMT_PROM:
		out_prom(r, stdout, 0);
		break;
	default:
		break;
	}
	return oc_report(err);
}

/* ---- main ---- */

static int
load(struct run *r, struct oc_err *err)
{
	char *main_dir;

	if (oc_ctx_open(&r->ctx, r->o->cli.agent, err) == -1)
		return -1;
	(void)oc_era_guard(&r->ctx, 0, 0);
	if (oc_store_load(&r->store, &r->ctx.paths, err) == -1)
		return -1;
	if (r->store.exists && oc_store_insecure(&r->ctx.paths))
		oc_warnx("warning: %s is readable by other users "
		    "(chmod 600 it)", r->ctx.paths.store_path);
	main_dir = oc_health_main_dir_dup(&r->ctx);
	if (!oc_health_same_dir(main_dir, r->ctx.paths.agent_dir)) {
		struct oc_paths mp = r->ctx.paths;
		char *sp = oc_xasprintf("%s/auth-profiles.json", main_dir);
		char *st = oc_xasprintf("%s/auth-state.json", main_dir);
		int x;

		mp.agent_dir = main_dir;
		mp.store_path = sp;
		mp.state_path = st;
		x = oc_store_load(&r->main_store, &mp, err);
		free(sp);
		free(st);
		if (x == -1) {
			free(main_dir);
			return -1;
		}
		r->have_main = 1;
	}
	free(main_dir);
	return 0;
}

static void
warn_ignored(const struct oc_health *h)
{
	size_t i;

	for (i = 0; i < h->np; i++)
		if (h->p[i].status == OC_HS_IGNORED)
			oc_warnx("warning: profile \"%s\" is ignored by "
			    "OpenClaw (%s)", h->p[i].id, h->p[i].reason);
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
	oc_health_build(&r.h, &r.ctx, &r.store, r.have_main ? &r.main_store :
	    NULL, oc_now_ms(), o.warn_ms);
	warn_ignored(&r.h);
	if (o.probe) {
		struct oc_probe_opts po = { 0 };
		json_object *orders[3];

		po.timeout_ms = o.timeout_ms;
		po.concurrency = o.jobs;
		po.provider = o.provider;
		po.profiles = o.profiles;
		po.nprofiles = o.nprofiles;
		orders[0] = oc_store_routing(&r.store, "order");
		orders[1] = r.have_main ? oc_store_routing(&r.main_store,
		    "order") : NULL;
		orders[2] = oc_json_get_obj(oc_json_get_obj(r.ctx.config,
		    "auth"), "order");
		if (oc_probe_run(&r.probes, &r.ctx, &r.h, orders, 3, &po,
		    &err) == -1) {
			code = fail(&r, &err);
			goto out;
		}
		r.have_probes = 1;
	}
	decide(&r);
	switch (o.fmt) {
	case FMT_TEXT:
		out_text(&r, stdout);
		break;
	case FMT_QUIET:
		break;
	case FMT_JSON: {
		json_object *j = report_json(&r);

		oc_json_print(stdout, j);
		json_object_put(j);
		break;
	}
	case FMT_NAGIOS:
		out_nagios(&r, stdout);
		break;
	case FMT_PROM:
		out_prom(&r, stdout, 1);
		break;
	}
	code = o.fmt == FMT_NAGIOS ? nagios_code(r.exit_code) : r.exit_code;
out:
	if (fflush(stdout) == EOF && code == 0)
		code = OC_EX_CANTCREAT;
	if (r.have_probes)
		oc_probe_set_free(&r.probes);
	oc_health_free(&r.h);
	oc_store_free(&r.main_store);
	oc_store_free(&r.store);
	oc_ctx_close(&r.ctx);
	free(o.profiles);
	return code;
}
