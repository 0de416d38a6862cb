#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The kernel matrix: the kernel suite (tests/kernels/suite.sh) on the
# kernels users run, Debian 11 (5.10), 12 (6.1) and 13 (6.12), each booted
# under qemu (TCG, no network device) from an initramfs made of this
# machine's binaries, and on the build machine's own kernel.
#
#   run.sh BUILD_DIR [-u]
#     -u  rewrite docs/kernels.md from what this run observed
#
# Prints one line per kernel ("kernel 5.10.0-32-amd64: 7 passed, 0 failed")
# and exits non-zero if any kernel fails, or if docs/kernels.md differs
# from what the Debian kernels showed.
#
# Kernel packages come from Debian's archive (the mirror of this machine's
# apt sources), fetched with a private apt state under the cache
# (CTWATCH_KERNEL_CACHE, default /var/cache/ctwatch-kernels): the machine's
# apt configuration is never changed, and a cached kernel is used without
# asking the archive again. Exit 77 (skip) when something is missing
# (root, qemu, the archive); CTWATCH_REQUIRE_KERNEL=1 makes that a failure.
#
# Environment: CTWATCH_KERNELS (default "5.10 6.1 6.12 host"),
# CTWATCH_HOST_KERNEL_TESTS (default 1; 0: on the host, leave out the kernel
# test binaries, which ctest runs there as tests of their own),
# CTWATCH_KERNELS_OUT_SUFFIX (work directory BUILD_DIR/kernels<suffix>, so
# that two runs with different CTWATCH_KERNELS can run at once),
# CTWATCH_VM_TIMEOUT (seconds per VM, default 600), CTWATCH_KERNEL_CACHE.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
readonly HERE SRC
readonly DOC=$SRC/docs/kernels.md
readonly CACHE=${CTWATCH_KERNEL_CACHE:-/var/cache/ctwatch-kernels}
readonly VM_TIMEOUT=${CTWATCH_VM_TIMEOUT:-600}
readonly VM_CPUS=2 VM_MEM_MIB=2048
# Debian suite and package name (a regular expression) per kernel series.
declare -rA SUITE=([5.10]=bullseye [6.1]=bookworm [6.12]=trixie)
declare -rA PACKAGE=([5.10]='linux-image-5\.10\.0-[0-9]+-amd64-unsigned'
                     [6.1]='linux-image-6\.1\.0-[0-9]+-amd64-unsigned'
                     [6.12]='linux-image-6\.12\.[0-9]+\+deb13-amd64-unsigned')
declare -rA RELEASE=([5.10]='Debian 11 bullseye' [6.1]='Debian 12 bookworm' [6.12]='Debian 13 trixie')
# Loaded in this order, each after its dependencies (found in the modules'
# own depends= field). crc32c first: libcrc32c only soft-depends on it.
readonly MODULES=(crc32c_generic nf_conntrack nf_conntrack_netlink nf_tables nft_ct nft_counter veth)
# Host programs the suite and the kernel tests run, copied with their libraries.
readonly PROGRAMS=(/usr/bin/ip /usr/bin/ss /usr/sbin/nft /usr/bin/python3 /usr/bin/setpriv /usr/sbin/collectd /usr/bin/bash
                  /usr/bin/curl /usr/sbin/conntrack)
# The kernel tests the suite runs (tests/kernels/suite.sh names them too).
readonly KERNEL_TESTS=(tests/integration/kernel_monitor tests/integration/kernel_drop tests/integration/kernel_peers
                       tests/integration/kernel_fast tests/integration/kernel_status tests/integration/kernel_chain
                       tests/cli/kernel_cli)
# In the VM the build and source trees are copied to these fixed places, so
# that a tree anywhere on the build machine works, also one under /tmp or
# /run, where the VM mounts fresh tmpfs file systems.
readonly VM_BUILD=/ctwatch/build VM_SRC=/ctwatch/src
readonly COLLECTD_PLUGINS=(logfile write_prometheus)

BUILD=""
UPDATE=0
OUT=""
FAILED=0
APT_READY=0

# log/die/skip (exit 77; a failure under CTWATCH_REQUIRE_KERNEL=1).
# shellcheck source=tests/stack/lib.sh
source "$SRC/tests/stack/lib.sh"

parse_args() {
  while (($#)); do
    case $1 in
      -u) UPDATE=1 ;;
      -*) die "unknown option $1 (usage: run.sh BUILD_DIR [-u])" ;;
      *) BUILD=$(cd "$1" && pwd) ;;
    esac
    shift
  done
  [[ -n $BUILD ]] || die "usage: run.sh BUILD_DIR [-u]"
  OUT=$BUILD/kernels${CTWATCH_KERNELS_OUT_SUFFIX:-}
}

