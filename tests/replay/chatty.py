#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The incident's traffic: a server and a "chatty" client without pooling.

Run both inside a throwaway network namespace (`ip netns exec NS python3
chatty.py ...`); all traffic is on that namespace's 127.0.0.1.

  chatty.py server --port P
      HTTP/1.0-style: reads one request, answers, closes.
  chatty.py client --port P --rate R [--sources K] [--duration S] [--timeout T]
      opens R new TCP connections per second, on a fixed schedule (the n-th
      at start + n/R, independent of how long earlier ones take), each
      carrying one request; no keep-alive, no pooling. The connections come
      round-robin from K source addresses 127.0.0.2 ... (K instances of the
      chatty service; default 8). Every connection is
      closed cleanly by both ends (server FIN, client FIN, last ACK), so it
      leaves one conntrack entry in TIME_WAIT for
      nf_conntrack_tcp_timeout_time_wait (120 s by default): the table grows
      by R entries a second, which is what makes the fill predictable.
      (With one source address the kernel soon picks source ports whose
      previous connection is still in TIME_WAIT; the server accepts the SYN
      and conntrack replaces the old entry instead of adding one -- with
      2400 such entries about 8 % of new connections, so the table fills
      visibly slower than R/s. K sources make that negligible.)
      Once the table is full the kernel drops the SYNs of new connections:
      connect() then waits for SYN retransmissions (1 s, 3 s, ...) and either
      succeeds late or gives up after --timeout. Slow or failed connections
      never slow the schedule down.
      Prints one status line a second: `t=.. started=.. ok=.. failed=..
      pending=..`.
"""

import argparse
import asyncio
import signal
import sys
import time

REQUEST = b"GET / HTTP/1.0\r\nHost: chatty\r\n\r\n"
RESPONSE = b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"


async def serve(port):
    async def handle(reader, writer):
        try:
            await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            writer.write(RESPONSE)
            await writer.drain()
        except (asyncio.TimeoutError, asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()  # the server closes first: FIN, not RST (request fully read)
            try:
                await writer.wait_closed()
            except ConnectionError:
                pass

    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=4096, reuse_address=True)
    print(f"server listening on 127.0.0.1:{port}", flush=True)
    async with server:
        await server.serve_forever()


class Stats:
    def __init__(self):
        self.started = self.ok = self.failed = self.pending = 0


async def one_request(port, source, timeout, stats):
    stats.pending += 1
    try:
        async def exchange():
            reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))
            try:
                writer.write(REQUEST)
                await writer.drain()
                await reader.read()  # until the server's FIN
            finally:
                writer.close()  # our FIN after the server's: conntrack ends in TIME_WAIT
                try:
                    await writer.wait_closed()
                except ConnectionError:
                    pass
        await asyncio.wait_for(exchange(), timeout)
        stats.ok += 1
    except (asyncio.TimeoutError, OSError):
        stats.failed += 1
    finally:
        stats.pending -= 1


async def client(port, rate, sources, duration, timeout):
    stats = Stats()
    loop = asyncio.get_running_loop()
    start = loop.time()
    wall0 = time.time()
    tasks = set()

    async def report():
        while True:
            await asyncio.sleep(1)
            print(f"t={time.time() - wall0:.0f} started={stats.started} ok={stats.ok} "
                  f"failed={stats.failed} pending={stats.pending}", flush=True)

    reporter = asyncio.create_task(report())
    addrs = [f"127.0.0.{2 + i}" for i in range(sources)]
    print(f"client: {rate:g}/s new connections from {addrs[0]}..{addrs[-1]} to 127.0.0.1:{port}, "
          f"started at {wall0:.3f}", flush=True)
    n = 0
    while duration <= 0 or n < rate * duration:
        due = start + n / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        t = asyncio.create_task(one_request(port, addrs[n % sources], timeout, stats))
        tasks.add(t)
        t.add_done_callback(tasks.discard)
        stats.started += 1
        n += 1
    if tasks:
        await asyncio.wait(tasks)
    reporter.cancel()
    print(f"client done: started={stats.started} ok={stats.ok} failed={stats.failed}", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("server")
    s.add_argument("--port", type=int, required=True)
    c = sub.add_parser("client")
    c.add_argument("--port", type=int, required=True)
    c.add_argument("--rate", type=float, required=True, help="new connections per second")
    c.add_argument("--sources", type=int, default=8, help="source addresses 127.0.0.2 ... (1-250)")
    c.add_argument("--duration", type=float, default=0, help="seconds; 0 = until SIGTERM")
    c.add_argument("--timeout", type=float, default=8, help="seconds per connection")
    a = p.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        if a.cmd == "server":
            asyncio.run(serve(a.port))
        else:
            if a.rate <= 0:
                p.error("--rate must be > 0")
            if not 1 <= a.sources <= 250:
                p.error("--sources must be 1-250")
            asyncio.run(client(a.port, a.rate, a.sources, a.duration, a.timeout))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
