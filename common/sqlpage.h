/* SPDX-License-Identifier: ISC */
/*
 * sqlpage.h - a read-only reader of the SQLite file format for the few
 * cells oc-tools reads (common/sqlpage.c), so that a run does not pay for
 * libsqlite3 parsing a 105-table schema to read one row.
 *
 * Ownership: a struct oc_sqlpage is owned by whoever opened it and released
 * by oc_sqlpage_close, which also says whether the reads can be trusted; the
 * text oc_sqlpage_get_text returns is the caller's (it may hold secrets:
 * wipe it, e.g. oc_secret_free). The *why strings are static.
 *
 * Every function that can fail returns 0 when it succeeded, 1 when the
 * answer must come from libsqlite3 instead (*why says why: not a WAL-mode
 * database, not UTF-8, a table this reader does not understand, or the
 * file changed while it was read), or -1 with err set (OC_EX_NOINPUT for a
 * missing file, OC_EX_DATAERR for a file that is not a readable database).
 * After a 1 from a read, oc_sqlpage_close tells the two apart: it returns 1
 * when the file changed (retry), 0 when the reader cannot do this (use
 * libsqlite3).
 */
#ifndef OC_SQLPAGE_H
#define OC_SQLPAGE_H

#include <stddef.h>

struct oc_err;
struct oc_sqlpage;	/* one snapshot of one database and its WAL */

int oc_sqlpage_open(const char *path, struct oc_sqlpage **,
    const char **why, struct oc_err *);
/* PRAGMA user_version: the 32-bit signed value at header offset 60. */
long oc_sqlpage_user_version(const struct oc_sqlpage *);
/* *present: a row of type 'table' in sqlite_schema named exactly TABLE. */
int oc_sqlpage_has_table(struct oc_sqlpage *, const char *table,
    int *present, const char **why, struct oc_err *);
/*
 * The value of column VALCOL in the row of TABLE whose KEYCOL is the text
 * KEY (bytewise), as SELECT VALCOL FROM TABLE WHERE KEYCOL=?1 with
 * sqlite3_column_text gives it: *out a malloc'd NUL-terminated copy and
 * *len its length, or NULL when there is no such row. A NULL value is -1,
 * OC_EX_DATAERR "PATH: TABLE row KEY: not text"; one over 64 MiB too.
 */
int oc_sqlpage_get_text(struct oc_sqlpage *, const char *table,
    const char *keycol, const char *valcol, const char *key, char **out,
    size_t *len, const char **why, struct oc_err *);
/* The same, but a NULL value is no row (*out NULL), as a caller that
 * tests sqlite3_column_text for NULL reads it. */
int oc_sqlpage_get_text_or_null(struct oc_sqlpage *, const char *table,
    const char *keycol, const char *valcol, const char *key, char **out,
    size_t *len, const char **why, struct oc_err *);
/* Between reads: 0 when nothing the reads so far depended on can have
 * changed since open, 1 when it may have (then close it: it is done).
 * A reader kept open for later reads asks this after each batch. */
int oc_sqlpage_stale(struct oc_sqlpage *);
/* After the reads: 0 when nothing they depended on can have changed since
 * open, 1 when it may have (discard the results). Frees everything, page
 * buffers wiped. NULL is 0. */
int oc_sqlpage_close(struct oc_sqlpage *);
/* Release it without asking (its reads were judged already, or are not
 * used). */
void oc_sqlpage_discard(struct oc_sqlpage *);

#endif /* OC_SQLPAGE_H */
