#!/usr/bin/env bash
# The shared library exports exactly the public API: installs the build into
# a scratch prefix, lists what the installed headers (include/merit/*.h)
# declare (tests/public_symbols.py over the preprocessor's output, compiled
# with nothing but `pkg-config --cflags merit`) and what the installed
# libmerit.so exports (nm -D --defined-only), and fails on any difference:
# an internal function that leaked out (named, say, merit_x instead of
# merit__x, in a header outside engine/include/merit), or a public one that
# is not exported (a new header without the visibility pragma, a function
# declared but never defined). Usage: exported_symbols.sh BUILD_DIR SRC_DIR CC
set -euo pipefail
build=$1
src=$2
cc=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/stage" >/dev/null
lib=$(find "$work/stage" -name libmerit.so | head -n 1)
[ -n "$lib" ] || { echo "no libmerit.so installed" >&2; exit 1; }
pc=$(dirname "$lib")/pkgconfig

for h in "$work"/stage/include/merit/*.h; do
  echo "#include <merit/$(basename "$h")>"
done >"$work/all.c"
# shellcheck disable=SC2046 # pkg-config's flags are words
"$cc" -E $(PKG_CONFIG_PATH="$pc" pkg-config --cflags merit) "$work/all.c" >"$work/all.i"
python3 "$src/tests/public_symbols.py" "$work/stage/include/merit" <"$work/all.i" >"$work/declared"
# the linker's own markers of the sections (_end, _edata, __bss_start) are not API
nm -D --defined-only "$lib" | awk '$3 !~ /^(_end|_edata|__bss_start)$/ { print $3 }' | sort -u >"$work/exported"

declared=$(wc -l <"$work/declared")
exported=$(wc -l <"$work/exported")
# the headers are not empty: the extractor found merit.h's functions
grep -qx merit_ctx_new "$work/declared" || { echo "no merit_ctx_new among the declarations: the extractor is broken" >&2; exit 1; }
status=0
if ! comm -23 "$work/exported" "$work/declared" >"$work/extra" || [ -s "$work/extra" ]; then
  echo "exported by libmerit.so but declared in no installed header (make it static, or name it merit__*):" >&2
  sed 's/^/  /' "$work/extra" >&2
  status=1
fi
if ! comm -13 "$work/exported" "$work/declared" >"$work/missing" || [ -s "$work/missing" ]; then
  echo "declared in an installed header but not exported by libmerit.so (a header without the visibility pragma, or never defined):" >&2
  sed 's/^/  /' "$work/missing" >&2
  status=1
fi
echo "libmerit.so exports $exported symbols; the installed headers declare $declared"
exit $status
