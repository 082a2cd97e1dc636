#!/bin/sh
# SPDX-License-Identifier: ISC
# common/sqlpage.c, the reader of the SQLite file format, against
# libsqlite3 (tests/progs/sqlpage-get -s) on databases the sqlite3 CLI
# makes: value sizes and page sizes, deep b-trees, reserved bytes,
# auto_vacuum, WAL contents (committed, uncommitted, torn, stale), what it
# hands back to libsqlite3, corrupt files, a writer racing the reader, and
# the databases of the cached OpenClaw homes.
. "${OC_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
GET=$OC_BUILDDIR/tests/progs/sqlpage-get
# In a sanitizer build a memory error must not pass for "absent" (exit 1).
ASAN_OPTIONS="exitcode=86:${ASAN_OPTIONS:-}"
UBSAN_OPTIONS="exitcode=86:${UBSAN_OPTIONS:-}"
export ASAN_OPTIONS UBSAN_OPTIONS

if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "1..0 # SKIP sqlite3 (the CLI, package sqlite3) not installed: no databases to read"
	exit 0
fi
t_home
D=$T_TMP/db
mkdir -p "$D" "$T_TMP/cp"

# A database whose WAL is gone is proved unchanged by its timestamps, which
# the reader trusts only once they are older than a clock tick; a test
# that reads a database it has just written back-dates it instead of
# sleeping.
settle() { touch -d '-10 seconds' "$@"; }

# mkdb NAME SQL: a WAL-mode database made by the sqlite3 CLI (on exit it
# checkpoints and removes its WAL). SQL runs before journal_mode=WAL, so it
# can set the page size, auto_vacuum or the encoding first.
mkdb() {
	rm -f "$D/$1" "$D/$1-wal" "$D/$1-shm"
	printf '%s\nPRAGMA journal_mode=WAL;\n%s\n' "${3:-}" "$2" |
	    sqlite3 -bail "$D/$1" >/dev/null && settle "$D/$1"
}

# reader ARGS / viasql ARGS: run sqlpage-get; $rc, $T_TMP/.out. viasql reads
# a copy, so that libsqlite3 (which may write the -shm, or checkpoint)
# leaves the original as the reader saw it.
reader() { run "$GET" "$@"; }
viasql() {
	local c=$T_TMP/cp/x.db db
	rm -f "$T_TMP/cp/"*
	case $1 in -t) db=$3 ;; -u) db=$2 ;; *) db=$1 ;; esac
	cp "$db" "$c"
	[ -e "$db-wal" ] && cp "$db-wal" "$c-wal"
	case $1 in
	-t) run "$GET" -s -t "$2" "$c" ;;
	-u) run "$GET" -s -u "$c" ;;
	*) shift; run "$GET" -s "$c" "$@" ;;
	esac
}

# same DESC ARGS...: the reader and libsqlite3 give the same exit code and
# the same bytes (and the reader is not handing the lookup back).
same() {
	local desc=$1 rr
	shift
	reader "$@"
	rr=$rc
	cp "$T_TMP/.out" "$T_TMP/r.out"
	cp "$T_TMP/.err" "$T_TMP/r.err"
	viasql "$@"
	if [ "$rr" = "$rc" ] && [ "$rr" != 2 ] && cmp -s "$T_TMP/r.out" "$T_TMP/.out"; then
		ok 0 "$desc"
	else
		ok 1 "$desc"
		diag "reader: exit $rr, $(wc -c <"$T_TMP/r.out") bytes, $(cat "$T_TMP/r.err")"
		diag "sqlite: exit $rc, $(wc -c <"$T_TMP/.out") bytes, $err"
	fi
}

# handback DESC ARGS...: the reader returns 1 (exit 2), naming a reason.
handback() {
	local desc=$1
	shift
	reader "$@"
	is "$rc" 2 "$desc"
	[ "$rc" = 2 ] || diag "$err"
}

