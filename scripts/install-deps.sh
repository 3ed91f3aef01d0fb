#!/usr/bin/env bash
# Installs the Debian 12 packages merit needs to build, test and benchmark
# (time and hyperfine: bench/run.sh's peak RSS and timings; chromium, python3
# and a font: the browser tests of tests/browser, which drive Debian's
# headless chromium from the Python standard library; unzip: the xlsx tests
# read the workbook back; libsodium-dev: Ed25519 signatures of score sheets;
# scdoc: the man pages, docs/man/*.scd; groff-base: the test that renders them),
# and nothing else. Idempotent: when every package is present it only runs dpkg-query and
# returns in well under a second. Needs root (or sudo) only when something is
# missing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libxml2-dev libxml2-utils
  libpcre2-dev
  libgmp-dev libmpfr-dev
  libjansson-dev
  libssl-dev
  libsodium-dev
  libcmocka-dev
  libcsv-dev libcsv3
  libxlsxwriter-dev
  clang libclang-rt-14-dev
  valgrind
  locales tzdata
  time hyperfine
  chromium python3 fonts-dejavu-core unzip
  scdoc groff-base
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
