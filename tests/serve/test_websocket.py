#!/usr/bin/python3
"""Black-box WebSocket tests of `factord serve` (API.md "WebSocket")."""

import asyncio
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (RawWs, Suite, arun, check_factors, raw_status, running,  # noqa: E402
                     semiprimes, ws_connect)

import websockets  # noqa: E402  (Debian's python3-websockets)

suite = Suite("websocket")

REPLY = re.compile(r"^(\d+) : \[([0-9 ]*)\]$")
RFC3339_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)$")

SEED_A = ["3211891798434562153", "66706930041755363083", "111906709554793344173"]
SEED_B = ["28049854149491043631", "1016669087450202913"]

# ~1–2 s each on one core: long enough that a 500 ms idle timer would fire mid-job.
# ~66 digits: a few seconds of sieving, comfortably longer than the 500 ms idle timeout.
SLOW_60 = str(semiprimes(66, 1, seed=60)[0][0])


def parse_reply(text, what=""):
    m = REPLY.match(text)
    assert m, "%s: reply %r is not 'N : [p1 p2 ...]'" % (what, text)
    factors = m.group(2).split() if m.group(2) else []
    check_factors(m.group(1), factors, what)
    return m.group(1), factors


async def recv_until_closed(ws, t_start):
    """All frames until the server closes: ([(t, text)], t_closed, code, reason)."""
    frames = []
    while True:
        try:
            msg = await ws.recv()
        except websockets.exceptions.ConnectionClosed:
            return frames, time.monotonic() - t_start, ws.close_code, ws.close_reason
        frames.append((time.monotonic() - t_start, msg))


# ---------------------------------------------------------------------------------------


@suite.test
def seed_two_sockets_replies_and_idle_close(ctx):
    """The seed scenario: two sockets, five numbers, replies on the asking socket, then
    both closed 1000/idle about 5 s (the default) after their last reply."""
    with running(ctx, workers=2) as srv:
        async def session(userid, numbers):
            async with ws_connect(srv.ws_url("userid=" + userid)) as ws:
                t0 = time.monotonic()
                for n in numbers:
                    await ws.send(n)
                return await recv_until_closed(ws, t0)

        async def both():
            return await asyncio.gather(session("a", SEED_A), session("b", SEED_B))

        results = arun(both(), timeout=40)
        for userid, numbers, (frames, t_closed, code, reason) in zip("ab", (SEED_A, SEED_B), results):
            got = [parse_reply(text, "socket " + userid)[0] for _, text in frames]
            assert sorted(got) == sorted(numbers), \
                "socket %s asked for %r, got replies for %r (%r)" % (userid, numbers, got, frames)
            assert code == 1000 and reason == "idle", \
                "socket %s: expected close 1000 'idle', got %r %r" % (userid, code, reason)
            idle = t_closed - frames[-1][0]
            assert 4.5 <= idle <= 6.5, \
                "socket %s: closed %.2f s after its last reply, expected 4.5–6.5 s" % (userid, idle)
        replies = {parse_reply(t)[0]: t for _, t in results[0][0]}
        assert replies["3211891798434562153"] == "3211891798434562153 : [1000000087 3211891519]", \
            "API.md example reply differs: %r" % replies["3211891798434562153"]


