#!/usr/bin/python3
"""Abuse, black-box (issue #12): hostile HTTP requests against `factord serve`. Each test
asserts that the server answers the attack with a clear error, that its RSS stays under a
stated bound, and that an honest caller is still served.

- a chunk extension that never ends ("1;aaaa..."), and trailers that never end: Boost 1.81's
  parser counts neither against its limits, so factord bounds its read buffer (64 KiB for a
  chunk-size line or the trailer section) and counts every byte of a request itself;
- chunked framing that is all overhead (1-byte chunks with long extensions): 413;
- huge and non-ASCII Idempotency-Keys;
- more connections than the open-files limit allows: a 503, not a hang."""

import os
import socket
import stat
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "serve"))
from harness import Server, Suite, assert_error, running  # noqa: E402

suite = Suite("abuse-requests")

# Growth of the server's RSS over the attack: it starts at ~11 MB (~108 MB built with ASan,
# scripts/sanitize, which grows as little), stays within 64 MB in all, and an unbounded read
# grew it past 700 MB in 2 s.
RSS_GROWTH_LIMIT_MB = 53
CHUNKED_HEAD = (b"POST /v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"X-Caller-ID: attacker\r\nTransfer-Encoding: chunked\r\n\r\n")


def rss_mb(srv):
    with open("/proc/%d/status" % srv.proc.pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    raise AssertionError("no VmRSS for pid %d" % srv.proc.pid)


def flood(srv, head, first, chunk, megabytes):
    """Sends head + first, then `chunk` until `megabytes` went out or the server stopped
    reading; returns (the server's answer, the most RSS seen while sending)."""
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    peak = rss_mb(srv)
    try:
        s.sendall(head + first)
        sent, step = 0, 0
        while sent < megabytes << 20:
            try:
                s.sendall(chunk)
            except OSError:  # the server answered and closed: the rest is not read
                break
            sent += len(chunk)
            step += 1
            if step % 64 == 0:
                peak = max(peak, rss_mb(srv))
        s.settimeout(5)
        answer = b""
        try:
            while b"\r\n\r\n" not in answer:
                data = s.recv(4096)
                if not data:
                    break
                answer += data
        except OSError:
            pass
        return answer, max(peak, rss_mb(srv))
    finally:
        s.close()


def honest_still_served(srv):
    h = srv.http()
    r = h.post_job("91", caller="honest", wait=2)
    assert r.status == 200 and r.json()["factors"] == ["7", "13"], r


def status_of(answer):
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else None


def refused_without_growth(ctx, first, chunk, status, text):
    """200 MB of `chunk` after `first` on one request: answered `status` with `text`, RSS
    under the bound, and an honest caller served after."""
    with running(ctx, workers=1) as srv:
        start = rss_mb(srv)
        answer, peak = flood(srv, CHUNKED_HEAD, first, chunk, 200)
        assert status_of(answer) == status and text in answer, answer[:300]
        assert peak - start < RSS_GROWTH_LIMIT_MB, "RSS grew from %d to %d MB (bound: %d MB more)" % (
            start, peak, RSS_GROWTH_LIMIT_MB)
        honest_still_served(srv)


@suite.test
def chunk_extension_that_never_ends(ctx):
    refused_without_growth(ctx, b"1;", b"a" * 65536, 400,
                           b"chunk-size line (with its extensions) or the trailer section is longer than 64 KiB")


@suite.test
def trailers_that_never_end(ctx):
    """Short, complete trailer lines without end: the parser wants the whole trailer section
    in its buffer, which stops at 64 KiB."""
    refused_without_growth(ctx, b"1\r\n{\r\n0\r\n", (b"X-Pad: " + b"a" * 1000 + b"\r\n") * 64, 400,
                           b"the trailer section is longer than 64 KiB")


@suite.test
def chunked_framing_that_is_all_overhead(ctx):
    """Complete 1-byte chunks with 1000-byte extensions: each line is short, so only
    factord's own count of the request's bytes stops them (413 past about 2 MiB)."""
    refused_without_growth(ctx, b"", (b"1;" + b"e" * 1000 + b"\r\n \r\n") * 64, 413,
                           b"chunk framing, extensions, trailers")


@suite.test
def an_honest_chunked_request_is_served(ctx):
    with running(ctx, workers=1) as srv:
        body = b'{"number": "91"}'
        chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 5]), body[i:i + 5]) for i in range(0, len(body), 5))
        head = CHUNKED_HEAD.replace(b"attacker", b"honest")
        answer, _ = flood(srv, head, chunks + b"0\r\nX-Trailer: fine\r\n\r\n", b"", 0)
        assert status_of(answer) == 202, answer[:300]


@suite.test
def idempotency_keys_are_bounded(ctx):
    with running(ctx, workers=1) as srv:
        h = srv.http()
        ok_key = "k" * 256
        r1 = h.post_job("91", caller="idem", key=ok_key)
        r2 = h.post_job("91", caller="idem", key=ok_key)
        assert r1.status in (200, 202) and r2.status in (200, 202), (r1, r2)
        assert r1.json()["request_id"] == r2.json()["request_id"]
        for bad in ("k" * 257, "k" * 8000, "caf\u00e9", "tab\there"):
            r = h.post_job("91", caller="idem", key=bad.encode("utf-8").decode("latin-1"))
            assert_error(r, 400, "invalid_idempotency_key", "Idempotency-Key of %d bytes" % len(bad))
        honest_still_served(srv)


@suite.test
def more_connections_than_open_files_get_a_503(ctx):
    """Hard limit of 300 open files: factord lowers --max-connections to fit (and says so),
    so the connections beyond get a clear 503 instead of hanging in the accept queue."""
    wrapper = os.path.join(ctx.tmp, "factord-300-files")
    with open(wrapper, "w") as f:
        f.write('#!/bin/sh\nulimit -n 300\nexec "%s" "$@"\n' % ctx.factord)
    os.chmod(wrapper, stat.S_IRWXU)
    srv = Server(ctx, workers=1)
    srv.factord = wrapper
    srv.start()
    socks = []
    try:
        assert any(e.get("event") == "net.max_connections_lowered" and e.get("now") == "236"
                   for e in srv.log_events()), srv.log_tail(10)
        refused = 0
        for _ in range(290):
            s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
            socks.append(s)
        time.sleep(0.5)
        for s in socks:
            s.setblocking(False)
            try:
                data = s.recv(4096)
            except BlockingIOError:
                continue
            if data.startswith(b"HTTP/1.1 503") and b"too_many_connections" in data:
                refused += 1
        assert refused >= 290 - 236 - 2, "%d of 290 connections refused with 503" % refused
        for s in socks:
            s.close()
        socks = []
        time.sleep(0.5)
        honest_still_served(srv)
    finally:
        for s in socks:
            s.close()
        assert srv.stop() == 0


if __name__ == "__main__":
    suite.main()