check_prerequisites() {
  ((EUID == 0)) || skip "needs root (kernel cache, /dev/console in the initramfs, the host's kernel tests)"
  local t
  for t in qemu-system-x86_64:qemu-system-x86 cpio:cpio xz:xz-utils zstd:zstd strings:binutils apt-get:apt \
    busybox:busybox-static; do
    command -v "${t%%:*}" >/dev/null || skip "${t%%:*} missing (apt install ${t##*:})"
  done
  ! ldd "$(command -v busybox)" >/dev/null 2>&1 || skip "busybox is not static (apt install busybox-static)"
  local p
  for p in "${PROGRAMS[@]}" /usr/lib/collectd/write_prometheus.so; do
    [[ -e $p ]] || skip "$p missing (scripts/install-deps.sh)"
  done
  for p in cli/ctwatch plugin/ctwatch.so tools/ctwatch-fill/ctwatch-fill "${KERNEL_TESTS[@]}"; do
    [[ -x $BUILD/$p ]] || die "$BUILD/$p missing: build first"
  done
}

# ------------------------------------------------------------ kernels ------

# The archive of this machine's apt sources (a suite without "-", so not
# the security archive), read from its one-line or deb822 sources.
mirror() {
  {
    sed -n 's/^deb \(\[[^]]*\] \)\?\([^ ]*\) \([a-z]*\) .*/\2/p' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null
    awk '/^URIs:/ {u = $2} /^Suites:/ {for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+$/) {print u; exit}}' \
      /etc/apt/sources.list.d/*.sources 2>/dev/null
  } | head -n 1
}

APT_OPTS=()
apt_private() {
  ((APT_READY)) && return 0
  local uri suite
  uri=$(mirror)
  [[ -n $uri ]] || return 1
  mkdir -p "$CACHE/apt/etc" "$CACHE/apt/lists/partial" "$CACHE/apt/cache/archives/partial"
  for suite in bullseye bookworm trixie; do
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $suite main"
  done >"$CACHE/apt/etc/sources.list"
  APT_OPTS=(-o "Dir::Etc::sourcelist=$CACHE/apt/etc/sources.list" -o Dir::Etc::sourceparts=-
    -o "Dir::State::Lists=$CACHE/apt/lists" -o "Dir::Cache=$CACHE/apt/cache" -o Dir::State::status=/dev/null
    -o APT::Sandbox::User=root -q)
  log "updating a private apt state for bullseye, bookworm and trixie"
  # --error-on=any: an index that cannot be fetched is an error, not a warning.
  apt-get "${APT_OPTS[@]}" --error-on=any update >"$OUT/apt-update.log" 2>&1 || { cat "$OUT/apt-update.log" >&2; return 1; }
  APT_READY=1
}

# fetch SERIES: DEB = that kernel's .deb, from the cache or downloaded
# (the newest of the suite) into it.
DEB=""
fetch() {
  local series=$1 re=${PACKAGE[$1]} deb name
  mkdir -p "$CACHE/debs"
  deb=$(find "$CACHE/debs" -maxdepth 1 -name '*.deb' -printf '%f\n' | grep -E "^${re}_" | sort -V | tail -n 1 || true)
  if [[ -z $deb ]]; then
    apt_private || skip "cannot reach Debian's archive for ${SUITE[$series]} (see $OUT/apt-update.log)"
    name=$(apt-cache "${APT_OPTS[@]}" search --names-only "^${re}\$" | awk '{print $1}' | sort -V | tail -n 1)
    [[ -n $name ]] || skip "no package matching ${re} in ${SUITE[$series]}"
    log "downloading $name"
    (cd "$CACHE/debs" && apt-get "${APT_OPTS[@]}" download "$name" >&2) || skip "cannot download $name"
    deb=$(find "$CACHE/debs" -maxdepth 1 -name "${name}_*.deb" -printf '%f\n' | sort -V | tail -n 1)
  fi
  DEB=$CACHE/debs/$deb
}

# unpack DEB: prints a directory holding the kernel image and the modules
# the VM needs (cached next to the .deb).
unpack() {
  local tree
  tree=$CACHE/trees/$(basename "$1" .deb)
  if [[ ! -e $tree/.done ]]; then
    rm -rf "$tree" "$tree.tmp"
    mkdir -p "$tree.tmp"
    dpkg-deb --fsys-tarfile "$1" | tar -x -C "$tree.tmp" --wildcards './boot/vmlinuz-*' '*/modules.builtin' \
      '*/kernel/net/*' '*/kernel/lib/*' '*/kernel/crypto/*' '*/kernel/drivers/net/veth.ko*'
    mv "$tree.tmp" "$tree"
    touch "$tree/.done"
  fi
  echo "$tree"
}

# add_module DIR STAGE NAME: NAME's dependencies, then NAME, into
# STAGE/modules (uncompressed) and STAGE/modules/order. A built-in module
# is nothing to load; an unknown one is an error.
declare -A SEEN=()
add_module() {
  local dir=$1 stage=$2 name=${3//-/_} f dep
  [[ -n ${SEEN[$name]:-} ]] && return 0
  SEEN[$name]=1
  f=$(find "$dir/kernel" -regex ".*/${name//_/[_-]}\.ko\(\.xz\|\.zst\)?" | head -n 1)
  if [[ -z $f ]]; then
    grep -Eq "/${name//_/[_-]}\.ko$" "$dir/modules.builtin" && return 0
    return 1
  fi
  case $f in
    *.xz) xz -dc "$f" ;;
    *.zst) zstd -qdc "$f" ;;
    *) cat "$f" ;;
  esac >"$stage/modules/$name.ko"
  for dep in $(strings -a "$stage/modules/$name.ko" | sed -n 's/^depends=//p' | tr , ' '); do
    add_module "$dir" "$stage" "$dep" || die "$name needs $dep, not found in $dir"
  done
  echo "$name" >>"$stage/modules/order"
}

