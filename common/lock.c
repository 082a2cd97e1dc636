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
#include <sys/file.h>
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

/* Judge the lock open on fd (whose stat is st): 1 stale, 0 live. */
static int
judge(int fd, const struct stat *st, const char *path, int64_t now)
{
	int64_t mtime = (int64_t)st->st_mtim.tv_sec * 1000 +
	    st->st_mtim.tv_nsec / 1000000;
	json_object *o = NULL;
	struct oc_err e;
	int64_t pid = 0, created;
	const char *c;
	char buf[512];
	ssize_t n;
	int stale;

	if (S_ISDIR(st->st_mode))
		return now - mtime > OC_LOCK_STALE_MS;
	n = pread(fd, buf, sizeof buf - 1, 0);
	/* Empty (being written right now) or unparsable: judge by age. */
	if (n <= 0)
		return now - mtime > OC_LOCK_STALE_MS;
	buf[n] = '\0';
	if (oc_json_parse(path, buf, (size_t)n, &o, &e) == -1)
		return now - mtime > OC_LOCK_STALE_MS;
	if (oc_json_get_i64(o, "pid", &pid) == 1 && pid > 0 &&
	    pid < INT32_MAX && kill((pid_t)pid, 0) == -1 && errno == ESRCH) {
		json_object_put(o);
		return 1;
	}
	c = oc_json_get_str(o, "createdAt");
	stale = c == NULL || oc_parse_iso8601(c, &created) == -1 ||
	    now - created > OC_LOCK_STALE_MS;
	json_object_put(o);
	return stale;
}

/*
 * Look at the lock at path and break it if it is stale. The lock is judged
 * through an open descriptor, which keeps its inode from being reused, and
 * removed only while the path still names that inode and this process holds
 * flock(2) on it, so two waiters never both break it and a waiter never
 * removes a successor's fresh lock (a holder that has released and exited
 * leaves a dead pid in a file that is no longer the lock).
 */
static void
break_if_stale(const char *path, int64_t now)
{
	struct stat st, cur;
	int fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1) {
		/* A symlink planted there: never followed, removed once old. */
		if (errno == ELOOP && lstat(path, &st) == 0 &&
		    now - ((int64_t)st.st_mtim.tv_sec * 1000) > OC_LOCK_STALE_MS)
			(void)unlink(path);
		return;
	}
	if (fstat(fd, &st) == -1 || judge(fd, &st, path, now) != 1 ||
	    flock(fd, LOCK_EX | LOCK_NB) == -1) {
		close(fd);
		return;
	}
	if (lstat(path, &cur) == 0 && cur.st_ino == st.st_ino &&
	    cur.st_dev == st.st_dev) {
		if (S_ISDIR(cur.st_mode))
			(void)rmdir(path);
		else
			(void)unlink(path);
	}
	close(fd);
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
		break_if_stale(path, now);
		if (!oc_path_exists(path))
			continue;
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
