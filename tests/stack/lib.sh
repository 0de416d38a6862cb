# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash disable=SC2034  # STACK_* state is read by the callers
#
# tests/stack/lib.sh: the one bash harness every test script sources
# (ports, processes, namespaces, collectd, Prometheus/Alertmanager
# start-and-wait, skip/die, global-sysctl save/restore under a machine-wide
# lock). Scripts with their own lifecycle use the small helpers (log, pass,
# fail, die, skip, stack_free_port, stack_stop_pid, setup_test_netns,
# collectd_conf_head, stack_collectd_spawn, stack_sysctl_set, ...); the
# others use the whole stack below.
#
# A live ctwatch monitoring stack on loopback:
#
#   collectd (ctwatch.so + write_prometheus) --scrape--> Prometheus (+ rules)
#         \-- samples throwaway network namespaces created by the test
#
# Source it from a bash script (it expects `set -euo pipefail`-style callers
# but works without) and call, in this order:
#
#   source tests/stack/lib.sh
#   stack_require_root; stack_require_cmds ...; stack_require_collectd; stack_require_prometheus
#   stack_init                          # temp dir, EXIT trap -> stack_cleanup
#   stack_netns replay                  # throwaway netns, conntrack active, lo up
#   stack_ns_exec replay ctwatch-fill tcp:TIME_WAIT=600
#   stack_ns_spawn client replay python3 client.py   # background, stopped on exit
#   stack_collectd build/plugin/ctwatch.so "Namespace \"replay\" \"$(stack_ns_path replay)\""
#   stack_prometheus rules/prometheus/ctwatch.rules.yml
#   # optional, before stack_prometheus: alerts through a real Alertmanager
#   #   stack_webhook_receiver                        # -> $STACK_WEBHOOK_URL, $STACK_WEBHOOK_FILE
#   #   stack_alertmanager am.yml                     # sets STACK_ALERTMANAGER_URL
#   stack_wait_for 'collectd_ctwatch_tcp_connections{ctwatch="replay"}' 20
#   stack_query 'collectd_ctwatch_conntrack{type="entries"}'     # -> JSON on stdout
#
# Call the functions that start things directly, never inside $(...): they
# set global variables (ports, pids) that a subshell would lose.
#
# Settings (environment or variables set before the calls; defaults shown):
#   STACK_HOSTNAME=ctstack         collectd Hostname = the `instance` label
#   STACK_INTERVAL=1               collectd Interval, seconds
#   STACK_SCRAPE_INTERVAL=1s       Prometheus scrape_interval
#   STACK_EVAL_INTERVAL=1s         Prometheus evaluation_interval
#   STACK_ALERTMANAGER_URL=        e.g. http://127.0.0.1:9093: adds an alerting section
#   STACK_COLLECTD_EXTRA_CONF=     appended verbatim to collectd.conf (other plugins)
#   STACK_COLLECTD_PREFIX=         words run before `collectd` (env LD_PRELOAD=..., setpriv ...)
#   STACK_READY_TIMEOUT=20         seconds to wait for collectd / Prometheus
#   STACK_KEEP=0                   1: keep the temp dir (and print its path)
#   STACK_LOGS_ON_SIGNAL=1         0: no log dump when the script ends by
#                                  SIGHUP/SIGINT/SIGTERM (status 129/130/143)
#   COLLECTD_LIBDIR=/usr/lib/collectd   TYPES_DB=/usr/share/collectd/types.db
#   CTWATCH_GLOBAL_LOCK=/run/ctwatch-global.lock
#   CTWATCH_GLOBAL_LOCK_WAIT=1200  seconds to wait for another holder
#   CTWATCH_SYSCTL_JOURNAL=/run/ctwatch-sysctl.journal  the values to put back
#                                  if a run is killed (ctest's timeout sends SIGKILL)
#   STACK_PROMETHEUS_BIN=/usr/bin/prometheus
#   STACK_ALERTMANAGER_BIN=/usr/bin/prometheus-alertmanager
#   STACK_PROMETHEUS_PREFERRED_PORT=, STACK_ALERTMANAGER_PREFERRED_PORT=
#                                  tried first when free (else a random port),
#                                  e.g. for a stable Grafana data source URL
#
# State for callers (read only):
#   STACK_DIR                      the temp dir (configs, logs, TSDB)
#   STACK_COLLECTD_PORT, STACK_COLLECTD_URL (…/metrics), STACK_COLLECTD_PID
#   STACK_PROMETHEUS_PORT, STACK_PROMETHEUS_URL, STACK_PROMETHEUS_PID
#   STACK_NETNS[NAME]              the real netns name behind NAME
#   STACK_ALERTMANAGER_PORT, STACK_ALERTMANAGER_PID (URL: STACK_ALERTMANAGER_URL)
#   STACK_WEBHOOK_PORT, STACK_WEBHOOK_URL, STACK_WEBHOOK_PID, STACK_WEBHOOK_FILE
#
# Conventions (exit status 0 pass, 1 fail, 77 skip):
#   log MSG...    a line on stdout
#   pass MSG...   "ok:   MSG" on stdout, counted in PASSES
#   fail MSG...   "FAIL: MSG" on stderr, counted in FAILURES; the run goes on
#                 so one run shows every broken check
#   die MSG...    "FAIL: MSG" on stderr, exit 1 (setup that cannot go on)
#   skip MSG...   "SKIP: MSG", exit 77; with CTWATCH_REQUIRE_KERNEL=1 a FAIL
#                 and exit 1 instead, so CI cannot skip silently
#   (stack_die/stack_skip are the same two.)
#
# Global sysctls (nf_conntrack_max, ...) are shared by every test and every
# checkout on the machine: change them only with stack_sysctl_set, which
# takes the machine-wide lock $CTWATCH_GLOBAL_LOCK (/run/ctwatch-global.lock,
# flock, held until the script exits) and saves the value it found;
# stack_cleanup (or, for scripts with their own EXIT trap, a call to
# stack_sysctl_restore first thing in it) puts it back.
#
# Safety: everything listens on 127.0.0.1 only; namespaces are created here
# and deleted on cleanup; sysctls only through stack_sysctl_set; conntrack
# entries are never deleted or flushed (deleting a namespace drops its own
# table).

if [[ -n ${STACK__LOADED:-} ]]; then return 0; fi
STACK__LOADED=1