# modules_cpio TREE CPIO: the conntrack modules of that kernel as a cpio.
modules_cpio() {
  local dir stage=$OUT/modules m
  for dir in "$1"/lib/modules/* "$1"/usr/lib/modules/*; do [[ -d $dir ]] && break; done
  rm -rf "$stage"
  mkdir -p "$stage/modules"
  SEEN=()
  for m in "${MODULES[@]}"; do
    # nft_counter is a module in 5.10 and part of nf_tables.ko later; the
    # others must exist as modules or be built in.
    add_module "$dir" "$stage" "$m" || [[ $m == nft_counter ]] || die "module $m not in $dir"
  done
  (cd "$stage" && find . -print0 | cpio --null -o -H newc --quiet) >"$2"
}

# --------------------------------------------------------- userspace ------

STAGE=""
# install_file PATH [DEST]: PATH (followed) at DEST (default: the same
# place) under STAGE, and for an ELF file its libraries (ldd), at their place.
install_file() {
  local p=$1 dest=${2:-$1} lib
  [[ -e $STAGE$dest ]] && return 0
  mkdir -p "$STAGE$(dirname "$dest")"
  cp -L "$p" "$STAGE$dest"
  if ldd "$p" >/dev/null 2>&1; then
    for lib in $(ldd "$p" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'); do
      install_file "$lib"
    done
  fi
}

# The stdlib modules python3 needs for the tests' traffic and check.py.
install_python() {
  local f
  install_file "$(readlink -f /usr/bin/python3)"
  ln -sf "$(basename "$(readlink -f /usr/bin/python3)")" "$STAGE/usr/bin/python3"
  for f in $(/usr/bin/python3 -S -c 'import sys, site, socket, threading, json, re, time, encodings.utf_8, encodings.latin_1, encodings.ascii, encodings.idna
print("\n".join(m.__file__ for m in list(sys.modules.values()) if getattr(m, "__file__", None)))'); do
    install_file "$f"
  done
  # Python finds its exec prefix by this directory, even if empty.
  mkdir -p "$STAGE$(/usr/bin/python3 -S -c 'import sys; print(sys.prefix + "/lib/python%d.%d/lib-dynload" % sys.version_info[:2])')"
}

userspace_cpio() {
  STAGE=$OUT/root
  rm -rf "$STAGE"
  mkdir -p "$STAGE"/{usr/bin,usr/sbin,usr/lib,usr/lib64,proc,sys,dev,tmp,run,etc,var,modules}
  local d p a
  for d in bin sbin lib lib64; do ln -s "usr/$d" "$STAGE/$d"; done
  ln -s ../run "$STAGE/var/run"
  mknod -m 600 "$STAGE/dev/console" c 5 1
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$STAGE/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$STAGE/etc/group"
  for p in "${PROGRAMS[@]}"; do [[ $p == /usr/bin/python3 ]] || install_file "$p"; done
  install_python
  for p in "${COLLECTD_PLUGINS[@]}"; do install_file "/usr/lib/collectd/$p.so"; done
  install_file /usr/share/collectd/types.db
  for p in cli/ctwatch plugin/ctwatch.so tools/ctwatch-fill/ctwatch-fill "${KERNEL_TESTS[@]}"; do
    install_file "$BUILD/$p" "$VM_BUILD/$p"
  done
  # docs/: the metric contract (docs/metrics.md, read by tests/contract.py).
  for p in tests/kernels/check.py tests/kernels/collectd_check.sh tests/stack/lib.sh tests/contract.py README.md \
    $(cd "$SRC" && ls docs/*.md); do
    install_file "$SRC/$p" "$VM_SRC/$p"
  done
  cp "$HERE/suite.sh" "$STAGE/ctwatch-suite.sh"
  sed -e "s|@BUILD@|$VM_BUILD|" -e "s|@SOURCE@|$VM_SRC|" "$HERE/init.sh" >"$STAGE/init"
  chmod 755 "$STAGE/init"
  # Debian's static busybox prefers its own applets to PATH (its `ip` has
  # no netns): dash is /bin/sh, busybox only for the commands not copied.
  install_file /usr/bin/dash
  ln -s dash "$STAGE/usr/bin/sh"
  install_file "$(command -v busybox)"
  for a in $(busybox --list-full); do
    [[ -e $STAGE/usr/bin/${a##*/} || -e $STAGE/usr/sbin/${a##*/} ]] || ln -s /usr/bin/busybox "$STAGE/usr/bin/${a##*/}"
  done
  (cd "$STAGE" && find . -print0 | cpio --null -o -H newc --quiet) >"$OUT/userspace.cpio"
}

