#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The Kubernetes examples (deploy/kubernetes, docs/kubernetes.md), checked
# without a cluster and without a container engine:
#   1. against the Kubernetes API schema from Debian 12's packages: the
#      OpenAPI (swagger 2.0) document of Kubernetes v1.13 that
#      golang-k8s-kube-openapi-dev ships (pkg/schemaconv/testdata/swagger.json;
#      fetched with `apt-get download`, not installed: it would pull Go),
#      strictly (unknown fields rejected), with python3-jsonschema;
#   2. when node and npm are there: the npm validators generated from a
#      current Kubernetes OpenAPI document (kubernetes-models) and from the
#      Prometheus Operator's CRDs (@kubernetes-models/prometheus-operator):
#      the PodMonitor's schema is in no Debian package;
#   3. that the pieces fit (k8s_check.py: config path, hostNetwork,
#      capabilities, the netns mount, port, PodMonitor selector, honorLabels);
#   4. the ConfigMap's collectd.conf with real collectd: `collectd -T` with
#      this build's ctwatch.so (NamespaceDir pointed at an empty directory,
#      a free port for write_prometheus);
#   5. the Containerfile, statically: a Debian 12 base, packages that exist,
#      the .deb installed, write_prometheus's shared libraries provided by
#      what it installs, the command it runs.
# Usage: tests/packaging/kubernetes.sh BUILD_DIR
# Downloads are cached in /var/cache/ctwatch-k8s (or ~/.cache/ctwatch-k8s).
# Exit 0 pass, 1 fail, 77 skip (cannot fetch the schema; with
# CTWATCH_REQUIRE_KERNEL=1 that is a failure).
set -uo pipefail
readonly SRC=$(cd "$(dirname "$0")/../.." && pwd)
readonly HERE=$SRC/tests/packaging
readonly K8S=$SRC/deploy/kubernetes
BUILD=${1:?usage: kubernetes.sh BUILD_DIR}
BUILD=$(cd "$BUILD" && pwd)
FAILURES=0 PASSES=0
pass() { printf 'ok:   %s\n' "$*"; PASSES=$((PASSES + 1)); }
fail() { printf 'FAIL: %s\n' "$*"; FAILURES=$((FAILURES + 1)); }
skip() {
  if [[ ${CTWATCH_REQUIRE_KERNEL:-0} == 1 ]]; then fail "$* (CTWATCH_REQUIRE_KERNEL=1 forbids skipping)"; exit 1; fi
  echo "SKIP: $*"; exit 77
}
WORK=$(mktemp -d /tmp/ctwatch-k8s.XXXXXX)
COLLECTD_PID=""
trap 'rm -rf "$WORK"' EXIT

CACHE=${CTWATCH_K8S_CACHE:-/var/cache/ctwatch-k8s}
mkdir -p "$CACHE" 2>/dev/null && [[ -w $CACHE ]] || CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/ctwatch-k8s
mkdir -p "$CACHE"

# --- 1. the schema from Debian ----------------------------------------------
readonly SCHEMA_PKG=golang-k8s-kube-openapi-dev
readonly SCHEMA_PATH=usr/share/gocode/src/k8s.io/kube-openapi/pkg/schemaconv/testdata/swagger.json
swagger=$CACHE/kube-openapi-swagger.json
if [[ ! -s $swagger ]]; then
  (cd "$WORK" && apt-get download -q -o APT::Sandbox::User=root "$SCHEMA_PKG" >"$WORK/apt.log" 2>&1) ||
    { cat "$WORK/apt.log"; skip "cannot apt-get download $SCHEMA_PKG (no Debian archive, or apt-get update needed)"; }
  deb=$(ls "$WORK"/"$SCHEMA_PKG"_*.deb)
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$WORK" "./$SCHEMA_PATH" ||
    skip "$deb has no $SCHEMA_PATH"
  mv "$WORK/$SCHEMA_PATH" "$swagger.tmp" && mv "$swagger.tmp" "$swagger"
  dpkg-deb -f "$deb" Version > "$CACHE/kube-openapi-version"
