#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Static checks of rules/alertmanager/alertmanager.example.yml (no daemon,
# no network, no root):
#   * `amtool check-config` accepts it;
#   * every alert of rules/prometheus/ctwatch.rules.yml is routed by its
#     severity: critical -> pager, warning -> chat, info -> ticket
#     (`amtool config routes test --verify.receivers`), and an alert that is
#     not a ctwatch one goes to the default receiver;
#   * every alert name the inhibit_rules mention exists in the rule file
#     (a renamed alert would silently stop being inhibited);
#   * the test config generated from it for the replay
#     (make_test_alertmanager.py) is accepted by amtool too.
# The inhibition itself is exercised live by tests/replay/run.sh.
#
#   check_alertmanager_example.sh [EXAMPLE] [RULES]
# Exit status: 0 pass, 1 fail, 77 skip (amtool or python3 missing;
# CTWATCH_REQUIRE_KERNEL=1 turns the skip into a failure, like the other tests).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
EXAMPLE=${1:-$REPO/rules/alertmanager/alertmanager.example.yml}
RULES=${2:-$REPO/rules/prometheus/ctwatch.rules.yml}

# skip (exit 77; a failure under CTWATCH_REQUIRE_KERNEL=1) and friends.
# shellcheck source=../stack/lib.sh
. "$REPO/tests/stack/lib.sh"
require_tools amtool:prometheus-alertmanager python3:python3
[[ -f $EXAMPLE && -f $RULES ]] || die "$EXAMPLE or $RULES does not exist"

if out=$(amtool check-config "$EXAMPLE" 2>&1); then pass "amtool check-config $(basename "$EXAMPLE")"
else printf '%s\n' "$out" >&2; fail "amtool check-config rejects $EXAMPLE"; fi

# "alertname severity" for every alerting rule (text scan: the rule file
# gives each rule one `severity:` label).
mapfile -t alerts < <(awk '
  /^[[:space:]]*-[[:space:]]*alert:/ { if (name != "") print name, sev; name = $NF; sev = "?" }
  /^[[:space:]]*severity:/ && name != "" { sev = $2 }
  END { if (name != "") print name, sev }' "$RULES")
((${#alerts[@]} > 0)) || fail "no alerts found in $RULES"

route() {  # expected-receiver label=value...
  local want=$1; shift
  if amtool config routes test --config.file="$EXAMPLE" --verify.receivers="$want" "$@" >/dev/null 2>&1; then
    pass "$* -> $want"
  else
    fail "$* -> $(amtool config routes test --config.file="$EXAMPLE" "$@" 2>/dev/null), expected $want"
  fi
}
for a in "${alerts[@]}"; do
  read -r name sev <<<"$a"
  case $sev in
    critical) want=pager ;;
    warning) want=chat ;;
    info) want=ticket ;;
    *) fail "$name has severity '$sev' in $RULES"; continue ;;
  esac
  route "$want" alertname="$name" severity="$sev" instance=web-1 ctwatch=host job=collectd
done
route chat alertname=SomethingElse severity=critical instance=web-1

# Alert names in the inhibit rules must exist.
known=" $(printf '%s\n' "${alerts[@]}" | awk '{print $1}' | tr '\n' ' ') "
mapfile -t mentioned < <(sed -n '/^inhibit_rules:/,/^[a-z_]*:/p' "$EXAMPLE" | grep -v '^[[:space:]]*#' |
  grep -oE 'alertname *=~? *"[^"]*"' | sed -E 's/.*"([^"]*)"/\1/' | tr '|' '\n' | sort -u)
((${#mentioned[@]} > 0)) || fail "no alert names found in the inhibit_rules of $EXAMPLE"
for n in "${mentioned[@]}"; do
  if [[ $known == *" $n "* ]]; then pass "inhibit_rules: $n exists"; else fail "inhibit_rules mention $n, which $RULES does not define"; fi
done

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
if python3 "$HERE/make_test_alertmanager.py" "$EXAMPLE" --webhook http://127.0.0.1:9 >"$tmp" &&
  amtool check-config "$tmp" >/dev/null 2>&1; then
  pass "the replay's generated test config is valid"
else
  fail "make_test_alertmanager.py output is not a valid Alertmanager config"
fi

if ((FAILURES)); then printf "%d check(s) failed\n" "$FAILURES" >&2; exit 1; fi
printf 'PASS: alertmanager example (%d alerts routed)\n' "${#alerts[@]}"
