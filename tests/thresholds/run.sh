#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The collectd threshold snippet (rules/collectd/ctwatch-thresholds.conf) in a
# real collectd 5.12, against a throwaway network namespace whose conntrack
# table really crosses the thresholds.
#
#   run.sh PLUGIN_SO FILL_TOOL [-k]
#     PLUGIN_SO  the built ctwatch.so
#     FILL_TOOL  the built ctwatch-fill (tools/ctwatch-fill)
#     -k         keep the temporary directory (config, log) and print it
#
#   CTWATCH_THRESHOLDS=FILE  test FILE instead of the shipped snippet (to see
#                            the test fail on a broken copy; see README.md)
#
# Exit status: 0 pass, 1 fail, 77 skip (not root, no collectd, no ip/nft/
# conntrack, no namespaces, nf_conntrack_max not writable, ...). With
# CTWATCH_REQUIRE_KERNEL=1 every skip is a failure instead.
#
# What it touches:
#   * a namespace it creates (ctwatch-thr-<pid>): conntrack entries made there
#     by FILL_TOOL, UDP packets on that namespace's loopback, and a flush of
#     that namespace's table (conntrack -F inside it). The root namespace's
#     table is only read (nf_conntrack_count).
#   * the GLOBAL sysctl /proc/sys/net/netfilter/nf_conntrack_max: lowered (to
#     2000, or 3 x the root namespace's count if that is larger) for about
#     22 s, and restored on every exit path (EXIT, INT, TERM, HUP). The
#     limit is compared with each namespace's own count, so the host is only
#     affected if it would grow past the lowered limit meanwhile. Because the
#     value is global, the ctest registration holds RESOURCE_LOCK
#     nf_conntrack_max, like tests/integration's kernel_drop: two tests
#     lowering and restoring it at the same time would restore each other's
#     lowered value.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HERE
# log/pass/fail/die/skip, FAILURES, COLLECTD_LIBDIR, TYPES_DB, stack_sysctl_set, ...
# shellcheck source=tests/stack/lib.sh
source "$HERE/../stack/lib.sh"
readonly SNIPPET=${CTWATCH_THRESHOLDS:-$HERE/../../rules/collectd/ctwatch-thresholds.conf}
readonly NS=ctwatch-thr-$$
readonly NS_PATH=/var/run/netns/$NS
readonly NS_LABEL=thr                 # the Namespace name in <Plugin ctwatch>
readonly HOST_LABEL=host              # ctwatch's label for collectd's own namespace
readonly COLLECTD_HOSTNAME=ctwatch-thr
readonly SYSCTL_MAX=/proc/sys/net/netfilter/nf_conntrack_max
readonly SYSCTL_COUNT=/proc/sys/net/netfilter/nf_conntrack_count
# Latency windows (seconds from a crossing to its notification), at Interval 1:
#  * Hits 5 (percent/used): collectd 5.12 notifies with the 7th out-of-range
#    value in a row (its hit counter runs 0..6), so a WARNING comes 6-7 s
#    after the crossing; the FAILURE after it 5-7 s (the counter is not reset
#    between WARNING and FAILURE). Earlier than HITS_MIN means Hits is not in
#    effect.
#  * no Hits (errors/drop, any OKAY): the next read or the one after.
#  * missing: Timeout (2) intervals after the last value, which may have come
#    up to 1 s before the namespace went.
readonly HITS_MIN=4 HITS_MAX=15
readonly NOW_MAX=5
readonly RECOVERY_MAX=12
readonly MISSING_MIN=0 MISSING_MAX=10
# How long a FAILURE is held (from its notification) to show that it is not
# repeated: with Persist true, Hits 5 would repeat it with the 7th value.
readonly HOLD=8.5
readonly STARTUP_MAX=15
# nf_conntrack_max below this at the start is taken for another test's
# lowered value (the kernel default is in the tens of thousands at least).
readonly LOWERED_BY_OTHERS_BELOW=16384

