#!/usr/bin/python3
"""Black-box tests of what a web page can make `factord serve` do (README "Security"):
Origin on the WebSockets and the console, JSON-only POST bodies, and the Host check that
stops DNS rebinding when factord listens on loopback."""

import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Response, RawWs, Suite, arun, assert_error, raw_http,  # noqa: E402
                     raw_status, running, ws_connect)

suite = Suite("browsers")

EVIL = "http://evil.example"
# Every path that upgrades to a WebSocket (API.md "WebSocket", "Operations").
SOCKET_PATHS = ("/ws?userid=b", "/?userid=b", "/v1/actors/stream")


def parse_raw(data):
    """Raw HTTP bytes -> Response (status, headers, body)."""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = [tuple(x.strip() for x in line.split(":", 1)) for line in lines[1:] if ":" in line]
    return Response(raw_status(data), "", headers, body)


def request(port, method, target, headers, body=b"", version="1.1"):
    """One request with exactly these header lines (no Host unless given); the answer."""
    lines = ["%s %s HTTP/%s" % (method, target, version)]
    lines += ["%s: %s" % kv for kv in headers]
    if body or method == "POST":
        lines.append("Content-Length: %d" % len(body))
    data = raw_http(port, ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
    assert data, "%s %s: no answer" % (method, target)
    return parse_raw(data)


def upgrade(port, target, origin=None, host=None):
    headers = [("Host", "127.0.0.1:%d" % port if host is None else host), ("Upgrade", "websocket"), ("Connection", "Upgrade"),
               ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), ("Sec-WebSocket-Version", "13")]
    if origin is not None:
        headers.append(("Origin", origin))
    return request(port, "GET", target, headers)


def accepted_jobs(h):
    r = h.get("/metrics")
    assert r.status == 200, r
    for line in r.body.decode().splitlines():
        if line.startswith('factord_jobs_total{outcome="accepted"} '):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError("no factord_jobs_total{outcome=\"accepted\"} in /metrics")


def echo(port, target, headers):
    """A raw upgrade that must succeed: 101, then 91 is factored on it."""
    ws = RawWs(port, target, headers=headers)
    try:
        assert ws.status == 101, "%s with %r: expected 101, got %r" % (target, headers, ws.response_head)
        ws.send_frame(1, b"91")
        op, payload = ws.recv_frame()
        assert (op, payload) == (1, b"91 : [7 13]"), (op, payload)
    finally:
        ws.close()


# ---------------------------------------------------------------------------------------


@suite.test
def cross_origin_upgrades_refused_with_403_before_the_upgrade(ctx):
    with running(ctx, workers=1) as srv:
        own = "http://127.0.0.1:%d" % srv.port
        hostile = [EVIL, "null", own + "/", "https://127.0.0.1:%d" % srv.port, "http://127.0.0.1:%d" % (srv.port + 1),
                   "http://localhost:%d" % srv.port, "http://127.0.0.1:%d.evil.example" % srv.port, "",
                   "http://user@127.0.0.1:%d" % srv.port, "http://" + "a" * 5000]
        for target in SOCKET_PATHS:
            for origin in hostile:
                r = upgrade(srv.port, target, origin=origin)
                what = "%s with Origin %r" % (target, origin[:60])
                err = assert_error(r, 403, "origin_not_allowed", what)
                assert "--allowed-origins" in err["message"], err
                assert r.header("Upgrade") is None, "%s: answered as an upgrade: %r" % (what, r.headers)
        h = srv.http()
        snap = h.get("/v1/actors").json()
        sessions = [a for a in snap["actors"] if a["kind"] == "ws-session"]
        assert not sessions, "a refused upgrade left a ws-session behind: %r" % sessions
        assert srv.alive()


@suite.test
def same_origin_and_no_origin_upgrades_accepted(ctx):
    with running(ctx, workers=1) as srv:
        host = "127.0.0.1:%d" % srv.port
        echo(srv.port, "/ws?userid=same", {"Origin": "http://" + host})
        echo(srv.port, "/ws?userid=SAME", {"Origin": "HTTP://127.0.0.1:%d" % srv.port})
        echo(srv.port, "/ws?userid=none", {})
        # By name: the own origin follows the Host the browser sent.
        echo(srv.port, "/ws?userid=named", {"Host": "localhost:%d" % srv.port,
                                             "Origin": "http://localhost:%d" % srv.port})

        async def real_client():
            async with ws_connect(srv.ws_url("userid=lib"), origin="http://" + host) as ws:
                await ws.send("15")
                return await ws.recv()
        assert arun(real_client()) == "15 : [3 5]"
        # The console's stream, same origin: its first frame is the snapshot.
        ws = RawWs(srv.port, "/v1/actors/stream", headers={"Origin": "http://" + host})
        try:
            assert ws.status == 101, ws.response_head
            _op, payload = ws.recv_message()
            assert json.loads(payload)["type"] == "snapshot", payload[:100]
        finally:
            ws.close()


