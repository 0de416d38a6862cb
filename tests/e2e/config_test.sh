#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Configuration test: ctwatch's <Plugin ctwatch> block as the real collectd
# 5.12 parses it.
#
#   config_test.sh PLUGIN_SO
#
# Checks, each against a fresh temporary config:
#   * valid blocks: `collectd -t` exits 0, and `collectd -T` (config, init,
#     one read of every plugin, shutdown) exits 0 without ERROR lines;
#   * a typo'd key and bad values: collectd exits 1 (a config error, not a
#     crash or a timeout) within 10 s, and the message names the key (and
#     the value);
#   * the daemon itself (`collectd -f`) refuses to start on a bad block;
#   * `collectd -T` with a realistic config: exit 0, no ERROR, no ctwatch
#     WARNING, and the read really sampled the host namespace.
#
# About -t: collectd 5.8 to 5.12 exit 0 from `collectd -t` before reading the
# config at all (collectd issue #3216, fixed by PR #3793 after 5.12.0;
# Debian 12's 5.12.0-14 has the bug). The script detects that with a config
# that is not even syntactically valid; on such a collectd the "bad block
# fails" checks are made with -T, which parses the config the same way
# (cf_read, every plugin's config callback) before it reads anything, and
# -t is not run on valid blocks either (its exit 0 would prove nothing).
#
# Exit status: 0 pass, 1 fail, 77 skip (no collectd); with
# CTWATCH_REQUIRE_KERNEL=1 a skip is a failure.
set -euo pipefail

# log/pass/fail/die/skip, FAILURES, COLLECTD_LIBDIR, TYPES_DB, ...
# shellcheck source=tests/stack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../stack/lib.sh"

PLUGIN_SO=""
WORK=""
T_READS_CONFIG=1      # does `collectd -t` read the config? (see above)
RC=0                  # of the last run_collectd
OUT=""                # its stdout, stderr and log file, for the checks

