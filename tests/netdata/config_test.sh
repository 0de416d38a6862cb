#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# ctwatch.plugin's configuration as Netdata hands it over: the user file wins
# over the stock one; a bad option or update period prints DISABLE (Netdata
# then does not restart the plugin) and names the file, line or key on
# stderr (Netdata's error.log). Usage: config_test.sh PLUGIN
set -uo pipefail
PLUGIN=$1
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
mkdir -p "$W/user" "$W/stock"
fails=0
expect() {  # NAME WANT_RC WANT_STDOUT_RE WANT_STDERR_RE CMD...
  local name=$1 rc=$2 out_re=$3 err_re=$4; shift 4
  "$@" >"$W/out" 2>"$W/err" </dev/null; local got=$?
  if [[ $got == "$rc" ]] && grep -qE "$out_re" "$W/out" && grep -qE "$err_re" "$W/err"; then echo "ok:   $name"
  else echo "FAIL: $name (exit $got)"; sed 's/^/  out: /' "$W/out" | head -3; sed 's/^/  err: /' "$W/err" | head -3; fails=$((fails + 1)); fi
}
export NETDATA_USER_CONFIG_DIR=$W/user NETDATA_STOCK_CONFIG_DIR=$W/stock
echo 'CensusInterval 30s' >"$W/stock/ctwatch.conf"
expect "bad stock option -> DISABLE, names key and value" 1 '^DISABLE$' \
  "ERROR: $W/stock/ctwatch.conf: option \"CensusInterval\": invalid value \"30s\"" "$PLUGIN" 1
printf 'Census true\nSource "auto\n' >"$W/user/ctwatch.conf"
expect "user file wins; unterminated string names the line" 1 '^DISABLE$' "ctwatch.conf line 2: unterminated string" "$PLUGIN" 1
echo 'Source "proc"' >"$W/user/ctwatch.conf"
expect "bad update every -> DISABLE" 1 '^DISABLE$' 'update every "0"' "$PLUGIN" 0
# A good file: runs, says where its configuration came from, stops on SIGTERM.
expect "good user file: charts, then a clean stop" 124 '^CHART ctwatch_host.entries' \
  "configuration from $W/user/ctwatch.conf" timeout 2.5 "$PLUGIN" 1
((fails == 0)) && echo PASS || exit 1
