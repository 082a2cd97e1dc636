/* SPDX-License-Identifier: ISC */
/*
 * gateway.c - telling a running OpenClaw gateway to use a credential change
 * at once (--reload). OpenClaw's own CLI does it after each auth write
 * (refreshRunningGatewayAuthState, src/commands/models/auth-refresh.ts): one
 * RPC, models.authRefresh {"operation":"update"}, to the local gateway with
 * a 3 s budget, and models.authStatus {"refresh":true} on a gateway that
 * does not know the method (OpenClaw before 2026.9). Without it a 2026.9
 * gateway keeps its prepared auth snapshot and uses the change only from its
 * second model request on.
 *
 * Where and how, as OpenClaw's CLI resolves them (src/gateway/call.ts,
 * connection-details.ts, credentials.ts, paths.ts), for the local gateway
 * only: ws://127.0.0.1:<port>/, the port from OPENCLAW_GATEWAY_PORT, config
 * gateway.port, OPENCLAW_PROFILE or 18789; the shared secret the gateway's
 * auth mode selects, config first, then OPENCLAW_GATEWAY_TOKEN /
 * OPENCLAW_GATEWAY_PASSWORD. We present ourselves as OpenClaw's CLI does
 * for the same call from the same host: client id "cli", mode "cli", role
 * operator, scope operator.admin, the shared secret, no device identity
 * (isLocalCliSharedAuth). A remote gateway, a URL override, TLS or a bind
 * that does not listen on loopback: not tried, and the outcome says why.
 *
 * The secret goes only into the connect frame; no message here ever holds
 * it (a gateway's error text that contains it is withheld).
 */
#include "config.h"

#include <sys/utsname.h>

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "oc.h"

#define GW_DEFAULT_PORT	18789		/* DEFAULT_GATEWAY_PORT, paths.ts */
#define GW_MSG_MAX	(16u << 20)	/* a hello-ok carries a snapshot */

/* How to reach the local gateway. */
struct oc_gw_target {
	int port;
	const char *port_from;	/* "gateway.port", "OPENCLAW_GATEWAY_PORT" ... */
	const char *auth_field;	/* "token" or "password" */
	char *secret;		/* owned, a secret */
	const char *secret_from;	/* "gateway.auth.token", ... */
};

