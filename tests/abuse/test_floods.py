#!/usr/bin/python3
"""Abuse, black-box (issue #12): floods of connections, long-polls and console streams
against `factord serve`. Each asserts the refusal is the documented one, that factord's
RSS stays under a stated bound, and that an honest caller (test_slowloris.HonestCaller:
POST ?wait=2 every 0.2 s from 127.0.0.1) is served all along.

- 5,000 connections from one client address: --max-connections-per-ip keeps 1,000 and
  answers the rest 503 too_many_connections at accept; the held ones, which never send a
  byte, are closed without an answer after --http-idle-timeout;
- 100 long-polls on one job: 64 (config::limits::max_waiters_per_job) wait, the others get
  429 too_many_waiters at once;
- 10,080 long-polls over 160 jobs (63 each): 10,000 (config::limits::max_waiters, per node)
  wait, the other 80 get 429 too_many_waiters at once;
- 40 console streams: 32 (config::limits::max_console_viewers) open, the others get 503
  too_many_viewers until one closes;
- a console stream that stops reading is closed after 20 s (no pong to the server's ping),
  one that reads stays."""

import json
import os
import resource
import select
import socket
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "serve"))
sys.path.insert(0, HERE)
from harness import RawWs, Suite, running  # noqa: E402
from test_requests import rss_mb  # noqa: E402
from test_slowloris import HonestCaller  # noqa: E402

suite = Suite("abuse-floods")

# Measured peaks (2 cores, Release): 5,000 connections 19 MB, long-polls 13 MB, console
# streams 13 MB (an idle server: ~11 MB). The bound leaves room for allocator noise.
RSS_LIMIT_MB = 64
# 10,000 held long-polls, a connection, its parsed request and a waiter each: measured 68 MB.
WAITERS_RSS_LIMIT_MB = 96
ATTACKER = "127.0.0.2"  # loopback too; --max-connections-per-ip tells it from the honest caller
TOKEN = "0123456789abcdef0123456789abcdef"


def raise_open_files(wanted):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert soft >= wanted, "this test needs %d open files; the hard limit is %d" % (wanted, hard)


def read_some(s, timeout):
    s.settimeout(timeout)
    try:
        return s.recv(4096)
    except socket.timeout:
        return None  # nothing yet: held
    except OSError:
        return b""


@suite.test
def five_thousand_connections_from_one_client(ctx):
    raise_open_files(5000 + 200)
    with running(ctx, workers=1, extra=["--max-connections-per-ip", "1000", "--http-idle-timeout", "6s"]) as srv:
        honest = HonestCaller(srv)
        honest.start()
        socks, peak = [], 0
        try:
            started = time.monotonic()
            for i in range(5000):
                s = socket.socket()
                s.bind((ATTACKER, 0))
                s.connect(("127.0.0.1", srv.port))
                socks.append(s)
                if i % 500 == 0:
                    peak = max(peak, rss_mb(srv))
            opened = time.monotonic() - started
            time.sleep(1.0)
            refused = held = 0
            for s in socks:
                data = read_some(s, 0.001)
                if data is None:
                    held += 1
                elif data.startswith(b"HTTP/1.1 503 ") and b"too_many_connections" in data:
                    refused += 1
            peak = max(peak, rss_mb(srv))
            assert held == 1000 and refused == 4000, "held %d, refused %d with 503" % (held, refused)
            # The held ones sent nothing: closed without a byte after --http-idle-timeout.
            time.sleep(6.0)
            silent_closes = sum(1 for s in socks if read_some(s, 0.001) == b"")
            peak = max(peak, rss_mb(srv))
            assert silent_closes == 5000, "%d of 5000 connections closed" % silent_closes
        finally:
            for s in socks:
                s.close()
        p99 = honest.finish()
        assert peak < RSS_LIMIT_MB, "RSS reached %d MB (bound %d MB)" % (peak, RSS_LIMIT_MB)
        print("    5000 connections opened in %.1f s, RSS peak %d MB, honest p99 %.0f ms"
              % (opened, peak, p99 * 1000))


