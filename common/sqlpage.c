/* SPDX-License-Identifier: ISC */
/*
 * sqlpage.c - a read-only reader of the SQLite file format
 * (https://www.sqlite.org/fileformat2.html, walformat.html) for a handful of
 * rows: the credential cells of OpenClaw's WAL-mode databases. libsqlite3
 * parses the whole schema on a connection's first statement (8 M
 * instructions for the 105 tables of 2026.9's state database); this reads
 * page 1's sqlite_schema rows, the CREATE TABLE text of the one table asked
 * for, and that table's pages. It never writes (not even the -shm), takes
 * no lock, and never maps a file: every read is a pread(2) on a descriptor
 * opened O_RDONLY. Anything it does not fully understand is handed back
 * (return 1) for libsqlite3 to read.
 *
 * Consistency without SQLite's locks. A snapshot is the database file seen
 * through the WAL's committed frames, as SQLite's recovery reads them. Open
 * records (in this order) the database file's identity, size, timestamps and
 * first 100 bytes, the first 96 bytes of the -shm (the two copies of the
 * WAL-index header), and the WAL's header and the frame after which it
 * found no further commit. Close records them again after all the reads and
 * accepts the reads only when nothing changed:
 *
 *  - Every frame we use is committed. Committed frames are never rewritten
 *    while the WAL header (salts, checkpoint sequence) stays the same: a
 *    writer appends after the last commit, and rewrites in place only
 *    frames of its own uncommitted transaction. A restart writes a new
 *    header (salt-1 + 1, a random salt-2) before reusing the file; a
 *    TRUNCATE checkpoint or the last connection's close shrinks or removes
 *    it. So an unchanged header, a size not below the end of our last
 *    commit frame and no valid commit frame after it (the checksum chain
 *    continued from that commit) mean that no transaction committed after
 *    our snapshot in this WAL, and that the frames we read are still ours.
 *  - A page we read from the database file can only have been overwritten
 *    by a checkpoint, which copies committed WAL frames: frames up to our
 *    snapshot hold the same pages we read from the WAL instead, so only a
 *    frame committed after it (a new commit, caught above) or a frame of a
 *    later WAL generation (a new header, caught above) can have done it.
 *  - SQLite counts a transaction committed when the WAL-index header in the
 *    -shm says so, which happens just after its frames are in the file: a
 *    commit frame not yet published there may still be overwritten (a
 *    writer that fails or dies before publishing leaves frames the next one
 *    reuses). So when the -shm has a valid header for this WAL (same salts),
 *    its mxFrame must be our last commit frame, or the snapshot is refused
 *    (retried, then handed back). Any commit or restart through a live -shm
 *    changes its header (iChange, mxFrame, salts, checksum), which close
 *    compares too.
 *  - The hole: a WAL with no valid header at open (none, empty after a
 *    TRUNCATE checkpoint, or a stale one) and none again at close proves
 *    nothing, since a writer may have started a WAL, committed,
 *    checkpointed into the database file and truncated or deleted it again
 *    in between; the database header need not change (WAL mode does not
 *    bump the change counter unless page 1 is written), nor the -shm if it
 *    was deleted and rebuilt. In that case only the database file's own
 *    timestamps can prove it was not written: the kernel stamps every write
 *    with the coarse real-time clock, so a write after open moves mtime
 *    past a value that was already older than open's clock. Open therefore
 *    refuses (1) a WAL-less snapshot whose file mtime and ctime are both
 *    within 20 ms of now (2 s on file systems with whole-second stamps), and
 *    close requires mtime and ctime unchanged. This assumes the clock does
 *    not step backwards and nobody sets the file's times during the reads.
 *
 * Reads of the snapshot that find a corrupt structure first check whether
 * the files changed: a torn view is reported as a change, not as corruption.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "oc.h"
#include "sqlpage.h"

#define VALUE_MAX	(64u << 20)	/* as a store file (oc(7)) */
#define DEPTH_MAX	20		/* b-tree levels (SQLite's own bound) */
#define OPEN_TRIES	3
#define RACY_NS		20000000LL	/* 20 ms: more than a clock tick */
#define RACY_SEC_NS	2000000000LL	/* whole-second (or FAT) stamps */
#define RECHDR_MAX	300000u		/* 32767 columns of 9-byte types */
#define WAL_MAGIC	0x377f0682u
#define WAL_VERSION	3007000u
#define SHM_HDR		96		/* both copies of the WAL-index header */
#define WAL_FRAMES_MAX	(1u << 20)	/* a WAL beyond that: libsqlite3 */

static const char WHY_CHANGED[] = "the database changed while it was read";

/* A set of page numbers (open addressing; 0 is never a page). */
struct pgset {
	uint32_t *v;
	size_t cap, n;
};

/* The part of a cell's payload on its page, and where the rest is. */
struct payload {
	uint64_t size;
	const unsigned char *local;
	uint32_t nlocal;
	uint32_t first;		/* first overflow page, 0 if none */
	uint32_t pg;		/* the leaf page and cell it is in */
	unsigned cell;
};

/* A b-tree page as read. */
struct bpage {
	uint32_t no;
	const unsigned char *d;
	int type;		/* 0x05 interior, 0x0d leaf */
	unsigned ncells, cells;	/* count, offset of the pointer array */
	uint32_t right;
};

/* A type='table' row of sqlite_schema: its name is in the reader's
 * string arena (one allocation for the schema's hundreds of strings); its
 * CREATE TABLE text joins it, from the row's cell, at the table's first
 * query, when its column list is parsed (2026.9.6's state database has
 * 51 KB of SQL in 104 tables, and a check queries two). */
struct table {
	size_t name, sql;	/* offsets in strs; sql NOSQL until read */
	size_t namelen;
	uint32_t root;
	uint32_t rowpg;		/* the sqlite_schema row: leaf page, cell */
	unsigned rowcell;
	int has_sql;		/* the row's sql is a text */
	struct tabdef *td;	/* NULL until parsed */
	int td_ok;		/* parse_create said it understood it */
};
#define NOSQL ((size_t)-1)

/* The -shm's first bytes, as read. */
struct shm {
	int exists;
	size_t n;
	unsigned char b[SHM_HDR];
};

struct oc_sqlpage {
	char *path, *walpath, *shmpath;
	int fd, walfd;
	uint32_t pgsz, usable, npages;
	long user_version;
	unsigned char dbhdr[100];	/* the file's, at open */
	size_t dbhdr_n;		/* how many of them it had */
	struct stat st;
	struct shm shm;
	/* the WAL at open */
	int wal_valid, wal_big;
	unsigned char walhdr[32];
	dev_t wal_dev;
	ino_t wal_ino;
	uint64_t wal_end;	/* after the last commit frame (32 if none) */
	uint32_t wal_ck[2];	/* the checksum chain there */
	uint32_t wal_mx;	/* index of that frame, 0 if none */
	uint32_t *map_pg, *map_fr;	/* page -> latest frame up to wal_mx */
	size_t map_cap;
	/* sqlite_schema's tables, read once */
	struct table *tables;
	size_t ntables, tabcap;
	char *strs;		/* their names and SQL, NUL-terminated */
	size_t strslen, strscap;
	int schema_read;
	/* page buffers: one per b-tree level, one for overflow pages */
	unsigned char *lvl[DEPTH_MAX];
	unsigned char *ov;
	unsigned char *rec;	/* a record header */
	size_t reccap;
	struct pgset seen, chain;
	int changed;
	int scanned;		/* open has recorded the WAL and -shm */
	const char *why;	/* of the last 1 */
	char detail[160];	/* of the last corrupt structure */
	struct oc_err *err;
};

/* ---- small helpers ---- */

static uint32_t
be16(const unsigned char *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0];
}

static uint32_t
ne32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof v);
	return v;
}