fi
echo "schema: $SCHEMA_PKG $(cat "$CACHE/kube-openapi-version" 2>/dev/null), $SCHEMA_PATH ($(python3 -c "import json,sys; print('Kubernetes', json.load(open(sys.argv[1]))['info']['version'])" "$swagger"))"
python3 -c 'import jsonschema, yaml' 2>/dev/null ||
  skip "python3-jsonschema or python3-yaml missing (scripts/install-deps.sh installs them)"

# --- 1 + 3: schema and fit ----------------------------------------------------
if python3 "$HERE/k8s_check.py" "$swagger" "$K8S" "$WORK/collectd.conf"; then
  pass "deploy/kubernetes: Kubernetes schema (strict) and the pieces fit"
else
  fail "deploy/kubernetes: k8s_check.py (above)"
fi

# --- 2: npm validators (PodMonitor CRD, current Kubernetes) -----------------
if command -v node >/dev/null && command -v npm >/dev/null; then
  npmdir=$CACHE/npm
  if [[ ! -d $npmdir/node_modules/@kubernetes-models/prometheus-operator ]]; then
    mkdir -p "$npmdir"
    echo '{"private": true}' > "$npmdir/package.json"
    (cd "$npmdir" && timeout 300 npm install --no-audit --no-fund --ignore-scripts --loglevel=error \
       @kubernetes-models/prometheus-operator@6.0.0 kubernetes-models@5.1.0 >"$WORK/npm.log" 2>&1) ||
      { cat "$WORK/npm.log"; fail "npm install of the Kubernetes/Prometheus Operator validators"; }
  fi
  if [[ -d $npmdir/node_modules/@kubernetes-models/prometheus-operator ]]; then
    if python3 -c 'import json, sys, yaml
docs = [d for f in sys.argv[1:] for d in yaml.safe_load_all(open(f)) if d]
print(json.dumps(docs))' "$K8S"/*.yaml | NODE_PATH=$npmdir/node_modules node "$HERE/k8s_models.mjs"; then
      pass "deploy/kubernetes: kubernetes-models 5.1.0 and the Prometheus Operator's PodMonitor schema"
    else
      fail "deploy/kubernetes: kubernetes-models / PodMonitor schema (above)"
    fi
  fi
else
  echo "note: no node/npm here: the PodMonitor is checked only by k8s_check.py's fit checks, not against the operator's CRD schema"
fi

# --- 4: the ConfigMap's collectd.conf with real collectd --------------------
so=$BUILD/plugin/ctwatch.so
[[ -f $so ]] || so=$(find "$BUILD" -name ctwatch.so -print -quit)
if [[ ! -s $WORK/collectd.conf ]]; then
  fail "no collectd.conf out of the ConfigMap"
elif ! command -v collectd >/dev/null || [[ ! -f $so ]]; then
  fail "collectd or $BUILD's ctwatch.so missing: cannot run the ConfigMap's collectd.conf"
else
  mkdir -p "$WORK/plugins" "$WORK/netns" "$WORK/base"
  cp "$so" "$WORK/plugins/ctwatch.so"
  for p in logfile write_prometheus; do cp "/usr/lib/collectd/$p.so" "$WORK/plugins/$p.so"; done
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  { printf 'PluginDir "%s"\nBaseDir "%s"\n' "$WORK/plugins" "$WORK/base"
    sed -e "s|^\(\s*NamespaceDir\s\+\).*|\1\"$WORK/netns\"|" \
        -e "s|^\(\s*Port\s\+\).*|\1\"$port\"\n  Host \"127.0.0.1\"|" "$WORK/collectd.conf"; } > "$WORK/test.conf"
  rc=0
  timeout 60 collectd -T -C "$WORK/test.conf" > "$WORK/collectd.log" 2>&1 || rc=$?
  if ((rc == 0)) && grep -q 'plugin "ctwatch" successfully loaded' "$WORK/collectd.log" &&
     ! grep -qi '\[error\]' "$WORK/collectd.log"; then
    pass "collectd -T with the ConfigMap's collectd.conf: ctwatch loads, no error"
  else
    cat "$WORK/test.conf" "$WORK/collectd.log"
    fail "collectd -T with the ConfigMap's collectd.conf: exit $rc"
  fi
