#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# End-to-end test: ctwatch.so inside a real collectd 5.12, scraped through
# write_prometheus, against a throwaway network namespace with known traffic.
#
#   run.sh PLUGIN_SO [-k] [-u]
#     -k  keep the temporary directory (config, log, scrapes) and print it
#     -u  rewrite tests/e2e/expected.prom from this run's scrape (review the
#         diff before committing it!)
#
# Exit status: 0 pass, 1 fail, 77 skip (not root, no collectd, no
# write_prometheus libraries, no nf_conntrack, ...). With
# CTWATCH_REQUIRE_KERNEL=1 every skip is a failure instead, so a CI machine
# that is meant to run this test cannot silently skip it.
#
# What it touches: only a namespace it creates (ctwatch-e2e-<pid>); all
# traffic is on that namespace's loopback. It never changes a sysctl and
# never deletes a conntrack entry; the root namespace's table is only read.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE
readonly EXPECTED=$HERE/expected.prom
readonly TRAFFIC_PY=$HERE/traffic.py
readonly NS=ctwatch-e2e-$$
readonly NS_PATH=/var/run/netns/$NS
readonly NS_LABEL=e2e                 # the Namespace name in <Plugin ctwatch>
readonly HOST_LABEL=host              # ctwatch's label for collectd's own namespace
readonly COLLECTD_HOSTNAME=ctwatch-e2e
readonly COLLECTD_LIBDIR=${COLLECTD_LIBDIR:-/usr/lib/collectd}
readonly TYPES_DB=${TYPES_DB:-/usr/share/collectd/types.db}
readonly READY_TIMEOUT=20             # seconds to wait for both censuses
# What traffic.py leaves in the namespace (stable for minutes).
readonly N_ESTABLISHED=3 N_TIME_WAIT=1 N_UDP=2

PLUGIN_SO=""
KEEP=0
UPDATE=0
WORK=""
NS_CREATED=0
COLLECTD_PID=""
TRAFFIC_PID=""
FAILURES=0
PORT=""

log() { printf '%s\n' "$*"; }
# A check that failed: reported, counted, and the run goes on so one run
# shows every broken check.
fail() { printf 'FAIL: %s\n' "$*" >&2; FAILURES=$((FAILURES + 1)); }
pass() { printf 'ok:   %s\n' "$*"; }
# Setup that cannot go on.
die() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
# A missing prerequisite: skip, unless the caller insists the test must run.
skip() {
  if [[ ${CTWATCH_REQUIRE_KERNEL:-0} == 1 ]]; then
    printf 'FAIL: %s (CTWATCH_REQUIRE_KERNEL=1 forbids skipping)\n' "$*" >&2
    exit 1
  fi
  printf 'SKIP: %s\n' "$*"
  exit 77
}

usage() {
  printf 'usage: %s PLUGIN_SO [-k] [-u]\n' "$(basename "$0")" >&2
  exit 1
}

parse_args() {
  while (($#)); do
    case $1 in
      -k) KEEP=1 ;;
      -u) UPDATE=1 ;;
      -h|--help) usage ;;
      -*) printf 'unknown option %s\n' "$1" >&2; usage ;;
      *) [[ -z $PLUGIN_SO ]] || usage; PLUGIN_SO=$1 ;;
    esac
    shift
  done
  [[ -n $PLUGIN_SO ]] || usage
  # A missing plugin is a build problem, not a reason to skip.
  [[ -f $PLUGIN_SO ]] || die "plugin $PLUGIN_SO does not exist (build the ctwatch target first)"
}

check_prerequisites() {
  ((EUID == 0)) || skip "needs root (network namespaces, ctnetlink, setns)"
  export PATH=$PATH:/usr/sbin:/sbin
  command -v collectd >/dev/null || skip "collectd is not installed (Debian: collectd-core)"
  local p
  for p in logfile write_prometheus; do
    [[ -f $COLLECTD_LIBDIR/$p.so ]] || skip "$COLLECTD_LIBDIR/$p.so is missing (Debian: collectd-core)"
  done
  # collectd-core does not depend on write_prometheus's libraries; without
  # them the plugin fails to load and there is nothing to scrape.
  if ldd "$COLLECTD_LIBDIR/write_prometheus.so" | grep -q 'not found'; then
    skip "write_prometheus.so lacks libraries (Debian: libprotobuf-c1 libmicrohttpd12): $(
      ldd "$COLLECTD_LIBDIR/write_prometheus.so" | grep 'not found' | awk '{print $1}' | tr '\n' ' ')"
  fi
  [[ -f $TYPES_DB ]] || skip "$TYPES_DB is missing (Debian: collectd-core)"
  local tool pkg
  for tool in ip:iproute2 nft:nftables conntrack:conntrack curl:curl python3:python3 promtool:prometheus; do
    pkg=${tool#*:}; tool=${tool%%:*}
    command -v "$tool" >/dev/null || skip "$tool is not installed (Debian: $pkg)"
  done
}