# corrupt DESC ARGS...: an error (65) or a hand-back (2), never a crash.
corrupt() {
	local desc=$1
	shift
	reader "$@"
	case $rc in
	2|65) ok 0 "$desc (exit $rc: ${err#sqlpage-get: })" ;;
	*) ok 1 "$desc"; diag "exit $rc: $err" ;;
	esac
}

# poke FILE OFFSET OCTAL-ESCAPES: overwrite bytes in place.
poke() {
	printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

T="CREATE TABLE config_machine_state (
      state_key TEXT NOT NULL PRIMARY KEY,
      value_json TEXT NOT NULL,
      updated_at_ms INTEGER NOT NULL
    ) STRICT;"
CMS="config_machine_state state_key value_json"

# --- small values, absent keys and tables, user_version
mkdb small "$T
INSERT INTO config_machine_state VALUES('authProfiles.store','{\"version\":1,\"profiles\":{}}',1);
INSERT INTO config_machine_state VALUES('auth.sharedStore','{\"location\":\"state-db\"}',2);
INSERT INTO config_machine_state VALUES('empty','',3);
INSERT INTO config_machine_state VALUES('utf8','{\"label\":\"café ☕ 𝄞\"}',4);
PRAGMA user_version=18;"
same "a small value" "$D/small" $CMS authProfiles.store
is "$(cat "$T_TMP/r.out")" '{"version":1,"profiles":{}}' "  and it is the value"
same "another row" "$D/small" $CMS auth.sharedStore
same "an empty value" "$D/small" $CMS empty
same "UTF-8 text, byte for byte" "$D/small" $CMS utf8
same "a key that is absent" "$D/small" $CMS authProfiles.state
is "$rc" 1 "  is absent (exit 1)"
same "a key that differs only in case is absent" "$D/small" $CMS AUTHPROFILES.STORE
same "a table name in another case, as SQL resolves it" "$D/small" CONFIG_MACHINE_STATE STATE_KEY VALUE_JSON empty
same "user_version" -u "$D/small"
is "$(cat "$T_TMP/r.out")" 18 "  is 18"
same "has_table: present" -t config_machine_state "$D/small"
is "$rc" 0 "  exit 0"
same "has_table: absent" -t auth_profile_store "$D/small"
is "$rc" 1 "  exit 1"
same "has_table: exact name (sqlite_master.name=?1 is BINARY)" -t CONFIG_MACHINE_STATE "$D/small"
reader "$D/nonexistent.sqlite" $CMS x
is "$rc" 66 "a missing file: exit 66"
is "$err" "sqlpage-get: $D/nonexistent.sqlite: No such file or directory" "  named in the message"

# --- values that do not fit a page: overflow chains, in three page sizes
for ps in 512 4096 65536; do
	mkdb "big$ps" "$T
INSERT INTO config_machine_state VALUES('k1', hex(randomblob(512)), 1);
INSERT INTO config_machine_state VALUES('k5', hex(randomblob(2560)), 1);
INSERT INTO config_machine_state VALUES('k100', hex(randomblob(51200)), 1);
INSERT INTO config_machine_state VALUES('k2m', hex(randomblob(1048576)), 1);
INSERT INTO config_machine_state VALUES('after', 'tail', 1);" "PRAGMA page_size=$ps;"
	for k in k1 k5 k100 k2m after; do
		same "page size $ps: value $k" "$D/big$ps" $CMS $k
	done
done
is "$(wc -c <"$T_TMP/r.out")" 4 "the row after a 2 MiB one"
reader "$D/big512" $CMS k2m
is "$(wc -c <"$T_TMP/.out")" 2097152 "a 2 MiB value in 512-byte pages, whole"

