#!/usr/bin/python3
"""Black-box tests of the inspection console of `factord serve` (API.md "Operations"):
GET /v1/actors, the /v1/actors/stream WebSocket, POST /v1/console/actions, /console."""

import asyncio
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Suite, arun, assert_error, raw_http, raw_status, running,  # noqa: E402
                     semiprimes, ws_connect)

import websockets  # noqa: E402  (Debian's python3-websockets)

suite = Suite("console")

TOKEN = "0123456789abcdef"
MAX_FRAME_BYTES = 1 << 20  # a frame of a small node stays far below this
ACTOR_FIELDS = ("id", "kind", "parent", "role", "started_at", "mailbox", "handled", "rate",
                "busy_ms", "last_message", "state")
JOB_COUNTERS = ("accepted", "done", "failed", "cancelled", "rejected", "queued", "running")
# ~1–2 s each on one core: keeps a worker busy and a queue non-empty while we look.
SLOW = [str(n) for n, _ in semiprimes(60, 4, seed=61)]


def snapshot(srv, h=None):
    h = h or srv.http()
    r = h.get("/v1/actors")
    assert r.status == 200, "GET /v1/actors: %r" % r
    assert r.header("Content-Type", "").startswith("application/json"), r.headers
    return r.json()


def wait_for(what, predicate, timeout=10.0, every=0.1):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %.0f s waiting for %s" % (timeout, what))
        time.sleep(every)


def session_of(snap, caller):
    for a in snap["actors"]:
        if a["kind"] == "ws-session" and (a.get("role") == caller or a["state"].get("caller") == caller):
            return a
    return None


def action(h, body, token=TOKEN, raw=None):
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = "Bearer " + token
    data = raw if raw is not None else json.dumps(body)
    return h.request("POST", "/v1/console/actions", body=data, headers=headers)


# ---------------------------------------------------------------------------------------


@suite.test
def snapshot_lists_the_node_actors_with_their_fields(ctx):
    with running(ctx, workers=2) as srv:
        snap = snapshot(srv)
        assert snap["type"] == "snapshot", snap.get("type")
        for key in ("time", "uptime_s", "actors", "exited", "jobs", "workers", "fairness", "history"):
            assert key in snap, "snapshot without %r: %r" % (key, sorted(snap))
        kinds = [a["kind"] for a in snap["actors"]]
        for kind in ("dispatcher", "job-registry", "worker-pool", "factor-worker"):
            assert kind in kinds, "no %s actor in %r" % (kind, kinds)
        assert kinds.count("factor-worker") == 2, kinds
        for a in snap["actors"]:
            missing = [f for f in ACTOR_FIELDS if f not in a]
            assert not missing, "actor %r lacks %r" % (a, missing)
            assert isinstance(a["state"], dict), a
        for k in JOB_COUNTERS:
            assert isinstance(snap["jobs"].get(k), int), "jobs.%s: %r" % (k, snap["jobs"])
        assert len(snap["workers"]) == 2, snap["workers"]
        assert "jain_index" in snap["fairness"] and isinstance(snap["fairness"]["callers"], list)

        # Work shows up: a finished job is counted, its caller is in the fairness view.
        h = srv.http()
        rid = h.submit("91", caller="snapper")
        assert h.wait_job(rid)["status"] == "done"
        snap = wait_for("the job counted", lambda: (lambda s: s if s["jobs"]["done"] >= 1 else None)(snapshot(srv)))
        callers = [c["caller"] for c in snap["fairness"]["callers"]]
        assert "snapper" in callers, snap["fairness"]
        assert snap["fairness"]["suspended"] == 0, snap["fairness"]
        assert snap["fairness"]["refusals"] == {}, snap["fairness"]
        # Limits are visible: a refused submission is counted by reason.
        assert h.post_job("12x", caller="snapper").status == 422
        snap = wait_for("the refusal counted",
                        lambda: (lambda s: s if s["fairness"]["refusals"] else None)(snapshot(srv)))
        assert snap["fairness"]["refusals"] == {"invalid_number": 1}, snap["fairness"]
        assert snapshot(srv)["type"] == "snapshot"  # GET stays repeatable