# ---------------------------------------------------------------- cleanup --

stop_pid() {  # PID NAME: TERM, then KILL after 5 s; returns the exit status
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$2 (pid $pid) ignored SIGTERM for 5 s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  local rc=0
  wait "$pid" 2>/dev/null || rc=$?
  return "$rc"
}

cleanup() {
  local rc=$?
  set +e
  trap - EXIT
  [[ -n $COLLECTD_PID ]] && stop_pid "$COLLECTD_PID" collectd
  [[ -n $TRAFFIC_PID ]] && stop_pid "$TRAFFIC_PID" traffic.py
  # Deleting the name is enough: the processes inside are gone, so the
  # namespace and its conntrack table and nft rules go with it.
  ((NS_CREATED)) && ip netns del "$NS"
  if ((rc != 0 && rc != 77)) && [[ -n $WORK && -s $WORK/collectd.log ]]; then
    printf '\n----- collectd log (%s) -----\n' "$WORK/collectd.log" >&2
    cat "$WORK/collectd.log" >&2
    printf -- '----- end of collectd log -----\n' >&2
  fi
  if [[ -n $WORK ]]; then
    if ((KEEP)); then log "kept $WORK"; else rm -rf "$WORK"; fi
  fi
  exit "$rc"
}

# ------------------------------------------------------------------ setup --

# Conntrack is only instantiated in a namespace once a rule needs it, so a
# "ct state" rule on output (locally generated packets) and input is what
# makes the namespace's table exist and fill.
setup_namespace() {
  ip netns add "$NS" 2>"$WORK/netns.err" ||
    skip "cannot create a network namespace: $(cat "$WORK/netns.err")"
  NS_CREATED=1
  ip -n "$NS" link set lo up
  local hook
  ip netns exec "$NS" nft add table inet ctwatch_e2e
  for hook in output input; do
    ip netns exec "$NS" nft add chain inet ctwatch_e2e "$hook" "{ type filter hook $hook priority 0; }"
    ip netns exec "$NS" nft add rule inet ctwatch_e2e "$hook" ct state new counter
  done
  # nft autoloads nf_conntrack for the ct rule; without it there is nothing to test.
  [[ -r /proc/sys/net/netfilter/nf_conntrack_max ]] || skip "the kernel has no nf_conntrack"
}

