#!/bin/sh
# SPDX-License-Identifier: ISC
# The expiry window (-w) and its edges, at a frozen clock: expired at
# now >= expires; expiring while the time left is at most the window;
# oauth with a refresh token stays ok; -w parsing.
. "${OC_SRCDIR:-.}/tests/lib.sh"
t_home
N=1795300000000
OC_NOW_MS=$N
export OC_NOW_MS
H=3600000

tok() {		# tok EXPIRES -> a store with one anthropic token
	put_store "{\"version\":1,\"profiles\":{\"anthropic:default\":{\"type\":\"token\",\"provider\":\"anthropic\",\"token\":\"t\",\"expires\":$1}}}"
}
oauth() {	# oauth EXPIRES [REFRESH]
	put_store "{\"version\":1,\"profiles\":{\"anthropic:default\":{\"type\":\"oauth\",\"provider\":\"anthropic\",\"access\":\"a\",\"refresh\":\"${2:-}\",\"expires\":$1}}}"
}
verdict() {	# verdict WANT_RC WANT_WORD DESC [ARGS...]
	local want=$1 word=$2 desc=$3
	shift 3
	run oc-check "$@"
	is "$rc $(printf '%s\n' "$out" | head -n1 | cut -d: -f1)" "$want $word" "$desc"
}

tok "$N";                 verdict 1 EXPIRED  "token expiring this very ms is expired"
tok $((N - 1));           verdict 1 EXPIRED  "token 1 ms ago: expired"
tok $((N + 1));           verdict 2 EXPIRING "token 1 ms left: expiring"
tok $((N + 24 * H));      verdict 2 EXPIRING "token exactly 24h left: expiring (default window)"
tok $((N + 24 * H + 1));  verdict 0 OK       "token 24h + 1 ms left: ok"
tok $((N + 24 * H + 1));  verdict 2 EXPIRING "-w 25h: expiring" -w 25h
tok $((N + 2 * H));       verdict 0 OK       "2h left, -w 1h: ok" -w 1h
tok $((N + 2 * H));       verdict 2 EXPIRING "2h left, -w 2h: expiring" -w 2h
tok $((N + 2 * H));       verdict 2 EXPIRING "-w 120m is 2h" -w 120m
tok $((N + 2 * H));       verdict 2 EXPIRING "-w 1h60m is 2h" -w 1h60m
tok $((N + 49 * H));      verdict 2 EXPIRING "-w 3d" -w 3d
tok $((N + 1));           verdict 0 OK       "-w 0: nothing is expiring" -w 0
tok "$N";                 verdict 1 EXPIRED  "-w 0: expired is still expired" -w 0
oauth "$N";               verdict 1 EXPIRED  "oauth without refresh at its expiry: expired"
oauth $((N + 24 * H));    verdict 2 EXPIRING "oauth without refresh, 24h left: expiring"
oauth $((N + 1 * H)) r;   verdict 0 OK       "oauth with refresh, 1h left: ok"
oauth $((N - 1)) r;       verdict 0 OK       "oauth with refresh, expired: ok"
oauth 0 r;                verdict 1 MISSING  "oauth with refresh, expires 0: missing"

run oc-check --json -w 90m
jqok '.warnAfterMs == 5400000' "--json: warnAfterMs follows -w"
for bad in abc -5h 1x ''; do
	run oc-check -w "$bad"
	is "$rc" 64 "-w '$bad': usage error"
done
run oc-check --nagios -w abc
is "$rc" 3 "--nagios with a bad -w: UNKNOWN (3)"
like "$err" '^oc-check: -w: invalid duration' "says which option"

done_testing