# --- a schema of many leaf pages: the reader keeps each table's name and
# where its sqlite_schema row is, and reads the CREATE TABLE text from
# there at the table's first query; here the text of "late" runs onto
# overflow pages, and "early" is queried after it, from the first leaf
cols=$(awk 'BEGIN { for (i = 0; i < 150; i++) printf "c%03d_a_long_column_name TEXT, ", i }')
fill=$(awk 'BEGIN { for (i = 0; i < 120; i++) printf "CREATE TABLE f%03d (a TEXT, b TEXT, c TEXT); CREATE INDEX f%03d_i ON f%03d (a, b);\n", i, i, i }')
mkdb schema "CREATE TABLE early (k TEXT PRIMARY KEY, v TEXT);
INSERT INTO early VALUES ('a', 'first leaf');
$fill
CREATE TABLE late ($cols k TEXT PRIMARY KEY, v TEXT);
INSERT INTO late (k, v) VALUES ('a', 'after an overflowing CREATE TABLE');" "PRAGMA page_size=512;"
is "$(sqlite3 "$D/schema" "SELECT length(sql) > 512 FROM sqlite_schema WHERE name = 'late'")" 1 "  the text of late does not fit a 512-byte page"
same "a table after 240 schema rows, its CREATE TABLE on overflow pages" "$D/schema" late k v a
same "  then a table of the first schema leaf" "$D/schema" early k v a
same "  then late again" "$D/schema" late k v a
same "  a column of late past its 150th" "$D/schema" late k c149_a_long_column_name a

# --- deep table b-trees (interior pages on several levels)
mkdb deep "CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT NOT NULL) STRICT;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
INSERT INTO t SELECT 'key' || i, printf('%d:', i) || hex(randomblob(60)) FROM n;" "PRAGMA page_size=512;"
for k in key1 key2 key9999 key10000 key19999 key20000 key20001; do
	same "20000 rows in 512-byte pages: $k" "$D/deep" t k v $k
done
levels=$(sqlite3 "$D/deep" "SELECT count(*) FROM dbstat WHERE name='t' AND pagetype='internal'" 2>/dev/null)
if [ -n "$levels" ]; then
	ok "$([ "$levels" -gt 100 ]; echo $?)" "  the table has $levels interior pages"
else
	skip "this sqlite3 has no dbstat: interior pages not counted"
fi

# --- reserved bytes at the end of each page
rm -f "$D/reserve"*
printf '%s\n' "PRAGMA journal_mode=WAL;" "$T" \
    "INSERT INTO config_machine_state VALUES('a', hex(randomblob(3000)), 1), ('b', 'small', 2);" |
    sqlite3 -bail -cmd '.filectrl reserve_bytes 8' "$D/reserve" >/dev/null
settle "$D/reserve"
if [ "$(od -A n -t u1 -j 20 -N 1 "$D/reserve" | tr -d ' ')" = 8 ]; then
	same "8 reserved bytes a page: an overflowing value" "$D/reserve" $CMS a
	same "8 reserved bytes a page: a small value" "$D/reserve" $CMS b
else
	skip "this sqlite3 cannot set reserved bytes (.filectrl reserve_bytes)"
	skip "this sqlite3 cannot set reserved bytes (.filectrl reserve_bytes)"
fi

# --- auto_vacuum=INCREMENTAL: pointer-map pages among the b-tree pages
mkdb vacuum "$T
INSERT INTO config_machine_state VALUES('a', hex(randomblob(30000)), 1);
INSERT INTO config_machine_state VALUES('b', hex(randomblob(30000)), 1);
DELETE FROM config_machine_state WHERE state_key='a';
INSERT INTO config_machine_state VALUES('c', hex(randomblob(8000)), 1);
PRAGMA incremental_vacuum(2);" "PRAGMA page_size=1024; PRAGMA auto_vacuum=2;"
same "auto_vacuum=2 (ptrmap pages): a value" "$D/vacuum" $CMS b
same "auto_vacuum=2: a value written after a delete" "$D/vacuum" $CMS c
same "auto_vacuum=2: the deleted row is absent" "$D/vacuum" $CMS a

