# SPDX-License-Identifier: ISC
# bash completion for oc-tools: oc-profile, oc-order, oc-check, oc-keys and
# oc-sync. It needs bash 4 only, not the bash-completion package (which
# loads it on demand from its completions directory, where `make install`
# puts it under each command's name). Profile ids, providers and agents come
# from the commands themselves (`oc-profile list --ids`, `oc-profile
# agents`), for the agent named by -a on the line; nothing is cached.

# Run oc-profile from the directory of the command being completed when it
# was typed with a path (./oc-check), else from PATH.
_oc_profile() {
	local dir=
	[[ ${COMP_WORDS[0]} == */* ]] && dir=${COMP_WORDS[0]%/*}/
	"${dir}oc-profile" ${_oc_agent:+-a "$_oc_agent"} "$@" 2>/dev/null
}

# _oc_ids [PROVIDER]: the store's profile ids (of PROVIDER).
_oc_ids() { _oc_profile list --ids ${1:+-p "$1"}; }
# Providers: the prefixes of the profile ids.
_oc_providers() { _oc_ids | sed -n 's/^\([^:][^:]*\):.*/\1/p' | sort -u; }

# _oc_reply WORD...: COMPREPLY = the WORDs that start with $_oc_cur. Bash
# replaces only the text after the last ':' of the current word when ':'
# is in COMP_WORDBREAKS (as by default), so that part is cut off the
# replies; with '=' not in it, an --option= prefix is put back on.
_oc_reply() {
	local w pre=
	COMPREPLY=()
	for w in "$@"; do
		[[ $w == "$_oc_cur"* ]] && COMPREPLY+=("$w")
	done
	[[ $_oc_cur == *:* && $COMP_WORDBREAKS == *:* ]] && pre=${_oc_cur%"${_oc_cur##*:}"}
	for w in "${!COMPREPLY[@]}"; do
		COMPREPLY[w]=$_oc_eqpre${COMPREPLY[w]#"$pre"}
	done
}

_oc_files() {
	compopt -o filenames 2>/dev/null
	local IFS=$'\n'
	COMPREPLY=($(compgen -f -- "$_oc_cur"))
}

# The value for option $1 (it takes one), into COMPREPLY; 1 when $1 takes
# none.
_oc_value() {
	case $1 in
	-a | --agent) _oc_reply $(_oc_profile agents) ;;
	-p | --provider) _oc_reply $(_oc_providers) ;;
	--profile | --exclude) _oc_reply $(_oc_ids "$_oc_prov") ;;
	-t | --type)
		# oc-check's -t is its deadline, in seconds
		[[ ${cmd##*/} == oc-check ]] && { COMPREPLY=(); return 0; }
		_oc_reply api_key token ;;
	--state-dir)
		local IFS=$'\n'
		COMPREPLY=($(compgen -d -- "$_oc_cur")) ;;
	--ref)
		compopt -o nospace 2>/dev/null
		_oc_reply env: file: exec: ;;
	-e | --var) _oc_reply $(compgen -e) ;;
	--output | --claude | --codex) _oc_files ;;
	-w | --warn | --within | --expires-in | --wait | -T | --timeout | \
	    -j | --jobs | --email | -c | --critical | --deadline) COMPREPLY=() ;;
	*) return 1 ;;
	esac
	return 0
}