@suite.test
def a_flood_of_long_polls_on_one_job(ctx):
    with running(ctx, workers=1, extra=["--console-token", TOKEN]) as srv:
        h = srv.http()
        r = h.request("POST", "/v1/console/actions", body=json.dumps({"action": "pause_caller", "caller": "flood"}),
                      headers={"Content-Type": "application/json", "Authorization": "Bearer " + TOKEN})
        assert r.status == 200, r
        job = h.post_job("91", caller="flood")
        assert job.status == 202, job  # paused: it stays queued while the polls wait
        rid = job.json()["request_id"]
        honest = HonestCaller(srv)
        honest.start()
        request = ("GET /v1/jobs/%s?wait=2 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Caller-ID: flood\r\n\r\n" % rid).encode()
        socks = [socket.create_connection(("127.0.0.1", srv.port), timeout=5) for _ in range(100)]
        started = time.monotonic()
        for s in socks:
            s.sendall(request)
        time.sleep(0.5)
        peak = rss_mb(srv)
        quick = [read_some(s, 0.001) for s in socks]
        refusals = [q for q in quick if q]
        assert len(refusals) == 36, "%d answered at once" % len(refusals)
        for answer in refusals:
            assert answer.startswith(b"HTTP/1.1 429 ") and b'"too_many_waiters"' in answer, answer[:300]
            assert b"Retry-After: 1" in answer, answer[:300]
        waited = [read_some(s, 5) for s, q in zip(socks, quick) if not q]
        after = time.monotonic() - started
        assert len(waited) == 64 and all(w and w.startswith(b"HTTP/1.1 200 ") and b'"queued"' in w for w in waited), \
            [w[:100] for w in waited if not (w or b"").startswith(b"HTTP/1.1 200 ")][:3]
        assert 1.5 <= after <= 6, "the long-polls ended after %.1f s" % after
        for s in socks:
            s.close()
        # Their time is up, so the job takes new long-polls again.
        r = h.get_job(rid, wait=0.2)
        assert r.status == 200 and r.json()["status"] == "queued", r
        p99 = honest.finish()
        assert peak < RSS_LIMIT_MB, "RSS reached %d MB (bound %d MB)" % (peak, RSS_LIMIT_MB)
        print("    RSS peak %d MB, honest p99 %.0f ms" % (peak, p99 * 1000))


@suite.test
def ten_thousand_long_polls_fill_the_node(ctx):
    jobs, per_job, node_limit = 160, 63, 10000
    total = jobs * per_job
    raise_open_files(total + 200)
    with running(ctx, workers=1, extra=["--console-token", TOKEN]) as srv:
        h = srv.http()
        r = h.request("POST", "/v1/console/actions", body=json.dumps({"action": "pause_caller", "caller": "flood"}),
                      headers={"Content-Type": "application/json", "Authorization": "Bearer " + TOKEN})
        assert r.status == 200, r
        ids = []
        for i in range(jobs):
            job = h.post_job(str(1000003 + 2 * i), caller="flood")
            assert job.status == 202, job  # paused: every job stays queued
            ids.append(job.json()["request_id"])
        honest = HonestCaller(srv)
        honest.start()
        socks, requests = [], []
        try:
            for rid in ids:
                request = ("GET /v1/jobs/%s?wait=2 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Caller-ID: flood\r\n\r\n"
                           % rid).encode()
                for _ in range(per_job):
                    socks.append(socket.create_connection(("127.0.0.1", srv.port), timeout=5))
                    requests.append(request)
            poller = select.poll()
            by_fd = {}
            for s in socks:
                poller.register(s.fileno(), select.POLLIN)
                by_fd[s.fileno()] = s
            started = time.monotonic()
            for s, request in zip(socks, requests):
                s.sendall(request)
            sent = time.monotonic() - started
            assert sent < 1.0, "sending %d requests took %.1f s, past the 2 s they wait" % (total, sent)
            time.sleep(0.5)
            peak = rss_mb(srv)
            ready = [by_fd[fd] for fd, _ in poller.poll(0)]
            refusals = [read_some(s, 1) for s in ready]
            assert len(refusals) == total - node_limit, "%d answered at once" % len(refusals)
            for answer in refusals:
                assert answer and answer.startswith(b"HTTP/1.1 429 ") and b'"too_many_waiters"' in answer, \
                    (answer or b"")[:300]
            for s in ready:
                poller.unregister(s.fileno())
            # The others wait out their 2 seconds, then get the job, still queued.
            waited = 0
            deadline = time.monotonic() + 10
            while waited < node_limit and time.monotonic() < deadline:
                for fd, _ in poller.poll(500):
                    answer = read_some(by_fd[fd], 1)
                    assert answer and answer.startswith(b"HTTP/1.1 200 ") and b'"queued"' in answer, \
                        (answer or b"")[:300]
                    poller.unregister(fd)
                    waited += 1
            after = time.monotonic() - started
            assert waited == node_limit, "%d long-polls answered in %.1f s" % (waited, after)
            assert after >= 1.5, "the long-polls ended after %.1f s" % after
        finally:
            for s in socks:
                s.close()
        # Their time is up, so the node takes new long-polls again.
        r = h.get_job(ids[0], wait=0.2)
        assert r.status == 200 and r.json()["status"] == "queued", r
        p99 = honest.finish()
        assert peak < WAITERS_RSS_LIMIT_MB, "RSS reached %d MB (bound %d MB)" % (peak, WAITERS_RSS_LIMIT_MB)
        print("    %d long-polls sent in %.2f s, RSS peak %d MB, honest p99 %.0f ms" % (total, sent, peak, p99 * 1000))