start_traffic() {
  ip netns exec "$NS" python3 "$TRAFFIC_PY" --established "$N_ESTABLISHED" \
    --time-wait "$N_TIME_WAIT" --udp "$N_UDP" --ready "$WORK/traffic.ready" --lifetime 300 \
    >"$WORK/traffic.log" 2>&1 &
  TRAFFIC_PID=$!   # ip netns exec execs python3: this is python's pid
  local i
  for ((i = 0; i < 100; i++)); do
    [[ -e $WORK/traffic.ready ]] && return 0
    kill -0 "$TRAFFIC_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$WORK/traffic.log" >&2
  die "traffic.py did not set up its connections"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# collectd only loads regular files from PluginDir (a symlink is refused as
# "is not a regular file"), so the plugins are copied.
prepare_plugin_dir() {
  mkdir -p "$WORK/plugins" "$WORK/base"
  cp "$PLUGIN_SO" "$WORK/plugins/ctwatch.so"
  cp "$COLLECTD_LIBDIR/logfile.so" "$COLLECTD_LIBDIR/write_prometheus.so" "$WORK/plugins/"
}

write_config() {
  cat >"$WORK/collectd.conf" <<EOF
# Generated by tests/e2e/run.sh
Hostname "$COLLECTD_HOSTNAME"
FQDNLookup false
Interval 1
BaseDir "$WORK/base"
PIDFile "$WORK/collectd.pid"
PluginDir "$WORK/plugins"
TypesDB "$TYPES_DB"
AutoLoadPlugin false

# First, so that every later message goes to the file.
LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File "$WORK/collectd.log"
  Timestamp true
  PrintSeverity true
</Plugin>

LoadPlugin write_prometheus
<Plugin write_prometheus>
  Host "127.0.0.1"
  Port "$PORT"
</Plugin>

LoadPlugin ctwatch
<Plugin ctwatch>
  Census true
  # Long on purpose: the first census runs at once, and the entries are
  # stable, so one census per namespace is all the test needs.
  CensusInterval 30
  CensusBudget 1.0
  Namespace "$NS_LABEL" "$NS_PATH"
  NamespaceCensus true
  Source "auto"
  Timeout 2
</Plugin>
EOF
}

scrape() {  # OUT: one scrape of /metrics; fails if nothing answers
  curl -fsS --max-time 5 -o "$1" "http://127.0.0.1:$PORT/metrics"
}

# Starts collectd and waits until the first censuses of both namespaces are
# in the scrape (they are dispatched last in a read, after everything else).
# A port taken between free_port and collectd's bind is retried.
start_collectd() {
  local i
  for _ in 1 2 3; do
    PORT=$(free_port)
    write_config
    : >"$WORK/collectd.log"
    collectd -f -C "$WORK/collectd.conf" >"$WORK/collectd.stdout" 2>&1 &
    COLLECTD_PID=$!
    for ((i = 0; i < READY_TIMEOUT * 4; i++)); do
      sleep 0.25
      if ! kill -0 "$COLLECTD_PID" 2>/dev/null; then
        cat "$WORK/collectd.stdout" >&2
        local rc=0; wait "$COLLECTD_PID" || rc=$?; COLLECTD_PID=""
        die "collectd exited during startup with status $rc"
      fi
      if grep -q 'write_prometheus plugin: Opening a listening socket for .* failed' \
          "$WORK/collectd.log" 2>/dev/null; then
        log "port $PORT was taken; retrying with another one"
        stop_pid "$COLLECTD_PID" collectd || true
        COLLECTD_PID=""
        continue 2
      fi
      scrape "$WORK/poll.prom" 2>/dev/null || continue
      if census_seen "$HOST_LABEL" "$WORK/poll.prom" && census_seen "$NS_LABEL" "$WORK/poll.prom"; then
        log "collectd ready after $(((i + 1) * 250)) ms (port $PORT)"
        return 0
      fi
    done
    [[ -s $WORK/poll.prom ]] && { log "last scrape:"; cat "$WORK/poll.prom"; } >&2
    die "no census for both namespaces in the scrape after ${READY_TIMEOUT} s"
  done
  die "could not find a free port for write_prometheus"
}

census_seen() {  # LABEL FILE
  grep -E '^collectd_ctwatch_duration_seconds\{' "$2" | grep -F "ctwatch=\"$1\"" | grep -qF 'type="census"'
}

# SIGTERM, and collectd must run every shutdown callback and exit 0.
stop_collectd() {
  local rc=0
  stop_pid "$COLLECTD_PID" collectd || rc=$?
  COLLECTD_PID=""
  if ((rc == 0)); then pass "collectd exited 0 on SIGTERM"
  else fail "collectd exited with status $rc on SIGTERM"; fi
}

# ---------------------------------------------------------- normalization --

# Exposition text -> one line per ctwatch series, without values and
# timestamps, labels sorted by name, grouped by family under its TYPE line.
# HELP lines are dropped: they are write_prometheus's wording, not ours.
normalize() {  # FILE
  awk '
    function sorted_labels(s,    n, i, j, t, pair, out) {
      n = 0
      # name="value" pairs; values may contain escaped quotes.
      while (match(s, /^[A-Za-z_][A-Za-z0-9_]*="([^"\\]|\\.)*"/)) {
        pair[++n] = substr(s, 1, RLENGTH)
        s = substr(s, RLENGTH + 1)
        sub(/^,/, "", s)
      }
      if (s != "") pair[++n] = "UNPARSED:" s
      for (i = 2; i <= n; i++)
        for (j = i; j > 1 && pair[j - 1] > pair[j]; j--) { t = pair[j]; pair[j] = pair[j - 1]; pair[j - 1] = t }
      out = ""
      for (i = 1; i <= n; i++) out = out (i > 1 ? "," : "") pair[i]
      return out
    }
    /^# TYPE collectd_ctwatch_/ { print $3 "\t0\t" $0; next }
    /^collectd_ctwatch_/ {
      b = index($0, "{")
      if (b == 0) { print $1 "\t1\t" $1; next }
      name = substr($0, 1, b - 1)
      rest = substr($0, b + 1)
      e = index(rest, "} ")
      line = name "{" sorted_labels(substr(rest, 1, e - 1)) "}"
      # Top peers (TopPeers, default 5) name addresses and ports that vary
      # from run to run: compared by kind only, and only for the test
      # namespace (the host table may hold anything). check_top_peers checks
      # their values.
      if (name == "collectd_ctwatch_flow") {
        if (line ~ /ctwatch="host"/) next
        gsub(/type="src-[^"]*"/, "type=\"src-*\"", line)
        gsub(/type="dst-[^"]*"/, "type=\"dst-*\"", line)
      }
      print name "\t1\t" line
    }
  ' "$1" | LC_ALL=C sort -u -t "$(printf '\t')" -k1,1 -k2,2 -k3,3 | cut -f3
}