@suite.test
def json_protocol(ctx):
    with running(ctx, workers=2) as srv:
        async def go():
            async with ws_connect(srv.ws_url("userid=u1")) as ws:
                await ws.send(json.dumps({"type": "message", "content": "3211891798434562153",
                                          "userid": "u1"}))
                r = json.loads(await asyncio.wait_for(ws.recv(), 20))
                assert r.get("type") == "response", "expected a response, got %r" % r
                assert r.get("content") == "3211891798434562153 : [1000000087 3211891519]", r
                assert r.get("number") == "3211891798434562153", r
                assert r.get("factors") == ["1000000087", "3211891519"], r
                assert isinstance(r.get("request_id"), str) and r["request_id"], r
                assert r.get("userid") == "u1", r
                assert isinstance(r.get("timestamp"), str) and RFC3339_UTC.match(r["timestamp"]), \
                    "timestamp not RFC 3339 UTC: %r" % r

                # A JSON integer content of 40 digits stays exact.
                n40 = "100000000000000000050700000000000000004563"
                await ws.send('{"type":"message","content":%s,"userid":"u1"}' % n40)
                r = json.loads(await asyncio.wait_for(ws.recv(), 30))
                assert r.get("type") == "response" and r.get("number") == n40, r
                assert r.get("factors") == ["100000000000000000039", "1000000000000000000117"], r

                # Bad ones: a JSON error that names the user, and the socket stays usable.
                bad = [
                    ('{"type":"message","content":', "malformed JSON"),
                    ('{"type":"message","content":"abc","userid":"u1"}', "non-digits"),
                    ('{"type":"message","content":"-7","userid":"u1"}', "negative"),
                    ('{"type":"message","content":"1e5","userid":"u1"}', "exponent string"),
                    ('{"type":"message","content":1e5,"userid":"u1"}', "exponent number"),
                    ('{"type":"message","content":1.5,"userid":"u1"}', "fraction number"),
                    ('{"type":"message","content":"0","userid":"u1"}', "zero"),
                    ('{"type":"message","userid":"u1"}', "no content"),
                    ('{"type":"bogus","content":"15","userid":"u1"}', "unknown type"),
                ]
                for frame, what in bad:
                    await ws.send(frame)
                    text = await asyncio.wait_for(ws.recv(), 20)
                    try:
                        r = json.loads(text)
                    except ValueError:
                        raise AssertionError("%s: %r → expected a JSON error, got %r"
                                             % (what, frame, text))
                    assert r.get("type") == "error", "%s: %r → %r" % (what, frame, r)
                    assert isinstance(r.get("message"), str) and r["message"], (what, r)
                    if "userid" in frame:
                        assert r.get("userid") == "u1", "%s: error must carry userid: %r" % (what, r)
                await ws.send(json.dumps({"type": "message", "content": " +91 ", "userid": "u1"}))
                r = json.loads(await asyncio.wait_for(ws.recv(), 20))
                assert r.get("type") == "response" and r.get("factors") == ["7", "13"], r
        arun(go(), timeout=60)


@suite.test
def json_integer_content_beyond_double_range(ctx):
    n = 2 ** 1100  # 332 digits
    with running(ctx, workers=1, extra=["--max-digits", "400"]) as srv:
        async def go():
            async with ws_connect(srv.ws_url("userid=u2")) as ws:
                await ws.send('{"type":"message","content":%d,"userid":"u2"}' % n)
                return json.loads(await asyncio.wait_for(ws.recv(), 20))
        r = arun(go(), timeout=30)
        assert r.get("type") == "response" and r.get("number") == str(n), \
            "332-digit JSON integer content with --max-digits 400: expected a response, got %r" % r
        assert r.get("factors") == ["2"] * 1100


@suite.test
def several_in_flight_on_one_socket(ctx):
    slow = [str(n) for n, _ in semiprimes(44, 4, seed=44)]
    quick = ["91", "1", "16", "4294967297", "18446744073709551615", "1000000016000000063"]
    numbers = slow + quick
    with running(ctx, workers=2) as srv:
        async def go():
            async with ws_connect(srv.ws_url("userid=many")) as ws:
                for n in numbers:
                    await ws.send(n)
                got = {}
                while len(got) < len(numbers):
                    n, factors = parse_reply(await asyncio.wait_for(ws.recv(), 30))
                    assert n not in got, "two replies for %s" % n
                    got[n] = factors
                assert sorted(got) == sorted(numbers), (sorted(got), sorted(numbers))
                assert got["1"] == [] and got["16"] == ["2", "2", "2", "2"], got
        arun(go(), timeout=60)


@suite.test
def idle_close_waits_for_a_slow_number(ctx):
    with running(ctx, workers=2, extra=["--ws-idle-timeout", "500ms"]) as srv:
        async def go():
            async with ws_connect(srv.ws_url("userid=slow")) as ws:
                t0 = time.monotonic()
                await ws.send(SLOW_60)
                return await recv_until_closed(ws, t0)
        frames, t_closed, code, reason = arun(go(), timeout=60)
        assert frames, "the socket was closed (%r %r) after %.2f s before the reply to a " \
                       "number in flight" % (code, reason, t_closed)
        t_reply, text = frames[0]
        parse_reply(text, "slow number")
        assert len(frames) == 1, frames
        assert t_reply > 0.8, "the slow number took only %.2f s; the test needs > 0.8 s" % t_reply
        assert code == 1000 and reason == "idle", (code, reason)
        after = t_closed - t_reply
        assert 0.3 <= after <= 1.6, "closed %.2f s after the reply, expected ~0.5 s" % after


