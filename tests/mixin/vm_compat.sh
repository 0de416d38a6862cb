#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The shipped rules file in vmalert against VictoriaMetrics vs Prometheus on
# the same synthetic data (tests/mixin/vm_compat.py).  ~10 s.
# Exit status: 0 same, 1 a difference, 77 victoria-metrics/prometheus missing.
set -euo pipefail
# shellcheck source=tests/stack/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../stack/lib.sh"
cd "$(dirname "$0")/../.."
require_tools promtool:prometheus prometheus:prometheus victoria-metrics:victoria-metrics vmalert:victoria-metrics python3:python3
exec python3 tests/mixin/vm_compat.py "$@"
