#!/usr/bin/env bash
# Issue 14's targets on one synthetic call, quickly (docs/performance.md,
# "Replay and the auditor's path"):
#
#   bench/replay.sh SIZE [MERIT]     SIZE proposals, e.g. 2000 or 10000
#
# Generates the call with merit-gen (built beside MERIT; SIZE proposals,
# SIZE/20 reviewers (at least 50), 5 reviews each) unless it is there
# already, then measures, in this one run, CPU time (user + system, the
# median of RUNS runs under /usr/bin/time) and peak RSS (the median too):
#   - merit rank CALL, plain, with --resamples 0 and with the default
#     resamples (1000: the command's default),
#   - merit rank CALL --audit TRAIL, both ways,
#   - merit rank CALL --format json (--resamples 0),
#   - merit replay TRAIL CALL of the --resamples 0 trail,
# and prints the ratios against the reference in the same run, with the
# targets: rank --audit <= 1.5x plain rank, --format json <= 2x plain rank,
# replay <= 2x rank --audit in CPU time and <= 1.5x in peak RSS.
#
# Environment: RUNS (default 3) timed runs of each --resamples 0 command;
# DEFAULT_RUNS (default 1) of each command with the default resamples (0:
# leave them out); BENCH_DIR (default build/bench-replay).
#
# Timings mean something only against the reference measured in the same
# run on the same machine.
set -euo pipefail
export LC_ALL=C
src=$(cd "$(dirname "$0")/.." && pwd)
size=${1:?usage: bench/replay.sh SIZE [MERIT]}
merit=$(realpath "${2:-$src/build/merit}")
gen=$(dirname "$merit")/merit-gen
runs=${RUNS:-3}
default_runs=${DEFAULT_RUNS:-1}
work=${BENCH_DIR:-$src/build/bench-replay}
[[ $size =~ ^[1-9][0-9]*$ ]] || { echo "bench: SIZE must be a number of proposals" >&2; exit 2; }
[ -x "$merit" ] || { echo "bench: no merit binary at $merit" >&2; exit 2; }
[ -x "$gen" ] || { echo "bench: no merit-gen beside $merit" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time missing (package time)" >&2; exit 2; }

reviewers=$((size / 20 < 50 ? 50 : size / 20))
call=$work/call-$size
mkdir -p "$work"
if [ ! -f "$call/call.xml" ]; then
  rm -rf "$call"
  "$gen" --proposals "$size" --reviewers "$reviewers" --reviews-per-proposal 5 -o "$call" >&2
fi
trail=$work/trail-$size.jsonl

# measure RUNS CMD...: prints "cpu_seconds peak_kib", each the median of RUNS
measure() {
  local n=$1 i cpu=() rss=()
  shift
  for ((i = 0; i < n; i++)); do
    /usr/bin/time -o "$work/time.txt" -f '%U %S %M' "$@" >/dev/null 2>&1 || true
    read -r u s m < <(tail -1 "$work/time.txt")
    cpu+=("$(awk -v u="$u" -v s="$s" 'BEGIN {printf "%.2f", u + s}')")
    rss+=("$m")
  done
  printf '%s %s\n' "$(printf '%s\n' "${cpu[@]}" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')" \
    "$(printf '%s\n' "${rss[@]}" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN {print (r <= t ? "met" : "missed")}'; }

echo "bench: $size proposals, $reviewers reviewers; $runs runs each (median)" >&2
read -r plain_t plain_m < <(measure "$runs" "$merit" rank "$call" --resamples 0 -o /dev/null)
read -r audit_t audit_m < <(measure "$runs" "$merit" rank "$call" --resamples 0 -o /dev/null --audit "$trail")
read -r json_t json_m < <(measure "$runs" "$merit" rank "$call" --resamples 0 --format json -o /dev/null)
"$merit" rank "$call" --resamples 0 -o "$work/report-$size.txt" --audit "$trail" 2>/dev/null
read -r replay_t replay_m < <(measure "$runs" "$merit" replay "$trail" "$call")
"$merit" replay "$trail" "$call" >/dev/null 2>&1 || {
  echo "bench: the replay did not come out identical" >&2
  exit 1
}

row() { # name cpu kib against ratio_t ratio_m target
  printf '| %s | %s | %s | %s | %sx | %sx | %s |\n' "$1" "$2" "$(awk -v k="$3" 'BEGIN {printf "%.0f", k / 1024}')" \
    "$4" "$5" "$6" "$7"
}
echo "| command ($size proposals) | CPU s | peak RSS MiB | against | CPU ratio | RSS ratio | target |"
echo "|---|--:|--:|---|--:|--:|---|"
row "rank --resamples 0" "$plain_t" "$plain_m" "" 1 1 ""
r=$(ratio "$audit_t" "$plain_t")
row "rank --resamples 0 --audit" "$audit_t" "$audit_m" "plain rank" "$r" "$(ratio "$audit_m" "$plain_m")" \
  "CPU <= 1.5x: $(verdict "$r" 1.5)"
r=$(ratio "$json_t" "$plain_t")
row "rank --resamples 0 --format json" "$json_t" "$json_m" "plain rank" "$r" "$(ratio "$json_m" "$plain_m")" \
  "CPU <= 2x: $(verdict "$r" 2)"
r=$(ratio "$replay_t" "$audit_t")
rm_=$(ratio "$replay_m" "$audit_m")
row "replay (of the --resamples 0 trail)" "$replay_t" "$replay_m" "rank --audit" "$r" "$rm_" \
  "CPU <= 2x: $(verdict "$r" 2); RSS <= 1.5x: $(verdict "$rm_" 1.5)"
if [ "$default_runs" -gt 0 ]; then
  read -r dplain_t dplain_m < <(measure "$default_runs" "$merit" rank "$call" -o /dev/null)
  read -r daudit_t daudit_m < <(measure "$default_runs" "$merit" rank "$call" -o /dev/null --audit "$trail")
  row "rank (default resamples)" "$dplain_t" "$dplain_m" "" 1 1 ""
  r=$(ratio "$daudit_t" "$dplain_t")
  row "rank --audit (default resamples)" "$daudit_t" "$daudit_m" "plain rank, default resamples" "$r" \
    "$(ratio "$daudit_m" "$dplain_m")" "CPU <= 1.5x: $(verdict "$r" 1.5)"
fi
