#!/usr/bin/env bash
# Line coverage of the engine by the fuzz corpora (docs/robustness.md).
#
#   tests/fuzz/coverage.sh [CORPUS_ROOT...]
#   tests/fuzz/coverage.sh --select CORPUS_ROOT... [-- HARNESS...]
#
# Builds the harnesses with their standalone driver (not libFuzzer) and
# clang's source-based coverage (-fprofile-instr-generate -fcoverage-mapping,
# -O0) in build-cov/ (COV_BUILD to change it), replays CORPUS_ROOT/<harness>/
# for every root given (default: tests/fuzz/corpus; add build-fuzz/corpus for
# what fuzzing found since the last merge), and prints, per harness and for
# all harnesses together, the line coverage of each file of engine/src/ with
# llvm-cov report.
#
# With --select (run.sh --merge uses it), it instead rewrites the committed
# corpus tests/fuzz/corpus/<harness>/ with a small subset of the files under
# the roots that covers every line of engine/ and reports/ they cover
# together: each file's coverage is measured on its own, then files are taken
# greedily, the one adding the most lines first. Files over 64 KiB are left
# out.
set -euo pipefail
cd "$(dirname "$0")/../.."

select=false
if [ "${1:-}" = "--select" ]; then
  select=true
  shift
fi
roots=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do roots+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
only=("$@")
[ ${#roots[@]} -gt 0 ] || roots=(tests/fuzz/corpus)
build=${COV_BUILD:-build-cov}
harnesses=(rubric proposal sheet call rules replay)
[ ${#only[@]} -eq 0 ] || harnesses=("${only[@]}")
llvm_profdata=$(command -v llvm-profdata-14 || command -v llvm-profdata)
llvm_cov=$(command -v llvm-cov-14 || command -v llvm-cov)

cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_FLAGS="-fprofile-instr-generate -fcoverage-mapping" \
  -DCMAKE_EXE_LINKER_FLAGS="-fprofile-instr-generate" >/dev/null
targets=()
for h in "${harnesses[@]}"; do targets+=("fuzz_$h"); done
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" --target "${targets[@]}" >/dev/null

prof="$build/profiles"
rm -rf "$prof"
mkdir -p "$prof"
export LC_ALL=C
sources=(engine/src/*.c)
# open bugs (known-bugs.txt): the harnesses step around them, as in run.sh
MERIT_FUZZ_AVOID=$(sed 's/#.*//' tests/fuzz/known-bugs.txt | awk 'NF > 1 { print $2 }' |
  sort -u | paste -sd, -)
export MERIT_FUZZ_AVOID
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  export TMPDIR=/dev/shm
fi

if $select; then
  for h in "${harnesses[@]}"; do
    lines="$prof/$h.lines"
    : >"$lines"
    n=0
    for r in "${roots[@]}"; do
      [ -d "$r/$h" ] || continue
      for f in "$r/$h"/*; do
        [ -f "$f" ] && [ "$(wc -c <"$f")" -le 65536 ] || continue
        n=$((n + 1))
        rm -f "$prof/one.profraw"
        LLVM_PROFILE_FILE="$prof/one.profraw" "$build/tests/fuzz/fuzz_$h" "$f" >/dev/null 2>&1 ||
          true
        [ -f "$prof/one.profraw" ] || continue
        "$llvm_profdata" merge -sparse "$prof/one.profraw" -o "$prof/one.profdata"
        # "FILE SOURCE:LINE" for every line the file covers
        "$llvm_cov" export -format=lcov "$build/tests/fuzz/fuzz_$h" \
          -instr-profile="$prof/one.profdata" engine/src/*.c reports/*.c |
          awk -v f="$f" '/^SF:/ { sf = substr($0, 4) }
                         /^DA:/ { split(substr($0, 4), a, ","); if (a[2] > 0) print f, sf ":" a[1] }' \
            >>"$lines"
      done
    done
    # greedy set cover: the file adding the most uncovered lines, until none adds any
    awk '{ has[$1] = has[$1] " " $2; size[$1]++ }
         END {
           for (;;) {
             best = ""; gain = 0
             for (f in has) {
               if (f in taken) continue
               g = 0; k = split(has[f], ls, " ")
               for (i = 1; i <= k; i++) if (!(ls[i] in covered)) g++
               if (g > gain || (g == gain && g > 0 && f < best)) { best = f; gain = g }
             }
             if (gain == 0) break
             taken[best] = 1; print best
             k = split(has[best], ls, " ")
             for (i = 1; i <= k; i++) covered[ls[i]] = 1
           }
         }' "$lines" >"$prof/$h.selected"
    # copy first: the committed corpus may be one of the roots
    keep="$prof/$h.keep"
    rm -rf "$keep"
    mkdir -p "$keep"
    while read -r f; do cp "$f" "$keep/"; done <"$prof/$h.selected"
    rm -f tests/fuzz/corpus/"$h"/*
    cp "$keep"/* tests/fuzz/corpus/"$h"/
    echo "== $h: kept $(wc -l <"$prof/$h.selected") of $n files, covering" \
      "$(awk '{ print $2 }' "$lines" | sort -u | wc -l) lines;" \
      "$(du -sk tests/fuzz/corpus/"$h" | cut -f1) KiB"
  done
  exit 0
fi

report() { # report BINARY... -- PROFDATA
  local objects=() bin
  while [ "$1" != "--" ]; do objects+=("$1"); shift; done
  shift
  local first=${objects[0]}
  local rest=()
  for bin in "${objects[@]:1}"; do rest+=("-object" "$bin"); done
  # columns: file, lines, missed lines, line cover
  "$llvm_cov" report "$first" "${rest[@]}" -instr-profile="$1" "${sources[@]}" |
    awk 'NR > 2 && $1 !~ /^-+$/ { printf "    %-22s %6s lines %6s missed %8s\n", $1, $8, $9, $10 }'
}

all_bins=()
for h in "${harnesses[@]}"; do
  dirs=()
  for r in "${roots[@]}"; do [ -d "$r/$h" ] && dirs+=("$r/$h"); done
  inputs=$(find "${dirs[@]}" -type f ! -name '.*' | wc -l)
  LLVM_PROFILE_FILE="$prof/$h-%p.profraw" "$build/tests/fuzz/fuzz_$h" "${dirs[@]}" 2>/dev/null
  "$llvm_profdata" merge -sparse "$prof/$h"-*.profraw -o "$prof/$h.profdata"
  echo "== fuzz_$h: $inputs inputs from ${dirs[*]}"
  report "$build/tests/fuzz/fuzz_$h" -- "$prof/$h.profdata"
  all_bins+=("$build/tests/fuzz/fuzz_$h")
done
"$llvm_profdata" merge -sparse "$prof"/*.profraw -o "$prof/all.profdata"
echo "== all harnesses together"
report "${all_bins[@]}" -- "$prof/all.profdata"