# Every entry traffic.py makes comes from 127.0.0.1 inside the namespace, so
# the top source there holds all of them.
check_top_peers() {  # RAW
  local src total
  src=$(value_of "$1" collectd_ctwatch_flow "$NS_LABEL" src-127.0.0.1)
  total=$(value_of "$1" collectd_ctwatch_conntrack "$NS_LABEL" entries)
  if num_eq "$src" "$total"; then
    pass "[$NS_LABEL] top source src-127.0.0.1 holds all $total entries"
  else
    fail "[$NS_LABEL] top source src-127.0.0.1 = '${src}', entries = '${total}'"
  fi
}

check_label_sets() {  # RAW
  normalize "$1" >"$WORK/actual.prom"
  if ((UPDATE)); then
    cp "$WORK/actual.prom" "$EXPECTED"
    log "updated $EXPECTED ($(grep -vc '^#' "$EXPECTED") series): review it against the contract"
    return 0
  fi
  if diff -u "$EXPECTED" "$WORK/actual.prom" >"$WORK/labels.diff"; then
    pass "families and label sets match $(basename "$EXPECTED") ($(grep -vc '^#' "$EXPECTED") series)"
  else
    cat "$WORK/labels.diff" >&2
    fail "families or label sets differ from $EXPECTED (diff above; -u rewrites it)"
  fi
}

# ----------------------------------------------------------------- values --

# Value of FAMILY{ctwatch=LABEL,type=TYPE} in a scrape; empty if absent.
value_of() {  # RAW FAMILY LABEL TYPE
  awk -v fam="$2" -v want1="ctwatch=\"$3\"" -v want2="type=\"$4\"" '
    index($0, fam "{") == 1 && index($0, want1) && index($0, want2) {
      v = $0; sub(/^[^}]*\} /, "", v); split(v, f, " "); print f[1]; exit
    }' "$1"
}

num_eq() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && b != "" && a + 0 == b + 0) }'; }
# |a - b| <= 1e-9 * max(|b|, 1e-9): a float printed by collectd vs one we compute.
num_close() {
  awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; if (m < 1e-9) m = 1e-9
                                  exit !(a != "" && b != "" && d <= 1e-9 * m) }'
}

expect_eq() {  # WHAT ACTUAL EXPECTED
  if num_eq "$2" "$3"; then pass "$1 = $3"; else fail "$1: ctwatch says '${2}', expected '${3}'"; fi
}

# `conntrack -L` counts by protocol and TCP state, for one namespace.
# Lines look like "tcp      6 431999 ESTABLISHED src=...": $1 protocol, $4 state.
conntrack_counts() {  # NETNS-EXEC-PREFIX...
  "$@" conntrack -L 2>/dev/null | awk '
    { proto[$1]++; if ($1 == "tcp") state[$4]++ }
    END { for (p in proto) print "proto", p, proto[p]; for (s in state) print "state", s, state[s] }'
}

count_of() {  # FILE KIND NAME -> count (0 if absent)
  awk -v k="$2" -v n="$3" '$1 == k && $2 == n { c = $3 } END { print c + 0 }' "$1"
}