: "${STACK_HOSTNAME:=ctstack}"
: "${STACK_INTERVAL:=1}"
: "${STACK_SCRAPE_INTERVAL:=1s}"
: "${STACK_EVAL_INTERVAL:=1s}"
: "${STACK_ALERTMANAGER_URL:=}"
: "${STACK_COLLECTD_EXTRA_CONF:=}"
: "${STACK_COLLECTD_PREFIX:=}"
: "${STACK_READY_TIMEOUT:=20}"
: "${STACK_KEEP:=0}"
: "${STACK_LOGS_ON_SIGNAL:=1}"
: "${COLLECTD_LIBDIR:=/usr/lib/collectd}"
: "${TYPES_DB:=/usr/share/collectd/types.db}"
: "${CTWATCH_GLOBAL_LOCK:=/run/ctwatch-global.lock}"
: "${CTWATCH_GLOBAL_LOCK_WAIT:=1200}"
: "${CTWATCH_SYSCTL_JOURNAL:=/run/ctwatch-sysctl.journal}"
: "${STACK_PROMETHEUS_BIN:=/usr/bin/prometheus}"
: "${STACK_ALERTMANAGER_BIN:=/usr/bin/prometheus-alertmanager}"
: "${STACK_PROMETHEUS_PREFERRED_PORT:=}"
: "${STACK_ALERTMANAGER_PREFERRED_PORT:=}"

STACK_DIR=""
STACK_COLLECTD_PORT="" STACK_COLLECTD_URL="" STACK_COLLECTD_PID=""
STACK_PROMETHEUS_PORT="" STACK_PROMETHEUS_URL="" STACK_PROMETHEUS_PID=""
STACK_ALERTMANAGER_PORT="" STACK_ALERTMANAGER_PID=""
STACK_WEBHOOK_PORT="" STACK_WEBHOOK_URL="" STACK_WEBHOOK_PID="" STACK_WEBHOOK_FILE=""
STACK__LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
declare -gA STACK_NETNS=()
STACK__PIDS=()              # every background process we started
declare -gA STACK__PID_NAME=()
declare -gA STACK__PGROUP=()  # pids that lead a process group made by stack_spawn
STACK__HOOKS=()             # stack_on_cleanup commands, run last-in first-out
STACK__CLEANED=0
STACK__PLUGIN_SO="" STACK__PLUGIN_SNIPPET=""
STACK__LOCK_FD=""           # the open lock file while we hold the global lock
STACK__SYSCTLS=()           # sysctl paths stack_sysctl_set changed, in order
declare -gA STACK__SYSCTL_ORIG=() STACK__SYSCTL_OURS=()
FAILURES=0 PASSES=0

export PATH=$PATH:/usr/sbin:/sbin

# ------------------------------------------------------------ messages ----

