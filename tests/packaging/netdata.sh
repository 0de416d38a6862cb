#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Package test of netdata-plugin-ctwatch on this machine, next to Debian's
# netdata-core 1.37:
#   - install: the plugin, stock config, alarms and the netdata.service
#     drop-in where Debian's Netdata reads them; the plugin root:netdata 0750
#     with cap_net_admin=ep;
#   - Netdata (foreground, as user netdata like netdata.service, throwaway
#     state, Debian's plugins.d and stock health.d) runs the plugin, which
#     reads ctnetlink (source netlink = 1) and the alarms are loaded;
#   - netdata-core reinstalled (its postinst chown -R strips file
#     capabilities): our dpkg trigger puts the capability back; Netdata
#     restarted reads ctnetlink again;
#   - upgrade to a newer netdata-plugin-ctwatch (the .deb repacked with a
#     higher version): capability kept; Netdata restarted;
#   - remove, then purge: nothing of ours left; Netdata still starts.
# Services: with no init system, netdata-core's postinst `invoke-rc.d
# netdata restart` must be denied: the test needs a policy-rc.d that exits
# 101 (it installs one for its duration when there is none).
# Usage: tests/packaging/netdata.sh [DEB_DIR]   (default: build with
# packaging/build-deb.sh). Exit 0 pass, 1 fail, 77 skip (not root, not
# Debian, no netdata-core, package already installed); CTWATCH_REQUIRE_KERNEL=1
# turns a skip into a failure.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/stack/lib.sh
source "$SRC/tests/stack/lib.sh"
# shellcheck source=tests/netdata/lib.sh
source "$SRC/tests/netdata/lib.sh"

readonly PKG=netdata-plugin-ctwatch
readonly PLUGIN=/usr/lib/netdata/plugins.d/ctwatch.plugin
readonly DROPIN=/lib/systemd/system/netdata.service.d/ctwatch.conf
readonly POLICY=/usr/sbin/policy-rc.d
[[ $(id -u) -eq 0 ]] || skip "needs root (dpkg)"
[[ -f /etc/debian_version ]] || skip "not Debian"
dpkg -s netdata-core >/dev/null 2>&1 || skip "netdata-core is not installed (scripts/install-deps.sh)"
if dpkg -s "$PKG" 2>/dev/null | grep -q '^Status: install ok'; then skip "$PKG is already installed"; fi
require_tools getcap:libcap2-bin curl:curl python3:python3 dpkg-deb:dpkg

WORK=$(mktemp -d /tmp/ctwatch-ndpkg.XXXXXX)
chmod 755 "$WORK"
OUR_POLICY=0 ND_PID=""
cleanup() {
  local rc=$?
  nd_stop || true
  dpkg --purge "$PKG" >/dev/null 2>&1 || true
  ((OUR_POLICY)) && rm -f "$POLICY"
  if ((rc != 0)) && [[ -f $WORK/nd/log/error.log ]]; then
    echo "--- netdata error.log (ctwatch lines)"; grep -a ctwatch "$WORK/nd/log/error.log" | tail -20
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
if [[ ! -e $POLICY ]]; then printf '#!/bin/sh\nexit 101\n' >"$POLICY"; chmod 755 "$POLICY"; OUR_POLICY=1; fi

DEB_DIR=${1:-}
if [[ -z $DEB_DIR ]]; then
  DEB_DIR=$WORK/debs
  "$SRC/packaging/build-deb.sh" "$DEB_DIR" >/dev/null || die "build-deb.sh failed"
fi
DEB=$(ls "$DEB_DIR"/${PKG}_*.deb | grep -v dbgsym | head -1)
[[ -f $DEB ]] || die "no $PKG .deb in $DEB_DIR"
# The upgrade: the same .deb with a higher version.
mkdir -p "$WORK/repack"
dpkg-deb -R "$DEB" "$WORK/repack"
sed -i 's/^Version: \(.*\)$/Version: \1+test1/' "$WORK/repack/DEBIAN/control"
dpkg-deb -b "$WORK/repack" "$WORK/upgrade.deb" >/dev/null

check_installed() {  # WHEN
  local f
  for f in "$PLUGIN" /usr/lib/netdata/conf.d/ctwatch.conf /usr/lib/netdata/conf.d/health.d/ctwatch.conf "$DROPIN"; do
    [[ -f $f ]] || fail "$1: $f missing"
  done
  [[ $(stat -c '%U:%G %a' "$PLUGIN") == "root:netdata 750" ]] || fail "$1: $PLUGIN is $(stat -c '%U:%G %a' "$PLUGIN")"
  if getcap "$PLUGIN" | grep -q 'cap_net_admin=ep'; then pass "$1: $(getcap "$PLUGIN")"
  else fail "$1: $PLUGIN has no cap_net_admin ($(getcap "$PLUGIN"))"; fi
}

# Netdata as user netdata (like netdata.service), Debian's plugins.d and
# stock health.d, throwaway state; only ctwatch.plugin.
run_netdata() {  # WHEN
  rm -rf "$WORK/nd"
  ND_RUN_AS=netdata nd_write_conf "$WORK/nd" /usr/lib/netdata/plugins.d /usr/lib/netdata/conf.d/health.d
  sed -i "s|stock config = .*|stock config = /usr/lib/netdata/conf.d|" "$WORK/nd/netdata.conf"
  chown -R netdata:netdata "$WORK/nd"
  nd_start
  if ! nd_wait_chart ctwatch_host.source 40; then fail "$1: netdata shows no ctwatch_host.source"; nd_stop || true; return; fi
  sleep 2
  local v
  v=$(nd_api "/api/v1/data?chart=ctwatch_host.source&after=-1&points=1&format=json" |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0][1])')
  if [[ $v == 1 ]]; then pass "$1: ctwatch.plugin under netdata (user netdata) reads ctnetlink"
  else fail "$1: ctwatch_host.source netlink = $v (no CAP_NET_ADMIN?)"; fi
  [[ $(nd_alarm_status ctwatch_host.fill.ctwatch_table_nearly_full) != ABSENT ]] &&
    pass "$1: alarm ctwatch_table_nearly_full loaded from the stock health.d" ||
    fail "$1: alarm ctwatch_table_nearly_full not loaded"
  nd_stop || fail "$1: netdata exited with an error"
}

