#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Fault injection with real collectd (issue "Performance and robustness").
#   run.sh PLUGIN_SO SPY_SO FILL_TOOL [scenario...]
# Scenarios (default: all):
#   get_only    every message ctwatch sends is a ctnetlink GET / GET_STATS / GET_STATS_CPU
#   no_answer   a netlink peer that never answers: each read lasts at most
#               Timeout (timed by the spy), one log line, and collectd keeps
#               reading its other plugins
#   no_cap      collectd without CAP_NET_ADMIN: /proc fallback, exactly one log line
#   netns_gone  a sampled namespace deleted while running: dropped with one line,
#               its root-side veth disappears within two intervals, collectd lives on
#   rss         10,000 reads: collectd's RSS stays flat
#   rss_census  a census with top peers in 7 namespaces on every read: RSS stays flat
#   valgrind    clean shutdown with no error or leak in ctwatch's code under valgrind
#   valgrind_selftest  the same check on ctwatch_leaky.so ($CTWATCH_LEAKY_PLUGIN,
#               a leak injected in the read path) must find the leak
#   cli_get_only  the `ctwatch` command (path in $CTWATCH_CLI) sends only GETs too
# Every scenario also fails when collectd does not exit 0 on SIGTERM (a crash
# or a hang at shutdown).
# Exit 0 pass, 1 fail, 77 skip (CTWATCH_REQUIRE_KERNEL=1 turns a skip into a failure).
# Only namespaces made here are filled; nothing global is changed.
set -euo pipefail
# log/pass/fail/die/skip, FAILURES, COLLECTD_LIBDIR, TYPES_DB, stack_free_port, ...
# shellcheck source=tests/stack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../stack/lib.sh"
plugin=${1:?usage: run.sh PLUGIN_SO SPY_SO FILL_TOOL [scenario...]}
spy=${2:?}
fill=${3:?}
shift 3
scenarios=("$@")
((${#scenarios[@]})) || scenarios=(get_only no_answer no_cap netns_gone many_ns rss rss_census valgrind valgrind_selftest)

[[ $(id -u) -eq 0 ]] || skip "needs root"
for t in collectd ip nft curl setpriv valgrind python3; do command -v "$t" >/dev/null || skip "$t missing"; done
[[ -f $COLLECTD_LIBDIR/write_prometheus.so ]] || skip "write_prometheus.so missing (collectd-core)"

work=$(mktemp -d /tmp/ctwatch-fault.XXXXXX)
namespaces=()
cleanup() {
  local rc=$?
  stack_stop_all
  for m in "$work"/nsdir/*; do umount "$m" 2>/dev/null || true; done
  for n in "${namespaces[@]}"; do ip netns del "$n" 2>/dev/null || true; done
  ip link del ctwf$$ 2>/dev/null || true
  if ((rc != 0 || FAILURES != 0)); then
    for l in "$work"/*.log; do [[ -f $l ]] && { echo "---- $l"; tail -40 "$l"; }; done
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

prepare_plugin_dir "$work" "$plugin" logfile write_prometheus load

make_ns() {  # make_ns NAME [FILL_ARG...]: a namespace with conntrack active and some entries
  local ns=$1
  shift
  ip netns add "$ns"
  namespaces+=("$ns")
  ip netns exec "$ns" ip link set lo up
  (($#)) || set -- tcp:TIME_WAIT=300 tcp:ESTABLISHED=50 udp=20
  ip netns exec "$ns" "$fill" --quiet "$@"
}

# write_conf NAME INTERVAL CTWATCH_BLOCK_LINES [PORT] [PLUGIN_DIR]
write_conf() {
  local name=$1 interval=$2 block=$3 port=${4:-} plugin_dir=${5:-$work/plugins}
  cat > "$work/$name.conf" <<CONF
Hostname "ctwatch-fault"
BaseDir "$work"
PIDFile "$work/$name.pid"
PluginDir "$plugin_dir"
TypesDB "$TYPES_DB"
Interval $interval
LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File "$work/$name.log"
  PrintSeverity true
</Plugin>
LoadPlugin load
LoadPlugin ctwatch
<Plugin ctwatch>
$block
</Plugin>
CONF
  if [[ -n $port ]]; then
    collectd_write_prometheus "$port" >> "$work/$name.conf"
  fi
}

start_collectd() {  # start_collectd NAME [prefix command...]; sets $cpid
  stack_collectd_spawn "$work/$1.conf" "$work/$1.out" "${@:2}"
  cpid=$STACK_COLLECTD_PID
}

stop_collectd() {  # stop_collectd SCENARIO [SECONDS]: SIGTERM; fails SCENARIO unless collectd exits 0
  local rc=0
  stack_collectd_stop "${2:-5}" || rc=$?
  ((rc == 0)) || fail "$1: collectd exited with status $rc on SIGTERM (crashed, or hung and was killed)"
}

count() {  # FILE PATTERN -> matching lines, 0 when the file does not exist yet
  local n
  n=$(grep -c -- "$2" "$1" 2>/dev/null) || true
  echo "${n:-0}"
}

scenario_get_only() {
  local ns=ctwatch-fault-get-$$ log=$work/spy-get.txt
  make_ns "$ns"
  write_conf get 0.5 "  CensusInterval 1
  CensusBudget 50
  Namespace \"f\" \"/var/run/netns/$ns\"
  NamespaceCensus true"
  start_collectd get env LD_PRELOAD="$spy" CTWATCH_SPY_LOG="$log"
  sleep 4
  stop_collectd get_only
  # ctnetlink subsystem 1: GET = 0x0101, GET_STATS_CPU = 0x0104, GET_STATS = 0x0105.
  local types
  types=$(awk '{print $1}' "$log" | sort | uniq -c | tr '\n' ' ')
  if awk '$1 != "0101" && $1 != "0104" && $1 != "0105" {bad=1} END {exit bad ? 0 : 1}' "$log"; then
    fail "get_only: a non-GET message was sent: $types"
  elif [[ $(count "$log" '^0101 ') -lt 2 || $(count "$log" '^0104 ') -lt 4 || $(count "$log" '^0105 ') -lt 4 ]]; then
    fail "get_only: expected dumps, stats and per-CPU stats for both namespaces, saw: $types"
  else
    pass "get_only: $(wc -l < "$log") messages, all GETs ($types)"
  fi
}

scenario_no_answer() {
  # ctwatch reads every 5 s with Timeout 0.5 (the load plugin every 1 s):
  # the README promises a read that gets no answer costs at most Timeout,
  # which "within the Interval" would not show.
  local port sends=$work/spy-noanswer.txt recvs=$work/spy-noanswer-recv.txt
  port=$(stack_free_port)
  write_conf noanswer 1 "  Timeout 0.5" "$port"
  sed -i 's|^LoadPlugin ctwatch$|<LoadPlugin ctwatch>\n  Interval 5\n</LoadPlugin>|' "$work/noanswer.conf"
  start_collectd noanswer env LD_PRELOAD="$spy" CTWATCH_SPY_BLACKHOLE=1 CTWATCH_SPY_LOG="$sends" \
    CTWATCH_SPY_RECV_LOG="$recvs"
  sleep 6
  local s1 s2
  s1=$(curl -sf "http://127.0.0.1:$port/metrics" | grep '^collectd_load_shortterm' | head -1 || true)
  sleep 3
  s2=$(curl -sf "http://127.0.0.1:$port/metrics" | grep '^collectd_load_shortterm' | head -1 || true)
  local ctw scrape
  scrape=$(curl -sf "http://127.0.0.1:$port/metrics" || true)
  # No kernel value may be made up; only the self-health values go out.
  ctw=$(grep '^collectd_ctwatch' <<<"$scrape" | grep -cv -e 'type="read_failures"' -e 'type="source_netlink"' \
    -e 'type="namespaces_' -e 'type="censuses_deferred"' -e 'type="census_age"' || true)
  sleep 3
  stop_collectd no_answer
  # Reads are the bursts of requests and receives (5 s apart); each lasts
  # from its first request to its last receive, which returns when
  # SO_RCVTIMEO runs out. 0.25 s of margin for a loaded machine; a read that
  # waits Timeout twice (0.5 s per request) takes 1 s.
  local reads
  reads=$(python3 - "$sends" "$recvs" <<'PY'
import sys
ev = [(float(l.split()[2]), 's') for l in open(sys.argv[1])] + [(float(l.split()[1]), 'r') for l in open(sys.argv[2])]
ev.sort()
bursts = []
for t, k in ev:
    if not bursts or t - bursts[-1][-1][0] > 2.0: bursts.append([])
    bursts[-1].append((t, k))
print(" ".join(f"{b[-1][0] - b[0][0]:.3f}" for b in bursts if b[0][1] == 's' and b[-1][1] == 'r'))
PY
) || reads=""
  local longest
  longest=$(tr ' ' '\n' <<<"$reads" | sort -n | tail -1)
  local log=$work/noanswer.log
  if [[ -z $s1 || "$s1" == "$s2" ]]; then
    fail "no_answer: the load plugin stopped being read ('$s1' then '$s2')"
  elif [[ $(count "$log" 'no answer within Timeout') -ne 1 ]]; then
    fail "no_answer: expected exactly one 'no answer within Timeout' line, got $(count "$log" 'no answer within Timeout')"
  elif grep -q 'read-function of the .ctwatch. plugin took' "$log"; then
    fail "no_answer: a ctwatch read overran its interval"
  elif ((ctw != 0)); then
    fail "no_answer: $ctw ctwatch values dispatched although the kernel never answered: $(grep '^collectd_ctwatch' <<<"$scrape" | tr '\n' ' ')"
  elif ! grep -q '^collectd_ctwatch_gauge{ctwatch="host",type="namespaces_unsampled",instance="ctwatch-fault"} 1 ' <<<"$scrape"; then
    fail "no_answer: namespaces_unsampled is not 1: $(grep -e namespaces_ <<<"$scrape" | tr '\n' ' ')"
  elif ! grep -Eq '^collectd_ctwatch_derive_total\{ctwatch="host",type="read_failures",instance="ctwatch-fault"\} [1-9]' <<<"$scrape"; then
    fail "no_answer: read_failures did not count the failed reads: $(grep read_failures <<<"$scrape")"
  elif (($(wc -w <<<"$reads") < 2)); then
    fail "no_answer: expected at least 2 timed reads (request, then a receive that timed out), got '$reads'"
  elif python3 -c 'import sys; sys.exit(float(sys.argv[1]) <= 0.75)' "$longest"; then
    fail "no_answer: a read took ${longest} s, more than Timeout 0.5 s (+0.25 s margin); reads: $reads s"
  else
    pass "no_answer: reads took $reads s (Timeout 0.5), load kept updating, one log line; namespaces_unsampled 1, read_failures $(grep -o 'type="read_failures",[^}]*} [0-9]*' <<<"$scrape" | awk '{print $2}')"
  fi
}

scenario_no_cap() {
  local port
  port=$(stack_free_port)
  write_conf nocap 0.5 "  Source \"auto\"" "$port"
  start_collectd nocap setpriv --inh-caps=-net_admin --bounding-set=-net_admin
  sleep 4
  local entries
  entries=$(curl -sf "http://127.0.0.1:$port/metrics" | grep -c '^collectd_ctwatch_conntrack{.*type="entries"' || true)
  local census scrape
  census=$(curl -sf "http://127.0.0.1:$port/metrics" | grep -c '^collectd_ctwatch_tcp_connections' || true)
  # The metrics say so: source /proc, no census ever (+Inf: the stale-census
  # alert's input).
  scrape=$(curl -sf "http://127.0.0.1:$port/metrics" || true)
  stop_collectd no_cap
  local log=$work/nocap.log
  if [[ $(count "$log" 'falling back to /proc') -ne 1 ]]; then
    fail "no_cap: expected one fallback line, got $(count "$log" 'falling back to /proc')"
  elif ! grep -q 'Operation not permitted' "$log"; then
    fail "no_cap: the fallback line does not name EPERM"
  elif ((entries != 1 || census != 0)); then
    fail "no_cap: expected entries from /proc and no census, got entries=$entries census=$census"
  elif ! grep -Eq '^collectd_ctwatch_gauge\{ctwatch="host",type="source_netlink",instance="[^"]*"\} 0 ' <<<"$scrape"; then
    fail "no_cap: source_netlink is not 0: $(grep source_netlink <<<"$scrape")"
  elif ! grep -Eq '^collectd_ctwatch_duration_seconds\{ctwatch="host",type="census_age",instance="[^"]*"\} inf ' <<<"$scrape"; then
    fail "no_cap: census_age is not +Inf: $(grep census_age <<<"$scrape")"
  elif [[ $(grep -c 'ctwatch' "$log") -gt 3 ]]; then
    fail "no_cap: too many ctwatch log lines: $(grep ctwatch "$log")"
  else
    pass "no_cap: /proc fallback, source_netlink 0, census_age +Inf, one line: $(grep -o 'ctnetlink refused.*' "$log" | cut -c1-80)..."
  fi
}

# A Kubernetes node's worth of namespaces under Debian collectd's soft limit
# of 1024 open files: every namespace is exported, ctwatch holds about one
# descriptor per namespace, write_prometheus keeps serving; half of them
# deleted: their descriptors go (nothing pinned), the rest stay sampled.
# Then MaxNamespaces below the count: one WARNING, exactly that many sampled.
scenario_many_ns() {
  local n=${CTWATCH_FAULT_NAMESPACES:-300} dir=$work/nsdir port i ns
  mkdir -p "$dir"
  for ((i = 0; i < n; i++)); do
    ns=ctwf-many-$$-$i
    ip netns add "$ns"
    namespaces+=("$ns")
    touch "$dir/n$i"
    mount --bind "/var/run/netns/$ns" "$dir/n$i"
  done
  port=$(stack_free_port)
  write_conf many 1 "  NamespaceDir \"$dir\"" "$port"
  local fd0
  start_collectd many prlimit --nofile=1024:
  local t0=$SECONDS labels=0
  while ((SECONDS - t0 < 30)); do
    labels=$(curl -s "http://127.0.0.1:$port/metrics" | grep -c '^collectd_ctwatch_conntrack{ctwatch="n[0-9]*",type="entries"' || true)
    ((labels >= n)) && break
    sleep 0.5
  done
  sleep 2
  fd0=$(ls "/proc/$cpid/fd" | wc -l)
  local health
  health=$(curl -s "http://127.0.0.1:$port/metrics" | grep -o 'type="namespaces_[a-z]*",[^}]*} [0-9]*' | awk '{print $2}' | tr '\n' ' ')
  local served=0
  for i in 1 2 3; do curl -sf "http://127.0.0.1:$port/metrics" >/dev/null && served=$((served + 1)); sleep 0.3; done
  # Half of them go.
  for ((i = 0; i < n / 2; i++)); do
    umount "$dir/n$i" && rm -f "$dir/n$i"
    ip netns del "ctwf-many-$$-$i"
  done
  sleep 3
  local fd1 left
  fd1=$(ls "/proc/$cpid/fd" | wc -l)
  left=$(curl -s "http://127.0.0.1:$port/metrics" | grep -c '^collectd_ctwatch_conntrack{ctwatch="n[0-9]*",type="entries"' || true)
  stop_collectd many_ns
  log "many_ns: $labels of $n namespaces exported; collectd held $fd0 descriptors with $n, $fd1 after deleting $((n / 2))"
  if ((labels != n)); then
    fail "many_ns: only $labels of $n namespaces exported under a soft limit of 1024"
  elif [[ $health != "$((n + 1)) 0 " ]]; then
    fail "many_ns: namespaces_sampled, namespaces_unsampled = '$health', want '$((n + 1)) 0'"
  elif ((fd0 > n + 64)); then
    fail "many_ns: collectd holds $fd0 descriptors for $n namespaces: more than one per namespace plus 64"
  elif ((served != 3)); then
    fail "many_ns: write_prometheus stopped serving ($served of 3 scrapes)"
  elif ((fd0 - fd1 < n / 2 - 2)); then
    fail "many_ns: deleting $((n / 2)) namespaces released only $((fd0 - fd1)) descriptors: namespaces pinned"
  elif (($(count "$work/many.log" 'namespace "n[0-9]*"') > 0)); then
    fail "many_ns: ctwatch logged namespaces one by one: $(grep -m3 'namespace "n[0-9]*"' "$work/many.log")"
  elif (($(count "$work/many.log" 'NamespaceDir .*: sampling') != 1)); then
    fail "many_ns: expected one NamespaceDir summary for the $n namespaces found at start"
  elif [[ $(count "$work/many.log" 'not sampled') -ne 0 || $(count "$work/many.log" 'Too many open files') -ne 0 ]]; then
    fail "many_ns: a limit was hit with $n namespaces: $(grep -m1 -e 'not sampled' -e 'Too many' "$work/many.log")"
  else
    pass "many_ns: $n namespaces under ulimit -n 1024 (namespaces_sampled, _unsampled: $health), $fd0 descriptors (then $fd1), write_prometheus serving; $(count "$work/many.log" 'ctwatch plugin') ctwatch log lines, one per read that changed something: $(grep -m1 'NamespaceDir' "$work/many.log" | sed 's/.*ctwatch plugin: //')"
  fi
  # The limit: MaxNamespaces 100 over the $((n - n / 2)) left.
  port=$(stack_free_port)
  write_conf limit 1 "  NamespaceDir \"$dir\"
  MaxNamespaces 100" "$port"
  start_collectd limit prlimit --nofile=1024:
  sleep 4
  local sampled warnings
  local scrape
  scrape=$(curl -s "http://127.0.0.1:$port/metrics")
  sampled=$(grep -c '^collectd_ctwatch_conntrack{ctwatch="n[0-9]*",type="entries"' <<<"$scrape" || true)
  health=$(grep -o 'type="namespaces_[a-z]*",[^}]*} [0-9]*' <<<"$scrape" | awk '{print $2}' | tr '\n' ' ')
  warnings=$(count "$work/limit.log" 'not sampled')
  stop_collectd many_ns
  if ((sampled != 100)); then
    fail "many_ns: MaxNamespaces 100 sampled $sampled namespaces"
  elif ((warnings != 1)); then
    fail "many_ns: expected one 'not sampled' WARNING in 4 reads, got $warnings"
  elif [[ $health != "101 $((n - n / 2 - 100)) " ]]; then
    fail "many_ns: MaxNamespaces 100: namespaces_sampled, namespaces_unsampled = '$health', want '101 $((n - n / 2 - 100))'"
  else
    pass "many_ns: MaxNamespaces 100: 100 sampled (namespaces_sampled, _unsampled: $health), one WARNING: $(grep -m1 'not sampled' "$work/limit.log" | sed 's/.*ctwatch plugin: //')"
  fi
  for ((i = n / 2; i < n; i++)); do umount "$dir/n$i" 2>/dev/null || true; done
}

scenario_netns_gone() {
  local ns=ctwatch-fault-gone-$$ veth=ctwf$$
  make_ns "$ns"
  ip link add "$veth" type veth peer name "${veth}p" netns "$ns"
  write_conf gone 0.5 "  Namespace \"gone\" \"/var/run/netns/$ns\"
  NamespaceCensus true
  CensusInterval 1
  CensusBudget 50"
  start_collectd gone
  sleep 2
  ip netns del "$ns"
  local t0=$SECONDS gone=0
  for _ in $(seq 20); do
    ip link show "$veth" >/dev/null 2>&1 || { gone=1; break; }
    sleep 0.1
  done
  local waited=$((SECONDS - t0))
  sleep 1
  local alive=0
  kill -0 "$cpid" 2>/dev/null && alive=1
  stop_collectd netns_gone
  local log=$work/gone.log
  if ((gone == 0)); then
    fail "netns_gone: root-side veth still present 2 s (4 intervals) after ip netns del: the namespace is pinned"
    ip link del "$veth" 2>/dev/null || true
  elif ((alive == 0)); then
    fail "netns_gone: collectd died"
  elif [[ $(count "$log" 'is gone') -ne 1 ]]; then
    fail "netns_gone: expected one 'is gone' line, got $(count "$log" 'is gone')"
  elif [[ $(count "$log" '"gone"') -gt 3 ]]; then
    fail "netns_gone: the vanished namespace keeps being logged: $(grep '"gone"' "$log")"
  else
    pass "netns_gone: veth gone within ${waited}s, one INFO line, collectd alive"
  fi
}

rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

scenario_rss() {
  local ns=ctwatch-fault-rss-$$ log=$work/spy-rss.txt port
  make_ns "$ns"
  port=$(stack_free_port)
  # With a writer loaded: without one collectd logs every dispatch, and that
  # churn, not ctwatch, is what its RSS would show.
  write_conf rss 0.004 "  Namespace \"rss\" \"/var/run/netns/$ns\"
  NamespaceCensus true
  CensusInterval 1
  CensusBudget 20" "$port"
  start_collectd rss env LD_PRELOAD="$spy" CTWATCH_SPY_LOG="$log"
  # Reads of the host namespace = GET_STATS requests / 2 (host + rss).
  # GET_STATS_CPU (0x0104): only collectd's read sends it (the fast sampler
  # sends GET_STATS every StatsInterval too).
  reads() { echo $(( $(count "$log" '^0104 ') / 2 )); }
  local r1="" k1=""
  for _ in $(seq 300); do
    # After a warm-up of 5,000 reads: glibc gives each of collectd's read
    # threads its own malloc arena, and those settle in the first thousands
    # of reads whatever the plugin does.
    if (( $(reads) >= 5000 )); then r1=$(reads); k1=$(rss_kib "$cpid"); break; fi
    sleep 0.2
  done
  local r2="" k2=""
  for _ in $(seq 600); do
    if (( $(reads) >= 10000 )); then r2=$(reads); k2=$(rss_kib "$cpid"); break; fi
    sleep 0.2
  done
  stop_collectd rss
  if [[ -z $r1 || -z $r2 ]]; then
    fail "rss: collectd did not reach 10,000 reads (got $(reads))"
  # 512 KiB over 5,000 reads: a leak of ~100 bytes per read fails this (the
  # valgrind scenario finds smaller ones); less would trip over glibc arena
  # noise on a loaded machine (seen: +72 KiB quiet, +184 KiB loaded).
  elif ((k2 > k1 + 512)); then
    fail "rss: grew from $k1 KiB at $r1 reads to $k2 KiB at $r2 reads"
  else
    pass "rss: $k1 KiB at $r1 reads, $k2 KiB at $r2 reads"
  fi
}

scenario_rss_census() {
  # Census and top peers on every read (Interval 1 = CensusInterval 1) of 7
  # tables: the host and 6 namespaces of 2,000 entries from 500 sources each.
  local log=$work/spy-rssc.txt port i block="  CensusInterval 1
  CensusBudget 100
  NamespaceCensus true
  TopPeers 20"
  for i in 1 2 3 4 5 6; do
    make_ns "ctwatch-fault-rc$i-$$" --src-count 500 --base-src "10.$i.0.1" \
      tcp:TIME_WAIT=1500 tcp:ESTABLISHED=300 "udp=200@10.$i.200.1:53"
    block+="
  Namespace \"rc$i\" \"/var/run/netns/ctwatch-fault-rc$i-$$\""
  done
  port=$(stack_free_port)
  write_conf rssc 1 "$block" "$port"
  start_collectd rssc env LD_PRELOAD="$spy" CTWATCH_SPY_LOG="$log"
  reads() { echo $(( $(count "$log" '^0104 ') / 7 )); }  # GET_STATS_CPU: reads only
  local r1="" k1="" r2="" k2="" d1 d2
  for _ in $(seq 300); do
    # A warm-up of 10 reads lets the malloc arenas settle (see rss).
    if (( $(reads) >= 10 )); then r1=$(reads); k1=$(rss_kib "$cpid"); d1=$(count "$log" '^0101 '); break; fi
    sleep 0.2
  done
  for _ in $(seq 400); do
    if (( $(reads) >= 50 )); then r2=$(reads); k2=$(rss_kib "$cpid"); d2=$(count "$log" '^0101 '); break; fi
    sleep 0.2
  done
  stop_collectd rss_census
  if [[ -z $r1 || -z $r2 ]]; then
    fail "rss_census: collectd did not reach 50 reads (got $(reads))"
  # Dumps (censuses) per read over the window: 7 when every read censuses.
  elif (( (d2 - d1) * 10 < (r2 - r1) * 7 * 9 )); then
    fail "rss_census: only $((d2 - d1)) censuses in $((r2 - r1)) reads of 7 tables: not a census on every read"
  # 512 KiB over 280 censuses of 2,000 entries: about 1 byte per entry
  # walked, or 1.8 KiB per census (smaller constant leaks: valgrind).
  elif ((k2 > k1 + 512)); then
    fail "rss_census: grew from $k1 KiB at $r1 reads to $k2 KiB at $r2 reads ($((d2 - d1)) censuses)"
  else
    pass "rss_census: $k1 KiB at $r1 reads, $k2 KiB at $r2 reads, $((d2 - d1)) censuses in between"
  fi
}

# valgrind_run NAME PLUGIN_DIR: collectd with PLUGIN_DIR/ctwatch.so under
# valgrind for 12 s (CensusInterval 1: the census and top-peer paths run on
# several reads), then SIGTERM. Sets vg_reads (reads seen) and vg_ours (error
# and leak records whose stack goes through ctwatch's code).
valgrind_run() {
  local name=$1 ns=ctwatch-fault-$1-$$
  make_ns "$ns"
  write_conf "$name" 0.5 "  Namespace \"vg\" \"/var/run/netns/$ns\"
  NamespaceCensus true
  CensusInterval 1
  CensusBudget 50" "" "$2"
  # --fullpath-after= prints whole source paths, so frames can be told apart
  # by directory (plugin/...), not just by a file name.
  start_collectd "$name" valgrind --leak-check=full --show-leak-kinds=definite,indirect --num-callers=40 \
    --fullpath-after= --log-file="$work/$name.valgrind" --trace-children=no
  sleep 12
  stop_collectd "$name" 60
  vg_reads=$(count "$work/$name.log" 'sampling namespace')
  # Ours: a frame in namespace ctwatch, in a source file under plugin/, or,
  # for a build without debug info, in the .so. RelWithDebInfo frames print
  # `func (file.cpp:NN)`, never the library's name.
  vg_ours=$(python3 - "$work/$name.valgrind" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
blocks = re.split(r'\n==\d+== \n', text)
kinds = ('definitely lost', 'indirectly lost', 'Invalid', 'uninitialised', 'Mismatched', 'overlap', 'free(')
ours = re.compile(r'\bctwatch::|/plugin/(core|source|collectd)/[^/ ]+\.[ch]pp:\d+|\(in [^)]*/ctwatch[^/)]*\.so\)')
bad = [b for b in blocks if ours.search(b) and any(k in b for k in kinds)]
print(len(bad))
for b in bad[:3]: print(b, file=sys.stderr)
PY
)
}

