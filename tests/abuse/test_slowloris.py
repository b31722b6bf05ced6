#!/usr/bin/python3
"""Abuse, black-box (issue #12): slow clients (slowloris) against `factord serve`. Each test
holds many connections that dribble a byte at a time, asserts that factord ends them at
its deadlines (config/limits.hpp), that its RSS stays under a stated bound, and that an
honest caller is served all along.

- headers: the request line and headers must arrive within 10 s of their first byte (408);
- body: after a 10 s grace the body must keep 1 KiB/s on average (408); a slow body that
  keeps the rate is served;
- WebSocket: a message must be complete within 10 s of its first byte (close 1008 "message
  too slow"), on a job socket and on a console stream, also when the frame header itself
  comes a byte at a time; a message in fragments or sent slowly within the deadline, and
  one after a long quiet, are answered;
- WebSocket: a client that sends numbers with large replies and never reads is dropped
  once 4 MiB are queued for it (or one write stalls 10 s)."""

import os
import select
import socket
import struct
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "serve"))
from harness import RawWs, Suite, running  # noqa: E402
from test_requests import rss_mb  # noqa: E402

suite = Suite("abuse-slowloris")

# Measured peaks (2 cores, Release, 200 sockets each): headers 14 MB, body 14 MB, job
# sockets 15 MB, console streams (32) 13 MB. An idle server is ~11 MB; the bound leaves room for
# allocator noise and a loaded box.
RSS_LIMIT_MB = 48
# The non-reader's jobs are kept (--retention) with their 3300 factors each, ~100 kB a
# job, on top of the 4 MiB queued: measured 55 MB.
NON_READER_RSS_LIMIT_MB = 96
SLOW_SOCKETS = 200
DEADLINE_S = 10.0
SLACK_S = 4.0  # timer granularity, a loaded box, and our own 0.5 s dribble step
DRIBBLE_STEP_S = 0.5


class HonestCaller(threading.Thread):
    """Submits 91 and waits for it every 0.2 s on its own connection while the attack runs;
    records each call's latency and every failure. When the node holds all the long-polls it
    may (10,000), the submission is answered 202 without waiting, as documented: then the
    caller polls without ?wait= until the job is done."""

    def __init__(self, srv):
        super().__init__(daemon=True)
        self.srv = srv
        self.stop = threading.Event()
        self.latencies = []
        self.failures = []

    def run(self):
        h = self.srv.http(timeout=10)
        while not self.stop.is_set():
            t0 = time.monotonic()
            try:
                r = h.post_job("91", caller="honest", wait=2)
                polls = 0
                while r.status in (200, 202) and r.json().get("status") in ("queued", "running") and polls < 100:
                    time.sleep(0.05)
                    r = h.get_job(r.json()["request_id"])
                    polls += 1
                if r.status != 200 or r.json().get("factors") != ["7", "13"]:
                    self.failures.append(repr(r))
            except Exception as e:  # noqa: BLE001 -- any failure counts against the server
                self.failures.append(repr(e))
                h = self.srv.http(timeout=10)
            self.latencies.append(time.monotonic() - t0)
            self.stop.wait(0.2)

    def finish(self):
        self.stop.set()
        self.join(15)
        assert not self.failures, "honest caller failed %d times: %s" % (len(self.failures), self.failures[:3])
        assert len(self.latencies) >= 5, "the honest caller made only %d calls" % len(self.latencies)
        lat = sorted(self.latencies)
        return lat[int(0.99 * (len(lat) - 1))]


def dribble(socks, prefix_of, payload_of, on_data, started, ended, what, step=DRIBBLE_STEP_S):
    """Sends prefix_of(i) at once, then payload_of(i) a byte every `step` seconds on each
    socket, until every socket is done or the deadline is long past; on_data(i, sock) runs
    when a socket has something to read (it returns True when that socket is done) and
    records its end in `ended`. Asserts each socket ended; returns the RSS peak seen."""
    done = set()

    def until(finished):
        return len(finished) == len(socks) or time.monotonic() - started > DEADLINE_S + 3 * SLACK_S

    sent = [0] * len(socks)
    for i, s in enumerate(socks):
        s.sendall(prefix_of(i))
    peak = 0
    while not until(done):
        for i, s in enumerate(socks):
            if i in done:
                continue
            data = payload_of(i)
            if sent[i] < len(data):
                try:
                    s.send(data[sent[i]:sent[i] + 1])
                    sent[i] += 1
                except OSError:
                    pass  # closed by the server: on_data sees it
        t_end = time.monotonic() + step
        while True:
            left = t_end - time.monotonic()
            if left <= 0:
                break
            live = [s for i, s in enumerate(socks) if i not in done]
            if not live:
                break
            readable, _, _ = select.select(live, [], [], left)
            for s in readable:
                i = socks.index(s)
                if on_data(i, s):
                    done.add(i)
        peak = max(peak, rss_mb(dribble.srv))
    late = [i for i in range(len(socks)) if i not in ended]
    assert not late, "%d of %d %s were not ended" % (len(late), len(socks), what)
    return peak


