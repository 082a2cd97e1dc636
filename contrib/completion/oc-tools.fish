# SPDX-License-Identifier: ISC
# fish completion for oc-tools: oc-profile, oc-order, oc-check, oc-keys and
# oc-sync. `make install` puts this one file in vendor_completions.d under
# each command's name (fish loads a command's completions by its name; the
# definitions for the other four are the same and replace themselves).
# Profile ids, providers and agents come from the commands themselves
# (`oc-profile list --ids`, `oc-profile agents`), for the agent named by -a
# on the line.

# oc-profile ARG...: run with the line's -a, from the directory of the
# command being completed when it was typed with a path (./oc-check).
function __oc_tools_profile
    set -l toks (commandline -opc)
    set -l agent
    set -l i 2
    while test $i -le (count $toks)
        switch $toks[$i]
            case -a --agent
                set i (math $i + 1)
                test $i -le (count $toks); and set agent -a $toks[$i]
            case '--agent=*'
                set agent -a (string replace -- --agent= '' $toks[$i])
            case '-a?*'
                set agent -a (string sub -s 3 -- $toks[$i])
        end
        set i (math $i + 1)
    end
    set -l prog oc-profile
    if string match -q -- '*/*' $toks[1]
        set prog (string replace -r -- '/[^/]*$' '' $toks[1])/oc-profile
    end
    command $prog $agent $argv 2>/dev/null
end

# The -p given on the line, if any.
function __oc_tools_provider
    set -l toks (commandline -opc)
    set -l i 2
    while test $i -lt (count $toks)
        switch $toks[$i]
            case -p --provider
                echo $toks[(math $i + 1)]
                return
        end
        set i (math $i + 1)
    end
end

function __oc_tools_ids
    __oc_tools_profile list --ids $argv
end
function __oc_tools_ids_of_provider
    set -l p (__oc_tools_provider)
    if test -n "$p"
        __oc_tools_ids -p $p
    else
        __oc_tools_ids
    end
end
function __oc_tools_providers
    __oc_tools_ids | string replace -r -- ':.*' '' | sort -u
end
function __oc_tools_agents
    __oc_tools_profile agents
end

# After "oc-keys exec ... --": complete the command line that follows.
function __oc_tools_after_dashdash
    contains -- -- (commandline -opc)
end
function __oc_tools_dashdash
    set -l toks (commandline -opc)
    set -l i (contains -i -- -- $toks)
    set -l rest $toks[(math $i + 1)..-1]
    complete -C (string join ' ' -- (string escape -- $rest) (commandline -ct))
end

# Options every command takes.
for c in oc-profile oc-order oc-check oc-keys oc-sync
    complete -c $c -f
    complete -c $c -n 'not __oc_tools_after_dashdash' -s a -l agent -x -a '(__oc_tools_agents)' -d 'OpenClaw agent'
    complete -c $c -n 'not __oc_tools_after_dashdash' -l json -d 'JSON output'
    complete -c $c -n 'not __oc_tools_after_dashdash' -l wait -x -d 'lock wait (duration with its unit: 30s, 2m)'
    complete -c $c -n 'not __oc_tools_after_dashdash' -l force -d 'write despite the era guard'
    complete -c $c -n 'not __oc_tools_after_dashdash' -l reload -d 'tell the running gateway after the write'
    complete -c $c -n 'not __oc_tools_after_dashdash' -l state-dir -x -a '(__fish_complete_directories)' -d 'OpenClaw state directory'
    complete -c $c -n 'not __oc_tools_after_dashdash' -s h -l help -d 'usage'
    complete -c $c -n 'not __oc_tools_after_dashdash' -s V -l version -d 'version'
end

# oc-profile
set -l v list ls show add rm path cooldowns migrate agents
complete -c oc-profile -n "not __fish_seen_subcommand_from $v" -a list -d 'list profiles'
complete -c oc-profile -n "not __fish_seen_subcommand_from $v" -a show -d 'show one profile'
complete -c oc-profile -n "not __fish_seen_subcommand_from $v" -a add -d 'add a profile (secret on stdin)'
complete -c oc-profile -n "not __fish_seen_subcommand_from $v" -a rm -d 'remove profiles'
complete -c oc-profile -n "not __fish_seen_subcommand_from $v" -a path -d 'the files in use'
complete -c oc-profile -n "not __fish_seen_subcommand_from $v" -a cooldowns -d 'cooldown state'
complete -c oc-profile -n "not __fish_seen_subcommand_from $v" -a migrate -d 'import a JSON store into SQLite'
complete -c oc-profile -n "not __fish_seen_subcommand_from $v" -a agents -d 'configured agents'
complete -c oc-profile -n '__fish_seen_subcommand_from list ls' -s p -l provider -x -a '(__oc_tools_providers)' -d provider
complete -c oc-profile -n '__fish_seen_subcommand_from list ls show' -l reveal -d 'show secrets'
complete -c oc-profile -n '__fish_seen_subcommand_from list ls' -l ids -d 'profile ids only'
complete -c oc-profile -n '__fish_seen_subcommand_from show rm cooldowns' -a '(__oc_tools_ids)'
complete -c oc-profile -n '__fish_seen_subcommand_from add' -a '(__oc_tools_providers | string replace -r -- \'$\' :)'
complete -c oc-profile -n '__fish_seen_subcommand_from add' -s t -l type -x -a 'api_key token' -d 'credential type'
complete -c oc-profile -n '__fish_seen_subcommand_from add' -l expires-in -x -d 'duration (30d, 12h; bare number: days)'
complete -c oc-profile -n '__fish_seen_subcommand_from add' -l ref -x -a 'env: file: exec:' -d 'SecretRef source:provider:id'
complete -c oc-profile -n '__fish_seen_subcommand_from add' -l email -x -d 'account e-mail'
complete -c oc-profile -n '__fish_seen_subcommand_from add' -l no-config -d 'leave the config alone'
complete -c oc-profile -n '__fish_seen_subcommand_from cooldowns' -l clear -d 'reset cooldowns'
complete -c oc-profile -n '__fish_seen_subcommand_from migrate' -l dry-run -d 'change nothing'