scenario_valgrind() {
  valgrind_run vg "$work/plugins"
  if ! grep -q 'ERROR SUMMARY' "$work/vg.valgrind"; then
    fail "valgrind: no summary (collectd did not shut down cleanly?)"
  elif ((vg_reads < 2)); then
    fail "valgrind: ctwatch never read under valgrind"
  elif ((vg_ours != 0)); then
    fail "valgrind: $vg_ours error/leak records in ctwatch's code"
  else
    pass "valgrind: clean shutdown, no error or leak in ctwatch's code ($(grep -o 'definitely lost: [0-9,]* bytes' "$work/vg.valgrind" | head -1) overall)"
  fi
}

# The check above must be able to fail: ctwatch_leaky.so is the same plugin
# with a 256-byte leak per dispatched value (tests/fault/leak_inject.c).
scenario_valgrind_selftest() {
  local leaky=${CTWATCH_LEAKY_PLUGIN:-}
  [[ -f $leaky ]] || { fail "valgrind_selftest: CTWATCH_LEAKY_PLUGIN does not name ctwatch_leaky.so"; return; }
  mkdir -p "$work/leaky"
  cp "$work/plugins/"*.so "$work/leaky/"
  cp "$leaky" "$work/leaky/ctwatch.so"
  valgrind_run vgleak "$work/leaky"
  if ((vg_reads < 2)); then
    fail "valgrind_selftest: ctwatch_leaky never read under valgrind"
  elif ((vg_ours == 0)); then
    fail "valgrind_selftest: the leak check missed the leak injected into ctwatch's read path"
  else
    pass "valgrind_selftest: the injected leak was caught ($vg_ours records in ctwatch's code)"
  fi
}