parse_args() {
  if (($# != 1)) || [[ $1 == -* ]]; then
    printf 'usage: %s PLUGIN_SO\n' "$(basename "$0")" >&2
    exit 1
  fi
  PLUGIN_SO=$1
  [[ -f $PLUGIN_SO ]] || die "plugin $PLUGIN_SO does not exist (build the ctwatch target first)"
}

check_prerequisites() {
  require_collectd logfile csv
}

cleanup() {
  local rc=$?
  [[ -n $WORK ]] && rm -rf "$WORK"
  exit "$rc"
}

# csv is there only so that -T has a write plugin: without one every
# dispatched value is logged as an error.
prepare() {
  WORK=$(mktemp -d /tmp/ctwatch-config.XXXXXX)
  trap cleanup EXIT
  trap 'exit 1' INT TERM HUP
  mkdir -p "$WORK/csv" "$WORK/netns"
  prepare_plugin_dir "$WORK" "$PLUGIN_SO" logfile csv
}

# write_conf BLOCK: a complete collectd.conf whose <Plugin ctwatch> holds BLOCK.
write_conf() {
  {
    collectd_conf_head "$WORK" ctwatch-e2e false
    cat <<EOF

LoadPlugin csv
<Plugin csv>
  DataDir "$WORK/csv"
</Plugin>

LoadPlugin ctwatch
<Plugin ctwatch>
$1
</Plugin>
EOF
  } >"$WORK/collectd.conf"
}

# run_collectd ARGS...: runs collectd on $WORK/collectd.conf (10 s at most),
# sets RC and OUT. Messages before logfile is configured go to stderr,
# the rest to the log file: OUT has both.
run_collectd() {
  : >"$WORK/collectd.log"
  RC=0
  timeout 10 collectd "$@" -C "$WORK/collectd.conf" >"$WORK/collectd.out" 2>&1 || RC=$?
  OUT=$(cat "$WORK/collectd.out" "$WORK/collectd.log")
}

show_output() { printf '%s\n' "$OUT" | sed 's/^/    | /' >&2; }

# ------------------------------------------------------------------ checks --

probe_dash_t() {
  write_conf '<Broken'   # not even parseable: any working -t must fail
  run_collectd -t
  if ((RC == 0)); then
    T_READS_CONFIG=0
    log "note: \`collectd -t\` exits 0 on an unparseable config: this collectd does not test the config" \
        "(collectd issue #3216, fixed after 5.12.0). Bad blocks are checked with -T instead."
  else
    pass "collectd -t rejects an unparseable config (exit $RC)"
  fi
}

# expect_valid NAME BLOCK
expect_valid() {
  local name=$1
  write_conf "$2"
  if ((T_READS_CONFIG)); then
    run_collectd -t
    if ((RC == 0)); then pass "$name: collectd -t exits 0"
    else fail "$name: collectd -t exits $RC"; show_output; fi
  fi
  run_collectd -T
  if ((RC != 0)); then
    fail "$name: collectd -T exits $RC"; show_output
  elif grep -q '\[error\]\|^Error' <<<"$OUT"; then
    fail "$name: collectd -T exits 0 but logs errors"; show_output
  else
    pass "$name: collectd -T exits 0 without errors"
  fi
  if [[ -n ${CTWATCH_E2E_VERBOSE:-} ]]; then show_output; fi
}

# mentions KEY VALUE: one ctwatch message names both (VALUE may be empty).
mentions() {
  grep 'ctwatch plugin:' <<<"$OUT" | grep -F "\"$1\"" | grep -qF -- "$2"
}

# refused KEY VALUE: prints nothing when RC and OUT are collectd's refusal
# of a bad config -- exit 1 (main()'s EXIT_FAILURE when cf_read fails; 124
# would be our timeout, a hang; 128+N a crash) and a ctwatch message naming
# KEY and VALUE -- else what is wrong.
refused() {
  local key=$1 value=$2
  if ((RC == 124)); then
    printf 'did not finish within 10 s'
  elif ((RC != 1)); then
    printf 'exits %s, not 1' "$RC"
  elif ! mentions "$key" "$value"; then
    printf 'exits 1 but no ctwatch message names "%s"%s' "$key" "${value:+ and $value}"
  fi
}

# expect_invalid BLOCK KEY VALUE: VALUE as the message must print it
# (strings quoted, numbers as written); empty to check only the key.
expect_invalid() {
  local block=$1 key=$2 value=$3 what mode
  what="'$(tr '\n' ' ' <<<"$block" | sed 's/ *$//')'"
  write_conf "$block"
  local modes=(-T)
  ((T_READS_CONFIG)) && modes=(-t -T)
  for mode in "${modes[@]}"; do
    run_collectd "$mode"
    local why
    why=$(refused "$key" "$value")
    if [[ -n $why ]]; then
      fail "$what: collectd $mode $why"; show_output
    else
      pass "$what: collectd $mode fails (exit $RC): $(grep 'ctwatch plugin:' <<<"$OUT" | head -n1 |
        sed 's/^\[[a-z]*\] //')"
    fi
  done
}

# The daemon (not a test mode) must refuse a bad block: that is what
# protects a production host when -t does not.
expect_daemon_refuses() {
  write_conf "$1"
  run_collectd -f
  local why
  why=$(refused "$2" "")
  if [[ -z $why ]]; then
    pass "the daemon (collectd -f) refuses to start with '$1' (exit $RC)"
  else
    fail "the daemon (collectd -f) with '$1' $why"; show_output
  fi
}

# One read of every plugin with a realistic block: no error, no ctwatch
# warning, and the host namespace really was sampled.
check_read_once() {
  write_conf "  Census true
  CensusInterval 30
  CensusBudget 1.0
  NamespaceDir \"$WORK/netns\"
  NamespaceCensus false
  Source \"auto\"
  Timeout 2"
  run_collectd -T
  if ((RC != 0)); then
    fail "collectd -T (one read) exits $RC"; show_output; return
  fi
  pass "collectd -T (one read) exits 0"
  if grep -q '\[error\]\|^Error' <<<"$OUT"; then fail "collectd -T logs errors"; show_output
  else pass "collectd -T logs no errors"; fi
  if grep -q '\[warning\] ctwatch' <<<"$OUT"; then fail "collectd -T: ctwatch warns"; show_output
  else pass "collectd -T: no ctwatch warning"; fi
  if [[ ! -r /proc/sys/net/netfilter/nf_conntrack_max ]]; then
    # Nothing to sample without nf_conntrack: not this script's to judge.
    if [[ ${CTWATCH_REQUIRE_KERNEL:-0} == 1 ]]; then fail "the kernel has no nf_conntrack (CTWATCH_REQUIRE_KERNEL=1)"
    else log "note: no nf_conntrack in this kernel: not checking what the read sampled"; fi
    return
  fi
  if grep -q 'ctwatch plugin: sampling namespace "host" over \(netlink\|/proc\)' <<<"$OUT"; then
    pass "collectd -T: $(grep -o 'ctwatch plugin: sampling namespace "host" over [a-z/]*' <<<"$OUT")"
  else
    fail "collectd -T: the log does not say the host namespace was sampled"; show_output
  fi
}

main() {
  parse_args "$@"
  check_prerequisites
  prepare
  local t0=$SECONDS

  probe_dash_t

  expect_valid "the documented block" '  Census true
  CensusInterval 30
  CensusBudget 1.0
  Namespace "web" "/var/run/netns/web"
  NamespaceDir "/var/run/netns"
  NamespaceCensus false
  Source "auto"
  Timeout 2'
  expect_valid "an empty block (defaults)" ''
  expect_valid "keys in another case (collectd keys are case-insensitive)" '  census false
  SOURCE "proc"
  timeout 0.5'

  # The brief's cases, then more values the parser must refuse.
  expect_invalid '  Censsus true' Censsus ''
  expect_invalid '  Source "bogus"' Source '"bogus"'
  expect_invalid '  CensusInterval -1' CensusInterval '-1'
  expect_invalid '  Timeout "x"' Timeout '"x"'
  expect_invalid '  Census "yes"' Census '"yes"'
  expect_invalid '  NamespaceCensus 1' NamespaceCensus '1'
  expect_invalid '  CensusBudget 0' CensusBudget '0'
  expect_invalid '  Timeout 1000' Timeout '1000'
  expect_invalid '  Namespace "host" "/var/run/netns/x"' Namespace '"host"'
  expect_invalid '  Namespace "web"' Namespace '"web"'
  expect_invalid '  NamespaceDir "netns"' NamespaceDir '"netns"'

  expect_daemon_refuses '  Censsus true' Censsus

  check_read_once

  if ((FAILURES)); then
    log "$FAILURES check(s) failed ($((SECONDS - t0)) s)" >&2
    exit 1
  fi
  log "PASS ($((SECONDS - t0)) s)"
}

main "$@"
