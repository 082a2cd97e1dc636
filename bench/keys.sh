#!/bin/sh
# SPDX-License-Identifier: ISC
# bench/keys.sh - how fast `oc-keys get -p anthropic` answers.
#
#   sh bench/keys.sh [BUILDDIR]          (default: the current directory)
#
# A generated store of 1,000 profiles over ten providers (100 of them
# anthropic: api keys, tokens and oauth profiles, none expired, so no
# refresh), 50 variables in the environment (12 of them anthropic keys), a
# .env of 20 lines. Measures the median wall time of `oc-keys get -p
# anthropic` and, for comparison, `oc-keys list -p anthropic` and /bin/true,
# with hyperfine when installed, else a loop timed with date +%s%N. Prints
# a table; exits 1 when the median of get is over the 3 ms target.
# RUNS (default 200) sets the runs per command.
set -eu
B=$(cd "${1:-${OC_BUILDDIR:-.}}" && pwd)
RUNS=${RUNS:-200}
W=$(mktemp -d "${TMPDIR:-/tmp}/oc-keys-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT INT TERM
[ -x "$B/oc-keys" ] || { echo "keys.sh: no $B/oc-keys (build first)" >&2; exit 1; }

NOW=$(( $(date +%s) * 1000 ))
H=$W/home
mkdir -p "$H/.openclaw/agents/main/agent"
chmod 700 "$H/.openclaw" "$H/.openclaw/agents" "$H/.openclaw/agents/main" "$H/.openclaw/agents/main/agent"
awk -v n=1000 -v now="$NOW" 'BEGIN {
	split("anthropic openai google openrouter groq mistral xai deepseek together cerebras", pv, " ")
	printf "{\n  \"version\": 1,\n  \"profiles\": {"
	for (i = 0; i < n; i++) {
		p = pv[i % 10 + 1]; t = i % 3
		printf "%s\n    \"%s:p%d\": {", i ? "," : "", p, i
		if (t == 0) printf "\"type\": \"api_key\", \"provider\": \"%s\", \"key\": \"sk-%040d\"", p, i
		else if (t == 1) printf "\"type\": \"token\", \"provider\": \"%s\", \"token\": \"tok-%040d\", \"expires\": %.0f", p, i, now + 86400000 * (2 + i % 30)
		else printf "\"type\": \"oauth\", \"provider\": \"%s\", \"access\": \"acc-%040d\", \"refresh\": \"ref-%040d\", \"expires\": %.0f, \"email\": \"u%d@example.com\"", p, i, i, now + 3600000 * (1 + i % 48), i
		printf "}"
	}
	printf "\n  },\n  \"usageStats\": {"
	for (i = 0; i < n; i += 7)
		printf "%s\n    \"%s:p%d\": {\"lastUsed\": %.0f}", i ? "," : "", pv[i % 10 + 1], i, now - i * 1000
	printf "\n  }\n}\n"
}' >"$H/.openclaw/agents/main/agent/auth-profiles.json"
chmod 600 "$H/.openclaw/agents/main/agent/auth-profiles.json"
i=0
while [ $i -lt 20 ]; do
	printf '# line %d\nBENCH_DOTENV_%d="value %d"\n' $i $i $i
	i=$((i + 1))
done >"$H/.openclaw/.env"

