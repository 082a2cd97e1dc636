/* SPDX-License-Identifier: ISC */
/*
 * file.c - reading files whole and replacing them atomically. A store is
 * never truncated in place: a new file is written beside it, synced, and
 * renamed over it, so a crash leaves either the old or the new bytes.
 *
 * The one policy for every file the tools write (the store, auth-state.json,
 * the config and its .bak, .env; oc(7) FILES says it to users):
 *  - It must be a regular file. Anything else at the path (a FIFO, a
 *    socket, a device, a directory) is refused with OC_EX_DATAERR, by
 *    readers too, and never opened in a way that could block.
 *  - A symbolic link is followed to the file it names, which is replaced in
 *    its own directory (the link stays), when the link and that file have
 *    the same owner; a dangling link, a loop, or a link to another owner's
 *    file (say, planted for root to follow) is refused (OC_EX_CANTCREAT).
 *  - A replaced file keeps its owner and group; when running as root, a new
 *    file or directory takes the owner and group of the directory it is
 *    made in, so root working in a user's home leaves the user's files the
 *    user's. A file the process could not give back (owned by another user,
 *    not root) is refused (OC_EX_CANTCREAT).
 *  - Temp files are ".<name>.tmp-<pid>-<hex>" beside the file replaced,
 *    made with O_EXCL|O_NOFOLLOW; those of writers killed before their
 *    rename are swept under the lock (oc_file_sweep_temps).
 * Locks (lock.c) are made at the path as named and never followed.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "oc.h"

static void oc_file_atomic_abort(struct oc_atomic *);

static const char *
file_kind(mode_t m)
{
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device";
	if (S_ISLNK(m))
		return "a symbolic link";
	return "not a regular file";
}

int
oc_file_read(const char *path, size_t max, char **data, size_t *len,
    struct oc_err *err)
{
	struct oc_buf b = { 0 };
	struct stat st;
	char chunk[8192];
	ssize_t n;
	int fd, saved;

	*data = NULL;
	*len = 0;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer; what is not
	 * a regular file is refused before a read could block. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd == -1) {
		saved = errno;
		if (saved != ENOENT && stat(path, &st) == 0 &&
		    !S_ISREG(st.st_mode))
			oc_err_set(err, OC_EX_DATAERR, "%s: %s, not a regular "
			    "file; refusing to read it", path,
			    file_kind(st.st_mode));
		else
			oc_err_set(err, saved == ENOENT ? OC_EX_NOINPUT :
			    OC_EX_DATAERR, "%s: %s", path, strerror(saved));
		errno = saved;
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		saved = errno;
		oc_err_set(err, OC_EX_DATAERR, "%s: %s", path, strerror(saved));
		close(fd);
		errno = saved;
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		oc_err_set(err, OC_EX_DATAERR, "%s: %s, not a regular file; "
		    "refusing to read it", path, file_kind(st.st_mode));
		close(fd);
		errno = EINVAL;
		return -1;
	}
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			saved = errno;
			oc_err_set(err, OC_EX_DATAERR, "%s: %s", path,
			    strerror(saved));
			close(fd);
			oc_buf_free(&b);
			errno = saved;
			return -1;
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > max) {
			oc_err_set(err, OC_EX_DATAERR,
			    "%s: larger than %zu bytes", path, max);
			close(fd);
			oc_buf_free(&b);
			errno = EFBIG;
			return -1;
		}
		oc_buf_add(&b, chunk, (size_t)n);
	}
	oc_secret_wipe(chunk, sizeof chunk);
	close(fd);
	if (b.data == NULL)
		oc_buf_add(&b, "", 0);
	*data = b.data;
	*len = b.len;
	return 0;
}

/*
 * OpenClaw 2026.3.24 rewrites auth-profiles.json in place (truncate, then
 * write) every time it routes a request, so a reader can catch it half
 * written. A file whose bytes fail the check is read again each time it
 * changes; only one that stays the same for 100 ms and stays bad is
 * reported (a corrupt file costs 100 ms, a busy one at most a second). A
 * timer then never cries "corrupt" over a write in progress.
 */
#define SETTLE_PAUSE_MS 25
#define SETTLE_STILL 4		/* unchanged for 100 ms: corrupt */
#define SETTLE_MAX_PAUSES 40	/* at most a second in all */

