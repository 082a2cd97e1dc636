/* SPDX-License-Identifier: ISC */
/*
 * sqlite.c - libsqlite3 loaded at its first use, for the builds
 * --with-sqlite=dlopen (common/sqlite.h says why). The library is the one
 * OC_SQLITE_LIBRARY names when it is set, else looked for where pkg-config
 * said it is (OC_SQLITE_LIBDIR), then by its soname on the loader's path;
 * it is never unloaded.
 */
#include "config.h"

#define OC_SQLITE_IMPL
#include "sqlite.h"
#include "oc.h"

#ifdef OC_SQLITE_DLOPEN
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct oc_sqlite_api oc_sqlite_api;
static int state;		/* 0 not tried, 1 loaded, -1 failed */
static char failure[512];

static int
resolve(void *h, const char *path)
{
	void *p;

#define X(f)								\
	if ((p = dlsym(h, #f)) == NULL) {				\
		snprintf(failure, sizeof failure, "%s: no %s in it",	\
		    path, #f);						\
		return -1;						\
	}								\
	memcpy(&oc_sqlite_api.f, &p, sizeof p);
	OC_SQLITE_FUNCS
#undef X
	return 0;
}

int
oc_sqlite_load(struct oc_err *err)
{
	static const char *const names[] = {
#ifdef OC_SQLITE_LIBDIR
		OC_SQLITE_LIBDIR "/libsqlite3.so.0",
		OC_SQLITE_LIBDIR "/libsqlite3.so",	/* Termux: no soname */
#endif
		"libsqlite3.so.0", "libsqlite3.so",
	};
	const char *const *list = names, *path = NULL, *one[1];
	size_t i, n = sizeof names / sizeof names[0];
	void *h = NULL;

	if (state == 0) {
		state = -1;
		if ((one[0] = getenv("OC_SQLITE_LIBRARY")) != NULL &&
		    *one[0] != '\0') {
			list = one;	/* that library, or none */
			n = 1;
		}
		/* the first one's failure is the one reported */
		for (i = 0; h == NULL && i < n; i++)
			if ((h = dlopen(path = list[i], RTLD_NOW |
			    RTLD_LOCAL)) == NULL && i == 0)
				snprintf(failure, sizeof failure, "%s",
				    dlerror());
		if (h != NULL && resolve(h, path) == 0) {
			int v = oc_sqlite_api.sqlite3_libversion_number();

			if (v >= 3037000)
				state = 1;
			else
				snprintf(failure, sizeof failure, "%s: version "
				    "%d.%d.%d; 3.37 or newer is needed", path,
				    v / 1000000, v / 1000 % 1000, v % 1000);
		}
		if (state != 1 && h != NULL)
			(void)dlclose(h);
	}
	if (state == 1)
		return 0;
	oc_err_set(err, OC_EX_UNAVAILABLE, "libsqlite3, which SQLite stores "
	    "need, cannot be loaded: %s", failure);
	return -1;
}
#else
int
oc_sqlite_load(struct oc_err *err)
{
	(void)err;
	return 0;
}
#endif
