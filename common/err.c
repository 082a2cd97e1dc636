/* SPDX-License-Identifier: ISC */
/*
 * err.c - how liboc tells a failure: a struct oc_err (an exit code and
 * one line), the program name messages start with, and the one failure
 * it does not return, out of memory (exit 71).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oc.h"

const char *oc_err_progname = "oc-tools";

void
oc_err_set(struct oc_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
}

void
oc_err_clear(struct oc_err *err)
{
	err->code = 0;
	err->msg[0] = '\0';
}

void
oc_err_oom(void)
{
	fprintf(stderr, "%s: out of memory\n", oc_err_progname);
	exit(OC_EX_OSERR);
}

void
oc_err_set_progname(const char *argv0)
{
	const char *p = strrchr(argv0, '/');

	oc_err_progname = p ? p + 1 : argv0;
	/* Every program starts here, before it reads a secret. */
	oc_proc_harden();
}
