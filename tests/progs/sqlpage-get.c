/* SPDX-License-Identifier: ISC */
/*
 * sqlpage-get - one lookup through common/sqlpage.c, or (-s) through
 * libsqlite3 as common/store-sqlite.c makes it, so that a test can compare
 * the two:
 *
 *	sqlpage-get [-s] DB TABLE KEYCOL VALCOL KEY	the value, raw, on stdout
 *	sqlpage-get [-s] -t TABLE DB			has_table
 *	sqlpage-get [-s] -u DB				user_version
 *	sqlpage-get -n COUNT DB TABLE KEYCOL VALCOL KEY
 *
 * Exit 0 found (present), 1 no such row (table), 2 not for the reader (1
 * from it: the reason on stderr), 3 still changing after the retries, else
 * the error's exit code (65, 66) with its message on stderr. A reading
 * whose close says the file changed is retried (-r times, 5 by default).
 *
 * -n reads COUNT times while another process writes, each time as a caller
 * would (retrying on change), and judges every value the reader accepted:
 * it must be one token (up to its first ';') repeated, as the concurrency
 * test writes them. It prints "reads N accepted A retries R fallbacks F
 * torn T errors E" and exits 4 when T or E is not 0 (the file is sound:
 * an error means a torn snapshot was taken for a consistent one).
 * With SQLPAGE_WHY in the environment it says why at each hand-back.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "oc.h"
#include "sqlpage.h"

enum { X_FOUND = 0, X_ABSENT = 1, X_UNSUP = 2, X_CHANGED = 3, X_TORN = 4 };

enum op { OP_GET, OP_TABLE, OP_UVER };

struct req {
	enum op op;
	const char *db, *table, *kcol, *vcol, *key;
};

static void
usage(void)
{
	fprintf(stderr, "usage: sqlpage-get [-s] [-r retries] db table keycol "
	    "valcol key\n"
	    "       sqlpage-get [-s] -t table db\n"
	    "       sqlpage-get [-s] -u db\n"
	    "       sqlpage-get -n count db table keycol valcol key\n");
	exit(64);
}

/* One attempt through the reader: an X_ code or -1 (err). *val owned. */
static int
try_reader(const struct req *q, char **val, size_t *len, long *uv,
    const char **why, struct oc_err *err)
{
	struct oc_sqlpage *db;
	int r, present = 0, changed;

	*val = NULL;
	*len = 0;
	if ((r = oc_sqlpage_open(q->db, &db, why, err)) != 0)
		return r == 1 ? X_UNSUP : -1;
	switch (q->op) {
	case OP_GET:
		r = oc_sqlpage_get_text(db, q->table, q->kcol, q->vcol, q->key,
		    val, len, why, err);
		break;
	case OP_TABLE:
		r = oc_sqlpage_has_table(db, q->table, &present, why, err);
		break;
	case OP_UVER:
		*uv = oc_sqlpage_user_version(db);
		r = 0;
		break;
	}
	changed = oc_sqlpage_close(db);
	if (changed) {
		oc_secret_wipe(*val, *len);
		free(*val);
		*val = NULL;
		return X_CHANGED;
	}
	if (r != 0)
		return r == 1 ? X_UNSUP : -1;
	if (q->op == OP_TABLE)
		return present ? X_FOUND : X_ABSENT;
	if (q->op == OP_GET)
		return *val != NULL ? X_FOUND : X_ABSENT;
	return X_FOUND;
}

/* A name as SQL: bare when it is a plain identifier (a double-quoted name
 * that is no column would be taken for a string), else double-quoted. */
