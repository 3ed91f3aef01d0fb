#!/bin/bash
# Times merit assign (K = 3) on generated calls against merit validate of the
# same call (the load, which assign does first), and prints the load spread
# and the expertise matches: the "merit assign" rows of docs/performance.md.
# merit-gen's reviewers carry no <expertise>; this script gives reviewer i the
# areas i mod A and (i + 5) mod A of the A areas the proposals use. It then
# writes a bid table, $d.bids.csv: each reviewer in turn bids on 30
# proposals drawn by the Park-Miller generator (x = 16807 x mod 2^31 - 1,
# from x = 1; the proposal x mod P, a repeat skipped), the j-th bid of
# reviewer i by (i + j) mod 10: 0-2 eager, 3-5 willing, 6-7 in-a-pinch, 8
# unwilling, 9 the number 5 (exact in any awk: products stay below 2^53);
# and times merit assign --bids too.
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
  if [ ! -f "$d.bids.csv" ]; then
    grep -ho '<proposal id="[^"]*"' "$d"/proposals/*.xml | sed 's/.*id="//; s/"$//' >"$d.pids"
    grep -o '<reviewer id="[^"]*"' "$d/call.xml" | sed 's/.*id="//; s/"$//' |
      awk -v pfile="$d.pids" '
        BEGIN { while ((getline l < pfile) > 0) pid[np++] = l
                x = 1
                split("eager eager eager willing willing willing in-a-pinch in-a-pinch unwilling 5", w, " ")
                print "reviewer,proposal,bid" }
        { for (j = 0; j < 30; j++) {
            x = (x * 16807) % 2147483647
            p = x % np
            if (seen[i, p]++) continue
            print $0 "," pid[p] "," w[((i + j) % 10) + 1] }
          i++ }' >"$d.bids.csv"
  fi
  /usr/bin/time -f "$size validate wall %e user %U maxrss %MKB" $m validate "$d" >/dev/null
  /usr/bin/time -f "$size assign   wall %e user %U maxrss %MKB" $m assign "$d" -o "$d.csv"
  /usr/bin/time -f "$size assign --bids wall %e user %U maxrss %MKB" \
    $m assign "$d" -o "$d.bids-assign.csv" --bids "$d.bids.csv"
done