PLUGIN_SO=""
FILL_TOOL=""
KEEP=0
WORK=""
NS_CREATED=0
SENDER_PID=""
LIMIT=""                              # our lowered nf_conntrack_max
T0=""                                 # epoch seconds (float) of the script start
CURSOR=0                              # notifications consumed so far
LAST_SEEN=""                          # when await last saw an expected notification
TIMELINE=()

now() { date +%s.%N; }
# Seconds since T0 (or since $2), with one decimal.
elapsed() { awk -v a="$1" -v b="${2:-$T0}" 'BEGIN { printf "%.1f", a - b }'; }

parse_args() {
  stack_args "PLUGIN_SO FILL_TOOL" "$@"
  # Missing build outputs are a build problem, not a reason to skip.
  [[ -f $PLUGIN_SO ]] || die "plugin $PLUGIN_SO does not exist (build the ctwatch target first)"
  [[ -f $FILL_TOOL && -x $FILL_TOOL ]] || die "$FILL_TOOL is not an executable file (build the ctwatch-fill target first)"
  # ip netns exec and the later cd-free calls need absolute paths.
  PLUGIN_SO=$(realpath "$PLUGIN_SO")
  FILL_TOOL=$(realpath "$FILL_TOOL")
  [[ -f $SNIPPET ]] || die "threshold snippet $SNIPPET does not exist"
}

check_prerequisites() {
  ((EUID == 0)) || skip "needs root (network namespaces, ctnetlink, nf_conntrack_max)"
  require_collectd logfile threshold
  require_tools ip:iproute2 nft:nftables conntrack:conntrack
}

# ---------------------------------------------------------------- cleanup --

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM HUP
  stack_sysctl_restore || rc=1         # first: the only global change
  stack_stop_all                       # collectd
  [[ -n $SENDER_PID ]] && stack_stop_pid "$SENDER_PID" "udp sender"
  # Deleting the name is enough: nothing runs inside any more, so the
  # namespace goes, and with it its conntrack table and nft rules.
  ((NS_CREATED)) && ip netns del "$NS"
  if ((rc != 0 && rc != 77)) && [[ -n $WORK ]]; then
    [[ -s $WORK/collectd.log ]] && dump_file "$WORK/collectd.log" "collectd log"
    [[ -s $WORK/collectd.stdout ]] && { printf -- '----- collectd stdout/stderr -----\n'; cat "$WORK/collectd.stdout"; } >&2
    if [[ -s $WORK/collectd.log ]]; then
      parse_notifications >"$WORK/notifications.tsv"
      printf -- '----- notifications (severity host plugin plugin_instance type type_instance message) -----\n' >&2
      cat "$WORK/notifications.tsv" >&2
      printf -- '----- end of notifications -----\n' >&2
    fi
  fi
  if [[ -n $WORK ]]; then
    if ((KEEP)); then log "kept $WORK"; else rm -rf "$WORK"; fi
  fi
  exit "$rc"
}

# ------------------------------------------------------------------ setup --

setup_namespace() {
  # A "ct state" rule makes sure conntrack is instantiated in the namespace
  # (built-in conntrack has a table anyway; a modular one may need the rule).
  setup_test_netns "$NS" ctwatch_thr "$WORK/netns.err"
  [[ -r $SYSCTL_MAX ]] || skip "the kernel has no nf_conntrack"
  [[ -w $SYSCTL_MAX ]] || skip "$SYSCTL_MAX is not writable here (not the initial network namespace?)"
}

