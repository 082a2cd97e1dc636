/* SPDX-License-Identifier: ISC */
/*
 * oc-keys - which key the gateway uses, the keys it rotates through, and
 * running a command across them on rate limits.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oc.h"

#define SECRET_MAX (64u << 10)

extern char **environ;

enum {
	OPT_REVEAL = OC_OPT_FIRST_PRIVATE,
	OPT_PROFILE,
	OPT_PRIMARY,
	OPT_NO_REFRESH
};

struct opts {
	struct oc_cli cli;
	const char *provider;
	const char *var;
	const char *profile;
	int reveal, primary, no_refresh;
};

/* The names the caller's environment had before the dotenv files were
 * loaded: a command run by exec gets that environment, not ours. */
struct names {
	char **v;
	size_t n;
};

static void
names_snapshot(struct names *s)
{
	size_t i;

	s->v = NULL;
	s->n = 0;
	for (i = 0; environ != NULL && environ[i] != NULL; i++) {
		const char *eq = strchr(environ[i], '=');

		if (eq == NULL)
			continue;
		s->v = oc_xrealloc(s->v, (s->n + 1) * sizeof *s->v);
		s->v[s->n++] = oc_xstrndup(environ[i],
		    (size_t)(eq - environ[i]));
	}
}

static int
names_has(const struct names *s, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strlen(s->v[i]) == len && strncmp(s->v[i], name, len) == 0)
			return 1;
	return 0;
}

