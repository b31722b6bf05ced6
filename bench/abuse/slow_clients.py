#!/usr/bin/env python3
"""Slow and flooding attackers for bench/abuse/run, part C. Runs one --scenario against
factord on --port for --seconds, keeping the attack up (a socket the server ends is
opened again), and samples the server's RSS (--pid) every 0.2 s. Writes to --json what the
attacker saw and the server's RSS at the start and at its peak.

Scenarios (each from --source, another loopback address than the honest caller's):
  slow-headers   --count sockets send a request line, then a header byte a second
  slow-body      --count requests announce 100 kB of body and send a byte a second
  ws-dribble     --count WebSockets send a frame header, then its payload a byte a second
  ws-non-reader  --count WebSockets send numbers with ~20 kB replies and never read
  connections    --count sockets connect and send nothing
  long-polls     --count sockets long-poll (?wait=2) one queued job, again and again
  viewers        --count console streams that never read"""
import argparse
import json
import os
import select
import socket
import struct
import time

TOKEN = "0123456789abcdef0123456789abcdef"  # --console-token of the long-polls server


def rss_mb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def ws_upgrade(target):
    return ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n" % target).encode()


def masked_text_frame(payload):
    n = len(payload)
    head = struct.pack("!BB", 0x81, 0x80 | n) if n < 126 else struct.pack("!BBH", 0x81, 0x80 | 126, n)
    return head + b"\0\0\0\0" + payload  # an all-zero mask: the payload goes as it is


NON_READERS = ("ws-non-reader", "viewers")


def poller(socks, scenario):
    """select() stops at 1024 descriptors; poll() does not. An upgraded non-reader is
    watched only for the server hanging up (POLLRDHUP), never read."""
    p = select.poll()
    for s, st in socks.items():
        quiet = scenario in NON_READERS and st["upgraded"]
        p.register(s, select.POLLRDHUP if quiet else select.POLLIN)
    return p


