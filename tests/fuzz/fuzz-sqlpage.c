/* SPDX-License-Identifier: ISC */
/*
 * fuzz-sqlpage - the SQLite cell reader (common/sqlpage.c) on any bytes as
 * a database file, against libsqlite3: whatever sqlpage answers (it may
 * always hand a question back) must be what SELECT gives for the same
 * file. The questions are the ones the stores ask: user_version, whether a
 * table exists, the text of a row by key (the era-C store row and the
 * era-D shared state row, a NULL value read both ways). Never a crash, a
 * leak or undefined behaviour; errors are one printable line.
 */
#include "config.h"

#include <sqlite3.h>
#include <unistd.h>

#include "oc.h"
#include "sqlpage.h"
#include "fuzz.h"

static char path[64];

struct q {
	const char *table, *keycol, *valcol, *key;
};

static const struct q questions[] = {
	{ "auth_profile_store", "store_key", "store_json", "primary" },
	{ "auth_profile_state", "state_key", "state_json", "primary" },
	{ "config_machine_state", "state_key", "value_json",
	    "authProfiles.store" },
	{ "t", "k", "v", "a" },
};

/* The reference answer: 1 a row (*out its text, NULL for a NULL value),
 * 0 no row, -1 libsqlite3 could not answer. */
static int
reference(sqlite3 *db, const struct q *q, char **out, size_t *len)
{
	sqlite3_stmt *st;
	char *sql;
	int rc, r = -1;

	*out = NULL;
	*len = 0;
	sql = sqlite3_mprintf("SELECT \"%w\" FROM \"%w\" WHERE \"%w\" = ?1",
	    q->valcol, q->table, q->keycol);
	if (sql == NULL)
		abort();
	rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	sqlite3_free(sql);
	if (rc != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, q->key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		r = 0;
	else if (rc == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);

		if (t != NULL) {
			*len = (size_t)sqlite3_column_bytes(st, 0);
			*out = malloc(*len + 1);
			if (*out == NULL)
				abort();
			memcpy(*out, t, *len);
			(*out)[*len] = '\0';
		}
		/* a second row with the same key: the reader takes the
		 * first in key order too, but do not insist */
		r = sqlite3_step(st) == SQLITE_DONE ? 1 : -1;
	}
	sqlite3_finalize(st);
	return r;
}

static int
ref_has_table(sqlite3 *db, const char *table)
{
	sqlite3_stmt *st;
	int rc, r = -1;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_schema WHERE "
	    "type = 'table' AND name = ?1", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	r = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(st);
	return r;
}

/* immutable: libsqlite3 neither locks nor looks for a -wal, and writes
 * nothing beside the file. NULL when it will not open it. */
static sqlite3 *
ref_open(long user_version)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st;
	char *uri = sqlite3_mprintf("file:%s?immutable=1", path);

	if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
	    NULL) != SQLITE_OK) {
		sqlite3_close(db);
		db = NULL;
	}
	sqlite3_free(uri);
	if (db != NULL && sqlite3_prepare_v2(db, "PRAGMA user_version", -1,
	    &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			CHECK(user_version == (long)sqlite3_column_int(st, 0));
		sqlite3_finalize(st);
	}
	return db;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct oc_sqlpage *sp = NULL;
	struct oc_err err;
	const char *why = NULL;
	sqlite3 *db = NULL;
	FILE *f;
	size_t i;
	int rc;

	if (path[0] == '\0')
		snprintf(path, sizeof path, "%s/fuzz-sqlpage-%ld.db",
		    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp",
		    (long)getpid());
	if ((f = fopen(path, "wb")) == NULL)
		abort();
	if (n > 0 && fwrite(data, 1, n, f) != n)
		abort();
	if (fclose(f) != 0)
		abort();

	oc_err_clear(&err);
	rc = oc_sqlpage_open(path, &sp, &why, &err);
	if (rc == -1) {
		CHECK(fuzz_msg_ok(err.msg));
		return 0;
	}
	if (rc == 1) {
		CHECK(why != NULL);
		(void)oc_sqlpage_close(sp);
		return 0;
	}
	/* libsqlite3 only when there is an answer to compare (it costs most
	 * of a run) */
	db = NULL;
	for (i = 0; i < sizeof questions / sizeof questions[0]; i++) {
		const struct q *q = &questions[i];
		char *out = NULL, *ref = NULL;
		size_t len = 0, rlen;
		int present = 0, r, want, null_ok;

		oc_err_clear(&err);
		r = oc_sqlpage_has_table(sp, q->table, &present, &why, &err);
		if (r == -1)
			CHECK(fuzz_msg_ok(err.msg));
		else if (r == 0 && (db != NULL || (db = ref_open(
		    oc_sqlpage_user_version(sp))) != NULL) &&
		    (want = ref_has_table(db, q->table)) != -1)
			CHECK(present == want);
		if (r != 0 || !present)
			continue;
		for (null_ok = 0; null_ok < 2; null_ok++) {
			oc_err_clear(&err);
			r = (null_ok ? oc_sqlpage_get_text_or_null :
			    oc_sqlpage_get_text)(sp, q->table, q->keycol,
			    q->valcol, q->key, &out, &len, &why, &err);
			want = db != NULL ? reference(db, q, &ref, &rlen) : -1;
			if (r == -1) {
				CHECK(fuzz_msg_ok(err.msg));
				CHECK(out == NULL);
			} else if (r == 0 && want == 0) {
				CHECK(out == NULL);
			} else if (r == 0 && want == 1 && ref == NULL) {
				/* a NULL value: no row for _or_null; the
				 * other is an error, never a text */
				CHECK(null_ok && out == NULL);
			} else if (r == 0 && want == 1) {
				CHECK(out != NULL);
				CHECK(len == rlen);
				CHECK(memcmp(out, ref, len) == 0);
			}
			if (out != NULL)
				oc_secret_free(out);
			out = NULL;
			free(ref);
			ref = NULL;
		}
	}
	(void)oc_sqlpage_stale(sp);
	(void)oc_sqlpage_close(sp);
	if (db != NULL)
		sqlite3_close(db);
	return 0;
}
