# bash completion for merit(1)                                -*- shell-script -*-
# Installed as share/bash-completion/completions/merit. The commands, each
# command's options and the values below are those `merit --help` and
# `merit CMD --help` spell: tests/completions.sh compares them, so that a
# new option cannot be missed here.

_merit_commands="init validate rank explain replay diff summary panel stats assign sheets import schema keygen sign help version"
_merit_global="-h --help -q --quiet --color"
_merit_methods="mean median trimmed-mean confidence-weighted z-score"
_merit_limits="file-size= depth= proposals= reviewers= criteria= text= match= diagnostics= rules="

# the options of each command (without the global ones)
_merit_options() {
    case $1 in
    init) echo "--rubric --copy-rubric --id --title --currency --budget --reviewers" ;;
    validate) echo "--call --assignment --limit" ;;
    rank) echo "--method --lottery --format -o --output --places --detail --width --top --around-line --keep-going --audit --resamples --level --seed --limit" ;;
    explain) echo "--against --assignment --full --method --lottery --places --audit --resamples --level --seed --limit" ;;
    replay) echo "--limit" ;;
    diff) echo "" ;;
    summary) echo "-o --output --format --method --places --limit" ;;
    panel) echo "--format -o --output --method --places --limit" ;;
    stats) echo "--format -o --output --method --places --resamples --level --seed --limit" ;;
    assign) echo "-o --output --per-proposal --max-load --bids --explain --limit" ;;
    sheets) echo "-o --output --assignment --limit" ;;
    import) echo "--long --wide --call -o --output --column --ignore --reviewer-prefix --confidence --csv --tsv --limit --request" ;;
    schema) echo "" ;;
    keygen) echo "-o" ;;
    sign) echo "--key" ;;
    esac
}

# the values --format takes, per command
_merit_formats() {
    case $1 in
    rank) echo "text csv csv-detail json html xlsx" ;;
    summary) echo "text md html" ;;
    panel) echo "text html" ;;
    stats) echo "text csv json" ;;
    esac
}

_merit() {
    local cur prev cmd i
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}

    # the command: the first word after merit that is not a global option
    cmd=
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        --color) ((i++)) ;; # its value is the next word
        -*) ;;
        *)
            cmd=${COMP_WORDS[i]}
            break
            ;;
        esac
    done

    # --opt=value: complete the value after the '='
    if [[ $cur == --*=* ]]; then
        prev=${cur%%=*}
        cur=${cur#*=}
    fi

    case $prev in
    --color)
        COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
        return
        ;;
    --method)
        COMPREPLY=($(compgen -W "$_merit_methods" -- "$cur"))
        return
        ;;
    --format)
        COMPREPLY=($(compgen -W "$(_merit_formats "$cmd")" -- "$cur"))
        return
        ;;
    --limit)
        compopt -o nospace 2>/dev/null
        COMPREPLY=($(compgen -W "$_merit_limits" -- "$cur"))
        return
        ;;
    --wide)
        COMPREPLY=($(compgen -W "criteria reviewers" -- "$cur"))
        return
        ;;
    --rubric)
        # a shipped rubric by name, or a rubric file
        COMPREPLY=($(compgen -W "manufacturing-usa horizon-europe nih" -- "$cur")
            $(compgen -f -X '!*.xml' -- "$cur") $(compgen -d -- "$cur"))
        return
        ;;
    --call)
        COMPREPLY=($(compgen -d -- "$cur"))
        return
        ;;
    -o | --output)
        case $cmd in
        summary | sheets | import)
            COMPREPLY=($(compgen -d -- "$cur"))
            ;;
        *)
            COMPREPLY=($(compgen -f -- "$cur"))
            ;;
        esac
        return
        ;;
    --audit | --assignment | --bids)
        COMPREPLY=($(compgen -f -- "$cur"))
        return
        ;;
    --key)
        COMPREPLY=($(compgen -f -X '!*.key' -- "$cur") $(compgen -d -- "$cur"))
        return
        ;;
    --lottery | --places | --width | --top | --around-line | --resamples | --level | --seed | \
        --against | --id | --title | --currency | --budget | --reviewers | --per-proposal | \
        --max-load | --explain | --column | --ignore | --reviewer-prefix | --confidence | --request)
        # a value of the user's own
        return
        ;;
    esac

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$_merit_global -V --version" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$_merit_commands" -- "$cur"))
        fi
        return
    fi

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_merit_options "$cmd") $_merit_global" -- "$cur"))
        return
    fi

    case $cmd in
    help)
        COMPREPLY=($(compgen -W "$_merit_commands" -- "$cur"))
        ;;
    version) ;;
    schema)
        COMPREPLY=($(compgen -W "call moderation proposal rubric sheet" -- "$cur"))
        ;;
    import)
        # the first word after import is what is imported
        local seen=
        for ((i = i + 1; i < COMP_CWORD; i++)); do
            [[ ${COMP_WORDS[i]} == scores || ${COMP_WORDS[i]} == proposals ]] && seen=1
        done
        if [[ -z $seen ]]; then
            COMPREPLY=($(compgen -W "scores proposals" -- "$cur"))
        else
            COMPREPLY=($(compgen -f -- "$cur"))
        fi
        ;;
    *)
        # call folders, trails, sheets and tables
        COMPREPLY=($(compgen -f -- "$cur"))
        ;;
    esac
}

complete -o filenames -F _merit merit