static void
names_free(struct names *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

static void
load_env(const struct oc_ctx *ctx)
{
	struct oc_err err;

	/* A bad .env must not stop the keys the rest can give. */
	if (oc_dotenv_load(ctx, &err) == -1)
		oc_out_warnx("warning: %s", err.msg);
}

static int
need_provider(const struct opts *o, const char *cmd)
{
	if (o->provider == NULL || *o->provider == '\0') {
		oc_out_warnx("%s: -p provider is required", cmd);
		return OC_EX_USAGE;
	}
	return 0;
}

/* The rotation candidates; with --primary the credential get picks goes
 * first, as in OpenClaw's own rotation. */
static int
candidates(const struct oc_ctx *ctx, const struct opts *o,
    struct oc_envkey **keys, size_t *n)
{
	struct oc_pick p;
	struct oc_err err;
	size_t i;

	oc_envkeys_collect(o->provider, keys, n);
	if (!o->primary)
		return 0;
	if (oc_keypick_resolve(ctx, o->provider, NULL, !o->no_refresh,
	    o->cli.wait_ms, &p, &err) == -1) {
		if (err.code == OC_EX_NOPERM || err.code == OC_EX_DATAERR)
			return oc_out_report(&err);
		oc_keypick_free(&p);
		return 0;
	}
	for (i = 0; i < *n; i++)
		if (strcmp((*keys)[i].value, p.secret) == 0)
			break;
	if (i < *n) {
		/* Move the existing entry to the front. */
		struct oc_envkey k = (*keys)[i];

		memmove(*keys + 1, *keys, i * sizeof **keys);
		(*keys)[0] = k;
	} else {
		*keys = oc_xrealloc(*keys, (*n + 1) * sizeof **keys);
		memmove(*keys + 1, *keys, *n * sizeof **keys);
		(*keys)[0].var = oc_xstrdup(p.source);
		(*keys)[0].value = p.secret;
		p.secret = NULL;
		(*n)++;
	}
	oc_keypick_free(&p);
	return 0;
}

/* ---- list ---- */
static int
cmd_list(struct oc_ctx *ctx, struct opts *o, int argc, char **argv)
{
	struct oc_envkey *keys;
	size_t n, i;
	int r;

	if (argc != 0) {
		oc_out_warnx("list: unexpected argument \"%s\"", argv[0]);
		return OC_EX_USAGE;
	}
	if ((r = need_provider(o, "list")) != 0)
		return r;
	load_env(ctx);
	if ((r = candidates(ctx, o, &keys, &n)) != 0)
		return r;
	if (o->cli.json) {
		json_object *arr = json_object_new_array();

		for (i = 0; i < n; i++) {
			json_object *e = json_object_new_object();
			char *k = o->reveal ? oc_xstrdup(keys[i].value) :
			    oc_mask_dup(keys[i].value);

			json_object_object_add(e, "var",
			    json_object_new_string(keys[i].var));
			json_object_object_add(e, "key",
			    json_object_new_string(k));
			oc_secret_free(k);
			json_object_array_add(arr, e);
		}
		oc_json_print(stdout, arr);
		oc_json_wipe_put(arr);
	} else {
		struct oc_table t;

		oc_out_table_init(&t, 2);
		for (i = 0; i < n; i++) {
			char *k = o->reveal ? oc_xstrdup(keys[i].value) :
			    oc_mask_dup(keys[i].value);
			const char *cells[2] = { keys[i].var, k };

			oc_out_table_add(&t, cells);
			oc_secret_free(k);
		}
		oc_out_table_print(&t, stdout);
		oc_out_table_free(&t);
	}
	oc_envkeys_free(keys, n);
	if (n == 0) {
		if (!o->cli.json)
			oc_out_warnx("no keys for provider %s in the environment",
			    o->provider);
		return OC_EX_NEG;
	}
	return 0;
}

/* ---- get ---- */
static int
cmd_get(struct oc_ctx *ctx, struct opts *o, int argc, char **argv)
{
	struct oc_pick p;
	struct oc_err err;
	int r;

	if (argc != 0) {
		oc_out_warnx("get: unexpected argument \"%s\"", argv[0]);
		return OC_EX_USAGE;
	}
	if ((r = need_provider(o, "get")) != 0)
		return r;
	load_env(ctx);
	if (oc_keypick_resolve(ctx, o->provider, o->profile, !o->no_refresh,
	    o->cli.wait_ms, &p, &err) == -1) {
		oc_keypick_free(&p);
		return oc_out_report(&err);
	}
	if (p.skipped.code == OC_EX_NOPERM)
		oc_out_warnx("warning: skipped profile %s: %s", p.skipped_id,
		    p.skipped.msg);
	if (o->cli.json) {
		json_object *j = json_object_new_object();
		char *prov = oc_provider_norm_dup(o->provider);

		json_object_object_add(j, "provider",
		    json_object_new_string(prov));
		json_object_object_add(j, "source",
		    json_object_new_string(p.source));
		json_object_object_add(j, "profileId", p.profile_id ?
		    json_object_new_string(p.profile_id) : NULL);
		json_object_object_add(j, "var", p.var ?
		    json_object_new_string(p.var) : NULL);
		json_object_object_add(j, "mode",
		    json_object_new_string(p.mode));
		json_object_object_add(j, "key",
		    json_object_new_string(p.secret));
		oc_json_print(stdout, j);
		oc_json_wipe_put(j);
		free(prov);
	} else
		printf("%s\n", p.secret);
	oc_keypick_free(&p);
	return fflush(stdout) == 0 ? 0 : OC_EX_CANTCREAT;
}

/* ---- classify and exec: the rate-limit rule over a stream ---- */
struct matcher {
	char tail[32];
	size_t ntail;
	const char *hit;
};

static void
matcher_feed(struct matcher *m, const char *p, size_t n)
{
	struct oc_buf b = { 0 };

	if (m->hit != NULL || n == 0)
		return;
	/* Carry the end of the last chunk so a pattern split across reads
	 * still matches. */
	oc_buf_add(&b, m->tail, m->ntail);
	oc_buf_add(&b, p, n);
	m->hit = oc_envkeys_ratelimit_match(b.data, b.len);
	m->ntail = b.len < sizeof m->tail ? b.len : sizeof m->tail;
	memcpy(m->tail, b.data + b.len - m->ntail, m->ntail);
	oc_buf_free(&b);
}

static int
cmd_classify(struct opts *o, int argc, char **argv)
{
	struct matcher m = { { 0 }, 0, NULL };
	char buf[8192];
	ssize_t n;

	if (argc != 0) {
		oc_out_warnx("classify: unexpected argument \"%s\"", argv[0]);
		return OC_EX_USAGE;
	}
	for (;;) {
		n = read(STDIN_FILENO, buf, sizeof buf);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			oc_out_warnx("classify: cannot read stdin: %s",
			    strerror(errno));
			return OC_EX_DATAERR;
		}
		if (n == 0)
			break;
		matcher_feed(&m, buf, (size_t)n);
	}
	if (o->cli.json) {
		json_object *j = json_object_new_object();

		json_object_object_add(j, "rateLimit",
		    json_object_new_boolean(m.hit != NULL));
		json_object_object_add(j, "pattern", m.hit ?
		    json_object_new_string(m.hit) : NULL);
		oc_json_print(stdout, j);
		json_object_put(j);
	}
	return m.hit != NULL ? 0 : OC_EX_NEG;
}

