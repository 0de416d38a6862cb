#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# packaging/ctwatch.conf (the conffile of the package and of cmake --install)
# lists every option of the plugin, commented, and nothing else: the keys of
# its <Plugin ctwatch> block are exactly those plugin/core/config.cpp parses
# (an option line is "#<tab>Key value", or "#<tab>#Key value" for an example
# that needs the user's data and stays commented when the block is
# uncommented).
# Needs nothing but bash and grep. Exit 0 pass, 1 fail.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
conf=$src/packaging/ctwatch.conf
parser=$src/plugin/core/config.cpp
# The push keys (PageNotifications, the <Alertmanager> block) are taken out
# of the block by core::take_push_config; the block's own keys are its.
push_parser=$src/plugin/core/alertmanager.cpp

known=$( (grep -o 'key_is(item, "[A-Za-z]*")' "$parser"; grep -o 'key_is(\*it, "[A-Za-z]*")' "$push_parser") |
         sed 's/.*"\(.*\)")/\1/' | sort -u)
# An example that needs the user's data is "#<tab>#Key" (or "#<tab>#<Block>"):
# it stays commented when the block is uncommented.
listed=$(sed -n '/^#<Plugin ctwatch>/,/^#<\/Plugin>/p' "$conf" |
         sed '/^#[[:space:]]*#\?<Alertmanager>/,/^#[[:space:]]*#\?<\/Alertmanager>/{/<Alertmanager>/!d}' |
         sed -n 's/^#[[:space:]]\+#\?<\?\([A-Z][A-Za-z]*\)[>[:space:]].*/\1/p' | sort -u)
[[ -n $known ]] || { echo "FAIL: no options found in $parser"; exit 1; }
grep -qx 'Include "/usr/share/ctwatch/load-plugin.conf"' "$conf" ||
  { echo "FAIL: $conf does not include /usr/share/ctwatch/load-plugin.conf"; exit 1; }
if [[ $known != "$listed" ]]; then
  echo "FAIL: options parsed by plugin/core/config.cpp vs listed in packaging/ctwatch.conf:"
  diff <(echo "$known") <(echo "$listed") | sed -n 's/^< /  missing from ctwatch.conf: /p; s/^> /  unknown to the plugin: /p'
  exit 1
fi
echo "ctwatch.conf lists all $(wc -l <<< "$known") options: $(tr '\n' ' ' <<< "$known")"
