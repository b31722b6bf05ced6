#!/usr/bin/python3
"""Black-box tests of authentication (`--auth on`, API keys): `factord keys add`, the
protected-mode start check, 401/403 on REST and WebSocket, the caller taken from the
credential, admin routes, and keys revoked or added while the server runs."""

import asyncio
import base64
import json
import os
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Server, Suite, arun, assert_error, raw_status, running,  # noqa: E402
                     ws_connect)

import websockets  # noqa: E402  Debian's python3-websockets

suite = Suite("auth")


def keys_add(ctx, keys_file, caller, *settings):
    """`factord keys add`: (exit status, stdout, stderr)."""
    p = subprocess.run([ctx.factord, "keys", "add", caller, *settings, "--auth-keys", keys_file],
                       capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout, p.stderr


def make_key(ctx, keys_file, caller, *settings):
    rc, out, err = keys_add(ctx, keys_file, caller, *settings)
    assert rc == 0, "keys add %s: exit %d, stderr %r" % (caller, rc, err)
    return out.strip()


def bearer(key):
    return {"Authorization": "Bearer " + key}


def auth_server(ctx, keys_file, *extra, workers=1):
    return running(ctx, workers=workers, extra=("--auth", "on", "--auth-keys", keys_file) + extra)


def upgrade_status(port, target, headers=""):
    """Status and headers of a raw WebSocket upgrade request (refusals come before it)."""
    key = base64.b64encode(os.urandom(16)).decode()
    req = ("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n%s\r\n" % (target, port, key, headers))
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(req.encode())
        data = b""
        while b"\r\n\r\n" not in data:  # the head is enough: a 101 keeps the socket open
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").lower()
    return raw_status(data), head


def start_fails(ctx, args, timeout=20):
    """Runs `factord serve ARGS`, which must exit by itself: (status, combined output)."""
    p = subprocess.run([ctx.factord, "serve", "--data-dir", os.path.join(ctx.tmp, "data"),
                        "--log-format", "json"] + args,
                       capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout + p.stderr


# ---------------------------------------------------------------------------------------


@suite.test
def keys_add_prints_the_key_once_and_stores_only_its_hash(ctx):
    keys_file = os.path.join(ctx.tmp, "keys")
    key = make_key(ctx, keys_file, "alice")
    assert key.startswith("fk_") and len(key) == 46, key
    text = open(keys_file).read()
    assert key not in text, "the key itself must never be stored"
    assert text.startswith("alice sha256:"), text
    assert oct(os.stat(keys_file).st_mode & 0o777) == "0o600", oct(os.stat(keys_file).st_mode)
    admin = make_key(ctx, keys_file, "ops", "admin")
    assert admin != key
    assert open(keys_file).read().splitlines()[1].endswith(" admin")
    for bad in (["two words"], ["a#b"], [""], ["x" * 129]):
        rc, out, err = keys_add(ctx, keys_file, *bad)
        assert rc == 2 and out == "" and "caller id" in err, (bad, rc, out, err)
    rc, out, err = keys_add(ctx, keys_file, "bob", "root")
    assert rc == 2 and "usage" in err, (rc, err)
    p = subprocess.run([ctx.factord, "keys", "add", "bob"], capture_output=True, text=True, timeout=30)
    assert p.returncode == 2 and "--auth-keys" in p.stderr, (p.returncode, p.stderr)
    assert len(open(keys_file).read().splitlines()) == 2, "refused adds must not write"


@suite.test
def a_network_host_needs_an_auth_choice(ctx):
    """Like Redis' protected mode: 0.0.0.0 with --auth unset refuses to start and says how."""
    rc, out = start_fails(ctx, ["--host", "0.0.0.0", "--port", "0"])
    assert rc == 2, (rc, out)
    assert "--auth on" in out and "--auth off" in out, out
    rc, out = start_fails(ctx, ["--auth", "on", "--port", "0"])
    assert rc == 2 and "--auth-keys" in out, (rc, out)
    keys_file = os.path.join(ctx.tmp, "broken-keys")
    with open(keys_file, "w") as f:
        f.write("not a keys line\n")
    rc, out = start_fails(ctx, ["--auth", "on", "--auth-keys", keys_file, "--port", "0"])
    assert rc == 1 and "line 1" in out, (rc, out)
    # The explicit opt-out starts on the network address.
    srv = Server(ctx, workers=1, extra=("--host", "0.0.0.0", "--auth", "off")).start()
    srv.stop()


@suite.test
def rest_needs_a_credential_and_the_caller_is_the_credentials(ctx):
    keys_file = os.path.join(ctx.tmp, "keys")
    alice = make_key(ctx, keys_file, "alice")
    with auth_server(ctx, keys_file) as srv:
        http = srv.http()
        r = http.post_job("91", caller="alice")
        assert_error(r, 401, "unauthorized", "no credential")
        assert r.header("WWW-Authenticate", "").startswith("Bearer"), r.headers
        r = http.post_job("91", caller=None, extra_headers=bearer("fk_" + "A" * 43))
        assert_error(r, 401, "unauthorized", "unknown key")
        r = http.post_job("91", caller=None, extra_headers=bearer("not-a-key"))
        assert_error(r, 401, "unauthorized", "garbage credential")
        assert "not-a-key" not in r.body.decode(), "an error must not echo the credential"
        r = http.post_job("91", caller=None, extra_headers={"Authorization": "Basic " + alice})
        assert_error(r, 401, "unauthorized", "wrong scheme")

        # No X-Caller-ID needed: the key says who this is.
        r = http.post_job("91", caller=None, extra_headers=bearer(alice), wait=2)
        assert r.status in (200, 202), r
        rid = r.json()["request_id"]
        r = http.request("GET", "/v1/jobs/" + rid + "?wait=2", headers=bearer(alice))
        assert r.status == 200 and r.json()["caller_id"] == "alice", r
        # A matching X-Caller-ID is fine; another one is a 403 that says so.
        r = http.post_job("15", caller="alice", extra_headers=bearer(alice))
        assert r.status == 202, r
        r = http.post_job("15", caller="mallory", extra_headers=bearer(alice))
        err = assert_error(r, 403, "caller_mismatch", "forged X-Caller-ID")
        assert "alice" in err["message"], err
        r = http.post_job("15", caller=None, path="/v1/jobs?caller_id=mallory", extra_headers=bearer(alice))
        assert_error(r, 403, "caller_mismatch", "forged ?caller_id=")
        # Batches and the older API too.
        r = http.request("POST", "/v1/jobs:batch", json_body={"numbers": ["6", "10"]}, headers=bearer(alice))
        assert r.status == 202, r
        r = http.request("POST", "/v1/jobs:batch", json_body={"numbers": ["6"]})
        assert_error(r, 401, "unauthorized", "batch without credential")
        r = http.post_job("21", caller=None, path="/compute", extra_headers=bearer(alice))
        assert r.status == 202, r
        # Reading and cancelling need the credential as well.
        assert_error(http.get_job(rid), 401, "unauthorized", "GET without credential")
        assert_error(http.delete_job(rid), 401, "unauthorized", "DELETE without credential")
        # Open routes stay open.
        for path in ("/healthz", "/readyz", "/openapi.json", "/console"):
            assert http.get(path).status == 200, path


@suite.test
def console_routes_need_an_admin_credential(ctx):
    keys_file = os.path.join(ctx.tmp, "keys")
    alice = make_key(ctx, keys_file, "alice")
    ops = make_key(ctx, keys_file, "ops", "admin")
    token = "console-token-0123456789"
    with auth_server(ctx, keys_file, "--console-token", token, "--metrics-token", "metrics-token-0123456789") as srv:
        http = srv.http()
        assert_error(http.get("/v1/actors"), 401, "unauthorized", "snapshot without credential")
        assert_error(http.get("/v1/actors", headers=bearer(alice)), 403, "admin_required", "non-admin")
        assert http.get("/v1/actors", headers=bearer(ops)).status == 200
        assert http.get("/v1/actors", headers=bearer(token)).status == 200, "the console token is an admin credential"
        status, _ = upgrade_status(srv.port, "/v1/actors/stream?token=" + alice)
        assert status == 403, status
        status, _ = upgrade_status(srv.port, "/v1/actors/stream")
        assert status == 401, status
        status, _ = upgrade_status(srv.port, "/v1/actors/stream?token=" + ops)
        assert status == 101, status
        # Actions: an admin key works without the console token too.
        action = {"action": "pause_caller", "caller": "bob"}
        r = http.request("POST", "/v1/console/actions", json_body=action, headers=bearer(alice))
        assert_error(r, 403, "admin_required", "non-admin action")
        r = http.request("POST", "/v1/console/actions", json_body=action, headers=bearer(ops))
        assert r.status == 200, r
        # /metrics: its token, or an admin.
        assert_error(http.get("/metrics"), 401, "unauthorized", "metrics without token")
        assert_error(http.get("/metrics", headers=bearer(alice)), 403, "admin_required", "metrics, non-admin")
        assert http.get("/metrics", headers=bearer("metrics-token-0123456789")).status == 200
        assert http.get("/metrics", headers=bearer(ops)).status == 200


@suite.test
def metrics_token_works_with_auth_off(ctx):
    with running(ctx, workers=1, extra=("--metrics-token", "metrics-token-0123456789")) as srv:
        http = srv.http()
        assert_error(http.get("/metrics"), 401, "unauthorized", "metrics without token")
        assert http.get("/metrics", headers=bearer("metrics-token-0123456789")).status == 200
        assert http.get("/v1/actors").status == 200  # auth off: as before


@suite.test
def websocket_refuses_a_bad_credential_before_the_upgrade(ctx):
    keys_file = os.path.join(ctx.tmp, "keys")
    alice = make_key(ctx, keys_file, "alice")
    with auth_server(ctx, keys_file) as srv:
        status, head = upgrade_status(srv.port, "/ws?token=fk_" + "B" * 43)
        assert status == 401 and "www-authenticate: bearer" in head, (status, head)
        status, _ = upgrade_status(srv.port, "/ws?userid=mallory&token=" + alice)
        assert status == 403, status
        status, _ = upgrade_status(srv.port, "/ws", "Authorization: Bearer garbage\r\n")
        assert status == 401, status
        status, _ = upgrade_status(srv.port, "/ws?userid=alice&token=" + alice)
        assert status == 101, status


@suite.test
def websocket_credentials_by_token_header_or_first_frame(ctx):
    keys_file = os.path.join(ctx.tmp, "keys")
    alice = make_key(ctx, keys_file, "alice")
    with auth_server(ctx, keys_file) as srv:
        async def go():
            async with ws_connect(srv.ws_url("token=" + alice)) as ws:
                await ws.send("91")
                assert await ws.recv() == "91 : [7 13]"
            async with ws_connect(srv.ws_url(""), extra_headers=bearer(alice)) as ws:
                await ws.send("15")
                assert await ws.recv() == "15 : [3 5]"
            async with ws_connect(srv.ws_url("userid=alice")) as ws:
                await ws.send(json.dumps({"type": "auth", "token": alice}))
                ok = json.loads(await ws.recv())
                assert ok == {"type": "auth", "ok": True, "caller_id": "alice"}, ok
                await ws.send("21")
                assert await ws.recv() == "21 : [3 7]"
            # A first frame that is not an auth frame, or a refused token: closed 1008.
            for first in ("91", json.dumps({"type": "auth", "token": "fk_" + "C" * 43}),
                          json.dumps({"type": "auth"}), "\x00" * 10):
                async with ws_connect(srv.ws_url("")) as ws:
                    await ws.send(first)
                    try:
                        extra = await ws.recv()
                        raise AssertionError("expected a close after %r, got %r" % (first, extra))
                    except websockets.exceptions.ConnectionClosed:
                        pass
                    assert ws.close_code == 1008, (first, ws.close_code, ws.close_reason)
            # The right key for another caller than ?userid= names: refused too.
            async with ws_connect(srv.ws_url("userid=bob")) as ws:
                await ws.send(json.dumps({"type": "auth", "token": alice}))
                try:
                    await ws.recv()
                except websockets.exceptions.ConnectionClosed:
                    pass
                assert ws.close_code == 1008, ws.close_code
            # Silence: closed 1008 after 5 s.
            async with ws_connect(srv.ws_url("")) as ws:
                t0 = time.monotonic()
                try:
                    await ws.recv()
                except websockets.exceptions.ConnectionClosed:
                    pass
                waited = time.monotonic() - t0
                assert ws.close_code == 1008 and 4.0 < waited < 9.0, (ws.close_code, waited)
        arun(go())


@suite.test
def removing_a_key_closes_its_open_socket_and_a_new_key_works_at_once(ctx):
    keys_file = os.path.join(ctx.tmp, "keys")
    alice = make_key(ctx, keys_file, "alice")
    make_key(ctx, keys_file, "bob")
    with auth_server(ctx, keys_file, "--ws-idle-timeout", "60s") as srv:
        async def go():
            async with ws_connect(srv.ws_url("token=" + alice)) as ws:
                await ws.send("91")
                assert await ws.recv() == "91 : [7 13]"
                # Revoke alice (keep bob), tell the server: the socket closes without a frame.
                lines = [l for l in open(keys_file) if not l.startswith("alice ")]
                with open(keys_file, "w") as f:
                    f.writelines(lines)
                os.kill(srv.proc.pid, signal.SIGHUP)
                t0 = time.monotonic()
                try:
                    while True:
                        await ws.recv()
                except websockets.exceptions.ConnectionClosed:
                    pass
                assert ws.close_code == 1008, (ws.close_code, ws.close_reason)
                assert time.monotonic() - t0 < 3.0
        arun(go())
        http = srv.http()
        assert_error(http.post_job("91", caller=None, extra_headers=bearer(alice)), 401, "unauthorized",
                     "revoked key")
        # A key added while the server runs works within the file watch's second, no signal.
        carol = make_key(ctx, keys_file, "carol")
        deadline = time.monotonic() + 5
        while True:
            r = http.post_job("91", caller=None, extra_headers=bearer(carol))
            if r.status == 202 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert r.status == 202, r
        # A broken file keeps the keys in use.
        with open(keys_file, "a") as f:
            f.write("this line is broken\n")
        os.kill(srv.proc.pid, signal.SIGHUP)
        time.sleep(0.5)
        assert srv.alive()
        assert http.post_job("91", caller=None, extra_headers=bearer(carol)).status == 202
        events = [e.get("event") for e in srv.log_events()]
        assert "auth.keys_reload_failed" in events, events[-20:]


@suite.test
def a_console_stream_lives_as_long_as_its_admin_key(ctx):
    """An admin's console stream survives reloads that keep the key, and closes (1008) when
    the key is removed."""
    keys_file = os.path.join(ctx.tmp, "keys")
    ops = make_key(ctx, keys_file, "ops", "admin")
    with auth_server(ctx, keys_file) as srv:
        async def go():
            async with ws_connect(srv.ws_url("interval_ms=250&token=" + ops, path="/v1/actors/stream")) as ws:
                json.loads(await ws.recv())
                make_key(ctx, keys_file, "alice")  # the table changes, ops stays
                os.kill(srv.proc.pid, signal.SIGHUP)
                await asyncio.sleep(1.5)
                for _ in range(3):  # still streaming
                    json.loads(await asyncio.wait_for(ws.recv(), 5))
                lines = [l for l in open(keys_file) if not l.startswith("ops ")]
                with open(keys_file, "w") as f:
                    f.writelines(lines)
                os.kill(srv.proc.pid, signal.SIGHUP)
                try:
                    while True:
                        await asyncio.wait_for(ws.recv(), 5)
                except websockets.exceptions.ConnectionClosed:
                    pass
                assert ws.close_code == 1008, (ws.close_code, ws.close_reason)
        arun(go())


@suite.test
def a_caller_sees_only_its_own_jobs(ctx):
    """Another caller's job is a 404 exactly like an unknown id, and its DELETE cancels
    nothing; an admin sees every job; idempotency keys are per caller."""
    keys_file = os.path.join(ctx.tmp, "keys")
    alice = make_key(ctx, keys_file, "alice")
    bob = make_key(ctx, keys_file, "bob")
    ops = make_key(ctx, keys_file, "ops", "admin")
    with auth_server(ctx, keys_file) as srv:
        http = srv.http()
        r = http.post_job("1000000000000000000000000000057", caller=None, extra_headers=bearer(alice))
        assert r.status == 202, r
        rid = r.json()["request_id"]
        assert len(rid) == 32 and all(c in "0123456789abcdef" for c in rid), rid
        unknown = "0" * 32
        for method, path in (("GET", "/v1/jobs/"), ("DELETE", "/v1/jobs/"), ("GET", "/compute/")):
            theirs = http.request(method, path + rid, headers=bearer(bob))
            nothing = http.request(method, path + unknown, headers=bearer(bob))
            assert_error(theirs, 404, "unknown_request_id", "%s another caller's job" % method)
            assert_error(nothing, 404, "unknown_request_id", "%s an unknown id" % method)
            assert theirs.json()["error"]["message"].replace(rid, "ID") == \
                nothing.json()["error"]["message"].replace(unknown, "ID"), (theirs.body, nothing.body)
        r = http.request("GET", "/v1/jobs?request_id=" + rid, headers=bearer(bob))
        assert_error(r, 404, "unknown_request_id", "GET ?request_id= of another caller's job")
        job = http.request("GET", "/v1/jobs/" + rid + "?wait=2", headers=bearer(alice)).json()
        assert job["status"] != "cancelled", job
        assert http.request("GET", "/v1/jobs/" + rid, headers=bearer(ops)).status == 200
        # The same Idempotency-Key from two callers: two jobs.
        a = http.post_job("91", caller=None, key="order-1", extra_headers=bearer(alice)).json()["request_id"]
        b = http.post_job("91", caller=None, key="order-1", extra_headers=bearer(bob)).json()["request_id"]
        assert a != b
        assert http.post_job("91", caller=None, key="order-1", extra_headers=bearer(alice)).json()["request_id"] == a
        # The owner may cancel (the job may have finished already: then it stays done).
        r = http.request("DELETE", "/v1/jobs/" + a, headers=bearer(alice))
        assert r.status == 200 and r.json()["status"] in ("cancelled", "done"), r


def jwt_keys(ctx):
    """An HS256 secret and an RSA key pair (made by openssl here); PyJWT signs with them."""
    secret = "s" * 16 + base64.b64encode(os.urandom(24)).decode()
    private = os.path.join(ctx.tmp, "rsa.pem")
    public = os.path.join(ctx.tmp, "rsa.pub.pem")
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                    "-out", private], check=True, capture_output=True)
    subprocess.run(["openssl", "pkey", "-in", private, "-pubout", "-out", public], check=True,
                   capture_output=True)
    return secret, open(private).read(), public


