"""Black-box harness for `factord serve`: start the real binary, talk to it over sockets.

Each test script does:

    from harness import Suite, running, Http
    suite = Suite("rest")

    @suite.test
    def some_behaviour(ctx):
        with running(ctx, workers=1) as srv:
            ...

    if __name__ == "__main__":
        suite.main()

and ends by printing `N passed, N failed` (the CI reads that line); the exit status is 1
when anything failed. Only Python's standard library and Debian's python3-websockets are
used; run with /usr/bin/python3.
"""

import argparse
import asyncio
import atexit
import base64
import contextlib
import ctypes
import http.client
import json
import os
import random
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TERMINAL = ("done", "failed", "cancelled")

# ---------------------------------------------------------------------------------------
# Server processes


_live = []  # every Server not yet reaped, so nothing outlives the test script


def _kill_all():
    for s in list(_live):
        s.kill9()


atexit.register(_kill_all)


def _die_with_parent():
    # If the test script dies (ctest timeout, ^C), the server must not stay behind.
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# How a sanitizer report starts (ASan, LSan; UBSan's "file:line:col: runtime error: ...").
SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", ": runtime error: ")


class ServerError(AssertionError):
    pass


class Server:
    """One `factord serve` process; restartable on the same --data-dir."""

    def __init__(self, ctx, workers=2, data_dir=None, extra=()):
        self.ctx = ctx
        self.factord = ctx.factord
        self.workers = workers
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="data-", dir=ctx.tmp)
        self.extra = [str(x) for x in extra]
        self.log_path = os.path.join(ctx.tmp, "server-%d.log" % len(ctx.servers))
        self.proc = None
        self.port = None
        ctx.servers.append(self)

    # -- lifecycle -----------------------------------------------------------------------

    def start(self, ready_timeout=20.0):
        last = None
        for _attempt in range(3):  # a port picked free may be taken before we bind it
            self.port = free_port()
            cmd = [self.factord, "serve", "--host", "127.0.0.1", "--port", str(self.port),
                   "--data-dir", self.data_dir, "--workers", str(self.workers),
                   "--log-format", "json"] + self.extra
            log = open(self.log_path, "ab")
            log.write(("\n### %s\n" % " ".join(cmd)).encode())
            log.flush()
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                         preexec_fn=_die_with_parent)
            log.close()
            _live.append(self)
            try:
                self.wait_ready(ready_timeout)
                return self
            except ServerError as e:
                last = e
                if self.proc.poll() is None:
                    self.kill9()
                    raise
                self._reap()
                if "address already in use" not in self.log_tail(5).lower():
                    raise
        raise last

    def wait_ready(self, timeout=20.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServerError("factord exited with status %s before it was ready"
                                  % self.proc.returncode)
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                c.request("GET", "/readyz")
                r = c.getresponse()
                r.read()
                c.close()
                if r.status == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.05)
        raise ServerError("GET /readyz was not 200 within %.0f s" % timeout)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=20.0):
        """SIGTERM and wait; returns the exit status (a hang is killed and reported)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill9()
            raise ServerError("factord did not exit within %.0f s of SIGTERM" % timeout)
        self._reap()
        return rc

    def kill9(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(10)
        self._reap()

    def restart(self, ready_timeout=20.0):
        assert not self.alive(), "restart() of a running server"
        return self.start(ready_timeout)

    def _reap(self):
        if self in _live:
            _live.remove(self)

    # -- helpers -------------------------------------------------------------------------

    def log_tail(self, lines=40):
        try:
            with open(self.log_path, "rb") as f:
                data = f.read().decode("utf-8", "replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join(data[-lines:])

    def sanitizer_report(self):
        """The first AddressSanitizer/LeakSanitizer/UBSan report in the server's log, or None.
        In a sanitized build (FACTORD_SANITIZE, build-asan/) a report ends the process, but a
        test that kills the server or ignores its exit status would not notice: Suite.main
        fails every test whose servers reported."""
        try:
            with open(self.log_path, "rb") as f:
                lines = f.read().decode("utf-8", "replace").splitlines()
        except OSError:
            return None
        for i, line in enumerate(lines):
            if any(marker in line for marker in SANITIZER_MARKERS):
                return "\n".join(lines[max(0, i - 2):i + 40])
        return None

    def log_events(self):
        """The server's JSON log lines, parsed (others skipped)."""
        out = []
        with open(self.log_path, "rb") as f:
            for line in f.read().decode("utf-8", "replace").splitlines():
                with contextlib.suppress(ValueError):
                    out.append(json.loads(line))
        return out

    def http(self, timeout=30.0):
        return Http(self.port, timeout)

    def ws_url(self, query="", path="/ws"):
        return "ws://127.0.0.1:%d%s%s" % (self.port, path, ("?" + query) if query else "")


