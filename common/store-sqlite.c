/* SPDX-License-Identifier: ISC */
/*
 * store-sqlite.c - the store as OpenClaw keeps it from 2026.6.5 on: JSON
 * documents in cells of SQLite tables.
 *
 *   era C (2026.6.5 - 7.x): <agentDir>/openclaw-agent.sqlite, tables
 *     auth_profile_store / auth_profile_state, row "primary", columns
 *     store_json / state_json, updated_at;
 *   era D (2026.8 - 9.x): the same per-agent rows, plus the shared store:
 *     <state>/state/openclaw.sqlite, table config_machine_state, rows
 *     "authProfiles.store" / "authProfiles.state", column value_json,
 *     updated_at_ms, when config_machine_state["auth.sharedStore"] says
 *     {"location":"state-db"}; without that row the shared store is the
 *     shared main agent's database ("legacy-main").
 *
 * Writes follow OpenClaw's protocol: the existing database is opened (never
 * created, no table made, the journal mode left as it is), busy_timeout
 * the lock wait (--wait; OpenClaw's own is 5000 ms), the shared-state
 * write coordinator taken before BEGIN IMMEDIATE on the state database
 * (as OpenClaw's withSharedStateWriteCoordinator), the rows re-read
 * inside the transaction, the schema version checked, compact JSON
 * upserted with updated_at in epoch ms, an empty routing state deleted
 * rather than written, COMMIT. The write lock is held for the
 * milliseconds the change takes. Databases and their -wal/-shm files are
 * never renamed, replaced or removed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oc.h"
#include "sqlite.h"
#include "sqlpage.h"

static int oc_store_sqlite_is_state_db(const char *path);

#define BUSY_MS 5000
#define CELL_MAX (64u << 20)	/* as a store file: documented in oc(7) */

/* The newest schemas these tools know (OpenClaw 2026.9.6); a newer one is
 * refused, as OpenClaw refuses it. */
#define STATE_SCHEMA_MAX 18
#define AGENT_SCHEMA_MAX 23

/* Where one layer's two documents are. */
struct cells {
	const char *table_creds, *table_state;
	const char *key_col_creds, *key_col_state;
	const char *val_col, *time_col;
	const char *row_creds, *row_state;
};

static const struct cells agent_cells = {
	"auth_profile_store", "auth_profile_state", "store_key", "state_key",
	NULL, "updated_at", "primary", "primary"
};
static const struct cells shared_cells = {
	"config_machine_state", "config_machine_state", "state_key",
	"state_key", "value_json", "updated_at_ms", "authProfiles.store",
	"authProfiles.state"
};

struct sql_be {
	char *path;
	int shared;		/* the state database's shared rows */
	int kind;		/* OC_DB_STATE or OC_DB_AGENT */
	int max_schema;
	sqlite3 *db;
	sqlite3 *coord;		/* the state-write coordinator, when held */
	int in_txn;
	long user_version;
	char *app_version;
};

enum { OC_DB_STATE = 1, OC_DB_AGENT };

static const struct cells *
cells_of(const struct sql_be *b)
{
	return b->shared ? &shared_cells : &agent_cells;
}

static const char *
val_col(const struct cells *c, int state)
{
	if (c->val_col != NULL)
		return c->val_col;
	return state ? "state_json" : "store_json";
}

static int
db_error(struct oc_err *err, sqlite3 *db, const char *path, const char *what)
{
	int code = db != NULL ? sqlite3_errcode(db) : SQLITE_ERROR;

	oc_err_set(err, code == SQLITE_BUSY || code == SQLITE_LOCKED ?
	    OC_EX_TEMPFAIL : code == SQLITE_READONLY || code == SQLITE_CANTOPEN ||
	    code == SQLITE_PERM || code == SQLITE_FULL ? OC_EX_CANTCREAT :
	    OC_EX_DATAERR, "%s: %s: %s%s", path, what,
	    db != NULL ? sqlite3_errmsg(db) : "cannot open",
	    code == SQLITE_BUSY ? " (another process holds the database "
	    "locked; try again)" : "");
	return -1;
}

/* Before SQLite's first use: the library loaded (when it is not linked);
 * one thread, no allocation statistics (the global mutexes they need cost
 * 8% of a read). */
