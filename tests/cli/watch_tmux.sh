#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# `ctwatch --watch` in a real terminal: tmux (its own server socket in a
# temp dir) at 80x24 runs it against a throwaway namespace holding a known
# table (ctwatch-fill), and the test reads the screen with capture-pane:
#   - the values: the kernel's own count (nf_conntrack_count of the
#     namespace) and max on the Fill line, the TCP states and top peers of
#     the known table;
#   - the layout: every line within the width, no wrapping (Fill stays on
#     row 2), at 80x24, after resizing to 60x12 and 30x5, and back;
#   - the way out: Ctrl-C, SIGTERM and `q` each end it with status 0, the
#     alternate screen left, the cursor visible and the tty modes (stty -g)
#     as before;
#   - without CAP_NET_ADMIN (root with the capability dropped): the /proc
#     view and the line naming the capability;
#   - not a terminal: plain text blocks, no escape sequences.
# Changes no sysctl. Needs root (skip, 77, otherwise).
#
# usage: watch_tmux.sh CTWATCH CTWATCH_FILL
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/stack/lib.sh
source "$HERE/../stack/lib.sh"

CLI=${1:?usage: watch_tmux.sh CTWATCH CTWATCH_FILL}
FILL=${2:?usage: watch_tmux.sh CTWATCH CTWATCH_FILL}
stack_require_root
require_tools tmux:tmux ip:iproute2 nft:nftables setpriv:util-linux timeout:coreutils