# Kernel counters summed over CPUs, as `conntrack -S` prints them per CPU:
# "cpu=0 found=0 invalid=3 insert=0 ...".
conntrack_stats() {  # NETNS-EXEC-PREFIX...
  "$@" conntrack -S 2>/dev/null | awk '
    { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] != "cpu") sum[kv[1]] += kv[2] } }
    END { for (k in sum) print k, sum[k] }'
}

stat_of() { awk -v n="$2" '$1 == n { print $2 }' "$1"; }

# Values that are deterministic in this setup. Census values were taken at
# collectd's start; the namespace's entries have not changed since
# traffic.py became ready, so `conntrack -L` now must agree with them.
check_namespace_values() {  # RAW LABEL NETNS-EXEC-PREFIX...
  local raw=$1 label=$2; shift 2
  local -a in_ns=("$@")
  local entries max pct
  entries=$(value_of "$raw" collectd_ctwatch_conntrack "$label" entries)
  max=$(value_of "$raw" collectd_ctwatch_conntrack "$label" max)
  pct=$(value_of "$raw" collectd_ctwatch_percent "$label" used)

  expect_eq "[$label] conntrack max (nf_conntrack_max)" "$max" "$("${in_ns[@]}" cat /proc/sys/net/netfilter/nf_conntrack_max)"
  expect_eq "[$label] conntrack buckets (nf_conntrack_buckets)" \
    "$(value_of "$raw" collectd_ctwatch_conntrack "$label" buckets)" "$("${in_ns[@]}" cat /proc/sys/net/netfilter/nf_conntrack_buckets)"
  if num_close "$pct" "$(awk -v e="$entries" -v m="$max" 'BEGIN { printf "%.17g", 100 * e / m }')"; then
    pass "[$label] percent used = 100 * entries / max ($pct)"
  else
    fail "[$label] percent used is '$pct', but entries=$entries max=$max"
  fi

  local t f
  for t in tcp_timeout_time_wait tcp_timeout_established udp_timeout udp_timeout_stream; do
    f=/proc/sys/net/netfilter/nf_conntrack_$t
    expect_eq "[$label] duration $t ($f)" "$(value_of "$raw" collectd_ctwatch_duration_seconds "$label" "$t")" \
      "$("${in_ns[@]}" cat "$f")"
  done
  expect_eq "[$label] gauge tcp_tw_reuse (net.ipv4.tcp_tw_reuse)" \
    "$(value_of "$raw" collectd_ctwatch_gauge "$label" tcp_tw_reuse)" "$("${in_ns[@]}" cat /proc/sys/net/ipv4/tcp_tw_reuse)"

  local census
  census=$(value_of "$raw" collectd_ctwatch_duration_seconds "$label" census)
  if awk -v c="$census" 'BEGIN { exit !(c != "" && c >= 0 && c < 2) }'; then
    pass "[$label] census took ${census} s (< Timeout 2 s)"
  else
    fail "[$label] census duration '$census' is not in [0, 2) s"
  fi
}

# Kernel counters move while we look, so the exported total must lie
# between `conntrack -S` before the last read and `conntrack -S` after the
# scrape (equal when the counter did not move).
check_counters() {  # RAW-FILE BEFORE-STATS AFTER-STATS LABEL
  local raw=$1 before=$2 after=$3 label=$4 c fam v lo hi
  for c in drop early_drop insert_failed invalid error chaintoolong found insert search_restart clash_resolve; do
    case $c in found|insert|search_restart|clash_resolve) fam=collectd_ctwatch_operations_total ;;
               *) fam=collectd_ctwatch_errors_total ;; esac
    v=$(value_of "$raw" "$fam" "$label" "$c")
    lo=$(stat_of "$before" "$c"); hi=$(stat_of "$after" "$c")
    if [[ -z $lo || -z $hi ]]; then
      # conntrack -S does not show it: the kernel lacks it, so must ctwatch.
      if [[ -z $v ]]; then pass "[$label] $c absent, like in conntrack -S"
      else fail "[$label] $c = $v exported, but conntrack -S has no such counter"; fi
    elif awk -v v="$v" -v lo="$lo" -v hi="$hi" 'BEGIN { exit !(v != "" && v + 0 >= lo + 0 && v + 0 <= hi + 0) }'; then
      pass "[$label] $fam $c = $v (conntrack -S: $lo..$hi)"
    else
      fail "[$label] $fam $c = '$v', conntrack -S said $lo before and $hi after"
    fi
  done
}