@suite.test
def ws_session_shows_a_countdown_then_moves_to_exited(ctx):
    with running(ctx, workers=1, extra=["--ws-idle-timeout", "1s"]) as srv:
        async def scenario():
            async with ws_connect(srv.ws_url("userid=idle-probe")) as ws:
                t0 = time.monotonic()
                seen = await asyncio.to_thread(wait_for, "the ws-session in the snapshot",
                                               lambda: session_of(snapshot(srv), "idle-probe"), 0.9, 0.05)
                try:
                    await asyncio.wait_for(ws.recv(), 5)
                except websockets.exceptions.ConnectionClosed:
                    pass
                return seen, time.monotonic() - t0, ws.close_code, ws.close_reason
        seen, closed_after, code, reason = arun(scenario(), timeout=30)
        idle = seen["state"].get("idle_closes_in_ms")
        assert isinstance(idle, (int, float)) and 0 <= idle <= 1000, "idle countdown: %r" % seen
        assert seen["state"].get("caller") == "idle-probe", seen
        assert "in_flight" in seen["state"] and "closing" in seen["state"], seen
        assert code == 1000 and reason == "idle", (code, reason)
        assert 0.8 <= closed_after <= 3.0, "idle close after %.2f s, expected ~1 s" % closed_after

        def gone():
            s = snapshot(srv)
            if session_of(s, "idle-probe"):
                return None
            ex = [e for e in s["exited"] if e["kind"] == "ws-session" and e.get("role") == "idle-probe"]
            return ex[0] if ex else None
        ex = wait_for("the ws-session in exited", gone, 5)
        assert ex["id"] == seen["id"] and ex.get("exited_at") and ex.get("reason"), ex


@suite.test
def stream_sends_a_snapshot_then_deltas_at_the_interval(ctx):
    with running(ctx, workers=1) as srv:
        url = srv.ws_url("interval_ms=250", path="/v1/actors/stream")

        async def scenario():
            frames = []
            async with ws_connect(url) as ws:
                async def take(n):
                    for _ in range(n):
                        text = await asyncio.wait_for(ws.recv(), 5)
                        frames.append((time.monotonic(), text))
                await take(6)
                await ws.send(json.dumps({"interval_ms": 1000}))
                mark = len(frames)
                await take(4)
            return frames, mark

        frames, mark = arun(scenario(), timeout=40)
        for _, text in frames:
            assert isinstance(text, str) and len(text.encode()) < MAX_FRAME_BYTES, len(text)
        parsed = [json.loads(t) for _, t in frames]
        assert parsed[0]["type"] == "snapshot", parsed[0].get("type")
        if "interval_ms" in parsed[0]:
            assert parsed[0]["interval_ms"] == 250, parsed[0]["interval_ms"]
        assert "actors" in parsed[0] and "history" in parsed[0]
        for d in parsed[1:]:
            assert d["type"] == "delta", d.get("type")
            for key in ("time", "upserted", "removed", "exited", "jobs", "workers", "fairness"):
                assert key in d, "delta without %r: %r" % (key, sorted(d))
        fast = [b[0] - a[0] for a, b in zip(frames[1:mark], frames[2:mark])]
        slow = [b[0] - a[0] for a, b in zip(frames[mark:], frames[mark + 1:])]
        assert all(0.1 <= g <= 0.7 for g in fast), "gaps at 250 ms: %r" % fast
        assert all(0.7 <= g <= 1.6 for g in slow), "gaps after {interval_ms:1000}: %r" % slow
        # A viewer is not a job session: it never shows up as a ws-session.
        assert not [a for a in snapshot(srv)["actors"] if a["kind"] == "ws-session"]


