#!/bin/sh
# SPDX-License-Identifier: ISC
# Shell completion (contrib/completion): the bash functions driven with
# COMP_WORDS/COMP_CWORD as bash sets them, the values read through
# `oc-profile list --ids` and `oc-profile agents`; every verb and long
# option in each command's usage is offered; the zsh and fish files load
# without errors, and fish (complete -C) and zsh (in a terminal, with
# tmux) offer the same values.
. "${OC_SRCDIR:-.}/tests/lib.sh"
t_home
CD=$OC_SRCDIR/contrib/completion

put_store '{"version":1,"profiles":{
 "anthropic:work":{"type":"api_key","provider":"anthropic","key":"sk-ant-api03-w"},
 "openai:default":{"type":"api_key","provider":"openai","key":"sk-o1"},
 "anthropic:home":{"type":"token","provider":"anthropic","token":"t"},
 "openai:batch":{"type":"api_key","provider":"openai","key":"sk-o2"}}}'
put_config '{"agents":{"list":[{"id":"main","default":true},{"id":"ops"}]}}'
mkdir -p "$STATE/agents/ops/agent" && chmod 700 "$STATE/agents/ops" "$STATE/agents/ops/agent"
printf '{"version":1,"profiles":{"groq:ops":{"type":"api_key","provider":"groq","key":"gsk"}}}\n' \
    >"$STATE/agents/ops/agent/auth-profiles.json"
chmod 600 "$STATE/agents/ops/agent/auth-profiles.json"
mkdir -p "$T_TMP/files/sub" && : >"$T_TMP/files/creds.json"