# ------------------------------------------------------------- results ----

# report NAME LOG: the per-kernel line from a suite log; failures' output
# to stderr. Returns non-zero if the kernel failed.
report() {
  local name=$1 log=$2 kver passed failed
  kver=$(sed -n 's/^ctwatch-kernels: obs kernel //p' "$log" | tr -d '\r' | head -n 1)
  read -r passed failed < <(sed -n 's/^ctwatch-kernels: summary //p' "$log" | tr -d '\r') || true
  if [[ -n ${failed:-} ]]; then
    sed -n 's/^ctwatch-kernels: obs //p' "$log" | tr -d '\r' >"$OUT/$name.obs"
  else
    tail -n 60 "$log" >&2
    echo "kernel ${kver:-$name}: the suite did not finish (see $log)"
    return 1
  fi
  if ((failed)); then
    sed -n '/^ctwatch-kernels: fail /,/^ctwatch-kernels: \(pass\|fail\|summary\)/p' "$log" | tr -d '\r' >&2
  fi
  echo "kernel $kver: $passed passed, $failed failed"
  ((failed == 0))
}

run_vm() {
  local series=$1 tree vmlinuz log start
  fetch "$series"
  tree=$(unpack "$DEB")
  vmlinuz=$(find "$tree/boot" -name 'vmlinuz-*' | head -n 1)
  modules_cpio "$tree" "$OUT/modules.cpio"
  cat "$OUT/userspace.cpio" "$OUT/modules.cpio" >"$OUT/initrd-$series.cpio"
  log="$OUT/vm-$series.log"
  start=$SECONDS
  # One host thread for both vCPUs (thread=single): with MTTCG, 6.12
  # oopsed on an int3 of a live kernel-text patch (text_poke_bp) in
  # nf_ct_get_id during a dump, a cross-modifying-code race of TCG.
  timeout -k 10 "$VM_TIMEOUT" qemu-system-x86_64 -accel tcg,thread=single -cpu max -smp "$VM_CPUS" -m "$VM_MEM_MIB" \
    -nodefaults -no-user-config -display none -no-reboot -serial "file:$log" \
    -kernel "$vmlinuz" -initrd "$OUT/initrd-$series.cpio" \
    -append "console=ttyS0 rdinit=/init panic=-1 quiet" || log "qemu exited with $? (timeout ${VM_TIMEOUT} s?)"
  rm -f "$OUT/initrd-$series.cpio"
  report "$series" "$log" || FAILED=1
  log "$series: $((SECONDS - start)) s in the VM ($(basename "$DEB"))"
}