@suite.test
def allowed_origins_option_admits_exactly_its_origins(ctx):
    listed = "http://localhost:3000,https://app.example.com"
    with running(ctx, workers=1, extra=["--allowed-origins", listed]) as srv:
        echo(srv.port, "/ws?userid=a", {"Origin": "http://localhost:3000"})
        echo(srv.port, "/ws?userid=b", {"Origin": "https://APP.example.com:443"})
        echo(srv.port, "/ws?userid=own", {"Origin": "http://127.0.0.1:%d" % srv.port})
        for origin in ("http://localhost:3001", "https://localhost:3000", "http://app.example.com", EVIL):
            assert_error(upgrade(srv.port, "/ws?userid=c", origin=origin), 403, "origin_not_allowed", origin)
        h = srv.http()
        r = h.get("/v1/actors", headers={"Origin": "https://app.example.com"})
        assert r.status == 200, r
        assert_error(h.get("/v1/actors", headers={"Origin": EVIL}), 403, "origin_not_allowed")
    with running(ctx, workers=1, extra=["--allowed-origins", "*"]) as srv:
        echo(srv.port, "/ws?userid=any", {"Origin": EVIL})
        echo(srv.port, "/ws?userid=null", {"Origin": "null"})


@suite.test
def bad_allowed_origins_refuse_to_start(ctx):
    for bad in ("app.example.com", "https://app.example.com/", "*,https://a.example", "https://a.example,,",
                ",".join("https://h%d.example" % i for i in range(65)), "https://" + "a" * 300):
        p = subprocess.run([ctx.factord, "serve", "--port", "0", "--data-dir", os.path.join(ctx.tmp, "d"),
                            "--allowed-origins", bad], capture_output=True, timeout=20)
        err = p.stderr.decode("utf-8", "replace")
        assert p.returncode == 2, "--allowed-origins %r: exit status %d, expected 2 (usage)" % (bad[:60], p.returncode)
        assert "bad value for allowed-origins" in err, \
            "--allowed-origins %r: stderr does not say why: %r" % (bad[:60], err)


@suite.test
def console_routes_check_origin(ctx):
    token = "0123456789abcdef"
    with running(ctx, workers=1, extra=["--console-token", token]) as srv:
        h = srv.http()
        own = "http://127.0.0.1:%d" % srv.port
        action = {"Content-Type": "application/json", "Authorization": "Bearer " + token}
        body = json.dumps({"action": "pause_caller", "caller": "someone"})
        for origin in (EVIL, "null"):
            assert_error(h.get("/v1/actors", headers={"Origin": origin}), 403, "origin_not_allowed")
            assert_error(h.get("/console", headers={"Origin": origin}), 403, "origin_not_allowed")
            assert_error(h.get("/console/console.js", headers={"Origin": origin}), 403, "origin_not_allowed")
            r = h.request("POST", "/v1/console/actions", body=body, headers=dict(action, Origin=origin))
            assert_error(r, 403, "origin_not_allowed", "console action from %s" % origin)
        # Every action the console takes is logged (console_action); none was taken.
        acted = [e for e in srv.log_events() if e.get("event") == "console_action"]
        assert not acted, "a refused request acted: %r" % acted
        for headers in ({}, {"Origin": own}):
            assert h.get("/v1/actors", headers=headers).status == 200
            assert h.get("/console", headers=headers).status == 200
            r = h.request("POST", "/v1/console/actions", body=body, headers=dict(action, **headers))
            assert r.status == 200 and r.json()["ok"] is True, r
        acted = [e for e in srv.log_events() if e.get("event") == "console_action"]
        assert len(acted) == 2, "expected the two allowed actions in the log: %r" % acted
        # Routes that are neither sockets nor the console ignore Origin (CORS keeps their
        # answers from the page; the JSON-only rule keeps its POSTs out).
        assert h.get("/healthz", headers={"Origin": EVIL}).status == 200


