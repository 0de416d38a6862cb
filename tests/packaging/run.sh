#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Packaging test: builds collectd-ctwatch (packaging/build-deb.sh), installs it
# next to Debian's `collectd` package with its stock /etc/collectd/collectd.conf
# and checks, on this machine:
#   - packaging/ctwatch.conf lists exactly the options the plugin parses;
#   - the .deb's layout, conffile and the absence of maintainer scripts;
#   - installed documentation that works: every relative link in the
#     installed Markdown, and every path into /usr/share/ctwatch or
#     /usr/share/doc/collectd-ctwatch named by an installed file (man pages,
#     conffile, rules, dashboards), resolves (doc_links.py); the man pages
#     format without warnings and `man -w` finds them;
#   - `cmake --install` (cmake/Install.cmake) gives the same layout under
#     another prefix, with the Include path of ctwatch.conf following it;
#   - collectd -T on the stock config: exit 0; with ctwatch.conf's block
#     uncommented: exit 0 and no warning from ctwatch; exit 1 naming the key and
#     value of a typo in ctwatch.conf (`collectd -t` is only reported: on
#     Debian 12 it reads no config, collectd #3216);
#   - collectd itself started with the stock config (plus a
#     temporary write_prometheus snippet): ctwatch loads and its values reach
#     a write_prometheus scrape;
#   - removed but not purged (ctwatch.conf stays, ctwatch.so is gone),
#     collectd still starts;
#   - an edit of ctwatch.conf survives a reinstall and an upgrade to a version
#     whose ctwatch.conf changed (non-interactively, --force-confold);
#   - purge leaves nothing of ours behind.
# The machine is restored at the end: collectd-ctwatch purged, the collectd we
# started stopped, the temporary snippet and policy-rc.d removed. Debian's
# `collectd` package, when this test installed it, stays installed.
#
# Service starts: installing `collectd` runs `invoke-rc.d collectd restart`.
# With no init system that must neither fail nor leave a daemon behind, so
# the test puts a /usr/sbin/policy-rc.d that denies every action (exit 101)
# in place for its duration (an existing one is set aside and put back).
#
# Usage: tests/packaging/run.sh [-k]     -k: keep the work directory
# Environment: CTWATCH_DEB=path.deb  test this .deb instead of building one;
#              CTWATCH_DEB_DIR=DIR    the collectd-ctwatch .deb in DIR (ctest's packaging_build).
# Exit status: 0 pass, 1 fail, 77 skip (not root, not Debian, no nf_conntrack,
# collectd-ctwatch already installed, ...). With CTWATCH_REQUIRE_KERNEL=1 a
# skip is a failure.
set -uo pipefail

readonly SRC=$(cd "$(dirname "$0")/../.." && pwd)
readonly CONF_D=/etc/collectd/collectd.conf.d
readonly CONF=$CONF_D/ctwatch.conf
readonly POLICY=/usr/sbin/policy-rc.d
readonly MARKER="CensusInterval 45   # ctwatch packaging test: an operator's edit"
APT=(apt-get -y -q -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confold
     --no-install-recommends)

KEEP=0
WORK=""
COLLECTD_PID=""
TEST_SNIPPET=""
POLICY_SAVED=""
POLICY_OURS=0
RRD_EXISTED=1
START=$(date +%s)
declare -A PIDS_BEFORE=()

# log/pass/fail/die/skip, FAILURES, PASSES.
# shellcheck source=tests/stack/lib.sh
source "$SRC/tests/stack/lib.sh"
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }

# --- machine state -----------------------------------------------------------

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
known() { dpkg-query -W -f='${Status}' "$1" >/dev/null 2>&1 &&
          ! dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "not-installed"; }

# collectd/collectdmon processes as "pid" lines.
collectd_pids() { pgrep -x -- 'collectd(mon)?' || true; }
remember_pids() { local p; for p in $(collectd_pids); do PIDS_BEFORE[$p]=1; done; }
# A daemon that a package's maintainer script started (the stock config and
# the init script's pid file), i.e. one we caused: stopped by its pid.
stray_daemons() {
  local p found=0
  for p in $(collectd_pids); do
    [[ -n ${PIDS_BEFORE[$p]:-} || $p == "$COLLECTD_PID" ]] && continue
    if tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | grep -q -- '-P /var/run/collectd.pid\|-P /run/collectd.pid'; then
      log "stray collectd started by a maintainer script: pid $p: $(tr '\0' ' ' < "/proc/$p/cmdline")"
      kill "$p" 2>/dev/null
      found=1
    fi
  done
  return $((!found))
}