_oc_tools() {
	local cmd=${COMP_WORDS[0]##*/} i w prev verb= dashdash= opts verbs
	local -a words=()
	local _oc_cur _oc_agent= _oc_prov= _oc_eqpre=

	# Undo bash's splitting at ':' and '=' ("anthropic" ":" "work").
	for ((i = 0; i <= COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if ((${#words[@]} > 1)) && [[ $w == [:=] || ${COMP_WORDS[i - 1]} == [:=] ]]; then
			words[${#words[@]} - 1]+=$w
		else
			words+=("$w")
		fi
	done
	_oc_cur=${words[${#words[@]} - 1]}
	prev=
	((${#words[@]} > 1)) && prev=${words[${#words[@]} - 2]}

	# The agent, the provider and the verb given so far.
	for ((i = 1; i < ${#words[@]} - 1; i++)); do
		w=${words[i]}
		[[ -n $dashdash ]] && break
		case $w in
		--) dashdash=$i ;;
		-a | --agent) _oc_agent=${words[i + 1]}; ((i++)) ;;
		--agent=*) _oc_agent=${w#--agent=} ;;
		-a?*) _oc_agent=${w#-a} ;;
		-p | --provider) _oc_prov=${words[i + 1]}; ((i++)) ;;
		--provider=*) _oc_prov=${w#--provider=} ;;
		-p?*) _oc_prov=${w#-p} ;;
		-t | --type | --expires-in | --ref | --email | --wait | -e | --var | \
		    --profile | -w | --warn | -T | --timeout | -j | --jobs | \
		    --within | --output | --exclude | -c | --critical | \
		    --deadline | --state-dir) ((i++)) ;;
		-*) ;;
		*) [[ -z $verb ]] && verb=$w ;;
		esac
	done

	# After "oc-keys exec ... --": a command and its arguments.
	if [[ -n $dashdash ]]; then
		if declare -F _command_offset >/dev/null; then
			local k n=0
			for ((k = 0; k <= COMP_CWORD; k++)); do
				[[ ${COMP_WORDS[k]} == -- ]] && n=$((k + 1))
			done
			_command_offset "$n"
		elif ((${#words[@]} - 1 == dashdash + 1)); then
			COMPREPLY=($(compgen -c -- "$_oc_cur"))
		else
			_oc_files
		fi
		return 0
	fi

	# --option=value
	if [[ $_oc_cur == --*=* ]]; then
		prev=${_oc_cur%%=*}
		_oc_cur=${_oc_cur#*=}
		[[ $COMP_WORDBREAKS == *=* ]] || _oc_eqpre=$prev=
		_oc_value "$prev" || COMPREPLY=()
		return 0
	fi
	_oc_value "$prev" && return 0

	opts='-a --agent --json --wait --force --reload --state-dir -h --help -V --version'
	case $cmd in
	oc-profile)
		verbs='list ls show add rm path cooldowns migrate agents'
		case $verb in
		list | ls) opts+=' -p --provider --reveal --ids' ;;
		show) opts+=' --reveal' ;;
		add) opts+=' -t --type --expires-in --ref --email --no-config' ;;
		cooldowns) opts+=' --clear' ;;
		migrate) opts+=' --dry-run' ;;
		esac ;;
	oc-order)
		verbs='get set clear'
		opts+=' -p --provider'
		[[ $verb == get ]] && opts+=' --effective' ;;
	oc-keys)
		verbs='list get exec classify set'
		opts+=' -p --provider'
		case $verb in
		list) opts+=' --reveal --primary' ;;
		get) opts+=' --profile --no-refresh' ;;
		exec) opts+=' -e --var --primary --' ;;
		set) opts+=' -e --var' ;;
		esac ;;
	oc-check)
		verbs=
		opts+=' -q --quiet --nagios --prometheus --output -w --warn --probe
		    -T --timeout -j --jobs -p --provider --profile --exclude
		    -c --critical -t --deadline' ;;
	oc-sync)
		verbs=
		opts+=' --claude --codex --dry-run --refresh --within --profile'
		# an optional FILE after --claude/--codex, or the next option
		if [[ $prev == --claude || $prev == --codex ]] && [[ $_oc_cur != -* ]]; then
			_oc_files
			return 0
		fi ;;
	*) return 0 ;;
	esac

	if [[ $_oc_cur == -* || -z $verbs ]]; then
		_oc_reply $opts
	elif [[ -n $verbs && -z $verb ]]; then
		_oc_reply $verbs
	else
		case $cmd:$verb in
		oc-profile:show | oc-profile:rm | oc-profile:cooldowns)
			_oc_reply $(_oc_ids) ;;
		oc-profile:add)
			# PROVIDER:NAME: offer the providers in use, then a name
			compopt -o nospace 2>/dev/null
			_oc_reply $(_oc_providers | sed 's/$/:/') ;;
		oc-order:set) _oc_reply $(_oc_ids "$_oc_prov") ;;
		*) COMPREPLY=() ;;
		esac
	fi
	return 0
}

complete -F _oc_tools oc-profile oc-order oc-check oc-keys oc-sync