# The notification sink is the logfile plugin: it registers a notification
# callback that writes "Notification: severity = S, host = H, plugin = P,
# plugin_instance = PI, type = T, type_instance = TI, message = M" lines
# into the same file as the log, in the order collectd dispatches them.
# (exec's NotificationExec works too, as "nobody", but forks one process per
# notification, so concurrent notifications can land out of order or
# interleaved in a file.)
write_config() {
  {
    printf '# Generated by tests/thresholds/run.sh\n'
    collectd_conf_head "$WORK" "$COLLECTD_HOSTNAME"
    cat <<EOF

LoadPlugin ctwatch
<Plugin ctwatch>
  Census false
  Namespace "$NS_LABEL" "$NS_PATH"
  # The snippet's notifications alone: ctwatch's own page notifications
  # (the same alerts, earlier) are tests/push's.
  PageNotifications false
</Plugin>

# The snippet under test, as shipped (it loads the threshold plugin itself).
Include "$SNIPPET"
EOF
  } >"$WORK/collectd.conf"
}

stop_collectd() {
  local rc=0
  stack_collectd_stop || rc=$?
  ((rc == 0)) || fail "collectd exited with status $rc on SIGTERM"
}

# ---------------------------------------------------------- notifications --

# The log's notification lines as TSV: severity host plugin plugin_instance
# type type_instance message. (logfile leaves out empty fields; ctwatch's
# values always have all of them.)
parse_notifications() {
  sed -nE 's/^.*Notification: severity = ([A-Z]+), host = ([^,]*), plugin = ([^,]*), plugin_instance = ([^,]*), type = ([^,]*), type_instance = ([^,]*), message = (.*)$/\1\t\2\t\3\t\4\t\5\t\6\t\7/p' \
    "$WORK/collectd.log"
}

# "SEVERITY PLUGIN_INSTANCE TYPE TYPE_INSTANCE" of a TSV line, with
# " (missing)" appended for the threshold plugin's "has not been updated"
# notification (same severity FAILURE as a real one, different meaning).
key_of() {
  awk -F'\t' '{ print $1, $4, $5, $6 ($7 ~ / has not been updated for / ? " (missing)" : "") }' <<<"$1"
}
# The value the threshold plugin saw, from the message.
value_in() { sed -nE 's/.*(is currently|Current value of "[^"]*" is) (-?[0-9]+(\.[0-9]+)?|-?nan|-?inf).*/\2/p' <<<"$1"; }

