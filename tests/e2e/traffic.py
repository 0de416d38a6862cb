#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Known, stable conntrack traffic for tests/e2e/run.sh.

Run inside a throwaway network namespace (`ip netns exec NS python3
traffic.py ...`): all traffic is on 127.0.0.1 of that namespace.

It creates conntrack entries that stay put for the whole test, so that the
values ctwatch reports can be compared with `conntrack -L` taken seconds
later:
  * --established N TCP connections, left open by both ends (ESTABLISHED,
    timeout 5 days);
  * --time-wait N TCP connections closed cleanly by both ends (TIME_WAIT,
    timeout 120 s: longer than the test);
  * --udp N UDP flows with a reply, refreshed every few seconds (so the 30 s
    UDP timeout never expires);
  * --unreplied N UDP flows to a port nobody listens on (the ICMP port
    unreachable is RELATED, not a reply: the entry stays [UNREPLIED]),
    refreshed the same way.
When everything is in place it writes --ready FILE, then holds the sockets
until SIGTERM or --lifetime seconds (a safety net if the caller's cleanup
never runs).
"""

import argparse
import os
import signal
import socket
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--established", type=int, default=3)
    p.add_argument("--time-wait", type=int, default=1)
    p.add_argument("--udp", type=int, default=2)
    p.add_argument("--unreplied", type=int, default=0)
    p.add_argument("--ready", required=True, help="file written once the entries exist")
    p.add_argument("--lifetime", type=float, default=300)
    return p.parse_args()


def tcp_pair(listener):
    """One connected (client, server) pair with a byte sent each way, so the
    handshake is complete and conntrack has seen traffic in both directions."""
    client = socket.create_connection(listener.getsockname(), timeout=5)
    server, _ = listener.accept()
    server.settimeout(5)
    client.sendall(b"x")
    assert server.recv(1) == b"x"
    server.sendall(b"y")
    assert client.recv(1) == b"y"
    return client, server


def close_to_time_wait(client, server):
    """Active close by the client, then the server: FIN both ways and the
    last ACK, which leaves the conntrack entry in TIME_WAIT."""
    client.shutdown(socket.SHUT_WR)
    assert server.recv(1) == b""  # the server saw the client's FIN
    server.close()
    assert client.recv(1) == b""  # the client saw the server's FIN (and ACKs it)
    client.close()


def main():
    args = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held = []
    for _ in range(args.established):
        held.extend(tcp_pair(listener))
    for _ in range(args.time_wait):
        close_to_time_wait(*tcp_pair(listener))

    udp_server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp_server.bind(("127.0.0.1", 0))
    udp_server.settimeout(5)
    udp_clients = []
    for _ in range(args.udp):
        c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        c.bind(("127.0.0.1", 0))  # one fixed source port: one flow per socket
        c.settimeout(5)
        udp_clients.append(c)

    def udp_round():
        for c in udp_clients:
            c.sendto(b"ping", udp_server.getsockname())
            data, peer = udp_server.recvfrom(16)
            udp_server.sendto(b"pong", peer)
            assert c.recv(16) == b"pong"

    # A port that was bound and released: nothing listens there.
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    dead = probe.getsockname()
    probe.close()
    unreplied = []
    for _ in range(args.unreplied):
        c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        c.bind(("127.0.0.1", 0))
        unreplied.append(c)

    def unreplied_round():
        for c in unreplied:
            c.sendto(b"anyone?", dead)

    udp_round()
    unreplied_round()
    # Written last and atomically: the caller polls for it.
    tmp = args.ready + ".tmp"
    with open(tmp, "w") as f:
        f.write(f"{os.getpid()}\n")
    os.rename(tmp, args.ready)

    deadline = time.monotonic() + args.lifetime
    while time.monotonic() < deadline:
        time.sleep(3)
        udp_round()  # keeps the UDP entries far from their 30 s timeout
        unreplied_round()
    return 0


if __name__ == "__main__":
    sys.exit(main())