# --- the tables of OpenClaw's era: non-STRICT, quoted names, constraints
mkdb odd "CREATE TABLE \"odd \"\"table\"\"\" ( -- a comment, with (parens
  [key col] TEXT NOT NULL CONSTRAINT pk PRIMARY KEY ON CONFLICT ABORT,
  n INTEGER DEFAULT (1 + (2 * 3)) CHECK (n > (0 - (1))),
  \`va\`\`l\` TEXT CHECK (length(\`va\`\`l\`) < (1 << (20 + 6))) /* ) */,
  'w' VARCHAR(10, 2) COLLATE NOCASE DEFAULT 'x,y',
  CONSTRAINT c CHECK ((n) <> -1),
  UNIQUE (n, 'w')
);
INSERT INTO \"odd \"\"table\"\"\" VALUES ('k', 5, 'the value', 'W');
INSERT INTO \"odd \"\"table\"\"\" VALUES ('k2', 6, NULL, 'W2');
CREATE TABLE loose (k, v);
INSERT INTO loose VALUES ('int', 42), ('neg', -7), ('blob', x'6869'), ('text', 'plain'), (5, 'five');"
same "quoted names, nested parentheses in CHECK and DEFAULT" "$D/odd" 'odd "table"' 'key col' 'va`l' k
is "$(cat "$T_TMP/r.out")" 'the value' "  is the value"
same "a column after a COLLATE one" "$D/odd" 'odd "table"' 'key col' w k
same "a NULL value: not text, as store-sqlite.c says" "$D/odd" 'odd "table"' 'key col' 'va`l' k2
is "$rc" 65 "  exit 65"
same "an untyped table: an integer value as text" "$D/odd" loose k v int
same "an untyped table: a negative integer" "$D/odd" loose k v neg
same "an untyped table: a blob value's bytes" "$D/odd" loose k v blob
same "an untyped table: the integer key 5 does not equal the text '5'" "$D/odd" loose k v 5
handback "a key column with a collation is left to libsqlite3" "$D/odd" 'odd "table"' w 'key col' W

# --- what the reader hands back to libsqlite3
rm -f "$D/rollback"
printf '%s\n' "$T" "INSERT INTO config_machine_state VALUES('a','b',1);" | sqlite3 "$D/rollback"
settle "$D/rollback"
handback "a rollback-journal database" "$D/rollback" $CMS a
like "$err" "not in WAL mode" "  says why"
mkdb utf16 "$T INSERT INTO config_machine_state VALUES('a','b',1);" "PRAGMA encoding='UTF-16le';"
handback "a UTF-16 database" "$D/utf16" $CMS a
like "$err" "not UTF-8" "  says why"
mkdb norowid "CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;
INSERT INTO t VALUES ('a', 'b');
CREATE TABLE ipk (k INTEGER PRIMARY KEY, v TEXT);
CREATE TABLE ipk2 (v TEXT, k INTEGER, PRIMARY KEY (k));
CREATE TABLE num (k NUMERIC, v TEXT);
CREATE TABLE gen (k TEXT, v TEXT AS (k || 'x'));
CREATE VIRTUAL TABLE vt USING fts4(k, v);
CREATE TABLE later (k TEXT, v TEXT);
INSERT INTO later VALUES ('a', 'b');
ALTER TABLE later ADD COLUMN w TEXT DEFAULT 'dflt';
ALTER TABLE later ADD COLUMN z TEXT;"
handback "a WITHOUT ROWID table" "$D/norowid" t k v a
handback "an INTEGER PRIMARY KEY value column (the rowid)" "$D/norowid" ipk v k x
handback "an INTEGER PRIMARY KEY by table constraint" "$D/norowid" ipk2 v k x
handback "a key column of NUMERIC affinity" "$D/norowid" num k v 1
handback "a table with a generated column" "$D/norowid" gen k v a
handback "a virtual table" "$D/norowid" vt k v a
handback "a value that would be a column's DEFAULT (added later)" "$D/norowid" later k w a
same "a column added later without a default is NULL" "$D/norowid" later k z a
same "has_table sees a WITHOUT ROWID table" -t t "$D/norowid"

