#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Installs what building, testing and the demo need on Debian 12 (as root).
# Idempotent and quick when everything is there already.
set -euo pipefail

packages=(
  build-essential cmake pkg-config            # toolchain
  libmnl-dev libnetfilter-conntrack-dev       # netlink (plugin) and ctwatch-fill
  libboost-test-dev                           # unit and kernel tests
  nlohmann-json3-dev                          # the CLI's JSON (and its tests)
  libcurl4-openssl-dev                        # the plugin's Alertmanager bridge (HTTP/HTTPS)
  collectd-core collectd-dev                  # the daemon and its plugin headers
  libprotobuf-c1 libmicrohttpd12              # write_prometheus's libraries, not pulled by collectd-core
  prometheus prometheus-alertmanager          # promtool, rules and the alerting replay
  iproute2 nftables conntrack                 # namespaces, ct rules, conntrack -C/-L in tests
  python3 curl procps util-linux valgrind     # traffic, scrapes, setpriv, leak checks
  tmux                                        # ctwatch --watch in a real terminal (tests/cli/watch_tmux.sh)
  clang libclang-rt-14-dev                    # libFuzzer for the decoder fuzz target
  qemu-system-x86 busybox-static cpio         # the kernel matrix's VMs (tests/kernels)
  xz-utils zstd binutils                      # ... their modules (unpacked, depends= read)
  jsonnet python3-yaml                        # the monitoring mixin (mixin/) and its checks
  victoria-metrics                            # VictoriaMetrics + vmalert: the rules' MetricsQL compatibility test
  netdata-core libcap2-bin                    # ctwatch.plugin in real Netdata (tests/netdata), setcap/getcap
  debhelper lintian dpkg-dev                  # the Debian packages (packaging/build-deb.sh)
  python3-jsonschema groff-base man-db        # Kubernetes examples against the API schema; man page checks
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "install-deps: missing packages (${missing[*]}); run as root or install them" >&2
    exit 1
  fi
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # --no-install-recommends: prometheus would pull node-exporter and friends.
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# victoria-metrics and netdata enable (and, under systemd, starts) its service; tests start their own on
# loopback ports and nothing here runs at boot.
if [[ $(id -u) -eq 0 ]] && [[ -e /etc/systemd/system/multi-user.target.wants/victoria-metrics.service ]]; then
  systemctl disable --now victoria-metrics >/dev/null 2>&1 || rm -f /etc/systemd/system/multi-user.target.wants/victoria-metrics.service
fi
if [[ $(id -u) -eq 0 ]] && [[ -e /etc/systemd/system/multi-user.target.wants/netdata.service ]]; then
  systemctl disable --now netdata >/dev/null 2>&1 || rm -f /etc/systemd/system/multi-user.target.wants/netdata.service
fi