class Attacker:
    def __init__(self, a):
        self.a = a
        self.socks = {}  # socket -> bytes still to dribble
        self.seen = {}   # what the server answered, by kind
        self.opened = 0
        self.connect_failed = 0
        self.job = None
        self.by_fd = {}

    def count(self, what):
        self.seen[what] = self.seen.get(what, 0) + 1

    def connect(self, rcvbuf=None):
        s = socket.socket()
        if rcvbuf:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        try:
            s.bind((self.a.source, 0))
            s.connect(("127.0.0.1", self.a.port))
        except OSError:
            self.connect_failed += 1
            s.close()
            return None
        self.opened += 1
        return s

    def prepare(self):
        if self.a.scenario != "long-polls":
            return
        s = socket.create_connection(("127.0.0.1", self.a.port))
        body = json.dumps({"action": "pause_caller", "caller": "attacker"}).encode()
        s.sendall(b"POST /v1/console/actions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  b"Authorization: Bearer " + TOKEN.encode() + b"\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        s.recv(4096)
        body = b'{"number": "91"}'
        s.sendall(b"POST /v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  b"X-Caller-ID: attacker\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        answer = s.recv(4096)
        self.job = json.loads(answer.split(b"\r\n\r\n", 1)[1])["request_id"]
        s.close()

    def open_one(self):
        sc = self.a.scenario
        s = self.connect(rcvbuf=4096 if sc in ("ws-non-reader", "viewers") else None)
        if s is None:
            return
        first, rest = b"", b""
        if sc == "slow-headers":
            first, rest = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n", b"X-Slow: " + b"a" * 1000
        elif sc == "slow-body":
            first = (b"POST /v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"X-Caller-ID: attacker\r\nContent-Length: 100000\r\n\r\n")
            rest = b" " * 100000
        elif sc == "ws-dribble":
            first, rest = ws_upgrade("/ws?userid=attacker"), None  # the frame after the 101
        elif sc == "ws-non-reader":
            first = ws_upgrade("/ws?userid=attacker")
        elif sc == "long-polls":
            first = ("GET /v1/jobs/%s?wait=2 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Caller-ID: attacker\r\n\r\n"
                     % self.job).encode()
        elif sc == "viewers":
            first = ws_upgrade("/v1/actors/stream?interval_ms=250")
        try:
            s.sendall(first)
        except OSError:
            s.close()
            return
        s.setblocking(False)
        self.socks[s] = {"rest": rest, "head": b"", "upgraded": False}
        self.by_fd[s.fileno()] = s

    def on_readable(self, s):
        st = self.socks[s]
        try:
            data = s.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self.count("closed by the server")
            return self.drop(s)
        sc = self.a.scenario
        if not st["upgraded"]:
            st["head"] += data
            if b"\r\n\r\n" not in st["head"]:
                return
            status = st["head"].split(b" ", 2)[1].decode() if st["head"].startswith(b"HTTP/1.1 ") else "?"
            if status == "101":
                st["upgraded"] = True  # what came after the 101 in `data` stays unread
                self.count("101")
                if sc == "ws-dribble":
                    payload = b"9" * 100
                    framed = masked_text_frame(payload)
                    s.sendall(framed[:6])  # header and mask at once; payload a byte a second
                    st["rest"] = framed[6:]
                return
            code = b""
            if b'"code":"' in st["head"]:
                code = st["head"].split(b'"code":"', 1)[1].split(b'"', 1)[0]
            self.count(status + (" " + code.decode() if code else ""))
            if sc == "long-polls" and status == "200":  # its wait is over: poll again
                st["head"] = b""
                try:
                    s.sendall(("GET /v1/jobs/%s?wait=2 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Caller-ID: attacker\r\n\r\n"
                               % self.job).encode())
                except OSError:
                    self.drop(s)
                return
            return self.drop(s)
        if sc == "ws-dribble" and len(data) >= 2 and data[0] & 0x0F == 8:
            code = struct.unpack("!H", data[2:4])[0] if len(data) >= 4 else None
            self.count("close %s %s" % (code, data[4:data[1] + 2].decode("utf-8", "replace")))

    def drop(self, s):
        self.socks.pop(s, None)
        s.close()

    def tick(self):
        """Once a second: every dribbler sends one more byte; the non-readers send numbers."""
        sc = self.a.scenario
        for s, st in list(self.socks.items()):
            if sc == "ws-non-reader" and st["upgraded"]:
                frame = masked_text_frame(('{"type":"message","content":"%s","userid":"attacker"}'
                                           % (2 ** 3300)).encode())
                try:
                    for _ in range(200):  # as many as the socket takes
                        s.send(frame)
                except BlockingIOError:
                    pass
                except OSError:
                    self.drop(s)
                continue
            rest = st["rest"]
            if rest and (sc != "ws-dribble" or st["upgraded"]):
                try:
                    s.send(rest[:1])
                    st["rest"] = rest[1:]
                except BlockingIOError:
                    pass
                except OSError:
                    self.drop(s)

    def run(self):
        a = self.a
        self.prepare()
        start_rss = rss_mb(a.pid)
        peak = start_rss
        t0 = time.monotonic()
        next_tick = t0
        while time.monotonic() - t0 < a.seconds:
            while len(self.socks) < a.count:  # keep the attack up
                before = len(self.socks)
                self.open_one()
                if len(self.socks) == before and self.connect_failed > 10 * a.count:
                    break
                if len(self.socks) == before:
                    break
            now = time.monotonic()
            if now >= next_tick:
                self.tick()
                next_tick = now + 1.0
            for fd, event in poller(self.socks, a.scenario).poll(200):
                s = self.by_fd.get(fd)
                if s not in self.socks:
                    continue
                if self.socks[s]["upgraded"] and a.scenario in NON_READERS:
                    if event & (select.POLLRDHUP | select.POLLHUP | select.POLLERR):
                        self.count("dropped by the server")
                        self.drop(s)
                    continue
                self.on_readable(s)
            peak = max(peak, rss_mb(a.pid))
        held = len(self.socks)
        for s in list(self.socks):
            s.close()
        with open(a.json, "w") as f:
            json.dump({"scenario": a.scenario, "count": a.count, "seconds": a.seconds, "opened": self.opened,
                       "connect_failed": self.connect_failed, "held_at_end": held, "seen": self.seen,
                       "rss_start_mb": start_rss, "rss_peak_mb": peak}, f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", required=True, choices=["slow-headers", "slow-body", "ws-dribble",
                                                           "ws-non-reader", "connections", "long-polls", "viewers"])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--source", default="127.0.0.3")
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--json", required=True)
    a = ap.parse_args()
    import resource
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    Attacker(a).run()


if __name__ == "__main__":
    main()