dpkg -i "$DEB" >"$WORK/install.log" 2>&1 || { cat "$WORK/install.log"; die "dpkg -i $DEB failed"; }
check_installed "install"
run_netdata "install"

CORE=/var/cache/apt/archives/netdata-core_$(dpkg-query -W -f '${Version}' netdata-core | sed 's/:/%3a/')_$(dpkg --print-architecture).deb
if [[ ! -f $CORE ]]; then (cd "$WORK" && apt-get download netdata-core >/dev/null 2>&1) && CORE=$(ls "$WORK"/netdata-core_*.deb); fi
[[ -f $CORE ]] || die "cannot get the netdata-core .deb to reinstall"
dpkg -i "$CORE" >"$WORK/core.log" 2>&1 || { cat "$WORK/core.log"; die "reinstalling netdata-core failed"; }
grep -q "Processing triggers for $PKG" "$WORK/core.log" && pass "netdata-core reinstalled: our trigger ran" ||
  fail "netdata-core reinstalled: no 'Processing triggers for $PKG'"
check_installed "after netdata-core reinstall"
run_netdata "after netdata-core reinstall"

dpkg -i "$WORK/upgrade.deb" >"$WORK/upgrade.log" 2>&1 || { cat "$WORK/upgrade.log"; die "upgrade failed"; }
check_installed "upgrade to $(dpkg-query -W -f '${Version}' $PKG)"
run_netdata "after upgrade"

dpkg --remove "$PKG" >/dev/null
for f in "$PLUGIN" /usr/lib/netdata/conf.d/ctwatch.conf /usr/lib/netdata/conf.d/health.d/ctwatch.conf "$DROPIN"; do
  [[ ! -e $f ]] || fail "removed: $f is still there"
done
dpkg --purge "$PKG" >/dev/null
left=$(find /usr/lib/netdata /lib/systemd/system /etc/netdata -name '*ctwatch*' 2>/dev/null || true)
[[ -z $left ]] && pass "removed and purged: nothing of ours left" || fail "left after purge: $left"
[[ -z $(dpkg -l "$PKG" 2>/dev/null | grep '^[a-z][a-z]') ]] || dpkg -l "$PKG" | grep -q '^un\|^pn' ||
  fail "dpkg still knows $PKG after purge"
rm -rf "$WORK/nd"; nd_write_conf "$WORK/nd" /usr/lib/netdata/plugins.d /usr/lib/netdata/conf.d/health.d
nd_start; sleep 5
kill -0 "$ND_PID" 2>/dev/null && pass "netdata starts without the plugin" || fail "netdata does not start after purge"
nd_stop || true

((FAILURES == 0)) || { echo "$FAILURES failure(s)"; exit 1; }
echo PASS