static volatile sig_atomic_t child_pid;

static void
forward(int sig)
{
	if (child_pid > 0)
		kill((pid_t)child_pid, sig);
}

/* The command's stderr as it comes: to ours (the caller sees it live) and
 * through the matcher. */
static void
tee_err(const char *p, size_t n, void *arg)
{
	size_t off = 0;

	while (off < n) {
		ssize_t w = write(STDERR_FILENO, p + off, n - off);

		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			break;
		off += (size_t)w;
	}
	matcher_feed((struct matcher *)arg, p, n);
}

/* Run argv once with var=key, through the one process runner: the
 * caller's environment (what the dotenv files added is ours, not the
 * command's) with var set, its core-dump limit, stdin and stdout shared;
 * stderr passed through as it comes and watched for the rate-limit rule.
 * Returns the exit status as a shell reports it (128 + signal). */
static int
attempt(char **argv, const char *var, const char *key,
    const struct names *caller, int *limited, int *signaled)
{
	struct matcher m = { { 0 }, 0, NULL };
	struct oc_proc_spec sp;
	struct oc_proc_io io;
	struct oc_proc pr;
	struct oc_err err;
	enum oc_proc_end end;
	char **env;
	size_t i, n = 0, vlen = strlen(var);
	int status, saved;

	*limited = 0;
	*signaled = 0;
	env = oc_xcalloc(1, sizeof *env);
	for (i = 0; environ != NULL && environ[i] != NULL; i++) {
		const char *e = environ[i], *eq = strchr(e, '=');

		if (eq == NULL || !names_has(caller, e, (size_t)(eq - e)) ||
		    ((size_t)(eq - e) == vlen && strncmp(e, var, vlen) == 0))
			continue;
		env = oc_xrealloc(env, (n + 2) * sizeof *env);
		env[n++] = oc_xstrdup(e);
		env[n] = NULL;
	}
	env = oc_xrealloc(env, (n + 2) * sizeof *env);
	env[n++] = oc_xasprintf("%s=%s", var, key);
	env[n] = NULL;
	memset(&sp, 0, sizeof sp);
	sp.path = argv[0];
	sp.argv = argv;
	sp.envp = env;
	sp.search = 1;
	sp.core = 1;
	sp.in = sp.out = OC_PROC_INHERIT;
	sp.err = OC_PROC_PIPE;
	fflush(stdout);
	fflush(stderr);
	if (oc_proc_spawn(&pr, &sp, &err) == -1) {
		saved = errno;
		oc_proc_env_free(env);
		oc_out_warnx("%s: %s", argv[0], strerror(saved));
		return saved == ENOENT ? 127 : 126;
	}
	oc_proc_env_free(env);
	child_pid = pr.pid;
	/* Until the command has exited and its stderr is drained: a process
	 * it left behind may hold the pipe open for long after; we do not
	 * wait for that one. */
	memset(&io, 0, sizeof io);
	io.on_err = tee_err;
	io.arg = &m;
	io.until_exit = 1;
	end = oc_proc_run(&pr, &io, &status);
	child_pid = 0;
	if (end != OC_PROC_EXITED)
		return OC_EX_TEMPFAIL;
	*limited = m.hit != NULL;
	if (WIFSIGNALED(status)) {
		*signaled = 1;
		return 128 + WTERMSIG(status);
	}
	return WEXITSTATUS(status);
}

/* The variable a key goes in: -e VAR, else <P>_API_KEY. */
static char *
target_var_dup(const struct opts *o)
{
	char *base, *var;

	if (o->var != NULL)
		return oc_xstrdup(o->var);
	base = oc_envkeys_base_dup(o->provider);
	var = oc_xasprintf("%s_API_KEY", base);
	free(base);
	return var;
}

