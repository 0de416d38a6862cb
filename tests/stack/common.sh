# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash disable=SC2034  # NS_CREATED is read by the callers
#
# tests/stack/common.sh: the small helpers that the standalone collectd test
# scripts (tests/e2e/run.sh, tests/e2e/config_test.sh, tests/thresholds/run.sh,
# tests/fault/run.sh) share. Source it near the top of the script:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/../stack/common.sh"
#
# Conventions (exit status 0 pass, 1 fail, 77 skip):
#   log MSG...    a line on stdout
#   pass MSG...   "ok:   MSG" on stdout
#   fail MSG...   "FAIL: MSG" on stderr, counted in FAILURES; the run goes on
#                 so one run shows every broken check
#   die MSG...    "FAIL: MSG" on stderr, exit 1 (setup that cannot go on)
#   skip MSG...   "SKIP: MSG", exit 77; with CTWATCH_REQUIRE_KERNEL=1 a FAIL
#                 and exit 1 instead, so CI cannot skip silently
#
# Settings: COLLECTD_LIBDIR (/usr/lib/collectd), TYPES_DB
# (/usr/share/collectd/types.db), from the environment.
#
# tests/stack/lib.sh is the bigger harness (Prometheus, Alertmanager, ...);
# its stack_skip/stack_die follow the same conventions.

if [[ -n ${CT_COMMON__LOADED:-} ]]; then return 0; fi
CT_COMMON__LOADED=1

: "${COLLECTD_LIBDIR:=/usr/lib/collectd}"
: "${TYPES_DB:=/usr/share/collectd/types.db}"
readonly COLLECTD_LIBDIR TYPES_DB
FAILURES=0

export PATH=$PATH:/usr/sbin:/sbin

# ------------------------------------------------------------ messages ----

log() { printf '%s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; FAILURES=$((FAILURES + 1)); }
pass() { printf 'ok:   %s\n' "$*"; }
die() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
skip() {
  if [[ ${CTWATCH_REQUIRE_KERNEL:-0} == 1 ]]; then
    printf 'FAIL: %s (CTWATCH_REQUIRE_KERNEL=1 forbids skipping)\n' "$*" >&2
    exit 1
  fi
  printf 'SKIP: %s\n' "$*"
  exit 77
}

# ------------------------------------------------------- prerequisites ----

# require_tools CMD:DEBIAN_PACKAGE...: skip unless every command exists.
require_tools() {
  local tool pkg
  for tool in "$@"; do
    pkg=${tool#*:}; tool=${tool%%:*}
    command -v "$tool" >/dev/null || skip "$tool is not installed (Debian: $pkg)"
  done
}

# require_collectd PLUGIN...: collectd, the plugins' .so in COLLECTD_LIBDIR,
# and TYPES_DB; skip otherwise.
require_collectd() {
  command -v collectd >/dev/null || skip "collectd is not installed (Debian: collectd-core)"
  local p
  for p in "$@"; do
    [[ -f $COLLECTD_LIBDIR/$p.so ]] || skip "$COLLECTD_LIBDIR/$p.so is missing (Debian: collectd-core)"
  done
  [[ -f $TYPES_DB ]] || skip "$TYPES_DB is missing (Debian: collectd-core)"
}

# ------------------------------------------------------------ processes ----

stop_pid() {  # PID NAME [SECONDS]: TERM, then KILL after SECONDS (5); returns the exit status
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < ${3:-5} * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$2 (pid $pid) ignored SIGTERM for ${3:-5} s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  local rc=0
  wait "$pid" 2>/dev/null || rc=$?
  return "$rc"
}

# free_port: a port on 127.0.0.1 that was free a moment ago (callers retry
# when it is taken before they bind it).
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# ------------------------------------------------------------ namespace ----

# setup_test_netns NS TABLE ERRFILE: creates namespace NS (skip if that is
# not possible; sets NS_CREATED=1 for the caller's cleanup), lo up, and an
# nft table TABLE with a "ct state new counter" rule on output and input:
# conntrack is only instantiated in a namespace once a rule needs it, and
# nft autoloads nf_conntrack for the ct rule.
setup_test_netns() {
  local ns=$1 table=$2 err=$3 hook
  ip netns add "$ns" 2>"$err" ||
    skip "cannot create a network namespace: $(cat "$err")"
  NS_CREATED=1
  ip -n "$ns" link set lo up
  ip netns exec "$ns" nft add table inet "$table"
  for hook in output input; do
    ip netns exec "$ns" nft add chain inet "$table" "$hook" "{ type filter hook $hook priority 0; }"
    ip netns exec "$ns" nft add rule inet "$table" "$hook" ct state new counter
  done
}

# -------------------------------------------------------------- collectd ----

# prepare_plugin_dir DIR PLUGIN_SO [COLLECTD_PLUGIN...]: DIR/plugins with
# PLUGIN_SO as ctwatch.so and copies of collectd's PLUGIN.so, and DIR/base.
# collectd only loads regular files from PluginDir (a symlink is refused as
# "is not a regular file"), hence copies.
prepare_plugin_dir() {
  local dir=$1 so=$2 p
  shift 2
  mkdir -p "$dir/plugins" "$dir/base"
  cp "$so" "$dir/plugins/ctwatch.so"
  for p in "$@"; do cp "$COLLECTD_LIBDIR/$p.so" "$dir/plugins/"; done
}

# collectd_conf_head DIR HOSTNAME [TIMESTAMP]: prints the global part of a
# collectd.conf (Interval 1, BaseDir DIR/base, PIDFile DIR/collectd.pid,
# PluginDir DIR/plugins, TypesDB, no autoload) and the logfile plugin
# (first, so that every later message goes to DIR/collectd.log; Timestamp
# TIMESTAMP, default true).
collectd_conf_head() {
  cat <<EOT
Hostname "$2"
FQDNLookup false
Interval 1
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

# dump_file FILE LABEL: FILE on stderr between "----- LABEL (FILE) -----" and
# "----- end of LABEL -----" lines.
dump_file() {
  printf '\n----- %s (%s) -----\n' "$2" "$1" >&2
  cat "$1" >&2
  printf -- '----- end of %s -----\n' "$2" >&2
}
