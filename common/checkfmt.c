/* SPDX-License-Identifier: ISC */
/*
 * checkfmt.c - oc-check's verdict line and its four output forms (text,
 * JSON, Nagios, Prometheus), written to a stream the command hands in.
 *
 * Everything is streamed row by row: a store of 10,000 profiles must not
 * cost a table or a JSON tree in memory (oc-check's budget is 8 MB there).
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "oc.h"

#define FLUSH_AT (64u << 10)

/* ---- small formatting helpers ---- */

static void
fmt_left(int64_t ms, char *buf, size_t sz)
{
	char span[48];

	oc_time_format_span(ms, span, sizeof span);
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
		oc_time_format_span(ms, buf, sz);
}

/* "2026-11-21T23:40:00Z": whole seconds are enough on a status line. */
static void
fmt_when(int64_t ms, char *buf, size_t sz)
{
	char iso[40];

	oc_time_iso8601(ms, iso, sizeof iso);
	snprintf(buf, sz, "%.19sZ", iso);
}

static void
flush(struct oc_buf *b, FILE *f, int force)
{
	if (b->len > 0 && (force || b->len >= FLUSH_AT)) {
		fwrite(b->data, 1, b->len, f);
		b->len = 0;
		b->data[0] = '\0';
	}
}

/* ---- probes by credential ---- */

static const struct oc_probe_result *
probe_of_profile(const struct oc_check *c, size_t i)
{
	return c->probe_by_profile != NULL ? c->probe_by_profile[i] : NULL;
}

static const struct oc_probe_result *
probe_of_provider(const struct oc_check *c, const char *provider)
{
	size_t i;

	/* env and config keys: at most one per provider, a short list */
	for (i = 0; c->probes != NULL && i < c->probes->n; i++)
		if (c->probes->r[i].profile_id == NULL &&
		    strcmp(c->probes->r[i].provider, provider) == 0)
			return &c->probes->r[i];
	return NULL;
}

/* ---- the verdict ---- */

/* The problems, worst first: what is expired or missing (the one that
 * expired first leading), then what a provider rejected, then what expires
 * within -c, then within -w, soonest first. The first names the verdict;
 * the others are counted. */
struct problem {
	int rank;
	int64_t remaining;
	char text[400];
};

struct problems {
	struct problem best;
	size_t n;
};

