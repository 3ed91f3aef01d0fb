#!/usr/bin/env bash
# Installs the build into a scratch prefix and checks that every schema of
# engine/schemas/ is there, under share/merit/schemas/, byte for byte, and
# that the installed merit prints the same bytes with `merit schema NAME`.
set -euo pipefail
build=$1
src=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
n=0
for xsd in "$src"/engine/schemas/*.xsd; do
  name=$(basename "$xsd" .xsd)
  cmp "$xsd" "$prefix/share/merit/schemas/$name.xsd"
  "$prefix/bin/merit" schema "$name" | cmp "$xsd" -
  n=$((n + 1))
done
installed=$(ls "$prefix/share/merit/schemas" | wc -l)
[ "$installed" -eq "$n" ] || { echo "installed $installed schemas, expected $n" >&2; exit 1; }
[ -f "$prefix/include/merit/schemas.h" ] || { echo "merit/schemas.h not installed" >&2; exit 1; }
