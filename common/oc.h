/* SPDX-License-Identifier: ISC */
/*
 * oc.h - liboc, the core shared by the oc-tools commands.
 *
 * Ownership contract: every heap pointer has exactly one owner. A function
 * whose name ends in _new, _dup, _load or _read returns something the caller
 * owns and releases with the matching _free (or free(3)); every other pointer
 * a function returns is borrowed and lives as long as its container. Every
 * _free accepts NULL. json_object values follow json-c's rules: object_get_ex
 * borrows, object_add takes the reference, parse/new give one to put.
 *
 * liboc never prints and never exits, except on out-of-memory (oc_x*). A
 * failing function returns -1 and fills a struct oc_err with one of the suite's
 * exit codes and a one-line message; the program decides what to do.
 *
 * A section a file of common/, in the order core, the store, rules, keys,
 * net, oc-sync, oc-check; every function's prefix names its file
 * (oc_store_txn_put: store.c, oc_store_sqlite_probe: store-sqlite.c;
 * oc_x*: xmalloc.c). The SQLite file reader has its own header, sqlpage.h.
 */
#ifndef OC_H
#define OC_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <signal.h>
#include <sys/types.h>

#include <json-c/json.h>

/* ==== core: what every file uses ==== */

/* ---- err.c: exit codes (oc(7) EXIT STATUS) and errors ---- */
enum {
	OC_EX_OK = 0,
	OC_EX_NEG = 1,		/* a negative answer */
	OC_EX_EXPIRING = 2,	/* oc-check only */
	OC_EX_NAGIOS_UNKNOWN = 3,	/* oc-check --nagios only: UNKNOWN */
	OC_EX_USAGE = 64,
	OC_EX_DATAERR = 65,	/* unreadable store/config, invalid token */
	OC_EX_NOINPUT = 66,	/* a named input file does not exist */
	OC_EX_UNAVAILABLE = 69,	/* a remote service could not be reached */
	OC_EX_OSERR = 71,	/* out of memory */
	OC_EX_CANTCREAT = 73,	/* cannot write the store, config or output */
	OC_EX_TEMPFAIL = 75,	/* lock busy past the wait, all keys limited */
	OC_EX_NOPERM = 77,	/* insecure permissions on a secret file */
	OC_EX_CONFIG = 78	/* a state these tools must not write */
};
struct oc_err {
	int code;		/* one of OC_EX_*, 0 when unset */
	char msg[1024];		/* one line, never a secret */
};
void oc_err_set(struct oc_err *, int, const char *, ...)
    __attribute__((format(printf, 3, 4)));
void oc_err_clear(struct oc_err *);
void oc_err_oom(void) __attribute__((noreturn));	/* exit 71 */
extern const char *oc_err_progname;
void oc_err_set_progname(const char *argv0);

/* ---- xmalloc.c: allocation that ends the program on out of memory ---- */
void *oc_xmalloc(size_t);
void *oc_xcalloc(size_t, size_t);
void *oc_xrealloc(void *, size_t);
char *oc_xstrdup(const char *);
char *oc_xstrndup(const char *, size_t);
char *oc_xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
void oc_xstrv_free(char **);