@suite.test
def stream_refuses_bad_intervals_and_plain_http(ctx):
    with running(ctx, workers=1) as srv:
        key = "dGhlIHNhbXBsZSBub25jZQ=="
        for bad in ("10", "20000", "abc", "1000.5"):
            req = ("GET /v1/actors/stream?interval_ms=%s HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                   "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n"
                   % (bad, key)).encode()
            data = raw_http(srv.port, req)
            assert raw_status(data) == 400, "interval_ms=%s: %r" % (bad, data[:200])
            assert b"invalid_interval" in data, data
        assert_error(srv.http().get("/v1/actors/stream"), 426, "upgrade_required", "GET without upgrade")


@suite.test
def actions_are_refused_without_a_configured_token(ctx):
    with running(ctx, workers=1) as srv:
        h = srv.http()
        r = action(h, {"action": "pause_caller", "caller": "x"})
        err = assert_error(r, 403, "actions_disabled", "no --console-token")
        assert "--console-token" in err["message"], err
        assert_error(action(h, {"action": "pause_caller", "caller": "x"}, token=None), 403,
                     "actions_disabled", "no token at all")


@suite.test
def actions_check_the_token_and_pause_a_caller(ctx):
    with running(ctx, workers=1, extra=["--console-token", TOKEN]) as srv:
        h = srv.http()
        body = {"action": "pause_caller", "caller": "heavy"}
        r = action(h, body, token=None)
        assert_error(r, 401, "unauthorized", "no Authorization")
        assert r.header("WWW-Authenticate", "").startswith("Bearer"), r.headers
        assert_error(action(h, body, token="0123456789abcdeX"), 401, "unauthorized", "wrong token")
        assert_error(action(h, body, token=TOKEN + "0"), 401, "unauthorized", "longer token")
        assert_error(action(h, body, token=""), 401, "unauthorized", "empty token")

        # Malformed requests, with the right token.
        assert_error(action(h, None, raw="{"), 400, "malformed_json", "broken JSON")
        assert_error(action(h, None, raw="[1]"), 400, "expected_object", "array body")
        assert_error(action(h, {"caller": "x"}), 400, "missing_action", "no action")
        assert_error(action(h, {"action": "reboot"}), 422, "unknown_action", "unknown action")
        assert_error(action(h, {"action": "set_weight", "caller": "x", "weight": 0}), 422,
                     "invalid_weight", "weight 0")
        assert_error(action(h, {"action": "close_session", "actor": "12"}), 422, "invalid_actor",
                     "actor as string")

        # "heavy" has a backlog (one worker, slow numbers); pausing it shows in fairness.
        ids = [h.submit(n, caller="heavy") for n in SLOW]
        r = action(h, body)
        assert r.status == 200, "pause_caller: %r" % r
        out = r.json()
        assert out.get("ok") is True and isinstance(out.get("message"), str), out

        def paused(flag):
            def check():
                for c in snapshot(srv)["fairness"]["callers"]:
                    if c["caller"] == "heavy" and c["paused"] is flag:
                        return c
                return None
            return check
        c = wait_for("heavy paused in fairness", paused(True), 5)
        assert c["queued"] >= 1, c
        r = action(h, {"action": "set_weight", "caller": "heavy", "weight": 3})
        assert r.status == 200, "set_weight: %r" % r
        r = action(h, {"action": "resume_caller", "caller": "heavy"})
        assert r.status == 200, "resume_caller: %r" % r
        wait_for("heavy resumed", paused(False), 5)
        assert wait_for("weight 3", lambda: [c for c in snapshot(srv)["fairness"]["callers"]
                                             if c["caller"] == "heavy" and c["weight"] == 3], 5)

        # cancel_job through the console: the job ends cancelled.
        r = action(h, {"action": "cancel_job", "request_id": ids[-1]})
        assert r.status == 200, "cancel_job: %r" % r
        assert h.wait_job(ids[-1], timeout=20)["status"] == "cancelled"
        r = action(h, {"action": "cancel_job", "request_id": "no-such-job"})
        assert_error(r, 404, "not_found", "cancel of an unknown job")
        r = action(h, {"action": "close_session", "actor": 424242})
        assert_error(r, 404, "not_found", "close of an unknown session")
        for rid in ids[:-1]:
            h.delete_job(rid)


