#!/usr/bin/env bash
# merit's benchmark (docs/performance.md, bench/README.md).
#
#   bench/run.sh [MERIT]        make bench: builds, then runs this
#
# Generates synthetic calls with merit-gen, built beside MERIT (1k, 10k and 50k proposals as
# bundles, 5 reviews each, 200/500/1000 reviewers; and the 10k call again as
# 10,500 separate files), then times on those same files, in this one run:
#   - the floor: xmllint --stream --schema over the proposals plus the same
#     over the sheets (libxml2 streaming schema validation, nothing kept);
#   - merit validate, merit rank (text, csv, json) and merit rank --audit,
#     as shipped (proposals and sheets read on two threads when the machine
#     has two cores), and validate and rank again on one thread; these
#     rank without rank intervals (--resamples 0), the plain ranking;
#   - at 10k, merit rank with rank intervals (1000 resamples, the
#     command's default), as a ratio to the plain merit rank (target <= 20x).
#   - up to 10k, merit replay of the trail the --audit row wrote; and issue
#     14's targets: rank --audit <= 1.5x plain rank (CPU time and peak RSS),
#     --format json <= 2x plain rank, replay <= 2x rank --audit in CPU time
#     and <= 1.5x in peak RSS.
# Each command runs several times (hyperfine when installed, else a loop
# timed with date) and the median is kept; one more run under /usr/bin/time
# gives the peak RSS. The table (median, ratio to the floor, peak RSS, the
# issue's targets) goes to standard output and to $BENCH_DIR/results.md.
#
# Environment:
#   BENCH_DIR         work folder, rewritten each run (default build/bench)
#   BENCH_CALLS       calls to run, default "1k 10k 50k 10k-files"
#   BENCH_RUNS        timed runs per command for calls up to 10k (default 5)
#   BENCH_RUNS_LARGE  timed runs per command for the 50k call (default 3)
#   BENCH_SEED        the calls' seed (default 1)
#
# Timings are only ever compared with the floor measured in the same run on
# the same machine: absolute seconds mean nothing elsewhere.
set -euo pipefail
export LC_ALL=C
src=$(cd "$(dirname "$0")/.." && pwd)
merit=$(realpath "${1:-$src/build/merit}")
work=${BENCH_DIR:-$src/build/bench}
calls=${BENCH_CALLS:-"1k 10k 50k 10k-files"}
runs_small=${BENCH_RUNS:-5}
runs_large=${BENCH_RUNS_LARGE:-3}
seed=${BENCH_SEED:-1}
schemas=$src/engine/schemas

[ -x "$merit" ] || { echo "bench: no merit binary at $merit (run 'make bench')" >&2; exit 2; }
command -v xmllint >/dev/null || { echo "bench: xmllint missing (package libxml2-utils)" >&2; exit 2; }
have_hyperfine=false
command -v hyperfine >/dev/null && have_hyperfine=true
have_time=false
[ -x /usr/bin/time ] && have_time=true

rm -rf "$work"
mkdir -p "$work/raw"
results=$work/results.md
log() { echo "bench: $*" >&2; }

# call name -> proposals reviewers layout
spec() {
  case $1 in
    1k) echo "1000 200 bundles" ;;
    10k) echo "10000 500 bundles" ;;
    50k) echo "50000 1000 bundles" ;;
    10k-files) echo "10000 500 files" ;;
    *) echo "bench: unknown call '$1' (1k, 10k, 50k, 10k-files)" >&2; exit 2 ;;
  esac
}

q() { printf '%q' "$1"; }

# measure NAME RUNS WARMUP CMD: prints "median min max cpu peak_rss_kib" for
# the shell command CMD (wall seconds; cpu: mean user + system seconds; KiB),
# after WARMUP untimed runs; hyperfine's raw results stay in $work/raw/NAME.json
measure() {
  local name=$1 runs=$2 warmup=$3 cmd=$4 t rss=0
  if $have_hyperfine; then
    hyperfine --style none --runs "$runs" --warmup "$warmup" --export-csv "$work/hf.csv" \
      --export-json "$work/raw/$name.json" "$cmd" >/dev/null
    # command,mean,stddev,median,user,system,min,max
    t=$(awk -F, 'NR == 2 {print $4, $7, $8, $5 + $6}' "$work/hf.csv")
  else
    for _ in $(seq "$warmup"); do bash -c "$cmd" >/dev/null 2>&1; done
    t=$(for _ in $(seq "$runs"); do
      s=$(date +%s.%N)
      bash -c "$cmd" >/dev/null 2>&1
      e=$(date +%s.%N)
      awk -v e="$e" -v s="$s" 'BEGIN {print e - s}'
    done | sort -g | awk '{v[NR] = $1} END {m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print m, v[1], v[NR], "nan"}')
  fi
  if $have_time; then
    /usr/bin/time -v -o "$work/time.txt" bash -c "$cmd" >/dev/null 2>&1
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
  fi
  echo "$t $rss"
}