static int
cmd_exec(struct oc_ctx *ctx, struct opts *o, int argc, char **argv,
    const struct names *caller)
{
	struct oc_envkey *keys;
	struct sigaction sa, oint, oquit, oterm, ohup;
	char *var = NULL;
	size_t n, i;
	int r, code = OC_EX_NEG;

	if ((r = need_provider(o, "exec")) != 0)
		return r;
	if (argc < 1) {
		oc_out_warnx("exec: no command (put it after --)");
		return OC_EX_USAGE;
	}
	load_env(ctx);
	if ((r = candidates(ctx, o, &keys, &n)) != 0)
		return r;
	if (n == 0) {
		oc_out_warnx("exec: no keys for provider %s in the environment",
		    o->provider);
		return OC_EX_NEG;
	}
	var = target_var_dup(o);
	/* Like env(1) and sudo: the terminal's signals reach the command
	 * directly; ours go to it. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGINT, &sa, &oint);
	sigaction(SIGQUIT, &sa, &oquit);
	sa.sa_handler = forward;
	sigaction(SIGTERM, &sa, &oterm);
	sigaction(SIGHUP, &sa, &ohup);
	for (i = 0; i < n; i++) {
		int limited, signaled;

		code = attempt(argv, var, keys[i].value, caller, &limited,
		    &signaled);
		if (code == 0 || signaled)
			break;
		if (code != OC_EX_TEMPFAIL && !limited)
			break;
		if (i + 1 == n) {
			oc_out_warnx("exec: every key (%zu) was rate-limited; "
			    "exit status %d", n, code);
			break;
		}
		oc_out_warnx("exec: key %zu/%zu (%s) rate-limited (exit %d); "
		    "trying the next", i + 1, n, keys[i].var, code);
	}
	sigaction(SIGINT, &oint, NULL);
	sigaction(SIGQUIT, &oquit, NULL);
	sigaction(SIGTERM, &oterm, NULL);
	sigaction(SIGHUP, &ohup, NULL);
	oc_envkeys_free(keys, n);
	free(var);
	return code;
}

/* ---- set ---- */
static int
var_ok(const char *v)
{
	if (!((*v >= 'A' && *v <= 'Z') || (*v >= 'a' && *v <= 'z') ||
	    *v == '_'))
		return 0;
	for (; *v; v++)
		if (!((*v >= 'A' && *v <= 'Z') || (*v >= 'a' && *v <= 'z') ||
		    (*v >= '0' && *v <= '9') || *v == '_'))
			return 0;
	return 1;
}

static int
cmd_set(struct oc_ctx *ctx, struct opts *o, int argc, char **argv)
{
	struct oc_err err;
	char *var, *secret = NULL, *prompt;
	int replaced = 0, rc = 0;

	if (argc != 0) {
		/* The key never comes from argv. */
		oc_out_warnx("set: unexpected argument (the key is read from "
		    "stdin)");
		return OC_EX_USAGE;
	}
	if (o->var == NULL && (o->provider == NULL || *o->provider == '\0')) {
		oc_out_warnx("set: -p provider or -e var is required");
		return OC_EX_USAGE;
	}
	var = target_var_dup(o);
	if (!var_ok(var)) {
		oc_out_warnx("set: \"%s\" is not a portable variable name", var);
		free(var);
		return OC_EX_USAGE;
	}
	prompt = oc_xasprintf("%s: ", var);
	if (oc_secret_read(prompt, SECRET_MAX, &secret, &err) == -1) {
		free(prompt);
		free(var);
		return oc_out_report(&err);
	}
	free(prompt);
	oc_secret_token_normalize(secret, 0);
	if (*secret == '\0') {
		oc_out_warnx("set: no key on stdin");
		rc = OC_EX_DATAERR;
		goto out;
	}
	if (oc_dotenv_set(ctx->paths.env_path, var, secret, o->cli.wait_ms,
	    &replaced, &err) == -1) {
		rc = oc_out_report(&err);
		goto out;
	}
	if (getenv(var) != NULL)
		oc_out_warnx("note: %s is set in this environment; a process that "
		    "has it set ignores the .env value", var);
	if (o->cli.json) {
		json_object *j = json_object_new_object();

		json_object_object_add(j, "var", json_object_new_string(var));
		json_object_object_add(j, "path",
		    json_object_new_string(ctx->paths.env_path));
		json_object_object_add(j, "replaced",
		    json_object_new_boolean(replaced));
		oc_json_print(stdout, j);
		json_object_put(j);
	} else
		printf("%s %s %s\n", var, replaced ? "replaced in" : "added to",
		    ctx->paths.env_path);
	oc_cli_reload_env(ctx, &o->cli);
out:
	oc_secret_free(secret);
	free(var);
	return rc;
}

static struct names caller;

static int
set_opt(struct oc_cmd *cmd, int id, const char *arg)
{
	struct opts *o = cmd->data;

	switch (id) {
	case 'p':
		o->provider = arg;
		return 0;
	case 'e':
		o->var = arg;
		return 0;
	case OPT_REVEAL:
		o->reveal = 1;
		return 0;
	case OPT_PROFILE:
		o->profile = arg;
		return 0;
	case OPT_PRIMARY:
		o->primary = 1;
		return 0;
	case OPT_NO_REFRESH:
		o->no_refresh = 1;
		return 0;
	}
	return -1;
}

/* The verbs, over the shared option values. */
static struct opts *
opts_of(struct oc_cmd *cmd)
{
	struct opts *o = cmd->data;

	o->cli = cmd->cli;
	return o;
}

static int
v_list(struct oc_cmd *cmd, int argc, char **argv)
{
	return cmd_list(&cmd->ctx, opts_of(cmd), argc, argv);
}

static int
v_get(struct oc_cmd *cmd, int argc, char **argv)
{
	return cmd_get(&cmd->ctx, opts_of(cmd), argc, argv);
}

static int
v_exec(struct oc_cmd *cmd, int argc, char **argv)
{
	return cmd_exec(&cmd->ctx, opts_of(cmd), argc, argv, &caller);
}

static int
v_classify(struct oc_cmd *cmd, int argc, char **argv)
{
	return cmd_classify(opts_of(cmd), argc, argv);
}

static int
v_set(struct oc_cmd *cmd, int argc, char **argv)
{
	return cmd_set(&cmd->ctx, opts_of(cmd), argc, argv);
}

static const struct oc_opt options[] = {
	{ "provider", 'p', 1, "provider", "the provider", 'p' },
	{ "var", 'e', 1, "var", "the variable (default <PROVIDER>_API_KEY)",
	    'e' },
	{ "reveal", 0, 0, NULL, "show the keys instead of masking them",
	    OPT_REVEAL },
	{ "profile", 0, 1, "id", "use this profile only", OPT_PROFILE },
	{ "primary", 0, 0, NULL, "the key get picks goes first",
	    OPT_PRIMARY },
	{ "no-refresh", 0, 0, NULL, "never refresh an expired OAuth token",
	    OPT_NO_REFRESH },
	{ NULL, 0, 0, NULL, NULL, 0 }
};

static const struct oc_verb verbs[] = {
	{ "list", NULL, v_list, OC_VERB_CTX | OC_VERB_GUARD_SELF,
	    "[-a agent] [--json] list -p provider [--reveal] [--primary]" },
	{ "get", NULL, v_get, OC_VERB_CTX | OC_VERB_GUARD_SELF,
	    "[-a agent] [--json] get -p provider [--profile id] [--no-refresh]" },
	{ "exec", NULL, v_exec, OC_VERB_CTX | OC_VERB_GUARD_SELF,
	    "[-a agent] exec -p provider [-e var] [--primary] -- command "
	    "[arg ...]" },
	{ "classify", NULL, v_classify, 0, "[--json] classify" },
	{ "set", NULL, v_set, OC_VERB_CTX | OC_VERB_GUARD_SELF,
	    "[-a agent] [--json] set -p provider | -e var [--wait dur] "
	    "[--reload]" },
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
	/* the caller's environment, before any dotenv file is loaded */
	names_snapshot(&caller);
	cmd.opts = options;
	cmd.verbs = verbs;
	cmd.summary = "Which key the gateway uses, rotation across keys on "
	    "rate limits, .env keys; see oc-keys(1).";
	cmd.set = set_opt;
	cmd.data = &o;
	r = oc_cli_main(&cmd, argc, argv);
	names_free(&caller);
	return r;
}
