#!/bin/bash
# The conventions every merit command shares (docs/cli.md, "Conventions"),
# run through the binary: '-' for standard input and output, --opt=value,
# -V / merit version / merit help, --color with NO_COLOR and TERM=dumb
# (through a pseudo-terminal: script(1)), -q, and output permissions from
# the umask. Usage: cli_conventions.sh MERIT SOURCE_DIR
set -u
merit=$1
src=$2
call=$src/proposals/mfg-2026
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
export LC_ALL=C SOURCE_DATE_EPOCH=1700000000
unset NO_COLOR
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
# expect STATUS DESCRIPTION -- COMMAND...: the exit status of COMMAND
expect() {
    local want=$1 what=$2
    shift 3
    "$@" >/dev/null 2>&1
    local got=$?
    [ "$got" = "$want" ] || fail "$what: exit $got, expected $want"
}

# --- '-' for standard output -------------------------------------------------
"$merit" rank "$call" >plain.txt || fail "rank to stdout"
"$merit" rank "$call" -o - >dash.txt || fail "rank -o -"
cmp -s plain.txt dash.txt || fail "rank -o - differs from standard output"
[ -e ./- ] && fail "rank -o - wrote a file named '-'"
"$merit" stats "$call" --output=- >stats-dash.txt || fail "stats --output=-"
"$merit" stats "$call" >stats.txt
cmp -s stats.txt stats-dash.txt || fail "stats --output=- differs from standard output"
"$merit" assign "$call" -o - >assign.csv 2>assign.err || fail "assign -o -"
head -n 1 assign.csv | grep -qx 'reviewer,proposal' || fail "assign -o -: no table on stdout"
grep -q '^<stdout>: ' assign.err || fail "assign -o -: the summary line is not on stderr"
# a trail records the report as '-' and replays
"$merit" rank "$call" -o - --audit=trail.jsonl >/dev/null 2>&1 || fail "rank -o - --audit="
"$merit" replay trail.jsonl >/dev/null || fail "replay of a trail whose report went to '-'"
# outputs that cannot be standard output
expect 2 "summary -o -" -- "$merit" summary "$call" -o -
expect 2 "sheets -o -" -- "$merit" sheets "$call" -o -
expect 2 "keygen -o -" -- "$merit" keygen -o -
expect 2 "rank --audit -" -- "$merit" rank "$call" --audit - -o r.txt
[ -e ./- ] && fail "a refused '-' output made a file named '-'"

# --- '-' and pipes for standard input ------------------------------------------
out=$("$merit" validate - <"$call/proposals/P01.xml") || fail "validate - (a file on stdin)"
[ "$out" = "<stdin>: proposal valid (1 record)" ] || fail "validate -: '$out'"
out=$(cat "$call/reviews/r1.xml" | "$merit" validate -) || fail "validate - (a pipe)"
[ "$out" = "<stdin>: score sheet valid (1 record)" ] || fail "validate - (pipe): '$out'"
cat "$call/proposals/P01.xml" | "$merit" validate /dev/stdin >/dev/null || fail "validate /dev/stdin"
err=$(echo '<proposal' | "$merit" validate - 2>&1 >/dev/null)
[ "${err%%:*}" = "<stdin>" ] || fail "a diagnostic on standard input names '<stdin>': '$err'"
err=$(head -c 5000 "$call/proposals/P01.xml" | "$merit" validate --limit=file-size=1K - 2>&1)
[ $? = 1 ] || fail "a pipe over the file-size limit is not exit 1"
[ "$err" = "<stdin>: error: more than the file-size limit of 1024 bytes" ] ||
    fail "pipe over the limit: '$err'"
cat trail.jsonl | "$merit" replay - >/dev/null || fail "replay - (a pipe)"
"$merit" diff trail.jsonl - <trail.jsonl >/dev/null || fail "diff TRAIL -"
err=$(printf 'reviewer,proposal,criterion,score\nr1,P01,problem,7\n' |
    "$merit" import scores --long --call "$call" -o imported - 2>&1 | head -n 1)
case $err in "<stdin>:2: error: "*) ;; *) fail "import from '-': '$err'" ;; esac
expect 2 "validate - - (stdin twice)" -- "$merit" validate - -
expect 2 "diff - -" -- "$merit" diff - -
expect 2 "rank - (a call folder)" -- "$merit" rank -
expect 2 "validate --call -" -- "$merit" validate --call - x.xml

# --- --opt=value --------------------------------------------------------------
"$merit" rank "$call" --format json >json1.txt
"$merit" rank "$call" --format=json >json2.txt || fail "--format=json refused"
cmp -s json1.txt json2.txt || fail "--format=json differs from --format json"
"$merit" rank "$call" --places=3 --top=2 --width=80 >a.txt || fail "--places=3 --top=2 --width=80"
"$merit" rank "$call" --places 3 --top 2 --width 80 >b.txt
cmp -s a.txt b.txt || fail "--places=3 --top=2 --width=80 differs"
err=$("$merit" rank "$call" --detail=yes 2>&1)
[ $? = 2 ] || fail "a flag with =value is not a usage error"
[ "$err" = "merit: error: rank: --detail takes no value ('--detail=yes')" ] ||
    fail "flag=value: '$err'"
