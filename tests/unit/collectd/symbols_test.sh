#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# ctwatch.so is linked without -z defs (collectd's symbols come from the
# daemon), so this checks its dynamic symbols instead: its only defined
# dynamic symbol, of any kind (code, data, read-only data, GNU unique, weak,
# ifunc, absolute), is module_register, and every undefined symbol is versioned from libc,
# libstdc++, libgcc, libmnl or libcurl (the Alertmanager bridge), or is one of the collectd functions below,
# all of which collectd 5.12's daemon exports.
set -euo pipefail
so=${1:?usage: symbols_test.sh ctwatch.so}
allowed_collectd='^(plugin_dispatch_values|plugin_get_interval|plugin_log|plugin_register_complex_config|plugin_register_complex_read|plugin_register_init|plugin_register_shutdown|plugin_unregister_read|plugin_register_notification|plugin_dispatch_notification|plugin_notification_meta_add_string|plugin_notification_meta_add_double|plugin_notification_meta_free|hostname_g)$'
fail=0
# Every line of `nm -D --defined-only` is a symbol another object could bind
# to; the type letter does not matter.
exported=$(nm -D --defined-only "$so" | awk '{print $NF}')
if [[ "$exported" != "module_register" ]]; then
  echo "FAIL: defines dynamic symbols other than (or not) module_register:"
  nm -D --defined-only "$so"; fail=1
fi
while read -r sym; do
  case "$sym" in
    *@GLIBC_*|*@GLIBCXX_*|*@CXXABI_*|*@GCC_*|*@LIBMNL_*|*@CURL_OPENSSL_4) ;;
    _ITM_*|__gmon_start__) ;;
    *) if [[ ! "$sym" =~ $allowed_collectd ]]; then echo "FAIL: unexpected undefined symbol $sym"; fail=1; fi ;;
  esac
done < <(nm -D --undefined-only "$so" | awk '{print $2}')
[[ $fail -eq 0 ]] && echo "symbols ok: $(nm -D --undefined-only "$so" | wc -l) undefined, 1 exported"
exit $fail