@suite.test
def idle_timer_restarts_with_every_frame(ctx):
    with running(ctx, workers=2, extra=["--ws-idle-timeout", "700ms"]) as srv:
        async def go():
            async with ws_connect(srv.ws_url("userid=chatty")) as ws:
                t0 = time.monotonic()
                reader = asyncio.ensure_future(recv_until_closed(ws, t0))
                for i in range(8):  # 2.4 s of traffic, gaps well under the timeout
                    await ws.send(str(91 + i))
                    await asyncio.sleep(0.3)
                    assert not reader.done(), "closed after %.2f s while frames kept coming: %r" \
                        % (time.monotonic() - t0, reader.result()[1:])
                t_last_send = time.monotonic() - t0
                frames, t_closed, code, reason = await reader
                return frames, t_closed, code, reason, t_last_send
        frames, t_closed, code, reason, t_last_send = arun(go(), timeout=30)
        assert len(frames) == 8, frames
        assert code == 1000 and reason == "idle", (code, reason)
        assert t_closed - t_last_send < 2.0, "idle close came %.2f s after the last frame" \
            % (t_closed - t_last_send)


@suite.test
def bad_text_frames_get_errors_and_socket_survives(ctx):
    bad = {
        "empty": "",
        "whitespace only": "   \t ",
        "5,000 digits": "7" * 5000,
        "fraction": "1.5",
        "exponent": "1e5",
        "negative": "-7",
        "non-digits": "abc",
        "zero": "0",
        "hex": "0x1f",
        "two numbers": "12 34",
        "JSON array (not a JSON frame)": "[1,2]",
    }
    with running(ctx, workers=2) as srv:
        async def go():
            async with ws_connect(srv.ws_url("userid=bad")) as ws:
                for what, frame in bad.items():
                    await ws.send(frame)
                    text = await asyncio.wait_for(ws.recv(), 20)
                    assert isinstance(text, str) and text.startswith("error: ") and len(text) > 8, \
                        "%s frame %r: expected 'error: <message>', got %r" % (what, frame[:40], text[:200])
                    assert len(text) < 1000, "%s: error echoes too much: %d chars" % (what, len(text))
                # A binary frame: an error reply (or a 1003 close); here the server answers.
                await ws.send(b"91")
                text = await asyncio.wait_for(ws.recv(), 20)
                assert isinstance(text, str) and text.startswith("error: "), \
                    "binary frame: expected 'error: ...', got %r" % (text,)
                # Still open and working; leading '+' and surrounding whitespace are fine.
                await ws.send("  +3211891798434562153 \n")
                text = await asyncio.wait_for(ws.recv(), 20)
                assert text == "3211891798434562153 : [1000000087 3211891519]", text
        arun(go(), timeout=60)


@suite.test
def frame_over_max_frame_bytes_closes_1009(ctx):
    with running(ctx, workers=1, extra=["--max-frame-bytes", "1024"]) as srv:
        ws = RawWs(srv.port, "/ws?userid=big")
        try:
            assert ws.status == 101, "upgrade: expected 101, got %r" % ws.response_head
            ws.send_frame(1, b"91")
            ws.send_frame(1, b"1" * 2000)
            code, reason, frames = ws.read_close(10)
            assert code == 1009, "frame of 2,000 bytes over a 1,024 limit: expected close 1009, " \
                                 "got %r %r (frames before: %r)" % (code, reason, frames)
        finally:
            ws.close()
        # Exactly at the limit is fine (an error reply: 1,024 digits is over --max-digits).
        ws = RawWs(srv.port, "/ws?userid=big")
        try:
            ws.send_frame(1, b"1" * 1024)
            op, payload = ws.recv_frame()
            assert op == 1 and payload.startswith(b"error: "), (op, payload[:100])
        finally:
            ws.close()
        assert srv.alive()