# 50 variables: the usual ones, 12 anthropic keys, the rest filler
ENVF=$W/env
{
	echo "HOME=$H"; echo "PATH=$PATH"; echo "LANG=C.UTF-8"; echo "TERM=dumb"
	echo "USER=bench"; echo "SHELL=/bin/sh"
	echo "ANTHROPIC_API_KEYS=sk-l1,sk-l2 sk-l3"; echo "ANTHROPIC_API_KEY=sk-primary"
	echo "ANTHROPIC_OAUTH_TOKEN=sk-oauth"
	i=0; while [ $i -lt 9 ]; do echo "ANTHROPIC_API_KEY_$i=sk-extra-$i"; i=$((i + 1)); done
	echo "OPENAI_API_KEY=sk-openai"; echo "GEMINI_API_KEY=g1"
	# never the network: a refresh would go to a closed local port
	echo "OC_OAUTH_TOKEN_URL_ANTHROPIC=http://127.0.0.1:9/"
	i=0; while [ $i -lt 29 ]; do echo "FILLER_VARIABLE_$i=some-value-$i"; i=$((i + 1)); done
} >"$ENVF"
n=$(wc -l <"$ENVF" | tr -d ' ')
[ "$n" -eq 50 ] || { echo "keys.sh: $n variables, not 50" >&2; exit 1; }
# env -i with the 50 variables, then the command
RUN="$W/run"
{ printf '#!/bin/sh\nexec env -i'; while IFS= read -r l; do printf " '%s'" "$l"; done <"$ENVF"; printf ' "$@"\n'; } >"$RUN"
chmod 755 "$RUN"
got=$("$RUN" "$B/oc-keys" get -p anthropic --json | jq -r .source)
# round-robin puts a (valid) oauth profile first: nothing is refreshed
case $got in
profile:anthropic:p*) ;;
*) echo "keys.sh: unexpected source \"$got\"" >&2; exit 1 ;;
esac

echo "oc-keys bench: $RUNS runs each, 1,000 profiles, 50 variables, $(uname -sm), $(date -u +%Y-%m-%dT%H:%MZ)"
printf '%-34s %10s %10s %10s %10s\n' command "median ms" "mean ms" "min ms" "max ms"
# row LABEL CMD...: prints a row, sets MED (ms)
if command -v hyperfine >/dev/null 2>&1; then
	# hyperfine itself runs in the 50-variable environment and starts
	# the command directly (-N: no shell), so only the command is timed
	row() {
		label=$1; shift
		shift	# $RUN: hyperfine gets the environment instead
		"$RUN" "$(command -v hyperfine)" -N --warmup 10 --runs "$RUNS" \
		    --export-json "$W/h.json" "$*" >/dev/null 2>&1
		MED=$(jq '.results[0].median * 1000' "$W/h.json")
		jq -r --arg l "$label" '.results[0] | [$l, .median, .mean, .min, .max] |
		    "\(.[0] | . + " " * (34 - length)) \(.[1]*1000*100|round/100|tostring|" " * (10 - length) + .) \(.[2]*1000*100|round/100|tostring|" " * (10 - length) + .) \(.[3]*1000*100|round/100|tostring|" " * (10 - length) + .) \(.[4]*1000*100|round/100|tostring|" " * (10 - length) + .)"' "$W/h.json"
	}
	tool="hyperfine $(hyperfine --version | cut -d' ' -f2)"
else
	row() {
		label=$1; shift
		i=0
		while [ $i -lt 5 ]; do "$@" >/dev/null; i=$((i + 1)); done
		i=0
		while [ $i -lt "$RUNS" ]; do
			t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N)
			echo $(( t1 - t0 ))
			i=$((i + 1))
		done | sort -n >"$W/t"
		MED=$(awk '{ a[NR] = $1 } END { m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.3f", m / 1e6 }' "$W/t")
		awk -v l="$label" '{ a[NR] = $1; s += $1 } END {
			m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
			printf "%-34s %10.2f %10.2f %10.2f %10.2f\n", l, m / 1e6, s / NR / 1e6, a[1] / 1e6, a[NR] / 1e6 }' "$W/t"
	}
	tool="a date +%s%N loop (includes the shell's fork)"
fi
row "/bin/true (process start)" "$RUN" /bin/true
row "oc-keys get -p anthropic" "$RUN" "$B/oc-keys" get -p anthropic
GET=$MED
row "oc-keys list -p anthropic" "$RUN" "$B/oc-keys" list -p anthropic
row "oc-keys get -p cerebras" "$RUN" "$B/oc-keys" get -p cerebras
echo "measured with $tool"
awk -v m="$GET" 'BEGIN { if (m <= 3) { printf "target: get median <= 3 ms: met (%.2f ms)\n", m; exit 0 }
	printf "target: get median <= 3 ms: MISSED (%.2f ms)\n", m; exit 1 }'