# --- WAL contents: the latest data only in the WAL, a live writer
mkdb wal "$T
INSERT INTO config_machine_state VALUES('k', 'in the database file', 1);
INSERT INTO config_machine_state VALUES('big', hex(randomblob(20000)), 1);"
snap() { cp "$D/wal" "$D/snap$1"; cp "$D/wal-wal" "$D/snap$1-wal"; settle "$D/snap$1"; }
fsz=$((4096 + 24))
sqlite3 -bail "$D/wal" >"$T_TMP/writer.out" 2>&1 <<EOF
PRAGMA wal_autocheckpoint=0;
UPDATE config_machine_state SET value_json='only in the WAL (1)' WHERE state_key='k';
.shell $GET "$D/wal" $CMS k >"$T_TMP/live1.out" 2>"$T_TMP/live1.err"; echo \$? >"$T_TMP/live1.rc"
.shell cp "$D/wal" "$D/snap1"; cp "$D/wal-wal" "$D/snap1-wal"
UPDATE config_machine_state SET value_json=hex(randomblob(20000)) || 'two' WHERE state_key='big';
UPDATE config_machine_state SET value_json='only in the WAL (2)' WHERE state_key='k';
.shell cp "$D/wal" "$D/snap2"; cp "$D/wal-wal" "$D/snap2-wal"
EOF
is "$(cat "$T_TMP/writer.out")" 0 "the writer ran (wal_autocheckpoint=0)"
is "$(cat "$T_TMP/live1.rc"):$(cat "$T_TMP/live1.out")" "0:only in the WAL (1)" \
    "read beside a live writer (its -shm) from the WAL"
settle "$D/snap1" "$D/snap2"
same "a value committed only to the WAL" "$D/snap1" $CMS k
is "$(cat "$T_TMP/r.out")" "only in the WAL (1)" "  is the WAL's"
same "a later commit in the same WAL" "$D/snap2" $CMS k
same "an overflowing value rewritten in the WAL" "$D/snap2" $CMS big
s1=$(stat -c %s "$D/snap1-wal")
s2=$(stat -c %s "$D/snap2-wal")
ok "$([ $(( (s2 - s1) / fsz )) -ge 3 ]; echo $?)" "  the later transactions wrote $(( (s2 - s1) / fsz )) frames"

# uncommitted: the last transaction cut at a frame boundary before its commit
cp "$D/snap2" "$D/cut"; cp "$D/snap2-wal" "$D/cut-wal"
truncate -s $((s2 - fsz)) "$D/cut-wal"
settle "$D/cut"
same "frames after the last commit frame are ignored" "$D/cut" $CMS k
is "$(cat "$T_TMP/r.out")" "only in the WAL (1)" "  the earlier commit's value"
same "  and the overflowing value of the commit before" "$D/cut" $CMS big
cp "$D/snap2-wal" "$D/cut-wal"
truncate -s $((s2 - 100)) "$D/cut-wal"
same "a torn last frame: the transaction is not there" "$D/cut" $CMS k
is "$(cat "$T_TMP/r.out")" "only in the WAL (1)" "  the earlier commit's value"
cp "$D/snap2-wal" "$D/cut-wal"
head -c 10000 /dev/urandom >>"$D/cut-wal"
same "garbage after the last frame is ignored" "$D/cut" $CMS k
is "$(cat "$T_TMP/r.out")" "only in the WAL (2)" "  the last commit's value"
cp "$D/snap2-wal" "$D/cut-wal"
poke "$D/cut-wal" $((s2 - fsz + 24 + 100)) '\001\002\003'
same "a last frame whose checksum fails is ignored" "$D/cut" $CMS k
is "$(cat "$T_TMP/r.out")" "only in the WAL (1)" "  the earlier commit's value"
cp "$D/snap2-wal" "$D/cut-wal"
poke "$D/cut-wal" 40 '\377'
same "a WAL whose first frame is bad: the database file alone" "$D/cut" $CMS k
is "$(cat "$T_TMP/r.out")" "in the database file" "  the file's value"
cp "$D/snap2-wal" "$D/cut-wal"
poke "$D/cut-wal" 0 '\000'
same "a WAL with a bad header: the database file alone" "$D/cut" $CMS k