# await STEP T_CROSSED MIN MAX ALLOWED_REGEX EXPECTED...
# Waits up to MAX s after T_CROSSED for every EXPECTED notification
# ("SEVERITY PLUGIN_INSTANCE TYPE TYPE_INSTANCE"), in any order among
# themselves; one seen less than MIN s after T_CROSSED fails. Any other new
# notification is a failure, unless its key matches ALLOWED_REGEX (an ERE;
# "" allows nothing). Everything seen is consumed, so the next step only
# sees later notifications: this is what checks the order.
await() {
  local step=$1 t_crossed=$2 min=$3 max=$4 allowed=$5; shift 5
  local -a want=("$@")
  local -A seen_at=()
  local deadline line key i t ok=1 value
  deadline=$(awk -v t="$t_crossed" -v d="$max" 'BEGIN { printf "%.3f", t + d }')
  while :; do
    t=$(now)
    parse_notifications >"$WORK/notifications.tsv"
    while IFS= read -r line; do
      CURSOR=$((CURSOR + 1))
      key=$(key_of "$line")
      value=$(value_in "$line")
      value=${value:--}
      for i in "${!want[@]}"; do
        if [[ ${want[$i]} == "$key" && -z ${seen_at[$i]:-} ]]; then
          seen_at[$i]=$t
          LAST_SEEN=$t
          check_value "$step" "$key" "$value"
          TIMELINE+=("$(printf '%-9s %-38s value %-10s crossed +%5s s  notified +%5s s  latency %4s s' \
            "$step" "$key" "$value" "$(elapsed "$t_crossed")" "$(elapsed "$t")" "$(elapsed "$t" "$t_crossed")")")
          if awk -v a="$t" -v b="$t_crossed" -v m="$min" 'BEGIN { exit !(a - b < m) }'; then
            fail "[$step] $key came $(elapsed "$t" "$t_crossed") s after the crossing, earlier than $min s (Hits not in effect?)"
          else
            pass "[$step] $key (value $value) after $(elapsed "$t" "$t_crossed") s"
          fi
          continue 2
        fi
      done
      if [[ -n $allowed && $key =~ $allowed ]]; then
        log "      [$step] also: $key (value $value), allowed here"
      else
        fail "[$step] unexpected notification: $(tr '\t' ' ' <<<"$line")"
        ok=0
      fi
    done < <(tail -n +"$((CURSOR + 1))" "$WORK/notifications.tsv")
    ((${#seen_at[@]} == ${#want[@]})) && break
    if awk -v a="$t" -v b="$deadline" 'BEGIN { exit !(a > b) }'; then
      for i in "${!want[@]}"; do
        [[ -n ${seen_at[$i]:-} ]] || fail "[$step] no '${want[$i]}' notification within $max s"
      done
      ok=0
      break
    fi
    kill -0 "$STACK_COLLECTD_PID" 2>/dev/null || die "collectd died (step $step)"
    sleep 0.2
  done
  ((ok))
}

# The value in a notification must be on the right side of the snippet's
# bounds (shipped: WARNING in (70, 80], FAILURE > 80, drop FAILURE > 0).
check_value() {  # STEP KEY VALUE
  local sev type ti ok=1
  read -r sev _ type ti <<<"$2"
  case "$sev $type/$ti" in
    "WARNING percent/used") awk -v v="$3" 'BEGIN { exit !(v > 70 && v <= 80) }' || ok=0 ;;
    "FAILURE percent/used") awk -v v="$3" 'BEGIN { exit !(v > 80) }' || ok=0 ;;
    "OKAY percent/used")    awk -v v="$3" 'BEGIN { exit !(v < 69) }' || ok=0 ;;
    "FAILURE errors/drop")  awk -v v="$3" 'BEGIN { exit !(v > 0) }' || ok=0 ;;
    "FAILURE duration/time_to_full") awk -v v="$3" 'BEGIN { exit !(v < 300) }' || ok=0 ;;
    "OKAY duration/time_to_full")    [[ $3 == inf ]] || awk -v v="$3" 'BEGIN { exit !(v >= 300) }' || ok=0 ;;
    "OKAY errors/"*)        [[ $3 == *nan ]] || awk -v v="$3" 'BEGIN { exit !(v <= 0) }' || ok=0 ;;
  esac
  ((ok)) || fail "[$1] $2 carries value '$3', on the wrong side of its bound"
}

# --------------------------------------------------------------- driving --

ns_count() { ip netns exec "$NS" conntrack -C; }

# Drop counter of the namespace, summed over CPUs (conntrack -S prints
# "cpu=0 found=0 invalid=3 ... drop=0 ...").
ns_drops() {
  ip netns exec "$NS" conntrack -S | awk '
    { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "drop") s += kv[2] } }
    END { print s + 0 }'
}

# Adds tcp:ESTABLISHED entries (assured: neither early_drop nor the gc worker
# evicts them) until the namespace holds TARGET. Each call uses its own
# destination port, so the tuples never clash with an earlier call's.
fill_to() {  # TARGET DPORT
  local have n
  have=$(ns_count)
  n=$(($1 - have))
  ((n > 0)) || die "the namespace already holds $have entries, more than $1"
  ip netns exec "$NS" "$FILL_TOOL" --quiet --ignore-full --timeout 600 --dport "$2" "tcp:ESTABLISHED=$n" ||
    die "ctwatch-fill failed to add $n entries"
  have=$(ns_count)
  [[ $have == "$1" ]] || die "the namespace holds $have entries after the fill, not $1"
  [[ $(cat "$SYSCTL_MAX") == "$LIMIT" ]] ||
    die "nf_conntrack_max is $(cat "$SYSCTL_MAX"), not our $LIMIT: another test changed it meanwhile"
}