static void
outcome(struct oc_gw_outcome *o, enum oc_gw_result r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
outcome(struct oc_gw_outcome *o, enum oc_gw_result r, const char *fmt, ...)
{
	va_list ap;

	o->result = r;
	va_start(ap, fmt);
	vsnprintf(o->msg, sizeof o->msg, fmt, ap);
	va_end(ap);
}

static long
oc_gateway_timeout_ms(void)
{
	const char *e = getenv("OC_GATEWAY_TIMEOUT_MS");
	char *end;
	long v;

	if (e != NULL && *e != '\0') {
		v = strtol(e, &end, 10);
		if (*end == '\0' && v > 0 && v <= 600000)
			return v;
	}
	return OC_GATEWAY_TIMEOUT_MS;
}

/* A trimmed, non-empty environment value (owned), or NULL. */
static char *
env_dup(const char *name)
{
	const char *v = getenv(name);
	char *t;

	if (v == NULL)
		return NULL;
	t = oc_text_trim_js_dup(v);
	if (*t == '\0') {
		free(t);
		return NULL;
	}
	return t;
}

/* parseTcpPort of a string of digits: 1..65535, else 0. */
static int
tcp_port(const char *s, size_t n)
{
	long v = 0;
	size_t i;

	if (n == 0 || n > 5)
		return 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	return v >= 1 && v <= 65535 ? (int)v : 0;
}

/* parseGatewayPortEnvValue: "18789", "[::1]:18789" or "host:18789". */
static int
env_port(const char *s)
{
	const char *c, *last;

	if (tcp_port(s, strlen(s)))
		return tcp_port(s, strlen(s));
	if (s[0] == '[' && (c = strstr(s, "]:")) != NULL &&
	    c > s + 1 && memchr(s + 1, ']', (size_t)(c - s - 1)) == NULL)
		return tcp_port(c + 2, strlen(c + 2));
	c = strchr(s, ':');
	last = strrchr(s, ':');
	if (c == NULL || c == s || c != last)
		return 0;
	return tcp_port(c + 1, strlen(c + 1));
}

/* normalizeProfileName, then resolveGatewayPort's FNV-1a spread of a named
 * profile over 20000..59999; 0 for no (or the default) profile. */
static int
profile_port(void)
{
	char *p = env_dup("OPENCLAW_PROFILE");
	uint32_t h = 2166136261u;
	size_t i, n;
	int ok;

	if (p == NULL)
		return 0;
	n = strlen(p);
	ok = strcasecmp(p, "default") != 0 && n <= 64 &&
	    isalnum((unsigned char)p[0]);
	for (i = 0; ok && i < n; i++)
		if (!isalnum((unsigned char)p[i]) && p[i] != '_' && p[i] != '-')
			ok = 0;
	for (i = 0; ok && i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 16777619u;
	free(p);
	return ok ? (int)(20000 + h % 40000) : 0;
}

/* The dotted-quad is 127.0.0.0/8. */
static int
loopback_v4(const char *h)
{
	unsigned a, b, c, d;
	char x;

	return sscanf(h, "%u.%u.%u.%u%c", &a, &b, &c, &d, &x) == 4 &&
	    a == 127 && b < 256 && c < 256 && d < 256;
}

/* One credential in the config (gateway.auth.token, ...): 1 and *out when
 * it gives a value, 0 when not configured, -1 when configured but not
 * resolvable (msg says why). A "${VAR}" string or a SecretRef object is
 * resolved as OpenClaw resolves gateway secret inputs. */
static int
config_secret(const struct oc_ctx *ctx, json_object *v, const char *path,
    int *configured, char **out, struct oc_gw_outcome *o)
{
	struct oc_err err;
	char *s = NULL;
	int r;

	*out = NULL;
	*configured = 0;
	if (v == NULL || json_object_is_type(v, json_type_null))
		return 0;
	oc_err_clear(&err);
	r = oc_secretref_resolve(ctx, v, &s, &err);
	if (r == -1) {
		*configured = 1;
		outcome(o, OC_GW_NO_TOKEN, "%s does not resolve: %s", path,
		    err.msg);
		return -1;
	}
	if (r == 0) {
		if (!json_object_is_type(v, json_type_string))
			return 0;
		s = oc_text_trim_js_dup(json_object_get_string(v));
	}
	if (*s == '\0') {
		oc_secret_free(s);
		return 0;
	}
	*configured = 1;
	*out = s;
	return 1;
}

/* resolveLocalGatewayCredentials (config first) for one field: config
 * gateway.auth.<field>, else the environment variable, else, when the
 * local one is not configured at all, gateway.remote.<field>. */
static int
local_secret(const struct oc_ctx *ctx, json_object *auth, json_object *remote,
    const char *field, const char *var, struct oc_gw_target *t,
    struct oc_gw_outcome *o)
{
	char path[64], rpath[64];
	int conf = 0, r;

	snprintf(path, sizeof path, "gateway.auth.%s", field);
	snprintf(rpath, sizeof rpath, "gateway.remote.%s", field);
	t->auth_field = field;
	r = config_secret(ctx, oc_json_get(auth, field), path, &conf,
	    &t->secret, o);
	if (r == -1)
		return -1;
	if (r == 1) {
		t->secret_from = strcmp(field, "token") == 0 ?
		    "gateway.auth.token" : "gateway.auth.password";
		return 0;
	}
	if ((t->secret = env_dup(var)) != NULL) {
		t->secret_from = strcmp(field, "token") == 0 ?
		    "OPENCLAW_GATEWAY_TOKEN" : "OPENCLAW_GATEWAY_PASSWORD";
		return 0;
	}
	if (!conf && config_secret(ctx, oc_json_get(remote, field), rpath,
	    &conf, &t->secret, o) == 1) {
		t->secret_from = strcmp(field, "token") == 0 ?
		    "gateway.remote.token" : "gateway.remote.password";
		return 0;
	}
	if (o->result == 0)
		outcome(o, OC_GW_NO_TOKEN, "no gateway %s: neither %s nor %s is "
		    "set", field, path, var);
	return -1;
}

static void
oc_gateway_target_free(struct oc_gw_target *t)
{
	if (t == NULL)
		return;
	oc_secret_free(t->secret);
	t->secret = NULL;
}

/* Resolve the port, and with need_secret the shared secret, from ctx's
 * config and the environment, as OpenClaw's CLI does for the local
 * gateway. -1 with o filled (NOT_TRIED, NO_TOKEN) when it cannot be
 * reached from here. */
static int
oc_gateway_target(const struct oc_ctx *ctx, int need_secret,
    struct oc_gw_target *t, struct oc_gw_outcome *o)
{
	json_object *gw = oc_json_get_obj(ctx->config, "gateway");
	json_object *auth = oc_json_get_obj(gw, "auth");
	json_object *remote = oc_json_get_obj(gw, "remote");
	json_object *v;
	const char *mode, *bind, *amode;
	char *s;
	int port;

	memset(t, 0, sizeof *t);
	memset(o, 0, sizeof *o);
	o->port = -1;

	/* Not the local gateway: OpenClaw's refresh refuses these too
	 * (GatewayLocalBackendSharedAuthUnavailableError). */
	if ((s = env_dup("OPENCLAW_GATEWAY_URL")) != NULL) {
		free(s);
		o->elsewhere = 1;
		outcome(o, OC_GW_NOT_TRIED, "OPENCLAW_GATEWAY_URL names the "
		    "gateway: it may not share this host's store");
		return -1;
	}
	mode = oc_json_get_str(gw, "mode");
	if (mode != NULL && strcmp(mode, "remote") == 0) {
		o->elsewhere = 1;
		outcome(o, OC_GW_NOT_TRIED, "gateway.mode is \"remote\": the "
		    "gateway runs on another host");
		return -1;
	}
	/* resolveGatewayBindHost: loopback, lan (0.0.0.0), auto and an
	 * empty custom host listen on 127.0.0.1, which is all we talk to;
	 * tailnet and a custom address need a network address. */
	bind = oc_json_get_str(gw, "bind");
	if (bind != NULL && strcmp(bind, "tailnet") == 0) {
		outcome(o, OC_GW_NOT_TRIED, "gateway.bind is \"tailnet\": the "
		    "gateway listens on a network address, and oc-tools talks "
		    "only to 127.0.0.1");
		return -1;
	}
	if (bind != NULL && strcmp(bind, "custom") == 0) {
		const char *h = oc_json_get_str(gw, "customBindHost");
		char *ht = oc_text_trim_js_dup(h != NULL ? h : "");
		int ok = *ht == '\0' || strcmp(ht, "0.0.0.0") == 0 ||
		    loopback_v4(ht);

		if (!ok)
			outcome(o, OC_GW_NOT_TRIED, "gateway.bind is custom "
			    "(%.64s): the gateway listens on a network address, "
			    "and oc-tools talks only to 127.0.0.1", ht);
		free(ht);
		if (!ok)
			return -1;
	}
	v = oc_json_get(oc_json_get_obj(gw, "tls"), "enabled");
	if (v != NULL && json_object_is_type(v, json_type_boolean) &&
	    json_object_get_boolean(v)) {
		outcome(o, OC_GW_NOT_TRIED, "gateway.tls.enabled: the gateway "
		    "speaks wss://, and oc-tools speaks only plain WebSocket");
		return -1;
	}

	/* resolveGatewayPort */
	port = 0;
	if ((s = env_dup("OPENCLAW_GATEWAY_PORT")) != NULL) {
		port = env_port(s);
		free(s);
		t->port_from = "OPENCLAW_GATEWAY_PORT";
	}
	v = oc_json_get(gw, "port");
	if (port == 0 && v != NULL && (json_object_is_type(v, json_type_int) ||
	    json_object_is_type(v, json_type_double)) &&
	    json_object_get_double(v) > 0) {
		double d = json_object_get_double(v);

		t->port_from = "gateway.port";
		if (d != (double)(int)d || d > 65535) {
			outcome(o, OC_GW_NOT_TRIED, "gateway.port (%g) is not a "
			    "TCP port", d);
			return -1;
		}
		port = (int)d;
	}
	if (port == 0 && (port = profile_port()) != 0)
		t->port_from = "OPENCLAW_PROFILE";
	if (port == 0) {
		port = GW_DEFAULT_PORT;
		t->port_from = "OpenClaw's default";
	}
	t->port = o->port = port;
	if (!need_secret)
		return 0;

	/* resolveGatewayAuth: without a mode, a configured password makes
	 * it "password". Only the secret the mode selects is resolved. */
	amode = oc_json_get_str(auth, "mode");
	if (amode == NULL) {
		json_object *p = oc_json_get(auth, "password");
		const char *ps = p != NULL &&
		    json_object_is_type(p, json_type_string) ?
		    json_object_get_string(p) : NULL;

		if ((s = env_dup("OPENCLAW_GATEWAY_PASSWORD")) != NULL ||
		    (p != NULL && json_object_is_type(p, json_type_object)) ||
		    (ps != NULL && oc_rules_secret_string(ps)))
			amode = "password";
		else
			amode = "token";
		free(s);
	}
	if (strcmp(amode, "token") == 0)
		return local_secret(ctx, auth, remote, "token",
		    "OPENCLAW_GATEWAY_TOKEN", t, o);
	if (strcmp(amode, "password") == 0)
		return local_secret(ctx, auth, remote, "password",
		    "OPENCLAW_GATEWAY_PASSWORD", t, o);
	outcome(o, OC_GW_NO_TOKEN, "gateway.auth.mode is \"%.32s\": oc-tools "
	    "authenticates only with the gateway's shared token or password",
	    amode);
	return -1;
}

/* ---- the RPC ---- */

/* Node's process.platform for this system. */
static void
platform(char *buf, size_t sz)
{
	struct utsname u;
	size_t i;

	if (uname(&u) == -1) {
		snprintf(buf, sz, "unknown");
		return;
	}
	/* a system name is short; the rest would be cut */
	for (i = 0; i + 1 < sz && u.sysname[i] != '\0'; i++)
		buf[i] = u.sysname[i];
	buf[i] = '\0';
	for (i = 0; buf[i] != '\0'; i++)
		buf[i] = (char)tolower((unsigned char)buf[i]);
	if (strcmp(buf, "windows_nt") == 0)
		snprintf(buf, sz, "win32");
}

/* A gateway's text, fit for a message: one line, short, and withheld if
 * it holds the secret. */
static void
scrub(const char *in, const char *secret, char *out, size_t sz)
{
	size_t i;

	if (in == NULL)
		in = "";
	if (secret != NULL && *secret != '\0' && strstr(in, secret) != NULL) {
		snprintf(out, sz, "(message withheld: it holds the secret)");
		return;
	}
	snprintf(out, sz, "%.200s", in);
	for (i = 0; out[i] != '\0'; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			out[i] = ' ';
}

static enum oc_gw_result
ws_result(enum oc_ws_status st)
{
	switch (st) {
	case OC_WS_OK: return OC_GW_REFRESHED;
	case OC_WS_REFUSED: return OC_GW_NOT_RUNNING;
	case OC_WS_TIMEOUT: return OC_GW_TIMEOUT;
	case OC_WS_CLOSED:
	case OC_WS_PROTOCOL:
	case OC_WS_ERROR: break;
	}
	return OC_GW_PROTOCOL;
}

/* The next frame of the given kind: the event named want_event, or the
 * "res" whose id is want_id; others (ticks, presence) are skipped. 0 with
 * *out (owned), or -1 with the outcome set. */
static int
await_frame(struct oc_ws *ws, const char *want_event, const char *want_id,
    const char *secret, const char *waiting_for, json_object **out,
    struct oc_gw_outcome *o)
{
	struct oc_buf m = { 0 };
	char wsmsg[256], clean[256];
	enum oc_ws_status st;
	json_object *j;

	*out = NULL;
	for (;;) {
		st = oc_ws_recv_text(ws, &m, GW_MSG_MAX, wsmsg, sizeof wsmsg);
		if (st != OC_WS_OK) {
			scrub(wsmsg, secret, clean, sizeof clean);
			oc_buf_free(&m);
			if (st == OC_WS_TIMEOUT)
				outcome(o, OC_GW_TIMEOUT, "no %s from "
				    "127.0.0.1:%d within %ld ms", waiting_for,
				    o->port, o->budget_ms);
			else
				outcome(o, ws_result(st), "waiting for the %s: "
				    "%s", waiting_for, clean);
			return -1;
		}
		j = json_tokener_parse(m.data != NULL ? m.data : "");
		oc_buf_free(&m);
		if (j == NULL || !json_object_is_type(j, json_type_object)) {
			if (j != NULL)
				oc_json_wipe_put(j);
			outcome(o, OC_GW_PROTOCOL, "the gateway sent a message "
			    "that is not a JSON object (waiting for %s)",
			    waiting_for);
			return -1;
		}
		{
			const char *type = oc_json_get_str(j, "type");
			const char *ev = oc_json_get_str(j, "event");
			const char *id = oc_json_get_str(j, "id");

			if (type != NULL && want_event != NULL &&
			    strcmp(type, "event") == 0 && ev != NULL &&
			    strcmp(ev, want_event) == 0) {
				*out = j;
				return 0;
			}
			if (type != NULL && want_id != NULL &&
			    strcmp(type, "res") == 0 && id != NULL &&
			    strcmp(id, want_id) == 0) {
				*out = j;
				return 0;
			}
		}
		oc_json_wipe_put(j);
	}
}

/* A request frame; params is JSON text. */
static int
send_req(struct oc_ws *ws, const char *id, const char *method,
    const char *params, const char *secret, struct oc_gw_outcome *o)
{
	struct oc_buf b = { 0 };
	char wsmsg[256], clean[256];
	enum oc_ws_status st;

	oc_buf_adds(&b, "{\"type\":\"req\",\"id\":");
	oc_json_write_string(&b, id, strlen(id));
	oc_buf_adds(&b, ",\"method\":");
	oc_json_write_string(&b, method, strlen(method));
	oc_buf_addf(&b, ",\"params\":%s}", params);
	st = oc_ws_send_text(ws, b.data, b.len, wsmsg, sizeof wsmsg);
	oc_buf_free(&b);
	if (st == OC_WS_OK)
		return 0;
	scrub(wsmsg, secret, clean, sizeof clean);
	outcome(o, ws_result(st), "sending %s: %s", method, clean);
	return -1;
}

/* The error of a "res" with ok false: code, message, details.code. */
struct res_error {
	const char *code, *message, *dcode;
	int retryable;
	int64_t retry_after;
};

static int
res_ok(json_object *res, struct res_error *e)
{
	json_object *err = oc_json_get_obj(res, "error"), *v;

	memset(e, 0, sizeof *e);
	v = oc_json_get(res, "ok");
	if (v != NULL && json_object_is_type(v, json_type_boolean) &&
	    json_object_get_boolean(v))
		return 1;
	e->code = oc_json_get_str(err, "code");
	e->message = oc_json_get_str(err, "message");
	e->dcode = oc_json_get_str(oc_json_get_obj(err, "details"), "code");
	v = oc_json_get(err, "retryable");
	e->retryable = v != NULL && json_object_is_type(v, json_type_boolean) &&
	    json_object_get_boolean(v);
	if (oc_json_get_i64(err, "retryAfterMs", &e->retry_after) != 1 ||
	    e->retry_after < 0)
		e->retry_after = -1;
	return 0;
}

static int
unknown_method(const struct res_error *e)
{
	return e->message != NULL &&
	    strncmp(e->message, "unknown method", 14) == 0 &&
	    (e->code == NULL || strcmp(e->code, "INVALID_REQUEST") == 0);
}

static int
starts(const char *s, const char *p)
{
	return s != NULL && strncmp(s, p, strlen(p)) == 0;
}

/* One attempt: connect, handshake, call. 1 when the gateway asked to be
 * tried again later (a connect answered UNAVAILABLE while it starts), with
 * *retry_ms; else 0 with the outcome set. */
static int
attempt(const struct oc_gw_target *t, const char *agent_id, long budget,
    int64_t deadline, int64_t *retry_ms, struct oc_gw_outcome *o)
{
	struct oc_ws ws;
	struct oc_buf b = { 0 };
	struct res_error e;
	json_object *j = NULL;
	char wsmsg[256], clean[256], plat[64], params[320];
	enum oc_ws_status st;
	const char *sec = t->secret;
	int again = 0;

	oc_ws_init(&ws, deadline);
	if ((st = oc_ws_open(&ws, t->port, wsmsg, sizeof wsmsg)) != OC_WS_OK) {
		if (st == OC_WS_REFUSED)
			outcome(o, OC_GW_NOT_RUNNING, "no gateway is listening "
			    "on 127.0.0.1:%d", t->port);
		else
			outcome(o, ws_result(st), "%s", wsmsg);
		goto out;
	}
	if ((st = oc_ws_upgrade(&ws, t->port, "/", "oc-tools/" PACKAGE_VERSION,
	    wsmsg, sizeof wsmsg)) != OC_WS_OK) {
		if (st == OC_WS_TIMEOUT)
			outcome(o, OC_GW_TIMEOUT, "no answer to the WebSocket "
			    "upgrade from 127.0.0.1:%d within %ld ms", t->port,
			    budget);
		else
			outcome(o, ws_result(st), "%s", wsmsg);
		goto out;
	}
	if (await_frame(&ws, "connect.challenge", NULL, sec,
	    "connect.challenge", &j, o) == -1)
		goto out;
	oc_json_wipe_put(j);
	j = NULL;

	/* The connect request, as OpenClaw's CLI sends it for a local
	 * shared-secret call (assembleConnectParams), without a device. */
	platform(plat, sizeof plat);
	oc_buf_adds(&b, "{\"type\":\"req\",\"id\":\"c1\",\"method\":\"connect\","
	    "\"params\":{\"minProtocol\":4,\"maxProtocol\":4,\"client\":{"
	    "\"id\":\"cli\",\"displayName\":\"oc-tools " PACKAGE_VERSION "\","
	    "\"version\":\"" PACKAGE_VERSION "\",\"platform\":");
	oc_json_write_string(&b, plat, strlen(plat));
	oc_buf_adds(&b, ",\"mode\":\"cli\"},\"caps\":[],\"role\":\"operator\","
	    "\"scopes\":[\"operator.admin\"],\"auth\":{");
	oc_json_write_string(&b, t->auth_field, strlen(t->auth_field));
	oc_buf_addc(&b, ':');
	oc_json_write_string(&b, sec, strlen(sec));
	oc_buf_adds(&b, "}}}");
	st = oc_ws_send_text(&ws, b.data, b.len, wsmsg, sizeof wsmsg);
	oc_buf_free(&b);
	if (st != OC_WS_OK) {
		scrub(wsmsg, sec, clean, sizeof clean);
		outcome(o, ws_result(st), "sending connect: %s", clean);
		goto out;
	}
	if (await_frame(&ws, NULL, "c1", sec, "answer to connect", &j,
	    o) == -1) {
		/* Older gateways end a refused connect with 1008 only. */
		if (ws.peer_closed && ws.close_code == 1008 &&
		    (oc_rules_contains_ci(ws.close_reason, "auth") ||
		    oc_rules_contains_ci(ws.close_reason, "token"))) {
			scrub(ws.close_reason, sec, clean, sizeof clean);
			outcome(o, OC_GW_AUTH_FAILED, "the gateway refused the "
			    "%s from %s (%s)", t->auth_field, t->secret_from,
			    clean);
		}
		goto out;
	}
	if (!res_ok(j, &e)) {
		scrub(e.message, sec, clean, sizeof clean);
		if (starts(e.dcode, "AUTH_") || starts(e.dcode, "DEVICE_") ||
		    (e.dcode != NULL && strcmp(e.dcode, "PAIRING_REQUIRED") ==
		    0) || (e.dcode == NULL &&
		    oc_rules_contains_ci(clean, "unauthorized")))
			outcome(o, OC_GW_AUTH_FAILED, "the gateway refused the "
			    "%s from %s (%s%s%s)", t->auth_field,
			    t->secret_from, e.dcode ? e.dcode : "",
			    e.dcode ? ": " : "", clean);
		else if (e.code != NULL && strcmp(e.code, "UNAVAILABLE") == 0 &&
		    e.retryable && e.retry_after >= 0) {
			*retry_ms = e.retry_after;
			again = 1;
			outcome(o, OC_GW_CALL_FAILED, "the gateway is still "
			    "starting (UNAVAILABLE: %s)", clean);
		} else
			outcome(o, OC_GW_PROTOCOL, "the gateway refused the "
			    "connection (%s: %s)", e.code ? e.code : "?", clean);
		goto out;
	}
	oc_json_wipe_put(j);
	j = NULL;

	/* The call; the agent only when one was named. */
	if (agent_id != NULL) {
		struct oc_buf a = { 0 };

		oc_json_write_string(&a, agent_id, strlen(agent_id));
		snprintf(params, sizeof params, ",\"agentId\":%.256s", a.data);
		oc_buf_free(&a);
	} else
		params[0] = '\0';
	{
		char p[400];

		snprintf(p, sizeof p, "{\"operation\":\"update\"%s}", params);
		if (send_req(&ws, "r1", "models.authRefresh", p, sec, o) == -1)
			goto out;
	}
	if (await_frame(&ws, NULL, "r1", sec, "answer to "
	    "models.authRefresh", &j, o) == -1)
		goto out;
	if (res_ok(j, &e)) {
		json_object *v = oc_json_get(oc_json_get_obj(j, "payload"),
		    "refreshed");

		if (v != NULL && json_object_is_type(v, json_type_boolean) &&
		    json_object_get_boolean(v))
			outcome(o, OC_GW_REFRESHED, "refreshed");
		else
			outcome(o, OC_GW_CALL_FAILED, "models.authRefresh "
			    "answered without \"refreshed\": true");
		goto out;
	}
	scrub(e.message, sec, clean, sizeof clean);
	if (!unknown_method(&e)) {
		outcome(o, e.code != NULL && strcmp(e.code, "FORBIDDEN") == 0 ?
		    OC_GW_AUTH_FAILED : OC_GW_CALL_FAILED,
		    "models.authRefresh failed (%s: %s)",
		    e.code ? e.code : "?", clean);
		goto out;
	}
	oc_json_wipe_put(j);
	j = NULL;

	/* A gateway before 2026.9: the weaker refresh, with a budget of its
	 * own as OpenClaw's second callGateway has. */
	ws.deadline = oc_time_mono_ms() + budget;
	{
		char p[400];

		snprintf(p, sizeof p, "{\"refresh\":true%s}", params);
		if (send_req(&ws, "r2", "models.authStatus", p, sec, o) == -1)
			goto out;
	}
	if (await_frame(&ws, NULL, "r2", sec, "answer to "
	    "models.authStatus", &j, o) == -1)
		goto out;
	if (res_ok(j, &e))
		outcome(o, OC_GW_REFRESHED_WEAK, "refreshed with "
		    "models.authStatus {\"refresh\":true}");
	else {
		scrub(e.message, sec, clean, sizeof clean);
		if (unknown_method(&e))
			outcome(o, OC_GW_NO_METHOD, "the gateway knows neither "
			    "models.authRefresh nor models.authStatus");
		else
			outcome(o, OC_GW_CALL_FAILED, "models.authStatus "
			    "failed (%s: %s)", e.code ? e.code : "?", clean);
	}
out:
	if (j != NULL)
		oc_json_wipe_put(j);
	oc_ws_close(&ws);
	return again;
}

/* Connect, handshake (connect.challenge, connect as client "cli"), call,
 * close, within budget_ms. agent_id NULL: the gateway's default owner. */
static void
oc_gateway_refresh(const struct oc_gw_target *t, const char *agent_id,
    long budget, struct oc_gw_outcome *o)
{
	int64_t start = oc_time_mono_ms(), deadline = start + budget, retry;

	o->port = t->port;
	o->budget_ms = budget;
	o->result = OC_GW_PROTOCOL;
	o->msg[0] = '\0';
	/* A gateway finishing its start-up answers connect UNAVAILABLE with
	 * retryAfterMs (OpenClaw's gateway protocol); retry while the budget
	 * allows. */
	while (attempt(t, agent_id, budget, deadline, &retry, o)) {
		struct timespec ts;

		if (oc_time_mono_ms() + retry >= deadline)
			break;
		if (retry < 10)
			retry = 10;
		ts.tv_sec = (time_t)(retry / 1000);
		ts.tv_nsec = (long)(retry % 1000) * 1000000L;
		while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
			;
	}
	o->elapsed_ms = (long)(oc_time_mono_ms() - start);
}

/* ---- what the commands say ---- */

/* What the user can do instead: 2026.8 and later (era D) have
 * models.authRefresh; before, only a restart is certain. */
static const char hint_d[] = "it uses the change from its second request "
    "on, or run: openclaw gateway call models.authRefresh --params "
    "'{\"operation\":\"update\"}'";
static const char hint_old[] = "it uses the change from its second "
    "request on, or run: openclaw gateway restart";

static void
report(struct oc_gw_report *r, const char *level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
report(struct oc_gw_report *r, const char *level, const char *fmt, ...)
{
	va_list ap;

	r->level = level;
	va_start(ap, fmt);
	vsnprintf(r->text, sizeof r->text, fmt, ap);
	va_end(ap);
}

/* Something accepts TCP on the port, or it cannot be told (0 only for a
 * refused connection). */
static int
gateway_runs(int port)
{
	struct oc_ws ws;
	char msg[256];
	enum oc_ws_status st;

	oc_ws_init(&ws, oc_time_mono_ms() + oc_gateway_timeout_ms());
	st = oc_ws_open(&ws, port, msg, sizeof msg);
	oc_ws_close(&ws);
	return st != OC_WS_REFUSED;
}

void
oc_gateway_reload_after_write(const struct oc_ctx *ctx, const char *agent_id,
    int era, struct oc_gw_report *r)
{
	struct oc_gw_target t;
	struct oc_gw_outcome *o = &r->o;
	struct oc_err err;
	int64_t start = oc_time_mono_ms();

	memset(r, 0, sizeof *r);
	/* OpenClaw's CLI sees its dotenv files (a token kept there). */
	(void)oc_dotenv_load(ctx, &err);
	if (oc_gateway_target(ctx, 1, &t, o) == 0)
		oc_gateway_refresh(&t, agent_id, oc_gateway_timeout_ms(), o);
	else if (o->result == OC_GW_NO_TOKEN && t.port > 0 &&
	    !gateway_runs(t.port))
		/* no secret, but no gateway either: nothing was missed */
		outcome(o, OC_GW_NOT_RUNNING, "no gateway is listening on "
		    "127.0.0.1:%d", t.port);
	oc_gateway_target_free(&t);
	o->elapsed_ms = (long)(oc_time_mono_ms() - start);
	switch (o->result) {
	case OC_GW_REFRESHED:
		report(r, NULL, "gateway: refreshed (127.0.0.1:%d, %ld ms)",
		    o->port, o->elapsed_ms);
		break;
	case OC_GW_REFRESHED_WEAK:
		/*
		 * An era-C store is OpenClaw 2026.6-2026.7's: its CLI makes
		 * exactly this call after a write (refreshRunningGatewayAuth-
		 * State), and there the refresh re-reads the stores into the
		 * secrets runtime snapshot, with no prepared model runtime to
		 * go stale. From 2026.8 (era D) a prepared model runtime
		 * exists that this call does not re-prepare; before 2026.6
		 * (eras A, B) it may only bypass the status cache (2026.5).
		 */
		if (era == OC_ERA_C) {
			report(r, NULL, "gateway: refreshed with "
			    "models.authStatus (127.0.0.1:%d, %ld ms)",
			    o->port, o->elapsed_ms);
			break;
		}
		report(r, "warning", "the gateway has no models.authRefresh "
		    "(OpenClaw before 2026.9): it was sent the weaker "
		    "models.authStatus {\"refresh\":true}, after which its next "
		    "request may still use the old credential; to be sure, "
		    "run: openclaw gateway restart");
		break;
	case OC_GW_NOT_RUNNING:
		report(r, "note", "no gateway is listening on 127.0.0.1:%d "
		    "(port from %s): nothing to reload", o->port,
		    t.port_from);
		break;
	default:
		if (o->elsewhere)
			report(r, "warning", "the gateway was not told to "
			    "reload (%s); a gateway on another host does not "
			    "read this host's store: make the change there",
			    o->msg);
		else
			report(r, "warning", "the running gateway was not told "
			    "to reload (%s); %s", o->msg, era == OC_ERA_D ||
			    era < 0 ? hint_d : hint_old);
		break;
	}
}

void
oc_gateway_reload_env(const struct oc_ctx *ctx, struct oc_gw_report *r)
{
	struct oc_gw_target t;
	struct oc_gw_outcome *o = &r->o;
	struct oc_ws ws;
	struct oc_err err;
	char wsmsg[256];
	enum oc_ws_status st;
	int64_t start = oc_time_mono_ms();
	const char *env = ctx->paths.env_path;

	memset(r, 0, sizeof *r);
	(void)oc_dotenv_load(ctx, &err);
	if (oc_gateway_target(ctx, 0, &t, o) == -1) {
		oc_gateway_target_free(&t);
		report(r, "warning", "the gateway was not told (%s); a running "
		    "gateway reads %s only when it starts%s", o->msg, env,
		    o->elsewhere ? ", and one on another host never reads this "
		    "one" : ": restart it to use the new key: openclaw gateway "
		    "restart");
		return;
	}
	/* authRefresh does not reread the file: the gateway loads it into
	 * its environment at start, and a variable already set is never
	 * replaced (dotenv-global.ts). Only whether one runs is asked. */
	oc_ws_init(&ws, start + oc_gateway_timeout_ms());
	st = oc_ws_open(&ws, t.port, wsmsg, sizeof wsmsg);
	oc_ws_close(&ws);
	o->elapsed_ms = (long)(oc_time_mono_ms() - start);
	if (st == OC_WS_REFUSED) {
		outcome(o, OC_GW_NOT_RUNNING, "no gateway is listening on "
		    "127.0.0.1:%d", t.port);
		report(r, "note", "no gateway is listening on 127.0.0.1:%d "
		    "(port from %s): one started later reads the new key",
		    t.port, t.port_from);
	} else if (st == OC_WS_OK) {
		outcome(o, OC_GW_NOT_TRIED, "a gateway reads %s only when it "
		    "starts", env);
		report(r, "warning", "the running gateway (127.0.0.1:%d) reads "
		    "%s only when it starts, and models.authRefresh does not "
		    "reread it: restart it to use the new key: openclaw gateway "
		    "restart", t.port, env);
	} else {
		outcome(o, ws_result(st), "%s", wsmsg);
		report(r, "warning", "could not tell whether a gateway runs on "
		    "127.0.0.1:%d (%s); a running gateway reads %s only when it "
		    "starts: restart it to use the new key: openclaw gateway "
		    "restart", t.port, wsmsg, env);
	}
	oc_gateway_target_free(&t);
}
