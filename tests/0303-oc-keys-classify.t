#!/bin/sh
# SPDX-License-Identifier: ISC
# oc-keys classify: OpenClaw's rate-limit rule (isApiKeyRateLimitError) as
# a filter: exit 0 for a rate limit, 1 otherwise; case-insensitive
# substrings; near misses are not rate limits.
. "${OC_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"
t_home

cl() { printf '%s' "$1" | oc-keys classify; }
for m in "rate_limit_error: slow down" "Rate limit reached for requests" \
    "HTTP 429" "status=429" "Quota exceeded for metric" "QUOTA_EXCEEDED" \
    "8: Resource exhausted" "RESOURCE_EXHAUSTED" "Too Many Requests" \
    "tOo MaNy ReQuEsTs" "RATE LIMIT" "error 4291"; do
	cl "$m"
	is "$?" 0 "rate limit: $m"
done
for m in "quota" "your quota is low" "rate-limit" "ratelimit" "too many request" \
    "resource exhaust" "42 9" "Unauthorized 401" "overloaded_error" "" "rate  limit"; do
	cl "$m"
	is "$?" 1 "not a rate limit: '$m'"
done

printf 'line one\nline two: 429\n' | oc-keys classify
is "$?" 0 "a match on a later line"
# a pattern split across two reads still matches
{ printf 'too many re'; sleep 0.2; printf 'quests\n'; } | oc-keys classify
is "$?" 0 "a pattern split across reads"
{ head -c 100000 /dev/zero | tr '\0' 'x'; printf 'rate_limit'; } | oc-keys classify
is "$?" 0 "a match after 100 kB"

run sh -c 'printf "Too Many Requests" | oc-keys classify --json'
is "$rc" 0 "--json: exit 0"
jqok '.rateLimit == true and .pattern == "too many requests"' "--json: which pattern"
run sh -c 'printf quota | oc-keys --json classify'
is "$rc" 1 "--json, no match: exit 1"
jqok '.rateLimit == false and .pattern == null' "--json, no match"
run sh -c 'printf 429 | oc-keys classify'
is "$out" "" "without --json nothing is printed"
run oc-keys classify extra </dev/null
is "$rc" 64 "an argument: usage error"

# it needs no home, config or state
run env -i PATH="$PATH" sh -c 'printf 429 | oc-keys classify'
is "$rc" 0 "works without HOME"

done_testing
