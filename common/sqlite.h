/* SPDX-License-Identifier: ISC */
/*
 * sqlite.h - libsqlite3 for common/store-sqlite.c, linked or loaded.
 *
 * Built --with-sqlite=dlopen (configure's default where dlopen works), the
 * commands do not link libsqlite3: common/sqlite.c loads it the first time
 * a database must be opened with it (a write, or a read sqlpage hands
 * back), so that oc-check, which reads with sqlpage, starts without it and
 * without the libm its math functions pull in. The sqlite3_* names used in
 * store-sqlite.c then stand for the pointers it looked up. Linked
 * (static or shared), oc_sqlite_load does nothing.
 *
 * oc_sqlite_load: 0 when libsqlite3 can be called; -1 with err set
 * (OC_EX_UNAVAILABLE, the library and why) when it cannot be loaded or is
 * older than 3.37. Tried once; the answer is kept.
 */
#ifndef OC_SQLITE_H
#define OC_SQLITE_H

#include <sqlite3.h>

struct oc_err;

int oc_sqlite_load(struct oc_err *);

#ifdef OC_SQLITE_DLOPEN
/* X(name): every libsqlite3 function store-sqlite.c calls */
#define OC_SQLITE_FUNCS \
	X(sqlite3_bind_int64) X(sqlite3_bind_text) X(sqlite3_busy_timeout) \
	X(sqlite3_close_v2) X(sqlite3_column_bytes) X(sqlite3_column_int64) \
	X(sqlite3_column_text) X(sqlite3_config) X(sqlite3_errcode) \
	X(sqlite3_errmsg) X(sqlite3_exec) X(sqlite3_finalize) \
	X(sqlite3_libversion_number) X(sqlite3_open_v2) X(sqlite3_prepare_v2) \
	X(sqlite3_step)

struct oc_sqlite_api {
#define X(f) __typeof__(f) *f;
	OC_SQLITE_FUNCS
#undef X
};
extern struct oc_sqlite_api oc_sqlite_api;

/* The names store-sqlite.c calls, as the pointers: the build keeps this
 * list and OC_SQLITE_FUNCS in step (a name missing here links against a
 * libsqlite3 the commands do not link; one missing there does not
 * compile). */
#ifndef OC_SQLITE_IMPL
#define sqlite3_bind_int64		(*oc_sqlite_api.sqlite3_bind_int64)
#define sqlite3_bind_text		(*oc_sqlite_api.sqlite3_bind_text)
#define sqlite3_busy_timeout		(*oc_sqlite_api.sqlite3_busy_timeout)
#define sqlite3_close_v2		(*oc_sqlite_api.sqlite3_close_v2)
#define sqlite3_column_bytes		(*oc_sqlite_api.sqlite3_column_bytes)
#define sqlite3_column_int64		(*oc_sqlite_api.sqlite3_column_int64)
#define sqlite3_column_text		(*oc_sqlite_api.sqlite3_column_text)
#define sqlite3_config			(*oc_sqlite_api.sqlite3_config)
#define sqlite3_errcode			(*oc_sqlite_api.sqlite3_errcode)
#define sqlite3_errmsg			(*oc_sqlite_api.sqlite3_errmsg)
#define sqlite3_exec			(*oc_sqlite_api.sqlite3_exec)
#define sqlite3_finalize		(*oc_sqlite_api.sqlite3_finalize)
#define sqlite3_libversion_number	(*oc_sqlite_api.sqlite3_libversion_number)
#define sqlite3_open_v2			(*oc_sqlite_api.sqlite3_open_v2)
#define sqlite3_prepare_v2		(*oc_sqlite_api.sqlite3_prepare_v2)
#define sqlite3_step			(*oc_sqlite_api.sqlite3_step)
#endif
#endif

#endif