stop_collectd() {
  [[ -n $COLLECTD_PID ]] || return 0
  if kill -0 "$COLLECTD_PID" 2>/dev/null; then
    kill "$COLLECTD_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$COLLECTD_PID" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$COLLECTD_PID" 2>/dev/null && kill -KILL "$COLLECTD_PID" 2>/dev/null
  fi
  wait "$COLLECTD_PID" 2>/dev/null
  COLLECTD_PID=""
}

cleanup() {
  local rc=$?
  stop_collectd
  [[ -n $TEST_SNIPPET ]] && rm -f "$TEST_SNIPPET"
  if known collectd-ctwatch; then
    DEBIAN_FRONTEND=noninteractive "${APT[@]}" purge collectd-ctwatch >/dev/null 2>&1 ||
      log "cleanup: could not purge collectd-ctwatch"
  fi
  stray_daemons >/dev/null
  if ((POLICY_OURS)); then
    rm -f "$POLICY"
    [[ -n $POLICY_SAVED ]] && mv "$POLICY_SAVED" "$POLICY"
  fi
  if ((!RRD_EXISTED)); then rm -rf /var/lib/collectd/rrd; fi
  if [[ -n $WORK ]]; then
    if ((KEEP)); then log "kept $WORK"; else rm -rf "$WORK"; fi
  fi
  log "tests/packaging: $(( $(date +%s) - START ))s"
  exit "$rc"
}

# --- steps -------------------------------------------------------------------

preflight() {
  ((EUID == 0)) || skip "needs root (installs packages)"
  command -v dpkg >/dev/null && command -v apt-get >/dev/null || skip "not a Debian system (no dpkg/apt-get)"
  [[ -r /proc/sys/net/netfilter/nf_conntrack_max ]] || skip "the kernel has no nf_conntrack"
  if known collectd-ctwatch; then
    skip "collectd-ctwatch is already installed here; this test installs and purges it (purge it first)"
  fi
  if [[ -n $(collectd_pids | while read -r p; do
        tr '\0' ' ' < "/proc/$p/cmdline" | grep -- '-P /var/run/collectd.pid\|-P /run/collectd.pid'; done) ]]; then
    skip "a collectd service runs here with the system configuration; not touching it"
  fi
  WORK=$(mktemp -d /tmp/ctwatch-pkgtest.XXXXXX)
}

deny_service_starts() {
  if [[ -e $POLICY ]]; then
    POLICY_SAVED=$WORK/policy-rc.d.saved
    cp -a "$POLICY" "$POLICY_SAVED"
  fi
  printf '#!/bin/sh\n# tests/packaging/run.sh: no service starts during the test\nexit 101\n' > "$POLICY"
  chmod 755 "$POLICY"
  POLICY_OURS=1
}