@contextlib.contextmanager
def running(ctx, workers=2, data_dir=None, extra=(), check_exit=True):
    """A started server; at the end SIGTERM and (when the body passed) exit status 0."""
    srv = Server(ctx, workers, data_dir, extra).start()
    ok = False
    try:
        yield srv
        ok = True
    finally:
        if ok and srv.alive():
            rc = srv.stop()
            if check_exit:
                assert rc == 0, "factord serve exited with %s after SIGTERM, expected 0" % rc
        else:
            srv.kill9()


# ---------------------------------------------------------------------------------------
# HTTP


class Response:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers  # list of (name, value)
        self.body = body

    def header(self, name, default=None):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return default

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except ValueError as e:
            raise AssertionError("body is not JSON (%s): %r" % (e, self.body[:300]))

    def __repr__(self):
        return "<%d %r>" % (self.status, self.body[:300])


class Http:
    """A keep-alive HTTP/1.1 connection; reconnects (and counts it) if the server closed it."""

    def __init__(self, port, timeout=30.0):
        self.port = port
        self.timeout = timeout
        self.conn = None
        self.connects = 0

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def _connect(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        self.conn.connect()
        self.connects += 1

    def request(self, method, path, body=None, headers=None, json_body=None, _retry=True):
        hdrs = dict(headers or {})
        if json_body is not None:
            body = json.dumps(json_body).encode()
            hdrs.setdefault("Content-Type", "application/json")
        if isinstance(body, str):
            body = body.encode()
        if self.conn is None:
            self._connect()
        try:
            self.conn.request(method, path, body=body, headers=hdrs)
            r = self.conn.getresponse()
            data = r.read()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError,
                http.client.CannotSendRequest, http.client.ResponseNotReady):
            self.close()
            if not _retry:
                raise
            return self.request(method, path, body, headers, None, _retry=False)
        resp = Response(r.status, r.reason, r.getheaders(), data)
        if r.will_close:
            self.close()
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    # -- job helpers ---------------------------------------------------------------------

    def post_job(self, number, caller="tester", key=None, wait=None, path="/v1/jobs",
                 extra_headers=None):
        headers = {"Content-Type": "application/json"}
        if caller is not None:
            headers["X-Caller-ID"] = caller
        if key is not None:
            headers["Idempotency-Key"] = key
        headers.update(extra_headers or {})
        if wait is not None:
            path += ("&" if "?" in path else "?") + "wait=%s" % wait
        if isinstance(number, bytes):  # a raw body, sent as is
            body = number
        else:
            body = json.dumps({"number": number}).encode()
        return self.request("POST", path, body=body, headers=headers)

    def submit(self, number, caller="tester", **kw):
        """POST that must be accepted; returns the request id."""
        r = self.post_job(number, caller, **kw)
        assert r.status in (200, 202), "POST %r as %r: expected 202, got %r" % (number, caller, r)
        return r.json()["request_id"]

    def get_job(self, rid, wait=None, base="/v1/jobs/", headers=None):
        path = base + rid + ("?wait=%s" % wait if wait is not None else "")
        return self.request("GET", path, headers=headers)

    def wait_job(self, rid, timeout=60.0, base="/v1/jobs/", headers=None):
        """Long-poll until the job is finished; returns its object."""
        deadline = time.monotonic() + timeout
        while True:
            r = self.get_job(rid, wait=2, base=base, headers=headers)
            assert r.status == 200, "GET %s%s?wait=2: expected 200, got %r" % (base, rid, r)
            job = r.json()
            if job.get("status") in TERMINAL:
                return job
            if time.monotonic() > deadline:
                raise AssertionError("job %s not finished after %.0f s: %r" % (rid, timeout, job))

    def delete_job(self, rid, base="/v1/jobs/"):
        return self.request("DELETE", base + rid)


def metric(http, name):
    """One unlabelled sample of GET /metrics (e.g. factord_jobs_queued), as a float."""
    r = http.get("/metrics")
    assert r.status == 200, r
    for line in r.body.decode().splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError("no %s in /metrics" % name)


def wait_idle(http, timeout=60.0):
    """Until the server has no job queued or running."""
    deadline = time.monotonic() + timeout
    while metric(http, "factord_jobs_queued") + metric(http, "factord_jobs_running") > 0:
        assert time.monotonic() < deadline, "jobs still queued or running after %.0f s" % timeout
        time.sleep(0.2)