check_census_e2e() {  # RAW
  local raw=$1 ns_exec=(ip netns exec "$NS")
  conntrack_counts "${ns_exec[@]}" >"$WORK/e2e.counts"
  local entries n_ct s p total=0 want
  entries=$(value_of "$raw" collectd_ctwatch_conntrack "$NS_LABEL" entries)
  n_ct=$("${ns_exec[@]}" conntrack -C)
  expect_eq "[$NS_LABEL] conntrack entries (conntrack -C)" "$entries" "$n_ct"
  want=$((N_ESTABLISHED + N_TIME_WAIT + N_UDP))
  # Guards against a namespace that is not the one ctwatch opened (both
  # would say 0) and against stray traffic making the test meaningless.
  [[ $n_ct == "$want" ]] || fail "[$NS_LABEL] conntrack -C says $n_ct, traffic.py made $want entries"

  for s in NONE SYN_SENT SYN_RECV ESTABLISHED FIN_WAIT CLOSE_WAIT LAST_ACK TIME_WAIT CLOSE SYN_SENT2; do
    expect_eq "[$NS_LABEL] tcp_connections $s (conntrack -L)" \
      "$(value_of "$raw" collectd_ctwatch_tcp_connections "$NS_LABEL" "$s")" "$(count_of "$WORK/e2e.counts" state "$s")"
  done
  for p in tcp udp icmp icmpv6 sctp dccp gre udplite; do
    expect_eq "[$NS_LABEL] current_connections $p (conntrack -L)" \
      "$(value_of "$raw" collectd_ctwatch_current_connections "$NS_LABEL" "$p")" "$(count_of "$WORK/e2e.counts" proto "$p")"
    total=$((total + $(count_of "$WORK/e2e.counts" proto "$p")))
  done
  expect_eq "[$NS_LABEL] current_connections other (conntrack -L)" \
    "$(value_of "$raw" collectd_ctwatch_current_connections "$NS_LABEL" other)" "$((n_ct - total))"
  # And the census agrees with traffic.py, not just with conntrack.
  expect_eq "[$NS_LABEL] ESTABLISHED = connections held open by traffic.py" \
    "$(value_of "$raw" collectd_ctwatch_tcp_connections "$NS_LABEL" ESTABLISHED)" "$N_ESTABLISHED"
}

# The scrape every check uses. It is taken more than 2 x Interval after the
# censuses: collectd (and so write_prometheus) drops a value not updated for
# 2 of its intervals, so the census series are still there only if ctwatch
# declared them with the census interval, as it must (no gaps between
# censuses). conntrack -S is read around it for the counter checks.
take_scrape() {  # RAW
  conntrack_stats >"$WORK/host.stats.before"
  conntrack_stats ip netns exec "$NS" >"$WORK/e2e.stats.before"
  sleep 3
  scrape "$1" || die "the scrape for the checks failed"
  conntrack_stats >"$WORK/host.stats.after"
  conntrack_stats ip netns exec "$NS" >"$WORK/e2e.stats.after"
}

check_values() {  # RAW
  local raw=$1
  check_namespace_values "$raw" "$NS_LABEL" ip netns exec "$NS"
  check_census_e2e "$raw"
  check_counters "$raw" "$WORK/e2e.stats.before" "$WORK/e2e.stats.after" "$NS_LABEL"
  # The host table is live (other engineers, the machine itself), so only
  # its tunables, its internal consistency and its monotone counters are
  # checked; `env` runs the same commands without entering a namespace.
  check_namespace_values "$raw" "$HOST_LABEL" env
  check_counters "$raw" "$WORK/host.stats.before" "$WORK/host.stats.after" "$HOST_LABEL"
}

# ------------------------------------------------------------- promtool --

# promtool lints the exposition format (exit 1: unparsable) and the naming
# conventions (exit 3: lint findings). A finding is accepted only if it is
# listed here with the reason; anything else fails.
#  * collectd_ctwatch_gauge: write_prometheus names a family
#    collectd_<plugin>_<collectd type>, and the contract puts tcp_tw_reuse in
#    types.db's generic "gauge" type, so the name ends in "gauge".
readonly PROMTOOL_ACCEPTED=(
  "collectd_ctwatch_gauge metric name should not include type 'gauge'"
)

