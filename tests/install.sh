#!/usr/bin/env bash
# The installed library, as an embedding program sees it (docs/library.md):
# `cmake --install` into a scratch prefix gives bin/merit, libmerit.so.N
# (SONAME) -> libmerit.so.N.M.P with the libmerit.so link, libmerit.a, the
# headers, the schemas and a relocatable merit.pc; examples/top3.c, compiled
# with nothing but what `pkg-config merit` says, against the shared library
# and against libmerit.a, prints the top three of proposals/mfg-2026
# (examples/top3.expected: ranks, ids and totals as in
# tests/golden/mfg-2026.txt's first three rows; 509/6 = 84.833... is P01's
# total). Usage: install.sh BUILD_DIR SRC_DIR [CC]   (.ci/run runs it too)
set -euo pipefail
build=$1
src=$2
cc=${3:-cc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage="$work/stage"
cmake --install "$build" --prefix "$stage" >/dev/null

fail() { echo "install: $*" >&2; exit 1; }
lib=$(dirname "$(find "$stage" -name libmerit.a | head -n 1)")
[ -d "$lib" ] || fail "no libmerit.a installed"
[ -x "$stage/bin/merit" ] || fail "no bin/merit installed"
[ -f "$stage/include/merit/merit.h" ] || fail "no include/merit/merit.h installed"
[ -f "$stage/share/merit/schemas/call.xsd" ] || fail "no share/merit/schemas/call.xsd installed"
[ -f "$lib/pkgconfig/merit.pc" ] || fail "no merit.pc installed"
# libmerit.so -> libmerit.so.N -> libmerit.so.N.M.P, and the SONAME is libmerit.so.N
real=$(readlink -f "$lib/libmerit.so")
soname=$(readelf -d "$real" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
case "$soname" in libmerit.so.[0-9]*) ;; *) fail "SONAME is '$soname', not libmerit.so.N" ;; esac
[ "$(readlink "$lib/libmerit.so")" = "$soname" ] || fail "libmerit.so does not point at $soname"
case "$(basename "$real")" in "$soname".[0-9]*.[0-9]*) ;; *) fail "$soname points at $(basename "$real")" ;; esac

export PKG_CONFIG_PATH="$lib/pkgconfig"
# the headers compile with only pkg-config's flags, in strict C17 with every
# warning (what an embedder's build may use)
flags=(-std=c17 -Wall -Wextra -Wpedantic -Werror)
# shellcheck disable=SC2046 # pkg-config's flags are words
"$cc" "${flags[@]}" -o "$work/top3" "$src/examples/top3.c" $(pkg-config --cflags --libs merit)
readelf -d "$work/top3" | grep -q "NEEDED.*\[$soname\]" || fail "top3 does not link $soname"
LD_LIBRARY_PATH="$lib" "$work/top3" "$src/proposals/mfg-2026" >"$work/shared.out"
diff -u "$src/examples/top3.expected" "$work/shared.out" || fail "top3 (shared) printed something else"

# static: libmerit.a and what merit.pc's .private fields add (the system
# libraries stay shared: Debian has no libxlsxwriter.a)
static_libs=$(pkg-config --static --libs merit | sed 's/-lmerit\b/-Wl,-Bstatic -lmerit -Wl,-Bdynamic/')
# shellcheck disable=SC2046,SC2086
"$cc" "${flags[@]}" -o "$work/top3-static" "$src/examples/top3.c" $(pkg-config --cflags merit) $static_libs
if readelf -d "$work/top3-static" | grep -q "NEEDED.*libmerit"; then
  fail "top3-static links libmerit.so"
fi
"$work/top3-static" "$src/proposals/mfg-2026" >"$work/static.out"
diff -u "$src/examples/top3.expected" "$work/static.out" || fail "top3 (static) printed something else"
echo "installed: $soname -> $(basename "$real"); top3 shared and static print examples/top3.expected"
