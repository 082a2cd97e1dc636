/* SPDX-License-Identifier: ISC */
/*
 * rewrite-inplace - rewrite FILE in place the way OpenClaw 2026.3.24 does
 * (truncate, then write), stalled half way, until STOP exists:
 *
 *   rewrite-inplace FILE HALF_BYTES HALF_MS PAUSE_MS STOP < TEXT
 *
 * Each round opens FILE with O_TRUNC, writes the first HALF_BYTES of TEXT,
 * sleeps HALF_MS, writes the rest, closes, and sleeps PAUSE_MS. Readers
 * wait out a file that changes and call one corrupt only when it has stayed
 * the same and bad for 100 ms (common/file.c); a test means the half-written
 * file to last HALF_MS, but a loaded machine can hold the writer longer. So
 * the rounds are timed, and on exit the line
 *
 *   rounds N longest MS
 *
 * says how long the longest one left the file incomplete (from the
 * truncation to the last byte written), for the test to tell a reader's
 * failure from a broken premise.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void
pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	char text[65536];
	size_t len = 0, half;
	ssize_t r;
	long half_ms, pause;
	double t0, t, longest = 0;
	unsigned long rounds = 0;
	int fd;

	if (argc != 6) {
		fprintf(stderr, "usage: rewrite-inplace FILE HALF_BYTES HALF_MS "
		    "PAUSE_MS STOP < TEXT\n");
		return 64;
	}
	while ((r = read(0, text + len, sizeof text - len)) > 0)
		len += (size_t)r;
	if (r == -1 || len == sizeof text) {
		fprintf(stderr, "rewrite-inplace: cannot read the text\n");
		return 66;
	}
	half = (size_t)strtoul(argv[2], NULL, 10);
	half_ms = strtol(argv[3], NULL, 10);
	pause = strtol(argv[4], NULL, 10);
	if (half > len || half_ms < 0 || pause < 0) {
		fprintf(stderr, "rewrite-inplace: bad arguments\n");
		return 64;
	}
	while (access(argv[5], F_OK) == -1) {
		t0 = now_ms();
		if ((fd = open(argv[1], O_WRONLY | O_TRUNC)) == -1 ||
		    write_all(fd, text, half) == -1) {
			perror(argv[1]);
			return 74;
		}
		pause_ms(half_ms);
		if (write_all(fd, text + half, len - half) == -1) {
			perror(argv[1]);
			return 74;
		}
		t = now_ms() - t0;
		if (t > longest)
			longest = t;
		rounds++;
		if (close(fd) == -1) {
			perror(argv[1]);
			return 74;
		}
		pause_ms(pause);
	}
	printf("rounds %lu longest %.0f\n", rounds, longest);
	return 0;
}
