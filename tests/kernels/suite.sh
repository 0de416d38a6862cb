#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The kernel suite: run by the /init of each test VM (busybox sh), and by
# run.sh on the build machine's own kernel.
#
#   suite.sh BUILD_DIR SOURCE_DIR
#
# Prints, for run.sh to collect:
#   ctwatch-kernels: obs KEY VALUE       what this kernel offers, read before any test
#   ctwatch-kernels: pass|fail CHECK     one line per check; a failure's output follows
#   ctwatch-kernels: summary PASSED FAILED
# Touches only namespaces it (or the tests it runs) creates; the kernel
# tests restore the global nf_conntrack_max they lower.
set -u
build=$1
src=$2
work=$(mktemp -d /tmp/ctwatch-kernels.XXXXXX)
passed=0
failed=0
export CTWATCH_REQUIRE_KERNEL=1
readonly TEST_TIMEOUT=240  # seconds per test binary

say() { echo "ctwatch-kernels: $*"; }

# check NAME COMMAND...: one pass/fail line; the output only on failure.
check() {
  check_name=$1
  shift
  if "$@" >"$work/$check_name.out" 2>&1; then
    passed=$((passed + 1))
    say "pass $check_name"
  else
    failed=$((failed + 1))
    say "fail $check_name"
    tail -n 100 "$work/$check_name.out" | sed 's/^/  | /'
  fi
}

# --- what this kernel offers, before anything changes it ----------------
proc_counters=$(python3 "$src/tests/kernels/check.py" proc-counters /proc/net/stat/nf_conntrack)
"$build/cli/ctwatch" --top 0 --json >"$work/host.json" 2>"$work/host.err"
cli_counters=$(python3 "$src/tests/kernels/check.py" cli-counters <"$work/host.json")
say "obs kernel $(uname -r)"
say "obs cpus $(grep -c '^processor' /proc/cpuinfo)"
say "obs mem_kib $(awk '/^MemTotal:/ {print $2}' /proc/meminfo)"
say "obs max $(cat /proc/sys/net/netfilter/nf_conntrack_max)"
say "obs buckets $(cat /proc/sys/net/netfilter/nf_conntrack_buckets)"
say "obs proc_header $(head -n 1 /proc/net/stat/nf_conntrack | tr -s ' \t' '  ' | sed 's/ *$//')"
say "obs proc_counters $proc_counters"
say "obs netlink_counters $cli_counters"

# --- checks -------------------------------------------------------------
# ctnetlink (CTA_STATS_*) and /proc name the same counters: none faked,
# none lost.
same_counters() {
  echo "ctnetlink: $cli_counters"
  echo "/proc:     $proc_counters"
  [ -n "$cli_counters" ] && [ "$cli_counters" = "$proc_counters" ]
}
check counters_netlink_eq_proc same_counters

# The README's claim: clash_resolve since 5.10, chaintoolong since 5.15.
readme_claims() {
  v=$(uname -r | sed 's/^\([0-9]*\)\.\([0-9]*\).*/\1 \2/')
  set -- $v
  ok=0
  for c in clash_resolve:510 chaintoolong:515; do
    name=${c%%:*}
    since=${c##*:}
    want=absent
    [ $(($1 * 100 + $2)) -ge "$since" ] && want=present
    got=absent
    case " $cli_counters " in *" $name "*) got=present ;; esac
    echo "$name: $got, README says $want on $(uname -r)"
    [ "$got" = "$want" ] || ok=1
  done
  return $ok
}
check counters_as_readme_says readme_claims

for t in tests/integration/kernel_monitor tests/integration/kernel_drop tests/integration/kernel_peers \
  tests/cli/kernel_cli; do
  check "${t##*/}" timeout "$TEST_TIMEOUT" "$build/$t" --log_level=test_suite
done

# Real collectd with ctwatch.so and write_prometheus against a known table.
collectd_contract() {
  ns=ctwatch-kernels-$$
  port=$((20000 + $$ % 20000))
  ip netns add "$ns" || return 1
  trap 'ip netns del "$ns" 2>/dev/null' EXIT
  ip netns exec "$ns" "$build/tools/ctwatch-fill/ctwatch-fill" --quiet tcp:TIME_WAIT=40 tcp:ESTABLISHED=7 udp=5 || return 1
  mkdir -p "$work/plugins" "$work/base"
  # collectd loads regular files only, not symlinks.
  cp /usr/lib/collectd/logfile.so /usr/lib/collectd/write_prometheus.so "$build/plugin/ctwatch.so" "$work/plugins/"
  cat >"$work/collectd.conf" <<EOF
Hostname "ctwatch-kernels"
FQDNLookup false
Interval 1
BaseDir "$work/base"
PIDFile "$work/collectd.pid"
PluginDir "$work/plugins"
TypesDB "/usr/share/collectd/types.db"
AutoLoadPlugin false
LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File "$work/collectd.log"
</Plugin>
LoadPlugin ctwatch
<Plugin ctwatch>
  Namespace "it" "/var/run/netns/$ns"
  NamespaceCensus true
  CensusInterval 1
  CensusBudget 100
</Plugin>
LoadPlugin write_prometheus
<Plugin write_prometheus>
  Host "127.0.0.1"
  Port "$port"
</Plugin>
EOF
  /usr/sbin/collectd -f -C "$work/collectd.conf" &
  pid=$!
  python3 "$src/tests/kernels/check.py" collectd "$port" it "$src/tests/e2e/expected.prom" "$proc_counters" 52 40
  rc=$?
  kill "$pid"
  wait "$pid"
  [ $rc -eq 0 ] || cat "$work/collectd.log"
  ip netns del "$ns"
  trap - EXIT
  return $rc
}
check collectd_contract collectd_contract

say "summary $passed $failed"
rm -rf "$work"
[ "$failed" -eq 0 ]