static void
file_version(const char *path, struct stat *st)
{
	if (stat(path, st) == -1)
		memset(st, 0, sizeof *st);
}

static int
same_version(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	    a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	    a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

int
oc_file_read_settled(const char *path, size_t max, oc_text_check_fn check,
    void *arg, char **data, size_t *len, struct oc_err *err)
{
	struct stat seen, now;
	int pauses = 0, still;

	for (;;) {
		file_version(path, &seen);
		if (oc_file_read(path, max, data, len, err) == -1)
			return -1;
		if (check(path, *data, *len, arg, err) == 0)
			return 0;
		oc_secret_wipe(*data, *len);
		free(*data);
		*data = NULL;
		*len = 0;
		/* Wait for the file to change; one that stays the same for
		 * SETTLE_STILL pauses is what it is: corrupt. */
		for (still = 0; still < SETTLE_STILL; still++) {
			struct timespec ts = { 0, SETTLE_PAUSE_MS * 1000000L };

			if (pauses++ == SETTLE_MAX_PAUSES) {
				errno = EILSEQ;	/* bad bytes, not missing */
				return -1;
			}
			nanosleep(&ts, NULL);
			file_version(path, &now);
			if (!same_version(&seen, &now))
				break;
		}
		if (still == SETTLE_STILL) {
			errno = EILSEQ;
			return -1;
		}
	}
}

char *
oc_file_dirname_dup(const char *path)
{
	const char *s = strrchr(path, '/');

	if (s == NULL)
		return oc_xstrdup(".");
	if (s == path)
		return oc_xstrdup("/");
	return oc_xstrndup(path, (size_t)(s - path));
}

int
oc_file_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* Root making a directory or file in a user's directory gives it to that
 * user (fd is the new object, parent the directory it is in). */
static int
give_to_dir_owner(int fd, const struct stat *parent)
{
	if (geteuid() != 0 || (parent->st_uid == 0 && parent->st_gid == 0))
		return 0;
	return fchown(fd, parent->st_uid, parent->st_gid);
}

int
oc_file_mkdirs(const char *path, mode_t mode, struct oc_err *err)
{
	char *p = oc_xstrdup(path), *s;
	struct stat st, parent;
	int have_parent = 0;

	for (s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		{
			char c = *s;

			*s = '\0';
			if (mkdir(p, mode) == 0) {
				int dfd = open(p, O_RDONLY | O_DIRECTORY |
				    O_NOFOLLOW | O_CLOEXEC);

				if (dfd == -1 || (have_parent &&
				    give_to_dir_owner(dfd, &parent) == -1)) {
					oc_err_set(err, OC_EX_CANTCREAT,
					    "cannot give directory %s to its "
					    "parent's owner: %s", p,
					    strerror(errno));
					if (dfd != -1)
						close(dfd);
					free(p);
					return -1;
				}
				if (fstat(dfd, &parent) == 0)
					have_parent = 1;
				close(dfd);
			} else if (errno != EEXIST) {
				oc_err_set(err, OC_EX_CANTCREAT,
				    "cannot create directory %s: %s", p,
				    strerror(errno));
				free(p);
				return -1;
			} else
				have_parent = stat(p, &parent) == 0;
			*s = c;
			if (c == '\0')
				break;
		}
	}
	if (stat(p, &st) == -1 || !S_ISDIR(st.st_mode)) {
		oc_err_set(err, OC_EX_CANTCREAT, "%s: not a directory", p);
		free(p);
		return -1;
	}
	free(p);
	return 0;
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Where a write to path goes, by the policy at the top: *target (owned) is
 * path, or for a symlink the file it names; *st and *exists describe it.
 */
static int
write_target(const char *path, char **target, struct stat *st, int *exists,
    struct oc_err *err)
{
	struct stat lst;
	char *real;

	*target = NULL;
	*exists = 0;
	if (lstat(path, &lst) == -1) {
		if (errno != ENOENT) {
			oc_err_set(err, OC_EX_CANTCREAT, "cannot write %s: %s",
			    path, strerror(errno));
			return -1;
		}
		*target = oc_xstrdup(path);
		return 0;
	}
	if (!S_ISLNK(lst.st_mode)) {
		if (!S_ISREG(lst.st_mode)) {
			oc_err_set(err, OC_EX_DATAERR, "%s is %s, not a regular "
			    "file; refusing to replace it", path,
			    file_kind(lst.st_mode));
			return -1;
		}
		*st = lst;
		*exists = 1;
		*target = oc_xstrdup(path);
		return 0;
	}
	if ((real = realpath(path, NULL)) == NULL) {
		oc_err_set(err, OC_EX_CANTCREAT, errno == ENOENT ? "%s is a "
		    "symbolic link to nothing; refusing to write through it" :
		    "%s: cannot follow the symbolic link: %s", path,
		    strerror(errno));
		return -1;
	}
	if (stat(real, st) == -1) {
		oc_err_set(err, OC_EX_CANTCREAT, "cannot write %s: %s", real,
		    strerror(errno));
		free(real);
		return -1;
	}
	if (st->st_uid != lst.st_uid) {
		oc_err_set(err, OC_EX_CANTCREAT, "%s is a symbolic link (owned "
		    "by uid %ld) to %s, owned by uid %ld; refusing to write "
		    "through it", path, (long)lst.st_uid, real,
		    (long)st->st_uid);
		free(real);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		oc_err_set(err, OC_EX_DATAERR, "%s (the target of %s) is %s, "
		    "not a regular file; refusing to replace it", real, path,
		    file_kind(st->st_mode));
		free(real);
		return -1;
	}
	*exists = 1;
	*target = real;
	return 0;
}

/*
 * The first half of a replacement: where it goes (write_target), the
 * owner check, a temp beside the file made with O_EXCL|O_NOFOLLOW (0600
 * until atomic_finish sets the mode) and given the owner and group the
 * file keeps.
 */
static int
atomic_begin(struct oc_atomic *a, const char *path, struct oc_err *err)
{
	const char *base;
	struct stat st, dst;
	int tries, saved, exists;
	uid_t euid = geteuid();

	memset(a, 0, sizeof *a);
	a->fd = -1;
	if (write_target(path, &a->target, &st, &exists, err) == -1)
		return -1;
	a->path = oc_xstrdup(path);
	a->dir = oc_file_dirname_dup(a->target);
	base = strrchr(a->target, '/');
	base = base ? base + 1 : a->target;
	/* Its owner keeps it: root can give it back, anyone else only
	 * replaces a file of their own. */
	if (exists && euid != 0 && st.st_uid != euid) {
		oc_err_set(err, OC_EX_CANTCREAT, "%s belongs to uid %ld; "
		    "replacing it would make it belong to uid %ld: run as its "
		    "owner", a->target, (long)st.st_uid, (long)euid);
		goto fail;
	}
	if (!exists && stat(a->dir, &dst) == -1) {
		oc_err_set(err, OC_EX_CANTCREAT, "cannot write %s: %s", path,
		    strerror(errno));
		goto fail;
	}
	for (tries = 0; tries < 100; tries++) {
		unsigned r;

		r = (unsigned)rand() ^ (unsigned)getpid() ^
		    (unsigned)oc_time_now_ms() * 2654435761u;
		free(a->tmp);
		a->tmp = oc_xasprintf("%s/.%s.tmp-%ld-%08x", a->dir, base,
		    (long)getpid(), r);
		a->fd = open(a->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		if (a->fd != -1 || errno != EEXIST)
			break;
	}
	if (a->fd == -1) {
		oc_err_set(err, OC_EX_CANTCREAT, "cannot write %s: %s", path,
		    strerror(errno));
		free(a->tmp);	/* never made: nothing to remove */
		a->tmp = NULL;
		goto fail;
	}
	{
		struct stat tst;
		uid_t wu;
		gid_t wg;

		if (fstat(a->fd, &tst) == -1)
			memset(&tst, 0, sizeof tst);
		/* the replaced file's owner and group; for a new one, as
		 * root, its directory's */
		wu = exists ? st.st_uid : euid == 0 ? dst.st_uid : tst.st_uid;
		wg = exists ? st.st_gid : euid == 0 ? dst.st_gid : tst.st_gid;
		saved = 0;
		if ((tst.st_uid != wu || tst.st_gid != wg) && fchown(a->fd,
		    tst.st_uid != wu ? wu : (uid_t)-1,
		    tst.st_gid != wg ? wg : (gid_t)-1) == -1)
			saved = errno;
	}
	if (saved != 0) {
		oc_err_set(err, OC_EX_CANTCREAT, "cannot keep the owner and "
		    "group of %s: %s; not written", a->target, strerror(saved));
		goto fail;
	}
	return 0;
fail:
	oc_file_atomic_abort(a);
	return -1;
}

/* The second half: the stream's buffer out, mode, fsync, close, the rename
 * (under guard, when given), the directory synced. */
/* The temp written out: flushed, its mode set, fsynced and closed; on a
 * failure it is removed and path is left as it was. */
static int
atomic_ready(struct oc_atomic *a, mode_t mode, struct oc_err *err)
{
	int saved, r;

	if (a->f != NULL) {
		errno = 0;
		if (fflush(a->f) == EOF || ferror(a->f)) {
			/* the failed write's errno; without fopencookie an
			 * earlier write's is gone: EIO then */
			saved = a->werrno != 0 ? a->werrno : errno != 0 ?
			    errno : EIO;
			oc_err_set(err, OC_EX_CANTCREAT, "cannot write %s: %s",
			    a->path, strerror(saved));
			goto fail;
		}
	}
	if (fchmod(a->fd, mode) == -1 || fsync(a->fd) == -1) {
		saved = errno;
		oc_err_set(err, OC_EX_CANTCREAT, "cannot write %s: %s",
		    a->path, strerror(saved));
		goto fail;
	}
	r = a->f != NULL ? fclose(a->f) : close(a->fd);
	a->f = NULL;
	a->fd = -1;
	if (r != 0) {
		oc_err_set(err, OC_EX_CANTCREAT, "cannot write %s: %s",
		    a->path, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	oc_file_atomic_abort(a);
	return -1;
}

/* The ready temp renamed over path, if the lock is still ours. */
static int
atomic_rename(struct oc_atomic *a, struct oc_lock *guard, struct oc_err *err)
{
	int dfd, saved;

	if (oc_lock_commit_begin(guard, err) == -1)
		goto fail;
	if (rename(a->tmp, a->target) == -1) {
		saved = errno;
		oc_lock_commit_end(guard);
		oc_err_set(err, OC_EX_CANTCREAT, "cannot replace %s: %s",
		    a->path, strerror(saved));
		goto fail;
	}
	oc_lock_commit_end(guard);
	free(a->tmp);
	a->tmp = NULL;	/* renamed: not to be removed */
	dfd = open(a->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd != -1) {
		(void)fsync(dfd);
		close(dfd);
	}
	oc_file_atomic_abort(a);
	return 0;
fail:
	oc_file_atomic_abort(a);
	return -1;
}

static int
atomic_finish(struct oc_atomic *a, mode_t mode, struct oc_lock *guard,
    struct oc_err *err)
{
	if (atomic_ready(a, mode, err) == -1)
		return -1;
	return atomic_rename(a, guard, err);
}

int
oc_file_write_atomic_pair(const char *const path[2], const char *const data[2],
    const size_t len[2], mode_t mode, struct oc_lock *guard,
    struct oc_err *err)
{
	struct oc_atomic a[2];
	int i;

	memset(a, 0, sizeof a);
	a[0].fd = a[1].fd = -1;
	/* both written out in full before either is renamed: a full disk
	 * or any write error leaves the pair as it was */
	for (i = 0; i < 2; i++) {
		if (atomic_begin(&a[i], path[i], err) == -1)
			goto fail;
		if (write_all(a[i].fd, data[i], len[i]) == -1) {
			oc_err_set(err, OC_EX_CANTCREAT, "cannot write %s: %s",
			    path[i], strerror(errno));
			goto fail;
		}
	}
	for (i = 0; i < 2; i++)
		if (atomic_ready(&a[i], mode, err) == -1)
			goto fail;
	for (i = 0; i < 2; i++)
		if (atomic_rename(&a[i], guard, err) == -1)
			goto fail;
	return 0;
fail:
	for (i = 0; i < 2; i++)
		oc_file_atomic_abort(&a[i]);
	return -1;
}

static void
oc_file_atomic_abort(struct oc_atomic *a)
{
	if (a->f != NULL)
		(void)fclose(a->f);
	else if (a->fd != -1)
		close(a->fd);
	a->f = NULL;
	a->fd = -1;
	if (a->tmp != NULL)
		unlink(a->tmp);
	free(a->tmp);
	free(a->dir);
	free(a->target);
	free(a->path);
	a->tmp = a->dir = a->target = a->path = NULL;
}

#ifdef HAVE_FOPENCOOKIE
/* The stream's writes, keeping a failed one's errno for the message (a
 * FILE only remembers that one failed): "No space left on device", not
 * "Input/output error". */
static ssize_t
cookie_write(void *cookie, const char *p, size_t n)
{
	struct oc_atomic *a = cookie;

	if (write_all(a->fd, p, n) == -1) {
		if (a->werrno == 0)
			a->werrno = errno;
		return 0;
	}
	return (ssize_t)n;
}

static int
cookie_close(void *cookie)
{
	struct oc_atomic *a = cookie;
	int r = close(a->fd);

	a->fd = -1;
	return r;
}
#endif

FILE *
oc_file_atomic_open(struct oc_atomic *a, const char *path, struct oc_err *err)
{
#ifdef HAVE_FOPENCOOKIE
	cookie_io_functions_t io = { NULL, cookie_write, NULL, cookie_close };
#endif

	if (atomic_begin(a, path, err) == -1)
		return NULL;
#ifdef HAVE_FOPENCOOKIE
	a->f = fopencookie(a, "w", io);
#else
	a->f = fdopen(a->fd, "w");
#endif
	if (a->f == NULL) {
		oc_err_set(err, OC_EX_CANTCREAT, "cannot write %s: %s", path,
		    strerror(errno));
		oc_file_atomic_abort(a);
		return NULL;
	}
	return a->f;
}

int
oc_file_atomic_commit(struct oc_atomic *a, mode_t mode, struct oc_err *err)
{
	return atomic_finish(a, mode, NULL, err);
}

int
oc_file_write_atomic(const char *path, const void *data, size_t len,
    mode_t mode, struct oc_lock *guard, struct oc_err *err)
{
	struct oc_atomic a;

	if (atomic_begin(&a, path, err) == -1)
		return -1;
	if (write_all(a.fd, data, len) == -1) {
		oc_err_set(err, OC_EX_CANTCREAT, "cannot write %s: %s", path,
		    strerror(errno));
		oc_file_atomic_abort(&a);
		return -1;
	}
	return atomic_finish(&a, mode, guard, err);
}

/* One directory's sweep: base's temps that a dead writer left. */
static void
sweep_dir(const char *dir, const char *base, int64_t min_age_ms)
{
	char *prefix = oc_xasprintf(".%s.tmp-", base);
	size_t plen = strlen(prefix);
	int64_t now = oc_time_now_ms();
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		free(prefix);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		const char *q = de->d_name, *h;
		struct stat st;
		long pid = 0;
		int nd = 0;

		if (strncmp(q, prefix, plen) != 0)
			continue;
		for (q += plen; *q >= '0' && *q <= '9' && nd < 10; q++, nd++)
			pid = pid * 10 + (*q - '0');
		if (nd == 0 || *q != '-' || pid <= 0 || pid == (long)getpid())
			continue;
		for (h = ++q; *q != '\0' && strchr("0123456789abcdef", *q); q++)
			;
		if (q - h != 8 || *q != '\0')
			continue;
		/* A live writer (or one whose pid we cannot see die: EPERM)
		 * keeps its temp. */
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ==
		    -1 || !S_ISREG(st.st_mode))
			continue;
		if (min_age_ms > 0 && now - ((int64_t)st.st_mtim.tv_sec * 1000 +
		    st.st_mtim.tv_nsec / 1000000) < min_age_ms)
			continue;
		(void)unlinkat(dirfd(d), de->d_name, 0);
	}
	closedir(d);
	free(prefix);
}

void
oc_file_sweep_temps(const char *path, int64_t min_age_ms)
{
	char *dir = oc_file_dirname_dup(path), *real;
	const char *base = strrchr(path, '/');
	struct stat lst;

	base = base ? base + 1 : path;
	sweep_dir(dir, base, min_age_ms);
	free(dir);
	/* A symlinked file is replaced beside its target: sweep there too. */
	if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode) &&
	    (real = realpath(path, NULL)) != NULL) {
		dir = oc_file_dirname_dup(real);
		base = strrchr(real, '/');
		sweep_dir(dir, base ? base + 1 : real, min_age_ms);
		free(dir);
		free(real);
	}
}