static int
lc(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* ASCII-only case folding, as SQLite compares names (not the locale's). */
static int
name_eq(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (lc((unsigned char)a[i]) != lc((unsigned char)b[i]))
			return 0;
	return 1;
}

static int
name_ieq(const char *a, const char *b)
{
	size_t n = strlen(a);

	return n == strlen(b) && name_eq(a, b, n);
}

/* A varint within [p, end): its length, 0 when it runs past end. */
static inline int
varint(const unsigned char *p, const unsigned char *end, uint64_t *v)
{
	uint64_t x = 0;
	int i;

	if (p < end && *p < 0x80) {	/* most are one byte */
		*v = *p;
		return 1;
	}
	for (i = 0; i < 8; i++) {
		if (p + i >= end)
			return 0;
		x = x << 7 | (p[i] & 0x7f);
		if ((p[i] & 0x80) == 0) {
			*v = x;
			return i + 1;
		}
	}
	if (p + 8 >= end)
		return 0;
	*v = x << 8 | p[8];
	return 9;
}

/* SQLite's WAL checksum over n bytes (a multiple of 8). */
static void
cksum(int big, const unsigned char *p, size_t n, uint32_t s[2])
{
	uint32_t s0 = s[0], s1 = s[1];
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		s0 += (big ? be32(p + i) : le32(p + i)) + s1;
		s1 += (big ? be32(p + i + 4) : le32(p + i + 4)) + s0;
	}
	s[0] = s0;
	s[1] = s1;
}

/* pread until n bytes or end of file: the count read, -1 on error. */
static ssize_t
rd(int fd, void *buf, size_t n, uint64_t off)
{
	size_t got = 0;
	ssize_t r;
	off_t last;

	if (off > (uint64_t)INT64_MAX - n || (last = (off_t)(off + n)) < 0 ||
	    (uint64_t)last != off + n) {
		errno = EOVERFLOW;
		return -1;
	}
	while (got < n) {
		r = pread(fd, (char *)buf + got, n - got, (off_t)(off + got));
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

static int64_t
ts_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000LL + t->tv_nsec;
}

static void
pgset_clear(struct pgset *s)
{
	if (s->v != NULL)
		memset(s->v, 0, s->cap * sizeof *s->v);
	s->n = 0;
}

/* 1 when added, 0 when it was there. */
static int
pgset_add(struct pgset *s, uint32_t no)
{
	size_t i, mask;

	if (2 * (s->n + 1) > s->cap) {
		struct pgset t = { NULL, s->cap ? 2 * s->cap : 64, 0 };

		t.v = oc_xcalloc(t.cap, sizeof *t.v);
		for (i = 0; i < s->cap; i++)
			if (s->v[i] != 0)
				pgset_add(&t, s->v[i]);
		free(s->v);
		*s = t;
	}
	mask = s->cap - 1;
	for (i = (no * 2654435761u) & mask; s->v[i] != 0; i = (i + 1) & mask)
		if (s->v[i] == no)
			return 0;
	s->v[i] = no;
	s->n++;
	return 1;
}

/* A corrupt structure: -1, with the detail kept for the message. */
static int
bad(struct oc_sqlpage *db, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int
bad(struct oc_sqlpage *db, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(db->detail, sizeof db->detail, fmt, ap);
	va_end(ap);
	return -1;
}

/* Not for this reader: 1. */
static int
unsup(struct oc_sqlpage *db, const char *why)
{
	db->why = why;
	return 1;
}

static int
ioerr(struct oc_sqlpage *db, const char *path)
{
	oc_err_set(db->err, errno == ENOENT ? OC_EX_NOINPUT : OC_EX_DATAERR,
	    "%s: %s", path, strerror(errno));
	return -1;
}

/* ---- the -shm and the WAL ---- */

static void
shm_read(const char *path, struct shm *s)
{
	ssize_t n;
	int fd;

	memset(s, 0, sizeof *s);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	s->exists = 1;
	n = rd(fd, s->b, sizeof s->b, 0);
	s->n = n < 0 ? 0 : (size_t)n;
	close(fd);
}

/*
 * What the -shm says about the WAL whose header is walhdr (NULL: no valid
 * header): -1 nothing (no -shm, not initialised, or for another WAL
 * generation: the file is what recovery would read), -2 being written (the
 * copies differ or the checksum fails), else its mxFrame (for no valid
 * header, 0 when it claims no frames, -2 when it claims some). The
 * WAL-index header is in the machine's byte order.
 */
static long
shm_mx(const struct shm *s, const unsigned char *walhdr)
{
	uint32_t ck[2] = { 0, 0 };
	const unsigned char *h = s->b;
	uint32_t i, s0 = 0, s1 = 0;

	if (!s->exists || s->n < SHM_HDR || h[12] == 0)
		return -1;
	if (memcmp(h, h + 48, 48) != 0)
		return -2;
	for (i = 0; i < 40; i += 8) {
		s0 += ne32(h + i) + s1;
		s1 += ne32(h + i + 4) + s0;
	}
	ck[0] = s0;
	ck[1] = s1;
	if (ck[0] != ne32(h + 40) || ck[1] != ne32(h + 44) ||
	    ne32(h) != WAL_VERSION)
		return -2;
	if (walhdr == NULL)
		return ne32(h + 16) == 0 ? 0 : -2;
	if (memcmp(h + 32, walhdr + 16, 8) != 0)
		return -1;
	return (long)ne32(h + 16);
}

/* A WAL header that recovery accepts: 1; 0 not (ignored); -2 a version
 * SQLite refuses. */
static int
wal_hdr_ok(const unsigned char *h, uint32_t *pgsz)
{
	uint32_t magic = be32(h), sz = be32(h + 8), ck[2] = { 0, 0 };

	if ((magic & ~1u) != WAL_MAGIC || sz < 512 || sz > 65536 ||
	    (sz & (sz - 1)) != 0)
		return 0;
	cksum(magic & 1, h, 24, ck);
	if (ck[0] != be32(h + 24) || ck[1] != be32(h + 28))
		return 0;
	if (be32(h + 4) != WAL_VERSION)
		return -2;
	*pgsz = sz;
	return 1;
}

/* Is the frame at off valid after the chain ck (advanced if so)? 1 yes
 * (*commit its database size), 0 no, -1 read error. */
static int
wal_frame(struct oc_sqlpage *db, int fd, uint64_t off, unsigned char *f,
    uint32_t ck[2], uint32_t *pgno, uint32_t *commit)
{
	size_t fsz = 24 + (size_t)db->pgsz;
	uint32_t c[2] = { ck[0], ck[1] };
	ssize_t n;

	if ((n = rd(fd, f, fsz, off)) == -1)
		return -1;
	if ((size_t)n < fsz || be32(f) == 0 ||
	    memcmp(f + 8, db->walhdr + 16, 8) != 0)
		return 0;
	cksum(db->wal_big, f, 8, c);
	cksum(db->wal_big, f + 24, db->pgsz, c);
	if (c[0] != be32(f + 16) || c[1] != be32(f + 20))
		return 0;
	ck[0] = c[0];
	ck[1] = c[1];
	*pgno = be32(f);
	*commit = be32(f + 4);
	return 1;
}

static void
map_put(struct oc_sqlpage *db, uint32_t pg, uint32_t fr)
{
	size_t i, mask = db->map_cap - 1;

	for (i = (pg * 2654435761u) & mask; db->map_pg[i] != 0 &&
	    db->map_pg[i] != pg; i = (i + 1) & mask)
		;
	db->map_pg[i] = pg;
	db->map_fr[i] = fr;
}

/* The latest committed frame holding page pg, 0 if none. */
static uint32_t
map_get(const struct oc_sqlpage *db, uint32_t pg)
{
	size_t i, mask;

	if (db->map_cap == 0)
		return 0;
	mask = db->map_cap - 1;
	for (i = (pg * 2654435761u) & mask; db->map_pg[i] != 0;
	    i = (i + 1) & mask)
		if (db->map_pg[i] == pg)
			return db->map_fr[i];
	return 0;
}

static void
wal_forget(struct oc_sqlpage *db)
{
	if (db->walfd != -1)
		close(db->walfd);
	db->walfd = -1;
	free(db->map_pg);
	free(db->map_fr);
	db->map_pg = db->map_fr = NULL;
	db->map_cap = 0;
	db->wal_valid = 0;
	db->wal_mx = 0;
	db->wal_end = 32;
}

/* Read the WAL as recovery does: its committed frames into the map. */
static int
wal_scan(struct oc_sqlpage *db)
{
	unsigned char *f = NULL;
	uint32_t *pgs = NULL, ck[2], pgno, commit, sz, i, nfr, npages = 0;
	size_t pgcap = 0;
	uint64_t fsz = 24 + (uint64_t)db->pgsz, off;
	struct stat st;
	int fd, r, rc = -1;

	wal_forget(db);
	if ((fd = open(db->walpath, O_RDONLY | O_CLOEXEC)) == -1)
		return errno == ENOENT ? 0 : ioerr(db, db->walpath);
	if (fstat(fd, &st) == -1) {
		ioerr(db, db->walpath);
		goto out;
	}
	rc = 0;
	if (st.st_size < 32 || rd(fd, db->walhdr, 32, 0) != 32)
		goto out;
	if ((r = wal_hdr_ok(db->walhdr, &sz)) == 0)
		goto out;
	if (r == -2) {
		rc = unsup(db, "a WAL of a version this reader does not know");
		goto out;
	}
	if (sz != db->pgsz) {
		rc = unsup(db, "a WAL whose page size is not the database's");
		goto out;
	}
	db->wal_valid = 1;
	db->wal_big = be32(db->walhdr) & 1;
	db->wal_dev = st.st_dev;
	db->wal_ino = st.st_ino;
	db->wal_ck[0] = be32(db->walhdr + 24);
	db->wal_ck[1] = be32(db->walhdr + 28);
	ck[0] = db->wal_ck[0];
	ck[1] = db->wal_ck[1];
	if ((uint64_t)(st.st_size - 32) / fsz > WAL_FRAMES_MAX) {
		rc = unsup(db, "a WAL too large for this reader");
		goto out;
	}
	nfr = (uint32_t)((uint64_t)(st.st_size - 32) / fsz);
	f = oc_xmalloc(fsz);
	for (i = 1, off = 32; i <= nfr; i++, off += fsz) {
		if ((r = wal_frame(db, fd, off, f, ck, &pgno, &commit)) == -1) {
			rc = ioerr(db, db->walpath);
			goto out;
		}
		if (r == 0)
			break;
		if (i >= pgcap) {
			pgcap = pgcap ? 2 * pgcap : 64;
			pgs = oc_xrealloc(pgs, pgcap * sizeof *pgs);
		}
		pgs[i] = pgno;
		if (commit != 0) {
			db->wal_mx = i;
			db->wal_end = off + fsz;
			db->wal_ck[0] = ck[0];
			db->wal_ck[1] = ck[1];
			npages = commit;
		}
	}
	if (db->wal_mx > 0) {
		for (db->map_cap = 16; db->map_cap < 2 * (size_t)db->wal_mx;
		    db->map_cap *= 2)
			;
		db->map_pg = oc_xcalloc(db->map_cap, sizeof *db->map_pg);
		db->map_fr = oc_xcalloc(db->map_cap, sizeof *db->map_fr);
		for (i = 1; i <= db->wal_mx; i++)
			map_put(db, pgs[i], i);
		db->npages = npages;
		db->walfd = fd;
		fd = -1;
	}
out:
	if (f != NULL) {
		oc_secret_wipe(f, fsz);
		free(f);
	}
	free(pgs);
	if (fd != -1)
		close(fd);
	if (rc != 0)
		wal_forget(db);
	return rc;
}

/*
 * Has the WAL changed since open in a way that can matter? Same header,
 * same file, not shorter than our last commit frame's end, and no valid
 * commit frame after it; or, if open found no valid header, still none.
 */
static int
wal_stale(struct oc_sqlpage *db)
{
	unsigned char h[32], *f = NULL;
	uint32_t ck[2], pgno, commit, sz;
	uint64_t fsz = 24 + (uint64_t)db->pgsz, off;
	struct stat st;
	int fd, r, stale = 1;

	if ((fd = open(db->walpath, O_RDONLY | O_CLOEXEC)) == -1)
		return errno == ENOENT ? db->wal_valid : 1;
	if (fstat(fd, &st) == -1)
		goto out;
	if (!db->wal_valid) {
		stale = st.st_size >= 32 && rd(fd, h, 32, 0) == 32 &&
		    wal_hdr_ok(h, &sz) != 0;
		goto out;
	}
	if (st.st_dev != db->wal_dev || st.st_ino != db->wal_ino ||
	    (uint64_t)st.st_size < db->wal_end || rd(fd, h, 32, 0) != 32 ||
	    memcmp(h, db->walhdr, 32) != 0)
		goto out;
	f = oc_xmalloc(fsz);
	ck[0] = db->wal_ck[0];
	ck[1] = db->wal_ck[1];
	for (off = db->wal_end; off + fsz <= (uint64_t)st.st_size;
	    off += fsz) {
		if ((r = wal_frame(db, fd, off, f, ck, &pgno, &commit)) == -1)
			goto out;
		if (r == 0)
			break;
		if (commit != 0)
			goto out;
	}
	stale = 0;
out:
	if (f != NULL) {
		oc_secret_wipe(f, fsz);
		free(f);
	}
	close(fd);
	return stale;
}

/* Could anything the reads depended on have changed since open? */
static int
stale(struct oc_sqlpage *db)
{
	unsigned char h[100];
	struct stat st, pst;
	struct shm s;

	if (fstat(db->fd, &st) == -1 || st.st_size != db->st.st_size ||
	    stat(db->path, &pst) == -1 || pst.st_dev != st.st_dev ||
	    pst.st_ino != st.st_ino)
		return 1;
	if (!db->wal_valid && (ts_ns(&st.st_mtim) != ts_ns(&db->st.st_mtim) ||
	    ts_ns(&st.st_ctim) != ts_ns(&db->st.st_ctim)))
		return 1;
	if (rd(db->fd, h, sizeof h, 0) != (ssize_t)db->dbhdr_n ||
	    memcmp(h, db->dbhdr, db->dbhdr_n) != 0)
		return 1;
	shm_read(db->shmpath, &s);
	if (s.exists != db->shm.exists || s.n != db->shm.n ||
	    memcmp(s.b, db->shm.b, s.n) != 0)
		return 1;
	return wal_stale(db);
}

/* ---- pages ---- */

/* n bytes at off of page no, from its latest committed frame or the file. */
static int
page_read(struct oc_sqlpage *db, uint32_t no, size_t off, size_t n,
    unsigned char *buf)
{
	uint32_t fr;
	ssize_t got;

	if (no == 0 || no > db->npages)
		return bad(db, "page %u is past the end (%u pages)", no,
		    db->npages);
	if ((fr = map_get(db, no)) != 0)
		got = rd(db->walfd, buf, n, 32 + (uint64_t)(fr - 1) *
		    (24 + db->pgsz) + 24 + off);
	else
		got = rd(db->fd, buf, n, (uint64_t)(no - 1) * db->pgsz + off);
	if (got == -1)
		return ioerr(db, fr != 0 ? db->walpath : db->path);
	if ((size_t)got < n)
		return bad(db, "page %u is missing: the file is truncated", no);
	return 0;
}

static unsigned char *
lvl_buf(struct oc_sqlpage *db, int level)
{
	if (db->lvl[level] == NULL)
		db->lvl[level] = oc_xmalloc(db->pgsz);
	return db->lvl[level];
}

/* Read page no as a table b-tree page into buf. */
static int
bpage_load(struct oc_sqlpage *db, uint32_t no, unsigned char *buf,
    struct bpage *bp)
{
	unsigned h = no == 1 ? 100 : 0, hs;

	if (page_read(db, no, 0, db->pgsz, buf) == -1)
		return -1;
	bp->no = no;
	bp->d = buf;
	bp->type = buf[h];
	if (bp->type != 0x05 && bp->type != 0x0d)
		return bad(db, "page %u is not a table b-tree page (type %d)",
		    no, bp->type);
	hs = bp->type == 0x05 ? 12 : 8;
	bp->ncells = be16(buf + h + 3);
	bp->cells = h + hs;
	if (bp->cells + 2 * bp->ncells > db->usable)
		return bad(db, "page %u: %u cells do not fit", no, bp->ncells);
	bp->right = bp->type == 0x05 ? be32(buf + h + 8) : 0;
	return 0;
}

/* The offset of cell i, checked to lie in the cell content area. */
static int
cell_off(struct oc_sqlpage *db, const struct bpage *bp, unsigned i,
    unsigned *off)
{
	*off = be16(bp->d + bp->cells + 2 * i);
	if (*off < bp->cells + 2 * bp->ncells || *off >= db->usable)
		return bad(db, "page %u: cell %u at %u is out of range",
		    bp->no, i, *off);
	return 0;
}

/* The payload of leaf cell i. */
static int
leaf_cell(struct oc_sqlpage *db, const struct bpage *bp, unsigned i,
    struct payload *pl)
{
	const unsigned char *p, *end = bp->d + db->usable;
	uint64_t size, rowid;
	uint32_t x = db->usable - 35, m, k;
	unsigned off;
	int n;

	if (cell_off(db, bp, i, &off) == -1)
		return -1;
	p = bp->d + off;
	if ((n = varint(p, end, &size)) == 0)
		return bad(db, "page %u: cell %u is cut", bp->no, i);
	p += n;
	if ((n = varint(p, end, &rowid)) == 0)
		return bad(db, "page %u: cell %u is cut", bp->no, i);
	p += n;
	if (size > INT32_MAX)
		return bad(db, "page %u: cell %u is too large", bp->no, i);
	/* the U-35 / M / K rule of the file format */
	if (size <= x)
		pl->nlocal = (uint32_t)size;
	else {
		m = (db->usable - 12) * 32 / 255 - 23;
		k = m + (uint32_t)((size - m) % (db->usable - 4));
		pl->nlocal = k <= x ? k : m;
	}
	if ((size_t)(end - p) < pl->nlocal + (pl->nlocal < size ? 4u : 0u))
		return bad(db, "page %u: cell %u runs past the page", bp->no,
		    i);
	pl->size = size;
	pl->local = p;
	pl->first = pl->nlocal < size ? be32(p + pl->nlocal) : 0;
	pl->pg = bp->no;
	pl->cell = i;
	return 0;
}

/* The bytes [off, off + n) in place when they are on the cell's page. */
static const unsigned char *
payload_local(const struct payload *pl, uint64_t off, uint64_t n)
{
	return off + n <= pl->nlocal ? pl->local + off : NULL;
}

/* Copy n bytes from payload offset off (off + n <= size). */
static int
payload_read(struct oc_sqlpage *db, const struct payload *pl, uint64_t off,
    size_t n, unsigned char *dst)
{
	uint32_t per = db->usable - 4, no;
	uint64_t base;
	size_t c;

	if (off + n > pl->size)
		return bad(db, "a record runs past its cell");
	if (off < pl->nlocal) {
		c = pl->nlocal - off < n ? pl->nlocal - off : n;
		memcpy(dst, pl->local + off, c);
		dst += c;
		off += c;
		n -= c;
	}
	if (n == 0)
		return 0;
	if (db->ov == NULL)
		db->ov = oc_xmalloc(db->pgsz);
	pgset_clear(&db->chain);
	for (no = pl->first, base = pl->nlocal; n > 0; base += per) {
		if (no == 0 || no > db->npages)
			return bad(db, "overflow page %u out of range", no);
		if (!pgset_add(&db->chain, no))
			return bad(db, "overflow chain loops at page %u", no);
		if (off < base + per) {
			size_t in = (size_t)(off - base);

			if (page_read(db, no, 0, db->usable, db->ov) == -1)
				return -1;
			c = per - in < n ? per - in : n;
			memcpy(dst, db->ov + 4 + in, c);
			dst += c;
			off += c;
			n -= c;
		} else if (page_read(db, no, 0, 4, db->ov) == -1)
			return -1;
		no = be32(db->ov);
	}
	return 0;
}

/*
 * The leaf cells of the table b-tree at root, in order, to fn (which
 * returns 0 to go on). Each page once per walk, DEPTH_MAX levels at most.
 */
typedef int (*cell_fn)(struct oc_sqlpage *, const struct payload *, void *);

static int
walk(struct oc_sqlpage *db, uint32_t root, cell_fn fn, void *arg)
{
	struct {
		struct bpage bp;
		unsigned i;
	} st[DEPTH_MAX];
	struct payload pl;
	unsigned off;
	uint32_t child;
	int level = 0, r;

	pgset_clear(&db->seen);
	pgset_add(&db->seen, root);
	if (bpage_load(db, root, lvl_buf(db, 0), &st[0].bp) == -1)
		return -1;
	st[0].i = 0;
	while (level >= 0) {
		struct bpage *bp = &st[level].bp;

		if (bp->type == 0x0d) {
			for (; st[level].i < bp->ncells; st[level].i++) {
				if (leaf_cell(db, bp, st[level].i, &pl) == -1)
					return -1;
				if ((r = fn(db, &pl, arg)) != 0)
					return r;
			}
			level--;
			continue;
		}
		if (st[level].i > bp->ncells) {
			level--;
			continue;
		}
		if (st[level].i < bp->ncells) {
			if (cell_off(db, bp, st[level].i, &off) == -1)
				return -1;
			if (off + 4 > db->usable)
				return bad(db, "page %u: cell %u is cut",
				    bp->no, st[level].i);
			child = be32(bp->d + off);
		} else
			child = bp->right;
		st[level].i++;
		if (level + 1 >= DEPTH_MAX)
			return bad(db, "b-tree deeper than %d levels",
			    DEPTH_MAX);
		if (child == 0 || child > db->npages)
			return bad(db, "page %u: child page %u out of range",
			    bp->no, child);
		if (!pgset_add(&db->seen, child))
			return bad(db, "b-tree loops at page %u", child);
		if (bpage_load(db, child, lvl_buf(db, level + 1),
		    &st[level + 1].bp) == -1)
			return -1;
		st[++level].i = 0;
	}
	return 0;
}

/* ---- records ---- */

struct col {
	uint64_t type, off, len;
	int present;		/* 0: the record is shorter than that */
};

static int
serial_len(uint64_t t, uint64_t *len)
{
	static const unsigned char fixed[12] = { 0, 1, 2, 3, 4, 6, 8, 8, 0,
	    0 };

	if (t == 10 || t == 11)
		return -1;
	*len = t >= 12 ? (t - 12) / 2 : fixed[t];
	return 0;
}

/* Columns 0 .. n-1 of a record: serial types and where they are. */
static int
record_cols(struct oc_sqlpage *db, const struct payload *pl, struct col *c,
    unsigned n)
{
	unsigned char h9[9];
	const unsigned char *p, *end, *h;
	uint64_t hs, off, t, len;
	unsigned i;
	int k;

	k = pl->size < 9 ? (int)pl->size : 9;
	if (k == 0)
		return bad(db, "an empty record");
	if ((h = payload_local(pl, 0, (uint64_t)k)) == NULL) {
		if (payload_read(db, pl, 0, (size_t)k, h9) == -1)
			return -1;
		h = h9;
	}
	if ((k = varint(h, h + k, &hs)) == 0 || hs < (uint64_t)k ||
	    hs > pl->size || hs > RECHDR_MAX)
		return bad(db, "a record header is invalid");
	if ((p = payload_local(pl, 0, hs)) == NULL) {
		if (db->reccap < hs) {
			free(db->rec);
			db->rec = oc_xmalloc((size_t)hs);
			db->reccap = (size_t)hs;
		}
		if (payload_read(db, pl, 0, (size_t)hs, db->rec) == -1)
			return -1;
		p = db->rec;
	}
	end = p + hs;
	p += k;
	off = hs;
	for (i = 0; i < n; i++) {
		c[i].present = 0;
		if (p >= end)
			continue;
		if ((k = varint(p, end, &t)) == 0 || serial_len(t, &len) == -1)
			return bad(db, "a record has an invalid serial type");
		p += k;
		if (len > pl->size - off)
			return bad(db, "a record's column runs past its end");
		c[i].present = 1;
		c[i].type = t;
		c[i].off = off;
		c[i].len = len;
		off += len;
	}
	return 0;
}

static int
col_is_text(const struct col *c)
{
	return c->present && c->type >= 13 && (c->type & 1);
}

static int
col_is_int(const struct col *c)
{
	return c->present && ((c->type >= 1 && c->type <= 6) ||
	    c->type == 8 || c->type == 9);
}

static int
col_int(struct oc_sqlpage *db, const struct payload *pl, const struct col *c,
    int64_t *v)
{
	unsigned char b[8];
	uint64_t x;
	size_t i;

	if (c->type == 8 || c->type == 9) {
		*v = c->type == 9;
		return 0;
	}
	if (payload_read(db, pl, c->off, (size_t)c->len, b) == -1)
		return -1;
	x = b[0] & 0x80 ? UINT64_MAX : 0;
	for (i = 0; i < c->len; i++)
		x = x << 8 | b[i];
	*v = (int64_t)x;
	return 0;
}

/* A column's text or blob bytes, malloc'd and NUL-terminated. */
static int
col_dup(struct oc_sqlpage *db, const struct payload *pl, const struct col *c,
    char **out)
{
	*out = oc_xmalloc((size_t)c->len + 1);
	if (payload_read(db, pl, c->off, (size_t)c->len,
	    (unsigned char *)*out) == -1) {
		oc_secret_wipe(*out, (size_t)c->len);
		free(*out);
		*out = NULL;
		return -1;
	}
	(*out)[c->len] = '\0';
	return 0;
}

/* A column's text appended to the string arena, NUL-terminated; *off
 * where it starts. */
static int
col_keep(struct oc_sqlpage *db, const struct payload *pl, const struct col *c,
    size_t *off)
{
	size_t n = (size_t)c->len;

	if (db->strscap - db->strslen < n + 1) {
		/* 2026.9.6's state database: 2.2 KB of table names */
		size_t cap = db->strscap ? db->strscap : 8192;

		while (cap - db->strslen < n + 1)
			cap *= 2;
		db->strs = oc_xrealloc(db->strs, cap);
		db->strscap = cap;
	}
	if (payload_read(db, pl, c->off, n,
	    (unsigned char *)db->strs + db->strslen) == -1)
		return -1;
	db->strs[db->strslen + n] = '\0';
	*off = db->strslen;
	db->strslen += n + 1;
	return 0;
}

/* Does the column hold exactly the text s (n bytes)? 1, 0, -1 error. */
static int
col_eq(struct oc_sqlpage *db, const struct payload *pl, const struct col *c,
    const char *s, size_t n)
{
	const unsigned char *in;
	char *t;
	int eq;

	if (!col_is_text(c) || c->len != n)
		return 0;
	if ((in = payload_local(pl, c->off, c->len)) != NULL)
		return memcmp(in, s, n) == 0;
	if (col_dup(db, pl, c, &t) == -1)
		return -1;
	eq = memcmp(t, s, n) == 0;
	oc_secret_wipe(t, n);
	free(t);
	return eq;
}

/* ---- sqlite_schema ---- */

static int
schema_row(struct oc_sqlpage *db, const struct payload *pl, void *arg)
{
	struct col c[5];
	struct table *t;
	int64_t root;
	int r;

	(void)arg;
	/* the type first: indexes, views and triggers go no further */
	if (record_cols(db, pl, c, 1) == -1)
		return -1;
	if ((r = col_eq(db, pl, &c[0], "table", 5)) != 1)
		return r;
	if (record_cols(db, pl, c, 5) == -1)
		return -1;
	if (!col_is_text(&c[1]) || !col_is_int(&c[3]) ||
	    (c[4].present && c[4].type != 0 && !col_is_text(&c[4])))
		return bad(db, "a sqlite_schema row is malformed");
	if (c[1].len > 65536 || c[4].len > VALUE_MAX)
		return bad(db, "a sqlite_schema row is too large");
	if (col_int(db, pl, &c[3], &root) == -1)
		return -1;
	if (root < 0 || root > (int64_t)db->npages)
		return bad(db, "a table's root page %lld is out of range",
		    (long long)root);
	if (db->ntables == db->tabcap) {
		db->tabcap = db->tabcap ? 2 * db->tabcap : 32;
		db->tables = oc_xrealloc(db->tables, db->tabcap *
		    sizeof *db->tables);
	}
	t = &db->tables[db->ntables++];
	memset(t, 0, sizeof *t);
	t->root = (uint32_t)root;
	t->namelen = (size_t)c[1].len;
	t->sql = NOSQL;
	t->has_sql = col_is_text(&c[4]);
	t->rowpg = pl->pg;
	t->rowcell = pl->cell;
	return col_keep(db, pl, &c[1], &t->name);
}

/* The CREATE TABLE text of t, from its sqlite_schema row (the snapshot
 * schema_row read it in), into the string arena. */
static int
table_sql(struct oc_sqlpage *db, struct table *t)
{
	struct bpage bp;
	struct payload pl;
	struct col c[5];

	if (t->sql != NOSQL)
		return 0;
	if (bpage_load(db, t->rowpg, lvl_buf(db, 0), &bp) == -1)
		return -1;
	if (bp.type != 0x0d || t->rowcell >= bp.ncells)
		return bad(db, "page %u: the sqlite_schema row moved", t->rowpg);
	if (leaf_cell(db, &bp, t->rowcell, &pl) == -1 ||
	    record_cols(db, &pl, c, 5) == -1)
		return -1;
	if (!col_is_text(&c[4]))
		return bad(db, "page %u: the sqlite_schema row moved", t->rowpg);
	return col_keep(db, &pl, &c[4], &t->sql);
}

static int
schema_load(struct oc_sqlpage *db)
{
	int r;

	if (db->schema_read)
		return 0;
	db->ntables = 0;	/* what a failed walk left */
	db->strslen = 0;
	if ((r = walk(db, 1, schema_row, NULL)) != 0)
		return r;
	db->schema_read = 1;
	return 0;
}

/* ---- CREATE TABLE: the column list ---- */

enum { T_END, T_ID, T_QUOTED, T_STRING, T_NUM, T_PUNCT, T_BAD };

struct tok {
	int type;
	const char *p;
	size_t n;
};

struct lex {
	const char *s, *end;
};

static int
idchar(unsigned char c)
{
	return c == '_' || c == '$' || c >= 0x80 || (c >= '0' && c <= '9') ||
	    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The next token; comments and white space skipped. */
static void
lex_next(struct lex *lx, struct tok *t)
{
	const char *s = lx->s, *e = lx->end;
	char q;

	for (;;) {
		while (s < e && *s != '\0' && strchr(" \t\n\r\f\v", *s) != NULL)
			s++;
		if (e - s >= 2 && s[0] == '-' && s[1] == '-') {
			while (s < e && *s != '\n')
				s++;
		} else if (e - s >= 2 && s[0] == '/' && s[1] == '*') {
			for (s += 2; e - s >= 2 && !(s[0] == '*' && s[1] == '/');
			    s++)
				;
			if (e - s < 2) {
				t->type = T_BAD;
				return;
			}
			s += 2;
		} else
			break;
	}
	t->p = s;
	if (s == e) {
		t->type = T_END;
		t->n = 0;
	} else if (*s == '"' || *s == '`' || *s == '[' || *s == '\'' ||
	    ((*s == 'x' || *s == 'X') && e - s >= 2 && s[1] == '\'')) {
		if (*s == 'x' || *s == 'X')
			s++;	/* a blob literal: a string here */
		q = *s == '[' ? ']' : *s;
		t->type = *s == '\'' ? T_STRING : T_QUOTED;
		for (s++; ; s++) {
			if (s == e) {
				t->type = T_BAD;
				return;
			}
			if (*s == q) {
				if (q != ']' && s + 1 < e && s[1] == q)
					s++;
				else
					break;
			}
		}
		s++;
	} else if ((*s >= '0' && *s <= '9') || (*s == '.' && s + 1 < e &&
	    s[1] >= '0' && s[1] <= '9')) {
		t->type = T_NUM;
		while (s < e && (idchar((unsigned char)*s) || *s == '.' ||
		    ((*s == '+' || *s == '-') && (s[-1] == 'e' ||
		    s[-1] == 'E'))))
			s++;
	} else if (idchar((unsigned char)*s)) {
		t->type = T_ID;
		while (s < e && idchar((unsigned char)*s))
			s++;
	} else {
		t->type = T_PUNCT;
		s++;
	}
	t->n = (size_t)(s - t->p);
	lx->s = s;
}

static int
is_kw(const struct tok *t, const char *kw)
{
	return t->type == T_ID && strlen(kw) == t->n &&
	    name_eq(t->p, kw, t->n);
}

static int
is_punct(const struct tok *t, char c)
{
	return t->type == T_PUNCT && t->p[0] == c;
}

/* A name token's text, unquoted, into buf; 0 if it is not a name. */
static int
tok_name(const struct tok *t, char *buf, size_t size)
{
	size_t i, n = 0;

	if (t->type == T_ID) {
		if (t->n >= size)
			return 0;
		memcpy(buf, t->p, t->n);
		buf[t->n] = '\0';
		return 1;
	}
	if (t->type != T_QUOTED && t->type != T_STRING)
		return 0;
	for (i = 1; i + 1 < t->n; i++) {
		if (n + 1 >= size)
			return 0;
		buf[n++] = t->p[i];
		if (t->p[0] != '[' && t->p[i] == t->p[0])
			i++;	/* a doubled quote */
	}
	buf[n] = '\0';
	return 1;
}

/* Skip a parenthesised group; t is at its "(" and ends after its ")". */
static int
skip_group(struct lex *lx, struct tok *t)
{
	int depth = 0;

	do {
		if (t->type == T_END || t->type == T_BAD)
			return -1;
		if (is_punct(t, '('))
			depth++;
		else if (is_punct(t, ')'))
			depth--;
		lex_next(lx, t);
	} while (depth > 0);
	return 0;
}

struct coldef {
	char name[256];
	char aff;		/* SQLite's affinity: 'i' 't' 'b' 'r' 'n' */
	int pk, has_default, collate;	/* collate: not BINARY */
};

struct tabdef {
	struct coldef *c;
	size_t n;
	char pk1[256];		/* the one column of a table PRIMARY KEY */
};

/* The affinity of a declared type, by SQLite's rules (datatype3.html). */
static char
affinity(const char *type)
{
	char u[256];
	size_t i;

	for (i = 0; type[i] != '\0' && i + 1 < sizeof u; i++)
		u[i] = type[i] >= 'a' && type[i] <= 'z' ?
		    (char)(type[i] - 'a' + 'A') : type[i];
	u[i] = '\0';
	if (strstr(u, "INT") != NULL)
		return 'i';
	if (strstr(u, "CHAR") || strstr(u, "CLOB") || strstr(u, "TEXT"))
		return 't';
	if (strstr(u, "BLOB") || u[0] == '\0')
		return 'b';
	if (strstr(u, "REAL") || strstr(u, "FLOA") || strstr(u, "DOUB"))
		return 'r';
	return 'n';
}

static int
is_colcons_kw(const struct tok *t)
{
	static const char *const kw[] = { "CONSTRAINT", "PRIMARY", "NOT",
	    "NULL", "UNIQUE", "CHECK", "DEFAULT", "COLLATE", "REFERENCES",
	    "GENERATED", "AS", NULL };
	size_t i;

	for (i = 0; kw[i] != NULL; i++)
		if (is_kw(t, kw[i]))
			return 1;
	return 0;
}

/* ON CONFLICT <resolution>, when t is at ON. */
static int
skip_conflict(struct lex *lx, struct tok *t)
{
	if (!is_kw(t, "ON"))
		return 0;
	lex_next(lx, t);
	if (!is_kw(t, "CONFLICT"))
		return -1;
	lex_next(lx, t);
	if (t->type != T_ID)
		return -1;
	lex_next(lx, t);
	return 0;
}

/* The tail of REFERENCES, t after the table name. */
static int
skip_fk(struct lex *lx, struct tok *t)
{
	if (is_punct(t, '(') && skip_group(lx, t) == -1)
		return -1;
	for (;;) {
		if (is_kw(t, "ON")) {
			lex_next(lx, t);
			if (!is_kw(t, "DELETE") && !is_kw(t, "UPDATE"))
				return -1;
			lex_next(lx, t);
			if (is_kw(t, "SET") || is_kw(t, "NO"))
				lex_next(lx, t);
			if (t->type != T_ID)
				return -1;
			lex_next(lx, t);
		} else if (is_kw(t, "MATCH")) {
			lex_next(lx, t);
			if (t->type != T_ID)
				return -1;
			lex_next(lx, t);
		} else if (is_kw(t, "NOT") || is_kw(t, "DEFERRABLE")) {
			if (is_kw(t, "NOT")) {
				lex_next(lx, t);
				if (!is_kw(t, "DEFERRABLE"))
					return -1;
			}
			lex_next(lx, t);
			if (is_kw(t, "INITIALLY")) {
				lex_next(lx, t);
				lex_next(lx, t);
			}
		} else
			return 0;
	}
}

/* One column definition, t at its name; ends at the item's "," or ")". */
static int
parse_column(struct lex *lx, struct tok *t, struct tabdef *td)
{
	struct coldef *c;
	char type[256];
	size_t tl = 0;

	td->c = oc_xrealloc(td->c, (td->n + 1) * sizeof *td->c);
	c = &td->c[td->n++];
	memset(c, 0, sizeof *c);
	if (!tok_name(t, c->name, sizeof c->name))
		return -1;
	/* the type name: identifiers, then an optional (n) or (n, m) */
	for (lex_next(lx, t); t->type == T_ID && !is_colcons_kw(t);
	    lex_next(lx, t)) {
		if (tl + t->n + 2 > sizeof type)
			return -1;
		memcpy(type + tl, t->p, t->n);
		tl += t->n;
		type[tl++] = ' ';
	}
	type[tl] = '\0';
	if (is_punct(t, '(') && tl > 0 && skip_group(lx, t) == -1)
		return -1;
	c->aff = affinity(type);
	for (;;) {
		if (t->type == T_END || t->type == T_BAD)
			return -1;
		if (is_punct(t, ',') || is_punct(t, ')'))
			return 0;
		if (is_kw(t, "CONSTRAINT")) {
			lex_next(lx, t);
			lex_next(lx, t);
		} else if (is_kw(t, "PRIMARY")) {
			lex_next(lx, t);
			if (!is_kw(t, "KEY"))
				return -1;
			c->pk = 1;
			lex_next(lx, t);
			if (is_kw(t, "ASC") || is_kw(t, "DESC"))
				lex_next(lx, t);
			if (skip_conflict(lx, t) == -1)
				return -1;
			if (is_kw(t, "AUTOINCREMENT"))
				lex_next(lx, t);
		} else if (is_kw(t, "NOT") || is_kw(t, "NULL") ||
		    is_kw(t, "UNIQUE")) {
			if (is_kw(t, "NOT")) {
				lex_next(lx, t);
				if (!is_kw(t, "NULL"))
					return -1;
			}
			lex_next(lx, t);
			if (skip_conflict(lx, t) == -1)
				return -1;
		} else if (is_kw(t, "CHECK")) {
			lex_next(lx, t);
			if (!is_punct(t, '(') || skip_group(lx, t) == -1)
				return -1;
		} else if (is_kw(t, "DEFAULT")) {
			c->has_default = 1;
			lex_next(lx, t);
			if (is_punct(t, '(')) {
				if (skip_group(lx, t) == -1)
					return -1;
			} else {
				if (is_punct(t, '+') || is_punct(t, '-'))
					lex_next(lx, t);
				if (t->type != T_ID && t->type != T_NUM &&
				    t->type != T_STRING)
					return -1;
				lex_next(lx, t);
			}
		} else if (is_kw(t, "COLLATE")) {
			lex_next(lx, t);
			if (t->type == T_END || t->type == T_BAD)
				return -1;
			if (!is_kw(t, "BINARY"))
				c->collate = 1;
			lex_next(lx, t);
		} else if (is_kw(t, "REFERENCES")) {
			lex_next(lx, t);
			lex_next(lx, t);
			if (skip_fk(lx, t) == -1)
				return -1;
		} else	/* GENERATED ... AS: not stored in order; or unknown */
			return -1;
	}
}

/* A table constraint, t at its first word; ends at "," or ")". */
static int
parse_tcons(struct lex *lx, struct tok *t, struct tabdef *td)
{
	char name[256];
	int ncols = 0;

	while (!is_punct(t, ',') && !is_punct(t, ')')) {
		if (t->type == T_END || t->type == T_BAD)
			return -1;
		if (is_kw(t, "PRIMARY")) {
			lex_next(lx, t);
			if (!is_kw(t, "KEY"))
				return -1;
			lex_next(lx, t);
			if (!is_punct(t, '('))
				return -1;
			/* indexed columns: name [COLLATE x] [ASC|DESC], ... */
			for (lex_next(lx, t); !is_punct(t, ')');) {
				if (!tok_name(t, name, sizeof name))
					return -1;
				if (ncols++ == 0)
					memcpy(td->pk1, name, sizeof name);
				else
					td->pk1[0] = '\0';
				for (lex_next(lx, t); !is_punct(t, ',') &&
				    !is_punct(t, ')'); lex_next(lx, t))
					if (t->type == T_END ||
					    t->type == T_BAD ||
					    is_punct(t, '('))
						return -1;
				if (is_punct(t, ','))
					lex_next(lx, t);
			}
			lex_next(lx, t);
		} else if (is_punct(t, '(')) {
			if (skip_group(lx, t) == -1)
				return -1;
		} else
			lex_next(lx, t);
	}
	return 0;
}

/*
 * The column list of a CREATE TABLE statement as sqlite_schema keeps it.
 * 0, or 1 when it is not one this reader can be sure of.
 */
static int
parse_create(const char *sql, struct tabdef *td)
{
	struct lex lx = { sql, sql + strlen(sql) };
	struct tok t;
	int cons = 0;

	memset(td, 0, sizeof *td);
	lex_next(&lx, &t);
	if (!is_kw(&t, "CREATE"))
		return 1;
	lex_next(&lx, &t);
	if (!is_kw(&t, "TABLE"))
		return 1;
	lex_next(&lx, &t);
	if (t.type != T_ID && t.type != T_QUOTED && t.type != T_STRING)
		return 1;
	lex_next(&lx, &t);
	if (is_punct(&t, '.')) {
		lex_next(&lx, &t);
		lex_next(&lx, &t);
	}
	if (!is_punct(&t, '('))
		return 1;
	do {
		lex_next(&lx, &t);
		if (is_kw(&t, "CONSTRAINT") || is_kw(&t, "PRIMARY") ||
		    is_kw(&t, "UNIQUE") || is_kw(&t, "CHECK") ||
		    is_kw(&t, "FOREIGN"))
			cons = 1;
		if (cons ? parse_tcons(&lx, &t, td) : parse_column(&lx, &t,
		    td))
			return 1;
	} while (is_punct(&t, ','));
	if (!is_punct(&t, ')'))
		return 1;
	/* table options: STRICT, WITHOUT ROWID (not for this reader) */
	for (lex_next(&lx, &t); t.type != T_END; lex_next(&lx, &t))
		if (!is_kw(&t, "STRICT") && !is_punct(&t, ','))
			return 1;
	return td->n == 0;
}

/* ---- the public functions ---- */

/* A -1 from the reads: a change, or what it says. */
static int
finish(struct oc_sqlpage *db, int r, const char **why)
{
	if (r == -1 && stale(db)) {
		db->changed = 1;
		r = unsup(db, WHY_CHANGED);
	} else if (r == -1 && db->detail[0] != '\0')
		oc_err_set(db->err, OC_EX_DATAERR, "%s: not a readable SQLite "
		    "database (%s)", db->path, db->detail);
	if (r == 1 && why != NULL)
		*why = db->why;
	db->detail[0] = '\0';
	return r;
}

/* The fixed part of a database header (file or page 1 through the WAL). */
static int
hdr_check(struct oc_sqlpage *db, const unsigned char *h)
{
	uint32_t sz = be16(h + 16);

	if (memcmp(h, "SQLite format 3", 16) != 0)
		return bad(db, "not an SQLite file");
	if (sz == 1)
		sz = 65536;
	if (sz < 512 || sz > 65536 || (sz & (sz - 1)) != 0)
		return bad(db, "page size %u", sz);
	if (h[21] != 64 || h[22] != 32 || h[23] != 32 || sz - h[20] < 480)
		return bad(db, "invalid header");
	if (db->pgsz != 0 && (sz != db->pgsz || sz - h[20] != db->usable))
		return unsup(db, "a page 1 in the WAL with another page size");
	db->pgsz = sz;
	db->usable = sz - h[20];
	if (h[18] != 2 || h[19] != 2)
		return unsup(db, "not in WAL mode");
	if (be32(h + 56) != 1)
		return unsup(db, "not UTF-8");
	return 0;
}

/* The clock the kernel stamps file times with; -1 if there is none. */
static int64_t
clock_ns(void)
{
	struct timespec now;
	int r;

#ifdef CLOCK_REALTIME_COARSE
	r = clock_gettime(CLOCK_REALTIME_COARSE, &now);
#else
	r = clock_gettime(CLOCK_REALTIME, &now);
#endif
	return r == -1 ? -1 : ts_ns(&now);
}

/* Would any write after the clock read now move the file's mtime or
 * ctime? Only if one of them is already older than now, by more than a
 * clock tick (a second where the file system keeps whole seconds). */
static int
timestamps_settled(const struct stat *st, int64_t now)
{
	int64_t margin = RACY_NS;

	if (now == -1)
		return 0;
	if (st->st_mtim.tv_nsec == 0 && st->st_ctim.tv_nsec == 0)
		margin = RACY_SEC_NS;
	return ts_ns(&st->st_mtim) + margin <= now ||
	    ts_ns(&st->st_ctim) + margin <= now;
}

static int
open_snapshot(struct oc_sqlpage *db)
{
	unsigned char p1[100];
	uint32_t nfile, n;
	int64_t now = clock_ns();	/* before the stat it judges */
	ssize_t got;
	long mx;
	int try, r;

	if ((db->fd = open(db->path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(db->fd, &db->st) == -1)
		return ioerr(db, db->path);
	if (!S_ISREG(db->st.st_mode)) {
		oc_err_set(db->err, OC_EX_DATAERR, "%s: not a regular file",
		    db->path);
		return -1;
	}
	if (db->st.st_size == 0)
		return unsup(db, "an empty file (a database not made yet)");
	if ((got = rd(db->fd, db->dbhdr, 100, 0)) == -1)
		return ioerr(db, db->path);
	db->dbhdr_n = (size_t)got;
	if (got < 100)
		return bad(db, "shorter than its header");
	if ((r = hdr_check(db, db->dbhdr)) != 0)
		return r;
	for (try = 0; ; try++) {
		if (try == OPEN_TRIES)
			return unsup(db, "the WAL was being written");
		shm_read(db->shmpath, &db->shm);
		if ((r = wal_scan(db)) != 0)
			return r;
		/* a live WAL index must agree with the WAL file */
		mx = shm_mx(&db->shm, db->wal_valid ? db->walhdr : NULL);
		if (mx == -1 || mx == (long)db->wal_mx)
			break;
	}
	db->scanned = 1;
	nfile = db->wal_mx > 0 ? db->npages : (uint32_t)(db->st.st_size /
	    db->pgsz);
	db->npages = nfile;
	if (nfile == 0)
		return bad(db, "shorter than a page");
	if (page_read(db, 1, 0, 100, p1) == -1)
		return -1;
	if ((r = hdr_check(db, p1)) != 0)
		return r;
	n = be32(p1 + 28);
	if (n != 0 && memcmp(p1 + 24, p1 + 92, 4) == 0) {
		if (n > nfile)
			return bad(db, "truncated: %u of %u pages", nfile, n);
		db->npages = n;
	}
	db->user_version = (long)(int32_t)be32(p1 + 60);
	if (!db->wal_valid && !timestamps_settled(&db->st, now))
		return unsup(db, "written a moment ago: its timestamps "
		    "cannot prove a snapshot yet");
	return 0;
}

static void
sqlpage_free(struct oc_sqlpage *db)
{
	size_t i;

	if (db == NULL)
		return;
	if (db->fd != -1)
		close(db->fd);
	wal_forget(db);
	for (i = 0; i < DEPTH_MAX; i++)
		if (db->lvl[i] != NULL) {
			oc_secret_wipe(db->lvl[i], db->pgsz);
			free(db->lvl[i]);
		}
	if (db->ov != NULL) {
		oc_secret_wipe(db->ov, db->pgsz);
		free(db->ov);
	}
	if (db->rec != NULL) {
		oc_secret_wipe(db->rec, db->reccap);
		free(db->rec);
	}
	for (i = 0; i < db->ntables; i++)
		if (db->tables[i].td != NULL) {
			free(db->tables[i].td->c);
			free(db->tables[i].td);
		}
	free(db->tables);
	free(db->strs);
	free(db->seen.v);
	free(db->chain.v);
	free(db->path);
	free(db->walpath);
	free(db->shmpath);
	free(db);
}

int
oc_sqlpage_open(const char *path, struct oc_sqlpage **out, const char **why,
    struct oc_err *err)
{
	struct oc_sqlpage *db;
	int r;

	*out = NULL;
	*why = NULL;
	db = oc_xcalloc(1, sizeof *db);
	db->fd = db->walfd = -1;
	db->err = err;
	db->path = oc_xstrdup(path);
	db->walpath = oc_xasprintf("%s-wal", path);
	db->shmpath = oc_xasprintf("%s-shm", path);
	r = open_snapshot(db);
	/* a structure found corrupt after the WAL was read may be a view
	 * torn by a writer; before, there is nothing to compare with */
	if (r == -1 && db->detail[0] != '\0' && db->scanned && stale(db))
		r = unsup(db, WHY_CHANGED);
	else if (r == -1 && db->detail[0] != '\0')
		oc_err_set(err, OC_EX_DATAERR, "%s: not a readable SQLite "
		    "database (%s)", path, db->detail);
	if (r != 0) {
		if (r == 1)
			*why = db->why;
		sqlpage_free(db);
		return r;
	}
	*out = db;
	return 0;
}

long
oc_sqlpage_user_version(const struct oc_sqlpage *db)
{
	return db->user_version;
}

int
oc_sqlpage_has_table(struct oc_sqlpage *db, const char *table, int *present,
    const char **why, struct oc_err *err)
{
	size_t i, n;
	int r;

	*present = 0;
	db->err = err;
	if ((r = schema_load(db)) != 0)
		return finish(db, r, why);
	n = strlen(table);
	for (i = 0; i < db->ntables && !*present; i++)
		if (db->tables[i].namelen == n &&
		    memcmp(db->strs + db->tables[i].name, table, n) == 0)
			*present = 1;	/* sqlite_schema.name=?1: BINARY */
	return 0;
}

/* The search of one table for one key. */
struct search {
	const char *table, *key;
	size_t klen;
	unsigned ki, vi, ncols;
	const struct coldef *kc, *vc;
	char *out;
	size_t len;
	int found;
	int null_ok;		/* a NULL value reads as no row */
};

static int
search_row(struct oc_sqlpage *db, const struct payload *pl, void *arg)
{
	struct search *s = arg;
	struct col c[2], all[64], *cols = all;
	const struct col *k, *v;
	int64_t iv;
	int r;

	if (s->ncols > 64)
		cols = oc_xcalloc(s->ncols, sizeof *cols);
	r = record_cols(db, pl, cols, s->ncols);
	c[0] = cols[s->ki];
	c[1] = cols[s->vi];
	if (cols != all)
		free(cols);
	if (r == -1)
		return -1;
	k = &c[0];
	v = &c[1];
	if (!k->present && s->kc->has_default)
		return unsup(db, "a row made before its key column was added");
	if ((r = col_eq(db, pl, k, s->key, s->klen)) != 1)
		return r;
	if (s->found++)
		return unsup(db, "more than one row with that key");
	if (!v->present && s->vc->has_default)
		return unsup(db, "a row made before its value column was "
		    "added");
	if ((!v->present || v->type == 0) && s->null_ok)
		return 0;
	if (!v->present || v->type == 0) {
		oc_err_set(db->err, OC_EX_DATAERR, "%s: %s row %s: not text",
		    db->path, s->table, s->key);
		return -1;
	}
	if (v->type == 7)
		return unsup(db, "a REAL value");
	if (col_is_int(v)) {
		if (col_int(db, pl, v, &iv) == -1)
			return -1;
		s->out = oc_xasprintf("%lld", (long long)iv);
		s->len = strlen(s->out);
		return 0;
	}
	if (v->len > VALUE_MAX) {
		oc_err_set(db->err, OC_EX_DATAERR, "%s: %s row %s: larger than "
		    "64 MiB", db->path, s->table, s->key);
		return -1;
	}
	if (col_dup(db, pl, v, &s->out) == -1)
		return -1;
	s->len = (size_t)v->len;
	return 0;
}

/* Column name lookup, ASCII case-insensitive as SQLite resolves names. */
static int
col_index(const struct tabdef *td, const char *name, unsigned *i)
{
	for (*i = 0; *i < td->n; (*i)++)
		if (name_ieq(td->c[*i].name, name))
			return 1;
	return 0;
}

/* Could column i be the rowid (an INTEGER PRIMARY KEY)? */
static int
col_rowid(const struct tabdef *td, unsigned i)
{
	return td->c[i].aff == 'i' && (td->c[i].pk ||
	    name_ieq(td->pk1, td->c[i].name));
}

static int
get_text(struct oc_sqlpage *db, const char *table, const char *keycol,
    const char *valcol, const char *key, int null_ok, char **out,
    size_t *len, const char **why, struct oc_err *err)
{
	struct search s;
	struct tabdef *td = NULL;
	struct table *t = NULL;
	size_t i, n = strlen(table);
	int r;

	*out = NULL;
	*len = 0;
	db->err = err;
	memset(&s, 0, sizeof s);
	if ((r = schema_load(db)) != 0)
		return finish(db, r, why);
	for (i = 0; i < db->ntables; i++)
		if (db->tables[i].namelen == n &&
		    name_eq(db->strs + db->tables[i].name, table, n))
			t = &db->tables[i];
	/* the column list, parsed at the table's first query */
	if (t != NULL && t->root != 0 && t->has_sql && t->td == NULL) {
		if ((r = table_sql(db, t)) != 0)
			goto out;
		t->td = oc_xmalloc(sizeof *t->td);
		memset(t->td, 0, sizeof *t->td);
		t->td_ok = parse_create(db->strs + t->sql, t->td) == 0;
	}
	if (t != NULL)
		td = t->td;
	if (t == NULL)
		r = unsup(db, "no such table");
	else if (t->root == 0 || !t->has_sql)
		r = unsup(db, "a virtual table");
	else if (!t->td_ok)
		r = unsup(db, "a CREATE TABLE this reader does not understand");
	else if (!col_index(td, keycol, &s.ki) ||
	    !col_index(td, valcol, &s.vi))
		r = unsup(db, "no such column");
	else if (col_rowid(td, s.ki) || col_rowid(td, s.vi))
		r = unsup(db, "an INTEGER PRIMARY KEY column");
	else if (td->c[s.ki].collate)
		r = unsup(db, "a key column with a collation");
	else if (td->c[s.ki].aff != 't' && td->c[s.ki].aff != 'b')
		r = unsup(db, "a key column of numeric affinity");
	if (r != 0)
		goto out;
	s.table = table;
	s.key = key;
	s.null_ok = null_ok;
	s.klen = strlen(key);
	s.ncols = (s.ki > s.vi ? s.ki : s.vi) + 1;
	s.kc = &td->c[s.ki];
	s.vc = &td->c[s.vi];
	if ((r = walk(db, t->root, search_row, &s)) == 0) {
		*out = s.out;
		*len = s.len;
		s.out = NULL;
	}
out:
	if (s.out != NULL) {
		oc_secret_wipe(s.out, s.len);
		free(s.out);
	}
	return finish(db, r, why);
}

int
oc_sqlpage_get_text(struct oc_sqlpage *db, const char *table,
    const char *keycol, const char *valcol, const char *key, char **out,
    size_t *len, const char **why, struct oc_err *err)
{
	return get_text(db, table, keycol, valcol, key, 0, out, len, why, err);
}

int
oc_sqlpage_get_text_or_null(struct oc_sqlpage *db, const char *table,
    const char *keycol, const char *valcol, const char *key, char **out,
    size_t *len, const char **why, struct oc_err *err)
{
	return get_text(db, table, keycol, valcol, key, 1, out, len, why, err);
}

int
oc_sqlpage_stale(struct oc_sqlpage *db)
{
	if (db == NULL)
		return 0;
	if (!db->changed && stale(db))
		db->changed = 1;
	return db->changed;
}

void
oc_sqlpage_discard(struct oc_sqlpage *db)
{
	if (db != NULL)
		sqlpage_free(db);
}

int
oc_sqlpage_close(struct oc_sqlpage *db)
{
	int changed;

	if (db == NULL)
		return 0;
	changed = oc_sqlpage_stale(db);
	sqlpage_free(db);
	return changed;
}
