#!/bin/bash
# Times merit rank on the benchmark's 10k call (bench/run.sh: 10000 proposals, 500
# reviewers, 5 reviews each, seed 1) plain (--resamples 0) and with rank
# intervals (--resamples 1000), three runs each, under /usr/bin/time: the row
# "rank with intervals vs plain rank at 10k" of docs/performance.md, alone.
#   bench/intervals.sh [MERIT] [DIR]
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
m=$(realpath "${1:-$src/build/merit}")
d=${2:-$src/build/bench-intervals}
[ -d "$d" ] || "$(dirname "$m")/merit-gen" --proposals 10000 --reviewers 500 --reviews-per-proposal 5 --seed 1 -o "$d" >/dev/null
for mode in "--resamples 0" "--resamples 1000"; do
  for i in 1 2 3; do
    /usr/bin/time -f "$mode wall %e user %U sys %S maxrss %MKB" $m rank $d $mode >/dev/null
  done
done
