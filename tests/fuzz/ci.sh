#!/bin/sh
# SPDX-License-Identifier: ISC
# ci.sh [SECONDS] - the fuzz smoke CI runs (issue 12): build the libFuzzer
# harnesses (clang, --enable-fuzz: ASan and UBSan) in build-fuzz/, run each
# for SECONDS (default $CI_FUZZ_SECONDS, else 10) on its seed corpus, then
# the differential checks against Node's JSON.parse and the json5 and dotenv
# packages OpenClaw uses, over the seeds, what the fuzzers found and 20,000
# generated inputs each. Exit 1 on any crash, leak, undefined behaviour,
# failed property or disagreement; 0 with a SKIP line when clang (or, for
# the differential part, Node or the packages) is missing. The last line
# says how long it took.
#   CI_FUZZ_SECONDS   seconds per harness
#   FUZZ_BUILD        the build directory (default <top>/build-fuzz)
#   OC_NODE_MODULES   node_modules holding json5 and dotenv (else found from
#                     $OC_PEER, or a local peer cache)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-${CI_FUZZ_SECONDS:-10}}
build=${FUZZ_BUILD:-$top/build-fuzz}
t0=$(date +%s)
status=0
log() { printf '\n=== fuzz: %s\n' "$*"; }

if ! command -v clang >/dev/null 2>&1; then
	echo "fuzz: SKIP: no clang (libFuzzer) on this machine"
	exit 0
fi

# An out-of-tree build needs a source tree not configured in place; when
# it is, build from a copy of the tracked files.
src=$top
if [ -e "$top/config.status" ]; then
	if ! command -v git >/dev/null 2>&1 || ! git -C "$top" rev-parse >/dev/null 2>&1; then
		echo "fuzz: SKIP: the source tree is configured in place and is not a git checkout to copy"
		exit 0
	fi
	src=$(mktemp -d "${TMPDIR:-/tmp}/oc-fuzz-src.XXXXXX")
	(cd "$top" && git ls-files -z | xargs -0 tar cf -) | tar xf - -C "$src"
	# the corpus as it is on disk, not only as committed
	cp -R "$top/tests/fuzz/corpus/." "$src/tests/fuzz/corpus/"
	(cd "$src" && autoreconf -fi >/dev/null 2>&1) || { echo "fuzz: autoreconf failed"; exit 1; }
fi
[ -x "$src/configure" ] || (cd "$src" && autoreconf -fi >/dev/null 2>&1)

log "build ($build)"
mkdir -p "$build"
harnesses=$(sed -n '/^FUZZ_HARNESSES =/,/[^\\]$/p' "$src/Makefile.am" | tr -d '\\' | sed 's/^FUZZ_HARNESSES =//')
if ! (cd "$build" && { [ -e Makefile ] || "$src/configure" -q CC=clang --enable-fuzz; } &&
    make -j2 $harnesses tests/progs/parse-tool >/dev/null); then
	echo "FAILED: fuzz build"
	exit 1
fi

log "harnesses, ${secs}s each"
FUZZ_SECONDS=$secs FUZZ_WORK=$build/tests/fuzz/work \
    sh "$src/tests/fuzz/run.sh" "$build" "$src" $harnesses || status=1

log "differential checks"
if command -v node >/dev/null 2>&1; then
	w=$build/tests/fuzz/work
	tool=$build/tests/progs/parse-tool
	# diff NAME ARGS...: one check, its verdict and disagreements shown
	diff() {
		n=$1
		shift
		node "$src/tests/fuzz/$n.js" --tool "$tool" --random 20000 \
		    --work "$w/$n" "$@" >"$w/$n.out" 2>&1
		r=$?
		grep -v '^JSON5:' "$w/$n.out" | tail -20
		[ $r -eq 0 ] || status=1
	}
	mkdir -p "$w"
	diff diff-json "$src/tests/fuzz/corpus/json" "$src/tests/fuzz/corpus/jscan" \
	    "$w/fuzz-json" "$w/fuzz-jscan"
	diff diff-json5 "$src/tests/fuzz/corpus/json5" "$w/fuzz-json5"
	diff diff-dotenv "$src/tests/fuzz/corpus/dotenv" "$w/fuzz-dotenv"
else
	echo "fuzz: SKIP differential checks: no node"
fi
[ "$src" != "$top" ] && rm -rf "$src"
t1=$(date +%s)
echo "fuzz: $([ $status = 0 ] && echo ok || echo FAILED) in $((t1 - t0)) s"
exit $status