check_promtool() {  # RAW
  local rc=0 line unexplained=0
  promtool check metrics <"$1" >"$WORK/promtool.out" 2>&1 || rc=$?
  if ((rc != 0 && rc != 3)); then
    cat "$WORK/promtool.out" >&2
    fail "promtool check metrics cannot parse the scrape (exit $rc, above)"
    return
  fi
  while IFS= read -r line; do
    [[ -n $line ]] || continue
    if printf '%s\n' "${PROMTOOL_ACCEPTED[@]}" | grep -qxF -- "$line"; then
      log "note: promtool (accepted, see run.sh): $line"
    else
      printf '%s\n' "$line" >&2
      unexplained=1
    fi
  done <"$WORK/promtool.out"
  if ((unexplained)); then
    fail "promtool check metrics has findings that are not explained in run.sh (above)"
  else
    pass "promtool check metrics: no unexplained findings (exit $rc)"
  fi
}

# ------------------------------------------------------------------ log ----

# ERROR lines that are not ctwatch's and say nothing about it. Each entry is
# a fixed string matched against the whole message (after the timestamp).
#  * libmicrohttpd >= 0.9.71 complains that collectd 5.12's write_prometheus
#    passes its options in an order it dislikes; it is logged at every start
#    of write_prometheus, with or without ctwatch.
readonly LOG_ERRORS_ACCEPTED=(
  "[error] write_prometheus plugin: MHD_OPTION_EXTERNAL_LOGGER is not the first option specified for the daemon. Some messages may be printed by the standard MHD logger."
)

check_log() {
  local logf=$WORK/collectd.log
  # collectd prints to stdout/stderr until logfile is configured.
  if grep -qi 'error' "$WORK/collectd.stdout"; then
    cat "$WORK/collectd.stdout" >&2
    fail "collectd printed errors before its log file was set up (above)"
  fi
  # logfile lines: "[2024-01-01 00:00:00] [info] ctwatch plugin: ...".
  sed -E 's/^\[[^]]*\] //' "$logf" >"$WORK/log.messages"
  grep -F '[error] ' "$WORK/log.messages" |
    grep -vxF -f <(printf '%s\n' "${LOG_ERRORS_ACCEPTED[@]}") >"$WORK/log.errors" || true
  if [[ -s $WORK/log.errors ]]; then
    cat "$WORK/log.errors" >&2
    fail "the collectd log has ERROR lines (above)"
  else
    pass "no ERROR lines in the collectd log (besides write_prometheus's known one)"
  fi
  # Every condition is reported once, not once per read. (Blank lines come
  # from messages that end in a newline, like libmicrohttpd's.)
  grep -v '^$' "$WORK/log.messages" | LC_ALL=C sort | uniq -cd >"$WORK/log.dups" || true
  if [[ -s $WORK/log.dups ]]; then
    cat "$WORK/log.dups" >&2
    fail "the collectd log repeats lines (count and line above)"
  else
    pass "no repeated line in the collectd log"
  fi
  local want
  for want in "ctwatch plugin: sampling namespace \"$HOST_LABEL\" over netlink" \
              "ctwatch plugin: sampling namespace \"$NS_LABEL\" ($NS_PATH) over netlink"; do
    if grep -qF "$want" "$logf"; then pass "log says: $want"
    else fail "the log lacks: $want"; fi
  done
}

main() {
  parse_args "$@"
  check_prerequisites
  WORK=$(mktemp -d /tmp/ctwatch-e2e.XXXXXX)
  trap cleanup EXIT
  trap 'exit 1' INT TERM HUP   # runs cleanup through the EXIT trap

  local t0=$SECONDS
  setup_namespace
  start_traffic
  prepare_plugin_dir
  start_collectd
  take_scrape "$WORK/scrape.prom"

  check_label_sets "$WORK/scrape.prom"
  check_values "$WORK/scrape.prom"
  check_top_peers "$WORK/scrape.prom"
  check_promtool "$WORK/scrape.prom"
  stop_collectd
  check_log

  if ((FAILURES)); then
    log "$FAILURES check(s) failed ($((SECONDS - t0)) s)" >&2
    exit 1
  fi
  log "PASS ($((SECONDS - t0)) s)"
}

main "$@"