static int
sql_configure(struct oc_err *err)
{
	static int done;

	if (oc_sqlite_load(err) == -1)
		return -1;
	if (!done) {
		(void)sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
		(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
		done = 1;
	}
	return 0;
}

/* No -shm beside the database, and no -wal or an empty one. */
static int
quiet_file(const char *path)
{
	char *side = oc_xasprintf("%s-shm", path);
	struct stat st;
	int quiet = stat(side, &st) == -1 && errno == ENOENT;

	free(side);
	side = oc_xasprintf("%s-wal", path);
	if (quiet && stat(side, &st) == 0 && st.st_size != 0)
		quiet = 0;
	free(side);
	return quiet;
}

/* "file:PATH?immutable=1", PATH percent-encoded but for the characters a
 * URI path may hold as they are. */
static char *
immutable_uri(const char *path)
{
	struct oc_buf b = { 0 };
	const unsigned char *p;

	oc_buf_adds(&b, "file:");
	for (p = (const unsigned char *)path; *p != '\0'; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/._-~", *p) != NULL)
			oc_buf_addc(&b, (char)*p);
		else
			oc_buf_addf(&b, "%%%02X", *p);
	oc_buf_adds(&b, "?immutable=1");
	return b.data;
}

/* Open an existing database; never create one. */
static int
db_open(const char *path, int write, int busy_ms, sqlite3 **out,
    struct oc_err *err)
{
	sqlite3 *db = NULL;
	struct stat st;
	int r;

	*out = NULL;
	if (sql_configure(err) == -1)
		return -1;
	if (stat(path, &st) == -1) {
		oc_err_set(err, errno == ENOENT ? OC_EX_NOINPUT : OC_EX_DATAERR,
		    "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		oc_err_set(err, OC_EX_DATAERR, "%s: not a regular file", path);
		return -1;
	}
	/* A database we may not write is not opened for writing: libsqlite3
	 * would make its -wal and -shm with the database's read-only mode,
	 * which then keep OpenClaw from writing once the mode is put back. */
	if (write && access(path, W_OK) == -1) {
		oc_err_set(err, OC_EX_CANTCREAT, "%s: cannot write the store: "
		    "%s", path, strerror(errno));
		return -1;
	}
	/* Nor is one read through libsqlite3 while it has no -shm: a reader
	 * of a WAL database makes the -shm and -wal, with the database's
	 * mode, and those keep OpenClaw from writing once the mode is put
	 * back. With no -shm and no WAL content nothing can be writing it:
	 * the file as it is is the database ("immutable"). */
	if (!write && access(path, W_OK) == -1 && quiet_file(path)) {
		char *uri = immutable_uri(path);

		r = sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY |
		    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, NULL);
		free(uri);
	} else
		r = sqlite3_open_v2(path, &db, (write ? SQLITE_OPEN_READWRITE :
		    SQLITE_OPEN_READONLY) | SQLITE_OPEN_NOMUTEX, NULL);
	if (r != SQLITE_OK) {
		db_error(err, db, path, "cannot open the database");
		sqlite3_close_v2(db);
		return -1;
	}
	sqlite3_busy_timeout(db, busy_ms);
	/* A file that is not a database fails on its first read. */
	*out = db;
	return 0;
}

/*
 * Read connections, kept open until exit: the era probe and the loads read
 * the same databases, and the first statement on a connection parses the
 * database's whole schema (about 9 M instructions for the 105 tables of
 * 2026.9.6's state database, most of what oc-check does in era D).
 * Each statement runs in its own read transaction, so a kept connection
 * sees every commit made since.
 */
#define RO_MAX 4
static struct {
	char *path;
	sqlite3 *db;
} ro[RO_MAX];

static void
ro_close_all(void)
{
	int i;

	for (i = 0; i < RO_MAX; i++) {
		if (ro[i].db != NULL)
			sqlite3_close_v2(ro[i].db);
		free(ro[i].path);
		ro[i].db = NULL;
		ro[i].path = NULL;
	}
}

/* A read connection to PATH from the cache (never to be closed by the
 * caller); -1 as db_open. */
static int
ro_open(const char *path, sqlite3 **out, struct oc_err *err)
{
	static int registered;
	int i;

	for (i = 0; i < RO_MAX; i++)
		if (ro[i].path != NULL && strcmp(ro[i].path, path) == 0) {
			*out = ro[i].db;
			return 0;
		}
	if (db_open(path, 0, BUSY_MS, out, err) == -1)
		return -1;
	if (!registered) {
		atexit(ro_close_all);
		registered = 1;
	}
	for (i = 0; i < RO_MAX && ro[i].path != NULL; i++)
		;
	if (i == RO_MAX) {
		/* full: the oldest goes (no caller holds one across calls) */
		sqlite3_close_v2(ro[0].db);
		free(ro[0].path);
		memmove(&ro[0], &ro[1], sizeof ro[0] * (RO_MAX - 1));
		i = RO_MAX - 1;
	}
	ro[i].path = oc_xstrdup(path);
	ro[i].db = *out;
	return 0;
}

/* Forget PATH's read connection (after it failed to read). */
static void
ro_drop(const char *path)
{
	int i;

	for (i = 0; i < RO_MAX; i++)
		if (ro[i].path != NULL && strcmp(ro[i].path, path) == 0) {
			sqlite3_close_v2(ro[i].db);
			free(ro[i].path);
			memmove(&ro[i], &ro[i + 1], sizeof ro[0] *
			    (size_t)(RO_MAX - 1 - i));
			ro[RO_MAX - 1].path = NULL;
			ro[RO_MAX - 1].db = NULL;
			return;
		}
}

static long
pragma_long(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	long v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* 1 if the table exists, 0 if not, -1 when the file cannot be read. */
static int
has_table(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st;
	int r;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE "
	    "type='table' AND name=?1", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	sqlite3_finalize(st);
	return r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : -1;
}

/* One cell's text (owned), NULL when the row is absent; -1 on error. */
static int
get_cell(sqlite3 *db, const char *path, const char *table, const char *kcol,
    const char *vcol, const char *key, char **out, size_t *len,
    struct oc_err *err)
{
	sqlite3_stmt *st;
	char *sql;
	int r;

	*out = NULL;
	*len = 0;
	sql = oc_xasprintf("SELECT %s FROM %s WHERE %s=?1", vcol, table,
	    kcol);
	r = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	free(sql);
	if (r != SQLITE_OK)
		return db_error(err, db, path, "cannot read the store");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		int n = sqlite3_column_bytes(st, 0);

		if (t == NULL || n < 0 || (size_t)n > CELL_MAX) {
			sqlite3_finalize(st);
			oc_err_set(err, OC_EX_DATAERR, "%s: %s row %s: %s", path,
			    table, key, t == NULL ? "not text" :
			    "larger than 64 MiB");
			return -1;
		}
		*out = oc_xmalloc((size_t)n + 1);
		memcpy(*out, t, (size_t)n);
		(*out)[n] = '\0';
		*len = (size_t)n;
		r = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	if (r != SQLITE_DONE) {
		oc_secret_free(*out);
		*out = NULL;
		return db_error(err, db, path, "cannot read the store");
	}
	return 0;
}

/*
 * The read-only commands read a few cells; libsqlite3 parses the whole
 * schema first (105 tables in 2026.9's state database). sqlpage.c reads
 * the cells from the file format instead, and hands back (1) whatever it
 * does not fully understand or could not read consistently; then the
 * reads are made again through libsqlite3, which also words every error.
 * So the fast path only ever answers when everything went well.
 * OC_SQLITE_READER=libsqlite3 turns it off (the tests compare the two);
 * OC_SQLITE_READER=trace says on standard error which reader answered
 * each read of a database, and why sqlpage handed one back.
 */
#define FAST_TRIES 3

static int fast_mode = -1;	/* 0 off, 1 on, 2 on and traced */
static const char *fast_why;	/* why sqlpage last handed back */

static int
fast_enabled(void)
{
	if (fast_mode == -1) {
		const char *v = getenv("OC_SQLITE_READER");

		fast_mode = v == NULL ? 1 : strcmp(v, "libsqlite3") == 0 ? 0 :
		    strcmp(v, "trace") == 0 ? 2 : 1;
	}
	return fast_mode;
}

static void
fast_trace(const char *path, const char *reader, const char *why)
{
	if (fast_mode == 2)
		fprintf(stderr, "oc-tools: %s: read by %s%s%s%s\n", path, reader,
		    why != NULL ? " (" : "", why != NULL ? why : "",
		    why != NULL ? ")" : "");
}

/*
 * Snapshots kept open for the next reads of the same database (the era
 * probe and the load read the state database one after the other): the
 * schema is walked once. Each batch of reads is accepted only when the
 * snapshot is still the database's state afterwards (oc_sqlpage_stale).
 */
#define FAST_MAX 4
static struct oc_sqlpage *fast_db[FAST_MAX];
static char *fast_path[FAST_MAX];

static void
fast_drop(int i)
{
	/* each batch of reads was judged when it was done (fast_read) */
	oc_sqlpage_discard(fast_db[i]);
	free(fast_path[i]);
	fast_db[i] = NULL;
	fast_path[i] = NULL;
}

static void
fast_close_all(void)
{
	int i;

	for (i = 0; i < FAST_MAX; i++)
		fast_drop(i);
}

/* A slot holding a snapshot of PATH, opened if need be; -1 when sqlpage
 * cannot read it, -2 when there is no such file. */
static int
fast_get(const char *path)
{
	static int registered;
	struct oc_sqlpage *sp;
	const char *why;
	struct oc_err e;
	int i, r;

	for (i = 0; i < FAST_MAX; i++)
		if (fast_path[i] != NULL && strcmp(fast_path[i], path) == 0)
			return i;
	oc_err_clear(&e);
	if ((r = oc_sqlpage_open(path, &sp, &why, &e)) != 0) {
		if (r == -1 && e.code == OC_EX_NOINPUT)
			return -2;
		fast_why = why != NULL ? why : "not a database it can read";
		return -1;
	}
	if (!registered) {
		atexit(fast_close_all);
		registered = 1;
	}
	for (i = 0; i < FAST_MAX && fast_path[i] != NULL; i++)
		;
	if (i == FAST_MAX)
		fast_drop(i = 0);
	fast_db[i] = sp;
	fast_path[i] = oc_xstrdup(path);
	return i;
}

/* READS on a snapshot of PATH: 0 when they answered from a snapshot still
 * current after them, 2 when there is no database, 1 when libsqlite3 must
 * (UNDO has dropped what they kept). */
static int
fast_read(const char *path, int (*reads)(struct oc_sqlpage *, void *),
    void (*undo)(void *), void *arg)
{
	int i, slot, r;

	if (!fast_enabled()) {
		fast_trace(path, "libsqlite3", "OC_SQLITE_READER=libsqlite3");
		return 1;
	}
	fast_why = NULL;
	for (i = 0; i < FAST_TRIES; i++) {
		if ((slot = fast_get(path)) == -2) {
			fast_trace(path, "sqlpage", "no such file");
			return 2;
		}
		if (slot == -1)
			break;
		r = reads(fast_db[slot], arg);
		if (oc_sqlpage_stale(fast_db[slot]) == 0) {
			if (r == 0) {
				fast_trace(path, "sqlpage", NULL);
				return 0;
			}
			/* not for sqlpage: libsqlite3 reads it */
			fast_drop(slot);
			undo(arg);
			break;
		}
		/* the file changed under the reads: a new snapshot */
		fast_why = "the database changed while it was read";
		fast_drop(slot);
		undo(arg);
	}
	fast_trace(path, "libsqlite3", fast_why);
	return 1;
}

/* One cell through sqlpage (NULL when the row is absent, or with NULL_OK
 * when its value is NULL, as read_app_version reads it); nonzero: ask
 * libsqlite3. */
static int
fast_cell(struct oc_sqlpage *sp, const char *table, const char *kcol,
    const char *vcol, const char *key, int null_ok, char **out, size_t *len)
{
	const char *why;
	struct oc_err e;

	oc_err_clear(&e);
	if ((null_ok ? oc_sqlpage_get_text_or_null : oc_sqlpage_get_text)(sp,
	    table, kcol, vcol, key, out, len, &why, &e) == 0)
		return 0;
	fast_why = why != NULL ? why : "a value it does not return";
	return 1;
}

static int
fast_has(struct oc_sqlpage *sp, const char *table, int *present)
{
	const char *why;
	struct oc_err e;

	oc_err_clear(&e);
	if (oc_sqlpage_has_table(sp, table, present, &why, &e) == 0)
		return 0;
	fast_why = why != NULL ? why : "an unreadable schema";
	return 1;
}

/* "state.schema.contentVersion" raises the state database's version. */
static long
content_version(long v, const char *cv)
{
	long c;

	if (cv == NULL)
		return v;
	c = strtol(cv, NULL, 10);
	return c > v ? c : v;
}

/* The schema version OpenClaw checks: user_version, and for the state
 * database the larger of that and config_machine_state's
 * "state.schema.contentVersion" (readStateSchemaContentVersion). */
static int
schema_check(struct sql_be *b, int writing, struct oc_err *err)
{
	long v = pragma_long(b->db, "PRAGMA user_version");

	if (v < 0)
		return db_error(err, b->db, b->path, "not a readable database");
	if (b->kind == OC_DB_STATE && has_table(b->db,
	    "config_machine_state") == 1) {
		char *cv = NULL;
		size_t n;
		struct oc_err e2;

		if (get_cell(b->db, b->path, "config_machine_state",
		    "state_key", "value_json", "state.schema.contentVersion",
		    &cv, &n, &e2) == 0)
			v = content_version(v, cv);
		free(cv);
	}
	b->user_version = v;
	if (v > b->max_schema) {
		oc_err_set(err, OC_EX_CONFIG, "%s: written by a newer OpenClaw "
		    "(schema %ld; these tools know up to %d): %s", b->path, v,
		    b->max_schema, writing ? "not written" : "not read");
		return -1;
	}
	return 0;
}

static void
read_app_version(struct sql_be *b)
{
	sqlite3_stmt *st;

	free(b->app_version);
	b->app_version = NULL;
	if (has_table(b->db, "schema_meta") != 1 ||
	    sqlite3_prepare_v2(b->db, "SELECT app_version FROM schema_meta "
	    "WHERE meta_key='primary'", -1, &st, NULL) != SQLITE_OK)
		return;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		b->app_version = oc_xstrdup((const char *)
		    sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

static void
doc_clear(struct oc_doc *d)
{
	if (d->text != NULL) {
		oc_secret_wipe(d->text, d->len);
		free(d->text);
	}
	d->text = NULL;
	d->len = 0;
	memset(&d->root, 0, sizeof d->root);
}

static int
parse_cell(const char *name, struct oc_doc *d, int creds, struct oc_err *err)
{
	struct oc_jval v;

	if (d->text == NULL)
		return 0;
	if (memchr(d->text, '\0', d->len) != NULL ||
	    oc_jscan_check(name, d->text, d->len, &d->root, err) == -1 ||
	    oc_jscan_type(d->root) != OC_JT_OBJECT || (creds &&
	    oc_jscan_get(d->root, "profiles", &v) &&
	    oc_jscan_type(v) != OC_JT_OBJECT)) {
		if (err->code == 0 || err->msg[0] == '\0' ||
		    strstr(err->msg, "invalid JSON") == NULL)
			oc_err_set(err, OC_EX_DATAERR, "%s: not a credential "
			    "store object (OpenClaw calls it unreadable: run "
			    "openclaw doctor --fix)", name);
		doc_clear(d);
		return -1;
	}
	return 0;
}

/* Both documents of a loaded layer, named as the errors name them. */
static int
parse_cells(const struct sql_be *b, struct oc_layer *l, struct oc_err *err)
{
	const struct cells *c = cells_of(b);
	char *name;
	int r;

	name = oc_xasprintf("%s (%s %s)", b->path, c->table_creds,
	    c->row_creds);
	r = parse_cell(name, &l->creds, 1, err);
	free(name);
	if (r == 0) {
		name = oc_xasprintf("%s (%s %s)", b->path, c->table_state,
		    c->row_state);
		r = parse_cell(name, &l->state, 0, err);
		free(name);
	}
	return r;
}

/* What a load reads, gathered through sqlpage. */
struct fast_load {
	const struct sql_be *b;
	long user_version;
	char *app_version;
	struct oc_doc creds, state;
};

static void
fast_load_undo(void *arg)
{
	struct fast_load *f = arg;

	free(f->app_version);
	f->app_version = NULL;
	doc_clear(&f->creds);
	doc_clear(&f->state);
}

/* sql_load's reads, in its order; anything but its success path goes to
 * libsqlite3 (which words the error). */
static int
fast_load_reads(struct oc_sqlpage *sp, void *arg)
{
	struct fast_load *f = arg;
	const struct cells *c = cells_of(f->b);
	long v = oc_sqlpage_user_version(sp);
	int present;
	char *cv;
	size_t n;

	if (v < 0)
		return 1;
	if (f->b->kind == OC_DB_STATE) {
		if (fast_has(sp, "config_machine_state", &present))
			return 1;
		if (present) {
			if (fast_cell(sp, "config_machine_state", "state_key",
			    "value_json", "state.schema.contentVersion", 0,
			    &cv, &n))
				return 1;
			v = content_version(v, cv);
			free(cv);
		}
	}
	if (v > f->b->max_schema)
		return 1;
	f->user_version = v;
	if (fast_has(sp, c->table_creds, &present) || !present)
		return 1;
	if (fast_has(sp, "schema_meta", &present) || (present &&
	    fast_cell(sp, "schema_meta", "meta_key", "app_version", "primary",
	    1, &f->app_version, &n)))
		return 1;
	if (fast_cell(sp, c->table_creds, c->key_col_creds, val_col(c, 0),
	    c->row_creds, 0, &f->creds.text, &f->creds.len))
		return 1;
	if (fast_has(sp, c->table_state, &present) || (present &&
	    fast_cell(sp, c->table_state, c->key_col_state, val_col(c, 1),
	    c->row_state, 0, &f->state.text, &f->state.len)))
		return 1;
	return 0;
}

static int
sql_load(struct oc_layer *l, struct oc_err *err)
{
	struct sql_be *b = l->bd;
	const struct cells *c = cells_of(b);
	int opened = 0, r = -1;

	doc_clear(&l->creds);
	doc_clear(&l->state);
	if (b->db == NULL) {
		struct fast_load f;

		memset(&f, 0, sizeof f);
		f.b = b;
		r = fast_read(b->path, fast_load_reads, fast_load_undo, &f);
		if (r == 2) {
			/* no database (yet): an empty store */
			l->present = 0;
			return 0;
		}
		if (r == 0) {
			l->present = 1;
			b->user_version = f.user_version;
			free(b->app_version);
			b->app_version = f.app_version;
			l->creds = f.creds;
			l->state = f.state;
			return parse_cells(b, l, err);
		}
		r = -1;		/* what the reads below return on failure */
		if (ro_open(b->path, &b->db, err) == -1) {
			if (err->code == OC_EX_NOINPUT) {
				/* no database (yet): an empty store */
				oc_err_clear(err);
				l->present = 0;
				return 0;
			}
			return -1;
		}
		opened = 1;
	}
	l->present = 1;
	if (schema_check(b, 0, err) == -1)
		goto out;
	if (has_table(b->db, c->table_creds) != 1) {
		/* OpenClaw made this database, but not for credentials */
		oc_err_set(err, OC_EX_DATAERR, "%s: no table %s: not an "
		    "OpenClaw credential database", b->path, c->table_creds);
		goto out;
	}
	read_app_version(b);
	if (get_cell(b->db, b->path, c->table_creds, c->key_col_creds,
	    val_col(c, 0), c->row_creds, &l->creds.text, &l->creds.len,
	    err) == -1)
		goto out;
	if (has_table(b->db, c->table_state) == 1 && get_cell(b->db, b->path,
	    c->table_state, c->key_col_state, val_col(c, 1), c->row_state,
	    &l->state.text, &l->state.len, err) == -1)
		goto out;
	r = parse_cells(b, l, err);
out:
	if (opened) {
		/* borrowed from the read cache; a connection that failed to
		 * read is not kept */
		if (r == -1)
			ro_drop(b->path);
		b->db = NULL;
	}
	return r;
}

/* ---- the shared-state write coordinator ---- */

/*
 * OpenClaw serialises its writes to the state database with an exclusive
 * SQLite lock on /tmp/openclaw-state-locks-<uid>/state-lifecycle.<first 8
 * hex of sha256(realpath of the state database)>.lock.sqlite, taken before
 * BEGIN IMMEDIATE and released by ROLLBACK (withSharedStateWriteCoordinator).
 * Taken the same way here, for milliseconds; a directory that is not the
 * user's own private one is left alone (OpenClaw itself refuses it then).
 */
static int
coord_take(struct sql_be *b, int wait_ms, struct oc_err *err)
{
	char real[PATH_MAX], hex[65], *dir, *path;
	struct stat st;
	sqlite3 *db = NULL;
	int r;

	if (realpath(b->path, real) == NULL)
		return 0;
	oc_sha256_hex(real, strlen(real), hex);
	dir = oc_xasprintf("/tmp/openclaw-state-locks-%ld", (long)getuid());
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		free(dir);
		return 0;
	}
	if (lstat(dir, &st) == -1 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != getuid() || (st.st_mode & 077) != 0) {
		free(dir);
		return 0;
	}
	path = oc_xasprintf("%s/state-lifecycle.%.8s.lock.sqlite", dir, hex);
	free(dir);
	if (sql_configure(err) == -1) {
		free(path);
		return -1;
	}
	r = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	free(path);
	if (r != SQLITE_OK) {
		sqlite3_close_v2(db);
		return 0;
	}
	sqlite3_busy_timeout(db, wait_ms);
	if (sqlite3_exec(db, "PRAGMA journal_mode=MEMORY; BEGIN EXCLUSIVE",
	    NULL, NULL, NULL) != SQLITE_OK) {
		int busy = sqlite3_errcode(db) == SQLITE_BUSY;

		sqlite3_close_v2(db);
		if (busy) {
			oc_err_set(err, OC_EX_TEMPFAIL, "%s: another OpenClaw "
			    "process is writing the state database (waited "
			    "%d ms); try again", b->path, wait_ms);
			return -1;
		}
		return 0;
	}
	b->coord = db;
	return 0;
}

static void
coord_release(struct sql_be *b)
{
	if (b->coord == NULL)
		return;
	(void)sqlite3_exec(b->coord, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close_v2(b->coord);
	b->coord = NULL;
}

static int
sql_begin(struct oc_layer *l, int wait_ms, struct oc_err *err)
{
	struct sql_be *b = l->bd;

	/* OpenClaw's own bound is busy_timeout 5000; ours is --wait */
	if (db_open(b->path, 1, wait_ms, &b->db, err) == -1) {
		if (err->code == OC_EX_NOINPUT) {
			/* not there: readable as empty; written never */
			oc_err_clear(err);
			l->present = 0;
			l->writable = 0;
			return 0;
		}
		return -1;
	}
	if (b->kind == OC_DB_STATE && coord_take(b, wait_ms, err) == -1)
		goto fail;
	if (sqlite3_exec(b->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		db_error(err, b->db, b->path, "cannot begin a write");
		goto fail;
	}
	b->in_txn = 1;
	if (schema_check(b, 1, err) == -1)
		goto fail;
	l->present = 1;
	l->writable = 1;
	return 0;
fail:
	if (b->in_txn)
		(void)sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
	b->in_txn = 0;
	coord_release(b);
	sqlite3_close_v2(b->db);
	b->db = NULL;
	return -1;
}

static int
put_cell(struct sql_be *b, const struct cells *c, int state,
    const struct oc_doc *d, struct oc_err *err)
{
	const char *table = state ? c->table_state : c->table_creds;
	const char *kcol = state ? c->key_col_state : c->key_col_creds;
	const char *key = state ? c->row_state : c->row_creds;
	const char *vcol = val_col(c, state);
	sqlite3_stmt *st;
	char *sql;
	int r;

	if (d->next == NULL)
		sql = oc_xasprintf("DELETE FROM %s WHERE %s=?1", table, kcol);
	else
		sql = oc_xasprintf("INSERT INTO %s (%s, %s, %s) VALUES (?1, "
		    "?2, ?3) ON CONFLICT(%s) DO UPDATE SET %s=excluded.%s, "
		    "%s=excluded.%s", table, kcol, vcol, c->time_col, kcol,
		    vcol, vcol, c->time_col, c->time_col);
	r = sqlite3_prepare_v2(b->db, sql, -1, &st, NULL);
	free(sql);
	if (r != SQLITE_OK)
		return db_error(err, b->db, b->path, "cannot write the store");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (d->next != NULL) {
		sqlite3_bind_text(st, 2, d->next, (int)d->nextlen,
		    SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)oc_time_now_ms());
	}
	r = sqlite3_step(st);
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return db_error(err, b->db, b->path, "cannot write the store");
	return 0;
}

/* Never write a cell that is not a credential store object. */
static int
check_next(const struct sql_be *b, const struct oc_doc *d, int creds,
    struct oc_err *err)
{
	struct oc_jval root, v;
	struct oc_err e2;

	if (d->next == NULL)
		return 0;
	if (oc_jscan_check("new", d->next, d->nextlen, &root, &e2) == -1 ||
	    oc_jscan_type(root) != OC_JT_OBJECT || (creds && (!oc_jscan_get(
	    root, "profiles", &v) || oc_jscan_type(v) != OC_JT_OBJECT))) {
		oc_err_set(err, OC_EX_CANTCREAT, "%s: internal error: the new "
		    "cell is not a store object; nothing was written", b->path);
		return -1;
	}
	return 0;
}

static int
sql_commit(struct oc_layer *l, struct oc_err *err)
{
	struct sql_be *b = l->bd;
	const struct cells *c = cells_of(b);

	if (!b->in_txn) {
		oc_err_set(err, OC_EX_CANTCREAT, "%s: internal error: no "
		    "transaction", b->path);
		return -1;
	}
	if ((l->creds.changed && check_next(b, &l->creds, 1, err) == -1) ||
	    (l->state.changed && check_next(b, &l->state, 0, err) == -1))
		return -1;
	if (l->creds.changed && l->creds.next == NULL) {
		/* the credentials row stays, even empty (OpenClaw keeps it) */
		oc_err_set(err, OC_EX_CANTCREAT, "%s: internal error: the "
		    "credentials row would go", b->path);
		return -1;
	}
	if (l->creds.changed && put_cell(b, c, 0, &l->creds, err) == -1)
		return -1;
	if (l->state.changed) {
		/* OpenClaw keeps a store row beside an agent's state row
		 * (order set makes {"version":1,"profiles":{}}) */
		if (!b->shared && l->creds.text == NULL && !l->creds.changed) {
			static char none[] = "{\"version\":1,\"profiles\":{}}";
			struct oc_doc empty;

			memset(&empty, 0, sizeof empty);
			empty.next = none;
			empty.nextlen = strlen(empty.next);
			if (l->state.next != NULL &&
			    put_cell(b, c, 0, &empty, err) == -1)
				return -1;
		}
		if (put_cell(b, c, 1, &l->state, err) == -1)
			return -1;
	}
	if (sqlite3_exec(b->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return db_error(err, b->db, b->path, "cannot commit");
	b->in_txn = 0;
	return 0;
}

static void
sql_end(struct oc_layer *l)
{
	struct sql_be *b = l->bd;

	if (b->db != NULL) {
		if (b->in_txn)
			(void)sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close_v2(b->db);
	}
	b->db = NULL;
	b->in_txn = 0;
	coord_release(b);
}

static void
sql_free(struct oc_layer *l)
{
	struct sql_be *b = l->bd;

	if (b == NULL)
		return;
	sql_end(l);
	free(b->path);
	free(b->app_version);
	free(b);
	l->bd = NULL;
}

static json_object *
sql_describe(const struct oc_layer *l)
{
	const struct sql_be *b = l->bd;
	const struct cells *c = cells_of(b);
	json_object *j = json_object_new_object();

	json_object_object_add(j, "backend", json_object_new_string("sqlite"));
	json_object_object_add(j, "db", json_object_new_string(b->path));
	json_object_object_add(j, "table", json_object_new_string(
	    c->table_creds));
	json_object_object_add(j, "row", json_object_new_string(c->row_creds));
	json_object_object_add(j, "stateTable", json_object_new_string(
	    c->table_state));
	json_object_object_add(j, "stateRow", json_object_new_string(
	    c->row_state));
	json_object_object_add(j, "userVersion", b->user_version >= 0 ?
	    json_object_new_int64(b->user_version) : NULL);
	json_object_object_add(j, "appVersion", b->app_version ?
	    json_object_new_string(b->app_version) : NULL);
	json_object_object_add(j, "hasStoreRow",
	    json_object_new_boolean(l->creds.text != NULL));
	return j;
}

static int
sql_insecure(const struct oc_layer *l)
{
	const struct sql_be *b = l->bd;
	struct stat st;

	return stat(b->path, &st) == 0 && (st.st_mode & 077) != 0;
}

static const struct oc_backend sqlite_backend = {
	"sqlite", sql_load, sql_begin, sql_commit, sql_end, sql_free,
	sql_describe, sql_insecure
};

void
oc_store_sqlite_layer(struct oc_layer *l, const char *path, int shared,
    const char *owner)
{
	struct sql_be *b = oc_xcalloc(1, sizeof *b);

	memset(l, 0, sizeof *l);
	b->path = oc_xstrdup(path);
	b->shared = shared;
	b->kind = shared || oc_store_sqlite_is_state_db(path) ? OC_DB_STATE :
	    OC_DB_AGENT;
	b->max_schema = b->kind == OC_DB_STATE ? STATE_SCHEMA_MAX :
	    AGENT_SCHEMA_MAX;
	b->user_version = -1;
	l->be = &sqlite_backend;
	l->bd = b;
	l->file = oc_xstrdup(path);
	l->name = shared ? oc_xasprintf("%s (authProfiles.store)", path) :
	    oc_xstrdup(path);
	l->owner = owner;
	l->present = 1;
	l->writable = 1;
	l->split = 1;		/* routing state is its own row */
	l->indent = 0;		/* cells are compact JSON.stringify */
	l->drop_empty = 1;
}

static int
oc_store_sqlite_is_state_db(const char *path)
{
	size_t n = strlen(path);
	static const char tail[] = "/state/openclaw.sqlite";

	return n >= sizeof tail - 1 &&
	    strcmp(path + n - (sizeof tail - 1), tail) == 0;
}

/* ---- what the files on disk say (store.c picks the era from this) ---- */

/* parseSharedAuthStoreOwnership: {"location":"state-db"}, exactly one key. */
static void
shared_owner(struct oc_sqlite_facts *f, const char *cell, size_t n)
{
	struct oc_jval root, v, k;
	struct oc_jiter it;
	struct oc_err e2;
	int keys = 0;

	f->shared_store_row = 1;
	if (oc_jscan_check("auth.sharedStore", cell, n, &root, &e2) == 0 &&
	    oc_jscan_type(root) == OC_JT_OBJECT &&
	    oc_jscan_get(root, "location", &v) &&
	    oc_jscan_str_eq(v, "state-db")) {
		oc_jscan_iter_init(&it, root);
		while (oc_jscan_iter_next(&it, &k, &v))
			keys++;
		f->state_db_owner = keys == 1;
	}
}

struct fast_probe {
	struct oc_sqlite_facts *f;
	char *cell;
	size_t n;
};

static void
fast_probe_undo(void *arg)
{
	struct fast_probe *p = arg;

	free(p->cell);
	p->cell = NULL;
}

static int
fast_probe_reads(struct oc_sqlpage *sp, void *arg)
{
	struct fast_probe *p = arg;
	struct oc_sqlite_facts *f = p->f;

	f->user_version = oc_sqlpage_user_version(sp);
	if (f->user_version < 0 ||
	    fast_has(sp, "config_machine_state", &f->config_machine_state) ||
	    fast_has(sp, "auth_profile_stores", &f->auth_profile_stores) ||
	    fast_has(sp, "auth_profile_store", &f->auth_profile_store))
		return 1;
	if (f->config_machine_state && fast_cell(sp, "config_machine_state",
	    "state_key", "value_json", "auth.sharedStore", 0, &p->cell,
	    &p->n))
		return 1;
	return 0;
}

int
oc_store_sqlite_probe(const char *path, struct oc_sqlite_facts *f,
    struct oc_err *err)
{
	sqlite3 *db;
	char *cell = NULL;
	size_t n;
	struct fast_probe p;
	int r;

	memset(f, 0, sizeof *f);
	memset(&p, 0, sizeof p);
	p.f = f;
	r = fast_read(path, fast_probe_reads, fast_probe_undo, &p);
	if (r == 2) {
		memset(f, 0, sizeof *f);
		return 0;
	}
	if (r == 0) {
		f->exists = 1;
		if (p.cell != NULL)
			shared_owner(f, p.cell, p.n);
		free(p.cell);
		return 0;
	}
	memset(f, 0, sizeof *f);
	if (ro_open(path, &db, err) == -1) {
		if (err->code == OC_EX_NOINPUT) {
			oc_err_clear(err);
			return 0;
		}
		return -1;
	}
	f->exists = 1;
	f->user_version = pragma_long(db, "PRAGMA user_version");
	if (f->user_version < 0) {
		db_error(err, db, path, "not a readable database");
		ro_drop(path);
		return -1;
	}
	f->config_machine_state = has_table(db, "config_machine_state") == 1;
	f->auth_profile_stores = has_table(db, "auth_profile_stores") == 1;
	f->auth_profile_store = has_table(db, "auth_profile_store") == 1;
	if (f->config_machine_state && get_cell(db, path,
	    "config_machine_state", "state_key", "value_json",
	    "auth.sharedStore", &cell, &n, err) == 0 && cell != NULL)
		shared_owner(f, cell, n);
	free(cell);
	oc_err_clear(err);
	return 0;
}
