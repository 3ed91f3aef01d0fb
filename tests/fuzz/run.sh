#!/usr/bin/env bash
# Fuzzes merit's input paths with libFuzzer (docs/robustness.md).
#
#   tests/fuzz/run.sh SECONDS [HARNESS...]   fuzz each harness for SECONDS
#   tests/fuzz/run.sh --merge [HARNESS...]   minimise the committed corpus and
#                                            what fuzzing found into the
#                                            committed corpus (libFuzzer's
#                                            -merge=1, then coverage.sh --select)
#
# Harnesses: rubric proposal sheet call rules replay table (default: all). The build
# is build-fuzz/ (FUZZ_BUILD to change it): clang, libFuzzer, ASan + UBSan,
# leak detection on. Each harness runs with the dictionary tests/fuzz/merit.dict,
# -timeout=10 and -rss_limit_mb=2048, on a working corpus build-fuzz/corpus/<h>
# that starts from the committed corpus tests/fuzz/corpus/<h> and keeps
# growing from run to run (the committed corpus is only read). FUZZ_JOBS
# harnesses run at a time (default: the number of CPUs, at most 2).
#
# Any crash, sanitizer report, leak, timeout or out-of-memory makes the script
# exit 1; the reproducer (crash-*, leak-*, timeout-*, oom-*) is copied into
# tests/fuzz/regressions/<h>/, where ctest replays it in every build, and
# printed with the end of the harness's log.
set -euo pipefail
cd "$(dirname "$0")/../.."

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

[ $# -ge 1 ] || usage
merge=false
seconds=0
case "$1" in
  --merge) merge=true ;;
  ''|*[!0-9]*) usage ;;
  *) seconds=$1 ;;
esac
shift
all=(rubric proposal sheet call rules replay table)
if [ $# -gt 0 ]; then harnesses=("$@"); else harnesses=("${all[@]}"); fi
for h in "${harnesses[@]}"; do
  [ -f "tests/fuzz/fuzz_$h.c" ] || { echo "run.sh: no harness '$h'" >&2; exit 2; }
done

build=${FUZZ_BUILD:-build-fuzz}
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
[ "$jobs" -le 2 ] || jobs=2
fuzz=tests/fuzz

echo "== fuzz build ($build: clang, libFuzzer, ASan + UBSan)"
cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMERIT_SANITIZE=address,undefined -DMERIT_FUZZ=ON -DMERIT_WERROR=ON >/dev/null
targets=()
for h in "${harnesses[@]}"; do targets+=("fuzz_$h"); done
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" --target "${targets[@]}" >/dev/null

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LC_ALL=C
# the harnesses' scratch folders (in memory where /dev/shm is there), removed
# here too in case a crash left one
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  scratch=$(mktemp -d /dev/shm/merit-fuzz.XXXXXX)
else
  mkdir -p "$build/fuzz-tmp"
  scratch=$(mktemp -d "$PWD/$build/fuzz-tmp/run.XXXXXX")
fi
trap 'rm -rf "$scratch"' EXIT
export TMPDIR="$scratch"

# Open bugs (known-bugs.txt): their reproducers are left out of the runs, as
# their ctest is disabled (they would stop every run at once), and their tags
# tell the harnesses to step around them.
known_bugs() { sed 's/#.*//' "$fuzz/known-bugs.txt" | awk 'NF { print $1 }'; }
known_bug() { known_bugs | grep -qxF "$1"; }
MERIT_FUZZ_AVOID=$(sed 's/#.*//' "$fuzz/known-bugs.txt" | awk 'NF > 1 { print $2 }' | sort -u |
  paste -sd, -)
export MERIT_FUZZ_AVOID

if $merge; then
  # libFuzzer's merge on edges alone (no hit counts), then the smallest set
  # of those that covers the same lines (coverage.sh --select)
  for h in "${harnesses[@]}"; do
    work="$build/corpus/$h"
    mkdir -p "$work"
    fresh="$build/merged/$h"
    rm -rf "$fresh"
    mkdir -p "$fresh"
    echo "== merge $h: $(ls "$fuzz/corpus/$h" | wc -l) committed + $(ls "$work" | wc -l) found"
    "$build/tests/fuzz/fuzz_$h" -merge=1 -use_counters=0 -timeout=10 -rss_limit_mb=2048 \
      "$fresh" "$fuzz/corpus/$h" "$work" >"$build/merged/$h.log" 2>&1 ||
      { tail -20 "$build/merged/$h.log"; exit 1; }
    echo "   libFuzzer kept $(ls "$fresh" | wc -l) files"
  done
  bash "$fuzz/coverage.sh" --select "$build/merged" -- "${harnesses[@]}"
  exit 0
fi

run_one() {
  local h=$1
  local work="$build/corpus/$h" artifacts="$build/artifacts/$h" seeds=""
  mkdir -p "$work" "$artifacts"
  rm -f "$artifacts"/*
  # the reproducers of fixed bugs start each run too
  for f in "$fuzz/regressions/$h"/*; do
    [ -f "$f" ] || continue
    known_bug "$h/$(basename "$f")" || seeds="${seeds:+$seeds,}$f"
  done
  "$build/tests/fuzz/fuzz_$h" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -dict="$fuzz/merit.dict" -detect_leaks=1 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" ${seeds:+"-seed_inputs=$seeds"} "$work" "$fuzz/corpus/$h" \
    >"$build/logs/$h.log" 2>&1
}

mkdir -p "$build/logs" "$build/status"
echo "== fuzzing ${harnesses[*]} for ${seconds}s each, $jobs at a time"
start=$(date +%s)
running=0
for h in "${harnesses[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  ( set +e; run_one "$h"; echo $? >"$build/status/$h" ) &
  running=$((running + 1))
done
wait

failed=0
for h in "${harnesses[@]}"; do
  rc=$(cat "$build/status/$h")
  log="$build/logs/$h.log"
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo "?")
  found=()
  for f in "$build/artifacts/$h"/*; do
    [ -f "$f" ] || continue
    case "$(basename "$f")" in crash-*|leak-*|timeout-*|oom-*) found+=("$f") ;; esac
  done
  if [ "$rc" -eq 0 ] && [ ${#found[@]} -eq 0 ]; then
    echo "   $h: ok, $execs runs, $cov edges, corpus $(ls "$build/corpus/$h" | wc -l) files"
    continue
  fi
  failed=1
  echo "   $h: FAILED (exit $rc) after $execs runs; log $log"
  mkdir -p "$fuzz/regressions/$h"
  for f in "${found[@]}"; do
    cp "$f" "$fuzz/regressions/$h/"
    echo "   reproducer: $fuzz/regressions/$h/$(basename "$f") ($(wc -c <"$f") bytes):"
    head -c 1500 "$f" | cat -v | head -25 | sed 's/^/     | /'
  done
  echo "   --- end of the log:"
  grep -v '^#[0-9]' "$log" | tail -40 | sed 's/^/   | /'
done
echo "== fuzzing took $(($(date +%s) - start))s"
exit $failed
