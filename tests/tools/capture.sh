#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Re-records tests/data/netlink/*.bin from this machine's kernel, in a
# throwaway namespace holding a known table. Usage (as root):
#   tests/tools/capture.sh BUILD_DIR
set -euo pipefail
build=${1:?usage: capture.sh BUILD_DIR}
here=$(cd "$(dirname "$0")/../.." && pwd)
out="$here/tests/data/netlink"
ns="ctwatch-capture-$$"
trap 'ip netns del "$ns" 2>/dev/null || true' EXIT
ip netns add "$ns"
# The table capture_test.cpp expects (1026 entries).
fill=(tcp:TIME_WAIT=800 tcp:ESTABLISHED=150 tcp:SYN_SENT=5 tcp6:CLOSE_WAIT=7 udp=50 udp6=4 icmp=3 sctp=2 gre=5)
ip netns exec "$ns" "$build/tools/ctwatch-fill/ctwatch-fill" --quiet "${fill[@]}"
for what in stats stats_cpu dump; do
  ip netns exec "$ns" "$build/tests/capture_netlink" "$what" "$out/$what.bin"
done
cat > "$out/README.md" <<MD
# Captured ctnetlink replies

Recorded by \`tests/tools/capture.sh\` (which runs \`tests/tools/capture_netlink\`
inside a throwaway namespace) and replayed by \`tests/unit/core/captured_test.cpp\`.
Each \`.bin\` is the datagrams received for one request, back to back.

- kernel: $(uname -r) ($(uname -m)), $(nproc) CPUs ($(ls -d /sys/devices/system/cpu/cpu[0-9]* | wc -l) possible)
- recorded: $(date -u +%Y-%m-%d)
- table: \`ctwatch-fill ${fill[*]}\` (1026 entries)
- \`stats.bin\`: IPCTNL_MSG_CT_GET_STATS (+ ACK)
- \`stats_cpu.bin\`: IPCTNL_MSG_CT_GET_STATS_CPU dump
- \`dump.bin\`: IPCTNL_MSG_CT_GET dump, AF_UNSPEC ($(stat -c %s "$out/dump.bin") bytes)
MD
ls -l "$out"