static const char *
quote(const char *name, char buf[512])
{
	size_t i;

	for (i = 0; name[i] != '\0'; i++)
		if (!(name[i] == '_' || (name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (i > 0 && name[i] >= '0' && name[i] <= '9')))
			break;
	if (name[i] == '\0' && i > 0)
		return name;
	sqlite3_snprintf(512, buf, "\"%w\"", name);
	return buf;
}

/* The same through libsqlite3, as store-sqlite.c reads. */
static int
try_sqlite(const struct req *q, char **val, size_t *len, long *uv,
    struct oc_err *err)
{
	sqlite3 *db;
	sqlite3_stmt *st = NULL;
	char *sql = NULL, qk[512], qv[512], qt[512];
	int r, x = -1;

	*val = NULL;
	*len = 0;
	if (access(q->db, F_OK) == -1) {
		oc_err_set(err, OC_EX_NOINPUT, "%s: No such file or directory",
		    q->db);
		return -1;
	}
	if (sqlite3_open_v2(q->db, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK)
		goto fail;
	switch (q->op) {
	case OP_GET:
		sql = sqlite3_mprintf("SELECT %s FROM %s WHERE %s=?1",
		    quote(q->vcol, qv), quote(q->table, qt), quote(q->kcol, qk));
		break;
	case OP_TABLE:
		sql = sqlite3_mprintf("SELECT 1 FROM sqlite_master WHERE "
		    "type='table' AND name=?1");
		break;
	case OP_UVER:
		sql = sqlite3_mprintf("PRAGMA user_version");
		break;
	}
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		goto fail;
	if (q->op == OP_GET)
		sqlite3_bind_text(st, 1, q->key, -1, SQLITE_STATIC);
	else if (q->op == OP_TABLE)
		sqlite3_bind_text(st, 1, q->table, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	if (r == SQLITE_DONE)
		x = X_ABSENT;
	else if (r != SQLITE_ROW)
		goto fail;
	else if (q->op == OP_UVER) {
		*uv = (long)sqlite3_column_int64(st, 0);
		x = X_FOUND;
	} else if (q->op == OP_TABLE)
		x = X_FOUND;
	else {
		const unsigned char *t = sqlite3_column_text(st, 0);
		int n = sqlite3_column_bytes(st, 0);

		if (t == NULL) {
			oc_err_set(err, OC_EX_DATAERR, "%s: %s row %s: not text",
			    q->db, q->table, q->key);
			goto out;
		}
		*val = oc_xmalloc((size_t)n + 1);
		memcpy(*val, t, (size_t)n);
		(*val)[n] = '\0';
		*len = (size_t)n;
		x = X_FOUND;
	}
	goto out;
fail:
	oc_err_set(err, OC_EX_DATAERR, "%s: %s", q->db, db != NULL ?
	    sqlite3_errmsg(db) : "cannot open");
	x = -1;
out:
	sqlite3_finalize(st);
	sqlite3_free(sql);
	sqlite3_close_v2(db);
	return x;
}

/* A value the concurrency test wrote: one token repeated. */
static int
self_consistent(const char *v, size_t n)
{
	const char *semi = memchr(v, ';', n);
	size_t tl, i;

	if (semi == NULL)
		return 0;
	tl = (size_t)(semi - v) + 1;
	if (n % tl != 0)
		return 0;
	for (i = tl; i < n; i += tl)
		if (memcmp(v, v + i, tl) != 0)
			return 0;
	return 1;
}

static int
stress(const struct req *q, long count, int retries)
{
	long reads, accepted = 0, retried = 0, fallbacks = 0, torn = 0;
	long errors = 0;
	const char *why;
	struct oc_err err;
	char *val;
	size_t len;
	long uv;
	int i, x;

	for (reads = 0; reads < count; reads++) {
		for (i = 0; ; i++) {
			oc_err_clear(&err);
			x = try_reader(q, &val, &len, &uv, &why, &err);
			if (x != X_CHANGED || i == retries)
				break;
			retried++;
		}
		if (x == X_FOUND) {
			accepted++;
			if (!self_consistent(val, len)) {
				torn++;
				fprintf(stderr, "torn: %zu bytes: %.40s...\n",
				    len, val);
			}
		} else if (x == -1) {
			/* in a consistent snapshot: a reader that read a torn
			 * one would find it corrupt */
			if (errors++ < 5)
				fprintf(stderr, "sqlpage-get: %s\n", err.msg);
		} else
			fallbacks++;	/* a caller would use libsqlite3 */
		if (x == X_UNSUP && getenv("SQLPAGE_WHY"))
			fprintf(stderr, "why: %s\n", why);
		oc_secret_wipe(val, len);
		free(val);
	}
	printf("reads %ld accepted %ld retries %ld fallbacks %ld torn %ld "
	    "errors %ld\n", reads, accepted, retried, fallbacks, torn, errors);
	return torn || errors ? X_TORN : 0;
}

int
main(int argc, char **argv)
{
	struct req q = { OP_GET, NULL, NULL, NULL, NULL, NULL };
	const char *why = NULL;
	struct oc_err err;
	long uv = 0, count = 0;
	char *val = NULL;
	size_t len = 0;
	int c, viasql = 0, retries = 5, i, x;

	while ((c = getopt(argc, argv, "n:r:st:u")) != -1)
		switch (c) {
		case 'n':
			count = strtol(optarg, NULL, 10);
			break;
		case 'r':
			retries = atoi(optarg);
			break;
		case 's':
			viasql = 1;
			break;
		case 't':
			q.op = OP_TABLE;
			q.table = optarg;
			break;
		case 'u':
			q.op = OP_UVER;
			break;
		default:
			usage();
		}
	argc -= optind;
	argv += optind;
	if (argc != (q.op == OP_GET ? 5 : 1))
		usage();
	q.db = argv[0];
	if (q.op == OP_GET) {
		q.table = argv[1];
		q.kcol = argv[2];
		q.vcol = argv[3];
		q.key = argv[4];
	}
	if (count > 0)
		return q.op == OP_GET ? stress(&q, count, retries) : 64;
	oc_err_clear(&err);
	for (i = 0; ; i++) {
		x = viasql ? try_sqlite(&q, &val, &len, &uv, &err) :
		    try_reader(&q, &val, &len, &uv, &why, &err);
		if (x != X_CHANGED || i >= retries)
			break;
		usleep(1000);
	}
	if (x == -1) {
		fprintf(stderr, "sqlpage-get: %s\n", err.msg);
		return err.code ? err.code : 70;
	}
	if (x == X_UNSUP)
		fprintf(stderr, "sqlpage-get: not for the reader: %s\n",
		    why ? why : "?");
	if (x == X_CHANGED)
		fprintf(stderr, "sqlpage-get: still changing\n");
	if (x == X_FOUND && q.op == OP_GET)
		fwrite(val, 1, len, stdout);
	if (x == X_FOUND && q.op == OP_UVER)
		printf("%ld\n", uv);
	if (val != NULL) {
		oc_secret_wipe(val, len);
		free(val);
	}
	return x;
}