# New UDP flows on the namespace's loopback, 20 a second: each opens a new
# socket (new source port), so each first packet needs a new conntrack
# entry, finds the table full and is dropped. Stops by itself after 30 s.
start_sender() {
  # shellcheck disable=SC2016 # expanded by the inner bash
  ip netns exec "$NS" bash -c '
    for ((i = 0; i < 600; i++)); do
      echo x >/dev/udp/127.0.0.1/$((20000 + i))
      sleep 0.05
    done' >/dev/null 2>&1 &
  SENDER_PID=$!   # ip netns exec execs bash: this is the loop itself
}

# Picks the lowered limit, under the global lock (taken here, before the
# current value is read: another test may hold it lowered until then).
choose_limit() {
  local cur
  stack_global_lock
  cur=$(<"$SYSCTL_MAX")
  ((cur >= LOWERED_BY_OTHERS_BELOW)) ||
    skip "nf_conntrack_max is $cur (< $LOWERED_BY_OTHERS_BELOW): lowered by something that does not take $CTWATCH_GLOBAL_LOCK; not lowering it further"
  local host_count
  host_count=$(cat "$SYSCTL_COUNT")
  LIMIT=2000
  # Keep the host's own fill level far from the thresholds (<= 1/3).
  ((host_count * 2 <= LIMIT)) || LIMIT=$((3 * host_count))
  ((LIMIT < cur)) ||
    skip "the root namespace holds $host_count entries: a limit of $LIMIT would not lower nf_conntrack_max ($cur)"
  log "root namespace holds $host_count entries; lowering nf_conntrack_max $cur -> $LIMIT"
}

check_log() {
  grep -F '[error]' "$WORK/collectd.log" >"$WORK/log.errors" || true
  if [[ -s $WORK/log.errors ]]; then
    cat "$WORK/log.errors" >&2
    fail "the collectd log has ERROR lines (above)"
  fi
}