@suite.test
def post_bodies_must_be_json(ctx):
    with running(ctx, workers=1, extra=["--console-token", "0123456789abcdef"]) as srv:
        h = srv.http()
        before = accepted_jobs(h)
        body = b'{"number":"91"}'
        for path, payload in (("/v1/jobs", body), ("/compute", body), ("/v1/jobs:batch", b'{"numbers":["91"]}')):
            for ctype in (None, "text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
                          "multipart/form-data; boundary=x", ""):
                headers = [("Host", "127.0.0.1:%d" % srv.port), ("X-Caller-ID", "nojson")]
                if ctype is not None:
                    headers.append(("Content-Type", ctype))
                r = request(srv.port, "POST", path, headers, payload)
                err = assert_error(r, 415, "unsupported_media_type", "%s with Content-Type %r" % (path, ctype))
                assert "application/json" in err["message"], err
        # A cross-site form would carry an Origin too; the refusal does not depend on it.
        r = request(srv.port, "POST", "/v1/jobs", [("Host", "127.0.0.1:%d" % srv.port), ("Origin", EVIL),
                                                   ("Content-Type", "text/plain"), ("X-Caller-ID", "x")], body)
        assert_error(r, 415, "unsupported_media_type")
        r = request(srv.port, "POST", "/v1/console/actions",
                    [("Host", "127.0.0.1:%d" % srv.port), ("Authorization", "Bearer 0123456789abcdef")],
                    b'{"action":"pause_caller","caller":"c"}')
        assert_error(r, 415, "unsupported_media_type", "console action without Content-Type")
        assert accepted_jobs(h) == before, "a POST without a JSON content type created a job"
        r = h.post_job("91", caller="json")
        assert r.status in (200, 202), r
        assert accepted_jobs(h) == before + 1


@suite.test
def host_rebinding_refused_on_loopback(ctx):
    with running(ctx, workers=1) as srv:
        port = srv.port
        for host in ("evil.example:%d" % port, "evil.example", "127.0.0.1.evil.example:%d" % port,
                     "localhost.evil.example", "127.1:%d" % port, "2130706433", "localhost.", "",
                     "[::ffff:127.0.0.1]:%d" % port, "192.168.0.1:%d" % port):
            r = request(port, "GET", "/healthz", [("Host", host)])
            err = assert_error(r, 421, "host_not_allowed", "Host %r" % host)
            assert "DNS rebinding" in err["message"] and "--host" in err["message"], err
            assert_error(upgrade(port, "/ws?userid=r", host=host, origin="http://" + host), 421,
                         "host_not_allowed", "upgrade with Host %r" % host)
            r = request(port, "POST", "/v1/jobs", [("Host", host), ("Content-Type", "application/json"),
                                                   ("X-Caller-ID", "rebound")], b'{"number":"91"}')
            assert_error(r, 421, "host_not_allowed", "POST with Host %r" % host)
            r = request(port, "GET", "/metrics", [("Host", host)])
            assert_error(r, 421, "host_not_allowed", "GET /metrics with Host %r" % host)
        for host in ("127.0.0.1:%d" % port, "localhost:%d" % port, "LocalHost", "127.0.0.1", "127.9.8.7:1",
                     "[::1]:%d" % port):
            r = request(port, "GET", "/healthz", [("Host", host)])
            assert r.status == 200, "Host %r: expected 200, got %r" % (host, r)
        h = srv.http()
        r = h.get("/metrics")
        assert 'factord_http_requests_total{route="/healthz",status="421"}' in r.body.decode(), \
            "421s are not counted under their own status"
        assert accepted_jobs(h) == 0, "a rebound POST created a job"


@suite.test
def host_header_rules(ctx):
    with running(ctx, workers=1) as srv:
        # HTTP/1.1 without Host: 400 (RFC 9112 section 3.2); HTTP/1.0 may omit it.
        assert_error(request(srv.port, "GET", "/healthz", []), 400, "malformed_request", "no Host")
        r = request(srv.port, "GET", "/healthz", [], version="1.0")
        assert r.status == 200, "HTTP/1.0 without Host: %r" % r
        two = [("Host", "127.0.0.1:%d" % srv.port), ("Host", "evil.example")]
        assert_error(request(srv.port, "GET", "/healthz", two), 400, "malformed_request", "two Host headers")
        assert srv.alive()


if __name__ == "__main__":
    suite.main()