scenario_cli_get_only() {
  local cli=${CTWATCH_CLI:-} ns=ctwatch-fault-cli-$$ log=$work/spy-cli.txt
  [[ -x $cli ]] || { fail "cli_get_only: CTWATCH_CLI does not name the ctwatch command"; return; }
  make_ns "$ns"
  if ! env LD_PRELOAD="$spy" CTWATCH_SPY_LOG="$log" "$cli" --netns "$ns" --interval 1 --json > "$work/cli.json"; then
    fail "cli_get_only: ctwatch --netns $ns failed"
    return
  fi
  local types
  types=$(awk '{print $1}' "$log" | sort | uniq -c | tr '\n' ' ')
  if awk '$1 != "0101" && $1 != "0104" && $1 != "0105" {bad=1} END {exit bad ? 0 : 1}' "$log"; then
    fail "cli_get_only: a non-GET message was sent: $types"
  elif [[ $(count "$log" '^0101 ') -lt 1 || $(count "$log" '^0105 ') -lt 2 ]]; then
    fail "cli_get_only: expected a dump and two stats reads, saw: $types"
  else
    pass "cli_get_only: $(wc -l < "$log") messages, all GETs ($types)"
  fi
}

for s in "${scenarios[@]}"; do
  "scenario_$s"
done
echo "fault: $(( ${#scenarios[@]} - FAILURES )) passed, $FAILURES failed"
((FAILURES == 0))