def read_answer(s):
    s.settimeout(5)
    out = b""
    try:
        while True:
            c = s.recv(4096)
            if not c:
                break
            out += c
    except OSError:
        pass
    return out


def slow_http(ctx, head, body_of, expect_text):
    """SLOW_SOCKETS connections dribbling: each must get a 408 with `expect_text` within the
    deadline, the honest caller served meanwhile, RSS under the bound."""
    with running(ctx, workers=1) as srv:
        dribble.srv = srv
        honest = HonestCaller(srv)
        honest.start()
        socks = [socket.create_connection(("127.0.0.1", srv.port), timeout=5) for _ in range(SLOW_SOCKETS)]
        for s in socks:
            s.setblocking(False)
        answers = {}
        started = time.monotonic()

        def on_data(i, s):
            s.setblocking(True)
            answers[i] = (time.monotonic() - started, read_answer(s))
            return True

        peak = dribble(socks, lambda i: head, body_of, on_data, started, answers, "slow connections")
        p99 = honest.finish()
        for s in socks:
            s.close()
        for i, (after, answer) in answers.items():
            assert answer.startswith(b"HTTP/1.1 408 ") and b'"request_timeout"' in answer, answer[:300]
            assert expect_text in answer, answer[:300]
            assert DEADLINE_S - 1 <= after <= DEADLINE_S + SLACK_S, "connection %d ended after %.1f s" % (i, after)
        assert peak < RSS_LIMIT_MB, "RSS reached %d MB (bound %d MB)" % (peak, RSS_LIMIT_MB)
        print("    RSS peak %d MB, honest p99 %.0f ms, %d calls" % (peak, p99 * 1000, len(honest.latencies)))


@suite.test
def headers_that_never_end(ctx):
    """200 connections send a request line and then a header byte every 0.5 s: each gets a
    408 10 s after its first byte (before: held until --http-idle-timeout, 30 s, per
    connection, however slowly it dribbled)."""
    head = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    slow_http(ctx, head, lambda i: b"X-Slow: " + b"a" * 200, b"did not arrive within 10 s of their first byte")


