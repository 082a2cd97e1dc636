#!/bin/sh
# SPDX-License-Identifier: ISC
# oc-check reads the store with its own zero-copy scanner (common/jscan.c):
# strict JSON as JSON.parse takes it, with the position of the first error;
# escapes in keys and values; duplicate keys (the last wins, as JSON.parse);
# strings full of braces; exponents; and agreement with jq on a generated
# store.
. "${OC_SRCDIR:-.}/tests/lib.sh"
t_home
N=1795300000000
OC_NOW_MS=$N
export OC_NOW_MS
mkdir -p "$AGENT"

# bad TEXT WANTPOS DESC: the store TEXT is rejected with 65 at WANTPOS
bad() {
	printf '%s' "$1" >"$STORE"
	chmod 600 "$STORE"
	run oc-check
	is "$rc" 65 "$3: exit 65"
	like "$err" "auth-profiles.json: invalid JSON at line $2" "$3: at line $2"
}
bad '{"version":1,"profiles":{},}' '1, column 28' "trailing comma"
bad "{'profiles':{}}" '1, column 2' "single quotes"
bad '{"profiles":{"a":{"expires":NaN}}}' '1, column 29' "NaN"
bad '{"profiles":{} // c
}' '1, column 16' "a comment"
bad '{"profiles":{"a":"x' '1, column 20' "unterminated string"
bad "$(printf '{"profiles":{"a":"x\ty"}}')" '1, column 20' "a raw tab in a string"
bad '{"profiles":{"a":"\x"}}' '1, column 19' "a bad escape"
bad '{"profiles":{"a":{"expires":01}}}' '1, column 30' "a leading zero"
bad '{"profiles":{"a":{"expires":1.}}}' '1, column 31' "a bare decimal point"
bad '{"profiles":{}} {}' '1, column 17' "data after the document"
bad '' '1, column 1' "an empty file"
bad "$(printf '\357\273\277{"profiles":{}}')" '1, column 1' "a byte-order mark"
bad '{"profiles":{
  "a": {"type": "token",
        "expires": tru}}}' '3, column 20' "line and column on line 3"
deep=$(printf '%0600d' 0 | sed 's/0/[/g')
bad "{\"x\":$deep" '1, column [0-9]+' "nesting 600 deep"

put_store '{"version":1,"profiles":{
 "anthropic:\u0064efault":{"typ\u0065":"token","provider":"anthr\u006fpic","token":"t\"}{[","expires":1.7953432e12,
  "meta":{"nested":[{"a":"}"},["]",{"b":"\\"}]],"s":"\\\\"}},
 "openai:x":{"type":"api_key","provider":"openai","key":"k","n":[1,2,{"x":-1.5e-3}]}}}'
run oc-check --json
is "$rc" 2 "escapes and nested values: read (token expires in 12h)"
jqok '[.profiles[] | {profileId, provider, type, status}] == [
 {"profileId":"anthropic:default","provider":"anthropic","type":"token","status":"expiring"},
 {"profileId":"openai:x","provider":"openai","type":"api_key","status":"static"}]' \
    "escaped keys and values decoded; strings with braces skipped whole"
jqok '.profiles[0].expiresAt == 1795343200000' "an exponent in expires"

# Duplicate keys: the last wins, as JSON.parse.
put_store "{\"version\":1,\"profiles\":{
 \"anthropic:a\":{\"type\":\"token\",\"provider\":\"anthropic\",\"token\":\"t\",\"expires\":$((N - 1000))},
 \"anthropic:a\":{\"type\":\"api_key\",\"provider\":\"anthropic\",\"key\":\"k\"}}}"
run oc-check --json
is "$rc" 0 "duplicate profile ids: the last one counts"
jqok '[.profiles[] | .type] == ["api_key"]' "duplicate profile ids: listed once"
put_store "{\"version\":1,\"profiles\":{\"anthropic:a\":{\"type\":\"api_key\",\"provider\":\"anthropic\",\"key\":\"k\"}},
 \"profiles\":{}}"
run oc-check
is "$rc" 1 "duplicate \"profiles\": the last (empty) one counts"
put_store "{\"version\":1,\"profiles\":{\"anthropic:a\":{\"type\":\"token\",\"provider\":\"anthropic\",\"token\":\"t\",\"expires\":$((N - 1000)),\"expires\":$((N + 90000000))}}}"
run oc-check
is "$rc" 0 "duplicate members in a profile: the last one counts"

# A generated store: the scanner and jq agree on what is in it.
awk -v n=1000 -v now="$N" 'BEGIN {
	printf "{\"version\":1,\"profiles\":{"
	for (i = 0; i < n; i++) {
		t = i % 3
		if (i) printf ","
		if (t == 0) printf "\"p%d:k\":{\"type\":\"api_key\",\"provider\":\"p%d\",\"key\":\"k%d\"}", i, i % 7, i
		else if (t == 1) printf "\"p%d:t\":{\"type\":\"token\",\"provider\":\"p%d\",\"token\":\"t\",\"expires\":%d}", i, i % 7, now + (i - 500) * 3600000
		else printf "\"p%d:o\":{\"type\":\"oauth\",\"provider\":\"p%d\",\"access\":\"a\",\"expires\":%d,\"x\":[\"}\"]}", i, i % 7, now + (i - 500) * 3600000
	}
	printf "}}\n"
}' >"$STORE"
run oc-check --json
is "$(printf '%s' "$out" | jq '.profiles | length')" "$(jq '.profiles | length' "$STORE")" \
    "1000 profiles: as many as jq sees"
want=$(jq --argjson now "$N" '[.profiles[] | select(.type != "api_key" and .expires <= $now)] | length' "$STORE")
is "$(printf '%s' "$out" | jq '[.profiles[] | select(.status == "expired")] | length')" "$want" \
    "1000 profiles: as many expired as jq counts"
want=$(jq --argjson now "$N" '[.profiles[] | select(.type != "api_key" and .expires > $now and .expires - $now <= 86400000)] | length' "$STORE")
is "$(printf '%s' "$out" | jq '[.profiles[] | select(.status == "expiring")] | length')" "$want" \
    "1000 profiles: as many expiring as jq counts"

done_testing