def assert_error(resp, status, code=None, what=""):
    """The status and the API.md error body {"error":{"code","message"}}."""
    assert resp.status == status, "%s: expected %d, got %r" % (what, status, resp)
    body = resp.json()
    assert isinstance(body, dict) and isinstance(body.get("error"), dict), \
        "%s: error body must be {\"error\":{...}}, got %r" % (what, body)
    err = body["error"]
    assert isinstance(err.get("code"), str) and err["code"], "%s: no error.code in %r" % (what, body)
    assert err["code"] == err["code"].lower() and " " not in err["code"], \
        "%s: error.code not snake_case: %r" % (what, err["code"])
    assert isinstance(err.get("message"), str) and err["message"], \
        "%s: no error.message in %r" % (what, body)
    if code is not None:
        assert err["code"] == code, "%s: expected code %r, got %r" % (what, code, err["code"])
    return err


def raw_http(port, data, timeout=5.0):
    """Send raw bytes, return everything the server sends until it closes (or timeout)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        chunks = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                c = s.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                break
            if not c:
                break
            chunks.append(c)
            # One complete response is enough when the server keeps the socket open.
            joined = b"".join(chunks)
            head, sep, rest = joined.partition(b"\r\n\r\n")
            if sep:
                length = None
                for line in head.split(b"\r\n")[1:]:
                    k, _, v = line.partition(b":")
                    if k.strip().lower() == b"content-length":
                        length = int(v.strip())
                if length is not None and len(rest) >= length:
                    break
        return b"".join(chunks)


def raw_status(data):
    line = data.split(b"\r\n", 1)[0].decode("latin-1")
    parts = line.split(" ")
    assert len(parts) >= 2 and parts[0].startswith("HTTP/"), "not an HTTP response: %r" % data[:200]
    return int(parts[1])


# ---------------------------------------------------------------------------------------
# WebSocket


def ws_connect(url, **kw):
    """websockets' client with no keep-alive pings (they would count as traffic)."""
    import websockets  # Debian's python3-websockets
    kw.setdefault("ping_interval", None)
    kw.setdefault("max_size", None)
    kw.setdefault("open_timeout", 20)
    kw.setdefault("close_timeout", 5)
    return websockets.connect(url, **kw)


def arun(coro, timeout=60.0):
    async def bounded():
        return await asyncio.wait_for(coro, timeout)
    return asyncio.run(bounded())