@suite.test
def close_session_action_closes_the_socket(ctx):
    with running(ctx, workers=1, extra=["--console-token", TOKEN]) as srv:
        async def scenario():
            async with ws_connect(srv.ws_url("userid=to-close")) as ws:
                s = await asyncio.to_thread(wait_for, "the session", lambda: session_of(snapshot(srv), "to-close"))
                r = await asyncio.to_thread(action, srv.http(), {"action": "close_session", "actor": s["id"]})
                try:
                    await asyncio.wait_for(ws.recv(), 5)
                except websockets.exceptions.ConnectionClosed:
                    pass
                return r, ws.close_code
        r, code = arun(scenario(), timeout=30)
        assert r.status == 200, "close_session: %r" % r
        assert code is not None, "the socket was not closed"


@suite.test
def console_page_and_assets_are_served(ctx):
    with running(ctx, workers=1) as srv:
        h = srv.http()
        expect = {
            "/console": "text/html",
            "/console/": "text/html",
            "/console/console.js": "text/javascript",
            "/console/console.css": "text/css",
            "/console/uplot.js": "text/javascript",
            "/console/uplot.css": "text/css",
        }
        bodies = {}
        for path, ctype in expect.items():
            r = h.get(path)
            assert r.status == 200, "%s: %r" % (path, r)
            assert r.header("Content-Type", "").startswith(ctype), "%s: %r" % (path, r.headers)
            assert len(r.body) > 100, "%s is nearly empty" % path
            bodies[path] = (r, r.body.decode("utf-8"))
        page = bodies["/console"][1]
        assert "factord" in page and '<script type="module" src="/console/console.js">' in page, page[:300]
        assert "{{" not in page, "unsubstituted template in the page"
        assert "http://" not in page and "https://" not in page, "the page must not load from elsewhere"
        assert "uPlot" in bodies["/console/uplot.js"][1]
        assert "immutable" in bodies["/console/uplot.js"][0].header("Cache-Control", ""), "uPlot cache"
        assert "immutable" not in bodies["/console/console.js"][0].header("Cache-Control", "")
        assert "default-src 'self'" in bodies["/console"][0].header("Content-Security-Policy", "")
        assert_error(h.get("/console/nope.js"), 404, "not_found", "unknown asset")
        assert_error(h.get("/console/../healthz"), 404, None, "dot-dot")
        assert_error(h.request("POST", "/console", body=b""), 405, "method_not_allowed", "POST /console")
        doc = h.get("/openapi.json").json()
        for path in ("/v1/actors", "/console", "/v1/console/actions"):
            assert path in doc["paths"], "openapi lacks %s" % path
        assert "/v1/actors/stream" in doc["x-websockets"], "openapi lacks the stream"
        # console.js imports the other modules by relative URL: each must be served, and as
        # JavaScript, or the browser refuses the whole page's script.
        assets = doc["paths"]["/console/{asset}"]["get"]["parameters"][0]["schema"]["enum"]
        modules = [a for a in assets if a.endswith(".js") and a != "uplot.js"]
        assert len(modules) > 1, assets
        for name in assets:
            r = h.get("/console/" + name)
            ctype = "text/javascript" if name.endswith(".js") else "text/css"
            assert r.status == 200, "%s: %r" % (name, r)
            assert r.header("Content-Type", "").startswith(ctype), "%s: %r" % (name, r.headers)
        for name in modules:
            for imported in re.findall(r"from '\./([\w.-]+)'", h.get("/console/" + name).body.decode("utf-8")):
                assert imported in modules, "%s imports %s, which is not served" % (name, imported)


if __name__ == "__main__":
    suite.main()