# a restarted WAL: a new header, and the old generation's frames after
mkdb restart "$T
INSERT INTO config_machine_state VALUES('k', 'v0', 1);"
sqlite3 -bail "$D/restart" >"$T_TMP/writer.out" 2>&1 <<EOF
PRAGMA wal_autocheckpoint=0;
UPDATE config_machine_state SET value_json='v1' WHERE state_key='k';
UPDATE config_machine_state SET value_json='v2' WHERE state_key='k';
UPDATE config_machine_state SET value_json='v3' WHERE state_key='k';
PRAGMA wal_checkpoint(RESTART);
UPDATE config_machine_state SET value_json='v4, new generation' WHERE state_key='k';
.shell cp "$D/restart" "$D/gen"; cp "$D/restart-wal" "$D/gen-wal"
EOF
settle "$D/gen"
ok "$([ "$(stat -c %s "$D/gen-wal")" -gt $((32 + fsz)) ]; echo $?)" "a restarted WAL still holds the old generation's frames"
same "frames of an older WAL generation (old salts) are ignored" "$D/gen" $CMS k
is "$(cat "$T_TMP/r.out")" "v4, new generation" "  the new generation's value"

# --- corrupt databases: an error or a hand-back, never a crash
mkdb c "$T
INSERT INTO config_machine_state VALUES('a', hex(randomblob(3000)), 1);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
INSERT INTO config_machine_state SELECT 'r' || i, hex(randomblob(40)), i FROM n;" "PRAGMA page_size=512;"
root=$(sqlite3 "$D/c" "SELECT rootpage FROM sqlite_master WHERE name='config_machine_state'")
npg=$(( $(stat -c %s "$D/c") / 512 ))
for seed in 1 2 3 4 5 6; do
	cp "$D/c" "$D/cc"
	# random bytes over pages 2..n, page 1 kept
	head -c $(( (npg - 1) * 512 )) /dev/urandom | dd of="$D/cc" bs=512 seek=1 conv=notrunc status=none
	settle "$D/cc"
	corrupt "random pages 2..$npg (try $seed)" "$D/cc" $CMS a
done
for seed in 1 2 3 4 5 6 7 8; do
	cp "$D/c" "$D/cc"
	# a few random bytes at random places
	for i in 1 2 3 4 5 6 7 8; do
		off=$(( 512 + $(od -A n -t u4 -N 4 /dev/urandom) % ((npg - 1) * 512) ))
		head -c 2 /dev/urandom | dd of="$D/cc" bs=1 seek=$off conv=notrunc status=none
	done
	settle "$D/cc"
	reader "$D/cc" $CMS r150
	case $rc in 0|1|2|65) ok 0 "bytes flipped here and there (try $seed): exit $rc" ;;
	*) ok 1 "bytes flipped here and there (try $seed)"; diag "exit $rc: $err" ;; esac
