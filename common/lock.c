/*
 * lock.c - OpenClaw's advisory lock on auth-profiles.json.
 *
 * The lock is a file created with O_EXCL holding {"pid":N,"createdAt":ISO}.
 * It is stale when its pid is dead, its createdAt is unparsable or older than
 * 30 s, or (unreadable) its mtime is older than 30 s. A directory at the same
 * path is an older OpenClaw's lock: held, stale after 30 s by mtime. Waiters
 * back off with jitter up to a bound. While the lock is held, SIGINT, SIGTERM
 * and SIGHUP are blocked so an interrupted writer never leaves it behind; a
 * SIGKILLed one leaves a lock whose dead pid makes it stale.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "oc.h"

static sigset_t saved_mask;
static int nheld;

static void
block_signals(void)
{
	sigset_t s;

	if (nheld++ > 0)
		return;
	sigemptyset(&s);
	sigaddset(&s, SIGINT);
	sigaddset(&s, SIGTERM);
	sigaddset(&s, SIGHUP);
	sigprocmask(SIG_BLOCK, &s, &saved_mask);
}

static void
unblock_signals(void)
{
	if (--nheld > 0)
		return;
	sigprocmask(SIG_SETMASK, &saved_mask, NULL);
}

/* 1 stale, 0 live, -1 vanished (retry at once). *judged is the lock that
 * was looked at, so the breaker removes that one and not a successor. */
static int
lock_is_stale(const char *path, int64_t now, struct stat *judged)
{
	struct stat st;
	char buf[512];
	ssize_t n;
	int fd;
	int64_t mtime;

	if (lstat(path, &st) == -1)
		return -1;
	*judged = st;
	mtime = (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
	if (S_ISDIR(st.st_mode))
		return now - mtime > OC_LOCK_STALE_MS;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1)
		return errno == ENOENT ? -1 : now - mtime > OC_LOCK_STALE_MS;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0) {
		/* Being written right now, or empty: judge by age. */
		return now - mtime > OC_LOCK_STALE_MS;
	}
	buf[n] = '\0';
	{
		json_object *o = NULL;
		struct oc_err e;
		int64_t pid = 0, created;
		const char *c;
		int stale;

		if (oc_json_parse(path, buf, (size_t)n, &o, &e) == -1)
			return now - mtime > OC_LOCK_STALE_MS;
		if (oc_json_get_i64(o, "pid", &pid) == 1 && pid > 0 &&
		    pid < INT32_MAX && kill((pid_t)pid, 0) == -1 &&
		    errno == ESRCH) {
			json_object_put(o);
			return 1;
		}
		c = oc_json_get_str(o, "createdAt");
		stale = c == NULL || oc_parse_iso8601(c, &created) == -1 ||
		    now - created > OC_LOCK_STALE_MS;
		json_object_put(o);
		return stale;
	}
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

int
oc_lock_acquire(struct oc_lock *l, const char *path, int wait_ms,
    struct oc_err *err)
{
	int64_t start = oc_now_ms(), now;
	long backoff = 5;
	unsigned seed = (unsigned)getpid() ^ (unsigned)start;
	struct stat judged;

	l->path = NULL;
	l->held = 0;
	block_signals();
	for (;;) {
		int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW |
		    O_CLOEXEC, 0600);

		if (fd != -1) {
			char iso[40], body[128];
			int n;

			oc_iso8601(oc_now_ms(), iso, sizeof iso);
			n = snprintf(body, sizeof body,
			    "{\"pid\":%ld,\"createdAt\":\"%s\"}", (long)getpid(),
			    iso);
			if (write(fd, body, (size_t)n) != n) {
				int saved = errno;

				close(fd);
				unlink(path);
				unblock_signals();
				oc_err_set(err, OC_EX_CANTCREAT,
				    "cannot write lock %s: %s", path,
				    strerror(saved));
				return -1;
			}
			close(fd);
			l->path = oc_xstrdup(path);
			l->held = 1;
			return 0;
		}
		if (errno != EEXIST) {
			int saved = errno;

			unblock_signals();
			oc_err_set(err, saved == ENOENT || saved == EACCES ||
			    saved == EROFS ? OC_EX_CANTCREAT : OC_EX_TEMPFAIL,
			    "cannot create lock %s: %s", path, strerror(saved));
			return -1;
		}
		now = oc_now_ms();
		switch (lock_is_stale(path, now, &judged)) {
		case -1:
			continue;
		case 1: {
			struct stat st;

			/* Break it, unless another waiter already broke it
			 * and took the lock (a different inode now). */
			if (lstat(path, &st) == -1 ||
			    st.st_ino != judged.st_ino ||
			    st.st_dev != judged.st_dev)
				continue;
			if (S_ISDIR(st.st_mode))
				(void)rmdir(path);
			else
				(void)unlink(path);
			continue;
		}
		default:
			break;
		}
		if (now - start >= wait_ms) {
			unblock_signals();
			oc_err_set(err, OC_EX_TEMPFAIL,
			    "%s is locked by another process (waited %d ms); "
			    "try again, or raise --wait", path, wait_ms);
			return -1;
		}
		{
			long jitter = (long)(rand_r(&seed) % (unsigned)backoff);
			long left = (long)(wait_ms - (now - start));
			long d = backoff / 2 + jitter;

			if (d > left)
				d = left > 0 ? left : 1;
			sleep_ms(d);
			if (backoff < 200)
				backoff *= 2;
		}
	}
}

void
oc_lock_release(struct oc_lock *l)
{
	if (l == NULL || !l->held)
		return;
	(void)unlink(l->path);
	free(l->path);
	l->path = NULL;
	l->held = 0;
	unblock_signals();
}
