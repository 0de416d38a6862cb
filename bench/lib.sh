# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# What the benchmark scripts share (bench/run.sh, sampler.sh, budget.sh,
# netdata.sh); source it, then:
#
#   bench_args "$@"; set -- "${BENCH_ARGS[@]}"
#       BENCH_UPDATE=1 when -u was given (write this run's numbers into the
#       docs' generated block instead of checking against it), BENCH_ARGS
#       the other arguments in order;
#   bench_lock
#       one timed benchmark at a time on this machine: waits for, then holds
#       until exit, /run/ctwatch-bench.lock (every script here, bench/fleet
#       too). Never run a benchmark under `flock` on that file yourself: it
#       would wait for itself. Children inherit the descriptor
#       (BENCH_LOCK_FD); close it ({BENCH_LOCK_FD}>&-) where descriptors are
#       counted.

bench_args() {
  BENCH_UPDATE=0
  BENCH_ARGS=()
  local a
  for a in "$@"; do
    if [[ $a == -u ]]; then BENCH_UPDATE=1; else BENCH_ARGS+=("$a"); fi
  done
}

bench_lock() {
  exec {BENCH_LOCK_FD}>/run/ctwatch-bench.lock
  flock "$BENCH_LOCK_FD"
}