def mint(key, alg, **claims):
    import jwt  # Debian's python3-jwt (PyJWT)
    return jwt.encode(claims, key, algorithm=alg)


@suite.test
def jwts_from_an_identity_provider_are_checked_by_libjwt(ctx):
    """Tokens minted by PyJWT: HS256 and RS256 accepted with sub as the caller; expired,
    not yet valid, a wrong signature, alg none and algorithm confusion refused."""
    secret, private, public = jwt_keys(ctx)
    now = int(time.time())
    hs = mint(secret, "HS256", sub="carol", exp=now + 600)
    rs = mint(private, "RS256", sub="dave", exp=now + 600)
    admin = mint(secret, "HS256", sub="root", exp=now + 600, factord={"admin": True})
    with running(ctx, workers=1, extra=("--auth", "on", "--auth-jwt-secret", secret,
                                        "--auth-jwt-public-key", public)) as srv:
        http = srv.http()
        for token, caller in ((hs, "carol"), (rs, "dave")):
            r = http.post_job("91", caller=None, extra_headers=bearer(token))
            assert r.status == 202, (caller, r)
            got = http.request("GET", "/v1/jobs/" + r.json()["request_id"], headers=bearer(token))
            assert got.status == 200 and got.json()["caller_id"] == caller, got
        refused = {
            "expired": mint(secret, "HS256", sub="carol", exp=now - 120),
            "not yet valid": mint(secret, "HS256", sub="carol", nbf=now + 120, exp=now + 600),
            "another secret": mint("x" * 40, "HS256", sub="carol", exp=now + 600),
            "alg none": mint(None, "none", sub="carol", exp=now + 600),
            "a changed signature": hs[:-4] + ("AAAA" if not hs.endswith("AAAA") else "BBBB"),
            "no sub": mint(secret, "HS256", exp=now + 600),
        }
        for what, token in refused.items():
            r = http.post_job("91", caller=None, extra_headers=bearer(token))
            assert_error(r, 401, "unauthorized", what)
        assert http.get("/v1/actors", headers=bearer(hs)).status == 403
        assert http.get("/v1/actors", headers=bearer(admin)).status == 200

    # A server with only the RSA key refuses HS256 tokens, including one whose HMAC key is
    # the public key's PEM (algorithm confusion).
    with running(ctx, workers=1, extra=("--auth", "on", "--auth-jwt-public-key", public)) as srv:
        http = srv.http()
        assert http.post_job("91", caller=None, extra_headers=bearer(rs)).status == 202
        assert_error(http.post_job("91", caller=None, extra_headers=bearer(hs)), 401, "unauthorized", "HS256")
        import hmac
        import hashlib
        header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=")
        payload = base64.urlsafe_b64encode(json.dumps({"sub": "carol", "exp": now + 600}).encode()).rstrip(b"=")
        signature = base64.urlsafe_b64encode(hmac.new(open(public, "rb").read(), header + b"." + payload,
                                                      hashlib.sha256).digest()).rstrip(b"=")
        confused = (header + b"." + payload + b"." + signature).decode()
        assert_error(http.post_job("91", caller=None, extra_headers=bearer(confused)), 401, "unauthorized",
                     "HS256 signed with the RSA public key")


