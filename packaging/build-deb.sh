#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Builds the collectd-ctwatch and netdata-plugin-ctwatch Debian packages from this source tree (Debian 12,
# as root, or as a user who already has the build dependencies and lintian).
#
#   packaging/build-deb.sh [OUTDIR]        # default OUTDIR: ./build-deb (git-ignored)
#
# The tree (git's tracked and untracked-but-not-ignored files, or everything
# but build directories outside git) is copied to a temporary directory, where
# packaging/debian becomes ./debian; build dependencies come from
# `apt-get build-dep ./` when dpkg-checkbuilddeps finds some missing; then
# `dpkg-buildpackage -us -uc -b` (which runs the unit tests) and lintian,
# which must report no error and no warning. OUTDIR receives the .deb, its
# -dbgsym .deb, the .changes/.buildinfo and lintian.txt.
#
# Environment:
#   CTWATCH_DEB_VERSION=0.1.0-2  build that version instead of the one in
#                                debian/changelog (adds a changelog entry to
#                                the copy; used by tests/packaging/run.sh)
#   CTWATCH_DEB_LINTIAN=0        skip lintian
#   DEB_BUILD_OPTIONS            passed on (e.g. nocheck; default parallel=N)
#   KEEP_BUILD_DIR=1             keep the temporary build directory
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
outdir=${1:-$src/build-deb}
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)

log() { echo "build-deb: $*" >&2; }
start=$(date +%s)

work=$(mktemp -d /tmp/ctwatch-deb.XXXXXX)
cleanup() {
  if [[ ${KEEP_BUILD_DIR:-0} == 1 ]]; then log "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
tree=$work/collectd-ctwatch
mkdir -p "$tree"

# 1. Copy the source tree, without build directories or an old ./debian.
if git -C "$src" rev-parse --show-toplevel >/dev/null 2>&1 &&
   [[ $(git -C "$src" rev-parse --show-toplevel) == "$src" ]]; then
  (cd "$src" && git ls-files -z --cached --others --exclude-standard |
     while IFS= read -r -d '' f; do [[ -e $f || -L $f ]] && printf '%s\0' "$f"; done |
     tar -c --null --no-recursion -T - -f -) | tar -x -C "$tree"
else
  tar -C "$src" -c --exclude=./.git --exclude='./build*' --exclude='./obj-*' \
      --exclude=./debian -f - . | tar -x -C "$tree"
fi
if [[ -e $tree/debian ]]; then
  log "the source tree has a ./debian of its own; refusing to mix it with packaging/debian"
  exit 1
fi
cp -a "$tree/packaging/debian" "$tree/debian"

apt_install() {
  if [[ $(id -u) -ne 0 ]]; then
    log "missing: $*; run as root or install them"; exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  # An empty or stale package list makes build-dep fail: update once.
  if ! "$@" >/dev/null 2>&1; then
    apt-get update -qq
    "$@"
  fi
}
# dpkg-dev (dpkg-parsechangelog, dpkg-checkbuilddeps, dpkg-buildpackage):
# not on a minimal system before build-dep brings build-essential.
if ! command -v dpkg-checkbuilddeps >/dev/null; then
  log "installing dpkg-dev"
  apt_install apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends dpkg-dev
fi

if [[ -n ${CTWATCH_DEB_VERSION:-} ]]; then
  cl=$tree/debian/changelog
  { printf 'collectd-ctwatch (%s) unstable; urgency=medium\n\n' "$CTWATCH_DEB_VERSION"
    printf '  * Rebuild as %s (packaging/build-deb.sh, CTWATCH_DEB_VERSION).\n\n' "$CTWATCH_DEB_VERSION"
    printf ' -- %s  %s\n\n' "$(sed -n 's/^ -- \(.*>\)  .*/\1/p' "$cl" | head -1)" "$(date -R)"
    cat "$cl"; } > "$cl.new"
  mv "$cl.new" "$cl"
fi
version=$(cd "$tree" && dpkg-parsechangelog -S Version)
log "collectd-ctwatch $version in $tree"

# 2. Build dependencies (and lintian), only when something is missing.
if ! (cd "$tree" && dpkg-checkbuilddeps) 2>/dev/null; then
  log "installing build dependencies (apt-get build-dep ./)"
  (cd "$tree" && apt_install apt-get build-dep -y -qq -o DPkg::Lock::Timeout=300 ./)
fi
if [[ ${CTWATCH_DEB_LINTIAN:-1} != 0 ]] && ! command -v lintian >/dev/null; then
  log "installing lintian"
  apt_install apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends lintian
fi

arch=$(dpkg-architecture -qDEB_HOST_ARCH)

# 3. Build (the unit tests run in dh_auto_test).
export DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS:-parallel=$(nproc)}
log "dpkg-buildpackage -us -uc -b (DEB_BUILD_OPTIONS=$DEB_BUILD_OPTIONS)"
if ! (cd "$tree" && dpkg-buildpackage -us -uc -b) > "$work/build.log" 2>&1; then
  tail -n 60 "$work/build.log" >&2
  cp "$work/build.log" "$outdir/build.log"
  log "dpkg-buildpackage failed; full log in $outdir/build.log"
  exit 1
fi
cp "$work/build.log" "$outdir/build.log"
changes=$work/collectd-ctwatch_${version}_${arch}.changes
deb=collectd-ctwatch_${version}_${arch}.deb
shopt -s nullglob
for f in "$work"/*.deb "$work"/*.ddeb "$changes" "$work"/*.buildinfo; do
  cp "$f" "$outdir/"
done

# 4. lintian: errors and warnings fail; overrides are in
#    packaging/debian/collectd-ctwatch.lintian-overrides, with their reasons.
#    lintian.txt also lists info/pedantic tags and the overridden ones.
#    (--show-overrides would make overridden tags fail too: not on the gate.)
if [[ ${CTWATCH_DEB_LINTIAN:-1} != 0 ]]; then
  log "lintian"
  lintian --pedantic --display-info --show-overrides "$changes" \
    > "$outdir/lintian.txt" 2>&1 || true
  sed 's/^/  lintian: /' "$outdir/lintian.txt" >&2
  if ! lintian --fail-on error,warning "$changes" >/dev/null 2>&1; then
    lintian --fail-on error,warning "$changes" >&2 || true
    log "lintian: errors or warnings (see above)"; exit 1
  fi
fi

ndeb=netdata-plugin-ctwatch_${version}_${arch}.deb
log "$outdir/$deb ($(stat -c %s "$outdir/$deb") bytes) and $outdir/$ndeb ($(stat -c %s "$outdir/$ndeb") bytes) in $(( $(date +%s) - start ))s"
echo "$outdir/$deb"
