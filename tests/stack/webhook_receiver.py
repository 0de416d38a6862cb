#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A webhook receiver for Alertmanager (and anything else that POSTs JSON).

  webhook_receiver.py --port P --out FILE [--host 127.0.0.1]

Appends one JSON line per POST to FILE, flushed at once:
  {"received": <unix time, float>, "path": "/pager", "body": <the parsed
   JSON body, or the raw text if it is not JSON>}
and answers 200. GET /-/ready answers 200 (readiness probe for
tests/stack/lib.sh). Exits with status 98 if the port is taken, so the
caller can retry with another one. Stops on SIGTERM.
"""

import argparse
import errno
import json
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()


def make_handler(out):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received = time.time()
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode("utf-8", "replace")
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw
            line = json.dumps({"received": round(received, 3), "path": self.path, "body": body})
            with LOCK:
                out.write(line + "\n")
                out.flush()
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self):
            code = 200 if self.path == "/-/ready" else 404
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, fmt, *args):
            sys.stderr.write("%.3f %s %s\n" % (time.time(), self.address_string(), fmt % args))

    return Handler


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with open(a.out, "a") as out:
        try:
            server = ThreadingHTTPServer((a.host, a.port), make_handler(out))
        except OSError as e:
            print(f"cannot listen on {a.host}:{a.port}: {e}", file=sys.stderr, flush=True)
            sys.exit(98 if e.errno == errno.EADDRINUSE else 1)
        print(f"listening on http://{a.host}:{a.port}, writing {a.out}", file=sys.stderr, flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