done
cp "$D/c" "$D/cc"
poke "$D/cc" $(( (root - 1) * 512 + 12 )) '\377\377'
settle "$D/cc"
corrupt "a cell pointer out of range" "$D/cc" $CMS a
rtype=$(od -A n -t u1 -j $(( (root - 1) * 512 )) -N 1 "$D/c" | tr -d ' ')
is "$rtype" 5 "the table's root page is an interior page"
cp "$D/c" "$D/cc"
poke "$D/cc" $(( (root - 1) * 512 + 8 )) "$(printf '\\%03o\\%03o\\%03o\\%03o' 0 0 0 "$root")"
settle "$D/cc"
corrupt "a b-tree page pointing at itself" "$D/cc" $CMS zzz
like "$err" "loops" "  found as a loop"
mkdb ov "CREATE TABLE t (k TEXT, v TEXT);
INSERT INTO t VALUES ('a', hex(randomblob(3000)));" "PRAGMA page_size=512;"
oroot=$(sqlite3 "$D/ov" "SELECT rootpage FROM sqlite_master WHERE name='t'")
first=$((oroot + 1))
cp "$D/ov" "$D/cc"
poke "$D/cc" $(( (first - 1) * 512 )) "$(printf '\\%03o\\%03o\\%03o\\%03o' 0 0 0 "$first")"
settle "$D/cc"
corrupt "an overflow chain looping to itself" "$D/cc" t k v a
like "$err" "loops" "  found as a loop"
cp "$D/ov" "$D/cc"
poke "$D/cc" $(( (first - 1) * 512 )) '\177\377\377\377'
settle "$D/cc"
corrupt "an overflow page past the end" "$D/cc" t k v a
cp "$D/c" "$D/cc"
truncate -s $(( npg / 2 * 512 )) "$D/cc"
settle "$D/cc"
corrupt "a truncated database file" "$D/cc" $CMS r200
like "$err" "truncated" "  says so"
truncate -s 50 "$D/cc"
settle "$D/cc"
corrupt "a file shorter than the header" "$D/cc" $CMS a
head -c 8192 /dev/urandom >"$D/cc"
settle "$D/cc"
corrupt "not a database at all" "$D/cc" $CMS a
is "$rc" 65 "  exit 65"
like "$err" "not a readable SQLite database" "  says so"
: >"$D/cc"
handback "an empty file (a database not made yet)" "$D/cc" $CMS a

# many small corruptions, in the database and in the WAL, each read once
# (an ASan build makes every one of them a memory-safety check)
crashes=0
n=0
for src in c deep snap2; do
	size=$(stat -c %s "$D/$src")
	for i in $(seq 1 40); do
		n=$((n + 1))
		cp "$D/$src" "$D/fz"
		rm -f "$D/fz-wal"
		[ -e "$D/$src-wal" ] && cp "$D/$src-wal" "$D/fz-wal"
		f=$D/fz
		[ -e "$D/fz-wal" ] && [ $((i % 2)) = 0 ] && f=$D/fz-wal
		fsize=$(stat -c %s "$f")
		for j in 1 2 3; do
			off=$(( $(od -A n -t u4 -N 4 /dev/urandom) % fsize ))
			[ "$f" = "$D/fz" ] && [ "$off" -lt 100 ] && off=$((off + 100))
			head -c $((1 + j * 3)) /dev/urandom | dd of="$f" bs=1 seek=$off conv=notrunc status=none
		done
		settle "$D/fz"
		reader "$D/fz" t k v key77
		r1=$rc
		reader "$D/fz" $CMS k
		case "$r1:$rc" in
		[0-2]:[0-2]|[0-2]:65|65:[0-2]|65:65) ;;
		*) crashes=$((crashes + 1)); diag "$src, try $i: exit $r1 / $rc: $err" ;;
		esac
	done
done
is "$crashes" 0 "$n randomly damaged databases and WALs: errors or hand-backs, no crash"

