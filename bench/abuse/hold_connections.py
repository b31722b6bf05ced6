#!/usr/bin/env python3
"""An attacker that holds connections: opens --count TCP connections to factord from
--source, sends each the first line of a request and never finishes it, and keeps them
for --seconds. Writes how many the server kept open and how many it refused (a 503 or a
close) to --json. Part of bench/abuse/run."""
import argparse
import json
import select
import socket
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--source", default="127.0.0.3")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--json", required=True)
    a = ap.parse_args()
    socks, connect_failed = [], 0
    started = time.monotonic()
    for _ in range(a.count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind((a.source, 0))
            s.connect(("127.0.0.1", a.port))
            s.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n")  # never finished
            s.setblocking(False)
            socks.append(s)
        except OSError:
            connect_failed += 1
            s.close()
    open_s = time.monotonic() - started
    refused_503, closed = 0, 0
    alive = list(socks)
    deadline = started + a.seconds
    while alive and time.monotonic() < deadline:
        readable = poll_readable(alive)
        for s in readable:
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            if data.startswith(b"HTTP/1.1 503"):
                refused_503 += 1
            else:
                closed += 1
            alive.remove(s)
            s.close()
        if not readable:
            time.sleep(0.05)
    held = len(alive)
    for s in alive:
        s.close()
    with open(a.json, "w") as f:
        json.dump({"attempted": a.count, "connect_failed": connect_failed, "refused_503": refused_503,
                   "closed_by_server": closed, "held_to_end": held, "seconds_to_open": open_s}, f)


def poll_readable(socks):
    p = select.poll()
    by_fd = {s.fileno(): s for s in socks}
    for fd in by_fd:
        p.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    return [by_fd[fd] for fd, _ in p.poll(200)]


if __name__ == "__main__":
    main()
