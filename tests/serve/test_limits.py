#!/usr/bin/python3
"""Black-box tests of the per-caller limits: submission rates (--rate-per-caller,
--burst-per-caller, a key's rate=/burst=) with 429 rate_limited, an exact Retry-After and
X-RateLimit-* headers; per client IP with --auth off; WebSocket error frames and the 1008
close; a key's max_digits; the refusal counters in /metrics; no headers and no limit at the
defaults."""

import asyncio
import json
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Http, Suite, arun, assert_error, raw_status, running, ws_connect  # noqa: E402

import websockets  # noqa: E402  Debian's python3-websockets

suite = Suite("limits")


def make_key(ctx, keys_file, caller, *settings):
    """`factord keys add CALLER SETTINGS...`: the printed key."""
    p = subprocess.run([ctx.factord, "keys", "add", caller, *settings, "--auth-keys", keys_file],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, "keys add %s %s: exit %d, %r" % (caller, settings, p.returncode, p.stderr)
    return p.stdout.strip()


def bearer(key):
    return {"Authorization": "Bearer " + key}


def post(http, number, caller="tester", headers=None, batch=None):
    hdrs = {"Content-Type": "application/json"}
    if caller is not None:  # with --auth on the credential names the caller
        hdrs["X-Caller-ID"] = caller
    hdrs.update(headers or {})
    if batch is not None:
        return http.request("POST", "/v1/jobs:batch", body=json.dumps({"numbers": batch}), headers=hdrs)
    return http.request("POST", "/v1/jobs", body=json.dumps({"number": number}), headers=hdrs)


def post_from(port, source_ip, caller, number="15"):
    """A POST /v1/jobs from another loopback address (Linux routes all of 127/8 to lo)."""
    body = json.dumps({"number": number})
    req = ("POST /v1/jobs HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\n"
           "X-Caller-ID: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
           % (port, caller, len(body), body))
    with socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source_ip, 0)) as s:
        s.sendall(req.encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    return raw_status(data)


def metrics(http):
    r = http.get("/metrics")
    assert r.status == 200, r
    out = {}
    for line in r.body.decode().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            out[name] = float(value)
    return out


def limited(resp, what):
    """A 429 rate_limited with a whole Retry-After of at least 1 s: the seconds."""
    assert_error(resp, 429, "rate_limited", what)
    retry = resp.header("Retry-After")
    assert retry is not None and retry.isdigit() and int(retry) >= 1, "%s: Retry-After %r" % (what, retry)
    return int(retry)


# ---------------------------------------------------------------------------------------


@suite.test
def defaults_have_no_rate_limit_and_no_headers(ctx):
    with running(ctx, workers=1) as srv:
        h = srv.http()
        for i in range(60):
            r = post(h, "15")
            assert r.status in (200, 202), "submission %d at the defaults: %r" % (i, r)
        assert r.header("X-RateLimit-Limit") is None, r.headers
        assert r.header("X-RateLimit-Remaining") is None, r.headers


@suite.test
def a_burst_above_the_bucket_gets_429_and_retry_after_is_exact(ctx):
    with running(ctx, workers=1, extra=("--rate-per-caller", "1", "--burst-per-caller", "3")) as srv:
        h = srv.http()
        for i in range(3):
            r = post(h, "15")
            assert r.status in (200, 202), "submission %d of the burst: %r" % (i, r)
            assert r.header("X-RateLimit-Limit") == "3", r.headers
            assert r.header("X-RateLimit-Remaining") == str(2 - i), (i, r.headers)
            assert int(r.header("X-RateLimit-Reset")) >= 1, r.headers
        r = post(h, "15")
        retry = limited(r, "4th submission of a burst of 3")
        assert retry == 1, "one token at 1/s: Retry-After %d" % retry
        assert r.header("X-RateLimit-Remaining") == "0", r.headers
        assert r.header("X-RateLimit-Limit") == "3", r.headers
        time.sleep(retry)
        r = post(h, "15")
        assert r.status in (200, 202), "after waiting Retry-After: %r" % r
        # A batch costs its size, all or none: 2 more numbers with ~0 tokens is refused whole.
        before = metrics(h)['factord_jobs_total{outcome="accepted"}']
        r = post(h, None, batch=["6", "10"])
        limited(r, "batch of 2 with no tokens")
        assert metrics(h)['factord_jobs_total{outcome="accepted"}'] == before, "a refused batch took jobs"
        m = metrics(h)
        assert m['factord_refusals_total{reason="rate_limited"}'] >= 2, m
        assert 'factord_refusals_total{reason="queue_full"}' in m, m


@suite.test
def auth_off_limits_per_client_ip_not_per_named_caller(ctx):
    with running(ctx, workers=1, extra=("--rate-per-caller", "0.2", "--burst-per-caller", "2")) as srv:
        h = srv.http()
        assert post(h, "15", caller="a").status in (200, 202)
        assert post(h, "15", caller="b").status in (200, 202)
        # Another self-asserted caller id from the same address shares the bucket.
        limited(post(h, "15", caller="c-invented"), "third caller id from 127.0.0.1")
        # Another address has its own.
        status = post_from(srv.port, "127.0.0.2", "a")
        assert status in (200, 202), "from 127.0.0.2: %r" % status


@suite.test
def auth_on_an_honest_second_caller_is_not_slowed(ctx):
    keys_file = os.path.join(ctx.tmp, "keys")
    attacker = make_key(ctx, keys_file, "attacker")
    honest = make_key(ctx, keys_file, "honest")
    with running(ctx, workers=1, extra=("--auth", "on", "--auth-keys", keys_file,
                                        "--rate-per-caller", "0.5", "--burst-per-caller", "2")) as srv:
        h = srv.http()
        refused = 0
        for _ in range(20):
            r = post(h, "15", caller=None, headers=bearer(attacker))
            if r.status == 429:
                limited(r, "attacker over its rate")
                refused += 1
        assert refused == 18, "2 of 20 pass at burst 2, got %d refused" % refused
        start = time.monotonic()
        for i in range(2):
            r = post(h, "15", caller=None, headers=bearer(honest))
            assert r.status in (200, 202), "honest caller's submission %d: %r" % (i, r)
            assert r.header("X-RateLimit-Remaining") == str(1 - i), r.headers
        assert time.monotonic() - start < 1.0, "the honest caller was slowed"
        # With auth on, the key is the caller, not the address: a forged X-Caller-ID is a
        # 403 and does not reach another bucket.
        r = post(h, "15", caller="honest", headers=bearer(attacker))
        assert r.status == 403, r


@suite.test
def a_keys_rate_overrides_the_server_and_max_digits_lowers_it(ctx):
    keys_file = os.path.join(ctx.tmp, "keys")
    slow = make_key(ctx, keys_file, "slow", "rate=0.5", "burst=1")
    small = make_key(ctx, keys_file, "small", "max_digits=20")
    line = open(keys_file).read().splitlines()[0]
    assert line.endswith(" rate=0.5 burst=1"), line
    with running(ctx, workers=1, extra=("--auth", "on", "--auth-keys", keys_file)) as srv:
        h = srv.http()
        r = post(h, "15", caller=None, headers=bearer(slow))
        assert r.status in (200, 202), r
        assert r.header("X-RateLimit-Limit") == "1", r.headers
        retry = limited(post(h, "15", caller=None, headers=bearer(slow)), "key with rate=0.5 burst=1")
        assert retry == 2, "1 token at 0.5/s: Retry-After %d" % retry
        time.sleep(retry)
        assert post(h, "15", caller=None, headers=bearer(slow)).status in (200, 202)
        # No rate on the server and none on this key: unlimited, no headers.
        for _ in range(30):
            r = post(h, "15", caller=None, headers=bearer(small))
            assert r.status in (200, 202), r
        assert r.header("X-RateLimit-Limit") is None, r.headers
        assert_error(post(h, "1" * 30, caller=None, headers=bearer(small)), 422, what="30 digits with max_digits=20")
        r = post(h, "1" * 20, caller=None, headers=bearer(small))
        assert r.status in (200, 202), "20 digits with max_digits=20: %r" % r
        # The server's --max-digits (300) still applies to the other key.
        r = post(h, "1" * 30, caller=None, headers=bearer(slow))
        assert r.status in (200, 202, 429), r
        assert r.status != 422, r


@suite.test
def keys_add_refuses_bad_settings(ctx):
    keys_file = os.path.join(ctx.tmp, "keys")
    for bad in ("rate=0", "rate=-2", "rate=1e9", "burst=0", "max_digits=100000", "weight=101",
                "frobnicate", "rate=2 rate=3"):
        p = subprocess.run([ctx.factord, "keys", "add", "x", *bad.split(), "--auth-keys", keys_file],
                           capture_output=True, text=True, timeout=30)
        assert p.returncode != 0, "keys add x %s was accepted" % bad
        assert p.stdout == "", "no key may be printed for %s: %r" % (bad, p.stdout)
        assert p.stderr.strip(), bad
    assert not os.path.exists(keys_file) or open(keys_file).read() == "", "a refused key was written"


@suite.test
def a_websocket_over_its_rate_gets_error_frames_then_1008(ctx):
    with running(ctx, workers=1, extra=("--rate-per-caller", "0.1", "--burst-per-caller", "1",
                                        "--ws-idle-timeout", "30s")) as srv:
        async def go():
            async with ws_connect(srv.ws_url("userid=flood")) as ws:
                await ws.send("15")
                assert await ws.recv() == "15 : [3 5]"
                await ws.send('{"type":"message","content":"21","userid":"flood"}')
                err = json.loads(await ws.recv())
                assert err["type"] == "error" and "too many submissions" in err["message"], err
                errors = 1
                try:
                    for _ in range(30):
                        await ws.send("35")
                    while True:
                        frame = await ws.recv()
                        assert frame.startswith("error: too many submissions"), frame
                        errors += 1
                except websockets.exceptions.ConnectionClosed:
                    pass
                assert ws.close_code == 1008, (ws.close_code, ws.close_reason)
                assert ws.close_reason == "rate limited", ws.close_reason
                assert errors == 10, "closed after %d refusals in a row, expected 10" % errors
        arun(go())


if __name__ == "__main__":
    suite.main()
