/* SPDX-License-Identifier: ISC */
/*
 * runner - run a command N times; print its median and 90th-percentile
 * wall time (ms) and the largest peak RSS (KB) any run reached, as
 * "median p90 rss". The command's stdout and stderr go to /dev/null.
 * Part of bench/check.sh and bench/eras.sh; builds with any C compiler,
 * no dependencies.
 *
 * usage: runner N command [arg ...]
 *        runner -b BASE N command [arg ...]
 *
 * With -b, BASE (a program run without arguments) and the command take
 * turns, BASE first in even rounds and second in odd ones, so that a
 * machine that speeds up or slows down during the measurement moves both
 * alike; the line then goes on with BASE's median and the median of the
 * N per-round ratios (command / BASE): "median p90 rss base ratio".
 */
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int null_fd;

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* One run of argv: its wall time in ms, or -1 (the reason said). */
static double
run1(char **argv, long *rss)
{
	struct timespec t0, t1;
	struct rusage ru;
	pid_t pid;
	int st;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((pid = fork()) == -1) {
		perror("runner: fork");
		return -1;
	}
	if (pid == 0) {
		dup2(null_fd, 1);
		dup2(null_fd, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) == -1) {
		perror("runner: wait4");
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
		fprintf(stderr, "runner: cannot run %s\n", argv[0]);
		return -1;
	}
	if (ru.ru_maxrss > *rss)
		*rss = ru.ru_maxrss;
	return (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp);
	return v[n / 2];
}

int
main(int argc, char **argv)
{
	double *ms, *bms = NULL, *ratio = NULL, b;
	char *base[2] = { NULL, NULL };
	long rss = 0, brss = 0;
	int n, i, a = 1;

	if (argc > 3 && strcmp(argv[1], "-b") == 0) {
		base[0] = argv[2];
		a = 3;
	}
	if (argc < a + 2 || (n = atoi(argv[a])) < 1) {
		fprintf(stderr, "usage: runner [-b BASE] N command [arg ...]\n");
		return 64;
	}
	if ((ms = calloc((size_t)n, sizeof *ms)) == NULL ||
	    (base[0] != NULL && ((bms = calloc((size_t)n, sizeof *bms)) ==
	    NULL || (ratio = calloc((size_t)n, sizeof *ratio)) == NULL)) ||
	    (null_fd = open("/dev/null", O_WRONLY)) == -1)
		return 71;
	for (i = 0; i < n; i++) {
		if (base[0] != NULL && i % 2 == 0 &&
		    (bms[i] = run1(base, &brss)) < 0)
			return 1;
		if ((ms[i] = run1(argv + a + 1, &rss)) < 0)
			return 1;
		if (base[0] != NULL && i % 2 == 1 &&
		    (bms[i] = run1(base, &brss)) < 0)
			return 1;
		if (base[0] != NULL)
			ratio[i] = bms[i] > 0 ? ms[i] / bms[i] : 1;
	}
	b = base[0] != NULL ? median(bms, n) : 0;
	printf("%.3f ", median(ms, n));
	printf("%.3f %ld", ms[(n * 9) / 10 < n ? (n * 9) / 10 : n - 1], rss);
	if (base[0] != NULL)
		printf(" %.3f %.3f", b, median(ratio, n));
	printf("\n");
	free(ms);
	free(bms);
	free(ratio);
	return 0;
}