@suite.test
def a_socket_closes_when_its_jwt_expires(ctx):
    """A JWT accepted inside the 30 s leeway after exp: the socket works until the leeway
    runs out, then its next frame closes it 1008."""
    secret, _, _ = jwt_keys(ctx)
    token = mint(secret, "HS256", sub="carol", exp=int(time.time()) - 27)
    with running(ctx, workers=1, extra=("--auth", "on", "--auth-jwt-secret", secret,
                                        "--ws-idle-timeout", "60s")) as srv:
        async def go():
            async with ws_connect(srv.ws_url("token=" + token)) as ws:
                await ws.send("91")
                assert await ws.recv() == "91 : [7 13]"
                await asyncio.sleep(4.5)
                await ws.send("15")
                try:
                    extra = await ws.recv()
                    raise AssertionError("expected a close, got %r" % extra)
                except websockets.exceptions.ConnectionClosed:
                    pass
                assert ws.close_code == 1008, (ws.close_code, ws.close_reason)
        arun(go())


@suite.test
def connections_per_address_are_bounded(ctx):
    """--max-connections-per-ip 3: a fourth connection from 127.0.0.1 gets a 503 that names
    the option; one closed (an HTTP or an upgraded WebSocket), the next one is served."""
    with running(ctx, workers=1, extra=("--max-connections-per-ip", "3")) as srv:
        # The harness's /readyz probe came from this address too: its slot is free only once
        # the server has seen that connection close (seen flaky in CI without this wait).
        time.sleep(0.5)
        held = [socket.create_connection(("127.0.0.1", srv.port)) for _ in range(2)]
        ws = socket.create_connection(("127.0.0.1", srv.port))
        key = base64.b64encode(os.urandom(16)).decode()
        ws.sendall(("GET /ws?userid=x HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                    "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n"
                    % key).encode())
        assert b" 101 " in ws.recv(4096)
        time.sleep(0.2)  # the server has accepted all three
        over = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
        data = b""
        while True:
            chunk = over.recv(65536)
            if not chunk:
                break
            data += chunk
        over.close()
        assert data.startswith(b"HTTP/1.1 503"), data[:200]
        assert b"too_many_connections" in data and b"max-connections-per-ip" in data, data
        ws.close()  # the upgraded socket gives its slot back when it closes
        time.sleep(0.3)
        with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as c:
            c.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            assert c.recv(4096).startswith(b"HTTP/1.1 200"), "a freed slot must be usable"
        for h in held:
            h.close()


if __name__ == "__main__":
    suite.main()
