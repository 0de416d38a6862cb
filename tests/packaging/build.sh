#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# ctest fixture packaging_build: builds collectd-ctwatch and netdata-plugin-ctwatch
# once (packaging/build-deb.sh, lintian included) into OUTDIR for the packaging
# tests that install them. Exit 0 built, 1 failed, 77 skipped (not root).
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
. "$src/tests/stack/lib.sh"
outdir=${1:?usage: build.sh OUTDIR}
[[ $(id -u) -eq 0 ]] || stack_skip "packaging_build: building the packages needs root (build dependencies)"
rm -rf "$outdir"
t0=$(date +%s)
deb=$("$src/packaging/build-deb.sh" "$outdir" 2> "$outdir.log" | tail -n 1) || { tail -n 40 "$outdir.log" >&2; exit 1; }
[[ -f $deb ]] || { tail -n 40 "$outdir.log" >&2; echo "packaging_build: build-deb.sh printed no .deb" >&2; exit 1; }
ls "$outdir"/netdata-plugin-ctwatch_*.deb >/dev/null || { echo "packaging_build: no netdata-plugin-ctwatch .deb" >&2; exit 1; }
sed -n 's/^  lintian: /lintian: /p' "$outdir.log"
echo "packaging_build: built $(cd "$outdir" && ls ./*.deb | grep -v dbgsym | xargs -n1 basename | tr '\n' ' ')in $(( $(date +%s) - t0 )) s"
