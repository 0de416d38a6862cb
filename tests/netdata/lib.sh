# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# tests/netdata/lib.sh: run Debian's Netdata (1.37) in the foreground from a
# throwaway configuration: everything under $ND_DIR, web API on 127.0.0.1
# (free port), only the plugins in ND_PLUGINS_DIRS (ctwatch = yes, every
# other plugin off), alarms only from ND_HEALTH_DIR, run as root (the test
# is root anyway; the package test starts it the way Debian does instead).
# Source tests/stack/lib.sh first.
#
#   nd_write_conf DIR PLUGINS_DIRS HEALTH_DIR   -> DIR/netdata.conf, ND_PORT, ND_URL
#   nd_start / nd_stop                           -> ND_PID; nd_stop returns netdata's status
#   nd_api PATH                                  -> JSON on stdout
#   nd_wait_chart CHART SECONDS                  -> until /api/v1/charts has it
#   nd_alarm_status CHART.ALARM                  -> CLEAR, WARNING, CRITICAL, ... (from ?all)

nd_write_conf() {
  ND_DIR=$1
  local plugins=$2 health=$3
  mkdir -p "$ND_DIR"/{etc/health.d,stock,log,cache,lib}
  ND_PORT=$(stack_free_port)
  ND_URL=http://127.0.0.1:$ND_PORT
  cat >"$ND_DIR/netdata.conf" <<CONF
[global]
    run as user = ${ND_RUN_AS:-root}
    hostname = ctwatch-netdata-test
[db]
    mode = ram
    update every = 1
[directories]
    config = $ND_DIR/etc
    stock config = $ND_DIR/stock
    log = $ND_DIR/log
    cache = $ND_DIR/cache
    lib = $ND_DIR/lib
    home = $ND_DIR/lib
    plugins = $plugins
    health config = $ND_DIR/etc/health.d
    stock health config = $health
    registry = $ND_DIR/lib/registry
    web = /usr/share/netdata/web
[logs]
    debug = /dev/null
    error = $ND_DIR/log/error.log
    access = none
    health = $ND_DIR/log/health.log
[plugins]
    enable running new plugins = no
    check for new plugins every = 3600
    proc = no
    diskspace = no
    cgroups = no
    tc = no
    idlejitter = no
    timex = no
    checks = no
    statsd = no
    apps = no
    python.d = no
    charts.d = no
    go.d = no
    node.d = no
    fping = no
    ioping = no
    perf = no
    slabinfo = no
    nfacct = no
    cups = no
    ebpf = no
    netdata monitoring = no
    ctwatch = yes
[plugin:ctwatch]
    update every = 1
[health]
    enabled = yes
    run at least every seconds = 1
    script to execute on alarm = /bin/true
[web]
    bind to = 127.0.0.1:$ND_PORT
[ml]
    enabled = no
[registry]
    enabled = no
[cloud]
    enabled = no
CONF
}

nd_start() {
  netdata -D -c "$ND_DIR/netdata.conf" >"$ND_DIR/log/stdout.log" 2>&1 &
  ND_PID=$!
}

nd_stop() {
  [[ -n ${ND_PID:-} ]] || return 0
  local rc=0
  stack_stop_pid "$ND_PID" netdata 10 || rc=$?
  ND_PID=""
  return "$rc"
}

nd_api() { curl -fsS --max-time 5 "$ND_URL$1"; }

nd_wait_chart() {
  local chart=$1 deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    kill -0 "$ND_PID" 2>/dev/null || return 1
    nd_api /api/v1/charts 2>/dev/null | python3 -c "import json,sys; sys.exit(0 if '$chart' in json.load(sys.stdin)['charts'] else 1)" \
      2>/dev/null && return 0
    sleep 1
  done
  return 1
}

nd_alarm_status() {
  nd_api '/api/v1/alarms?all' | python3 -c "import json,sys; a=json.load(sys.stdin)['alarms'].get('$1'); print(a['status'] if a else 'ABSENT')"
}
