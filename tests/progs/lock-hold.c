/* SPDX-License-Identifier: ISC */
/*
 * lock-hold - a writer that stalls inside the lock for as long as a test
 * wants: take LOCK (oc_lock_acquire), say "locked" on stdout, wait for a
 * line on stdin, then replace TARGET with TEXT under the lock's commit guard
 * and release. Exit 0 when written, else the error's exit code (the
 * message on stderr). Lets a test stall one writer past the stale limit
 * while others break its lock.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oc.h"

int
main(int argc, char **argv)
{
	struct oc_lock lock;
	struct oc_err err;
	char line[64];
	int rc = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: lock-hold LOCK TARGET TEXT\n");
		return 64;
	}
	oc_err_clear(&err);
	if (oc_lock_acquire(&lock, argv[1], 2000, &err) == -1) {
		fprintf(stderr, "lock-hold: %s\n", err.msg);
		return err.code;
	}
	printf("locked\n");
	fflush(stdout);
	if (fgets(line, sizeof line, stdin) == NULL)
		line[0] = '\0';
	if (oc_file_write_atomic(argv[2], argv[3], strlen(argv[3]), 0600, &lock,
	    &err) == -1) {
		fprintf(stderr, "lock-hold: %s\n", err.msg);
		rc = err.code;
	}
	oc_lock_release(&lock);
	return rc;
}