main() {
  parse_args "$@"
  check_prerequisites
  T0=$(now)
  WORK=$(mktemp -d /tmp/ctwatch-thr.XXXXXX)
  trap cleanup EXIT
  trap 'exit 1' INT TERM HUP   # runs cleanup (and so the restore) through the EXIT trap

  setup_namespace
  prepare_plugin_dir "$WORK" "$PLUGIN_SO" logfile threshold
  write_config
  stack_collectd_spawn "$WORK/collectd.conf" "$WORK/collectd.stdout"

  local okay_any="^OKAY ($NS_LABEL|$HOST_LABEL) (percent used|errors drop|errors insert_failed|duration time_to_full)\$"
  # 1. collectd 5.12 starts every value's threshold state as "unknown", so
  #    the first value of each thresholded series gives an OKAY ("within
  #    range again") notification. Seeing it for both percent/used series
  #    proves the snippet's thresholds apply to ctwatch/thr and ctwatch/host.
  #    time_to_full starts once the fast sampler has 5 samples (~5 s).
  await startup "$T0" 0 "$STARTUP_MAX" "$okay_any" "OKAY $NS_LABEL percent used" "OKAY $HOST_LABEL percent used" \
    "OKAY $NS_LABEL duration time_to_full" "OKAY $HOST_LABEL duration time_to_full" ||
    die "no start-up notifications: the snippet's thresholds do not apply to ctwatch"
  sleep 1.5   # the rest of the start-up OKAYs (errors: NaN rate on the first value)
  await startup "$T0" 0 "$STARTUP_MAX" "$okay_any"

  # The lowered window starts here.
  choose_limit
  stack_sysctl_set "$SYSCTL_MAX" "$LIMIT"
  local w f
  w=$(((LIMIT * 75 + 99) / 100))
  f=$(((LIMIT * 90 + 99) / 100))

  # 2. 75 %: above WarningMax 70, not above FailureMax 80. Hits 5: WARNING
  #    once 7 values in a row were out of range (collectd counts hits 0..6).
  fill_to "$w" 1001
  await warning "$(now)" "$HITS_MIN" "$HITS_MAX" "" "WARNING thr percent used" || true

  # 3. 75 % -> 90 % as a ramp (1 % every 0.4 s): percent FAILURE (the hit
  #    counter keeps counting from the WARNING, so this takes 1 to 7
  #    values), and the fast path: time_to_full < 300 s, three reads in a
  #    row (Hits 1). The steps before were jumps, not a rate: no
  #    time_to_full notification there (the awaits above allow none).
  local t_ramp p
  t_ramp=$(now)
  for ((p = 76; p <= 90; p++)); do
    fill_to "$(((LIMIT * p + 99) / 100))" $((1100 + p))
    sleep 0.4
  done
  await failure "$t_ramp" 0 "$HITS_MAX" "" "FAILURE thr percent used" "FAILURE thr duration time_to_full" || true

  # 4. 100 % and new flows: the kernel drops them; the drop counter's rate
  #    is > FailureMax 0 at the next read. percent stays in FAILURE (no new
  #    notification: Persist false).
  local t_failure=$LAST_SEEN
  fill_to "$LIMIT" 1003
  local drops0 t_send
  drops0=$(ns_drops)
  start_sender
  t_send=$(now)
  await drop "$t_send" 0 "$NOW_MAX" "" "FAILURE thr errors drop" || true
  # Both stay in FAILURE (table full, still dropping) until the percent
  # FAILURE is HOLD s old: Persist false, so neither is repeated.
  sleep "$(awk -v t="${t_failure:-0}" -v h="$HOLD" -v n="$(now)" 'BEGIN { d = t + h - n; if (d < 0) d = 0; printf "%.2f", d }')"
  await hold "$t_send" 0 0 "" &&
    pass "[hold] percent and drop stayed in FAILURE without a repeat for $HOLD s after the percent FAILURE (Persist false)"
  stack_stop_pid "$SENDER_PID" "udp sender" || true
  SENDER_PID=""
  local drops1
  drops1=$(ns_drops)
  if ((drops1 > drops0)); then pass "[drop] the kernel dropped $((drops1 - drops0)) packets (conntrack -S drop $drops0 -> $drops1)"
  else fail "[drop] the kernel's drop counter did not move ($drops0 -> $drops1): the table was not really full"; fi

  # 5. Recovery: flush this namespace's table (we made it) and end the
  #    lowered window. percent/used goes to 0 and the drop rate to 0: both
  #    OKAY, at once (no Hits on the way back).
  ip netns exec "$NS" conntrack -F >/dev/null 2>&1 || die "conntrack -F in $NS failed"
  local t_flush
  t_flush=$(now)
  stack_sysctl_restore || die "could not restore nf_conntrack_max"
  #    time_to_full is absent until the trend has 5 samples after the flush
  #    (it starts again from the empty table), then +Inf: OKAY.
  await recovery "$t_flush" 0 "$RECOVERY_MAX" "" "OKAY thr percent used" "OKAY thr errors drop" \
    "OKAY thr duration time_to_full" || true

  # 6. Nothing more: no flapping, no late notification, none for the host.
  sleep 2.5
  await settle "$t_flush" 0 0 ""

  # 7. The namespace goes away while collectd runs: ctwatch stops reporting
  #    it, and after Timeout (2) intervals the threshold plugin says the
  #    fill level is missing (Interesting true), but not the error counters
  #    (Interesting false): exactly one notification.
  ip netns del "$NS"
  NS_CREATED=0
  await absent "$(now)" "$MISSING_MIN" "$MISSING_MAX" "" "FAILURE thr percent used (missing)" || true
  sleep 1.5   # a missing drop/insert_failed would come in the same check
  await absent "$t_flush" 0 0 ""

  stop_collectd
  await shutdown "$t_flush" 0 0 ""
  check_log

  log ""
  log "timeline (seconds since the start; latency = notified - crossed, polled every 0.2 s):"
  printf '  %s\n' "${TIMELINE[@]}"
  if ((FAILURES)); then
    log "$FAILURES check(s) failed ($(elapsed "$(now)") s)" >&2
    exit 1
  fi
  log "PASS ($(elapsed "$(now)") s)"
}

main "$@"
