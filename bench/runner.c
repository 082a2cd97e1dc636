/* SPDX-License-Identifier: ISC */
/*
 * runner - run a command N times; print its median and 90th-percentile
 * wall time (ms) and the largest peak RSS (KB) any run reached, as
 * "median p90 rss". The command's stdout and stderr go to /dev/null.
 * Part of bench/check.sh; builds with any C compiler, no dependencies.
 *
 * usage: runner N command [arg ...]
 */
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	double *ms;
	long rss = 0;
	int n, i, st, null;
	pid_t pid;

	if (argc < 3 || (n = atoi(argv[1])) < 1) {
		fprintf(stderr, "usage: runner N command [arg ...]\n");
		return 64;
	}
	if ((ms = calloc((size_t)n, sizeof *ms)) == NULL ||
	    (null = open("/dev/null", O_WRONLY)) == -1)
		return 71;
	for (i = 0; i < n; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if ((pid = fork()) == -1)
			return 71;
		if (pid == 0) {
			dup2(null, 1);
			dup2(null, 2);
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		if (wait4(pid, &st, 0, &ru) == -1)
			return 71;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
			fprintf(stderr, "runner: cannot run %s\n", argv[2]);
			return 1;
		}
		ms[i] = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
		if (ru.ru_maxrss > rss)
			rss = ru.ru_maxrss;
	}
	qsort(ms, (size_t)n, sizeof *ms, cmp);
	printf("%.3f %.3f %ld\n", ms[n / 2], ms[(n * 9) / 10 < n ?
	    (n * 9) / 10 : n - 1], rss);
	free(ms);
	return 0;
}