log() { printf '%s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; FAILURES=$((FAILURES + 1)); }
pass() { printf 'ok:   %s\n' "$*"; PASSES=$((PASSES + 1)); }
die() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
skip() {
  if [[ ${CTWATCH_REQUIRE_KERNEL:-0} == 1 ]]; then
    printf 'FAIL: %s (CTWATCH_REQUIRE_KERNEL=1 forbids skipping)\n' "$*" >&2
    exit 1
  fi
  printf 'SKIP: %s\n' "$*"
  exit 77
}
stack_log() { printf '[stack] %s\n' "$*" >&2; }

# stack_args "VAR..." ARG...: the test scripts' common command line: the
# positional arguments into the VARs, in order, all required; -k sets KEEP=1
# and STACK_KEEP=1 (keep the work directory); anything else prints
# "usage: SCRIPT VAR... [-k]" and exits 1.
stack_args() {
  local -a vars
  read -ra vars <<<"$1"
  local i=0 usage
  usage="usage: $(basename "$0") ${vars[*]} [-k]"
  shift
  while (($#)); do
    case $1 in
      -k) KEEP=1 STACK_KEEP=1 ;;
      -h | --help) printf '%s\n' "$usage" >&2; exit 1 ;;
      -*) printf 'unknown option %s; %s\n' "$1" "$usage" >&2; exit 1 ;;
      *) ((i < ${#vars[@]})) || { printf '%s\n' "$usage" >&2; exit 1; }
         printf -v "${vars[i++]}" '%s' "$1" ;;
    esac
    shift
  done
  ((i == ${#vars[@]})) || { printf '%s\n' "$usage" >&2; exit 1; }
}
stack_die() { die "$@"; }
stack_skip() { skip "$@"; }

# dump_file FILE LABEL: FILE on stderr between "----- LABEL (FILE) -----" and
# "----- end of LABEL -----" lines.
dump_file() {
  printf '\n----- %s (%s) -----\n' "$2" "$1" >&2
  cat "$1" >&2
  printf -- '----- end of %s -----\n' "$2" >&2
}

# ------------------------------------------------------- prerequisites ----

stack_require_root() {
  ((EUID == 0)) || stack_skip "needs root (network namespaces, nftables, ctnetlink)"
}

# stack_require_cmds CMD[:DEBIAN_PACKAGE]...: skip unless every command exists.
stack_require_cmds() {
  local spec
  for spec in "$@"; do
    command -v "${spec%%:*}" >/dev/null 2>&1 ||
      stack_skip "${spec%%:*} is not installed${spec#"${spec%%:*}"}"
  done
}
require_tools() { stack_require_cmds "$@"; }

# require_collectd PLUGIN...: collectd, the plugins' .so in COLLECTD_LIBDIR,
# and TYPES_DB; skip otherwise.
require_collectd() {
  stack_require_cmds collectd:collectd-core
  local p
  for p in "$@"; do
    [[ -f $COLLECTD_LIBDIR/$p.so ]] || skip "$COLLECTD_LIBDIR/$p.so is missing (Debian: collectd-core)"
  done
  [[ -f $TYPES_DB ]] || skip "$TYPES_DB is missing (Debian: collectd-core)"
}

# collectd with logfile and write_prometheus (and write_prometheus's libraries).
stack_require_collectd() {
  require_collectd logfile write_prometheus
  if ldd "$COLLECTD_LIBDIR/write_prometheus.so" 2>/dev/null | grep -q 'not found'; then
    stack_skip "write_prometheus.so lacks libraries (Debian: libprotobuf-c1 libmicrohttpd12)"
  fi
}

stack_require_prometheus() {
  [[ -x $STACK_PROMETHEUS_BIN ]] || stack_skip "$STACK_PROMETHEUS_BIN is missing (Debian: prometheus)"
}

stack_require_alertmanager() {
  [[ -x $STACK_ALERTMANAGER_BIN ]] || stack_skip "$STACK_ALERTMANAGER_BIN is missing (Debian: prometheus-alertmanager)"
}

# ------------------------------------------------------------ lifecycle ----

# Creates STACK_DIR and installs the EXIT/INT/TERM/HUP traps. The library owns
# the EXIT trap: register extra cleanup with stack_on_cleanup instead.
stack_init() {
  [[ -z $STACK_DIR ]] || { stack_log "stack_init called twice"; return 1; }
  STACK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ctstack.XXXXXX")
  trap 'stack__on_exit' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP
}

# stack_on_cleanup COMMAND: eval'd by stack_cleanup before the built-in steps
# (last registered runs first).
stack_on_cleanup() { STACK__HOOKS+=("$1"); }

stack__on_exit() {
  local rc=$?
  stack_cleanup "$rc"
  exit "$rc"
}

# stack_cleanup [STATUS]: restores the global sysctls, stops every process started here (TERM, KILL after
# 5 s), deletes the namespaces, prints the logs if STATUS is a failure (not
# 0, not 77), removes STACK_DIR unless STACK_KEEP=1. Idempotent.
stack_cleanup() {
  local rc=${1:-0} i pid name
  ((STACK__CLEANED)) && return 0
  STACK__CLEANED=1
  set +e
  stack_sysctl_restore || rc=1            # first: the only global change
  for ((i = ${#STACK__HOOKS[@]} - 1; i >= 0; i--)); do
    eval "${STACK__HOOKS[i]}"
  done
  stack_stop_all
  for name in "${!STACK_NETNS[@]}"; do
    ip netns del "${STACK_NETNS[$name]}" 2>/dev/null ||
      stack_log "could not delete netns ${STACK_NETNS[$name]}"
  done
  STACK_NETNS=()
  if ((rc != 0 && rc != 77)) && [[ -n $STACK_DIR ]] &&
    [[ $STACK_LOGS_ON_SIGNAL != 0 || ! $rc =~ ^(129|130|143)$ ]]; then
    stack_print_logs
  fi
  if [[ -n $STACK_DIR && -d $STACK_DIR ]]; then
    if [[ $STACK_KEEP == 1 ]]; then stack_log "kept $STACK_DIR"; else rm -rf "$STACK_DIR"; fi
  fi
  return 0
}

# stack_stop_all: stops every process started here (stack_spawn,
# stack_collectd*), last started first.
stack_stop_all() {
  local i pid
  for ((i = ${#STACK__PIDS[@]} - 1; i >= 0; i--)); do
    pid=${STACK__PIDS[i]}
    { kill -0 "$pid" 2>/dev/null && stack_stop_pid "$pid" "${STACK__PID_NAME[$pid]:-process}" >/dev/null 2>&1; } || true
  done
  STACK__PIDS=()
  STACK_COLLECTD_PID=""
}

# stack_print_logs: collectd's log in full, the tail of Prometheus's and of
# every stack_spawn'ed process's log, to stderr.
stack_print_logs() {
  local f
  [[ -n $STACK_DIR ]] || return 0
  if [[ -s $STACK_DIR/collectd.log ]]; then
    printf '\n----- collectd log (%s) -----\n' "$STACK_DIR/collectd.log" >&2
    cat "$STACK_DIR/collectd.log" >&2
  fi
  [[ -s $STACK_DIR/collectd.stdout ]] && { printf -- '----- collectd stdout/stderr -----\n' >&2; cat "$STACK_DIR/collectd.stdout" >&2; }
  if [[ -s $STACK_DIR/prometheus.log ]]; then
    printf -- '----- prometheus log, last 60 lines (%s) -----\n' "$STACK_DIR/prometheus.log" >&2
    tail -n 60 "$STACK_DIR/prometheus.log" >&2
  fi
  if [[ -s $STACK_DIR/alertmanager.log ]]; then
    printf -- '----- alertmanager log, last 40 lines (%s) -----\n' "$STACK_DIR/alertmanager.log" >&2
    tail -n 40 "$STACK_DIR/alertmanager.log" >&2
  fi
  for f in "$STACK_DIR"/spawn-*.log "$STACK_DIR/webhook.log"; do
    [[ -s $f ]] || continue
    printf -- '----- %s, last 30 lines -----\n' "$(basename "$f")" >&2
    tail -n 30 "$f" >&2
  done
  printf -- '----- end of stack logs -----\n' >&2
}

# stack_stop_pid PID [NAME] [SECONDS]: TERM, KILL after SECONDS (5); returns
# the exit status (a child of this shell; else 127).
stack_stop_pid() {
  local pid=$1 name=${2:-process} secs=${3:-5} i rc=0 target=$1
  [[ -n ${STACK__PGROUP[$pid]:-} ]] && target=-$pid   # the group stack_spawn created
  kill -TERM -- "$target" 2>/dev/null || true
  for ((i = 0; i < secs * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    stack_log "$name (pid $pid) ignored SIGTERM for $secs s; killing it"
    kill -KILL -- "$target" 2>/dev/null || true
  fi
  # The leader may be gone while others in its group still run.
  if [[ $target == -* ]] && kill -0 -- "$target" 2>/dev/null; then
    sleep 0.2
    kill -KILL -- "$target" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || rc=$?
  stack__forget_pid "$pid"
  return "$rc"
}

stack__track_pid() {  # PID NAME
  STACK__PIDS+=("$1")
  STACK__PID_NAME[$1]=$2
}

stack__forget_pid() {
  local p keep=()
  for p in "${STACK__PIDS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
  STACK__PIDS=("${keep[@]}")
  unset 'STACK__PID_NAME[$1]' 'STACK__PGROUP[$1]'
}

# stack_spawn NAME CMD...: runs the external command CMD in the background in
# its own process group (setsid), stdout+stderr to $STACK_DIR/spawn-NAME.log.
# Sets STACK_SPAWN_PID; cleanup (or stack_stop_pid) stops the whole group, so
# children CMD forks are stopped too. Shell functions are refused: their pid
# would be a subshell's, not the command's.
stack_spawn() {
  local name=$1; shift
  [[ -n $STACK_DIR ]] || { stack_log "stack_spawn before stack_init"; return 1; }
  [[ $(type -t "$1") == file ]] || { stack_log "stack_spawn: '$1' is not an external command"; return 1; }
  setsid "$@" >"$STACK_DIR/spawn-$name.log" 2>&1 </dev/null &
  STACK_SPAWN_PID=$!
  stack__track_pid "$STACK_SPAWN_PID" "$name"
  STACK__PGROUP[$STACK_SPAWN_PID]=1
}

# stack_ns_spawn NAME NS CMD...: stack_spawn inside namespace NS
# (`ip netns exec` execs CMD, so STACK_SPAWN_PID is CMD's pid).
stack_ns_spawn() {
  local name=$1 ns=$2; shift 2
  [[ -n ${STACK_NETNS[$ns]:-} ]] || { stack_log "unknown namespace $ns"; return 1; }
  stack_spawn "$name" ip netns exec "${STACK_NETNS[$ns]}" "$@"
}

# ----------------------------------------------------------------- ports ----

# stack_free_port: prints a random TCP port in 20000-32767 (below the usual
# ephemeral range) that nothing listens on (ss -ltn) and that this stack has
# not handed out before (recorded in $STACK_DIR/ports, so it also works inside
# $(...)). A race with another process is still possible: the start
# functions retry with another port when the bind fails.
stack_free_port() {
  local port i record=${STACK_DIR:+$STACK_DIR/ports}
  for ((i = 0; i < 200; i++)); do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 12768))
    [[ -n $record && -f $record ]] && grep -qx "$port" "$record" && continue
    if [[ -z $(ss -Hltn "sport = :$port" 2>/dev/null) ]]; then
      [[ -n $record ]] && printf '%s\n' "$port" >>"$record"
      printf '%s\n' "$port"
      return 0
    fi
  done
  stack_log "no free port found"
  return 1
}

# stack__pick_port ATTEMPT PREFERRED: PREFERRED on the first attempt if it is
# set and nothing listens on it, else stack_free_port.
stack__pick_port() {
  if [[ $1 == 1 && -n $2 && -z $(ss -Hltn "sport = :$2" 2>/dev/null) ]]; then
    [[ -n $STACK_DIR ]] && printf '%s\n' "$2" >>"$STACK_DIR/ports"
    printf '%s\n' "$2"
    return 0
  fi
  stack_free_port
}

# -------------------------------------------------------- global sysctls ----

# stack_global_lock: takes the machine-wide lock CTWATCH_GLOBAL_LOCK (flock,
# exclusive), waiting up to CTWATCH_GLOBAL_LOCK_WAIT s for another holder;
# held until this script exits (the descriptor closes with it). Idempotent,
# and a no-op when an ancestor holds it already (`flock LOCK ctest ...`, or
# the ctest wrapper stack/global_lock.sh), so that never deadlocks.
stack_global_lock() {
  [[ -z $STACK__LOCK_FD ]] || return 0
  local holder
  if holder=$(stack__lock_holder) && stack__is_ancestor "$holder"; then
    STACK__LOCK_FD=inherited
    return 0
  fi
  exec {STACK__LOCK_FD}>>"$CTWATCH_GLOBAL_LOCK" ||
    stack_die "cannot open the global lock $CTWATCH_GLOBAL_LOCK"
  if ! flock -n "$STACK__LOCK_FD"; then
    stack_log "waiting for the global lock $CTWATCH_GLOBAL_LOCK (held by pid ${holder:-?}: $(ps -o args= -p "${holder:-0}" 2>/dev/null | cut -c1-80))"
    flock -w "$CTWATCH_GLOBAL_LOCK_WAIT" "$STACK__LOCK_FD" ||
      stack_die "the global lock $CTWATCH_GLOBAL_LOCK was held for more than ${CTWATCH_GLOBAL_LOCK_WAIT} s"
  fi
  stack__sysctl_recover
}

# The journal: "PATH VALUE" per global sysctl a holder of the lock changed,
# VALUE the one it found, written before the change and dropped once it is
# restored. A run killed on the spot (ctest's timeout sends SIGKILL, so no
# trap runs) leaves it behind, and the next holder of the lock puts those
# values back before anything else: a killed test never leaves the machine
# with a lowered nf_conntrack_max. tests/integration/netns_fixture.hpp's
# SysctlGuard keeps the same journal.
stack__sysctl_recover() {
  [[ -s $CTWATCH_SYSCTL_JOURNAL ]] || return 0
  local path value
  while read -r path value; do
    [[ $path == /proc/sys/* && -n $value ]] || continue
    if printf '%s\n' "$value" >"$path" 2>/dev/null; then
      stack_log "restored $path to $value (left changed by a run that was killed)"
    else
      printf 'FAIL: could not restore %s to %s, left changed by a killed run: restore it by hand!\n' "$path" "$value" >&2
    fi
  done <"$CTWATCH_SYSCTL_JOURNAL"
  rm -f "$CTWATCH_SYSCTL_JOURNAL"
}

stack__journal_add() {  # PATH VALUE, unless PATH is journaled already (its first value is the one to restore)
  [[ -f $CTWATCH_SYSCTL_JOURNAL ]] && awk -v p="$1" '$1 == p { found = 1 } END { exit !found }' "$CTWATCH_SYSCTL_JOURNAL" && return 0
  printf '%s %s\n' "$1" "$2" >>"$CTWATCH_SYSCTL_JOURNAL" 2>/dev/null || true
}

stack__journal_drop() {  # PATH
  [[ -f $CTWATCH_SYSCTL_JOURNAL ]] || return 0
  local rest
  rest=$(awk -v p="$1" '$1 != p' "$CTWATCH_SYSCTL_JOURNAL")
  if [[ -n $rest ]]; then printf '%s\n' "$rest" >"$CTWATCH_SYSCTL_JOURNAL"; else rm -f "$CTWATCH_SYSCTL_JOURNAL"; fi
}

# stack__lock_holder: the pid /proc/locks names for a FLOCK on the lock file.
stack__lock_holder() {
  local ino
  ino=$(stat -c %i "$CTWATCH_GLOBAL_LOCK" 2>/dev/null) || return 1
  awk -v ino="$ino" '$2 == "FLOCK" { n = split($6, a, ":"); if (a[n] == ino) { print $5; found = 1; exit } }
    END { exit !found }' /proc/locks
}

stack__is_ancestor() {  # PID: is PID this shell or one of its ancestors?
  local p=$BASHPID
  while [[ -n $p && $p != 0 ]]; do
    [[ $p == "$1" ]] && return 0
    p=$(awk '{print $4}' "/proc/$p/stat" 2>/dev/null) || return 1
  done
  return 1
}

# stack_sysctl_set PATH VALUE: under the global lock, remembers PATH's value
# the first time (for stack_sysctl_restore), writes VALUE, checks it took.
stack_sysctl_set() {
  local path=$1 value=$2
  [[ -w $path ]] || stack_skip "$path is not writable here (not root, or not the initial network namespace)"
  stack_global_lock
  if [[ -z ${STACK__SYSCTL_ORIG[$path]+set} ]]; then
    STACK__SYSCTL_ORIG[$path]=$(<"$path")
    STACK__SYSCTLS+=("$path")
    stack__journal_add "$path" "${STACK__SYSCTL_ORIG[$path]}"
  fi
  printf '%s\n' "$value" >"$path" || stack_die "cannot write $value to $path"
  [[ $(<"$path") == "$value" ]] || stack_die "$path did not take $value (it is $(<"$path"))"
  STACK__SYSCTL_OURS[$path]=$value
  stack_log "$path ${STACK__SYSCTL_ORIG[$path]} -> $value"
}

# stack_sysctl_orig PATH: the value stack_sysctl_set found (or the current
# one if it has not changed PATH).
stack_sysctl_orig() { printf '%s\n' "${STACK__SYSCTL_ORIG[$1]:-$(<"$1")}"; }

# stack_sysctl_restore: puts back every sysctl stack_sysctl_set changed, last
# first; says so when someone else changed one meanwhile. Idempotent; fails
# (and says what to restore by hand) when a write fails.
stack_sysctl_restore() {
  local i path cur rc=0
  for ((i = ${#STACK__SYSCTLS[@]} - 1; i >= 0; i--)); do
    path=${STACK__SYSCTLS[i]}
    cur=$(<"$path") || cur='?'
    [[ $cur == "${STACK__SYSCTL_OURS[$path]}" ]] ||
      stack_log "note: $path was $cur, not our ${STACK__SYSCTL_OURS[$path]}: someone else changed it meanwhile"
    if printf '%s\n' "${STACK__SYSCTL_ORIG[$path]}" >"$path" 2>/dev/null; then
      stack_log "restored $path to ${STACK__SYSCTL_ORIG[$path]}"
      stack__journal_drop "$path"
    else
      printf 'FAIL: could not restore %s to %s (it is %s): restore it by hand!\n' \
        "$path" "${STACK__SYSCTL_ORIG[$path]}" "$cur" >&2
      rc=1
    fi
  done
  STACK__SYSCTLS=()
  STACK__SYSCTL_ORIG=() STACK__SYSCTL_OURS=()
  return "$rc"
}

# ------------------------------------------------------------ namespaces ----

# stack_netns NAME: creates a throwaway network namespace (real name
# ctstack-<pid>-NAME), with lo up and an nftables `ct state new counter` rule
# on input and output so that conntrack is active in it. Deleted on cleanup.
# Skips the test if namespaces or conntrack are not available.
stack_netns() {
  local name=$1 ns hook
  [[ -n $STACK_DIR ]] || { stack_log "stack_netns before stack_init"; return 1; }
  [[ $name =~ ^[A-Za-z0-9_.-]{1,40}$ ]] || { stack_log "bad namespace name '$name'"; return 1; }
  [[ -z ${STACK_NETNS[$name]:-} ]] || { stack_log "namespace $name exists already"; return 1; }
  ns=ctstack-$$-$name
  stack__netns_create "$ns" ctstack "$STACK_DIR/netns.err" "STACK_NETNS[$name]" "$ns"
}

# setup_test_netns NS TABLE ERRFILE: the same for scripts with their own
# cleanup: creates namespace NS (sets NS_CREATED=1; the caller deletes it).
setup_test_netns() { stack__netns_create "$1" "$2" "$3" NS_CREATED 1; }

# stack__netns_create NS TABLE ERRFILE VAR VALUE: namespace NS (skip if that
# is not possible), VAR=VALUE as soon as it exists (for cleanup), lo up, and an nft
# table TABLE with a "ct state new counter" rule on input and output:
# conntrack is only instantiated in a namespace once a rule needs it, and nft
# autoloads nf_conntrack for the ct rule.
stack__netns_create() {
  local ns=$1 table=$2 hook
  ip netns add "$ns" 2>"$3" || stack_skip "cannot create a network namespace: $(cat "$3")"
  printf -v "$4" '%s' "$5"
  ip -n "$ns" link set lo up
  ip netns exec "$ns" nft add table inet "$table"
  for hook in input output; do
    ip netns exec "$ns" nft add chain inet "$table" "$hook" "{ type filter hook $hook priority 0; }"
    ip netns exec "$ns" nft add rule inet "$table" "$hook" ct state new counter
  done
  [[ -r /proc/sys/net/netfilter/nf_conntrack_max ]] || stack_skip "the kernel has no nf_conntrack"
}

# stack_ns_path NAME: prints the nsfs path (for ctwatch's Namespace option).
stack_ns_path() {
  [[ -n ${STACK_NETNS[$1]:-} ]] || { stack_log "unknown namespace $1"; return 1; }
  printf '/var/run/netns/%s\n' "${STACK_NETNS[$1]}"
}

# stack_ns_exec NAME CMD...: runs CMD inside the namespace.
stack_ns_exec() {
  local name=$1; shift
  [[ -n ${STACK_NETNS[$name]:-} ]] || { stack_log "unknown namespace $name"; return 1; }
  ip netns exec "${STACK_NETNS[$name]}" "$@"
}

# -------------------------------------------------------------- collectd ----

# prepare_plugin_dir DIR PLUGIN_SO [COLLECTD_PLUGIN...]: DIR/plugins with
# PLUGIN_SO as ctwatch.so and copies of collectd's PLUGIN.so, and DIR/base.
# collectd only loads regular files from PluginDir (a symlink is refused as
# "is not a regular file"), hence copies.
prepare_plugin_dir() {
  local dir=$1 so=$2 p
  shift 2
  [[ -f $so ]] || stack_die "plugin $so does not exist (build the ctwatch target first)"
  mkdir -p "$dir/plugins" "$dir/base"
  cp -f "$so" "$dir/plugins/ctwatch.so"
  for p in "$@"; do cp -f "$COLLECTD_LIBDIR/$p.so" "$dir/plugins/"; done
}

# collectd_conf_head DIR HOSTNAME [TIMESTAMP]: prints the global part of a
# collectd.conf (Interval $STACK_INTERVAL, BaseDir DIR/base, PIDFile
# DIR/collectd.pid, PluginDir DIR/plugins, TypesDB, no autoload) and the
# logfile plugin (first, so that every later message goes to
# DIR/collectd.log; Timestamp TIMESTAMP, default true).
collectd_conf_head() {
  cat <<EOT
Hostname "$2"
FQDNLookup false
Interval $STACK_INTERVAL
BaseDir "$1/base"
PIDFile "$1/collectd.pid"
PluginDir "$1/plugins"
TypesDB "$TYPES_DB"
AutoLoadPlugin false

LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File "$1/collectd.log"
  Timestamp ${3:-true}
  PrintSeverity true
</Plugin>
EOT
}

# collectd_write_prometheus PORT: prints a write_prometheus block listening
# on 127.0.0.1:PORT.
collectd_write_prometheus() {
  printf 'LoadPlugin write_prometheus\n<Plugin write_prometheus>\n  Host "127.0.0.1"\n  Port "%s"\n</Plugin>\n' "$1"
}

# stack_collectd_spawn CONF OUT [PREFIX...]: `PREFIX... collectd -f -C CONF`
# in the background, stdout+stderr to OUT; sets STACK_COLLECTD_PID (stopped
# by stack_collectd_stop, or by stack_cleanup). No waiting: for tests that
# watch the start themselves.
stack_collectd_spawn() {
  local conf=$1 out=$2
  shift 2
  [[ -z $STACK_COLLECTD_PID ]] || { stack_log "collectd is already running"; return 1; }
  "$@" collectd -f -C "$conf" >"$out" 2>&1 &
  STACK_COLLECTD_PID=$!
  stack__track_pid "$STACK_COLLECTD_PID" collectd
}

# stack_collectd_start DIR WRITE_CONF [READY]: starts collectd on
# DIR/collectd.conf with write_prometheus on a free loopback port and waits
# up to STACK_READY_TIMEOUT s until `READY PORT` succeeds (default: the
# scrape has a collectd_ctwatch_conntrack series). `WRITE_CONF PORT` writes
# DIR/collectd.conf, whose logfile must be DIR/collectd.log (as
# collectd_conf_head writes it). A port taken between choosing and binding
# (write_prometheus logs "Opening a listening socket ... failed" or
# "MHD_start_daemon() failed") is retried with another port, 3 times; with
# STACK_COLLECTD_PORT already set (a restart) that port is tried first.
# collectd ending during startup ends the script (die). Sets
# STACK_COLLECTD_PID, STACK_COLLECTD_PORT, STACK_COLLECTD_URL; words in
# STACK_COLLECTD_PREFIX run before `collectd`.
stack_collectd_start() {
  local dir=$1 write_conf=$2 ready=${3:-stack__collectd_has_ctwatch} attempt i port rc
  for attempt in 1 2 3; do
    if [[ -n $STACK_COLLECTD_PORT && $attempt == 1 ]]; then
      port=$STACK_COLLECTD_PORT
    else
      port=$(stack_free_port) || return 1
    fi
    "$write_conf" "$port"
    : >"$dir/collectd.log"
    # shellcheck disable=SC2086  # a command prefix: words on purpose
    stack_collectd_spawn "$dir/collectd.conf" "$dir/collectd.stdout" $STACK_COLLECTD_PREFIX || return 1
    STACK_COLLECTD_PORT=$port
    STACK_COLLECTD_URL=http://127.0.0.1:$port/metrics
    for ((i = 0; i < STACK_READY_TIMEOUT * 4; i++)); do
      sleep 0.25
      if ! kill -0 "$STACK_COLLECTD_PID" 2>/dev/null; then
        rc=0
        wait "$STACK_COLLECTD_PID" || rc=$?
        stack__forget_pid "$STACK_COLLECTD_PID"
        STACK_COLLECTD_PID=""
        [[ -s $dir/collectd.stdout ]] && dump_file "$dir/collectd.stdout" "collectd stdout/stderr"
        stack_die "collectd exited during startup with status $rc (see its log)"
      fi
      if grep -Eq 'write_prometheus plugin: (Opening a listening socket for .* failed|MHD_start_daemon\(\) failed)' \
          "$dir/collectd.log" 2>/dev/null; then
        stack_log "write_prometheus could not listen on port $port; retrying with another port"
        stack_collectd_stop || true
        STACK_COLLECTD_PORT=""
        continue 2
      fi
      if "$ready" "$port"; then
        stack_log "collectd ready after $(((i + 1) * 250)) ms ($STACK_COLLECTD_URL)"
        return 0
      fi
    done
    stack_die "collectd: not ready ($ready) at $STACK_COLLECTD_URL after ${STACK_READY_TIMEOUT} s"
  done
  stack_die "collectd: no free port for write_prometheus after 3 attempts"
}

stack__collectd_has_ctwatch() {
  stack_scrape 2>/dev/null | grep -q '^collectd_ctwatch_conntrack{'
}

# stack_collectd PLUGIN_SO CONFIG_SNIPPET: the stack's collectd: PLUGIN_SO
# (as ctwatch.so), logfile and write_prometheus in $STACK_DIR/plugins,
# $STACK_DIR/collectd.conf (Hostname $STACK_HOSTNAME, Interval
# $STACK_INTERVAL, `<Plugin ctwatch>` + CONFIG_SNIPPET + `</Plugin>`,
# $STACK_COLLECTD_EXTRA_CONF), started with stack_collectd_start. Called
# again after stack_collectd_stop, it restarts on the same port (the
# Prometheus target stays valid); PLUGIN_SO/CONFIG_SNIPPET may then be
# omitted to reuse the previous ones.
stack_collectd() {
  local so=${1:-$STACK__PLUGIN_SO} snippet=${2-$STACK__PLUGIN_SNIPPET}
  [[ -n $STACK_DIR ]] || { stack_log "stack_collectd before stack_init"; return 1; }
  [[ -z $STACK_COLLECTD_PID ]] || { stack_log "collectd is already running"; return 1; }
  STACK__PLUGIN_SO=$so STACK__PLUGIN_SNIPPET=$snippet
  prepare_plugin_dir "$STACK_DIR" "$so" logfile write_prometheus
  stack_collectd_start "$STACK_DIR" stack__write_collectd_conf
}

stack__write_collectd_conf() {  # PORT
  {
    printf '# Generated by tests/stack/lib.sh\n'
    collectd_conf_head "$STACK_DIR" "$STACK_HOSTNAME"
    collectd_write_prometheus "$1"
    printf 'LoadPlugin ctwatch\n<Plugin ctwatch>\n%s\n</Plugin>\n%s\n' \
      "$STACK__PLUGIN_SNIPPET" "$STACK_COLLECTD_EXTRA_CONF"
  } >"$STACK_DIR/collectd.conf"
}

# stack_collectd_stop [SECONDS]: SIGTERM (KILL after SECONDS, 5), wait;
# returns collectd's exit status (0 when every shutdown callback ran). The
# port is kept for a later stack_collectd.
# shellcheck disable=SC2120  # SECONDS is optional
stack_collectd_stop() {
  [[ -n $STACK_COLLECTD_PID ]] || return 0
  local rc=0
  stack_stop_pid "$STACK_COLLECTD_PID" collectd "${1:-5}" || rc=$?
  STACK_COLLECTD_PID=""
  return "$rc"
}

# stack_scrape: prints one scrape of write_prometheus's /metrics.
stack_scrape() {
  curl -fsS --max-time 5 "$STACK_COLLECTD_URL"
}

# ------------------------------------------------------------ prometheus ----

# stack_prometheus [RULES_FILE...]: writes $STACK_DIR/prometheus.yml (scrape
# and evaluation every $STACK_SCRAPE_INTERVAL/$STACK_EVAL_INTERVAL, job
# "collectd" with honor_labels: true on the write_prometheus port, the rule
# files, alerting to $STACK_ALERTMANAGER_URL if set), checks it with promtool
# when available, starts Prometheus on 127.0.0.1:<free port> with its TSDB in
# $STACK_DIR, and waits until it is ready and has scraped ctwatch metrics.
stack_prometheus() {
  local rules=() f
  [[ -n $STACK_DIR ]] || { stack_log "stack_prometheus before stack_init"; return 1; }
  [[ -n $STACK_COLLECTD_PORT ]] || { stack_log "stack_prometheus needs stack_collectd first"; return 1; }
  [[ -z $STACK_PROMETHEUS_PID ]] || { stack_log "Prometheus is already running"; return 1; }
  for f in "$@"; do
    [[ -f $f ]] || stack_die "rule file $f does not exist"
    rules+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")")
  done
  stack__write_prometheus_yml "${rules[@]}"
  if command -v promtool >/dev/null 2>&1; then
    promtool check config "$STACK_DIR/prometheus.yml" >"$STACK_DIR/promtool.out" 2>&1 ||
      { cat "$STACK_DIR/promtool.out" >&2; stack_die "promtool rejects $STACK_DIR/prometheus.yml"; }
  fi
  stack__serve prometheus "$STACK_PROMETHEUS_PREFERRED_PORT" \
    "$STACK_PROMETHEUS_BIN" --config.file="$STACK_DIR/prometheus.yml" \
    --storage.tsdb.path="$STACK_DIR/prometheus-data" --web.listen-address=127.0.0.1:@PORT@ --log.level=info
  STACK_PROMETHEUS_PID=$STACK__SERVE_PID STACK_PROMETHEUS_PORT=$STACK__SERVE_PORT
  STACK_PROMETHEUS_URL=http://127.0.0.1:$STACK__SERVE_PORT
  stack_wait_for 'collectd_ctwatch_conntrack' "$STACK_READY_TIMEOUT" ||
    stack_die "Prometheus has not scraped collectd_ctwatch_conntrack from $STACK_COLLECTD_URL"
}

# stack__serve NAME PREFERRED_PORT CMD...: starts CMD in the background (log
# $STACK_DIR/NAME.log) on a free loopback port (PREFERRED_PORT first if
# set), "@PORT@" in its words replaced by the port; retries with another
# port when NAME logs "address already in use", and waits up to
# STACK_READY_TIMEOUT s for http://127.0.0.1:PORT/-/ready. Sets
# STACK__SERVE_PID and STACK__SERVE_PORT; ends the script if it cannot.
stack__serve() {
  local name=$1 preferred=$2 attempt i port
  shift 2
  for attempt in 1 2 3; do
    port=$(stack__pick_port "$attempt" "$preferred") || return 1
    "${@//@PORT@/$port}" >"$STACK_DIR/$name.log" 2>&1 &
    STACK__SERVE_PID=$! STACK__SERVE_PORT=$port
    stack__track_pid "$STACK__SERVE_PID" "$name"
    for ((i = 0; i < STACK_READY_TIMEOUT * 4; i++)); do
      sleep 0.25
      if ! kill -0 "$STACK__SERVE_PID" 2>/dev/null; then
        wait "$STACK__SERVE_PID" 2>/dev/null || true
        stack__forget_pid "$STACK__SERVE_PID"
        if grep -qi 'address already in use' "$STACK_DIR/$name.log"; then
          stack_log "$name could not listen on port $port; retrying with another port"
          continue 2
        fi
        stack_die "$name exited during startup (see the log below)"
      fi
      if curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$port/-/ready" 2>/dev/null; then
        stack_log "$name ready after $(((i + 1) * 250)) ms (http://127.0.0.1:$port)"
        return 0
      fi
    done
    stack_die "$name not ready after ${STACK_READY_TIMEOUT} s"
  done
  stack_die "$name: no free port after 3 attempts"
}

stack__write_prometheus_yml() {  # RULES_FILE...
  local f y=$STACK_DIR/prometheus.yml
  {
    printf '# Generated by tests/stack/lib.sh\n'
    printf 'global:\n  scrape_interval: %s\n  scrape_timeout: %s\n  evaluation_interval: %s\n' \
      "$STACK_SCRAPE_INTERVAL" "$STACK_SCRAPE_INTERVAL" "$STACK_EVAL_INTERVAL"
    if (($#)); then
      printf 'rule_files:\n'
      for f in "$@"; do printf "  - '%s'\n" "${f//\'/\'\'}"; done
    fi
    if [[ -n $STACK_ALERTMANAGER_URL ]]; then
      local scheme=${STACK_ALERTMANAGER_URL%%://*} rest=${STACK_ALERTMANAGER_URL#*://}
      local hostport=${rest%%/*} prefix=/
      [[ $rest == */* ]] && prefix=/${rest#*/}
      printf 'alerting:\n  alertmanagers:\n    - scheme: %s\n      path_prefix: %s\n' "$scheme" "$prefix"
      printf "      static_configs:\n        - targets: ['%s']\n" "$hostport"
    fi
    printf 'scrape_configs:\n  - job_name: collectd\n    honor_labels: true\n'
    printf "    static_configs:\n      - targets: ['127.0.0.1:%s']\n" "$STACK_COLLECTD_PORT"
  } >"$y"
}

# ---------------------------------------------------------- alerting ----

# stack_webhook_receiver [FILE]: starts tests/stack/webhook_receiver.py on
# 127.0.0.1:<free port> (log $STACK_DIR/webhook.log). Every POST it gets is
# appended to FILE (default $STACK_DIR/webhook.jsonl) as one JSON line
# {"received": <unix time>, "path": "/<receiver>", "body": {...}}.
# Sets STACK_WEBHOOK_PORT, STACK_WEBHOOK_URL (http://127.0.0.1:PORT, no
# trailing slash), STACK_WEBHOOK_PID and STACK_WEBHOOK_FILE.
stack_webhook_receiver() {
  local file=${1:-$STACK_DIR/webhook.jsonl}
  [[ -n $STACK_DIR ]] || { stack_log "stack_webhook_receiver before stack_init"; return 1; }
  [[ -z $STACK_WEBHOOK_PID ]] || { stack_log "the webhook receiver is already running"; return 1; }
  : >"$file"
  stack__serve webhook "" python3 "$STACK__LIB_DIR/webhook_receiver.py" --port @PORT@ --out "$file"
  STACK_WEBHOOK_PID=$STACK__SERVE_PID STACK_WEBHOOK_PORT=$STACK__SERVE_PORT
  STACK_WEBHOOK_URL=http://127.0.0.1:$STACK__SERVE_PORT STACK_WEBHOOK_FILE=$file
}

# stack_alertmanager CONFIG: checks CONFIG with amtool (when installed) and
# starts Alertmanager on 127.0.0.1:<free port>, clustering disabled
# (--cluster.listen-address=), storage in $STACK_DIR/alertmanager-data, log
# $STACK_DIR/alertmanager.log; waits for /-/ready. Sets
# STACK_ALERTMANAGER_PORT, STACK_ALERTMANAGER_PID and STACK_ALERTMANAGER_URL,
# so call it BEFORE stack_prometheus, which then sends its alerts there.
stack_alertmanager() {
  local config=$1
  [[ -n $STACK_DIR ]] || { stack_log "stack_alertmanager before stack_init"; return 1; }
  [[ -z $STACK_ALERTMANAGER_PID ]] || { stack_log "Alertmanager is already running"; return 1; }
  [[ -f $config ]] || stack_die "Alertmanager config $config does not exist"
  [[ -z $STACK_PROMETHEUS_PID ]] ||
    stack_log "warning: Prometheus is already running; it does not know about this Alertmanager"
  if command -v amtool >/dev/null 2>&1; then
    amtool check-config "$config" >"$STACK_DIR/amtool.out" 2>&1 ||
      { cat "$STACK_DIR/amtool.out" >&2; stack_die "amtool rejects $config"; }
  fi
  stack__serve alertmanager "$STACK_ALERTMANAGER_PREFERRED_PORT" \
    "$STACK_ALERTMANAGER_BIN" --config.file="$config" --storage.path="$STACK_DIR/alertmanager-data" \
    --web.listen-address=127.0.0.1:@PORT@ --cluster.listen-address= --log.level=info
  STACK_ALERTMANAGER_PID=$STACK__SERVE_PID STACK_ALERTMANAGER_PORT=$STACK__SERVE_PORT
  STACK_ALERTMANAGER_URL=http://127.0.0.1:$STACK__SERVE_PORT
}

# stack_am_alerts: prints Alertmanager's alerts (/api/v2/alerts, including
# silenced and inhibited ones, with status.inhibitedBy) as a JSON array.
stack_am_alerts() {
  [[ -n $STACK_ALERTMANAGER_PID ]] || { stack_log "Alertmanager is not running"; return 1; }
  curl -fsS --max-time 10 "$STACK_ALERTMANAGER_URL/api/v2/alerts?active=true&silenced=true&inhibited=true"
}

# ----------------------------------------------------------------- query ----

# Prometheus HTTP API call: stack__api PATH [curl --data-urlencode args...].
# Prints the "data" member as JSON; on an API error prints it to stderr and
# returns 1.
stack__api() {
  local path=$1; shift
  local args=() a
  for a in "$@"; do args+=(--data-urlencode "$a"); done
  curl -sS --max-time 10 "${args[@]}" "$STACK_PROMETHEUS_URL$path" | python3 -c '
import json, sys
raw = sys.stdin.read()
try:
    doc = json.loads(raw)
except ValueError:
    sys.exit("not a Prometheus API answer: " + raw[:300])
if doc.get("status") != "success":
    sys.exit("Prometheus: %s: %s" % (doc.get("errorType"), doc.get("error")))
print(json.dumps(doc["data"]))
'
}

# stack__member KEY: reads a JSON object on stdin, prints its KEY as JSON.
stack__member() {
  python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)[sys.argv[1]]))' "$1"
}

# stack_query EXPR [TIME]: instant query; prints the result (a JSON array of
# {"metric": {...}, "value": [t, "v"]}, or the scalar/string value) on stdout.
# Returns 1, with Prometheus's error on stderr, if the query fails.
stack_query() {
  local args=("query=$1") data
  [[ -n ${2:-} ]] && args+=("time=$2")
  data=$(stack__api /api/v1/query "${args[@]}") || return 1
  stack__member result <<<"$data"
}

# stack_query_range EXPR START END STEP: range query (times in Unix seconds,
# STEP in seconds or a duration); prints the result array.
stack_query_range() {
  local data
  data=$(stack__api /api/v1/query_range "query=$1" "start=$2" "end=$3" "step=$4") || return 1
  stack__member result <<<"$data"
}

# stack_value EXPR: prints the value of the first result sample; returns 1
# (printing nothing) when the result is empty, 2 when the query fails.
stack_value() {
  local data
  data=$(stack_query "$1") || return 2
  python3 -c '
import json, sys
r = json.load(sys.stdin)
if isinstance(r, list):
    if not r:
        sys.exit(1)
    r = r[0]["value"]
print(r[1])
' <<<"$data"
}

# stack_wait_for EXPR [TIMEOUT]: waits until the instant query returns data
# (default STACK_READY_TIMEOUT seconds); returns 1 on timeout.
stack_wait_for() {
  local expr=$1 timeout=${2:-$STACK_READY_TIMEOUT} i
  for ((i = 0; i < timeout * 4; i++)); do
    [[ $(stack_query "$expr" 2>/dev/null) == \[\{* ]] && return 0
    sleep 0.25
  done
  stack_log "timed out after ${timeout} s waiting for: $expr"
  return 1
}

# stack_alerts: prints Prometheus's active alerts (/api/v1/alerts "alerts").
stack_alerts() {
  local data
  data=$(stack__api /api/v1/alerts) || return 1
  stack__member alerts <<<"$data"
}

# stack_rules: prints the loaded rule groups (/api/v1/rules "groups").
stack_rules() {
  local data
  data=$(stack__api /api/v1/rules) || return 1
  stack__member groups <<<"$data"
}