# --- a writer racing the reader: every value the reader accepts is whole
# Values are one token repeated ("v17;v17;..."), several overflow pages
# long, rewritten in a loop by one sqlite3 process with checkpoints of all
# kinds; a torn read (a cell of one commit, overflow pages of another)
# would mix tokens or lengths.
mkdb race "CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT NOT NULL) STRICT;
INSERT INTO t VALUES ('k', 'v0;');" "PRAGMA page_size=1024;"
script=$T_TMP/race.sql
{
	# a checkpoint after every commit: the next commit restarts the WAL
	# and overwrites the frames a reader may be reading
	echo "PRAGMA wal_autocheckpoint=1; PRAGMA synchronous=OFF;"
	i=1
	while [ $i -le 400 ]; do
		echo "UPDATE t SET v = replace(hex(zeroblob($(( 4000 + (i % 7) * 1500 )))), '00', 'v$i;') WHERE k = 'k';"
		[ $((i % 10)) = 0 ] && echo ".shell sleep 0.005"
		[ $((i % 29)) = 0 ] && echo "PRAGMA wal_checkpoint(TRUNCATE);"
		[ $((i % 17)) = 0 ] && echo "PRAGMA wal_checkpoint(RESTART);"
		i=$((i + 1))
	done
} >"$script"
# (the feeder ends on its first write after the writer is gone)
while cat "$script"; do :; done 2>/dev/null | sqlite3 "$D/race" >/dev/null 2>&1 &
writer=$!
sleep 0.2
run "$GET" -n "${OC_SQLPAGE_READS:-400}" "$D/race" t k v k
kill "$writer" 2>/dev/null
wait
is "$rc" 0 "a writer racing the reader: no torn value accepted"
[ "$rc" = 0 ] || diag "$err"
diag "race: $out"
accepted=$(printf '%s\n' "$out" | sed -n 's/.*accepted \([0-9]*\).*/\1/p')
if [ "${accepted:-0}" -gt 0 ]; then
	ok 0 "  and it accepted some ($accepted) while the writer wrote"
else
	skip "the reader accepted no read while the writer wrote (a loaded machine?): nothing judged"
fi

# --- the databases of the cached OpenClaw homes (tests/fixtures/homes)
HSRC=${OC_HOMES_SRCDIR:-$OC_SRCDIR}
if [ -r "$HSRC/tests/homes.sh" ] && [ -r "$HSRC/tests/fixtures/homes/d-fresh/MANIFEST" ]; then
	. "$HSRC/tests/homes.sh"
	HOMES_DIR=$HSRC/tests/fixtures/homes
	rhome=$HOME
	nh=0
	for h in $(home_list); do
		HOME=$T_TMP/homes/$h
		mkdir -p "$HOME"
		if ! home_load -k "$h" 2>"$T_TMP/home.err"; then
			ok 1 "home $h rebuilt"; diag "$(cat "$T_TMP/home.err")"
			continue
		fi
		while read -r _ _ rel _ jm _; do
			[ -n "$rel" ] || continue
			db=$HOME/$rel
			settle "$db"
			if [ "$jm" != journal_mode=wal ]; then
				handback "$h $rel ($jm): left to libsqlite3" -u "$db"
				continue
			fi
			nh=$((nh + 1))
			same "$h $rel: user_version" -u "$db"
			for tb in config_machine_state auth_profile_store \
			    auth_profile_stores auth_profile_state schema_meta; do
				same "$h $rel: has_table $tb" -t "$tb" "$db"
				[ "$rc" = 0 ] || continue
				kc=$(sqlite3 -readonly "$db" "SELECT name FROM pragma_table_info('$tb') WHERE pk = 1")
				cols=$(sqlite3 -readonly "$db" "SELECT name FROM pragma_table_info('$tb') WHERE pk = 0")
				for key in $(sqlite3 -readonly "$db" "SELECT $kc FROM $tb"); do
					for vc in $cols; do
						same "$h $rel: $tb[$key].$vc" "$db" "$tb" "$kc" "$vc" "$key"
					done
				done
				same "$h $rel: $tb: a key that is not there" "$db" "$tb" "$kc" "$(echo $cols | cut -d' ' -f1)" no.such.key
			done
		done <<-EOF
		$(grep '^db ' "$HOMES_DIR/$h/MANIFEST")
		EOF
	done
	HOME=$rhome
	ok "$([ "$nh" -gt 10 ]; echo $?)" "the cached homes' databases ($nh) read"
else
	skip "no cached OpenClaw homes (tests/fixtures/homes, tests/homes.sh): their databases not compared"
fi

done_testing