fi

# --- 5: the Containerfile, statically ---------------------------------------
cf=$K8S/Containerfile
from=$(sed -n 's/^FROM[[:space:]]\+\([^[:space:]]*\).*/\1/p' "$cf")
[[ $from =~ (^|/)debian:12(-slim)?$ || $from =~ (^|/)debian:bookworm(-slim)?$ ]] &&
  pass "Containerfile: FROM $from (Debian 12)" || fail "Containerfile: FROM $from is not Debian 12"
pkgs=$(sed -e ':a;/\\$/{N;s/\\\n//;ba}' "$cf" | grep -o 'apt-get install[^&]*' | tr ' ' '\n' |
       grep -v -e '^-' -e '^apt-get$' -e '^install$' -e '^$' -e '/')
missing=""
for p in $pkgs; do apt-cache show "$p" >/dev/null 2>&1 || missing+=" $p"; done
[[ -n $pkgs && -z $missing ]] && pass "Containerfile: Debian packages exist:" $pkgs ||
  fail "Containerfile: no such Debian package:${missing:- (none listed)}"
grep -q 'install .*/tmp/\${DEB}' <(sed -e ':a;/\\$/{N;s/\\\n//;ba}' "$cf") && grep -q '^COPY \${DEB} /tmp/' "$cf" &&
  pass "Containerfile: copies and installs the collectd-ctwatch .deb (ARG DEB)" ||
  fail "Containerfile: does not COPY and apt-get install /tmp/\${DEB}"
# write_prometheus's libraries: each from a package the image installs (or
# their Depends); collectd-core only suggests them.
closure=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
            --no-replaces --no-enhances $pkgs collectd-core 2>/dev/null | grep -v '^ ' | sed 's/:.*//' | sort -u)
libs_missing=""
for lib in $(ldd /usr/lib/collectd/write_prometheus.so | awk '$3 ~ /^\// {print $3}'); do
  owner=$(dpkg -S "$(readlink -f "$lib")" 2>/dev/null | head -1 | cut -d: -f1) ||
    owner=$(dpkg -S "$lib" 2>/dev/null | head -1 | cut -d: -f1)
  [[ -z $owner ]] && owner=$(dpkg -S "${lib#/usr}" 2>/dev/null | head -1 | cut -d: -f1)
  grep -qx "$owner" <<< "$closure" || libs_missing+=" $(basename "$lib")($owner)"
done
[[ -z $libs_missing ]] && pass "Containerfile: write_prometheus.so's libraries come with the packages it installs" ||
  fail "Containerfile: write_prometheus.so needs libraries the image lacks:$libs_missing"
entry=$(sed -n 's/^ENTRYPOINT \["\([^"]*\)".*/\1/p' "$cf")
# (grep on a variable: `dpkg -L | grep -q` would fail under pipefail when
# grep exits first and dpkg gets SIGPIPE)
core_files=$(dpkg -L collectd-core 2>/dev/null)
grep -q "/s\?bin/$entry$" <<< "$core_files" &&
  pass "Containerfile: ENTRYPOINT $entry is collectd-core's" || fail "Containerfile: ENTRYPOINT $entry not in collectd-core"
grep -q '"-C", "/etc/collectd/kubernetes/collectd.conf"' "$cf" && grep -q '/etc/collectd/kubernetes/collectd.conf' "$K8S/collectd-ctwatch.yaml" &&
  pass "Containerfile: its default -C is the DaemonSet's ConfigMap path" || fail "Containerfile: CMD -C differs from the DaemonSet's"
echo "note: the image is not built here (no container engine); podman/docker build -f $cf would"

printf '%d passed, %d failed\n' "$PASSES" "$FAILURES"
((FAILURES == 0))
