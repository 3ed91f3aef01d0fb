#!/usr/bin/env bash
# Byte-identical reports and audit trails, whatever the run:
#   determinism.sh MERIT [OTHER-MERIT...]
# For each merit binary given (builds with other compilers or optimisation
# levels), ranks the example call in every format with an audit trail, under
# several conditions, and compares every output with the first run's:
#   - the same run repeated;
#   - the call's files created in the opposite order;
#   - LC_ALL set to a locale with a decimal comma (de_DE.UTF-8, generated
#     here with localedef);
#   - TZ set far from UTC (Pacific/Kiritimati, UTC+14);
#   - one thread and two (MERIT_THREADS): proposals and sheets read at the
#     same time give the same reports, trails and, for a call with errors
#     in both (with and without --keep-going), the same diagnostics in the
#     same order;
# and that merit-gen (beside each merit: MERIT's folder/merit-gen) writes
# the same calls with every build.
# The trails' recorded time is pinned with SOURCE_DATE_EPOCH.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 MERIT [OTHER-MERIT...]" >&2; exit 2; }
src=$(cd "$(dirname "$0")/.." && pwd)
binaries=()
for m in "$@"; do binaries+=("$(realpath "$m")"); done
set -- "${binaries[@]}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1800000000
unset NO_COLOR

# a locale with a decimal comma, private to this run
mkdir -p "$work/locale"
localedef -i de_DE -f UTF-8 "$work/locale/de_DE.UTF-8" 2>/dev/null || true
decimal=$(LOCPATH="$work/locale" LC_ALL=de_DE.UTF-8 locale decimal_point 2>/dev/null || true)
if [ "$decimal" != "," ]; then
  echo "determinism: cannot make a locale with a decimal comma (localedef; package locales)" >&2
  exit 1
fi
[ -e /usr/share/zoneinfo/Pacific/Kiritimati ] || {
  echo "determinism: no time zone Pacific/Kiritimati (package tzdata)" >&2; exit 1; }

# the example call as-is, and the same files created in the opposite order
cp -r "$src/proposals/mfg-2026" "$work/forward"
mkdir -p "$work/reverse/proposals" "$work/reverse/reviews"
for f in $(cd "$work/forward" && find . -type f | sort -r); do
  cp "$work/forward/$f" "$work/reverse/$f"
done

passed=0
failed=0
# run NAME MERIT CALLCOPY [VAR=VALUE...]: every output into $work/out/NAME
run() {
  local name=$1 merit=$2 copy=$3
  shift 3
  local dir="$work/run"
  rm -rf "$dir"
  mkdir -p "$dir"
  cp -r "$work/$copy" "$dir/call"
  (
    cd "$dir"
    for format in text csv json html; do
      env "$@" "$merit" rank call --format "$format" -o "report.$format" \
        --audit "audit.$format.jsonl" 2>/dev/null
    done
    env "$@" "$merit" rank call --format csv --detail -o report.detail.csv 2>/dev/null
    env "$@" "$merit" rank call --method median --places 4 2>/dev/null > report.median.txt
  )
  mkdir -p "$work/out/$name"
  cp "$dir"/report.* "$dir"/audit.* "$work/out/$name/"
}

# compare NAME WHAT EXPECTED ACTUAL: the two files or folders hold the same
# bytes (WHAT names the expected side in the message)
compare() {
  local name=$1 what=$2 expected=$3 actual=$4
  if diff -r "$expected" "$actual" >/dev/null; then
    passed=$((passed + 1))
    echo "determinism: $name: identical"
  else
    failed=$((failed + 1))
    echo "determinism: $name: DIFFERS from $what" >&2
    diff -r "$expected" "$actual" | head -20 >&2
  fi
}

check() {
  compare "$1" "the first run" "$work/out/base" "$work/out/$1"
}

first=$1
run base "$first" forward
i=0
for merit in "$@"; do
  i=$((i + 1))
  tag="build$i"
  run "$tag-repeat" "$merit" forward
  check "$tag-repeat"
  run "$tag-reverse-order" "$merit" reverse
  check "$tag-reverse-order"
  run "$tag-decimal-comma" "$merit" forward LOCPATH="$work/locale" LC_ALL=de_DE.UTF-8
  check "$tag-decimal-comma"
  run "$tag-tz" "$merit" forward TZ=Pacific/Kiritimati
  check "$tag-tz"
  run "$tag-one-thread" "$merit" forward MERIT_THREADS=1
  check "$tag-one-thread"
  run "$tag-two-threads" "$merit" forward MERIT_THREADS=2
  check "$tag-two-threads"
done

# threads and diagnostics: a generated call with errors in proposals and
# sheets alike, read with one thread and with two
broken="$work/broken"
"$(dirname "$first")/merit-gen" --proposals 300 --reviewers 40 --reviews-per-proposal 4 --seed 5 \
  --layout files -o "$broken" >/dev/null
sed -i 's/federal="[0-9.]*"/federal="oops"/' "$broken/proposals/P000007.xml"
sed -i '0,/value="[0-9.]*"/s//value="99"/' "$broken/reviews/r003.xml"
printf '<sheet' >"$broken/reviews/r010.xml"
for merit in "$@"; do
  for args in "validate" "rank --keep-going" "rank --keep-going --format json"; do
    for t in 1 2; do
      # shellcheck disable=SC2086
      (cd "$work" && MERIT_THREADS=$t "$merit" $args broken >"$work/threads-$t.out" 2>&1 || true)
    done
    if ! grep -q P000007 "$work/threads-1.out" || ! grep -q r010 "$work/threads-1.out"; then
      failed=$((failed + 1))
      echo "determinism: threads ($args): the broken call's errors are not all reported" >&2
    fi
    compare "threads ($args)" "one thread" "$work/threads-1.out" "$work/threads-2.out"
  done
done

# merit-gen: the same bytes from every build (both layouts, two seeds, a
# decimal-comma locale), so that benchmarks and tests of any build see the
# same calls
gen_all() {
  local merit=$1 out=$2
  shift 2
  mkdir -p "$out"
  for layout in bundles files; do
    for seed in 7 18446744073709551615; do
      env "$@" "$(dirname "$merit")/merit-gen" --proposals 120 --reviewers 17 --reviews-per-proposal 4 \
        --seed "$seed" --layout "$layout" -o "$out/$layout-$seed" >/dev/null
    done
  done
}
gen_all "$first" "$work/gen/base"
i=0
for merit in "$@"; do
  i=$((i + 1))
  rm -rf "$work/gen/other"
  gen_all "$merit" "$work/gen/other" LOCPATH="$work/locale" LC_ALL=de_DE.UTF-8
  compare "build$i-gen" "the first build's calls" "$work/gen/base" "$work/gen/other"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