@suite.test
def bodies_slower_than_the_minimum_rate(ctx):
    """200 requests announce 100 kB of body and send a byte every 0.5 s: 408 once the
    grace is over and they are below 1 KiB/s."""
    head = (b"POST /v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"X-Caller-ID: slow\r\nContent-Length: 100000\r\n\r\n")
    slow_http(ctx, head, lambda i: b" " * 1000, b"the body arrived slower than 1024 bytes a second")


@suite.test
def a_slow_body_that_keeps_the_rate_is_served(ctx):
    """30 kB at about 2.5 kB/s: 12 s, longer than the grace, but above the rate."""
    with running(ctx, workers=1) as srv:
        body = b'{"number": "91"' + b" " * 30000 + b"}"
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=20)
        s.sendall(b"POST /v1/jobs?wait=2 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  b"X-Caller-ID: patient\r\nContent-Length: %d\r\n\r\n" % len(body))
        t0 = time.monotonic()
        for i in range(0, len(body), 250):
            s.sendall(body[i:i + 250])
            time.sleep(0.1)
        took = time.monotonic() - t0
        answer = read_answer(s)
        s.close()
        assert took > DEADLINE_S, "the body took only %.1f s" % took
        assert answer.startswith(b"HTTP/1.1 200 ") and b'"factors":["7","13"]' in answer, answer[:300]


def ws_frame_head(payload_len):
    """A masked text frame's header and mask for `payload_len` bytes, up to 65535 (the
    payload is sent unmasked-equivalent: all zero mask). From 126 bytes the length takes
    16 bits: an 8-byte header."""
    if payload_len < 126:
        return struct.pack("!BB", 0x81, 0x80 | payload_len) + b"\0\0\0\0"
    return struct.pack("!BBH", 0x81, 0x80 | 126, payload_len) + b"\0\0\0\0"


def take_frames(ws):
    """The whole frames at the front of ws.buf (server frames are unmasked), removed."""
    out = []
    while len(ws.buf) >= 2:
        n, off = ws.buf[1] & 0x7F, 2
        if n == 126:
            if len(ws.buf) < 4:
                break
            n, off = struct.unpack("!H", ws.buf[2:4])[0], 4
        elif n == 127:
            if len(ws.buf) < 10:
                break
            n, off = struct.unpack("!Q", ws.buf[2:10])[0], 10
        if len(ws.buf) < off + n:
            break
        out.append((ws.buf[0] & 0x0F, ws.buf[off:off + n]))
        ws.buf = ws.buf[off + n:]
    return out


def slow_ws(ctx, target, what, slow_header=False):
    """SLOW_SOCKETS WebSockets each send a frame header and then its payload a byte every
    0.5 s: each gets close 1008 "message too slow" 10 s after its first byte. With
    slow_header, the 8-byte header too goes a byte at a time, every 1.5 s: 12 s for the
    header alone, so the close comes before any payload (before, the deadline started with
    the first payload byte, and a header sent a byte every two minutes held a socket for
    half an hour)."""
    with running(ctx, workers=1, extra=["--ws-idle-timeout", "60s"]) as srv:
        dribble.srv = srv
        honest = HonestCaller(srv)
        honest.start()
        clients = [RawWs(srv.port, target.replace("%d", str(i))) for i in range(SLOW_SOCKETS)]
        assert all(c.status == 101 for c in clients), [c.response_head for c in clients if c.status != 101][:1]
        socks = [c.sock for c in clients]
        for s in socks:
            s.setblocking(False)
        closes = {}
        started = time.monotonic()
        payload = b"9" * 100

        def on_data(i, s):
            """Reads what is there; done at the close frame (or the connection's end)."""
            try:
                data = s.recv(65536)
            except BlockingIOError:
                return False
            except OSError:
                data = b""
            if not data:
                closes.setdefault(i, (time.monotonic() - started, None, None))
                return True
            clients[i].buf += data
            for op, body in take_frames(clients[i]):
                if op == 8:
                    code = struct.unpack("!H", body[:2])[0] if len(body) >= 2 else None
                    closes[i] = (time.monotonic() - started, code, body[2:].decode("utf-8", "replace"))
            return False

        if slow_header:
            payload = b"9" * 200
            peak = dribble(socks, lambda i: b"", lambda i: ws_frame_head(len(payload)) + payload, on_data, started,
                           closes, "WebSockets with slow headers", step=1.5)
        else:
            # The frame header (6 bytes) goes at once, the payload half a second later.
            peak = dribble(socks, lambda i: ws_frame_head(len(payload)), lambda i: payload, on_data, started,
                           closes, "slow WebSockets")
        p99 = honest.finish()
        for c in clients:
            c.close()
        for i, (after, code, reason) in closes.items():
            assert (code, reason) == (1008, "message too slow"), (i, code, reason)
            assert DEADLINE_S - 1 <= after <= DEADLINE_S + SLACK_S, "%s %d closed after %.1f s" % (what, i, after)
        assert peak < RSS_LIMIT_MB, "RSS reached %d MB (bound %d MB)" % (peak, RSS_LIMIT_MB)
        print("    RSS peak %d MB, honest p99 %.0f ms" % (peak, p99 * 1000))


@suite.test
def websocket_messages_that_never_end(ctx):
    """Job sockets with --ws-idle-timeout 60s (so the idle close does not end them first)."""
    slow_ws(ctx, "/ws?userid=slow%d", "socket")


@suite.test
def websocket_frame_headers_sent_a_byte_at_a_time(ctx):
    """Job sockets whose frame header comes a byte every 1.5 s: closed at the deadline of
    its first byte, before any payload."""
    slow_ws(ctx, "/ws?userid=slowhead%d", "socket", slow_header=True)


@suite.test
def fragmented_and_paused_messages_within_the_deadline_are_answered(ctx):
    """The message deadline is per message, not per read: a message in three fragments
    with pauses between them (2 s in all), and one sent a byte at a time over 3 s, are
    answered as usual; so is the next message after a quiet 11 s."""
    with running(ctx, workers=1, extra=["--ws-idle-timeout", "60s"]) as srv:
        ws = RawWs(srv.port, "/ws?userid=patient")
        assert ws.status == 101, ws.response_head
        ws.send_frame(0x1, b"9", fin=False)
        time.sleep(1)
        ws.send_frame(0x0, b"", fin=False)
        time.sleep(1)
        ws.send_frame(0x0, b"1", fin=True)
        assert ws.recv_message() == (1, b"91 : [7 13]")
        frame = ws_frame_head(3) + b"221"
        for i in range(len(frame)):
            ws.sock.sendall(frame[i:i + 1])
            time.sleep(0.3)
        assert ws.recv_message() == (1, b"221 : [13 17]")
        time.sleep(11)  # longer than the deadline, between messages
        ws.send_frame(0x1, b"15")
        assert ws.recv_message() == (1, b"15 : [3 5]")
        ws.close()


@suite.test
def console_stream_messages_that_never_end(ctx):
    """A console stream has no idle close at all; the message deadline still ends it. At
    most 32 streams are open at once, so 32 of them here."""
    global SLOW_SOCKETS
    saved, SLOW_SOCKETS = SLOW_SOCKETS, 32
    try:
        slow_ws(ctx, "/v1/actors/stream?interval_ms=10000", "console stream")
        slow_ws(ctx, "/v1/actors/stream?interval_ms=10000", "console stream", slow_header=True)
    finally:
        SLOW_SOCKETS = saved


@suite.test
def a_websocket_that_never_reads_its_large_replies_is_dropped(ctx):
    """Numbers whose replies are ~20 kB (2^3300: 3300 factors, as JSON) sent as fast as the
    server takes them by a client that never reads (a 4 KiB receive buffer): once 4 MiB are
    queued for it, or a write stalls 10 s, factord drops the connection (log
    ws.slow_consumer). Before, only a bound in frames (320 of them: 6 MB here) held."""
    with running(ctx, workers=1, extra=["--max-digits", "1000", "--ws-idle-timeout", "60s"]) as srv:
        dribble.srv = srv
        honest = HonestCaller(srv)
        honest.start()
        number = str(2 ** 3300)
        frame = ('{"type":"message","content":"%s","userid":"reader"}' % number).encode()
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(("127.0.0.1", srv.port))
        ws = RawWs.__new__(RawWs)  # the handshake on our own small-buffered socket
        ws.sock, ws.buf = s, b""
        s.sendall(b"GET /ws?userid=reader HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                  b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  b"Sec-WebSocket-Version: 13\r\n\r\n")
        head = b""
        while b"\r\n\r\n" not in head:
            head += s.recv(1)
        assert head.startswith(b"HTTP/1.1 101"), head
        s.setblocking(False)
        started = time.monotonic()
        peak, dropped, sent = 0, None, 0
        pending = b""
        while time.monotonic() - started < 25 and dropped is None:
            if not pending:
                ws_frame = struct.pack("!BBH", 0x81, 0x80 | 126, len(frame)) + b"\0\0\0\0" + frame
                pending = ws_frame
            try:
                n = s.send(pending)
                pending = pending[n:]
                if not pending:
                    sent += 1
            except BlockingIOError:
                time.sleep(0.05)
            except OSError:
                dropped = time.monotonic() - started
            peak = max(peak, rss_mb(srv))
            events = [e for e in srv.log_events() if e.get("event") == "ws.slow_consumer"] if sent % 20 == 0 else []
            if events and dropped is None:
                dropped = time.monotonic() - started
        time.sleep(1.5)  # the honest caller goes on after the drop too
        peak = max(peak, rss_mb(srv))
        p99 = honest.finish()
        s.close()
        events = [e for e in srv.log_events() if e.get("event") == "ws.slow_consumer"]
        assert dropped is not None and events, "the non-reader was not dropped in 25 s (%d frames sent)" % sent
        assert events[0]["caller_id"] == "reader", events[0]
        assert int(events[0]["queued_bytes"]) <= 4 << 20, events[0]
        assert peak < NON_READER_RSS_LIMIT_MB, "RSS reached %d MB (bound %d MB) after %d jobs" % (
            peak, NON_READER_RSS_LIMIT_MB, sent)
        print("    dropped after %.1f s (%s, %s bytes queued), %d frames sent, RSS peak %d MB, honest p99 %.0f ms"
              % (dropped, events[0]["why"], events[0]["queued_bytes"], sent, peak, p99 * 1000))


if __name__ == "__main__":
    suite.main()