@suite.test
def invalid_utf8_closes_1007(ctx):
    with running(ctx, workers=1) as srv:
        ws = RawWs(srv.port, "/ws?userid=utf8")
        try:
            assert ws.status == 101, ws.response_head
            ws.send_frame(1, b"12\xff\xfe34")
            code, reason, frames = ws.read_close(10)
            assert code == 1007, "invalid UTF-8 text frame: expected close 1007, got %r %r %r" \
                % (code, reason, frames)
        finally:
            ws.close()
        assert srv.alive()


@suite.test
def caller_id_rules_on_upgrade(ctx):
    with running(ctx, workers=1) as srv:
        ws = RawWs(srv.port, "/ws?userid=" + "x" * 129)
        try:
            assert ws.status == 400, "userid of 129 chars: expected 400, got %r" % ws.response_head
        finally:
            ws.close()
        # 128 is the limit, inclusive; `client_id` is an alias and `/` serves WebSocket too.
        for target in ("/ws?userid=" + "y" * 128, "/?client_id=alias", "/ws?client_id=alias2"):
            ws = RawWs(srv.port, target)
            try:
                assert ws.status == 101, "%s: expected 101, got %r" % (target[:40], ws.response_head)
                ws.send_frame(1, b"91")
                op, payload = ws.recv_frame()
                assert (op, payload) == (1, b"91 : [7 13]"), (target[:40], op, payload)
            finally:
                ws.close()


@suite.test
def reading_pauses_at_ws_max_in_flight_without_dropping(ctx):
    numbers = [str(n) for n, _ in semiprimes(40, 12, seed=40)]
    with running(ctx, workers=1, extra=["--ws-max-in-flight", "2"]) as srv:
        async def go():
            async with ws_connect(srv.ws_url("userid=pushy")) as ws:
                for n in numbers:
                    await ws.send(n)
                got = []
                while len(got) < len(numbers):
                    got.append(parse_reply(await asyncio.wait_for(ws.recv(), 30))[0])
                return got
        got = arun(go(), timeout=60)
        assert sorted(got) == sorted(numbers), (got, numbers)


@suite.test
def per_caller_queue_bound_answers_an_error_frame(ctx):
    with running(ctx, workers=1, extra=["--max-queued-per-caller", "2"]) as srv:
        async def go():
            async with ws_connect(srv.ws_url("userid=greedy")) as ws:
                frames = [SLOW_60] + [str(91 + 2 * i) for i in range(6)]
                for f in frames:
                    await ws.send(f)
                replies = []
                # SLOW_60 is ~1 s in Release but can pass 30 s in the sanitizer build while
                # the other suites share the two cores.
                while len(replies) < len(frames):
                    replies.append(await asyncio.wait_for(ws.recv(), 120))
                return frames, replies
        frames, replies = arun(go(), timeout=150)
        errors = [r for r in replies if r.startswith("error: ")]
        answered = [parse_reply(r)[0] for r in replies if not r.startswith("error: ")]
        assert errors, "7 numbers with --max-queued-per-caller 2 behind a slow one: no error " \
                       "frame, replies %r" % replies
        assert SLOW_60 in answered and len(answered) + len(errors) == len(frames), replies
        assert len(answered) <= 4, "more accepted than the bound allows: %r" % replies


@suite.test
def sigterm_closes_open_sockets_and_exits_0(ctx):
    srv = None
    with running(ctx, workers=1) as srv:
        async def go():
            async with ws_connect(srv.ws_url("userid=stay")) as ws:
                await ws.send("91")
                assert await asyncio.wait_for(ws.recv(), 20) == "91 : [7 13]"
                t0 = time.monotonic()
                srv.proc.send_signal(15)
                frames, t_closed, code, reason = await recv_until_closed(ws, t0)
                return frames, t_closed, code
        frames, t_closed, code = arun(go(), timeout=30)
        assert code == 1001, "open socket at SIGTERM: expected close 1001 (going away), got %r" % code
        assert t_closed < 5, "socket closed %.1f s after SIGTERM" % t_closed
        assert srv.proc.wait(20) == 0, "exit status %r" % srv.proc.returncode


if __name__ == "__main__":
    suite.main()
