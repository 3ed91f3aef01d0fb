#!/usr/bin/env bash
# Line coverage of the engine by the fuzz corpora (docs/robustness.md).
#
#   tests/fuzz/coverage.sh [CORPUS_ROOT...]
#
# Builds the harnesses with their standalone driver (not libFuzzer) and
# clang's source-based coverage (-fprofile-instr-generate -fcoverage-mapping,
# -O0) in build-cov/ (COV_BUILD to change it), replays CORPUS_ROOT/<harness>/
# for every root given (default: tests/fuzz/corpus; add build-fuzz/corpus for
# what fuzzing found since the last merge), and prints, per harness and for
# all harnesses together, the line coverage of each file of engine/src/ with
# llvm-cov report.
set -euo pipefail
cd "$(dirname "$0")/../.."

roots=("$@")
[ ${#roots[@]} -gt 0 ] || roots=(tests/fuzz/corpus)
build=${COV_BUILD:-build-cov}
harnesses=(rubric proposal sheet call rules replay)
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