run_host() {
  local start=$SECONDS
  if [[ ! -e /proc/sys/net/netfilter/nf_conntrack_max ]]; then
    [[ ${CTWATCH_REQUIRE_KERNEL:-0} != 1 ]] || { echo "kernel $(uname -r): nf_conntrack is not loaded"; FAILED=1; }
    log "host: nf_conntrack is not loaded here: its kernel is not tested"
    return 0
  fi
  local args=()
  [[ ${CTWATCH_HOST_KERNEL_TESTS:-1} == 1 ]] || args=(--no-kernel-tests)
  sh "$HERE/suite.sh" "$BUILD" "$SRC" "${args[@]}" >"$OUT/host.log" 2>&1 || true
  report host "$OUT/host.log" || FAILED=1
  log "host: $((SECONDS - start)) s"
}

# ---------------------------------------------------------------- doc -----

obs() { sed -n "s/^$2 //p" "$OUT/$1.obs" | head -n 1; }

# What the Debian kernels showed, as docs/kernels.md.
render_doc() {
  local s all absent c
  all="found insert invalid insert_failed drop early_drop error search_restart clash_resolve chaintoolong"
  cat <<EOF
# Supported kernels

<!-- Generated by tests/kernels/run.sh from what the kernel matrix observed
     (\`tests/kernels/run.sh BUILD_DIR -u\` rewrites it; the \`kernels\` test
     fails when it differs). Do not edit by hand. -->

ctwatch is tested on the kernels of Debian 11, 12 and 13: the newest
\`linux-image-*-amd64-unsigned\` of each suite, booted under qemu (TCG,
$VM_CPUS vCPUs, $((VM_MEM_MIB / 1024)) GiB RAM, no network device) with the
kernel tests, the \`ctwatch\` command and real collectd inside
(\`tests/kernels/\`), and on the build machine's own kernel. Every kernel
test runs on every kernel:
$(printf -- '- `%s`\n' "${KERNEL_TESTS[@]##*/}")
- the checks that ctnetlink and \`/proc\` name the same counters, and the
  ones this page lists;
- the collectd contract check (real collectd, write_prometheus).

Values below were read right after the conntrack modules were loaded,
before any test.

| kernel | Debian | counters (ctnetlink = /proc) | absent (never dispatched) | default buckets | default max | max / buckets |
|---|---|---|---|---:|---:|---:|
EOF
  for s in 5.10 6.1 6.12; do
    absent=""
    for c in $all; do
      [[ " $(obs "$s" netlink_counters) " == *" $c "* ]] || absent+="${absent:+, }\`$c\`"
    done
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$s" "${RELEASE[$s]}" \
      "$(wc -w <<<"$(obs "$s" netlink_counters)")" "${absent:-none}" "$(obs "$s" buckets)" "$(obs "$s" max)" \
      "$(($(obs "$s" max) / $(obs "$s" buckets)))"
  done
  cat <<EOF

Default sizing is per boot and per RAM (\`nf_conntrack_init_start()\`): these
are the values for $((VM_MEM_MIB / 1024)) GiB. Before 5.15 \`nf_conntrack_max\`
defaults to 4 × the buckets, since then to the buckets.

\`/proc/net/stat/nf_conntrack\` header, as each kernel prints it (columns are
renamed in place, so ctwatch reads them by name):

EOF
  for s in 5.10 6.1 6.12; do
    # shellcheck disable=SC2016  # Markdown backquotes
    printf -- '- %s: `%s`\n' "$s" "$(obs "$s" proc_header)"
  done
}

check_doc() {
  local s
  for s in 5.10 6.1 6.12; do
    [[ -s $OUT/$s.obs ]] || { log "not all Debian kernels ran: docs/kernels.md not checked"; return 0; }
  done
  render_doc >"$OUT/kernels.md"
  if ((UPDATE)); then
    cp "$OUT/kernels.md" "$DOC"
    log "wrote $DOC"
  elif ! diff -u "$DOC" "$OUT/kernels.md" >&2; then
    log "FAIL: docs/kernels.md differs from what the kernels showed (review, then run.sh BUILD_DIR -u)"
    FAILED=1
  fi
}

main() {
  parse_args "$@"
  check_prerequisites
  mkdir -p "$OUT" "$CACHE"
  rm -f "$OUT"/*.obs
  local k start=$SECONDS
  [[ ${CTWATCH_KERNELS:-5.10 6.1 6.12 host} == host ]] || userspace_cpio
  for k in ${CTWATCH_KERNELS:-5.10 6.1 6.12 host}; do
    if [[ $k == host ]]; then run_host; else run_vm "$k"; fi
  done
  check_doc
  log "matrix: $((SECONDS - start)) s"
  exit "$FAILED"
}

main "$@"