static void
problem(struct problems *ps, int rank, int64_t remaining, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static void
problem(struct problems *ps, int rank, int64_t remaining, const char *fmt,
    ...)
{
	va_list ap;

	if (ps->n++ > 0 && (rank > ps->best.rank || (rank == ps->best.rank &&
	    remaining >= ps->best.remaining)))
		return;
	ps->best.rank = rank;
	ps->best.remaining = remaining;
	va_start(ap, fmt);
	vsnprintf(ps->best.text, sizeof ps->best.text, fmt, ap);
	va_end(ap);
}

static int
expirable(const struct oc_hprofile *hp)
{
	return hp->ctype == OC_CT_TOKEN || hp->ctype == OC_CT_OAUTH;
}

enum { R_BAD, R_REJECTED, R_CRITICAL, R_EXPIRING };

static void
probe_problems(const struct oc_check *c, struct problems *ps)
{
	size_t i;

	for (i = 0; c->probes != NULL && i < c->probes->n; i++)
		if (c->probes->r[i].failed)
			problem(ps, R_REJECTED, INT64_MAX,
			    "%s rejected by %s (%s)", c->probes->r[i].label,
			    c->probes->r[i].provider, c->probes->r[i].status);
}

/* The rule sets of 2026.6 and later: the issues of the routes in use. */
static void
route_problems(const struct oc_check *c, struct problems *ps)
{
	const struct oc_health *h = c->h;
	size_t i;

	for (i = 0; i < h->nissues; i++)
		problem(ps, h->issues[i].missing == 1 ? R_BAD :
		    h->issues[i].missing == 2 ? R_CRITICAL : R_EXPIRING,
		    h->issues[i].remaining_ms, "%s", h->issues[i].text);
}

/* 2026.3: every profile on its own, and the providers in use. */
static void
profile_problems(const struct oc_check *c, struct problems *ps)
{
	const struct oc_health *h = c->h;
	char left[64], win[48];
	size_t i;

	for (i = 0; i < h->np; i++) {
		const struct oc_hprofile *hp = &h->p[i];

		if (!expirable(hp) || hp->out_of_scope ||
		    hp->status == OC_HS_OK || hp->status == OC_HS_STATIC)
			continue;
		oc_time_format_span(hp->remaining_ms, left, sizeof left);
		if (hp->status == OC_HS_EXPIRED)
			problem(ps, R_BAD, hp->remaining_ms, "%s expired %s ago",
			    hp->id, left);
		else if (hp->status == OC_HS_MISSING)
			problem(ps, R_BAD, INT64_MAX, "%s is unusable (%s)",
			    hp->id, hp->reason ? hp->reason : "missing");
		else if (hp->status == OC_HS_EXPIRING && hp->critical) {
			fmt_window(c->crit_ms, win, sizeof win);
			problem(ps, R_CRITICAL, hp->remaining_ms, "%s expires in "
			    "%s (critical within %s)", hp->id, left, win);
		} else if (hp->status == OC_HS_EXPIRING)
			problem(ps, R_EXPIRING, hp->remaining_ms, "%s expires in "
			    "%s", hp->id, left);
	}
	for (i = 0; i < h->nprov; i++)
		if (h->prov[i].missing && oc_health_scope_has(h->scope,
		    h->prov[i].id, NULL))
			problem(ps, R_BAD, INT64_MAX, "no credential for %s "
			    "(used by %s)", h->prov[i].id, h->prov[i].used_by);
}

void
oc_checkfmt_decide(struct oc_check *c)
{
	const struct oc_health *h = c->h;
	const struct oc_probe_set *pr = c->probes;
	struct problems ps;
	char left[64];
	size_t i;

	memset(&ps, 0, sizeof ps);
	c->verdict = h->verdict;
	c->exit_code = h->exit_code;
	if (pr != NULL && pr->nfailed > 0) {
		/* a rejected credential is as bad as an expired one */
		c->exit_code = OC_EX_NEG;
		if (c->verdict == OC_V_OK || c->verdict == OC_V_EXPIRING)
			c->verdict = OC_V_REJECTED;
	} else if (pr != NULL && c->exit_code != OC_EX_NEG &&
	    (pr->nunfinished > 0 || (pr->nsent > 0 && pr->nreached == 0))) {
		/* probes that said nothing are not an OK: cut by -t, or no
		 * provider answered at all */
		c->verdict = OC_V_UNKNOWN;
		c->exit_code = pr->nunfinished > 0 ? OC_EX_TEMPFAIL :
		    OC_EX_UNAVAILABLE;
	}
	if (pr != NULL && h->np > 0) {
		c->probe_by_profile = oc_xcalloc(h->np,
		    sizeof *c->probe_by_profile);
		for (i = 0; i < pr->n; i++)
			if (pr->r[i].hindex >= 0)
				c->probe_by_profile[pr->r[i].hindex] =
				    &pr->r[i];
	}

	if (h->nissues > 0 || h->store.rules != OC_RULES_2026_3)
		route_problems(c, &ps);
	else
		profile_problems(c, &ps);
	probe_problems(c, &ps);
	if (c->verdict == OC_V_UNKNOWN) {
		if (pr->nunfinished > 0)
			snprintf(c->reason, sizeof c->reason, "%zu of %zu probe%s "
			    "unfinished at the -t deadline (%" PRId64 "s)",
			    pr->nunfinished, pr->nsent, pr->nsent == 1 ? "" : "s",
			    c->deadline_ms / 1000);
		else
			snprintf(c->reason, sizeof c->reason, "no probe reached "
			    "its provider (%zu tried; see the rows)", pr->nsent);
		if (ps.n > 0)
			snprintf(c->reason + strlen(c->reason), sizeof c->reason -
			    strlen(c->reason), "; %s%s", ps.best.text, ps.n > 1 ?
			    " (+more)" : "");
		return;
	}
	if (c->exit_code == OC_EX_OK || ps.n == 0) {
		size_t n = 0, inuse = 0;

		for (i = 0; i < h->np; i++)
			n += h->p[i].status != OC_HS_IGNORED &&
			    !h->p[i].out_of_scope;
		for (i = 0; i < h->nprov; i++)
			inuse += h->prov[i].in_use &&
			    oc_health_scope_has(h->scope, h->prov[i].id, NULL);
		fmt_window(h->warn_ms, left, sizeof left);
		snprintf(c->reason, sizeof c->reason, "%zu profile%s, %zu "
		    "provider%s in use, nothing expires within %s", n,
		    n == 1 ? "" : "s", inuse, inuse == 1 ? "" : "s", left);
		return;
	}
	if (ps.n > 1)
		snprintf(c->reason, sizeof c->reason, "%s (+%zu more)",
		    ps.best.text, ps.n - 1);
	else
		snprintf(c->reason, sizeof c->reason, "%s", ps.best.text);
}

/* The credentials judged, by status (static keys count as ok). */
struct oc_check_counts {
	size_t ok, expiring, expired, missing;
};

static void
oc_checkfmt_count(const struct oc_check *c, struct oc_check_counts *k)
{
	const struct oc_health *h = c->h;
	size_t i;

	memset(k, 0, sizeof *k);
	for (i = 0; i < h->np; i++) {
		const struct oc_hprofile *hp = &h->p[i];

		if (hp->status == OC_HS_IGNORED || hp->out_of_scope)
			continue;
		switch (hp->status) {
		case OC_HS_EXPIRING:
			k->expiring++;
			break;
		case OC_HS_EXPIRED:
			k->expired++;
			break;
		case OC_HS_MISSING:
			k->missing++;
			break;
		default:
			k->ok++;
			break;
		}
	}
	for (i = 0; i < h->nprov; i++) {
		const struct oc_hprovider *pv = &h->prov[i];

		if (pv->nprofiles > 0 || !oc_health_scope_has(h->scope, pv->id, NULL))
			continue;
		if (pv->missing)
			k->missing++;
		else if (pv->env_var != NULL || pv->config_key)
			k->ok++;
	}
}

void
oc_checkfmt_free(struct oc_check *c)
{
	if (c == NULL)
		return;
	free(c->probe_by_profile);
	c->probe_by_profile = NULL;
}

/* ---- the credential rows (text and Nagios long output) ---- */

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

typedef void (*row_fn)(const char *const *cells, void *arg);

/* Every row, in order: profiles, env/config keys and missing providers,
 * ignored entries. */
static void
each_row(const struct oc_check *c, row_fn fn, void *arg)
{
	const struct oc_health *h = c->h;
	size_t i;

	for (i = 0; i < h->np; i++) {
		const struct oc_hprofile *hp = &h->p[i];
		char left[64] = "-", when[48] = "never";
		struct oc_buf note = { 0 };
		const char *cells[6];

		if (hp->status == OC_HS_IGNORED || hp->out_of_scope)
			continue;
		if (hp->has_expiry) {
			fmt_left(hp->remaining_ms, left, sizeof left);
			fmt_when(hp->expires_at, when, sizeof when);
		} else if (hp->status == OC_HS_MISSING)
			snprintf(when, sizeof when, "-");
		if (hp->reason != NULL && hp->status != OC_HS_EXPIRED)
			oc_buf_adds(&note, hp->reason);
		/* usable (the gateway refreshes it), but say so */
		if (hp->refreshable)
			oc_buf_adds(&note, hp->remaining_ms <= 0 ?
			    "expired (refreshable)" : "expiring (refreshable)");
		if (hp->from_main)
			oc_buf_addf(&note, "%sfrom the %s", note.len ? "; " : "",
			    strcmp(hp->origin, "shared") == 0 ?
			    "shared store" : "main agent");
		note_probe(&note, probe_of_profile(c, i));
		cells[0] = hp->id;
		cells[1] = hp->type;
		cells[2] = oc_rules_hstatus_name(hp->status);
		cells[3] = left;
		cells[4] = when;
		cells[5] = note.len ? note.data : "";
		fn(cells, arg);
		oc_buf_free(&note);
	}
	for (i = 0; i < h->nprov; i++) {
		const struct oc_hprovider *pv = &h->prov[i];
		struct oc_buf note = { 0 };
		const char *cells[6];

		if (pv->nprofiles > 0 || !oc_health_scope_has(h->scope, pv->id, NULL))
			continue;
		if (pv->missing) {
			oc_buf_addf(&note, "used by %s, no credential",
			    pv->used_by);
			cells[1] = "-";
			cells[2] = "missing";
			cells[4] = "-";
		} else if (pv->env_var != NULL || pv->config_key) {
			if (pv->env_var)
				oc_buf_addf(&note, "env %s", pv->env_var);
			else
				oc_buf_adds(&note, "config apiKey");
			cells[1] = pv->env_var ? "env" : "config";
			cells[2] = "static";
			cells[4] = "never";
		} else
			continue;
		note_probe(&note, probe_of_provider(c, pv->id));
		cells[0] = pv->id;
		cells[3] = "-";
		cells[5] = note.data;
		fn(cells, arg);
		oc_buf_free(&note);
	}
	for (i = 0; i < h->np; i++) {
		const struct oc_hprofile *hp = &h->p[i];
		const char *cells[6];

		if (hp->status != OC_HS_IGNORED)
			continue;
		cells[0] = hp->id;
		cells[1] = hp->type;
		cells[2] = "ignored";
		cells[3] = "-";
		cells[4] = "-";
		cells[5] = hp->reason;
		fn(cells, arg);
	}
}

struct rows {
	size_t w[6];
	struct oc_buf b;
	FILE *f;
};

static void
row_width(const char *const *cells, void *arg)
{
	struct rows *r = arg;
	size_t i, l;

	for (i = 0; i < 6; i++)
		if ((l = strlen(cells[i])) > r->w[i])
			r->w[i] = l;
}

static void
row_print(const char *const *cells, void *arg)
{
	struct rows *r = arg;
	size_t i, start = r->b.len;
	static const char blanks[] = "                                ";

	for (i = 0; i < 6; i++) {
		size_t l = strlen(cells[i]), pad;

		oc_buf_add(&r->b, cells[i], l);
		if (i == 5)
			break;
		/* pad to the column, plus the two-blank gutter */
		for (pad = r->w[i] - l + 2; pad > 0;) {
			size_t k = pad < sizeof blanks - 1 ? pad :
			    sizeof blanks - 1;

			oc_buf_add(&r->b, blanks, k);
			pad -= k;
		}
	}
	/* no trailing blanks when the last cells are empty */
	while (r->b.len > start && r->b.data[r->b.len - 1] == ' ')
		r->b.data[--r->b.len] = '\0';
	oc_buf_addc(&r->b, '\n');
	flush(&r->b, r->f, 0);
}

/* Two passes over the rows: widths, then aligned lines; nothing kept. */
static void
print_rows(const struct oc_check *c, struct oc_buf *b, FILE *f)
{
	struct rows r;

	memset(&r, 0, sizeof r);
	r.f = f;
	r.b = *b;
	each_row(c, row_width, &r);
	each_row(c, row_print, &r);
	*b = r.b;
}

void
oc_checkfmt_text(const struct oc_check *c, FILE *f)
{
	struct oc_buf b = { 0 };

	oc_buf_addf(&b, "%s: %s\n", oc_health_verdict_name(c->verdict), c->reason);
	print_rows(c, &b, f);
	flush(&b, f, 1);
	oc_buf_free(&b);
}

/* ---- JSON, streamed ---- */

struct jw {
	struct oc_buf b;
	FILE *f;
	int depth;
	int first;		/* no member yet at this depth */
};

static void
jw_string(struct jw *w, const char *s)
{
	if (s == NULL)
		oc_buf_add(&w->b, "null", 4);
	else
		oc_json_write_string(&w->b, s, strlen(s));
}

static void
jw_newline(struct jw *w)
{
	static const char spaces[] = "\n                                ";
	size_t n = 1 + 2 * (size_t)w->depth;

	if (n <= sizeof spaces - 1)
		oc_buf_add(&w->b, spaces, n);
	else {
		int i;

		oc_buf_addc(&w->b, '\n');
		for (i = 0; i < w->depth; i++)
			oc_buf_add(&w->b, "  ", 2);
	}
}

/* Start a member (key != NULL) or an array element. */
static void
jw_item(struct jw *w, const char *key)
{
	if (!w->first)
		oc_buf_addc(&w->b, ',');
	w->first = 0;
	jw_newline(w);
	if (key != NULL) {
		jw_string(w, key);
		oc_buf_adds(&w->b, ": ");
	}
}

static void
jw_open(struct jw *w, const char *key, char ch)
{
	if (key != NULL || w->depth > 0)
		jw_item(w, key);
	oc_buf_addc(&w->b, ch);
	w->depth++;
	w->first = 1;
}

static void
jw_close(struct jw *w, char ch)
{
	w->depth--;
	if (!w->first)
		jw_newline(w);
	oc_buf_addc(&w->b, ch);
	w->first = 0;
	flush(&w->b, w->f, 0);
}

static void
jw_str(struct jw *w, const char *key, const char *v)
{
	jw_item(w, key);
	jw_string(w, v);
}

static void
jw_i64(struct jw *w, const char *key, int64_t v)
{
	jw_item(w, key);
	oc_buf_addf(&w->b, "%" PRId64, v);
}

static void
jw_bool(struct jw *w, const char *key, int v)
{
	jw_item(w, key);
	oc_buf_adds(&w->b, v ? "true" : "false");
}

static void
jw_null(struct jw *w, const char *key)
{
	jw_item(w, key);
	oc_buf_adds(&w->b, "null");
}

static void
jw_end(struct jw *w)
{
	oc_buf_addc(&w->b, '\n');
	flush(&w->b, w->f, 1);
	oc_buf_free(&w->b);
}

/* The vocabulary's profile members (oc_view_fields_add's, streamed). */
static void
jw_fields(struct jw *w, const struct oc_view_fields *f)
{
	char iso[40];

	jw_str(w, "profileId", f->profile_id);
	jw_str(w, "provider", f->provider);
	jw_str(w, "type", f->type);
	jw_str(w, "status", f->status);
	jw_str(w, "reasonCode", f->reason_code);
	if (f->has_expiry) {
		jw_i64(w, "expiresAt", f->expires_at);
		oc_time_iso8601(f->expires_at, iso, sizeof iso);
		jw_str(w, "expiresAtIso", iso);
		jw_i64(w, "remainingMs", f->remaining_ms);
	} else {
		jw_null(w, "expiresAt");
		jw_null(w, "expiresAtIso");
		jw_null(w, "remainingMs");
	}
	jw_bool(w, "refreshable", f->refreshable);
}

static void
json_probe(struct jw *w, const struct oc_probe_result *pr)
{
	jw_open(w, NULL, '{');
	jw_str(w, "provider", pr->provider);
	jw_str(w, "profileId", pr->profile_id);
	jw_str(w, "source", pr->source);
	jw_str(w, "mode", pr->mode);
	jw_str(w, "status", pr->status);
	jw_str(w, "reasonCode", pr->reason_code);
	jw_str(w, "request", pr->request);
	if (pr->http_status > 0)
		jw_i64(w, "httpStatus", pr->http_status);
	else
		jw_null(w, "httpStatus");
	if (pr->latency_ms >= 0)
		jw_i64(w, "latencyMs", pr->latency_ms);
	else
		jw_null(w, "latencyMs");
	jw_str(w, "error", pr->error);
	jw_str(w, "hint", pr->hint);
	jw_close(w, '}');
}

void
oc_checkfmt_json(const struct oc_check *c, FILE *f)
{
	const struct oc_health *h = c->h;
	struct jw w;
	size_t i;

	memset(&w, 0, sizeof w);
	w.f = f;
	jw_open(&w, NULL, '{');
	jw_i64(&w, "schemaVersion", OC_JSON_SCHEMA);
	jw_bool(&w, "ok", c->exit_code == 0);
	jw_str(&w, "verdict", oc_health_verdict_name(c->verdict));
	jw_i64(&w, "exitCode", c->exit_code);
	jw_str(&w, "reason", c->reason);
	jw_str(&w, "agentId", c->ctx->paths.agent_id);
	jw_str(&w, "agentDir", c->ctx->paths.agent_dir);
	jw_str(&w, "store", oc_store_shown_path(&h->store));
	jw_str(&w, "storeEra", oc_store_era_name(h->store.era));
	jw_str(&w, "rules", oc_rules_name(h->store.rules));
	jw_str(&w, "config", c->ctx->paths.config_path);
	jw_str(&w, "stateDir", c->ctx->paths.state_dir);
	jw_bool(&w, "stateFound", 1);
	jw_i64(&w, "now", h->now);
	jw_i64(&w, "warnAfterMs", h->warn_ms);

	jw_open(&w, "models", '[');
	for (i = 0; i < h->nmodels; i++) {
		jw_open(&w, NULL, '{');
		jw_str(&w, "ref", h->models[i].ref);
		jw_str(&w, "role", h->models[i].role);
		jw_str(&w, "provider", h->models[i].provider);
		jw_close(&w, '}');
	}
	jw_close(&w, ']');

	/* the routes the verdict was taken over (2026.6 and later) */
	jw_open(&w, "routes", '[');
	for (i = 0; i < h->nroutes; i++) {
		const struct oc_route *r = &h->routes[i];

		jw_open(&w, NULL, '{');
		jw_str(&w, "ref", r->ref);
		jw_str(&w, "role", r->role);
		jw_str(&w, "provider", r->provider);
		jw_str(&w, "status", r->status);
		if (r->availability < 0)
			jw_null(&w, "available");
		else
			jw_bool(&w, "available", r->availability);
		jw_str(&w, "selectedProfileId", r->selected);
		jw_str(&w, "via", r->detail);
		jw_close(&w, '}');
	}
	jw_close(&w, ']');

	jw_open(&w, "profiles", '[');
	for (i = 0; i < h->np; i++) {
		const struct oc_hprofile *hp = &h->p[i];
		struct oc_view_fields vf;

		memset(&vf, 0, sizeof vf);
		vf.profile_id = hp->id;
		vf.provider = hp->provider;
		vf.type = hp->type;
		vf.status = oc_rules_hstatus_name(hp->status);
		vf.reason_code = hp->reason;
		vf.has_expiry = hp->has_expiry;
		vf.expires_at = hp->expires_at;
		vf.remaining_ms = hp->remaining_ms;
		vf.refreshable = hp->refreshable;
		jw_open(&w, NULL, '{');
		jw_fields(&w, &vf);
		jw_str(&w, "source", !hp->from_main ? "store" :
		    strcmp(hp->origin, "shared") == 0 ? "shared-store" :
		    "main-store");
		jw_str(&w, "label", hp->label);
		jw_close(&w, '}');
	}
	jw_close(&w, ']');

	jw_open(&w, "providers", '[');
	for (i = 0; i < h->nprov; i++) {
		const struct oc_hprovider *pv = &h->prov[i];

		jw_open(&w, NULL, '{');
		jw_str(&w, "provider", pv->id);
		jw_str(&w, "status", oc_rules_hstatus_name(pv->status));
		jw_bool(&w, "inUse", pv->in_use);
		jw_str(&w, "usedBy", pv->used_by);
		jw_i64(&w, "profiles", (int64_t)pv->nprofiles);
		jw_str(&w, "env", pv->env_var);
		jw_bool(&w, "configKey", pv->config_key);
		jw_bool(&w, "missing", pv->missing);
		jw_close(&w, '}');
	}
	jw_close(&w, ']');

	if (c->probes != NULL) {
		jw_open(&w, "probes", '{');
		jw_i64(&w, "durationMs", c->probes->duration_ms);
		jw_i64(&w, "timeoutMs", c->timeout_ms);
		jw_i64(&w, "concurrency", c->concurrency);
		jw_open(&w, "results", '[');
		for (i = 0; i < c->probes->n; i++)
			json_probe(&w, &c->probes->r[i]);
		jw_close(&w, ']');
		jw_close(&w, '}');
	}
	jw_close(&w, '}');
	jw_end(&w);
	if (f == stdout)
		oc_out_doc_printed();
}

void
oc_checkfmt_json_no_state(const char *state_dir, const char *dir, FILE *f)
{
	struct jw w;
	char msg[1100];

	snprintf(msg, sizeof msg, "no OpenClaw state at %s", dir);
	memset(&w, 0, sizeof w);
	w.f = f;
	/* the error object of oc(7), and where we looked */
	jw_open(&w, NULL, '{');
	jw_i64(&w, "schemaVersion", OC_JSON_SCHEMA);
	jw_bool(&w, "ok", 0);
	jw_i64(&w, "exitCode", OC_EX_NEG);
	jw_str(&w, "error", msg);
	jw_str(&w, "stateDir", state_dir);
	jw_bool(&w, "stateFound", 0);
	jw_str(&w, "missingDir", dir);
	jw_close(&w, '}');
	jw_end(&w);
	if (f == stdout)
		oc_out_doc_printed();
}

/* ---- Nagios / Icinga (monitoring-plugins conventions) ---- */

int
oc_checkfmt_nagios_code(int exit_code)
{
	return exit_code == OC_EX_OK ? 0 : exit_code == OC_EX_EXPIRING ? 1 :
	    exit_code == OC_EX_NEG ? 2 : OC_EX_NAGIOS_UNKNOWN;
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

void
oc_checkfmt_nagios(const struct oc_check *c, FILE *f)
{
	static const char *const word[] = { "OK", "WARNING", "CRITICAL",
	    "UNKNOWN" };
	const struct oc_health *h = c->h;
	struct oc_buf b = { 0 };
	size_t i;
	int n = 0;

	oc_buf_addf(&b, "OC-CHECK %s - %s: %s",
	    word[oc_checkfmt_nagios_code(c->exit_code)],
	    oc_health_verdict_name(c->verdict), c->reason);
	for (i = 0; i < h->np; i++) {
		const struct oc_hprofile *hp = &h->p[i];

		if (!hp->has_expiry || hp->refreshable || hp->out_of_scope ||
		    hp->status == OC_HS_IGNORED)
			continue;
		oc_buf_adds(&b, n++ ? " " : " | ");
		perf_label(&b, hp->id);
		/* seconds left (rounded down), warn below the -w window, crit
		 * below -c (zero by default) */
		oc_buf_addf(&b, "=%" PRId64 "s;%" PRId64 ":;%" PRId64 ":",
		    hp->remaining_ms >= 0 ? hp->remaining_ms / 1000 :
		    -((-hp->remaining_ms + 999) / 1000), h->warn_ms / 1000,
		    c->crit_ms / 1000);
		flush(&b, f, 0);
	}
	{
		struct oc_check_counts k;

		oc_checkfmt_count(c, &k);
		oc_buf_addf(&b, "%sok=%zu;;;0 expiring=%zu;;;0 expired=%zu;;;0 "
		    "missing=%zu;;;0", n ? " " : " | ", k.ok, k.expiring,
		    k.expired, k.missing);
		if (c->probes != NULL)
			oc_buf_addf(&b, " rejected=%zu;;;0 probe_unanswered=%zu;;;0",
			    c->probes->nfailed, c->probes->nsent -
			    c->probes->nreached);
	}
	oc_buf_addc(&b, '\n');
	print_rows(c, &b, f);
	flush(&b, f, 1);
	oc_buf_free(&b);
}

/* ---- Prometheus textfile collector ---- */

static void
prom_str(struct oc_buf *b, const char *s)
{
	const char *run;

	oc_buf_addc(b, '"');
	while (s != NULL) {
		for (run = s; *s && *s != '\\' && *s != '"' && *s != '\n'; s++)
			;
		if (s > run)
			oc_buf_add(b, run, (size_t)(s - run));
		if (*s == '\0')
			break;
		oc_buf_add(b, *s == '\n' ? "\\n" : *s == '"' ? "\\\"" :
		    "\\\\", 2);
		s++;
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
	int64_t s = ms / 1000, frac = ms % 1000;

	if (ms < 0 && frac != 0) {
		s -= 1;
		frac += 1000;
	}
	oc_buf_addf(b, "%" PRId64 ".%03" PRId64 "\n", s, frac);
}

/* One label: '{' before the first, ',' before the others. */
static void
prom_label(struct oc_buf *b, char sep, const char *name, const char *value)
{
	oc_buf_addf(b, "%c%s=", sep, name);
	prom_str(b, value);
}

static void
prom_profile_labels(struct oc_buf *b, const char *agent,
    const struct oc_hprofile *hp)
{
	prom_label(b, '{', "agent", agent);
	prom_label(b, ',', "profile", hp->id);
	prom_label(b, ',', "provider", hp->provider ? hp->provider : "");
	prom_label(b, ',', "type", hp->type);
}

/* A probed credential's labels, without the closing brace. */
static void
prom_probe_labels(struct oc_buf *b, const char *agent,
    const struct oc_probe_result *pr)
{
	prom_label(b, '{', "agent", agent);
	prom_label(b, ',', "provider", pr->provider);
	prom_label(b, ',', "profile", pr->label);
}

/* A probe's statuses (oc_rules_probe_status, and probe.c's "unknown" and
 * "no_model" for what it does not send): the state set's members. */
static const char *const prom_probe_words[] = { "ok", "auth", "billing",
    "rate_limit", "timeout", "format", "unknown", "no_model" };
#define NPROBE_WORDS (sizeof prom_probe_words / sizeof prom_probe_words[0])

static void
prom_probes(struct oc_buf *b, const struct oc_check *c, const char *agent,
    FILE *f)
{
	const struct oc_probe_set *ps = c->probes;
	size_t i, k;
	int known;

	prom_head(b, "oc_check_probe_run_duration_seconds",
	    "How long the probes took in all (wall clock).");
	oc_buf_adds(b, "oc_check_probe_run_duration_seconds");
	prom_label(b, '{', "agent", agent);
	oc_buf_adds(b, "} ");
	prom_secs(b, ps->duration_ms);
	prom_head(b, "oc_check_probe_ok",
	    "1 when the provider accepted the credential, 0 otherwise.");
	for (i = 0; i < ps->n; i++) {
		oc_buf_adds(b, "oc_check_probe_ok");
		prom_probe_labels(b, agent, &ps->r[i]);
		oc_buf_addf(b, "} %d\n", strcmp(ps->r[i].status, "ok") == 0);
		flush(b, f, 0);
	}
	prom_head(b, "oc_check_probe_status",
	    "The probe's status as a state set: 1 for its status, 0 for the "
	    "others.");
	for (i = 0; i < ps->n; i++) {
		const struct oc_probe_result *pr = &ps->r[i];

		known = 0;
		for (k = 0; k < NPROBE_WORDS; k++) {
			int is = strcmp(pr->status, prom_probe_words[k]) == 0;

			known |= is;
			oc_buf_adds(b, "oc_check_probe_status");
			prom_probe_labels(b, agent, pr);
			prom_label(b, ',', "status", prom_probe_words[k]);
			oc_buf_addf(b, "} %d\n", is);
		}
		/* a status this list lacks still gets its 1 */
		if (!known) {
			oc_buf_adds(b, "oc_check_probe_status");
			prom_probe_labels(b, agent, pr);
			prom_label(b, ',', "status", pr->status);
			oc_buf_adds(b, "} 1\n");
		}
		flush(b, f, 0);
	}
	prom_head(b, "oc_check_probe_latency_seconds",
	    "How long the provider took to answer the probe, for the probes "
	    "sent.");
	for (i = 0; i < ps->n; i++) {
		if (ps->r[i].latency_ms < 0)
			continue;
		oc_buf_adds(b, "oc_check_probe_latency_seconds");
		prom_probe_labels(b, agent, &ps->r[i]);
		oc_buf_adds(b, "} ");
		prom_secs(b, ps->r[i].latency_ms);
		flush(b, f, 0);
	}
}

void
oc_checkfmt_prometheus(const struct oc_check *c, const char *agent, FILE *f)
{
	const struct oc_health *h = c != NULL ? c->h : NULL;
	struct oc_buf b = { 0 }, al = { 0 };
	size_t i;
	int s;

	if (agent == NULL)
		agent = "";
	prom_label(&al, '{', "agent", agent);
	oc_buf_adds(&al, "}");
	prom_head(&b, "oc_check_up",
	    "1 when oc-check could make its report (read the store and "
	    "config, run the probes), 0 when it could not.");
	oc_buf_addf(&b, "oc_check_up%s %d\n", al.data, h != NULL);
	prom_head(&b, "oc_check_last_run_timestamp_seconds",
	    "When oc-check ran.");
	oc_buf_addf(&b, "oc_check_last_run_timestamp_seconds%s ", al.data);
	prom_secs(&b, oc_time_now_ms());
	if (h == NULL)
		goto out;
	prom_head(&b, "oc_check_status",
	    "oc-check exit code: 0 ok, 1 expired, missing or rejected, 2 "
	    "expiring, 69 or 75 probes that told nothing.");
	oc_buf_addf(&b, "oc_check_status%s %d\n", al.data, c->exit_code);
	/* a state set (OpenMetrics): every status, so that a profile's
	 * series stay the same ones whatever its status */
	prom_head(&b, "oc_check_profile_status",
	    "The profile's status as a state set: 1 for its status, 0 for "
	    "the others.");
	for (i = 0; i < h->np; i++) {
		if (h->p[i].out_of_scope)
			continue;	/* -p, --profile, --exclude */
		for (s = OC_HS_OK; s <= OC_HS_LAST; s++) {
			oc_buf_adds(&b, "oc_check_profile_status");
			prom_profile_labels(&b, agent, &h->p[i]);
			prom_label(&b, ',', "status",
			    oc_rules_hstatus_name((enum oc_hstatus)s));
			oc_buf_addf(&b, "} %d\n", (int)h->p[i].status == s);
		}
		flush(&b, f, 0);
	}
	prom_head(&b, "oc_check_profile_expiry_timestamp_seconds",
	    "When the profile's credential expires.");
	for (i = 0; i < h->np; i++) {
		/* the gateway refreshes these itself: an access token that
		 * expired an hour ago is no reason to alert */
		if (!h->p[i].has_expiry || h->p[i].refreshable ||
		    h->p[i].out_of_scope)
			continue;
		oc_buf_adds(&b, "oc_check_profile_expiry_timestamp_seconds");
		prom_profile_labels(&b, agent, &h->p[i]);
		oc_buf_adds(&b, "} ");
		prom_secs(&b, h->p[i].expires_at);
		flush(&b, f, 0);
	}
	prom_head(&b, "oc_check_provider_missing",
	    "1 when a provider in use has no credential.");
	for (i = 0; i < h->nprov; i++) {
		if (!h->prov[i].in_use ||
		    !oc_health_scope_has(h->scope, h->prov[i].id, NULL))
			continue;
		oc_buf_adds(&b, "oc_check_provider_missing");
		prom_label(&b, '{', "agent", agent);
		prom_label(&b, ',', "provider", h->prov[i].id);
		oc_buf_addf(&b, "} %d\n", h->prov[i].missing);
	}
	if (c->probes != NULL)
		prom_probes(&b, c, agent, f);
out:
	flush(&b, f, 1);
	oc_buf_free(&b);
	oc_buf_free(&al);
}