TMP=$(mktemp -d /tmp/ctwatch-tmux.XXXXXX)
NS=ctwatch-tmux-$$
NS_CREATED=0
T() { tmux -S "$TMP/tmux.sock" "$@"; }
cleanup() {
  T kill-server 2>/dev/null
  [[ $NS_CREATED == 1 ]] && ip netns del "$NS" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT

# ------------------------------------------------------------ the table ----
# 4 sources x 450 (1200 ESTABLISHED + 600 TIME_WAIT) to 198.19.0.1:80, and
# 10.9.0.1 with 300 UDP to 10.9.1.1:53: 2100 entries. Another test lowering
# the global nf_conntrack_max for a moment makes a fill fail with exit 3
# (table full): only that is retried, in a fresh namespace.
for attempt in 1 2 3 4 5; do
  setup_test_netns "$NS" ctwatch_tmux "$TMP/netns.err"
  ip netns exec "$NS" "$FILL" --quiet --src-count 4 tcp:ESTABLISHED=1200 tcp:TIME_WAIT=600 &&
    ip netns exec "$NS" "$FILL" --quiet --base-src 10.9.0.1 --base-dst 10.9.1.1 --dport 53 --src-count 1 udp=300
  rc=$?
  [[ $rc == 0 ]] && break
  [[ $rc == 3 && $attempt -lt 5 ]] || die "ctwatch-fill exited $rc"
  ip netns del "$NS"; NS_CREATED=0
  log "fill met a full table (nf_conntrack_max lowered by another test?); retrying"
  sleep 3
done
kernel() { ip netns exec "$NS" cat "/proc/sys/net/netfilter/nf_conntrack_$1"; }
COUNT=$(kernel count)
[[ $COUNT == 2100 ]] || die "the kernel counts $COUNT entries, not the 2100 filled"
pass "namespace $NS holds $COUNT entries"

# ------------------------------------------------------------ helpers ----
screen() { T capture-pane -p -t "$1"; }
# wait_screen SESSION SECONDS REGEX: until the screen matches.
wait_screen() {
  local end=$((SECONDS + $2))
  while ((SECONDS < end)); do
    screen "$1" | grep -Eq -- "$3" && return 0
    sleep 0.2
  done
  return 1
}
# check_layout SESSION WIDTH HEIGHT LABEL: the screen fits, nothing wrapped.
check_layout() {
  local s=$1 w=$2 h=$3 label=$4 text long rows before=$FAILURES
  text=$(screen "$s")
  rows=$(printf '%s\n' "$text" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' | wc -l)
  long=$(printf '%s\n' "$text" | awk -v w="$w" 'length($0) > w' | head -n 1)
  [[ -z $long ]] || fail "$label: a line is wider than $w: $long"
  ((rows <= h)) || fail "$label: $rows rows on a $h-row screen"
  [[ $(printf '%s\n' "$text" | sed -n 1p) == ctwatch* ]] || fail "$label: row 1 is not the header"
  if ((h >= 2)); then
    [[ $(printf '%s\n' "$text" | sed -n 2p) == "Fill     $COUNT of "* ]] || fail "$label: row 2 is not Fill $COUNT"
  fi
  ((FAILURES == before)) && pass "$label: ${rows} rows within ${w}x${h}, header and Fill in place"
}
# start SESSION COMMAND...: a detached 80x24 session that runs COMMAND
# between two `stty -g`, records its exit status, then idles (so the pane
# and its modes can still be inspected).
start() {
  local s=$1
  shift
  T new-session -d -s "$s" -x 80 -y 24 \
    "stty -g >$TMP/$s.before; $*; echo \$? >$TMP/$s.rc; stty -g >$TMP/$s.after; exec sleep 600"
}
# check_exit SESSION HOW: exit status 0, alternate screen left, cursor
# visible, tty modes restored.
check_exit() {
  local s=$1 how=$2 end=$((SECONDS + 10)) before=$FAILURES
  while [[ ! -s $TMP/$s.rc ]] && ((SECONDS < end)); do sleep 0.1; done
  [[ -s $TMP/$s.rc ]] || { fail "$how: ctwatch did not exit within 10 s"; return; }
  sleep 0.2
  [[ $(cat "$TMP/$s.rc") == 0 ]] || fail "$how: exit status $(cat "$TMP/$s.rc"), not 0"
  local modes
  modes=$(T display -p -t "$s" '#{alternate_on} #{cursor_flag}')
  [[ $modes == "0 1" ]] || fail "$how: alternate screen/cursor visible = $modes, not '0 1'"
  cmp -s "$TMP/$s.before" "$TMP/$s.after" || fail "$how: tty modes not restored ($(cat "$TMP/$s.before") -> $(cat "$TMP/$s.after"))"
  ((FAILURES == before)) && pass "$how: exit 0, screen, cursor and tty modes restored"
}

WATCH="ip netns exec $NS $CLI --watch 1"

# ------------------------------------------------------- 80x24, values ----
start w "$WATCH"
wait_screen w 15 'Top sources' || { screen w >&2; die "no Top sources on the screen within 15 s"; }
# A second refresh, so the rates are there too.
wait_screen w 5 'Per sec  drop 0 ' || fail "no counter rates after a refresh"
text=$(screen w)
printf '%s\n' "$text"
MAX=$(kernel max)
grep -q "^Fill     $COUNT of $MAX  " <<<"$text" || fail "Fill is not the kernel's $COUNT of $MAX"
grep -q "^TCP      ESTABLISHED 1200  TIME_WAIT 600$" <<<"$text" || fail "TCP states are not 1200/600"
grep -q "^Census   $COUNT entries in " <<<"$text" || fail "the census did not walk $COUNT entries"
grep -Eq '^Trend    peak 2100 ' <<<"$text" || fail "peak is not 2100"
for peer in '198.18.0.1 +450 +198.19.0.1:80 +1800' '198.18.0.2 +450 +10.9.1.1:53 +300' '198.18.0.4 +450' '10.9.0.1 +300'; do
  grep -Eq "^$peer\$" <<<"$text" || fail "no top peer row /$peer/"
done
grep -q 'Ctrl-C quits' <<<"$text" || fail "no quit hint"
pass "80x24: the kernel's count and max, states, census and top peers"
check_layout w 80 24 "80x24"

# ------------------------------------------------------------ resizing ----
T resize-window -t w -x 60 -y 12
wait_screen w 5 '^Fill .{0,60}\]$' || fail "no redraw at 60 columns"
sleep 0.3
check_layout w 60 12 "60x12"
screen w | grep -q '^Top sources' || fail "60x12: the top peers went although 12 rows leave room for some"
T resize-window -t w -x 30 -y 5
sleep 1.5
check_layout w 30 5 "30x5"
T resize-window -t w -x 80 -y 24
wait_screen w 5 '198.18.0.4 +450' || fail "80x24 again: the peer rows did not come back"
check_layout w 80 24 "80x24 again"

# ------------------------------------------------------------- leaving ----
T send-keys -t w C-c
check_exit w "Ctrl-C"

start t "$WATCH"
wait_screen t 15 '^Fill ' || die "second session: no screen"
pid=$(pgrep -P "$(T display -p -t t '#{pane_pid}')" | head -n 1)
[[ -n $pid ]] && kill -TERM "$pid"
check_exit t "SIGTERM"

start q "$WATCH"
wait_screen q 15 '^Fill ' || die "third session: no screen"
T send-keys -t q q
check_exit q "the q key"

# ------------------------------------------- without CAP_NET_ADMIN ----
start p "ip netns exec $NS setpriv --inh-caps=-all --bounding-set=-net_admin $CLI --watch 1"
wait_screen p 15 '^Limited' || { screen p >&2; fail "without CAP_NET_ADMIN: no Limited line"; }
text=$(screen p)
printf '%s\n' "$text"
grep -q "^Limited  /proc only: TCP states and top peers need CAP_NET_ADMIN" <<<"$text" ||
  fail "without CAP_NET_ADMIN: the line does not name the capability"
grep -q "^ctwatch  this network namespace  /proc  " <<<"$text" || fail "without CAP_NET_ADMIN: header does not say /proc"
grep -q "^Fill     $COUNT of $MAX  " <<<"$text" || fail "without CAP_NET_ADMIN: Fill is not $COUNT of $MAX"
grep -q "^TCP " <<<"$text" && fail "without CAP_NET_ADMIN: TCP states shown"
T send-keys -t p C-c
check_exit p "without CAP_NET_ADMIN, Ctrl-C"

# ------------------------------------------------- not a terminal ----
ip netns exec "$NS" timeout --preserve-status -s INT 2.5 "$CLI" --watch 1 >"$TMP/plain" 2>"$TMP/plain.err"
rc=$?
[[ $rc == 0 ]] || fail "plain: exit status $rc ($(cat "$TMP/plain.err"))"
grep -q $'\x1b' "$TMP/plain" && fail "plain: escape sequences in the output"
blocks=$(grep -c '^ctwatch  ' "$TMP/plain")
((blocks >= 2)) || fail "plain: $blocks blocks in 2.5 s at 1 s refresh"
[[ $(grep -c "^Fill     $COUNT of " "$TMP/plain") == "$blocks" ]] || fail "plain: a block without Fill $COUNT"
grep -q 'Ctrl-C quits' "$TMP/plain" && fail "plain: the quit hint is for terminals"
pass "plain: $blocks text blocks, no escapes"

((FAILURES == 0)) || die "$FAILURES check(s) failed"
log "all checks passed"
