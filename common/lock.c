/* SPDX-License-Identifier: ISC */
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
 *
 * Whoever takes the lock sweeps the temp files that dead writers of the
 * files it guards left behind (file.c): a writer killed before its rename
 * leaves one holding the new key.
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

/* The start time of a process (field 22 of /proc/<pid>/stat, in clock
 * ticks since boot), or -1: OpenClaw records it to tell a reused pid. */
static long long
proc_starttime(long pid)
{
	char path[64], buf[1024], *p;
	ssize_t n;
	int fd, field;

	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL)
		return -1;
	/* after ")": field 3 (state) onwards; starttime is field 22 */
	for (field = 2; field < 22 && p != NULL; field++)
		p = strchr(p + 1, ' ');
	return p != NULL ? strtoll(p + 1, NULL, 10) : -1;
}

/*
 * OpenClaw's own rule for its OAuth refresh lock (fs-safe sidecar locks,
 * shouldRemoveDeadOwnerOrExpiredLock): a lock naming a pid is stale only
 * when that process is dead or its start time differs from the one
 * recorded (age never breaks a live owner); one without a pid, when its
 * createdAt is unparsable or older than 180 s; an empty or unparsable one
 * never.
 */
static int
judge_oauth(json_object *o, int64_t now)
{
	int64_t pid = 0, st = -1, created;
	const char *c;

	if (o == NULL)
		return 0;
	if (oc_json_get_i64(o, "pid", &pid) == 1 && pid > 0 && pid < INT32_MAX) {
		if (kill((pid_t)pid, 0) == -1 && errno == ESRCH)
			return 1;
		if (oc_json_get_i64(o, "starttime", &st) == 1 && st >= 0) {
			long long cur = proc_starttime((long)pid);

			return cur >= 0 && cur != st;
		}
		return 0;
	}
	c = oc_json_get_str(o, "createdAt");
	if (c == NULL)
		return 0;
	return oc_time_parse_iso8601(c, &created) == -1 ||
	    now - created > OC_LOCK_OAUTH_STALE_MS;
}