@suite.test
def a_flood_of_console_streams(ctx):
    with running(ctx, workers=1) as srv:
        honest = HonestCaller(srv)
        honest.start()
        viewers = [RawWs(srv.port, "/v1/actors/stream?interval_ms=250") for _ in range(40)]
        opened = [v for v in viewers if v.status == 101]
        refused = [v for v in viewers if v.status != 101]
        assert len(opened) == 32 and len(refused) == 8, [v.status for v in viewers]
        for v in refused:
            assert v.status == 503 and b"Retry-After: 1" in v.response_head, v.response_head
            assert b'"too_many_viewers"' in v.buf or b"too_many_viewers" in v.sock.recv(4096), v.buf
        for v in opened:  # each streams
            op, frame = v.recv_message()
            assert op == 1 and json.loads(frame), frame[:100]
        peak = rss_mb(srv)
        for v in refused:
            v.close()
        opened[0].close()
        time.sleep(0.5)  # the server sees the close
        again = RawWs(srv.port, "/v1/actors/stream?interval_ms=250")
        assert again.status == 101, again.response_head
        over = RawWs(srv.port, "/v1/actors/stream?interval_ms=250")
        assert over.status == 503, over.response_head
        for v in opened[1:] + [again, over]:
            v.close()
        time.sleep(0.5)
        p99 = honest.finish()
        peak = max(peak, rss_mb(srv))
        assert peak < RSS_LIMIT_MB, "RSS reached %d MB (bound %d MB)" % (peak, RSS_LIMIT_MB)
        print("    RSS peak %d MB, honest p99 %.0f ms" % (peak, p99 * 1000))


@suite.test
def a_console_stream_that_stops_reading_is_closed(ctx):
    """A viewer gets a ping after 10 s without sending anything and is closed 10 s later
    unless it answered (config::limits::ws_viewer_idle_timeout). A viewer that reads (the
    websockets library answers pings by itself, as browsers do) stays; one that stopped
    reading (a 4 KiB receive buffer, never read) is closed at ~20 s, long before its
    kernel buffers would fill."""
    import asyncio
    from harness import arun, ws_connect

    with running(ctx, workers=1) as srv:
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(("127.0.0.1", srv.port))
        s.sendall(b"GET /v1/actors/stream?interval_ms=250 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                  b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  b"Sec-WebSocket-Version: 13\r\n\r\n")
        started = time.monotonic()

        def open_connections():
            text = srv.http().get("/metrics").body.decode()
            return int(next(line.split()[1] for line in text.splitlines()
                            if line.startswith("factord_connections_open ")))

        counts = []

        async def reading_viewer():
            frames = 0
            async with ws_connect(srv.ws_url("interval_ms=250", path="/v1/actors/stream")) as ws:
                for at in (5, 25):  # both viewers open, then only the reading one
                    while time.monotonic() - started < at:
                        await asyncio.wait_for(ws.recv(), 5)
                        frames += 1
                    counts.append(await asyncio.get_running_loop().run_in_executor(None, open_connections))
            return frames

        frames = arun(reading_viewer(), timeout=40)
        s.close()
        # Each count includes the /metrics request's own connection. The server closes the
        # non-reader's socket; its FIN waits behind the unread data, so only the server's
        # count shows it.
        assert counts == [3, 2], "open connections at 5 s and 25 s: %s" % counts
        assert frames > 50, "the reading viewer got %d frames in 25 s" % frames

if __name__ == "__main__":
    suite.main()