/* ---- buf.c: a growable byte buffer that may hold a secret ---- */
/* data is always NUL-terminated. */
struct oc_buf {
	char *data;
	size_t len, cap;
};
void oc_buf_add(struct oc_buf *, const void *, size_t);
void oc_buf_adds(struct oc_buf *, const char *);
void oc_buf_addf(struct oc_buf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
void oc_buf_addc(struct oc_buf *, char);
void oc_buf_free(struct oc_buf *);	/* wipes: buffers may hold secrets */

/* ---- secret.c: secrets in memory: wiping, freeing, reading one pasted ---- */
/* Overwrite then free a buffer that held a secret. */
void oc_secret_free(char *);
/* Overwrite n bytes, in a way the compiler keeps. */
void oc_secret_wipe(void *, size_t);
/* From stdin, or on a tty from /dev/tty with echo off after prompt. At most
 * max bytes. Caller frees with oc_secret_free. */
int oc_secret_read(const char *prompt, size_t max, char **out,
    struct oc_err *);
/* OpenClaw's paste normalisation: drop CR/LF/U+2028/U+2029, trim; for
 * anthropic tokens strip all whitespace. In place. */
void oc_secret_token_normalize(char *, int strip_all_ws);
/* Validate an anthropic setup-token; -1 with OC_EX_DATAERR otherwise. */
int oc_secret_anthropic_check(const char *, struct oc_err *);

/* ---- time.c: clocks and time formats ---- */
/* The wall clock in ms; OC_NOW_MS in the environment overrides (tests). */
int64_t oc_time_now_ms(void);
/* The monotonic clock in ms, for timeouts (never frozen by OC_NOW_MS). */
int64_t oc_time_mono_ms(void);
/* The ms from now to a deadline on that clock, at least 1 (a deadline
 * already passed still leaves one try). */
int64_t oc_time_mono_left(int64_t deadline);
/* "2026-11-21T23:40:00.000Z" for an epoch in ms, into buf (>= 32 bytes). */
void oc_time_iso8601(int64_t, char *, size_t);
/* Parse ISO-8601 UTC ("...Z" or "+00:00", optional millis); -1 if invalid. */
int oc_time_parse_iso8601(const char *, int64_t *);
/* "3h 12m", "2d 4h", "45s", "expired 3h ago" style spans, into buf. */
void oc_time_format_span(int64_t ms, char *, size_t);

/* ---- duration.c: durations on the command line (oc(7) DURATIONS) ---- */
/* Units ms s m h d, composites "1h30m". A bare number is refused with
 * OC_DURATION_HINT (exit 64) unless bare_unit ("ms", "s", "m", "h" or "d")
 * says what it means: only for an option that mirrors an OpenClaw flag
 * taking one, in that flag's unit. */
#define OC_DURATION_HINT "use 90m, 2h, 7d"
int oc_duration_parse(const char *, const char *bare_unit, int64_t *ms,
    struct oc_err *);

/* ---- text.c: strings as JavaScript sees them ---- */
/* Length in bytes of the JavaScript white-space character (\s) at s, 0 if
 * none. s is NUL-terminated. */
size_t oc_text_js_space_len(const char *s);
/* String.prototype.trim of s[0..n): the kept part is s[*off..*off+*len). */
void oc_text_trim_js(const char *s, size_t n, size_t *off, size_t *len);
char *oc_text_trim_js_dup(const char *);	/* owned */

/* ---- unicode.c: Unicode classes (generated) ---- */
/* ECMAScript 5.1 IdentifierStart / IdentifierPart, for JSON5 keys. */
int oc_unicode_id_start(unsigned long cp);
int oc_unicode_id_part(unsigned long cp);

/* ---- mask.c: secrets on screen: OpenClaw's mask ---- */
char *oc_mask_dup(const char *secret);

/* ---- sha256.c: OpenClaw's digests ---- */
void oc_sha256_hex(const void *, size_t, char out[65]);

/* ---- file.c: reading and writing files safely (oc(7) FILES) ---- */
/* Read a whole file (bounded at max bytes). Missing: returns -1 with
 * errno ENOENT and err->code OC_EX_NOINPUT. */
int oc_file_read(const char *path, size_t max, char **data, size_t *len,
    struct oc_err *);
/* Judge a file's bytes: 0 good, -1 bad with err filled. */
typedef int (*oc_text_check_fn)(const char *path, const char *text,
    size_t len, void *arg, struct oc_err *);
/* oc_file_read, then check; while the check fails and the file keeps
 * changing (OpenClaw rewrites the store in place), read it again; a file
 * unchanged for 100 ms is judged as it is, and a second is the most spent.
 * On failure nothing is returned (errno is ENOENT for a missing file). */
int oc_file_read_settled(const char *path, size_t max, oc_text_check_fn,
    void *arg, char **data, size_t *len, struct oc_err *);
/* temp in the same dir (O_EXCL|O_NOFOLLOW, 0600), write, fsync, chmod mode,
 * rename over path, fsync the directory. Never truncates path in place.
 * With a guard, the rename happens only while that lock is still held
 * (oc_lock_commit_begin); the temp file is removed otherwise. */
struct oc_lock;
int oc_file_write_atomic(const char *path, const void *, size_t, mode_t,
    struct oc_lock *guard, struct oc_err *);
/* Two files replaced together (a store and its auth-state.json): both
 * temps are written and fsynced before either is renamed, so a full disk
 * or a failed write leaves both as they were. */
int oc_file_write_atomic_pair(const char *const path[2],
    const char *const data[2], const size_t len[2], mode_t,
    struct oc_lock *guard, struct oc_err *);
/* The same in steps, for output streamed rather than held in memory:
 * oc_file_atomic_open makes the temp (the same policy) and returns a stream on
 * it; oc_file_atomic_commit flushes it, sets mode (umask aside), fsyncs and
 * renames it over path. Either failing removes the
 * temp and leaves path as it was. */
struct oc_atomic {
	char *path, *target, *dir, *tmp;
	int fd;
	FILE *f;
	int werrno;		/* the first failed write's errno */
};
FILE *oc_file_atomic_open(struct oc_atomic *, const char *path,
    struct oc_err *);
int oc_file_atomic_commit(struct oc_atomic *, mode_t, struct oc_err *);
/* The policy for every file written (file.c, oc(7) FILES): regular files
 * only (anything else OC_EX_DATAERR, readers too, never blocking); a
 * symlink is followed when it and its target have one owner, else refused;
 * owner and group kept (as root, new files and directories take their
 * directory's); temps swept by oc_file_sweep_temps. */
/* mkdir -p with mode for every directory created. */
int oc_file_mkdirs(const char *path, mode_t, struct oc_err *);
/* Remove the temp files (".<name>.tmp-<pid>-<hex>") that writers of path
 * killed before their rename left, beside it (and beside its target when
 * it is a symlink): those whose pid is dead, and older than min_age_ms.
 * Call it under the lock that guards path (oc_lock_acquire does, for the
 * file its lock guards and for the lock's own temps). */
void oc_file_sweep_temps(const char *path, int64_t min_age_ms);
char *oc_file_dirname_dup(const char *);
int oc_file_exists(const char *);

/* ---- lock.c: lock files (oc(7) SAFETY) ---- */
struct oc_lock {
	char *path;
	int held;
	int fd;			/* the lock file, open while held */
	dev_t dev;		/* its identity, to tell it from a successor's */
	ino_t ino;
};
/* Wait up to wait_ms (jittered backoff) for <path>; OC_EX_TEMPFAIL when
 * still busy. SIGINT/SIGTERM/SIGHUP are held off while the lock is held. */
int oc_lock_acquire(struct oc_lock *, const char *path, int wait_ms,
    struct oc_err *);
/* Around a commit (a rename over the guarded file): make sure the lock is
 * still this holder's (a writer stalled past OC_LOCK_STALE_MS may have had
 * it broken) and keep it from being broken until commit_end. -1 with
 * OC_EX_TEMPFAIL when it was lost: the caller must not commit. A NULL lock
 * is no guard. */
int oc_lock_commit_begin(struct oc_lock *, struct oc_err *);
void oc_lock_commit_end(struct oc_lock *);
/* Release; a lock that is no longer this holder's is not removed. */
void oc_lock_release(struct oc_lock *);
/* The same protocol for OpenClaw's OAuth refresh lock, with its content
 * ({pid, createdAt, starttime}) and its stale rule (a live owner is never
 * broken; one without a pid after OC_LOCK_OAUTH_STALE_MS). */
int oc_lock_acquire_oauth(struct oc_lock *, const char *path, int wait_ms,
    struct oc_err *);
#define OC_LOCK_OAUTH_STALE_MS 180000
#define OC_LOCK_STALE_MS 30000
/* --wait: the lock wait in ms (default 10 s, OC_LOCK_WAIT_MS overrides). */
int oc_lock_wait_default(void);

/* ---- proc.c: child processes ---- */
/* Every command calls this first (oc_err_set_progname does): no core dumps
 * (RLIMIT_CORE 0), not dumpable (no ptrace attach or /proc/<pid>/environ,
 * mem reads by other processes of the user). */
void oc_proc_harden(void);
enum oc_proc_fd {
	OC_PROC_INHERIT = 0,	/* the child shares ours */
	OC_PROC_PIPE,		/* a pipe to us */
	OC_PROC_NULL		/* /dev/null */
};
struct oc_proc_spec {
	const char *path;	/* absolute, or a name when search is set */
	char *const *argv;
	char *const *envp;	/* the child's whole environment */
	int search;		/* look a name without '/' up in $PATH */
	const char *dir;	/* chdir here in the child, or NULL */
	int new_pgrp;		/* lead a process group: a kill takes it all */
	int core;		/* the core-dump limit the program started with
				 * (a user's command); else none, as ours */
	enum oc_proc_fd in, out, err;
};
struct oc_proc {
	pid_t pid;
	int in, out, err;	/* our ends of the pipes, -1 when none */
	int pgrp;
	int chld_reset;		/* SIGCHLD was ignored: restored at reap */
	struct sigaction old_chld;
};
/* Start the program. -1 when it could not be started (errno says why:
 * ENOENT, EACCES, ...; err is a generic "path: reason"). */
int oc_proc_spawn(struct oc_proc *, const struct oc_proc_spec *,
    struct oc_err *);
struct oc_proc_io {
	const void *in;		/* written to its stdin, then closed */
	size_t in_len;
	struct oc_buf *out;	/* its stdout, collected */
	struct oc_buf *err;	/* its stderr, collected (unless on_err) */
	void (*on_err)(const char *, size_t, void *);	/* stderr as it comes */
	/* stdout as it comes (it is collected in out all the same) */
	void (*on_out)(const char *, size_t, void *);
	void *arg;
	int64_t timeout_ms;	/* the whole run; 0: no limit */
	int64_t idle_ms;	/* the longest wait for output; 0: no limit */
	size_t max_out;		/* stdout and stderr together; 0: no cap */
	int until_exit;		/* stop at the child's exit, even when a
				 * process it left holds the pipes open */
};
enum oc_proc_end {
	OC_PROC_EXITED = 0,	/* *status is waitpid's */
	OC_PROC_TIMEOUT,
	OC_PROC_IDLE,
	OC_PROC_TOOBIG,
	OC_PROC_FAILED		/* poll failed */
};
/* Feed stdin and drain stdout and stderr at once until the child is done;
 * on anything but an exit it (its group) is killed. The child is always
 * reaped and our pipe ends closed. */
enum oc_proc_end oc_proc_run(struct oc_proc *, struct oc_proc_io *,
    int *status);
/* The variables named (NULL-terminated) of our environment, as an envp;
 * freed (wiped) with oc_proc_env_free. */
char **oc_proc_env_only(const char *const *names);
void oc_proc_env_free(char **);

/* ---- json.c: JSON as OpenClaw reads and writes it, in json-c trees ---- */
/*
 * Text. A json-c string read by these parsers (a key or a value) holds the
 * bytes of the file, with three exceptions that valid UTF-8 never holds, so
 * that a rewrite keeps what a json-c key (a C string) could not:
 *   C0 80             U+0000 (from \u0000; in JSON5 also \0, \x00 or a raw
 *                     NUL byte in a string)
 *   ED A0-BF 80-BF    a lone surrogate \uD800-\uDFFF (WTF-8)
 *   EF BF BD          each byte of a raw C0 80 or ED A0-BF 80-BF in the file,
 *                     as Node reads such bytes (U+FFFD)
 * Other bytes that are not UTF-8 are kept as they are. The writers map the
 * first two back to \u0000 and \udXXX; a string the program makes from
 * outside text (stdin, argv, the environment) should be UTF-8.
 *
 * Numbers keep their source text, which the writer prints again: an integer
 * that fits int64 is a json_type_int, any other number (a fraction, an
 * exponent, an integer beyond int64) a json_type_double whose value is the
 * nearest double, as in JavaScript, and whose text is exact.
 *
 * Trees. Parsing has no nesting limit (JSON.parse has none but memory), and
 * json-c frees and compares trees recursively, one stack frame per level. So
 * the rule for releasing a tree: one that came from a parser, or that holds
 * a secret (a store, a config, a token answer, a request body), is released
 * with oc_json_wipe_put, which wipes every string and walks the tree without
 * recursion; json_object_put is for small trees the program built from
 * values that are not secret. Compare with oc_json_equal, not
 * json_object_equal, and do not json_object_deep_copy a parsed tree.
 */
/* Strict, as JSON.parse: the error names the file, line and column. */
int oc_json_parse(const char *name, const char *text, size_t len,
    json_object **out, struct oc_err *);
/* JSON5, as OpenClaw's json5 package reads the config: comments, trailing
 * commas, unquoted (ECMAScript 5.1 identifier) and single-quoted keys and
 * strings, every JSON5 escape and line continuation, hexadecimal numbers,
 * leading and trailing decimal points and a + sign, all JavaScript white
 * space. Every value becomes its JSON equivalent; Infinity and NaN, which
 * have none, are refused (OC_EX_DATAERR with the position). */
int oc_json_parse_lenient(const char *name, const char *text, size_t len,
    json_object **out, struct oc_err *);
/* The strict grammar without a tree (oc-check's scanner): 0 and the span of
 * the document's value, or -1 with the position. */
int oc_json_check(const char *name, const char *text, size_t len,
    size_t *vstart, size_t *vlen, struct oc_err *);
/* Decode a string literal (with its quotes) that passed the check into buf
 * (at least 3 * n + 1 bytes), in the internal form; returns its length. */
size_t oc_json_unquote(const char *lit, size_t n, char *buf);
/* Internal form back to bytes, in place, for a channel that carries bytes
 * (the helper's request and response bodies): C0 80 becomes a NUL byte.
 * Returns the new length. */
size_t oc_json_text_bytes(char *s, size_t n);
/* Serialise like JSON.stringify(v, null, indent) (+ no trailing newline):
 * no slash escaping, "{}" for empty containers, numbers as parsed.
 * Containers nested deeper than 32 levels are written on one line. */
void oc_json_dump(struct oc_buf *, json_object *, int indent);
/* The same for a value that sits depth levels deep in a document indented
 * by indent spaces (its own lines are indented to match). */
void oc_json_dump_at(struct oc_buf *, json_object *, int indent, int depth);
/* The suite's one JSON string writer: s (n bytes, internal form) as a JSON
 * string literal, quotes included, escaped as JSON.stringify escapes it (",
 * \, \b \f \n \r \t, other control characters as \u00XX, the internal
 * forms back as \u0000 and \udXXX; nothing else). */
void oc_json_write_string(struct oc_buf *, const char *s, size_t n);
/* Overwrite every string in a tree, then release it, without recursion
 * (see the rule above). No one else may hold a reference into the tree. */
void oc_json_wipe_put(json_object *);
/* Convenience accessors; borrowed results, NULL/def when absent or wrong
 * type. */
json_object *oc_json_get(json_object *, const char *key);
json_object *oc_json_get_obj(json_object *, const char *key);
const char *oc_json_get_str(json_object *, const char *key);
/* Integer value of a number or a numeric string: 1 if found, 0 if not,
 * -1 if present but not a finite number. */
int oc_json_get_i64(json_object *, const char *key, int64_t *);
/* Child object at key, created (and attached) when missing or not an
 * object. */
json_object *oc_json_obj_ensure(json_object *, const char *key);
int oc_json_equal(json_object *, json_object *);
/* Print JSON (2-space) and a newline. */
void oc_json_print(FILE *, json_object *);

/* ---- jscan.c: zero-copy JSON reading ---- */
/* A span of a JSON text holding one value (strings with their quotes). */
struct oc_jval {
	const char *p;
	size_t n;
};
enum oc_jtype {
	OC_JT_NONE = 0,
	OC_JT_OBJECT,
	OC_JT_ARRAY,
	OC_JT_STRING,
	OC_JT_NUMBER,
	OC_JT_BOOL,
	OC_JT_NULL
};
struct oc_jiter {
	const char *p, *end;
};
/* Check text is strict JSON (as JSON.parse takes it); *root spans the
 * value. The error names the file, line and column. Everything below
 * assumes a checked text. */
int oc_jscan_check(const char *name, const char *text, size_t len,
    struct oc_jval *root, struct oc_err *);
enum oc_jtype oc_jscan_type(struct oc_jval);
void oc_jscan_iter_init(struct oc_jiter *, struct oc_jval);
/* Next object member (key, value) or array element (key.p NULL); 0 at
 * the end. */
int oc_jscan_iter_next(struct oc_jiter *, struct oc_jval *key,
    struct oc_jval *val);
/* The decoded string (owned), NULL when not a string. */
char *oc_jscan_str_dup(struct oc_jval);
int oc_jscan_str_eq(struct oc_jval, const char *);
/* 1 and the value for a number, else 0. */
int oc_jscan_num(struct oc_jval, double *);
/* The member's value (the last of duplicates), 1 if found. */
int oc_jscan_get(struct oc_jval obj, const char *key, struct oc_jval *val);

/* ---- jdoc.c: a stored JSON document changed member by member ---- */
#define OC_JDOC_MAXDEPTH 4
/* Replace (value set) or remove (value NULL) the member at path[0..depth)
 * of a document's root object; objects on the way are made when missing. */
struct oc_jdoc_edit {
	const char *path[OC_JDOC_MAXDEPTH];
	int depth;
	json_object *value;	/* borrowed */
};
/* The document after the edits (later edits of a member win): owned,
 * NUL-terminated. text NULL: a new document, indented by default_indent
 * (0: compact) and ending in a newline when indented; else the text's own
 * layout is kept and every byte no edit touches is copied. root spans the
 * root object (checked with oc_jscan_check). NULL for a bad edit depth. */
char *oc_jdoc_apply(const char *text, size_t len, struct oc_jval root,
    const struct oc_jdoc_edit *, size_t n, int default_indent,
    size_t *outlen);

/* ---- out.c: output: tables, messages, text made fit for one line ---- */
/* A simple column table: add rows of n cells, print with aligned columns
 * (the last column is not padded). */
struct oc_table {
	int ncols;
	char **cells;		/* rows * ncols */
	size_t rows;
};
void oc_out_table_init(struct oc_table *, int ncols);
void oc_out_table_add(struct oc_table *, const char *const *cells);
void oc_out_table_print(struct oc_table *, FILE *);
void oc_out_table_free(struct oc_table *);
/* Text from elsewhere (a provider's error message, a server's words) made
 * fit for one line of a diagnostic: controls, line separators and bidi
 * overrides become spaces, runs of spaces one, bytes that are not UTF-8
 * '?', at most max characters (then "..."). Owned. */
char *oc_out_oneline_dup(const char *text, size_t max);
/* "prog: message" on stderr. The last one that is not a "warning: " is
 * kept: the message of the JSON error object (oc_out_json_error). */
void oc_out_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
/* A --json document went to stdout (oc_json_print to stdout marks it;
 * a command that streams its own calls oc_out_doc_printed). */
void oc_out_doc_printed(void);
int oc_out_doc_was_printed(void);
/* The last diagnostic kept, or NULL. */
const char *oc_out_last_error(void);
/* The error object of oc(7) JSON OUTPUT, one line on f:
 * {"schemaVersion":2,"ok":false,"exitCode":code,"error":msg}; msg NULL:
 * the last diagnostic, else "failed". */
void oc_out_json_error(FILE *, int code, const char *msg);
/* Print err (prefixed with the program name) and return its code. */
int oc_out_report(const struct oc_err *);
void oc_out_version(void);

/* ---- ctx.c: the context every command opens: paths, config, agent ---- */
struct oc_paths {
	char *home;
	char *state_dir;
	char *config_path;
	char *agent_id;
	char *agent_dir;
	char *main_dir;		/* the main agent's dir, inherited from */
	char *env_path;		/* <state>/.env */
	const char *agent_source; /* "option", "OPENCLAW_AGENT_DIR", ... */
};
struct oc_ctx {
	struct oc_paths paths;
	json_object *config;	/* never NULL after open: {} when missing */
	int config_exists;
	int force;		/* --force: write even where it is refused */
};
/* Resolve home, state dir and config, load the config (lenient), resolve the
 * agent (agent may be NULL) and its files, detect the era. */
int oc_ctx_open(struct oc_ctx *, const char *agent, struct oc_err *);
void oc_ctx_close(struct oc_ctx *);
/* The resolved paths, layout and era, as oc-profile path --json prints. */
json_object *oc_ctx_json(const struct oc_ctx *);
/* The config's agents.list entry of a normalised agent id, or NULL. */
json_object *oc_ctx_agent_entry(json_object *config, const char *id);
/* Two paths name the same directory. */
int oc_ctx_same_dir(const char *, const char *);
/* Expand a leading "~" or "~/" against home. */
char *oc_ctx_expand_home_dup(const char *path, const char *home);
/* The ids in the config's agents.list, NULL-terminated; NULL when none. */
char **oc_ctx_agent_ids_dup(json_object *config);

/* ---- cli.c: options, verbs, dispatch ---- */
enum {
	OC_OPT_JSON = 1000,
	OC_OPT_WAIT,
	OC_OPT_FORCE,
	OC_OPT_HELP_LONG,
	OC_OPT_RELOAD,
	OC_OPT_STATE_DIR,
	OC_OPT_FIRST_PRIVATE = 1100
};
/* One option: its spellings, whether it takes a value (1; 2: optional,
 * named arg in the help), one line of help, and the value getopt returns
 * (id). A table ends with an entry whose help is NULL. */
struct oc_opt {
	const char *lng;
	int shrt;
	int has_arg;
	const char *arg;
	const char *help;
	int id;
};
struct oc_cmd;
/* One verb. Its synopsis (lines separated by "\n", without the program
 * name) is its usage and the list of options it takes. A command without
 * verbs has one, named "". */
struct oc_verb {
	const char *name;
	const char *alias;
	int (*run)(struct oc_cmd *, int argc, char **argv);
	unsigned flags;
	const char *synopsis;
};
#define OC_VERB_CTX 0x1		/* open the context first */
#define OC_VERB_WRITES 0x2	/* it writes the store */
#define OC_VERB_GUARD_SELF 0x4	/* (no longer used) */
/* The values of the options every command shares. */
struct oc_cli {
	const char *agent;
	int json;
	int force;
	int wait_ms;
	int help;
	int version;
	int reload;		/* --reload: tell the gateway after a write */
	const char *state_dir;	/* --state-dir (set as OPENCLAW_STATE_DIR) */
};
struct oc_cmd {
	const struct oc_opt *opts;	/* the command's own */
	const struct oc_verb *verbs;	/* ends with a NULL name */
	const char *summary;		/* --help: what it does, one line */
	const char *footer;		/* --help: the last words */
	/* A private option: 0, or -1 after saying what is wrong. */
	int (*set)(struct oc_cmd *, int id, const char *arg);
	/* Report a usage error (msg may be ""); returns the exit status.
	 * Default: msg and the usage on stderr, 64. */
	int (*on_usage_error)(struct oc_cmd *, const char *msg);
	/* Report a failure to open the context. Default: oc_out_report. */
	int (*on_error)(struct oc_cmd *, const struct oc_err *);
	void *data;			/* the command's own options */
	int no_permute;			/* options stop at the first operand */
	/* stdout belongs to another format even with --json (oc-check
	 * --nagios): no JSON error object */
	int no_json_error;
	/* set by oc_cli_main: */
	int argc;			/* as main got them, for set() */
	char **argv;
	struct oc_cli cli;
	const struct oc_verb *verb;
	struct oc_ctx ctx;
	int have_ctx;
	int uses_common[16];
};
/* Parse the options, answer -h/--help/-V, find the verb, refuse options
 * that are not its own, open the context when the verb wants it, run it;
 * returns the exit status. */
int oc_cli_main(struct oc_cmd *, int argc, char **argv);
void oc_cli_usage(const struct oc_cmd *, FILE *);
/* After a successful write: with --reload, tell the running gateway to use
 * it now (oc_gateway_reload_after_write; the agent is passed on when -a
 * named it) and say on stderr when that could not be done. Nothing without
 * --reload; the exit status stays the write's. */
void oc_cli_reload(const struct oc_ctx *, const struct oc_cli *);
/* The same after a change to the .env file (oc_gateway_reload_env). */
void oc_cli_reload_env(const struct oc_ctx *, const struct oc_cli *);
struct oc_store;	/* store.c */
/* What a command says about the store it opened (stderr): files others
 * can read, a JSON store OpenClaw no longer reads or refuses the agent
 * for. */
void oc_cli_store_warn(const struct oc_store *);

/* ---- config.c: config writes ---- */
/* Lock the config (<config>.lock, same protocol as the store lock), re-read
 * it, apply fn, write when fn returns 1 (0: unchanged, -1: error). */
typedef int (*oc_config_edit_fn)(json_object *config, void *arg,
    struct oc_err *);
int oc_config_update(const char *path, int wait_ms, oc_config_edit_fn,
    void *arg, struct oc_err *);
/* resolveProviderConfig: models.providers.<provider> (*key borrows the
 * key it is under; key may be NULL). */
json_object *oc_config_provider(json_object *config, const char *provider,
    const char **key);
/* auth.profiles[id], or NULL. */
json_object *oc_config_auth_profile(json_object *config, const char *id);

/* ---- authcfg.c: the credential parts of the config ---- */
/* OpenClaw's applyAuthProfileConfig: auth.profiles[id] = {provider, mode
 * [, email]}, replaced; an existing auth.order[provider] gets id moved to
 * the front; with none, one is created (id first, then the other
 * configured profiles of the provider) when those have another mode. */
void oc_authcfg_set_profile(json_object *cfg, const char *id,
    const char *provider, const char *mode, const char *email);
/* Drop id from auth.profiles and every auth.order list. 1 if changed. */
int oc_authcfg_remove_profile(json_object *cfg, const char *id);

/* ---- provider.c: provider ids as OpenClaw normalises them ---- */
/* OpenClaw's normalisation: lower-case, trim, aliases (z.ai -> zai, ...). */
char *oc_provider_norm_dup(const char *);
/* The same, as OpenClaw matches profiles to providers
 * (normalizeProviderIdForAuth: "volcengine-plan" -> "volcengine", ...). */
char *oc_provider_auth_dup(const char *);
/* The env prefix: normalised id upper-cased, '-' and '.' to '_'. */
char *oc_provider_env_dup(const char *);
/* Provider part of a profile id "<provider>:<name>", normalised; NULL when
 * the id has no colon. */
char *oc_provider_of_profile_dup(const char *id);

/* ==== the store: nothing above it reads a store's files ==== */

/* ---- cred.c: one credential, read from its stored JSON ---- */
enum oc_ctype {
	OC_CT_UNKNOWN = 0,
	OC_CT_API_KEY,
	OC_CT_TOKEN,
	OC_CT_OAUTH
};
/* Why OpenClaw's loader drops an entry (parseCredentialEntry). */
enum oc_centry {
	OC_CE_OK = 0,
	OC_CE_NON_OBJECT,
	OC_CE_INVALID_TYPE,
	OC_CE_MISSING_PROVIDER
};
/* The rule set of a store era (rules.c). */
enum oc_rules {
	OC_RULES_2026_3 = 0,	/* JSON files: as 2026.3.24 judges */
	OC_RULES_2026_7,	/* per-agent SQLite: as 2026.7.35 */
	OC_RULES_2026_9		/* shared SQLite store: as 2026.9.6 */
};
struct oc_cred {
	char *id;
	enum oc_centry entry;
	enum oc_ctype type;
	char *type_raw;		/* "type" (or legacy "mode") if a string */
	char *provider_raw;	/* "provider" as written, if a string */
	char *provider;		/* normalizeProviderIdForAuth of it; NULL
				 * unless entry is OC_CE_OK */
	char *secret;		/* key (legacy apiKey) / token / access, as
				 * written, when a string: a secret */
	char *refresh;		/* oauth refresh token: a secret */
	char *ref_json;		/* keyRef / tokenRef, its JSON text */
	int has_expires;	/* an "expires" member is there */
	int expires_number;	/* and it is a JSON number */
	double expires_num;
	char *email, *display_name, *managed_by;
	int setup_inactive;	/* setup.replacement is true: a saved,
				 * inactive setup (2026.9 setup_inactive) */
	int fence;		/* access/refresh are OpenClaw's refresh
				 * fence (2026.9): 1 pending, 2 failed */
	int oauth_ref;		/* an "oauthRef" member is there */
	int layer;		/* the store layer it came from */
	struct oc_jval raw;	/* its JSON, in the layer's text */
};
const char *oc_cred_type_name(enum oc_ctype);
enum oc_ctype oc_cred_type_parse(const char *);
/* OpenClaw's reason code for an entry it drops, NULL for OC_CE_OK. */
const char *oc_cred_entry_reason(enum oc_centry);
/* Read the profile p (a span of a checked text) stored under id. */
int oc_cred_parse(struct oc_cred *, const char *id, struct oc_jval p,
    enum oc_rules);
/* The same reader for a profile held as a json-c tree. */
int oc_cred_parse_json(struct oc_cred *, const char *id, json_object *,
    enum oc_rules);
/* The keyRef / tokenRef as a tree (owned), or NULL. */
json_object *oc_cred_ref(const struct oc_cred *);
/* "expires" is a finite number > 0 (resolveTokenExpiryState "valid"):
 * 1 and *ms, else 0. */
int oc_cred_expires_valid(const struct oc_cred *, int64_t *ms);
void oc_cred_free(struct oc_cred *);

/* ---- store.c: the credential store, whichever files hold it ---- */
/* The era of an agent's store, from the files on disk. */
enum oc_era {
	OC_ERA_A = 0,	/* auth-profiles files, routing inline */
	OC_ERA_B,	/* auth-profiles files, routing apart */
	OC_ERA_C,	/* per-agent SQLite */
	OC_ERA_D	/* shared SQLite */
};
const char *oc_store_era_name(enum oc_era);
/* One place a store is kept: a backend's files or rows. A store reads
 * up to two: the agent's own, and the one it inherits (the main agent's,
 * or the shared store), its own winning. */
struct oc_layer;
struct oc_backend {
	const char *name;
	/* (Re)read the documents into the layer. */
	int (*load)(struct oc_layer *, struct oc_err *);
	/* Keep other writers out (until end); called before a re-read. */
	int (*begin)(struct oc_layer *, int wait_ms, struct oc_err *);
	/* Write the documents marked changed; a NULL state text removes
	 * the routing state. Within begin/end. */
	int (*commit)(struct oc_layer *, struct oc_err *);
	void (*end)(struct oc_layer *);
	void (*free)(struct oc_layer *);
	/* Where it is, for oc-profile path --json (owned). */
	json_object *(*describe)(const struct oc_layer *);
	/* Its files are readable by group or other. */
	int (*insecure)(const struct oc_layer *);
};
struct oc_doc {
	char *text;		/* NULL: not there */
	size_t len;
	struct oc_jval root;
	char *next;		/* what commit writes (owned), set by store.c */
	size_t nextlen;
	int changed;		/* next is to be written (next NULL: remove) */
};
struct oc_layer {
	const struct oc_backend *be;
	void *bd;		/* the backend's own */
	char *name;		/* where, for messages */
	char *file;		/* the file or database that holds it */
	const char *owner;	/* "agent", "main" or "shared" */
	int present;		/* its files or rows can be read */
	int drop_empty;		/* an empty routing state is removed */
	int writable;		/* and written (0: e.g. a database to create) */
	int split;		/* routing state kept apart from credentials */
	int indent;		/* a new document's indent (0: compact) */
	struct oc_doc creds, state;
};
struct oc_store {
	enum oc_era era;
	enum oc_rules rules;
	struct oc_layer layer[2];	/* [0] the agent's own, [1] inherited */
	size_t nlayers;
	int target;		/* the layer new profiles go to */
	struct oc_cred *creds;	/* the merged view: one per id, the agent's
				 * own winning, in OpenClaw's order */
	size_t ncreds;
	json_object *routing[3];	/* merged order, lastGood, usageStats */
	int have_routing[3];
	char *legacy_json;	/* a JSON store beside an SQLite one */
	int legacy_blocks;	/* and OpenClaw refuses the agent for it
				 * (AUTH_PROFILE_MIGRATION_REQUIRED) */
	int multi_agent;	/* several agents are configured */
	int agent_explicit;	/* the agent was named (-a) */
};
/* Open the agent's store for reading (a missing store is empty); a store
 * that cannot be parsed is OC_EX_DATAERR naming the file and position. */
int oc_store_open(struct oc_store *, const struct oc_ctx *, struct oc_err *);
void oc_store_close(struct oc_store *);
/* The merged view. Borrowed; NULL when absent. */
const struct oc_cred *oc_store_get(const struct oc_store *, const char *id);
/* Routing maps, merged: "order", "lastGood", "usageStats". */
json_object *oc_store_routing(struct oc_store *, const char *key);
/* order[provider] (findNormalizedProviderValue): a non-empty array of
 * trimmed ids, or NULL. */
json_object *oc_store_order(struct oc_store *, const char *provider);
json_object *oc_store_usage(struct oc_store *, const char *id);
/* The name of the layer new profiles are written to. */
const char *oc_store_target_name(const struct oc_store *);
/* What OpenClaw's models status calls storePath. */
const char *oc_store_shown_path(const struct oc_store *);
/* Era, backend and layers, for oc-profile path --json (owned). */
json_object *oc_store_describe(const struct oc_store *);
/* The name of a layer whose files group or other can read, or NULL. */
const char *oc_store_insecure(const struct oc_store *);
/* A change, made under every layer's writer exclusion after a re-read. */
struct oc_txn;
typedef int (*oc_txn_fn)(struct oc_txn *, void *arg, struct oc_err *);
/* Open, exclude other writers, re-read, call fn, write what fn changed
 * when it returns 1 (0: nothing to write; -1: error), release. */
int oc_store_update(const struct oc_ctx *, int wait_ms, oc_txn_fn, void *,
    struct oc_err *);
/* The store as re-read for this change. */
struct oc_store *oc_store_txn_store(struct oc_txn *);
/* A copy of the stored profile as a tree, to change and put back (owned);
 * NULL when there is none or it is not an object. */
json_object *oc_store_txn_profile(struct oc_txn *, const char *id);
/* Store p (taken, and wiped when the change ends: never a tree the caller
 * keeps using) as profile id: in the layer that holds it, else where new
 * profiles go. */
void oc_store_txn_put(struct oc_txn *, const char *id, json_object *p);
/* Remove a profile and its order, lastGood and usageStats entries from
 * every layer. 1 if it was stored. */
int oc_store_txn_remove(struct oc_txn *, const char *id);
/* Set (ids taken, an array) or clear (NULL) the agent's own order for a
 * provider; a differently spelled key for it is replaced. 1 if changed. */
int oc_store_txn_set_order(struct oc_txn *, const char *provider,
    json_object *ids);
/* Reset the cooldown fields of the given profiles (all when n is 0). 1 if
 * anything changed. */
int oc_store_txn_usage_clear(struct oc_txn *, char *const *ids, size_t n);
/* Where a put of id would go, for messages. */
const char *oc_store_txn_target_name(struct oc_txn *, const char *id);
/* Add to the routing map key of the layer new profiles go to the members
 * of map (taken) it does not have yet; the number added. */
int oc_store_txn_routing_add(struct oc_txn *, const char *key,
    json_object *map);
/* Run fn over a store opened for reading and write nothing (--dry-run). */
int oc_store_dry_run(const struct oc_ctx *, oc_txn_fn, void *,
    struct oc_err *);
/* Release what a layer holds, wiping its text (store.c). */
void oc_store_layer_free(struct oc_layer *);

/* ---- store-json.c: the JSON-file backend (eras A and B) ---- */
/* Set up layer as the files in dir (owner as in struct oc_layer). */
void oc_store_json_layer(struct oc_layer *, const char *dir,
    const char *owner);
int oc_store_json_exists(const char *dir);	/* a store file is there */
int oc_store_json_split(const char *dir);	/* the routing file is */

/* ---- store-sqlite.c: the SQLite backend (eras C and D) ---- */
/* Its files are read without libsqlite3 where it can (sqlpage.h). */
/* What a database file says about the era (oc_store_sqlite_probe). */
struct oc_sqlite_facts {
	int exists;
	long user_version;
	int config_machine_state;	/* a 2026.8+ state database */
	int auth_profile_stores;	/* the 2026.6-7 state tables */
	int auth_profile_store;		/* an agent database's table */
	int shared_store_row;		/* config_machine_state has
					 * auth.sharedStore */
	int state_db_owner;		/* and it is {"location":"state-db"} */
};
/* Look at path read-only (a missing file: exists 0, not an error). */
int oc_store_sqlite_probe(const char *path, struct oc_sqlite_facts *,
    struct oc_err *);
/* Set up layer as an agent database's "primary" rows (shared 0) or the
 * state database's shared rows (shared 1). */
void oc_store_sqlite_layer(struct oc_layer *, const char *path, int shared,
    const char *owner);

/* ---- store-migrate.c: oc-profile migrate: a JSON store into SQLite ---- */
struct oc_migrate_item {
	char *from, *to;	/* the legacy id and the id stored (or NULL) */
	const char *outcome;	/* "imported", "renamed", "kept", "dropped" */
	const char *why;	/* for kept and dropped */
};
struct oc_migrate {
	int dry_run;
	enum oc_era era;
	int refused;		/* OpenClaw refused the agent before */
	char *source;		/* the JSON store, NULL: none to migrate */
	char *archive, *state_archive;	/* their archive names */
	char *target;		/* where the profiles went */
	struct oc_migrate_item *items;
	size_t nitems;
	size_t nrouting;	/* routing entries added */
};
/* Import the agent's retired JSON store into its SQLite owner store as
 * doctor --fix does, offline and auth-only (see store-migrate.c). */
int oc_store_migrate_run(const struct oc_ctx *, int dry_run, int wait_ms,
    struct oc_migrate *, struct oc_err *);
void oc_store_migrate_free(struct oc_migrate *);

/* ==== rules: OpenClaw's policies and what the commands make of them ==== */

/* ---- rules.c: OpenClaw's policies, each once ---- */
enum oc_hstatus {
	OC_HS_OK = 0,
	OC_HS_STATIC,		/* api keys, tokens without expiry, env keys */
	OC_HS_EXPIRING,		/* within the window */
	OC_HS_EXPIRED,
	OC_HS_MISSING,		/* no secret, or an unusable "expires" */
	OC_HS_IGNORED		/* an entry OpenClaw's loader drops */
};
/* The last status: --prometheus lists every one, OC_HS_OK to it. */
#define OC_HS_LAST OC_HS_IGNORED
const char *oc_rules_hstatus_name(enum oc_hstatus);
const char *oc_rules_name(enum oc_rules);
/* normalizeSecretInputString: not empty after JavaScript's trim. */
int oc_rules_secret_string(const char *);
/* normalizeSecretInput: something left after dropping line breaks and
 * code points above U+00FF, then trimming. */
int oc_rules_secret_input(const char *);
/* coerceSecretRef accepts it. */
int oc_rules_secret_ref(json_object *);
/* buildProfileHealth. */
struct oc_rules_health {
	enum oc_hstatus status;
	const char *reason;	/* OpenClaw's reason code, or NULL */
	int has_expiry;
	int64_t expires_at;	/* ms */
	int64_t remaining_ms;	/* may be negative */
	int refreshable;	/* oauth ok only thanks to a refresh token */
};
void oc_rules_health(const struct oc_cred *, int64_t now, int64_t warn_ms,
    enum oc_rules, struct oc_rules_health *);
/* resolveAuthProfileEligibility: NULL if c (NULL: not stored) may serve
 * want_auth, else the reason code; cfg is auth.profiles[id] or NULL. */
const char *oc_rules_ineligible(const struct oc_cred *, json_object *cfg,
    const char *want_auth, int64_t now, enum oc_rules);
/* orderProfilesByMode's rank of a type: oauth 0, token 1, api_key 2. */
int oc_rules_type_rank(enum oc_ctype);
/* resolveApiKeyForProfile's refusals: NULL, or a reason with a message
 * in buf. */
const char *oc_rules_key_refusal(const struct oc_cred *, json_object *cfg,
    int64_t now, char *buf, size_t sz);
/* resolveProfileUnusableUntil: until when a profile is in cooldown or
 * disabled for model (NULL: any), 0 when usable now. */
int64_t oc_rules_unusable_until(json_object *stats, const char *provider,
    const char *model, int64_t now, enum oc_rules);
/* The provider as the era's release compares stored credentials' (owned),
 * and whether p is want_auth so. */
char *oc_rules_provider_dup(const char *p, enum oc_rules);
int oc_rules_provider_is(const char *p, const char *want_auth,
    enum oc_rules);
/* OpenClaw's OAuth refresh margin: an access token is usable only while
 * more than this is left (2026.7 and later). */
#define OC_OAUTH_MARGIN_MS 300000
/* "disabled", "cooldown" or "ok", and until when. */
const char *oc_rules_usage_state(json_object *stats, int64_t now,
    int64_t *until);
/* The usageStats fields markAuthProfileUsed resets; NULL-terminated. */
extern const char *const oc_rules_cooldown_fields[];
/* The probe's status for an HTTP answer (status 0: error says why). */
const char *oc_rules_probe_status(long status, const char *error,
    const char *body);
int oc_rules_contains_ci(const char *hay, const char *needle);

/* ---- order.c: the effective auth order (resolveAuthProfileOrder) ---- */
struct oc_order_entry {
	const char *id;		/* borrowed from the store or config */
	const char *type;	/* credential type, NULL when missing */
	const char *reason;	/* why it is here / why it is excluded */
	int64_t until;		/* cooldown/disabled until (ms), 0 if none */
};
struct oc_order {
	char *provider;		/* normalised */
	const char *source;	/* "store order", "config auth.order",
				 * "config auth.profiles", "store profiles" */
	int explicit_order;	/* an override or auth.order was used */
	struct oc_order_entry *use;	/* in the order the gateway tries */
	size_t nuse;
	struct oc_order_entry *excluded;
	size_t nexcluded;
	const char *model;	/* the model cooldowns are scoped to */
};
/* Compute the order for provider; entries borrow from store and config,
 * which must outlive it. */
void oc_order_effective(struct oc_store *, json_object *config,
    const char *provider, int64_t now, struct oc_order *);
/* The same for one model's route (2026.9 scopes cooldowns to a model);
 * model NULL: any. */
void oc_order_effective_for(struct oc_store *, json_object *config,
    const char *provider, const char *model, int64_t now, struct oc_order *);
void oc_order_free(struct oc_order *);

/* ---- view.c: what the commands show of a credential ---- */
/* The STATE word: OpenClaw's status (models status), "refreshable" for an
 * oauth profile that is ok only thanks to its refresh token. */
const char *oc_view_state(const struct oc_rules_health *);
/* "2026-11-21T23:40Z", "invalid" or "never". */
void oc_view_expires(const struct oc_cred *, char *buf, size_t sz);
/* The secret as shown: masked (OpenClaw's mask) unless reveal, "<env ref>"
 * for a SecretRef, "-" for none. Owned (a secret when revealed). */
char *oc_view_secret_dup(const struct oc_cred *, int reveal);
/*
 * The suite's JSON vocabulary (oc(7) JSON OUTPUT), written down once: every
 * --json document is an object that starts with "schemaVersion" (but
 * oc-order's, which are OpenClaw's own), and every profile in one carries
 * these members, always, null when unknown, in this order.
 */
#define OC_JSON_SCHEMA 2
/* The window a "status" of expiring is judged over where the command has
 * no -w: oc-check's default, so that the commands agree. */
#define OC_VIEW_WARN_MS (24 * 3600 * 1000LL)
struct oc_view_fields {
	const char *profile_id;
	const char *provider;	/* normalised, or NULL */
	const char *type;	/* as stored ("api_key", "token", "oauth") */
	const char *status;	/* OpenClaw's: ok static expiring expired
				 * missing; ours: ignored */
	const char *reason_code;
	int has_expiry;
	int64_t expires_at;	/* ms */
	int64_t remaining_ms;
	int refreshable;
};
/* The fields of a stored credential judged by oc_rules_health. */
void oc_view_fields_of(struct oc_view_fields *, const struct oc_cred *,
    const struct oc_rules_health *);
/* Add the fields to o, in the vocabulary's order. */
void oc_view_fields_add(json_object *o, const struct oc_view_fields *);
/* {"schemaVersion": 2}, to which a command adds its members (owned). */
json_object *oc_view_doc_new(void);
/* The summary oc-profile list --json prints (owned). */
json_object *oc_view_cred_json(const struct oc_cred *,
    const struct oc_rules_health *, int reveal);
/* A copy of a stored profile with every secret member masked, at any
 * depth (owned). */
json_object *oc_view_masked(json_object *profile);

/* ==== keys: env files, environment keys, SecretRefs (oc-keys) ==== */

/* ---- dotenv.c: OpenClaw's dotenv files ---- */
/* Load OpenClaw's dotenv files into the process environment; a variable
 * already set always wins. */
int oc_dotenv_load(const struct oc_ctx *, struct oc_err *);
/* dotenv files, parsed as OpenClaw's dotenv 17 parses them. */
struct oc_dotenv_entry {
	char *key;
	char *value;		/* a secret: freed with oc_secret_free */
	size_t start, end;	/* the entry's bytes in the original text: from
				 * the start of the line holding the key to the
				 * end of the line where the value ends (line
				 * break excluded) */
	int exported;		/* written with "export " */
};
/* Parse text; -1 (OC_EX_DATAERR) only for a NUL byte. */
int oc_dotenv_parse(const char *text, size_t len,
    struct oc_dotenv_entry **out, size_t *n, struct oc_err *);
void oc_dotenv_free(struct oc_dotenv_entry *, size_t n);
/* value as it must be written after "VAR=" so that it parses back to
 * itself: bare when possible, else quoted. NULL when dotenv cannot
 * represent it. Owned (a secret). */
char *oc_dotenv_quote_dup(const char *value);
/* Set VAR=value in the env file at path: lock <path>.lock, re-read, replace
 * the entry for VAR (the first, dropping later duplicates) or append one,
 * keep every other byte, write atomically, mode 0600. *replaced (may be
 * NULL) tells whether an entry existed. */
int oc_dotenv_set(const char *path, const char *var, const char *value,
    int wait_ms, int *replaced, struct oc_err *);

/* ---- envkeys.c: provider keys in the environment ---- */
/* The provider's candidate keys from the environment, in OpenClaw's
 * rotation order (oc-keys(1) list), trimmed and deduplicated. */
struct oc_envkey {
	char *var;		/* the variable it came from */
	char *value;		/* the key (a secret) */
};
int oc_envkeys_collect(const char *provider, struct oc_envkey **out,
    size_t *n);
void oc_envkeys_free(struct oc_envkey *, size_t n);
/* The one env key the gateway itself would take for the provider
 * (OpenClaw's resolveEnvApiKey: the provider's known variables in table
 * order, first non-empty). 1 found (*out owned, free the members), 0 none. */
int oc_envkeys_gateway(const char *provider, struct oc_envkey *out);
/* 1 when name is a variable of any provider's known list. */
int oc_envkeys_is_known_var(const char *name);
/* The base of the provider's variable names: normalised id upper-cased,
 * '-' to '_', "GEMINI" for google and google-vertex. Owned. */
char *oc_envkeys_base_dup(const char *provider);
/* OpenClaw's rate-limit rule (isApiKeyRateLimitError): a case-insensitive
 * substring match. Returns the pattern that matched, or NULL. */
const char *oc_envkeys_ratelimit_match(const char *text, size_t len);

/* ---- secretref.c: SecretRefs, and a profile's secret ---- */
/* The secret of a profile: inline, "${VAR}" form, or keyRef/tokenRef
 * through config secrets.providers. *out is owned (oc_secret_free). -1
 * with err: OC_EX_NOPERM for an insecure file, OC_EX_NEG when the ref does
 * not resolve (the message never contains a secret). */
int oc_secretref_resolve_cred(const struct oc_ctx *, const struct oc_cred *,
    char **out, struct oc_err *);
/* Resolve a SecretRef object {source, provider, id} or an inline
 * "${VAR}" string (as in config models.providers.<id>.apiKey). 1 resolved
 * (*out owned), 0 not a reference, -1 with err as oc_secretref_resolve_cred. */
int oc_secretref_resolve(const struct oc_ctx *, json_object *ref,
    char **out, struct oc_err *);
/* An exec provider's stdout (OpenClaw's parseExecValues) for one id: 0
 * and the value (owned), or -1 with err (OC_EX_NEG; the provider's own
 * message made one printable line). For tests and fuzzing. */
int oc_secretref_exec_reply(const char *provider, const char *id,
    const char *text, size_t len, int json_only, char **out,
    struct oc_err *);

/* ---- keypick.c: oc-keys get: the credential the gateway would use ---- */
/* The credential the gateway would use for a provider (OpenClaw's
 * resolveApiKeyForProvider): the profiles in the effective auth order
 * (oc_order_effective; an expired OpenClaw-owned oauth token refreshed
 * first when refresh is set), then the environment (oc_envkeys_gateway),
 * then config models.providers.<id>.apiKey. profile pins one profile. */
struct oc_pick {
	char *secret;		/* owned; oc_secret_free */
	char *source;		/* "profile:ID", "env: VAR",
				 * "config: models.providers.P.apiKey" */
	char *profile_id;	/* NULL unless from a profile */
	const char *mode;	/* "oauth", "token", "api-key" */
	char *var;		/* the variable, when from the environment */
	struct oc_err skipped;	/* the first candidate that failed, if any:
				 * code 0 when none */
	char *skipped_id;
};
int oc_keypick_resolve(const struct oc_ctx *, const char *provider,
    const char *profile, int refresh, int wait_ms, struct oc_pick *,
    struct oc_err *);
void oc_keypick_free(struct oc_pick *);

/* ==== net: HTTP through a helper, the gateway over a WebSocket ==== */

/* ---- http.c: HTTP through the oc-http helper ---- */
/* The commands never link libcurl; requests go to the oc-http helper
 * program (pkglibexecdir, or $OC_HTTP_HELPER) over a pipe, so secrets
 * never reach argv. See libexec/oc-http.c for the protocol. */
struct oc_http_req {
	const char *id;			/* echoed in the result */
	const char *method;		/* "GET", "POST" */
	const char *url;
	const char *const *headers;	/* NULL-terminated "Name: value" */
	const char *body;		/* NULL: no body */
	size_t body_len;
	long timeout_ms;		/* total; connect is bounded too */
};
struct oc_http_res {
	char *id;
	long status;		/* HTTP status, 0 when no response */
	char *error;		/* NULL, or "timeout", "connect", "dns",
				 * "tls", "too_large", "other: ..." */
	char *body;		/* NUL-terminated, may be "" */
	size_t body_len;
	json_object *headers;	/* lower-cased name -> value; owned */
	long elapsed_ms;
};
/* Run n requests, at most concurrency at a time; *res gets n results in
 * the order of reqs. -1 only when the helper itself cannot run
 * (OC_EX_UNAVAILABLE in err) or a request cannot be written to it
 * (OC_EX_USAGE, OC_EX_DATAERR). */
int oc_http_run(const struct oc_http_req *reqs, size_t n, int concurrency,
    struct oc_http_res **res, struct oc_err *);
/* The same, with a deadline (oc_time_mono_ms; 0: none) for the whole run:
 * the helper is stopped there, the answers that came are kept and the
 * others get error "deadline". progress, when set, is called as each
 * answer comes (done of n). */
#define OC_HTTP_DEADLINE "deadline"	/* the error of an answer cut off */
struct oc_http_opts {
	int concurrency;
	int64_t deadline;
	void (*progress)(size_t done, size_t n, void *arg);
	void *arg;
};
int oc_http_run_opts(const struct oc_http_req *, size_t n,
    const struct oc_http_opts *, struct oc_http_res **, struct oc_err *);
void oc_http_res_free(struct oc_http_res *, size_t n);
/* One result line of the helper into res[index] (index from its "id";
 * seen marks the slots filled). 0, or -1 when it is not a result for one
 * of the n requests. */
int oc_http_result_line(const char *line, size_t len, struct oc_http_res *res,
    size_t n, char *seen);
/* The helper's side: its request document, checked as a whole (-1 with
 * OC_EX_USAGE and a message naming the place, never the content). reqs
 * borrow from root. */
struct oc_http_doc {
	json_object *root;
	int concurrency;
	struct oc_http_req *reqs;
	size_t n;
	const char ***hdrs;	/* each request's header list (owned) */
};
int oc_http_doc_parse(const char *text, size_t len, struct oc_http_doc *,
    struct oc_err *);
void oc_http_doc_free(struct oc_http_doc *);
/* One response header line as libcurl hands it over ("Name: value\r\n",
 * or a status line, which starts a new block): added to *hdrs under its
 * lower-cased name, a repeated header joined with ", ". A line whose name
 * is not an RFC 9110 token (a NUL, a space) or whose value holds a control
 * character is dropped; *total counts the bytes of the block (256 KiB
 * kept at most). */
void oc_http_header_line(json_object **hdrs, size_t *total, const char *line,
    size_t n);

/* ---- ws.c: a WebSocket client (RFC 6455) to 127.0.0.1 only ---- */
enum oc_ws_status {
	OC_WS_OK = 0,
	OC_WS_REFUSED,		/* nothing listens on the port */
	OC_WS_TIMEOUT,		/* the deadline passed */
	OC_WS_CLOSED,		/* the peer closed (close_code, close_reason) */
	OC_WS_PROTOCOL,		/* the peer broke HTTP or RFC 6455 */
	OC_WS_ERROR		/* a local failure */
};
struct oc_ws {
	int fd;
	int64_t deadline;	/* oc_time_mono_ms; every wait ends there */
	struct oc_buf in;	/* received, not yet taken */
	int upgraded;		/* the HTTP upgrade succeeded */
	int sent_close, peer_closed;
	int close_code;		/* the peer's close frame, 1005: no code */
	char close_reason[124];
};
void oc_ws_init(struct oc_ws *, int64_t deadline);
/* TCP to 127.0.0.1:port (the only address it can reach). A one-line
 * message in msg for anything but OC_WS_OK. */
enum oc_ws_status oc_ws_open(struct oc_ws *, int port, char *msg, size_t);
/* The HTTP/1.1 upgrade on path; checks 101, Upgrade, Connection and
 * Sec-WebSocket-Accept. */
enum oc_ws_status oc_ws_upgrade(struct oc_ws *, int port, const char *path,
    const char *user_agent, char *msg, size_t);
/* Send one text message (masked, as a client must). */
enum oc_ws_status oc_ws_send_text(struct oc_ws *, const char *, size_t,
    char *msg, size_t);
/* The next text message, reassembled, into *out (replaced; at most max
 * bytes); pings are answered, pongs dropped; a close frame is answered and
 * gives OC_WS_CLOSED. */
enum oc_ws_status oc_ws_recv_text(struct oc_ws *, struct oc_buf *out,
    size_t max, char *msg, size_t);
/* The closing handshake (a short wait for the peer's close, within the
 * deadline), then close the socket and free the buffer. */
void oc_ws_close(struct oc_ws *);
/* Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 §4.2.2). */
void oc_ws_accept_key(const char *key, char out[29]);

/* ---- gateway.c: telling a running gateway to use a change (--reload) ---- */
/* OpenClaw's post-write refresh (refreshRunningGatewayAuthState): the RPC
 * models.authRefresh {"operation":"update"} to the local gateway, falling
 * back to models.authStatus {"refresh":true} where the method is unknown.
 * Nothing here prints; no message ever holds the gateway's secret. */
enum oc_gw_result {
	OC_GW_REFRESHED = 0,	/* models.authRefresh answered refreshed */
	OC_GW_REFRESHED_WEAK,	/* only models.authStatus {refresh} worked */
	OC_GW_NOT_RUNNING,	/* connection refused: no gateway runs */
	OC_GW_NOT_TRIED,	/* remote, URL override, TLS, bind, bad port */
	OC_GW_NO_TOKEN,		/* no shared secret to authenticate with */
	OC_GW_AUTH_FAILED,	/* the gateway refused it (or the scope) */
	OC_GW_NO_METHOD,	/* it knows neither method */
	OC_GW_CALL_FAILED,	/* the call answered an error */
	OC_GW_TIMEOUT,		/* no answer within the budget */
	OC_GW_PROTOCOL		/* anything else the gateway did wrong */
};
struct oc_gw_outcome {
	enum oc_gw_result result;
	char msg[512];		/* why, one line */
	int port;		/* -1 before it was resolved */
	int elsewhere;		/* the gateway is not this host's */
	long budget_ms;
	long elapsed_ms;
};
/* OpenClaw's budget for the post-write refresh; OC_GATEWAY_TIMEOUT_MS in
 * the environment overrides (tests on a slow machine). */
#define OC_GATEWAY_TIMEOUT_MS 3000
/* What a command says after a write with --reload. */
struct oc_gw_report {
	struct oc_gw_outcome o;
	const char *level;	/* NULL: nothing to say; "note", "warning" */
	char text[1024];	/* one line, without the level */
};
/* The whole --reload: load the dotenv files into the environment (as
 * OpenClaw's CLI does at start; call it last), resolve, refresh, and
 * decide what to say. era is the store's (enum oc_era, -1: unknown): in
 * era C models.authStatus {"refresh":true} is the whole of 2026.6-7's
 * post-write refresh, so that outcome needs no warning there. */
void oc_gateway_reload_after_write(const struct oc_ctx *,
    const char *agent_id, int era, struct oc_gw_report *);
/* After a change to the .env file, which the gateway reads only when it
 * starts (models.authRefresh does not reread it): whether a gateway runs,
 * and what to say. */
void oc_gateway_reload_env(const struct oc_ctx *, struct oc_gw_report *);

/* ==== oc-sync ==== */

/* ---- jwt.c: JWT payloads ---- */
/* JWT payloads (no signature check: we read claims, we do not trust them).
 * Decodes base64url or base64, padding optional; *out owned, NUL-ended. */
int oc_jwt_b64url_decode(const char *, size_t, char **out, size_t *outlen);
int oc_jwt_payload(const char *token, json_object **out);
/* The "exp" claim x 1000 when it is a number > 0, else 0. */
int64_t oc_jwt_exp_ms(const char *token);
/* "https://api.openai.com/auth".chatgpt_account_id, or NULL. */
char *oc_jwt_account_id_dup(const char *token);

/* ---- oauth.c: OAuth refresh ---- */
/* Refresh an OpenClaw-owned oauth profile under the store lock (re-read,
 * skip if already fresh). 0 refreshed or already fresh; -1 with err:
 * OC_EX_NEG re-authentication required, OC_EX_UNAVAILABLE network/5xx,
 * OC_EX_DATAERR malformed response, OC_EX_TEMPFAIL lock busy. */
int oc_oauth_refresh(const struct oc_ctx *, const char *profile_id,
    int wait_ms, struct oc_err *);
/* OAuth refresh. */
enum oc_refresh_status {
	OC_REFRESH_REFRESHED = 0,
	OC_REFRESH_FRESH,	/* not due, or another process refreshed it */
	OC_REFRESH_SKIPPED,	/* not ours to refresh / no rule: reason */
	OC_REFRESH_FAILED	/* err */
};
struct oc_refresh {
	enum oc_refresh_status status;
	const char *reason;	/* static text */
	int64_t expires;	/* the profile's expiry afterwards */
	int requested;		/* a request went to the token endpoint */
};
/* Whether --refresh may touch this profile: NULL if it is an OpenClaw-owned
 * oauth profile with a refresh token and a provider with a refresh rule,
 * else the reason it is left alone. */
const char *oc_oauth_skip_reason(const char *id, json_object *profile);
/* Refresh id when its access token expires within within_ms of now. Under
 * the store lock, which also covers the request so that concurrent
 * refreshers (and OpenClaw) make one request: re-read; if seen_expires is
 * not -1 and the stored expiry differs, another process has refreshed it;
 * request; write access, refresh and expiry atomically. 0 with res filled
 * (REFRESHED, FRESH, SKIPPED); -1 with err as for oc_oauth_refresh, the
 * profile untouched. */
int oc_oauth_refresh_profile(const struct oc_ctx *, const char *id,
    int64_t within_ms, int64_t seen_expires, int wait_ms,
    struct oc_refresh *res, struct oc_err *);
/* The token endpoint's answer res for profile id of provider, judged as a
 * refresh judges it: 0 with the new tokens written into profile, or -1 with
 * err (the codes of oc_oauth_refresh). For tests and fuzzing. */
int oc_oauth_answer(const char *id, const char *provider,
    const struct oc_http_res *res, int64_t now, json_object *profile,
    struct oc_err *err);
/* The request timeout, which bounds how long the lock is held. */
#define OC_OAUTH_TIMEOUT_MS 15000

/* ---- import.c: import from other CLIs ---- */
/* Import from other CLIs (oc-sync). A source is read (never written: its
 * file is opened read-only), then applied to a store loaded under the lock,
 * then, for Claude Code, to the config. */
enum oc_import_src {
	OC_IMPORT_CLAUDE = 0,	/* ~/.claude/.credentials.json */
	OC_IMPORT_CODEX		/* $CODEX_HOME/auth.json, ~/.codex/auth.json */
};
enum oc_import_status {
	OC_IMPORT_PENDING = 0,	/* read, not applied yet */
	OC_IMPORT_IMPORTED,
	OC_IMPORT_UNCHANGED,
	OC_IMPORT_SKIPPED,	/* reason says why */
	OC_IMPORT_FAILED	/* err says why */
};
struct oc_import {
	enum oc_import_src src;
	const char *source;	/* "claude-code", "codex" */
	const char *profile_id;	/* "anthropic:claude-cli", ... */
	char *path;		/* the file, "-" for stdin */
	int named;		/* named on the command line */
	json_object *cred;	/* the profile the source yields; owned */
	int64_t expires;
	enum oc_import_status status;
	const char *reason;	/* "not found", "source blanked", ... */
	int code;		/* the exit status this outcome calls for */
	int store_has;		/* the store holds a token/oauth profile at
				 * profile_id after apply */
	const char *config;	/* "created", "migrated" or NULL */
	struct oc_err err;
};
/* path NULL: the source's default place. */
void oc_import_init(struct oc_import *, enum oc_import_src,
    const struct oc_ctx *, const char *path);
/* 0: a credential was read (PENDING); -1: the outcome is already decided
 * (not found, blanked, unreadable). */
int oc_import_read(struct oc_import *, int64_t now);
/* The same from the file's bytes (mtime: the file's, in ms, or -1). */
int oc_import_parse(struct oc_import *, const char *text, size_t len,
    int64_t mtime, int64_t now);
/* Apply the conflict rules to s; 1 when s changed. */
int oc_import_apply(struct oc_import *, struct oc_txn *, int64_t now);
/* oc_config_edit_fn, arg a struct oc_import: for Claude Code, set
 * auth.profiles["anthropic:claude-cli"].mode to "oauth". */
int oc_import_config_edit(json_object *config, void *arg, struct oc_err *);
void oc_import_free(struct oc_import *);
/* The store's OpenClaw uses the source's login without an import (era
 * D): the outcome is decided (skipped; a negative answer if it was named). */
void oc_import_not_used(struct oc_import *);

/* ==== oc-check ==== */

/* ---- health.c: the health of one agent's credentials ---- */
/* The health of one agent's credentials, judged as `openclaw models status
 * --check` judges it (common/health.c); the probes of `oc-check --probe`
 * (common/probe.c). */
enum oc_verdict {
	OC_V_OK = 0,
	OC_V_EXPIRING,
	OC_V_EXPIRED,
	OC_V_MISSING,
	OC_V_REJECTED,		/* a probe: the provider refused it */
	OC_V_UNKNOWN		/* probes that told nothing (-t, unreachable) */
};
struct oc_hprofile {
	const struct oc_cred *c;	/* in the health's store */
	const char *id;
	const char *provider;	/* normalised; NULL when ignored */
	const char *type;	/* "api_key", "token", "oauth" or as written */
	enum oc_ctype ctype;
	enum oc_hstatus status;
	const char *reason;	/* OpenClaw reason code, or NULL */
	int has_expiry;
	int64_t expires_at;	/* ms */
	int64_t remaining_ms;	/* may be negative */
	int refreshable;	/* oauth: expired/expiring access, refresh set */
	int from_main;		/* inherited (the main agent's or shared) */
	int out_of_scope;	/* left out by -p, --profile, --exclude */
	int critical;		/* expiring within the -c window */
	const char *origin;	/* "agent", "main" or "shared" */
	const char *label;	/* email or displayName */
	struct oc_jval raw;	/* the profile's JSON, in the store's text */
};
struct oc_hprovider {
	char *id;		/* normalised */
	int in_use;		/* used by the default/fallback/image models */
	const char *used_by;	/* the first model ref using it (borrowed) */
	size_t nprofiles;
	char *env_var;		/* the variable holding its env key, or NULL */
	int config_key;		/* models.providers.<id>.apiKey is set */
	int missing;		/* in use and no credential at all */
	enum oc_hstatus status;	/* summary over its profiles */
};
struct oc_hmodel {
	char *ref;		/* as configured */
	const char *role;	/* "default", "fallback", "image", ... */
	char *provider;
};
struct oc_hissue {
	char *text;		/* one line, no secret */
	int missing;		/* 1: exit 1; 2: expiring within -c, exit 1;
				 * 0: expiring */
	int64_t remaining_ms;	/* of the credential named; INT64_MAX: none */
};
/* What oc-check judges (-p, --profile, --exclude) and its -c window. */
struct oc_hscope {
	const char *provider;		/* normalised, or NULL: every one */
	const char *const *profiles;	/* only these, when nprofiles > 0 */
	size_t nprofiles;
	const char *const *exclude;	/* never these */
	size_t nexclude;
	int64_t crit_ms;	/* expiring within this is as bad as expired;
				 * 0: only what has expired */
};
/* Whether a credential is in the scope (profile_id NULL: a provider's
 * env or config key, or the provider itself). NULL scope: everything. */
int oc_health_scope_has(const struct oc_hscope *, const char *provider,
    const char *profile_id);
struct oc_health {
	int64_t now, warn_ms;
	const struct oc_hscope *scope;	/* NULL: everything */
	struct oc_store store;	/* the merged view judged */
	int have_store;
	struct oc_hprofile *p;	/* sorted by provider, then id */
	size_t np;
	struct oc_hprovider *prov;	/* sorted by id */
	size_t nprov;
	struct oc_hmodel *models;
	size_t nmodels;
	size_t nexpired, nmissing, nexpiring;
	enum oc_verdict verdict;
	int exit_code;		/* 0, 1 or 2 */
	struct oc_route *routes;	/* the SQLite eras' rule sets */
	size_t nroutes;
	struct oc_hissue *issues;	/* what made the verdict, worst first */
	size_t nissues;
};
/* Read the agent's store (and the main agent's, merged under it, when the
 * agent is another) and judge it, with the environment and ctx's config.
 * A store that cannot be parsed is OC_EX_DATAERR naming the file and
 * position. The stores are scanned, not turned into json-c trees. */
int oc_health_load(struct oc_health *, const struct oc_ctx *, int64_t now,
    int64_t warn_ms, const struct oc_hscope *, struct oc_err *);
void oc_health_free(struct oc_health *);
const char *oc_health_verdict_name(enum oc_verdict);

/* ---- routes.c: the verdict by model routes (2026.7 and 2026.9) ---- */
/* A model route in use and what it selects (routes.c; the SQLite eras). */
struct oc_route {
	char *ref;		/* "provider/model" */
	const char *role;	/* "default", "fallback", "image", "utility",
				 * ... */
	char *provider, *model;
	int availability;	/* 1 true, 0 false, -1 undefined */
	const char *selected;	/* the profile chosen, or NULL */
	const char *detail;	/* how (static text) */
	const char *status;	/* "ok", "expiring", "missing", "expired",
				 * "indeterminate", "unavailable" */
	int missing;		/* in missingProvidersInUse */
	int runtime_unavailable;
};
/* Replace the health's verdict with the one its store's rule set gives
 * (h->store.rules is OC_RULES_2026_7 or OC_RULES_2026_9). */
void oc_routes_judge(struct oc_health *, const struct oc_ctx *);
void oc_routes_free(struct oc_health *);

/* ---- probe.c: oc-check --probe ---- */
struct oc_probe_opts {
	long timeout_ms;	/* per request */
	int concurrency;
	int64_t deadline;	/* oc_time_mono_ms when every probe ends;
				 * 0: none */
	/* called as each answer comes (done of n requests) */
	void (*progress)(size_t done, size_t n, void *arg);
	void *arg;
};
struct oc_probe_result {
	char *provider;
	const char *profile_id;	/* borrowed from the health; NULL: env/config */
	long hindex;		/* its index in the health's profiles, or -1 */
	char *label;		/* profile id, "env:VAR" or "config" */
	const char *source;	/* "profile", "env", "config" */
	const char *mode;	/* "api_key", "token", "oauth" */
	const char *status;	/* ok auth rate_limit billing timeout format
				 * unknown no_model */
	const char *reason_code;	/* why it was not probed, or NULL */
	char *request;		/* "GET <url>" (no secret), NULL if none */
	long http_status;	/* 0: no answer or not sent */
	long latency_ms;	/* -1: not sent */
	char *error;		/* one line, never a secret */
	const char *hint;	/* e.g. the Claude-Code-only token advice */
	int failed;		/* auth or billing */
	int unfinished;		/* the deadline came first */
};
struct oc_probe_set {
	struct oc_probe_result *r;
	size_t n, nfailed;
	size_t nsent;		/* requests made */
	size_t nreached;	/* of them, answered by the provider (HTTP) */
	size_t nunfinished;	/* cut by the deadline */
	long duration_ms;
};
/* Probe every credential of the health that its scope (oc_hscope) takes
 * (profiles, then the env or config key of providers without one); the
 * auth order (the stores' "order", then
 * config auth.order) excludes profiles. -1 only when the probes could not
 * run at all. */
int oc_probe_run(struct oc_probe_set *, const struct oc_ctx *,
    struct oc_health *, const struct oc_probe_opts *,
    struct oc_err *);
void oc_probe_set_free(struct oc_probe_set *);

/* ---- checkfmt.c: the verdict line and the output forms ---- */
struct oc_check {
	const struct oc_ctx *ctx;
	const struct oc_health *h;
	const struct oc_probe_set *probes;	/* NULL without --probe */
	long timeout_ms;
	int concurrency;
	int64_t crit_ms;	/* -c, 0: none */
	int64_t deadline_ms;	/* -t, 0: none */
	/* set by oc_checkfmt_decide: */
	enum oc_verdict verdict;
	int exit_code;
	char reason[512];
	const struct oc_probe_result **probe_by_profile;	/* owned */
};
/* The verdict (health, and rejected probes) and its one-line reason. */
void oc_checkfmt_decide(struct oc_check *);
void oc_checkfmt_free(struct oc_check *);
void oc_checkfmt_text(const struct oc_check *, FILE *);
void oc_checkfmt_json(const struct oc_check *, FILE *);
/* No OpenClaw state for this user: where it was looked for (dir: the
 * state or agent directory found missing). */
void oc_checkfmt_json_no_state(const char *state_dir, const char *dir, FILE *);
void oc_checkfmt_nagios(const struct oc_check *, FILE *);
/* 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN for an oc-check exit code. */
int oc_checkfmt_nagios_code(int exit_code);
/* c NULL: only oc_check_up 0 and the time, for a run that failed. */
void oc_checkfmt_prometheus(const struct oc_check *, const char *agent,
    FILE *);

#endif /* OC_H */