# the value of an option is never split or taken as an option
"$merit" init newcall --title=--x -q || fail "init --title=--x"
grep -q '>--x</title>' newcall/call.xml || fail "init --title=--x: the title is not '--x'"

# --- version and help ---------------------------------------------------------
v1=$("$merit" --version) && v2=$("$merit" -V) && v3=$("$merit" version) || fail "version"
[ "$v1" = "$v2" ] && [ "$v1" = "$v3" ] || fail "--version, -V and version differ"
case $v1 in "merit "*" (build "*")") ;; *) fail "version line '$v1'" ;; esac
"$merit" help rank >h1.txt || fail "merit help rank"
"$merit" rank --help >h2.txt
cmp -s h1.txt h2.txt || fail "merit help rank differs from merit rank --help"
"$merit" help >h3.txt && "$merit" --help >h4.txt || fail "merit help"
cmp -s h3.txt h4.txt || fail "merit help differs from merit --help"
err=$("$merit" help rnak 2>&1)
[ $? = 2 ] || fail "merit help of an unknown command is not exit 2"
[ "$err" = "merit: error: unknown command 'rnak'; did you mean 'rank'? (see 'merit help')" ] ||
    fail "help rnak: '$err'"

# --- colour: --color, NO_COLOR, TERM=dumb, through a pseudo-terminal ----------
esc=$'\033['
pty() { # the output of merit ARGS on a terminal, with the environment given
    env "$@" script -qec "$merit rank $call --top 3" /dev/null 2>/dev/null
}
if script -qec true /dev/null >/dev/null 2>&1; then
    case $(pty TERM=xterm) in *"$esc"*) ;; *) fail "no colour on a terminal" ;; esac
    case $(pty TERM=dumb) in *"$esc"*) fail "colour with TERM=dumb" ;; esac
    case $(pty TERM=xterm NO_COLOR=1) in *"$esc"*) fail "colour with NO_COLOR=1" ;; esac
    case $(env TERM=xterm NO_COLOR=1 script -qec "$merit rank $call --top 3 --color=always" \
        /dev/null) in *"$esc"*) ;; *) fail "--color=always loses to NO_COLOR" ;; esac
    case $(env TERM=xterm script -qec "$merit --color never rank $call --top 3" /dev/null) in
    *"$esc"*) fail "--color never (before the command) coloured" ;; esac
else
    echo "note: script(1) cannot make a pseudo-terminal here: the terminal cases are skipped"
fi
# NO_COLOR= (empty) is not set; --color=always colours a pipe and a file
"$merit" rank "$call" --color=always --top 3 | grep -qF "$esc" || fail "--color=always, a pipe"
"$merit" rank "$call" --color=always --top 3 -o col.txt && grep -qF "$esc" col.txt ||
    fail "--color=always, -o FILE"
"$merit" rank "$call" --top 3 | grep -qF "$esc" && fail "colour in a pipe without --color"
expect 2 "--color=sometimes" -- "$merit" rank "$call" --color=sometimes

# --- -q -----------------------------------------------------------------------
"$merit" rank "$call" -o r1.txt --audit t1.jsonl 2>note.txt
grep -q 'audit trail written' note.txt || fail "no note without -q"
"$merit" rank "$call" -q -o r2.txt --audit t2.jsonl 2>quiet.txt || fail "rank -q"
[ -s quiet.txt ] && fail "-q: rank still wrote '$(cat quiet.txt)'"
[ -s r2.txt ] || fail "-q silenced the report"
[ -z "$("$merit" -q validate "$call")" ] || fail "-q: validate still printed its summary"
err=$("$merit" -q validate - <"$call/proposals/P01.xml" 2>&1; echo '<x' | "$merit" --quiet validate - 2>&1)
case $err in *"error:"*) ;; *) fail "-q silenced an error" ;; esac

# --- permissions of new files: 0666 less the umask; keys 0600 ------------------
mode() { stat -c %a "$1"; }
(umask 022 && "$merit" rank "$call" -o m022.txt --audit m022.jsonl 2>/dev/null)
[ "$(mode m022.txt)" = 644 ] || fail "report under umask 022: $(mode m022.txt)"
[ "$(mode m022.jsonl)" = 644 ] || fail "trail under umask 022: $(mode m022.jsonl)"
(umask 077 && "$merit" rank "$call" -o m077.txt --audit m077.jsonl 2>/dev/null)
[ "$(mode m077.txt)" = 600 ] || fail "report under umask 077: $(mode m077.txt)"
[ "$(mode m077.jsonl)" = 600 ] || fail "trail under umask 077: $(mode m077.jsonl)"
(umask 000 && "$merit" keygen -o k >/dev/null)
[ "$(mode k.key)" = 600 ] || fail "secret key under umask 000: $(mode k.key)"
[ "$(mode k.pub)" = 666 ] || fail "public key under umask 000: $(mode k.pub)"

[ $failures = 0 ] && echo "cli conventions: all passed"
exit $((failures > 0))