declare -A T R LO HI CPU # "call|what" -> median, min, max, CPU seconds, peak RSS KiB
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A ROWS
row() { ROWS[$1]+="$2"$'\n'; }
fmt_t() { awk -v t="$1" 'BEGIN {printf (t < 10 ? "%.3f" : "%.2f"), t}'; }
fmt_mib() { [ "$1" = 0 ] && echo "n/a" || awk -v k="$1" 'BEGIN {printf "%.0f", k / 1024}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
# vs CALL WHAT REF TIME_MAX RSS_MAX REFNAME: WHAT against REF (issue 14's
# targets), in CPU time (user + system) when hyperfine measured it, else in
# median wall time, and in peak RSS when RSS_MAX is set
vs() {
  local a=${CPU[$1|$2]} b=${CPU[$1|$3]} basis=CPU out
  if [ "$a" = nan ] || [ "$b" = nan ]; then a=${T[$1|$2]} b=${T[$1|$3]} basis=time; fi
  out=$(awk -v x="$(ratio "$a" "$b")" -v m="$4" -v r="$6" -v k="$basis" \
    'BEGIN {print k " " x "x " r "; <= " m "x: " (x <= m ? "met" : "**missed**")}')
  if [ -n "$5" ] && [ "${R[$1|$2]}" != 0 ] && [ "${R[$1|$3]}" != 0 ]; then
    out+=$(awk -v x="$(ratio "${R[$1|$2]}" "${R[$1|$3]}")" -v m="$5" \
      'BEGIN {print "; RSS " x "x; <= " m "x: " (x <= m ? "met" : "**missed**")}')
  fi
  echo "$out"
}

for c in $calls; do
  read -r n r layout <<<"$(spec "$c")"
  dir=$work/$c
  # the files are in the page cache (cat below): a warm-up run only matters
  # for the small calls, where it is cheap
  runs=$runs_small warmup=1
  [ "$n" -gt 10000 ] && runs=$runs_large warmup=0
  log "$c: merit-gen --proposals $n --reviewers $r --reviews-per-proposal 5 --layout $layout"
  s=$(date +%s.%N)
  "$(dirname "$merit")/merit-gen" --proposals "$n" --reviewers "$r" --reviews-per-proposal 5 --seed "$seed" \
    --layout "$layout" -o "$dir" >/dev/null
  e=$(date +%s.%N)
  gen_t=$(awk -v e="$e" -v s="$s" 'BEGIN {print e - s}')
  bytes=$(du -sb "$dir" | cut -f1)
  files=$(find "$dir" -name '*.xml' | wc -l)
  cat "$dir"/proposals/*.xml "$dir"/reviews/*.xml >/dev/null # the page cache, for every command

  # sanity: the floor and merit both accept the call before anything is timed
  xp="xmllint --stream --noout --schema $(q "$schemas/proposal.xsd") $(q "$dir")/proposals/*.xml"
  xs="xmllint --stream --noout --schema $(q "$schemas/sheet.xsd") $(q "$dir")/reviews/*.xml"
  bash -c "$xp" 2>/dev/null || { echo "bench: xmllint rejects $dir/proposals" >&2; exit 1; }
  bash -c "$xs" 2>/dev/null || { echo "bench: xmllint rejects $dir/reviews" >&2; exit 1; }
  "$merit" validate "$dir" >/dev/null || { echo "bench: merit rejects $dir" >&2; exit 1; }

  m=$(q "$merit")
  d=$(q "$dir")
  declare -a whats=(xmllint-proposals xmllint-sheets validate rank csv json audit stats validate-1t rank-1t)
  [ "$c" = 10k ] && whats+=(intervals)
  # replay of the trail the audit row wrote (after it); not at 50k, where
  # the replay held the whole trail in memory (several GiB) before it streamed
  [ "$n" -le 10000 ] && whats+=(replay)
  declare -A cmds=(
    [xmllint-proposals]=$xp
    [xmllint-sheets]=$xs
    [validate]="$m validate $d"
    [rank]="$m rank $d --resamples 0"
    [csv]="$m rank $d --format csv --resamples 0"
    [json]="$m rank $d --format json --resamples 0"
    [audit]="$m rank $d --resamples 0 --audit $(q "$work/$c.audit.jsonl")"
    [stats]="$m stats $d --resamples 0"
    [validate-1t]="MERIT_THREADS=1 $m validate $d"
    [rank-1t]="MERIT_THREADS=1 $m rank $d --resamples 0"
    [intervals]="$m rank $d --resamples 1000"
    [replay]="$m replay $(q "$work/$c.audit.jsonl") $d"
  )
  for w in "${whats[@]}"; do
    log "$c: $w ($runs runs)"
    read -r t lo hi cpu rss <<<"$(measure "$c.$w" "$runs" "$warmup" "${cmds[$w]}")"
    T[$c|$w]=$t
    CPU[$c|$w]=$cpu
    LO[$c|$w]=$lo
    HI[$c|$w]=$hi
    R[$c|$w]=$rss
  done
  T[$c|floor]=$(awk -v a="${T[$c|xmllint-proposals]}" -v b="${T[$c|xmllint-sheets]}" 'BEGIN {print a + b}')
  LO[$c|floor]=$(awk -v a="${LO[$c|xmllint-proposals]}" -v b="${LO[$c|xmllint-sheets]}" 'BEGIN {print a + b}')
  HI[$c|floor]=$(awk -v a="${HI[$c|xmllint-proposals]}" -v b="${HI[$c|xmllint-sheets]}" 'BEGIN {print a + b}')
  CPU[$c|floor]=$(awk -v a="${CPU[$c|xmllint-proposals]}" -v b="${CPU[$c|xmllint-sheets]}" 'BEGIN {print a + b}')
  R[$c|floor]=$(( ${R[$c|xmllint-proposals]} > ${R[$c|xmllint-sheets]} ? ${R[$c|xmllint-proposals]} : ${R[$c|xmllint-sheets]} ))
  T[$c|gen]=$gen_t
  T[$c|bytes]=$bytes
  T[$c|files]=$files
done

# --- the table ---------------------------------------------------------------
{
  echo "# merit benchmark"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), $("$merit" --version), commit $(git -C "$src" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)$(git -C "$src" diff --quiet HEAD -- engine cli reports 2>/dev/null || echo ' (modified)')"
  echo "$(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(free -h | awk '/Mem:/ {print $2}') memory"
  echo "$(xmllint --version 2>&1 | head -1); timing: $($have_hyperfine && hyperfine --version || echo 'date loop'), median of $runs_small runs ($runs_large at 50k); peak RSS from /usr/bin/time -v"
  echo "load average (1, 5, 15 min) at the start: $load_start; at the end: $(cut -d' ' -f1-3 /proc/loadavg) (the benchmark itself adds about 1)"
  echo
  echo "| call | input | command | median s | min-max s | x floor | CPU s | CPU x floor | peak RSS MiB | target |"
  echo "|---|---|---|--:|--:|--:|--:|--:|--:|---|"
  for c in $calls; do
    read -r n r layout <<<"$(spec "$c")"
    floor=${T[$c|floor]}
    mb=$(awk -v b="${T[$c|bytes]}" 'BEGIN {printf "%.0f MB", b / 1e6}')
    label="$c: $n proposals, $r reviewers, 5 reviews each, $layout"
    input="$mb in ${T[$c|files]} files"
    echo "| $label | $input | merit-gen (writes the call) | $(fmt_t "${T[$c|gen]}") | | | | | | |"
    ws="xmllint-proposals xmllint-sheets floor validate rank csv json audit stats validate-1t rank-1t"
    [ -n "${T[$c|intervals]:-}" ] && ws+=" intervals"
    [ -n "${T[$c|replay]:-}" ] && ws+=" replay"
    for w in $ws; do
      case $w in
        xmllint-proposals) name='xmllint --stream --schema proposal.xsd' ;;
        xmllint-sheets) name='xmllint --stream --schema sheet.xsd' ;;
        floor) name='**floor** (the two xmllint runs)' ;;
        validate) name='merit validate' ;;
        rank) name='merit rank (text)' ;;
        csv) name='merit rank --format csv' ;;
        json) name='merit rank --format json' ;;
        audit) name='merit rank --audit FILE' ;;
        stats) name='merit stats --resamples 0 (calibration, agreement)' ;;
        validate-1t) name='merit validate, one thread (MERIT_THREADS=1)' ;;
        rank-1t) name='merit rank (text), one thread' ;;
        intervals) name='merit rank with rank intervals (--resamples 1000)' ;;
        replay) name='merit replay of the --audit trail' ;;
      esac
      t=${T[$c|$w]}
      x=$(ratio "$t" "$floor")
      target=
      case $w in
        validate) target=$(awk -v x="$x" 'BEGIN {print (x <= 1.5 ? "<= 1.5x: met" : "<= 1.5x: **missed**")}') ;;
        rank) target=$(awk -v x="$x" 'BEGIN {print (x <= 2 ? "<= 2x: met" : "<= 2x: **missed**")}') ;;
        intervals)
          xr=$(ratio "$t" "${T[$c|rank]}")
          target=$(awk -v x="$xr" 'BEGIN {print x "x plain rank; <= 20x: " (x <= 20 ? "met" : "**missed**")}') ;;
        audit) target=$(vs "$c" audit rank 1.5 1.5 'plain rank') ;;
        json) target=$(vs "$c" json rank 2 '' 'plain rank') ;;
        replay) target=$(vs "$c" replay audit 2 1.5 'rank --audit') ;;
      esac
      if [ "$n" -ge 50000 ] && [ "$w" != xmllint-proposals ] && [ "$w" != xmllint-sheets ] && [ "$w" != floor ]; then
        rss_ok=$(awk -v k="${R[$c|$w]}" 'BEGIN {print (k / 1024 <= 300 ? "RSS <= 300 MiB: met" : "RSS <= 300 MiB: **missed**")}')
        target=${target:+$target; }$rss_ok
      fi
      cx=n/a
      [ "${CPU[$c|$w]}" != nan ] && cx=$(ratio "${CPU[$c|$w]}" "${CPU[$c|floor]}")
      echo "| | | $name | $(fmt_t "$t") | $(fmt_t "${LO[$c|$w]}")-$(fmt_t "${HI[$c|$w]}") | $x | $(fmt_t "${CPU[$c|$w]}") | $cx | $(fmt_mib "${R[$c|$w]}") | $target |"
    done
  done
  echo
  # growth and cost per file: on CPU time (user + system) when hyperfine
  # measured it, since a process that another one descheduled loses wall
  # time but not CPU time; else on the wall-clock medians
  has() { [[ " $calls " == *" $1 "* ]]; }
  declare -n G=T
  basis="median wall time"
  if $have_hyperfine; then
    declare -n G=CPU
    basis="CPU time (user + system)"
  fi
  if has 1k && has 10k; then
    echo "Growth with the call's size, by $basis; the peak RSS's in brackets:"
    echo
    echo "| command | 10k / 1k (10x the input) | 50k / 10k (5x the input) |"
    echo "|---|--:|--:|"
    for w in floor validate rank csv json audit; do
      a=$(ratio "${G[10k|$w]}" "${G[1k|$w]}")
      ra=$(ratio "${R[10k|$w]:-0}" "${R[1k|$w]:-1}")
      b=n/a rb=n/a
      if has 50k; then
        b=$(ratio "${G[50k|$w]}" "${G[10k|$w]}")
        rb=$(ratio "${R[50k|$w]:-0}" "${R[10k|$w]:-1}")
      fi
      echo "| $w | $a ($ra) | $b ($rb) |"
    done
    echo
  fi
  if has 10k && has 10k-files; then
    f=${T[10k-files|files]}
    b=${T[10k|files]}
    echo "Cost per file: the same 10k call as $f files instead of $b, by $basis:"
    echo
    echo "| command | bundles s | files s | extra ms per file |"
    echo "|---|--:|--:|--:|"
    for w in floor validate rank; do
      per=$(awk -v a="${G[10k-files|$w]}" -v b="${G[10k|$w]}" -v n="$((f - b))" 'BEGIN {printf "%.3f", (a - b) * 1000 / n}')
      echo "| $w | $(fmt_t "${G[10k|$w]}") | $(fmt_t "${G[10k-files|$w]}") | $per |"
    done
    echo
  fi
  if has 10k && has 10k-files; then
    if cmp -s <("$merit" rank "$work/10k") <("$merit" rank "$work/10k-files"); then
      echo "The 10k call ranks identically as bundles and as files."
    else
      echo "**The 10k call ranks differently as bundles and as files.**"
    fi
  fi
} | tee "$results"
log "results in $results"