class RawWs:
    """A minimal WebSocket client on a plain socket, for frames a library refuses to send."""

    def __init__(self, port, target="/ws?userid=raw", timeout=10.0, headers=None):
        """headers: extra header lines, e.g. {"Origin": ...}; a "Host" replaces the default."""
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        extra = dict(headers or {})
        host = extra.pop("Host", "127.0.0.1:%d" % port)
        req = ("GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n%s\r\n"
               % (target, host, key, "".join("%s: %s\r\n" % kv for kv in extra.items())))
        self.sock.sendall(req.encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            c = self.sock.recv(65536)
            if not c:
                break
            self.buf += c
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        self.response_head = head
        self.status = raw_status(head + b"\r\n") if head else 0

    def close(self):
        self.sock.close()

    def send_frame(self, opcode, payload, fin=True):
        b0 = (0x80 if fin else 0) | opcode
        n = len(payload)
        if n < 126:
            hdr = struct.pack("!BB", b0, 0x80 | n)
        elif n < 65536:
            hdr = struct.pack("!BBH", b0, 0x80 | 126, n)
        else:
            hdr = struct.pack("!BBQ", b0, 0x80 | 127, n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        try:
            self.sock.sendall(hdr + mask + masked)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may close before reading it all; read_close() tells

    def _need(self, n):
        while len(self.buf) < n:
            c = self.sock.recv(65536)
            if not c:
                raise EOFError("connection closed")
            self.buf += c

    def recv_frame(self):
        self._need(2)
        b0, b1 = self.buf[0], self.buf[1]
        n = b1 & 0x7F
        off = 2
        if n == 126:
            self._need(4)
            n = struct.unpack("!H", self.buf[2:4])[0]
            off = 4
        elif n == 127:
            self._need(10)
            n = struct.unpack("!Q", self.buf[2:10])[0]
            off = 10
        self._need(off + n)
        payload = self.buf[off:off + n]
        self.buf = self.buf[off + n:]
        self.fin = bool(b0 & 0x80)
        return b0 & 0x0F, payload

    def recv_message(self):
        """A whole message: its first frame's opcode and the payloads of its fragments (the
        server fragments messages over 4 KiB) joined."""
        op, payload = self.recv_frame()
        while not self.fin:
            _cont, more = self.recv_frame()
            payload += more
        return op, payload

    def read_close(self, timeout=10.0):
        """Frames until the close frame: returns (code, reason, frames_before)."""
        self.sock.settimeout(timeout)
        frames = []
        try:
            while True:
                op, payload = self.recv_frame()
                if op == 8:
                    code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                    return code, payload[2:].decode("utf-8", "replace"), frames
                frames.append((op, payload))
        except (EOFError, ConnectionResetError):
            return None, None, frames


# ---------------------------------------------------------------------------------------
# Numbers


_SMALL = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)


def is_probable_prime(n):
    """Miller–Rabin with the first 12 prime bases (deterministic below 3.3e24, and
    a false positive above that has never been found)."""
    if n < 2:
        return False
    for p in _SMALL:
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for a in _SMALL:
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def random_prime(digits, rng):
    while True:
        c = rng.randrange(10 ** (digits - 1), 10 ** digits) | 1
        if is_probable_prime(c):
            return c


def semiprime(digits, rng):
    """A balanced semiprime of exactly `digits` digits: (number, [p, q] ascending)."""
    while True:
        p = random_prime(digits // 2, rng)
        q = random_prime(digits - digits // 2, rng)
        n = p * q
        if len(str(n)) == digits and p != q:
            return n, sorted([p, q])


def semiprimes(digits, count, seed):
    rng = random.Random(seed)
    return [semiprime(digits, rng) for _ in range(count)]


def check_factors(number, factors, what=""):
    """factors: decimal strings, ascending, primes, product == number."""
    n = int(number)
    assert isinstance(factors, list), "%s: factors is not a list: %r" % (what, factors)
    assert all(isinstance(f, str) for f in factors), \
        "%s: factors must be decimal strings: %r" % (what, factors)
    ints = [int(f) for f in factors]
    assert ints == sorted(ints), "%s: factors not ascending: %r" % (what, factors)
    prod = 1
    for f in ints:
        assert is_probable_prime(f), "%s: factor %d of %s is not prime" % (what, f, number)
        prod *= f
    assert prod == n, "%s: factors %r multiply to %d, not %s" % (what, factors, prod, number)


# ---------------------------------------------------------------------------------------
# The runner


class Context:
    def __init__(self, factord, tmp):
        self.factord = factord
        self.tmp = tmp
        self.servers = []


class Suite:
    def __init__(self, name):
        self.name = name
        self.tests = []

    def test(self, fn):
        self.tests.append(fn)
        return fn

    def main(self):
        ap = argparse.ArgumentParser(description="black-box tests of factord serve: " + self.name)
        ap.add_argument("--factord", default=str(REPO / "build" / "factord"),
                        help="the binary to test (default: build/factord in the repository)")
        ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
        ap.add_argument("only", nargs="*", help="run only tests whose name contains one of these")
        args = ap.parse_args()
        factord = os.path.abspath(args.factord)
        if not os.access(factord, os.X_OK):
            print("no executable factord at %s (pass --factord PATH)" % factord)
            print("0 passed, 1 failed")
            sys.exit(1)
        root = tempfile.mkdtemp(prefix="factord-serve-%s-" % self.name)
        passed = failed = 0
        t_all = time.monotonic()
        for fn in self.tests:
            if args.only and not any(o in fn.__name__ for o in args.only):
                continue
            tmp = tempfile.mkdtemp(prefix=fn.__name__ + "-", dir=root)
            ctx = Context(factord, tmp)
            t0 = time.monotonic()
            try:
                try:
                    fn(ctx)
                finally:
                    for s in ctx.servers:
                        s.kill9()
                reports = [(s.log_path, r) for s in ctx.servers for r in [s.sanitizer_report()] if r]
                if reports:
                    raise AssertionError("sanitizer report in %s:\n%s" % reports[0])
            except Exception as e:  # AssertionError and anything unexpected alike
                failed += 1
                print("FAIL %s (%.1f s)" % (fn.__name__, time.monotonic() - t0))
                msg = "".join(traceback.format_exception(type(e), e, e.__traceback__))
                print("  " + msg.rstrip().replace("\n", "\n  "))
                for s in ctx.servers:
                    print("  --- server log tail (%s) ---" % s.log_path)
                    print("  " + s.log_tail(30).replace("\n", "\n  "))
            else:
                passed += 1
                print("ok   %s (%.1f s)" % (fn.__name__, time.monotonic() - t0))
            sys.stdout.flush()
        if args.keep or failed:
            print("temporary files kept in %s" % root)
        else:
            shutil.rmtree(root, ignore_errors=True)
        print("(%s: %.1f s)" % (self.name, time.monotonic() - t_all))
        print("%d passed, %d failed" % (passed, failed))
        sys.exit(1 if failed else 0)
