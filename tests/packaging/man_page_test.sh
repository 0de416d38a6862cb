#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# docs/collectd-ctwatch.5, the plugin's man page, documents exactly the
# options the plugin parses (plugin/core/config.cpp; the push keys and the
# <Alertmanager> block's keys in plugin/core/alertmanager.cpp), each as a
# ".BI Name" (or ".B <Block>") entry under OPTIONS; the top-level ones in its
# SYNOPSIS too; and it formats without a warning from man/groff.
# Needs bash, grep and man-db/groff. Exit 0 pass, 1 fail.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
page=$src/docs/collectd-ctwatch.5
parser=$src/plugin/core/config.cpp
push_parser=$src/plugin/core/alertmanager.cpp
fail=0

keys() { sed 's/.*"\(.*\)")/\1/' | sort -u; }
top=$( (grep -o 'key_is(item, "[A-Za-z]*")' "$parser"
        [[ -f $push_parser ]] && grep -o 'key_is(\*it, "[A-Za-z]*")' "$push_parser") | keys)
block=$( ([[ -f $push_parser ]] && grep -o 'key_is(k, "[A-Za-z]*")' "$push_parser") | keys)
known=$(printf '%s\n%s\n' "$top" "$block" | sed '/^$/d' | sort -u)
[[ -n $top ]] || { echo "FAIL: no options found in $parser"; exit 1; }
# ".BI Key ..." entries, and the keys inside a combined entry
# (.BI CACert " file" "\fR, \fPClientCert " file ...), and ".B <Block>".
documented=$(sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$page" |
  sed -n -e 's/^\.B <\([A-Z][A-Za-z]*\)>$/\1/p' -e '/^\.BI [A-Z]/{s/^\.BI //;s/\\fP\([A-Z][A-Za-z]*\) /\n\1 /g;p}' |
  sed -n 's/^\([A-Z][A-Za-z]*\)\( .*\)\?$/\1/p' | sort -u)
synopsis=$(sed -n '/^\.SH SYNOPSIS/,/^\.SH /p' "$page" | sed -n 's/^  <\?\([A-Z][A-Za-z]*\)[> ].*/\1/p' | sort -u)
if [[ $known != "$documented" ]]; then
  echo "FAIL: options the plugin parses vs documented under OPTIONS in docs/collectd-ctwatch.5:"
  diff <(echo "$known") <(echo "$documented") | sed -n 's/^< /  not documented: /p; s/^> /  unknown to the plugin: /p'
  fail=1
fi
if [[ $top != "$synopsis" ]]; then
  echo "FAIL: top-level options the plugin parses vs in the SYNOPSIS of docs/collectd-ctwatch.5:"
  diff <(echo "$top") <(echo "$synopsis") | sed -n 's/^< /  missing: /p; s/^> /  unknown to the plugin: /p'
  fail=1
fi
# Formatting: groff's warnings (-ww) and man's (--warnings) must be silent.
if command -v groff >/dev/null; then
  out=$(groff -man -ww -z "$page" 2>&1) || true
  [[ -z $out ]] || { echo "FAIL: groff -man -ww warns on docs/collectd-ctwatch.5:"; echo "$out"; fail=1; }
fi
if command -v man >/dev/null; then
  out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$page" 2>&1 >/dev/null) || true
  [[ -z $out ]] || { echo "FAIL: man --warnings -l docs/collectd-ctwatch.5:"; echo "$out"; fail=1; }
fi
((fail == 0)) || exit 1
echo "docs/collectd-ctwatch.5 documents all $(wc -l <<< "$known") options: $(tr '\n' ' ' <<< "$known")"
