#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of a kernel test VM (busybox sh, from the initramfs run.sh builds):
# mounts, loads the conntrack modules in dependency order, runs suite.sh,
# powers off. run.sh substitutes @BUILD@ and @SOURCE@.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
ip link set lo up
# busybox modprobe would ignore libcrc32c's softdep on crc32c: the order
# file lists crc32c first, then each module after its dependencies.
while read -r m; do
  insmod "/modules/$m.ko" || echo "ctwatch-kernels: insmod $m failed"
done </modules/order
# write_prometheus resolves its Host with AI_ADDRCONFIG, which wants one
# non-loopback IPv4 address (glibc check_pf): a veth, down, with a
# documentation address (RFC 5737) gives it one.
ip link add ctwatch0 type veth peer name ctwatch1
ip addr add 192.0.2.1/32 dev ctwatch0
sh /ctwatch-suite.sh @BUILD@ @SOURCE@
echo "ctwatch-kernels: end"
poweroff -f
