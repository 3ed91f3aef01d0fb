#!/usr/bin/env bash
# Installs the build into a scratch prefix and checks that the man pages
# (one per page of docs/man, the same bytes as build/man) and the three shell
# completions are where man, bash-completion, zsh and fish look for them.
set -euo pipefail
build=$1
src=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
n=0
for scd in "$src"/docs/man/*.1.scd; do
  page=$(basename "$scd" .scd)
  cmp "$build/man/$page" "$prefix/share/man/man1/$page"
  n=$((n + 1))
done
installed=$(ls "$prefix/share/man/man1" | wc -l)
[ "$installed" -eq "$n" ] || { echo "installed $installed man pages, expected $n" >&2; exit 1; }
cmp "$src/completions/merit.bash" "$prefix/share/bash-completion/completions/merit"
cmp "$src/completions/_merit" "$prefix/share/zsh/vendor-completions/_merit"
cmp "$src/completions/merit.fish" "$prefix/share/fish/vendor_completions.d/merit.fish"
# man finds an installed page by name
MANPATH="$prefix/share/man" man -w merit-rank | grep -qx "$prefix/share/man/man1/merit-rank.1"
echo "$n man pages and 3 completions installed"