/* Judge the lock open on fd (whose stat is st): 1 stale, 0 live. */
static int
judge(int fd, const struct stat *st, const char *path, int64_t now,
    int oauth)
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
		return !oauth && now - mtime > OC_LOCK_STALE_MS;
	n = pread(fd, buf, sizeof buf - 1, 0);
	if (oauth) {
		if (n <= 0)
			return 0;
		buf[n] = '\0';
		if (oc_json_parse(path, buf, strlen(buf), &o, &e) == -1)
			return 0;
		stale = judge_oauth(o, now);
		oc_json_wipe_put(o);
		return stale;
	}
	/* Empty (being written right now) or unparsable: judge by age. */
	if (n <= 0)
		return now - mtime > OC_LOCK_STALE_MS;
	buf[n] = '\0';
	if (oc_json_parse(path, buf, (size_t)n, &o, &e) == -1)
		return now - mtime > OC_LOCK_STALE_MS;
	if (oc_json_get_i64(o, "pid", &pid) == 1 && pid > 0 &&
	    pid < INT32_MAX && kill((pid_t)pid, 0) == -1 && errno == ESRCH) {
		oc_json_wipe_put(o);
		return 1;
	}
	c = oc_json_get_str(o, "createdAt");
	stale = c == NULL || oc_time_parse_iso8601(c, &created) == -1 ||
	    now - created > OC_LOCK_STALE_MS;
	oc_json_wipe_put(o);
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
break_if_stale(const char *path, int64_t now, int oauth)
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
	if (fstat(fd, &st) == -1 || judge(fd, &st, path, now, oauth) != 1 ||
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

/*
 * Under the lock: the temps of dead writers of what it guards. A lock
 * "<X>.lock" guards X; the store's lock also guards auth-state.json
 * beside it (oc(7) SAFETY). Temps of the lock itself belong to waiters,
 * which make theirs before they get it: only those older than the stale
 * limit go.
 */
static void
sweep(const char *lockpath)
{
	size_t n = strlen(lockpath);
	const char *base = strrchr(lockpath, '/');

	base = base ? base + 1 : lockpath;
	oc_file_sweep_temps(lockpath, OC_LOCK_STALE_MS);
	if (n > 5 && strcmp(lockpath + n - 5, ".lock") == 0) {
		char *x = oc_xstrndup(lockpath, n - 5);

		oc_file_sweep_temps(x, 0);
		free(x);
	}
	if (strcmp(base, "auth-profiles.json.lock") == 0) {
		char *dir = oc_file_dirname_dup(lockpath);
		char *st = oc_xasprintf("%s/auth-state.json", dir);

		oc_file_sweep_temps(st, 0);
		free(st);
		free(dir);
	}
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/*
 * A lock file is never seen empty: its content is written to a temp file
 * beside it, which link(2) then puts in place, or fails with EEXIST when
 * the lock is held. The descriptor stays open while the lock is held; it
 * keeps the inode (and so its number) ours, which lets the holder tell its
 * own lock from a successor's after a waiter broke it as stale.
 */
static int
lock_temp(const char *path, int oauth, char **tmp, struct oc_err *err)
{
	char *dir = oc_file_dirname_dup(path), iso[40], body[128];
	const char *base = strrchr(path, '/');
	int fd = -1, n, tries;

	base = base ? base + 1 : path;
	*tmp = NULL;
	for (tries = 0; tries < 100 && fd == -1; tries++) {
		free(*tmp);
		*tmp = oc_xasprintf("%s/.%s.tmp-%ld-%08x", dir, base,
		    (long)getpid(), (unsigned)rand() ^
		    (unsigned)oc_time_now_ms() * 2654435761u);
		fd = open(*tmp, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		if (fd == -1 && errno != EEXIST)
			break;
	}
	free(dir);
	if (fd == -1) {
		oc_err_set(err, errno == ENOENT || errno == EACCES ||
		    errno == EROFS || errno == ENOSPC ? OC_EX_CANTCREAT :
		    OC_EX_TEMPFAIL, "cannot create lock %s: %s", path,
		    strerror(errno));
		free(*tmp);
		*tmp = NULL;
		return -1;
	}
	oc_time_iso8601(oc_time_now_ms(), iso, sizeof iso);
	if (oauth)
		n = snprintf(body, sizeof body, "{\"pid\":%ld,\"createdAt\":"
		    "\"%s\",\"starttime\":%lld}\n", (long)getpid(), iso,
		    proc_starttime((long)getpid()));
	else
		n = snprintf(body, sizeof body, "{\"pid\":%ld,\"createdAt\":"
		    "\"%s\"}", (long)getpid(), iso);
	if (n < 0 || (size_t)n >= sizeof body || write(fd, body, (size_t)n) != n) {
		oc_err_set(err, OC_EX_CANTCREAT, "cannot write lock %s: %s",
		    path, n < 0 ? "format" : strerror(errno));
		close(fd);
		unlink(*tmp);
		free(*tmp);
		*tmp = NULL;
		return -1;
	}
	return fd;
}

static int
acquire(struct oc_lock *l, const char *path, int wait_ms, int oauth,
    struct oc_err *err)
{
	int64_t start = oc_time_now_ms(), now;
	long backoff = 5;
	unsigned seed = (unsigned)getpid() ^ (unsigned)start;
	struct stat st;
	char *tmp;
	int fd;

	memset(l, 0, sizeof *l);
	l->fd = -1;
	block_signals();
	if ((fd = lock_temp(path, oauth, &tmp, err)) == -1) {
		unblock_signals();
		return -1;
	}
	for (;;) {
		if (link(tmp, path) == 0) {
			(void)unlink(tmp);
			free(tmp);
			if (fstat(fd, &st) == -1) {
				oc_err_set(err, OC_EX_CANTCREAT,
				    "cannot stat lock %s: %s", path,
				    strerror(errno));
				(void)unlink(path);
				close(fd);
				unblock_signals();
				return -1;
			}
			l->path = oc_xstrdup(path);
			l->fd = fd;
			l->dev = st.st_dev;
			l->ino = st.st_ino;
			l->held = 1;
			sweep(path);
			return 0;
		}
		if (errno != EEXIST) {
			int saved = errno;

			(void)unlink(tmp);
			free(tmp);
			close(fd);
			unblock_signals();
			oc_err_set(err, saved == ENOENT || saved == EACCES ||
			    saved == EROFS || saved == EPERM ?
			    OC_EX_CANTCREAT : OC_EX_TEMPFAIL,
			    "cannot create lock %s: %s", path, strerror(saved));
			return -1;
		}
		now = oc_time_now_ms();
		break_if_stale(path, now, oauth);
		if (!oc_file_exists(path))
			continue;
		if (now - start >= wait_ms) {
			(void)unlink(tmp);
			free(tmp);
			close(fd);
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

int
oc_lock_acquire(struct oc_lock *l, const char *path, int wait_ms,
    struct oc_err *err)
{
	return acquire(l, path, wait_ms, 0, err);
}

int
oc_lock_acquire_oauth(struct oc_lock *l, const char *path, int wait_ms,
    struct oc_err *err)
{
	return acquire(l, path, wait_ms, 1, err);
}

/* Whether path still names the lock file this holder created. */
static int
still_ours(const struct oc_lock *l)
{
	struct stat cur;

	return lstat(l->path, &cur) == 0 && cur.st_dev == l->dev &&
	    cur.st_ino == l->ino;
}

int
oc_lock_commit_begin(struct oc_lock *l, struct oc_err *err)
{
	if (l == NULL)
		return 0;
	if (!l->held) {
		oc_err_set(err, OC_EX_TEMPFAIL, "internal error: lock not held");
		return -1;
	}
	/* A waiter breaks a stale lock only under flock(2) on it, so holding
	 * flock keeps it ours from this check until the commit is done. */
	while (flock(l->fd, LOCK_EX) == -1 && errno == EINTR)
		;
	if (!still_ours(l)) {
		(void)flock(l->fd, LOCK_UN);
		oc_err_set(err, OC_EX_TEMPFAIL,
		    "lost the lock %s: this writer held it past %d s and "
		    "another process broke it; nothing was written, try again",
		    l->path, OC_LOCK_STALE_MS / 1000);
		return -1;
	}
	return 0;
}

void
oc_lock_commit_end(struct oc_lock *l)
{
	if (l != NULL && l->held)
		(void)flock(l->fd, LOCK_UN);
}

void
oc_lock_release(struct oc_lock *l)
{
	if (l == NULL || !l->held)
		return;
	/* Remove the lock only while it is still ours: a successor's lock,
	 * taken after this one was broken, is left alone. */
	while (flock(l->fd, LOCK_EX) == -1 && errno == EINTR)
		;
	if (still_ours(l))
		(void)unlink(l->path);
	close(l->fd);
	free(l->path);
	memset(l, 0, sizeof *l);
	l->fd = -1;
	unblock_signals();
}

int
oc_lock_wait_default(void)
{
	const char *w = getenv("OC_LOCK_WAIT_MS");

	if (w != NULL && *w != '\0') {
		char *end;
		long v = strtol(w, &end, 10);

		if (*end == '\0' && v >= 0 && v < 3600000)
			return (int)v;
	}
	return 10000;
}
