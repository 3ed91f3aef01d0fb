#!/bin/bash
# Times merit assign (K = 3) on generated calls against merit validate of the
# same call (the load, which assign does first), and prints the load spread
# and the expertise matches: the "merit assign" rows of docs/performance.md.
# merit-gen's reviewers carry no <expertise>; this script gives reviewer i the
# areas i mod A and (i + 5) mod A of the A areas the proposals use.
#   bench/assign.sh [MERIT] [SIZES...]     SIZES like 1000x100 (the default:
#   1000x100 10000x1000)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
m=$(realpath "${1:-$src/build/merit}")
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000x100 10000x1000)
for size in "${sizes[@]}"; do
  p=${size%x*} r=${size#*x}
  d=$src/build/bench-assign-$size
  if [ ! -d "$d" ]; then
    "$(dirname "$m")/merit-gen" --proposals "$p" --reviewers "$r" --seed 1 -o "$d" >/dev/null
    mapfile -t areas < <(grep -ho '<area>[^<]*</area>' "$d"/proposals/*.xml | sort -u |
                         sed 's/<[^>]*>//g')
    a=${#areas[@]}
    awk -v a="$a" -v list="$(printf '%s\n' "${areas[@]}")" '
      BEGIN { n = split(list, ar, "\n") }
      /<\/reviewer>/ { i++; sub(/<\/reviewer>/, "<expertise>" ar[(i % a) + 1] "; " ar[((i + 5) % a) + 1] "</expertise></reviewer>") }
      { print }' "$d/call.xml" >"$d/call.xml.new"
    mv "$d/call.xml.new" "$d/call.xml"
  fi
  /usr/bin/time -f "$size validate wall %e user %U maxrss %MKB" $m validate "$d" >/dev/null
  /usr/bin/time -f "$size assign   wall %e user %U maxrss %MKB" $m assign "$d" -o "$d.csv"
done
