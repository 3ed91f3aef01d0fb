#!/usr/bin/env bash
# Hostile inputs: how long `merit validate` takes on files made to be slow
# (docs/performance.md "Hostile inputs", bench/README.md).
#
#   bench/hostile.sh [MERIT]
#
# Writes the files below into $BENCH_DIR/hostile, then times, on each one,
# `merit validate FILE` and `xmllint --noout --stream FILE` (libxml2 reading
# the same bytes with nothing checked), and prints the medians, their ratio
# and how many lines merit wrote on standard error:
#   attrs-50k    a proposal whose root carries 50,000 attributes (545 KB)
#   attrs-200k   the same with 200,000 (2.3 MB)
#   text-10m     a proposal with a 10 MiB section (over libxml2's text limit)
#   comment-11m  a score sheet with an 11 MiB comment
#   line-2m      a score sheet of 2 MB on one line: 26,214 reviews, each with
#                a confidence out of range (one schema error each)
#   lines-2m     the same reviews one per line
# xmllint also runs with --schema (proposal.xsd or sheet.xsd), which checks
# what merit's schema check does and prints every error it finds.
# Each command runs BENCH_RUNS times (3) and the median is kept; one whose
# first run takes over 10 s runs once (xmllint on attrs-200k: libxml2's own
# duplicate-attribute check is quadratic). Only ratios mean anything.
#
# Environment: BENCH_DIR (default build/bench), BENCH_RUNS (default 3).
set -euo pipefail
export LC_ALL=C
src=$(cd "$(dirname "$0")/.." && pwd)
merit=$(realpath "${1:-$src/build/merit}")
work=${BENCH_DIR:-$src/build/bench}/hostile
runs=${BENCH_RUNS:-3}

[ -x "$merit" ] || { echo "hostile: no merit binary at $merit" >&2; exit 2; }
command -v xmllint >/dev/null || { echo "hostile: xmllint missing (package libxml2-utils)" >&2; exit 2; }
rm -rf "$work"
mkdir -p "$work"
cd "$work"

proposal_head='<?xml version="1.0" encoding="UTF-8"?>
<proposal xmlns="urn:merit:1"'
proposal_tail=' id="P01" call="C1" months="12">
  <title>A hostile proposal</title>
  <area>Testing</area>
  <team>
    <organisation id="lead" lead="true" type="sme" employees="40" location="DE" supply-chain="end-user"><name>Lead</name></organisation>
  </team>
  <sections><problem>'
proposal_end='</problem><approach>A.</approach><milestones/><management>M.</management><diffusion>D.</diffusion><sme-involvement>S.</sme-involvement></sections>
  <budget>
    <year number="1" federal="1000" cash="0" in-kind="0"/>
    <total federal="1000" cash="0" in-kind="0"/>
  </budget>
</proposal>'

attributes() { # N FILE
  {
    printf '%s' "$proposal_head"
    awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf " a%d=\"1\"", i }'
    printf '%s%s%s\n' "$proposal_tail" P. "$proposal_end"
  } >"$2"
}
attributes 50000 attrs-50k.xml
attributes 200000 attrs-200k.xml
{
  printf '%s%s' "$proposal_head" "$proposal_tail"
  head -c $((10 * 1024 * 1024)) /dev/zero | tr '\0' x
  printf '%s\n' "$proposal_end"
} >text-10m.xml
{
  printf '<?xml version="1.0" encoding="UTF-8"?>\n<sheet xmlns="urn:merit:1" reviewer="r1" call="C1">\n'
  printf '  <review proposal="P01" confidence="4"><score criterion="a" value="1"/><comment>'
  head -c $((11 * 1024 * 1024)) /dev/zero | tr '\0' c
  printf '</comment></review>\n</sheet>\n'
} >comment-11m.xml
reviews() { # SEPARATOR FILE
  {
    printf '<?xml version="1.0" encoding="UTF-8"?>\n<sheet xmlns="urn:merit:1" reviewer="r1" call="C1">'
    awk -v sep="$1" 'BEGIN { for (i = 0; i < 26214; i++)
      printf "<review proposal=\"P01\" confidence=\"99\"><score criterion=\"x\" value=\"1\"/></review>%s", sep }'
    printf '</sheet>\n'
  } >"$2"
}
reviews '' line-2m.xml
reviews '\n' lines-2m.xml

# median seconds of a command (its output discarded)
median() {
  local times=() t0 t1 i
  for ((i = 0; i < runs; i++)); do
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || true
    t1=$(date +%s.%N)
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')")
    if ((i == 0)) && awk -v t="${times[0]}" 'BEGIN { exit !(t > 10) }'; then
      break
    fi
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

echo "| file | bytes | merit validate s | xmllint --stream s | x xmllint | xmllint --stream --schema s | x that | merit's stderr lines | exit |"
echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|"
for f in attrs-50k attrs-200k text-10m comment-11m line-2m lines-2m; do
  file=$f.xml
  case $f in attrs* | text*) xsd=proposal.xsd ;; *) xsd=sheet.xsd ;; esac
  size=$(stat -c %s "$file")
  m=$(median "$merit" validate "$file")
  x=$(median xmllint --noout --stream "$file")
  s=$(median xmllint --noout --stream --schema "$src/engine/schemas/$xsd" "$file")
  set +e
  lines=$("$merit" validate "$file" 2>&1 >/dev/null | wc -l)
  "$merit" validate "$file" >/dev/null 2>&1
  code=$?
  set -e
  awk -v f="$f" -v size="$size" -v m="$m" -v x="$x" -v s="$s" -v lines="$lines" -v code="$code" \
    'BEGIN { printf "| %s | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %d | %d |\n",
             f, size, m, x, m / x, s, m / s, lines, code }'
done