# ---- bash ----
# bcomp LINE: the completions of LINE (cursor at the end), one a line,
# sorted, as bash's programmable completion would call _oc_tools: words
# split at blanks and at ':' and '=' (COMP_WORDBREAKS), under set -u.
cat >"$T_TMP/drive.bash" <<'EOF'
set -u
. "$1"
line=$2
COMP_LINE=$line COMP_POINT=${#line} COMP_WORDS=() rest=$line
while [[ $rest =~ ^[[:space:]]*([^[:space:]]+)(.*)$ ]]; do
	tok=${BASH_REMATCH[1]} rest=${BASH_REMATCH[2]}
	while [[ -n $tok ]]; do
		if [[ $tok == [:=]* ]]; then COMP_WORDS+=("${tok:0:1}") tok=${tok:1}
		else w=${tok%%[:=]*} COMP_WORDS+=("$w") tok=${tok:${#w}}; fi
	done
done
[[ $line == *' ' ]] && COMP_WORDS+=("")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMPREPLY=()
_oc_tools || exit 1
((${#COMPREPLY[@]})) && printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort
exit 0
EOF
bcomp() { bash --norc --noprofile "$T_TMP/drive.bash" "$CD/oc-tools.bash" "$1" 2>&1; }
lines() { printf '%s\n' "$@"; }

is "$(bcomp 'oc-profile ')" "$(lines add agents cooldowns list ls migrate path rm show)" "bash: oc-profile verbs"
is "$(bcomp 'oc-profile s')" "show" "bash: a verb by its prefix"
is "$(bcomp 'oc-profile show ')" "$(lines anthropic:home anthropic:work openai:batch openai:default)" \
    "bash: show offers the store's profile ids"
is "$(bcomp 'oc-profile show anthropic:')" "$(lines home work)" \
    "bash: after 'provider:' only the rest (bash replaces the text after the ':')"
is "$(bcomp 'oc-profile rm anthropic:w')" "work" "bash: rm, a partial id"
is "$(bcomp 'oc-profile list -p ')" "$(lines anthropic openai)" "bash: -p offers the providers in use"
is "$(bcomp 'oc-profile add ')" "$(lines anthropic: openai:)" "bash: add offers PROVIDER:"
is "$(bcomp 'oc-profile add -t ')" "$(lines api_key token)" "bash: -t api_key|token"
is "$(bcomp 'oc-profile -a ')" "$(lines main ops)" "bash: -a offers the configured agents"
is "$(bcomp 'oc-profile --agent=o')" "ops" "bash: --agent=VALUE"
# another agent sees main's profiles (inherited) and its own
ops_ids=$(lines anthropic:home anthropic:work groq:ops openai:batch openai:default)
is "$(bcomp 'oc-profile -a ops show ')" "$ops_ids" "bash: the ids of the agent named by -a"
is "$(bcomp 'oc-profile --agent=ops show g')" "groq:ops" "bash: ... and by --agent="
is "$(bcomp 'oc-order ')" "$(lines clear get set)" "bash: oc-order verbs"
is "$(bcomp 'oc-order set -p openai ')" "$(lines openai:batch openai:default)" \
    "bash: oc-order set -p P offers P's profiles only"
is "$(bcomp 'oc-order get --e')" "--effective" "bash: a verb's own option"
is "$(bcomp 'oc-check --pro')" "$(lines --probe --profile --prometheus --provider)" "bash: oc-check options"
is "$(bcomp 'oc-check --profile=openai:')" "$(lines batch default)" "bash: --profile=provider:..."
is "$(bcomp 'oc-keys get -p anthropic --profile ')" "$(lines anthropic:home anthropic:work)" \
    "bash: oc-keys get -p P --profile: P's profiles"
like "$(bcomp 'oc-keys exec -p openai -- ech')" '^echo$' "bash: a command after exec --"
is "$(bcomp "oc-sync --claude $T_TMP/files/c")" "$T_TMP/files/creds.json" "bash: --claude FILE"
is "$(bcomp "oc-check --output $T_TMP/files/s")" "$T_TMP/files/sub" "bash: --output FILE"
is "$(bcomp 'oc-check -w ')" "" "bash: a duration is not guessed"
is "$(bcomp "$OC_BUILDDIR/oc-profile show openai:d")" "default" \
    "bash: a command typed with its path runs the oc-profile next to it"
# no store, no config: nothing offered, no error
run env HOME="$T_TMP/empty" bash --norc --noprofile "$T_TMP/drive.bash" "$CD/oc-tools.bash" "oc-profile show "
is "$rc:$out:$err" "0::" "bash: no store: nothing offered, no error"

# every verb and long option of each command's usage is offered
verbs_of() { "$1" -h | sed -e ':a' -e 's/\[[^][]*\]//g' -e 'ta' | awk -v c="$1" '$1 == c || $1 == "usage:" { for (i = 1; i <= NF; i++) if ($i == c) { print $(i + 1); break } }' | grep -v '^-' | sort -u; }
longs_of() { "$1" -h | grep -o -- '--[a-z][a-z-]*' | sort -u; }
for c in oc-profile oc-order oc-check oc-keys oc-sync; do
	v=$(verbs_of "$c")
	offered=$(bcomp "$c ")
	missing=
	for w in $v; do printf '%s\n' "$offered" | grep -qx -- "$w" || missing="$missing $w"; done
	is "$missing" "" "bash: $c: every verb of its usage is offered"
	offered=$( (bcomp "$c --"; for w in $v; do bcomp "$c $w --"; done) | sort -u)
	missing=
	for o in $(longs_of "$c"); do printf '%s\n' "$offered" | grep -qx -- "$o" || missing="$missing $o"; done
	is "$missing" "" "bash: $c: every long option of its usage is offered"
	missing=
	for o in $(longs_of "$c"); do
		grep -q -- "${o#--}" "$CD/_oc-tools" || missing="$missing $o(zsh)"
		grep -q -- "-l ${o#--}" "$CD/oc-tools.fish" || missing="$missing $o(fish)"
	done
	is "$missing" "" "zsh, fish: $c: every long option of its usage is there"
done

# ---- zsh ----
if command -v zsh >/dev/null 2>&1; then
	run zsh -n "$CD/_oc-tools"
	is "$rc:$out$err" "0:" "zsh -n: the file parses"
	mkdir -p "$T_TMP/zfunc" && cp "$CD/_oc-tools" "$T_TMP/zfunc/"
	run zsh -f -c 'fpath=("$1" $fpath); autoload -Uz compinit && compinit -u -d "$2/zcompdump" &&
	    for c in oc-profile oc-order oc-check oc-keys oc-sync; do print -r -- "$c=$_comps[$c]"; done' \
	    zsh "$T_TMP/zfunc" "$T_TMP"
	is "$err" "" "zsh: compinit loads it without a message"
	is "$out" "$(lines oc-profile=_oc-tools oc-order=_oc-tools oc-check=_oc-tools oc-keys=_oc-tools oc-sync=_oc-tools)" \
	    "zsh: #compdef binds it to the five commands"
	if command -v tmux >/dev/null 2>&1; then
		# an interactive zsh in a detached tmux, one per case: wait for
		# its prompt, type, press Tab, read the screen
		zr=$T_TMP/zrc
		printf '%s\n' "PS1='ready%% '" 'fpath=("$OC_ZFUNC" $fpath)' \
		    'autoload -Uz compinit && compinit -u -d "$OC_ZDUMP"' \
		    "zstyle ':completion:*' menu no" 'unsetopt beep' >"$zr"
		# wait_screen PATTERN: until the screen matches (20 s at most)
		wait_screen() {
			local i=0
			scr=
			while [ $i -lt 100 ]; do
				scr=$(tmux -L "$ts" capture-pane -p 2>/dev/null)
				printf '%s\n' "$scr" | grep -Eq -- "$1" && return 0
				sleep 0.2; i=$((i + 1))
			done
			return 1
		}
		# zscreen LINE PATTERN: LINE, Tab twice; the screen must match
		zn=0
		zscreen() {
			zn=$((zn + 1)); ts=oc-test-$$-$zn
			tmux -L "$ts" new-session -d -x 200 -y 40 \
			    "env OC_ZFUNC='$T_TMP/zfunc' OC_ZDUMP='$T_TMP/zdump' HOME='$HOME' PATH='$PATH' zsh -f -i" 2>/dev/null
			tmux -L "$ts" send-keys ". '$zr'" Enter
			if ! wait_screen '^ready% ?$'; then
				ok 1 "zsh: $1<Tab>"; diag "zsh in tmux showed no prompt: '$scr'"
				return
			fi
			tmux -L "$ts" send-keys "$1" Tab
			sleep 0.5
			tmux -L "$ts" send-keys Tab
			wait_screen "$2"
			like "$scr" "$2" "zsh: $1<Tab>"
			tmux -L "$ts" kill-server 2>/dev/null
		}
		zscreen 'oc-profile show ' 'anthropic:home +anthropic:work +openai:batch +openai:default'
		zscreen 'oc-order set -p openai ' 'openai:batch +openai:default'
		zscreen 'oc-profile -a ' 'main +ops'
		zscreen 'oc-profile -a ops show g' 'show groq:ops'
		zscreen 'oc-check --pro' '--probe +-- try each credential live'
	else
		for i in 1 2 3 4 5; do skip "tmux not installed: zsh completions not tried in a terminal"; done
	fi
else
	for i in 1 2 3 4 5 6 7 8; do skip "zsh not installed (apt-get install zsh)"; done
fi

# ---- fish ----
if command -v fish >/dev/null 2>&1; then
	run fish --no-config -n "$CD/oc-tools.fish"
	is "$rc:$out$err" "0:" "fish -n: the file parses"
	run fish --no-config -c 'source $argv[1]' "$CD/oc-tools.fish"
	is "$rc:$out$err" "0:" "fish: the file loads without a message"
	fcomp() { fish --no-config -c 'source $argv[1]; complete -C $argv[2]' "$CD/oc-tools.fish" "$1" 2>&1 | cut -f1 | LC_ALL=C sort; }
	is "$(fcomp 'oc-profile ')" "$(lines add agents cooldowns list migrate path rm show)" "fish: oc-profile verbs"
	is "$(fcomp 'oc-profile show ')" "$(lines anthropic:home anthropic:work openai:batch openai:default)" \
	    "fish: show offers the profile ids"
	is "$(fcomp 'oc-profile -a ops show ')" "$ops_ids" "fish: the ids of the agent named by -a"
	is "$(fcomp 'oc-profile -a ')" "$(lines main ops)" "fish: -a offers the agents"
	is "$(fcomp 'oc-order set -p openai ')" "$(lines openai:batch openai:default)" "fish: oc-order set -p P"
	is "$(fcomp 'oc-keys -p ')" "$(lines anthropic openai)" "fish: -p offers the providers"
	is "$(fcomp 'oc-keys exec -p openai -- oc-check --pro')" "$(lines --probe --profile --prometheus --provider)" \
	    "fish: the command after exec -- is completed as itself"
else
	for i in 1 2 3 4 5 6 7 8 9; do skip "fish not installed (apt-get install fish)"; done
fi

done_testing