build_debs() {
  if [[ -z ${CTWATCH_DEB:-} && -n ${CTWATCH_DEB_DIR:-} ]]; then
    # ctest's packaging_build fixture built both packages once for every packaging test.
    CTWATCH_DEB=$(ls "$CTWATCH_DEB_DIR"/collectd-ctwatch_*.deb 2>/dev/null | grep -v dbgsym | head -n 1) ||
      die "CTWATCH_DEB_DIR=$CTWATCH_DEB_DIR: no collectd-ctwatch .deb"
  fi
  if [[ -n ${CTWATCH_DEB:-} ]]; then
    DEB1=$(readlink -f "$CTWATCH_DEB")
    [[ -f $DEB1 ]] || die "CTWATCH_DEB=$CTWATCH_DEB: no such file"
    log "using $DEB1"
  else
    local t0=$(date +%s)
    DEB1=$("$SRC/packaging/build-deb.sh" "$WORK/out" 2> "$WORK/build-deb.log" | tail -n 1)
    if [[ ! -f $DEB1 ]]; then
      tail -n 40 "$WORK/build-deb.log" >&2
      die "packaging/build-deb.sh failed"
    fi
    pass "build-deb.sh built $(basename "$DEB1") in $(( $(date +%s) - t0 ))s, lintian clean"
    sed -n 's/^  lintian: /lintian: /p' "$WORK/build-deb.log"
  fi
  log "package: $(basename "$DEB1"), $(stat -c %s "$DEB1") bytes," \
      "installed size $(dpkg-deb -f "$DEB1" Installed-Size) KiB"

  # The upgrade: same package as 0.1.0-2 (or VERSION+pkgtest2), whose
  # ctwatch.conf changed too, so dpkg has to choose between two edits.
  local v1 v2 dir=$WORK/repack
  v1=$(dpkg-deb -f "$DEB1" Version)
  V2=${v1%-*}-$(( ${v1##*-} + 1 ))
  [[ $V2 =~ ^[0-9.]+-[0-9]+$ ]] || V2=${v1}+pkgtest2
  dpkg-deb -R "$DEB1" "$dir"
  sed -i "s/^Version: .*/Version: $V2/" "$dir/DEBIAN/control"
  printf '# %s: a new line from the package\n' "$V2" >> "$dir$CONF"
  (cd "$dir" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -printf '%P\0' |
     xargs -0 md5sum > DEBIAN/md5sums)
  DEB2=$WORK/collectd-ctwatch_${V2}_$(dpkg-deb -f "$DEB1" Architecture).deb
  dpkg-deb --root-owner-group -b "$dir" "$DEB2" >/dev/null || die "could not repack $DEB2"
}

check_deb_contents() {
  local list=$WORK/contents
  dpkg-deb -c "$DEB1" | awk '{print $6}' | sed 's|^\./|/|' > "$list"
  local f
  for f in /usr/lib/collectd/ctwatch.so "$CONF" /usr/share/ctwatch/load-plugin.conf \
           /usr/share/doc/collectd-ctwatch/README.md /usr/share/doc/collectd-ctwatch/copyright \
           /usr/bin/ctwatch /usr/share/man/man1/ctwatch.1.gz /usr/share/man/man5/collectd-ctwatch.5.gz \
           /usr/share/doc/collectd-ctwatch/metrics.md /usr/share/doc/collectd-ctwatch/packaging.md \
           /usr/share/ctwatch/mixin/mixin.libsonnet /usr/share/ctwatch/mixin/render.sh; do
    check "deb ships $f" grep -qx "$f" "$list"
  done
  for f in "$SRC"/docs/*.md; do
    [[ -e $f ]] && check "deb ships doc/collectd-ctwatch/$(basename "$f")" \
      grep -qx "/usr/share/doc/collectd-ctwatch/$(basename "$f")" "$list"
  done
  for f in "$SRC"/rules/prometheus/*.yml; do
    [[ -e $f ]] && check "deb ships prometheus/$(basename "$f")" \
      grep -qx "/usr/share/ctwatch/prometheus/$(basename "$f")" "$list"
  done
  for f in "$SRC"/dashboards/*.json; do
    [[ -e $f ]] && check "deb ships grafana/$(basename "$f")" \
      grep -qx "/usr/share/ctwatch/grafana/$(basename "$f")" "$list"
  done
  for f in "$SRC"/rules/collectd/*.conf; do
    [[ -e $f ]] && check "deb ships collectd/$(basename "$f")" \
      grep -qx "/usr/share/ctwatch/collectd/$(basename "$f")" "$list"
  done
  for f in "$SRC"/docs/runbooks/*.md; do
    [[ -e $f ]] && check "deb ships runbooks/$(basename "$f")" \
      grep -qx "/usr/share/doc/collectd-ctwatch/runbooks/$(basename "$f")" "$list"
  done
  # packaging/README.md's "What goes where" names every file (a row's path,
  # its .gz, or a directory row ending in /).
  local rows unlisted=()
  rows=$(sed -n '/^## What goes where/,/^## /s/^| `\(\/[^`]*\)`.*/\1/p' "$SRC/packaging/README.md")
  while read -r f; do
    [[ $f == /usr/share/lintian/* ]] && continue
    local r hit=0
    for r in $rows; do
      if [[ $f == "$r" || $f == "$r.gz" || ($r == */ && $f == "$r"*) ]]; then hit=1; break; fi
    done
    ((hit)) || unlisted+=("$f")
  done < <(dpkg-deb -c "$DEB1" | awk '$1 !~ /^d/ {print $6}' | sed 's|^\./|/|')
  check "packaging/README.md \"What goes where\" names every installed file${unlisted:+ (missing: ${unlisted[*]})}" \
    test ${#unlisted[@]} -eq 0
  check "no test tools, bench or headers in the deb" \
    bash -c "! grep -E 'ctwatch-fill|ctwatch-bench|capture_netlink|unit_|kernel_|/include/|\.a$' '$list'"
  check "conffiles is exactly $CONF" \
    bash -c "[[ \$(dpkg-deb -I '$DEB1' conffiles) == '$CONF' ]]"
  check "no maintainer scripts (nothing restarts collectd behind the operator's back)" \
    bash -c "! dpkg-deb -I '$DEB1' | grep -Eq '^ +[0-9]+ bytes, +[0-9]+ lines +\*? *(pre|post)(inst|rm)'"
  check "Depends has collectd-core (>= 5.12)" \
    bash -c "dpkg-deb -f '$DEB1' Depends | grep -q 'collectd-core (>= 5.12)'"
  check "Recommends collectd" bash -c "dpkg-deb -f '$DEB1' Recommends | grep -qw collectd"
}

# cmake/Install.cmake on a prefix that is not /usr: same layout under it.
check_cmake_install() {
  local b=$WORK/cmake-build stage=$WORK/stage prefix=/opt/ctwatch
  if ! cmake -S "$SRC" -B "$b" -DCTWATCH_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_INSTALL_PREFIX=/usr > "$WORK/cmake.log" 2>&1 ||
     ! cmake --build "$b" -j "$(nproc)" >> "$WORK/cmake.log" 2>&1; then
    tail -n 30 "$WORK/cmake.log" >&2
    fail "cmake configure/build (tests off) for cmake --install"
    return
  fi
  # --prefix at install time (not the configured /usr) and DESTDIR.
  if ! DESTDIR=$stage cmake --install "$b" --prefix "$prefix" >> "$WORK/cmake.log" 2>&1; then
    tail -n 30 "$WORK/cmake.log" >&2
    fail "cmake --install"
    return
  fi
  local deb_list=$WORK/deb-layout cmake_list=$WORK/cmake-layout
  # The .deb's files, minus what only Debian's build adds (changelog,
  # copyright, lintian overrides).
  dpkg-deb -c "$DEB1" | awk '$1 !~ /^d/ {print $6}' | sed 's|^\./|/|' |
    grep -v -e '/changelog.Debian.gz$' -e '/doc/collectd-ctwatch/copyright$' \
         -e '^/usr/share/lintian/' |
    sed -e 's|^/usr/|/PREFIX/|' -e 's|^/etc/|/PREFIX/etc/|' |
    # dh_installman compresses man pages; cmake --install does not.
    sed -e 's|^\(/PREFIX/share/man/.*\)\.gz$|\1|' | sort > "$deb_list"
  (cd "$stage" && find . -type f | sed -e 's|^\.||' -e "s|^$prefix/|/PREFIX/|") | sort > "$cmake_list"
  if diff -u "$deb_list" "$cmake_list" > "$WORK/layout.diff"; then
    pass "cmake --install --prefix $prefix: same layout as the .deb ($(wc -l < "$cmake_list") files)"
  else
    cat "$WORK/layout.diff" >&2
    fail "cmake --install --prefix $prefix: layout differs from the .deb"
  fi
  check "cmake --install: ctwatch.conf includes $prefix/share/ctwatch/load-plugin.conf" \
    grep -qx "Include \"$prefix/share/ctwatch/load-plugin.conf\"" \
      "$stage$prefix/etc/collectd/collectd.conf.d/ctwatch.conf"
  check "cmake --install: install_manifest.txt lists the conf snippet" \
    grep -q "collectd.conf.d/ctwatch.conf$" "$b/install_manifest.txt"
  check "cmake --install --prefix $prefix: every relative link in the installed docs resolves" \
    python3 "$SRC/tests/packaging/doc_links.py" --installed --root "$stage" --relative-only \
      $(cd "$stage" && find . -type f | sed 's|^\.||')
}

ensure_collectd() {
  remember_pids
  local need=()
  installed collectd || need+=(collectd)
  # write_prometheus's libraries: Recommends of collectd, not pulled above.
  installed libmicrohttpd12 || need+=(libmicrohttpd12)
  installed libprotobuf-c1 || need+=(libprotobuf-c1)
  installed curl || need+=(curl)
  if ((${#need[@]})); then
    log "installing ${need[*]} (no recommends)"
    if ! DEBIAN_FRONTEND=noninteractive "${APT[@]}" install "${need[@]}" > "$WORK/apt-collectd.log" 2>&1; then
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1
      DEBIAN_FRONTEND=noninteractive "${APT[@]}" install "${need[@]}" > "$WORK/apt-collectd.log" 2>&1 ||
        { tail -n 20 "$WORK/apt-collectd.log" >&2; skip "cannot install ${need[*]}"; }
    fi
  fi
  [[ -d /var/lib/collectd/rrd ]] || RRD_EXISTED=0
  if stray_daemons; then
    fail "installing collectd started a collectd daemon (stopped it)"
  else
    pass "no collectd daemon was started by installing collectd (policy-rc.d)"
  fi
  # The stock config, as the collectd package ships it.
  local want have
  want=$(dpkg-query -W -f='${Conffiles}\n' collectd | awk '$1 == "/etc/collectd/collectd.conf" {print $2}')
  have=$(md5sum < /etc/collectd/collectd.conf | awk '{print $1}')
  [[ $want == "$have" ]] ||
    skip "/etc/collectd/collectd.conf is not Debian's stock file (edited here); not testing on it"
  check "stock collectd.conf includes $CONF_D (Filter \"*.conf\")" \
    bash -c "grep -A1 -x '<Include \"$CONF_D\">' /etc/collectd/collectd.conf | grep -q 'Filter \"\*.conf\"'"
}
apt_deb() { # apt_deb LOGNAME ARGS...: install/reinstall a local .deb with apt
  local name=$1; shift
  DEBIAN_FRONTEND=noninteractive "${APT[@]}" "$@" > "$WORK/$name.log" 2>&1 ||
    { tail -n 20 "$WORK/$name.log" >&2; return 1; }
}

check_installed_layout() {
  local f
  for f in /usr/lib/collectd/ctwatch.so "$CONF" /usr/share/ctwatch/load-plugin.conf \
           /usr/share/doc/collectd-ctwatch/README.md; do
    check "installed: $f" test -f "$f"
  done
  check "dpkg knows $CONF as a conffile of collectd-ctwatch" \
    bash -c "dpkg-query -W -f='\${Conffiles}' collectd-ctwatch | grep -q '^ $CONF '"
  check "collectd-ctwatch is 'install ok installed'" installed collectd-ctwatch
  # Installed docs that work: every link of every installed file.
  if python3 "$SRC/tests/packaging/doc_links.py" --installed $(dpkg -L collectd-ctwatch) > "$WORK/doc-links.txt" 2>&1; then
    pass "installed docs: $(tail -n 1 "$WORK/doc-links.txt")"
  else
    cat "$WORK/doc-links.txt" >&2
    fail "installed docs: dangling links (above)"
  fi
  # The shipped mixin renders exactly the shipped rules and dashboards.
  if command -v jsonnet >/dev/null; then
    local r=$WORK/mixin-render
    if /usr/share/ctwatch/mixin/render.sh -o "$r" > "$WORK/mixin-render.log" 2>&1 &&
       cmp -s "$r/rules/prometheus/ctwatch.rules.yml" /usr/share/ctwatch/prometheus/ctwatch.rules.yml &&
       cmp -s "$r/dashboards/ctwatch-host.json" /usr/share/ctwatch/grafana/ctwatch-host.json; then
      pass "installed mixin: /usr/share/ctwatch/mixin/render.sh -o DIR renders the installed rules and dashboards"
    else
      cat "$WORK/mixin-render.log" >&2
      fail "installed mixin: render.sh fails or renders other rules/dashboards than those installed"
    fi
  fi
  local page out
  for page in ctwatch collectd-ctwatch; do
    check "man -w $page finds the installed page" bash -c "man -w $page | grep -q '^/usr/share/man/'"
  done
  for page in /usr/share/man/man1/ctwatch.1.gz /usr/share/man/man5/collectd-ctwatch.5.gz; do
    out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$page" 2>&1 >/dev/null)
    check "man --warnings -l $page: no warnings${out:+ ($out)}" test -z "$out"
  done
}

# Starts collectd in the foreground with /etc/collectd/collectd.conf (plus the
# temporary write_prometheus snippet) and waits for ctwatch's values in a
# scrape. $1: a name for the logs.
start_collectd_and_scrape() {
  local name=$1 port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null) ||
    port=$((20000 + RANDOM % 40000))
  # 00-: read before ctwatch.conf, so the logfile plugin sees ctwatch load.
  TEST_SNIPPET=$CONF_D/00-ctwatch-packaging-test.conf
  cat > "$TEST_SNIPPET" <<EOF
# Temporary, written by tests/packaging/run.sh; removed when it ends.
LoadPlugin logfile
<Plugin logfile>
	LogLevel info
	File "$WORK/$name-collectd.log"
	Timestamp true
</Plugin>
LoadPlugin write_prometheus
<Plugin write_prometheus>
	Host "127.0.0.1"
	Port "$port"
</Plugin>
EOF
  collectd -f -C /etc/collectd/collectd.conf -P "$WORK/collectd.pid" > "$WORK/$name-collectd.err" 2>&1 &
  COLLECTD_PID=$!
  local scrape=$WORK/$name-scrape.txt ok=0
  for _ in $(seq 60); do
    kill -0 "$COLLECTD_PID" 2>/dev/null || break
    if curl -sf --max-time 2 "http://127.0.0.1:$port/metrics" > "$scrape" 2>/dev/null &&
       grep -Eq '^collectd_ctwatch_conntrack\{[^}]*type="entries"' "$scrape"; then
      ok=1; break
    fi
    sleep 0.5
  done
  if ((ok)); then
    pass "[$name] collectd with the stock config scrapes ctwatch: $(grep -E '^collectd_ctwatch_conntrack\{[^}]*type="entries"' "$scrape" | head -1)"
    check "[$name] percent used is scraped" grep -Eq '^collectd_ctwatch_percent\{[^}]*type="used"' "$scrape"
  else
    fail "[$name] no collectd_ctwatch_conntrack{type=\"entries\"} in a write_prometheus scrape within 30s"
    cat "$WORK/$name-collectd.err" "$WORK/$name-collectd.log" 2>/dev/null | tail -n 30 >&2
  fi
  check "[$name] collectd parsed the config (no 'Parsing the config file failed')" \
    bash -c "! grep -q 'Parsing the config file failed' '$WORK/$name-collectd.err'"
  check "[$name] ctwatch loaded from /usr/lib/collectd" \
    grep -q 'plugin_load: plugin "ctwatch" successfully loaded' "$WORK/$name-collectd.log"
  stop_collectd
  rm -f "$TEST_SNIPPET"; TEST_SNIPPET=""
}

# collectd 5.12.0-14's `-t` exits 0 whatever the config (upstream #3216,
# fixed after 5.12), and Debian's init script and unit only run `-t` before a
# start. `-T` parses for real (and runs each read once): it is the check that
# catches a typo in ctwatch.conf before a restart does.
check_config_test() {
  local T=(collectd -T -C /etc/collectd/collectd.conf -P "$WORK/collectd-T.pid")
  check "collectd -T -C /etc/collectd/collectd.conf (stock config + ctwatch)" \
    timeout 60 "${T[@]}"
  cp -p "$CONF" "$WORK/ctwatch.conf.orig"
  printf '<Plugin ctwatch>\n\tCensusIntervall 30\n</Plugin>\n' >> "$CONF"
  # The stock config logs to syslog; a logfile read before ctwatch.conf
  # (00-) gets ctwatch's message too.
  TEST_SNIPPET=$CONF_D/00-ctwatch-packaging-test.conf
  printf '# Temporary, written by tests/packaging/run.sh; removed when it ends.\nLoadPlugin logfile\n<Plugin logfile>\n\tLogLevel info\n\tFile "%s"\n</Plugin>\n' \
    "$WORK/typo-collectd.log" > "$TEST_SNIPPET"
  local rc=0
  timeout 60 "${T[@]}" > "$WORK/typo-collectd.err" 2>&1 || rc=$?
  # Exactly a refused config: exit 1 (124 would be a hang, 128+N a crash),
  # and the message names the key and its value.
  if ((rc == 1)) && grep -h 'ctwatch plugin:' "$WORK/typo-collectd.log" "$WORK/typo-collectd.err" |
       grep -F '"CensusIntervall"' | grep -qF 30; then
    pass "a typo in ctwatch.conf: collectd -T exits 1 naming it: $(grep -h 'ctwatch plugin:' "$WORK/typo-collectd.log" | head -1)"
  else
    fail "a typo in ctwatch.conf: collectd -T exits $rc (want 1, and a ctwatch message naming \"CensusIntervall\" and 30)"
    cat "$WORK/typo-collectd.err" "$WORK/typo-collectd.log" 2>/dev/null | tail -n 20 >&2
  fi
  rm -f "$TEST_SNIPPET"; TEST_SNIPPET=""
  # Informational only: on Debian 12 `-t` passes any config (#3216), so it
  # cannot fail here and is no check.
  if collectd -t -C /etc/collectd/collectd.conf >/dev/null 2>&1; then
    log "note: collectd -t exits 0 with that typo (collectd 5.12's -t does not check)"
  else
    log "note: collectd -t catches the typo (a collectd with -t fixed)"
  fi
  cp -p "$WORK/ctwatch.conf.orig" "$CONF"

  # The conffile says: uncomment the block and it runs. Exactly that (one
  # "#" off each line of <Plugin ctwatch>): collectd -T exits 0 and ctwatch
  # logs no warning or error (the examples needing user data stay commented).
  sed -i '/^#<Plugin ctwatch>/,/^#<\/Plugin>/s/^#//' "$CONF"
  TEST_SNIPPET=$CONF_D/00-ctwatch-packaging-test.conf
  printf '# Temporary, written by tests/packaging/run.sh; removed when it ends.\nLoadPlugin logfile\n<Plugin logfile>\n\tLogLevel info\n\tPrintSeverity true\n\tFile "%s"\n</Plugin>\n' \
    "$WORK/uncommented-collectd.log" > "$TEST_SNIPPET"
  rc=0
  timeout 60 "${T[@]}" > "$WORK/uncommented-collectd.err" 2>&1 || rc=$?
  if ((rc == 0)) && grep -q '^<Plugin ctwatch>' "$CONF" &&
     ! grep -E '\[(warning|error)\] ctwatch' "$WORK/uncommented-collectd.log" "$WORK/uncommented-collectd.err"; then
    pass "ctwatch.conf with its block uncommented: collectd -T exits 0, no ctwatch warning"
  else
    fail "ctwatch.conf with its block uncommented: collectd -T exits $rc or ctwatch warns"
    cat "$WORK/uncommented-collectd.err" "$WORK/uncommented-collectd.log" 2>/dev/null | tail -n 20 >&2
  fi
  rm -f "$TEST_SNIPPET"; TEST_SNIPPET=""
  cp -p "$WORK/ctwatch.conf.orig" "$CONF"

  # The threshold snippet's header: the Include line it gives, in a file of
  # collectd.conf.d, is a configuration collectd -T accepts.
  local inc
  inc=$(sed -n 's/^#[[:space:]]*\(Include "[^"]*ctwatch-thresholds.conf"\)$/\1/p' \
          /usr/share/ctwatch/collectd/ctwatch-thresholds.conf | head -1)
  TEST_SNIPPET=$CONF_D/zz-ctwatch-packaging-test.conf
  printf '# Temporary, written by tests/packaging/run.sh; removed when it ends.\n%s\n' "$inc" > "$TEST_SNIPPET"
  check "the threshold snippet's header Include (${inc:-none found}) works: collectd -T exits 0" \
    bash -c "[[ -n '$inc' ]] && timeout 60 ${T[*]} > '$WORK/thresholds-collectd.err' 2>&1"
  rm -f "$TEST_SNIPPET"; TEST_SNIPPET=""
}

# Removed, not purged: the conffile (with the operator's <Plugin ctwatch>
# block) stays, ctwatch.so and load-plugin.conf go. collectd must still start
# (a bare `LoadPlugin ctwatch` in the conffile would stop it).
check_removed_state() {
  check "apt-get remove collectd-ctwatch" apt_deb remove remove collectd-ctwatch
  check "removed: ctwatch.so is gone" test ! -e /usr/lib/collectd/ctwatch.so
  check "removed: ctwatch.conf (conffile) stays until purge" test -f "$CONF"
  collectd -f -C /etc/collectd/collectd.conf -P "$WORK/collectd.pid" > "$WORK/removed-collectd.err" 2>&1 &
  COLLECTD_PID=$!
  sleep 3
  check "removed: collectd still starts with the leftover ctwatch.conf" kill -0 "$COLLECTD_PID"
  check "removed: collectd parsed the config" \
    bash -c "! grep -q 'Parsing the config file failed' '$WORK/removed-collectd.err'"
  check "removed: collectd only warns about the missing load-plugin.conf" \
    grep -q 'stat (/usr/share/ctwatch/load-plugin.conf) failed' "$WORK/removed-collectd.err"
  stop_collectd
}

operator_edit() {
  printf '<Plugin ctwatch>\n\t%s\n</Plugin>\n' "$MARKER" >> "$CONF"
  log "edited $CONF: an uncommented <Plugin ctwatch> block with $MARKER"
}

check_conffile_kept() {
  check "install again after remove kept the edit of ctwatch.conf" grep -qF "$MARKER" "$CONF"
  check "reinstall the same .deb (apt-get install --reinstall, --force-confold)" \
    apt_deb reinstall install --reinstall "$DEB1"
  check "reinstall kept the edit of ctwatch.conf" grep -qF "$MARKER" "$CONF"
  check "upgrade to $V2 (its ctwatch.conf changed too, --force-confold)" \
    apt_deb upgrade install "$DEB2"
  check "upgrade: collectd-ctwatch is $V2" \
    bash -c "[[ \$(dpkg-query -W -f='\${Version}' collectd-ctwatch) == '$V2' ]]"
  check "upgrade kept the edit of ctwatch.conf" grep -qF "$MARKER" "$CONF"
  check "upgrade left the package's new ctwatch.conf as ctwatch.conf.dpkg-dist" \
    grep -q "^# $V2: a new line from the package" "$CONF.dpkg-dist"
  if stray_daemons; then fail "an install started a collectd daemon (stopped it)"; fi
}

check_purge() {
  check "apt-get purge collectd-ctwatch" apt_deb purge purge collectd-ctwatch
  local p left=()
  for p in /usr/lib/collectd/ctwatch.so "$CONF" "$CONF.dpkg-dist" "$CONF.dpkg-old" \
           "$CONF.dpkg-new" /usr/share/ctwatch /usr/share/doc/collectd-ctwatch; do
    [[ -e $p ]] && left+=("$p")
  done
  check "purge left nothing behind${left:+ (left: ${left[*]})}" test ${#left[@]} -eq 0
  check "dpkg knows no collectd-ctwatch any more" bash -c '! dpkg-query -W collectd-ctwatch 2>/dev/null | grep -q .'
  check "no file of ours under /etc/collectd" \
    bash -c "! ls /etc/collectd/collectd.conf.d | grep -q ctwatch"
}

main() {
  [[ ${1:-} == -k ]] && KEEP=1
  preflight
  trap cleanup EXIT
  trap 'exit 1' INT TERM
  log "== build"
  check "packaging/ctwatch.conf lists exactly the plugin's options" "$SRC/tests/packaging/conf_options_test.sh"
  build_debs
  check_deb_contents
  log "== cmake --install"
  check_cmake_install
  log "== install next to Debian's collectd"
  deny_service_starts
  ensure_collectd
  check "apt-get install ./$(basename "$DEB1")" apt_deb install install "$DEB1"
  check_installed_layout
  # No check: Debian 12's `collectd -t` exits 0 without reading the config
  # (#3216); check_config_test's -T is the one that can fail.
  check_config_test
  start_collectd_and_scrape installed
  operator_edit
  log "== remove (not purge)"
  check_removed_state
  log "== reinstall / upgrade keep the operator's edit"
  check "install again after remove" apt_deb install2 install "$DEB1"
  check_conffile_kept
  start_collectd_and_scrape upgraded
  log "== purge"
  check_purge
  printf '%d passed, %d failed\n' "$PASSES" "$FAILURES"
  ((FAILURES == 0))
}

main "$@"