# oc-order
set -l v get set clear
complete -c oc-order -n "not __fish_seen_subcommand_from $v" -a get -d 'the order override'
complete -c oc-order -n "not __fish_seen_subcommand_from $v" -a set -d 'set the order'
complete -c oc-order -n "not __fish_seen_subcommand_from $v" -a clear -d 'remove the override'
complete -c oc-order -s p -l provider -x -a '(__oc_tools_providers)' -d provider
complete -c oc-order -n '__fish_seen_subcommand_from get' -l effective -d 'the order in use, and why'
complete -c oc-order -n '__fish_seen_subcommand_from set' -a '(__oc_tools_ids_of_provider)'

# oc-check
complete -c oc-check -s q -l quiet -d 'print nothing'
complete -c oc-check -l nagios -d 'monitoring-plugins output'
complete -c oc-check -l prometheus -d 'node-exporter textfile output'
complete -c oc-check -l output -r -F -d 'write the report to FILE'
complete -c oc-check -s w -l warn -x -d 'expiry window (duration with its unit: 90m, 2h, 7d)'
complete -c oc-check -l probe -d 'try each credential live'
complete -c oc-check -s T -l timeout -x -d 'probe timeout (ms, or 5s)'
complete -c oc-check -s j -l jobs -x -d 'concurrent probes'
complete -c oc-check -s p -l provider -x -a '(__oc_tools_providers)' -d provider
complete -c oc-check -l profile -x -a '(__oc_tools_ids)' -d 'judge and probe this profile'
complete -c oc-check -l exclude -x -a '(__oc_tools_ids)' -d 'leave this profile out'
complete -c oc-check -s c -l critical -x -d 'critical window (duration with its unit: 90m, 2h, 7d)'
complete -c oc-check -s t -l deadline -x -d 'deadline for the whole run (seconds, or 90s)'

# oc-keys
set -l v list get exec classify set
set -l nd 'not __oc_tools_after_dashdash'
complete -c oc-keys -n "$nd; and not __fish_seen_subcommand_from $v" -a list -d 'candidate keys'
complete -c oc-keys -n "$nd; and not __fish_seen_subcommand_from $v" -a get -d 'the key in use'
complete -c oc-keys -n "$nd; and not __fish_seen_subcommand_from $v" -a exec -d 'run a command across keys'
complete -c oc-keys -n "$nd; and not __fish_seen_subcommand_from $v" -a classify -d 'is stdin a rate limit?'
complete -c oc-keys -n "$nd; and not __fish_seen_subcommand_from $v" -a set -d 'store a key in .env'
complete -c oc-keys -n $nd -s p -l provider -x -a '(__oc_tools_providers)' -d provider
complete -c oc-keys -n "$nd; and __fish_seen_subcommand_from list" -l reveal -d 'show keys'
complete -c oc-keys -n "$nd; and __fish_seen_subcommand_from list exec" -l primary -d 'the primary key only'
complete -c oc-keys -n "$nd; and __fish_seen_subcommand_from get" -l profile -x -a '(__oc_tools_ids_of_provider)' -d profile
complete -c oc-keys -n "$nd; and __fish_seen_subcommand_from get" -l no-refresh -d 'do not refresh OAuth'
complete -c oc-keys -n "$nd; and __fish_seen_subcommand_from exec set" -s e -l var -x -a '(set -nx)' -d variable
complete -c oc-keys -n __oc_tools_after_dashdash -x -a '(__oc_tools_dashdash)'

# oc-sync
complete -c oc-sync -l claude -r -F -d 'import Claude Code (optional FILE)'
complete -c oc-sync -l codex -r -F -d 'import Codex CLI (optional FILE)'
complete -c oc-sync -l dry-run -d 'change nothing'
complete -c oc-sync -l refresh -d 'refresh OAuth profiles'
complete -c oc-sync -l within -x -d 'refresh what expires within (duration with its unit: 90m, 2h, 7d)'
complete -c oc-sync -l profile -x -a '(__oc_tools_ids)' -d 'refresh this profile'
