#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Writes the hand-made seeds that reach the census's top-peers paths into
tests/fuzz/corpus/peers-*: ctnetlink dump datagrams (the layout of
ctnetlink_fill_info(), net/netfilter/nf_conntrack_netlink.c) with IPv4 and
IPv6 tuples, ports, a GRE key, port-less ICMP, TCP TIME_WAIT, more distinct
sources than the fuzz target's sketch holds (m = 8, so it evicts), and a
tuple whose address attribute has the wrong length.

  tests/fuzz/make_peer_seeds.py        (rewrites the files; commit them)
"""
import os
import struct

NLA_F_NESTED = 0x8000
CTA_TUPLE_ORIG, CTA_PROTOINFO = 1, 4
CTA_TUPLE_IP, CTA_TUPLE_PROTO = 1, 2
CTA_IP_V4_SRC, CTA_IP_V4_DST, CTA_IP_V6_SRC, CTA_IP_V6_DST = 1, 2, 3, 4
CTA_PROTO_NUM, CTA_PROTO_SRC_PORT, CTA_PROTO_DST_PORT = 1, 2, 3
CTA_PROTOINFO_TCP, CTA_PROTOINFO_TCP_STATE = 1, 1
TCP, UDP, ICMP, GRE, SCTP = 6, 17, 1, 47, 132
TIME_WAIT, ESTABLISHED = 7, 3
NLM_F_MULTI, NLMSG_DONE = 2, 3
CT_NEW = (1 << 8) | 0  # NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_NEW: what a dump answers with


def attr(t, payload, nested=False):
    a = struct.pack("=HH", 4 + len(payload), t | (NLA_F_NESTED if nested else 0)) + payload
    return a + b"\0" * (-len(a) % 4)


def entry(family, src, dst, proto, dport, state=None, sport=40000):
    v4 = family == 2
    ip = attr(CTA_IP_V4_SRC if v4 else CTA_IP_V6_SRC, src) + attr(CTA_IP_V4_DST if v4 else CTA_IP_V6_DST, dst)
    pr = attr(CTA_PROTO_NUM, bytes([proto]))
    if dport is not None:
        pr += attr(CTA_PROTO_SRC_PORT, struct.pack("!H", sport)) + attr(CTA_PROTO_DST_PORT, struct.pack("!H", dport))
    body = attr(CTA_TUPLE_ORIG, attr(CTA_TUPLE_IP, ip, True) + attr(CTA_TUPLE_PROTO, pr, True), True)
    if state is not None:
        body += attr(CTA_PROTOINFO, attr(CTA_PROTOINFO_TCP, attr(CTA_PROTOINFO_TCP_STATE, bytes([state])), True), True)
    payload = struct.pack("=BBH", family, 0, 0) + body
    return struct.pack("=IHHII", 16 + len(payload), CT_NEW, NLM_F_MULTI, 0, 0) + payload


def done():
    return struct.pack("=IHHIIi", 20, NLMSG_DONE, NLM_F_MULTI, 0, 0, 0)


def v4(*b):
    return bytes(b)


def v6(last):
    return bytes([0xfd, 0] + [0] * 13 + [last])


seeds = {
    "peers-ipv4-tcp-time-wait": [entry(2, v4(10, 0, 0, i % 3 + 1), v4(10, 0, 1, 1), TCP, 8080, TIME_WAIT) for i in range(6)]
    + [entry(2, v4(10, 0, 0, 1), v4(10, 0, 1, 2), TCP, 443, ESTABLISHED)],
    "peers-ipv6-udp-sctp": [entry(10, v6(i % 2 + 1), v6(0xb), UDP, 53) for i in range(4)]
    + [entry(10, v6(1), v6(0xb), SCTP, 53), entry(10, v6(7), v6(0xc), TCP, 8443, TIME_WAIT)],
    "peers-gre-icmp": [entry(2, v4(192, 0, 2, 1), v4(192, 0, 2, 9), GRE, 0x1234),
                       entry(2, v4(192, 0, 2, 1), v4(192, 0, 2, 9), GRE, 0x1234),
                       entry(2, v4(192, 0, 2, 2), v4(192, 0, 2, 9), ICMP, None)],
    # 20 distinct sources and destinations, one of them dominant: m = 8 evicts.
    "peers-evict": [entry(2, v4(10, 9, 0, i if i % 3 else 1), v4(10, 8, 0, i % 11), UDP, 1000 + i % 5)
                    for i in range(1, 40)],
    # CTA_IP_V4_SRC with 3 bytes: the entry counts, its source does not.
    "peers-short-address": [entry(2, v4(10, 0, 0), v4(10, 0, 1, 1), TCP, 80, TIME_WAIT),
                            entry(2, v4(10, 0, 0, 5), v4(10, 0, 1, 1), TCP, 80, TIME_WAIT)],
}

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
for name, msgs in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(b"".join(msgs) + done())
    print(name, sum(len(m) for m in msgs) + 20, "bytes")
