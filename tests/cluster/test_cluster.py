#!/usr/bin/python3
"""Black-box tests of factord's cluster mode (API.md "Processes", "Kafka topics"): a real
Kafka broker, two gateways, two workers and nginx (docker/nginx.conf) on loopback.
Through nginx unless a test says otherwise. tests/cluster/run runs them in this order on
one cluster; ctest runs each as cluster/<name>, in the same order, on one cluster shared
between them (runner.py, fixture.py). A test that kills or stops a process leaves it to
the runner to start it again before the next test, so each test can also run alone."""

import asyncio
import calendar
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cluster import (arun, check_factors, http_status, semiprimes,  # noqa: E402
                     ws_connect, TERMINAL)
from runner import Suite  # noqa: E402

import websockets  # noqa: E402  (Debian's python3-websockets)

suite = Suite("cluster")

REPLY = re.compile(r"^(\d+) : \[([0-9 ]*)\]$")
SEED_A = ["3211891798434562153", "66706930041755363083", "111906709554793344173"]
SEED_B = ["28049854149491043631", "1016669087450202913"]
TOPICS = ("jobs", "results", "dlq", "commands", "client-messages")


def parse_reply(text, what=""):
    m = REPLY.match(text) if isinstance(text, str) else None
    assert m, "%s: reply %r is not 'N : [p1 p2 ...]'" % (what, text)
    factors = m.group(2).split() if m.group(2) else []
    check_factors(m.group(1), factors, what)
    return m.group(1), factors


async def recv_until_closed(ws, t_start, limit=None):
    """All frames until the server closes: ([(t, text)], t_closed, code, reason)."""
    frames = []
    while True:
        try:
            msg = await (asyncio.wait_for(ws.recv(), limit) if limit else ws.recv())
        except websockets.exceptions.ConnectionClosed:
            return frames, time.monotonic() - t_start, ws.close_code, ws.close_reason
        frames.append((time.monotonic() - t_start, msg))


def rfc3339(text):
    """Seconds since the epoch of an RFC 3339 UTC timestamp (fractions kept)."""
    m = re.match(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|\+00:00)$", text or "")
    assert m, "not an RFC 3339 UTC timestamp: %r" % (text,)
    whole = calendar.timegm(time.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S"))
    return whole + (float(m.group(2)) if m.group(2) else 0.0)


def submit_new(h, number, caller, early, what, key=None):
    """POSTs a new job (no ?wait); must be 202. A 200 with the already finished job (the
    job was factored before the broker's acknowledgement reached the gateway) is noted in
    `early` and the test goes on; the test fails on it at its end (API.md: POST answers
    202, and 200 only with ?wait)."""
    r = h.post_job(str(number), caller=caller, key=key)
    if r.status == 200 and isinstance(r.json(), dict) and r.json().get("status") in TERMINAL:
        early.append("%s: %r" % (what, r))
        return r.json()["request_id"], r
    assert r.status == 202, "%s: POST expected 202, got %r" % (what, r)
    body = r.json()
    assert body.get("status") == "queued" and body.get("request_id") and r.header("Location"), \
        "%s: 202 without status queued, request_id and Location: %r %r" % (what, r, r.headers)
    return body["request_id"], r


def no_early_200(early, total):
    assert not early, "%d of %d POSTs of new jobs without ?wait were answered 200 with the " \
        "finished job instead of 202 (API.md: 202; 200 only with ?wait=S). First: %s" % (
            len(early), total, early[0])


def job_ok(job, number, factors, what):
    assert job.get("status") == "done", "%s: expected done, got %r" % (what, job)
    assert job.get("number") == str(number), "%s: number %r, expected %s" % (what, job.get("number"), number)
    assert job.get("factors") == [str(f) for f in factors], \
        "%s: factors %r, expected %r" % (what, job.get("factors"), [str(f) for f in factors])


def wait_all(h, ids, numbers, deadline, what):
    """Long-polls every id until finished; returns {id: job}. ids[i] is numbers[i]."""
    out = {}
    for rid, (n, factors) in zip(ids, numbers):
        while True:
            r = h.get_job(rid, wait=2)
            assert r.status == 200, "%s: GET %s?wait=2 → %r" % (what, rid, r)
            job = r.json()
            if job.get("status") in TERMINAL:
                break
            assert time.monotonic() < deadline, \
                "%s: job %s (%s) still %s at the deadline; %d of %d finished before it" \
                % (what, rid, n, job.get("status"), len(out), len(ids))
        job_ok(job, n, factors, "%s: job %s" % (what, rid))
        out[rid] = job
    return out


# ---------------------------------------------------------------------------------------


@suite.test
def topics_created_by_the_processes(cl):
    """factord creates its topics itself: five, six partitions each but the dead-letter
    topic's one, results compacted."""
    rc, out, err = cl.broker.tool("org.apache.kafka.tools.TopicCommand", "--bootstrap-server",
                                  cl.bootstrap, "--describe")
    assert rc == 0, "TopicCommand --describe failed: %s" % err[-500:]
    for t in TOPICS:
        name = cl.topic(t)
        m = re.search(r"^Topic: %s\s.*$" % re.escape(name), out, re.M)
        assert m, "topic %s missing; the broker has:\n%s" % (name, "\n".join(
            l for l in out.splitlines() if l.startswith("Topic:")))
        line = m.group(0)
        pc = re.search(r"PartitionCount: (\d+)", line)
        # --kafka-partitions (6) for all but the dead-letter topic, which factord creates
        # with one partition on purpose.
        want = 1 if t == "dlq" else 6
        assert pc and int(pc.group(1)) == want, "%s: expected %d partitions: %s" % (name, want, line)
        if t == "results":
            assert "cleanup.policy=compact" in line, "%s must be compacted: %s" % (name, line)


@suite.test
def operations_endpoints_and_console_stream(cl):
    """Through nginx: /healthz, /readyz, /metrics, /v1/actors, /console, and the console's
    WebSocket stream. A worker's own port serves only the operations endpoints."""
    h = cl.http()
    expect = {"/healthz": "application/json", "/readyz": "application/json",
              "/metrics": "text/plain", "/v1/actors": "application/json", "/console": "text/html"}
    for target in [h] + [n.http() for n in cl.workers]:
        where = "through nginx" if target is h else "worker port %d" % target.port
        for path, ctype in expect.items():
            r = target.get(path)
            assert r.status == 200, "%s: GET %s → %r" % (where, path, r)
            assert (r.header("Content-Type") or "").startswith(ctype), \
                "%s: GET %s Content-Type %r, expected %s" % (where, path, r.header("Content-Type"), ctype)
        assert "factord_" in target.get("/metrics").body.decode("utf-8", "replace"), where
        assert isinstance(target.get("/v1/actors").json(), dict)
    for n in cl.workers:
        w = n.http()
        r = w.post_job("91", caller="ops")
        assert r.status == 404, "worker %s: POST /v1/jobs must not be served (404), got %r" % (n.name, r)
        r = w.get("/ws?userid=ops", headers={"Upgrade": "websocket", "Connection": "Upgrade",
                                              "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
                                              "Sec-WebSocket-Version": "13"})
        assert r.status == 404, "worker %s: /ws must not be served (404), got %r" % (n.name, r)

    async def stream():
        async with ws_connect(cl.ws_url("interval_ms=250", path="/v1/actors/stream")) as ws:
            return json.loads(await asyncio.wait_for(ws.recv(), 10))
    first = arun(stream(), timeout=20)
    assert isinstance(first, dict) and first.get("type") == "snapshot", \
        "/v1/actors/stream through nginx: first frame %r" % (first,)


@suite.test
def websocket_seed_two_sockets_through_nginx(cl):
    """The seed scenario through nginx: u1 and u2 get their own correct replies, then each
    socket is closed 1000 "idle" 4.5–6.5 s after its last reply."""
    async def session(userid, numbers):
        async with ws_connect(cl.ws_url("userid=" + userid)) as ws:
            t0 = time.monotonic()
            for n in numbers:
                await ws.send(n)
            return await recv_until_closed(ws, t0)

    async def both():
        return await asyncio.gather(session("u1", SEED_A), session("u2", SEED_B))

    results = arun(both(), timeout=60)
    for userid, numbers, (frames, t_closed, code, reason) in zip(("u1", "u2"), (SEED_A, SEED_B), results):
        got = [parse_reply(text, "socket " + userid)[0] for _, text in frames]
        assert sorted(got) == sorted(numbers), \
            "socket %s asked for %r, got replies for %r (%r)" % (userid, numbers, got, frames)
        assert code == 1000 and reason == "idle", \
            "socket %s: expected close 1000 'idle', got %r %r after %.2f s" % (userid, code, reason, t_closed)
        idle = t_closed - frames[-1][0]
        assert 4.5 <= idle <= 6.5, \
            "socket %s: closed %.2f s after its last reply, expected 4.5–6.5 s" % (userid, idle)
    replies = {parse_reply(t)[0]: t for _, t in results[0][0]}
    assert replies["3211891798434562153"] == "3211891798434562153 : [1000000087 3211891519]", \
        replies["3211891798434562153"]


@suite.test
def console_kafka_panel_in_chromium(cl):
    """The console's Kafka panel in Debian's Chromium (tests/browser/kafka_panel.test.mjs):
    a gateway lists its bridge, producer and consumer and counts a new job without a
    reload; a worker lists its group consumer, results reader and producer."""
    browser = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "browser")
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    assert os.access(chromium, os.X_OK), "no Chromium at %s (scripts/setup installs it)" % chromium
    r = subprocess.run([os.path.join(browser, "install")], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=300)
    assert r.returncode == 0, "tests/browser/install: %s" % r.stdout.decode("utf-8", "replace")
    artifacts = os.path.join(os.path.dirname(os.path.dirname(browser)), "build", "artifacts")
    os.makedirs(artifacts, exist_ok=True)
    r = subprocess.run(["node", os.path.join(browser, "kafka_panel.test.mjs"),
                        "--gateway", "http://127.0.0.1:%d" % cl.gateways[0].port,
                        "--worker", "http://127.0.0.1:%d" % cl.workers[0].port,
                        "--chromium", chromium, "--artifacts", artifacts,
                        "--profile", os.path.join(cl.tmp, "chromium-profile")],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    out = r.stdout.decode("utf-8", "replace").strip()
    assert r.returncode == 0, "Chromium on the Kafka panel:\n  " + out.replace("\n", "\n  ")
    print("     (" + "; ".join(l for l in out.splitlines() if l.startswith("ok")) + ")")


@suite.test
def rest_any_gateway_answers_any_job(cl):
    """POST on gateway 1, GET on gateway 2 right after the 202: 200, never 404; long-poll to
    done there; an Idempotency-Key used on gateway 1 and then on gateway 2 is one job."""
    g1, g2 = cl.gateways[0].http(), cl.gateways[1].http()
    numbers = semiprimes(30, 12, seed=3001) + semiprimes(40, 4, seed=3002)
    ids = []
    early = []
    for n, _ in numbers:
        rid, _r = submit_new(g1, n, "rest-b", early, "POST on gw1")
        r2 = g2.get_job(rid)
        assert r2.status == 200, "GET %s on gw2 right after gw1's 202: expected 200, got %r" % (rid, r2)
        job = r2.json()
        assert job.get("request_id") == rid and job.get("number") == str(n), job
        assert job.get("caller_id") == "rest-b", job
        assert job.get("status") in ("queued", "running", "done"), job
        if job["status"] != "done":
            assert r2.header("Retry-After"), "unfinished job without Retry-After: %r" % r2.headers
        ids.append(rid)
    wait_all(g2, ids, numbers, time.monotonic() + 60, "on gw2")
    no_early_200(early, len(numbers))
    # And through nginx, whichever gateway answers.
    h = cl.http()
    for rid, (n, f) in zip(ids, numbers):
        r = h.get_job(rid)
        assert r.status == 200, r
        job_ok(r.json(), n, f, "through nginx")

    # Idempotency across gateways: right away, and again once the job is done.
    for i, (n, f) in enumerate(semiprimes(32, 2, seed=3003)):
        key = "idem-%d-%s" % (i, uuid.uuid4().hex)
        r1 = g1.post_job(str(n), caller="idem", key=key)
        assert r1.status == 202, r1
        rid = r1.json()["request_id"]
        if i == 1:
            g1.wait_job(rid, 30)
        r2 = g2.post_job(str(n), caller="idem", key=key)
        assert r2.status in (200, 202), "same Idempotency-Key on gw2: %r" % r2
        assert r2.json().get("request_id") == rid, \
            "Idempotency-Key %s: gw1 gave %s, gw2 gave %r (%s)" % (
                key, rid, r2.json().get("request_id"), "job done" if i else "right away")
        r3 = cl.http().post_job(str(n), caller="idem", key=key)
        assert r3.status in (200, 202) and r3.json().get("request_id") == rid, r3
        job_ok(g2.wait_job(rid, 30), n, f, "idempotent job")


HEAVY_JOBS = 300
HEAVY_DIGITS = 44  # ~30 ms each on one core: the backlog is ~9 s of one worker thread
LIGHT_LIMIT = 3.0


@suite.test
def fairness_light_caller_overtakes_heavy_backlog(cl):
    """A heavy caller queues 300 jobs, then light callers send one job each: they finish
    within LIGHT_LIMIT while most of the heavy backlog is still waiting."""
    heavy = semiprimes(HEAVY_DIGITS, HEAVY_JOBS, seed=4001)
    lights = [("light-%d" % i, semiprimes(HEAVY_DIGITS, 1, seed=4100 + i)[0]) for i in range(3)]
    h = cl.http()
    t0 = time.monotonic()
    r = h.request("POST", "/v1/jobs:batch", json_body={"numbers": [str(n) for n, _ in heavy]},
                  headers={"X-Caller-ID": "heavy"})
    assert r.status == 202, "heavy batch of %d: %r" % (HEAVY_JOBS, r)
    heavy_ids = r.json()["request_ids"]
    assert len(heavy_ids) == HEAVY_JOBS
    time.sleep(0.5)  # the workers are busy with the heavy caller's jobs
    light_ids = []
    t_light = time.monotonic()
    for caller, (n, _) in lights:
        r = h.post_job(str(n), caller=caller)
        assert r.status == 202, r
        light_ids.append(r.json()["request_id"])
    took = []
    light_jobs = []
    for rid, (caller, (n, f)) in zip(light_ids, lights):
        job = h.wait_job(rid, timeout=60)
        took.append(time.monotonic() - t_light)
        job_ok(job, n, f, caller)
        light_jobs.append(job)
    heavy_jobs = wait_all(h, heavy_ids, heavy, time.monotonic() + 90, "heavy backlog")
    t_drained = time.monotonic() - t0
    # The servers' own clocks: how many heavy jobs finished after the last light one.
    t_last_light = max(rfc3339(j["finished_at"]) for j in light_jobs)
    after = sum(1 for j in heavy_jobs.values() if rfc3339(j["finished_at"]) > t_last_light)
    assert after >= HEAVY_JOBS // 3, \
        "only %d of %d heavy jobs finished after the light callers' jobs (light took %s s, the " \
        "backlog drained %.1f s after the batch): the machine is faster than assumed, raise " \
        "HEAVY_DIGITS" % (after, HEAVY_JOBS, ["%.2f" % t for t in took], t_drained)
    assert max(took) < LIGHT_LIMIT, \
        "light callers' jobs took %s s from POST to done, although %d of the %d heavy jobs " \
        "queued before them finished after them (limit %.1f s; the backlog drained %.1f s " \
        "after the batch)" % (["%.2f" % t for t in took], after, HEAVY_JOBS, LIGHT_LIMIT, t_drained)
    print("     (light jobs %s s; %d heavy jobs finished after them; backlog drained %.1f s "
          "after the batch)" % (["%.2f" % t for t in took], after, t_drained))


@suite.test
def push_bridge_commands_and_client_messages(cl):
    """A record on PFX+commands keyed c1 reaches every open socket of c1, on both gateways
    (two sockets: least_conn puts one on each); a client_message frame is published to
    PFX+client-messages with header client_id=c1."""
    loop_done = threading.Event()
    result = {}

    def produce():
        rc, out, err = cl.broker.tool(
            "org.apache.kafka.tools.ConsoleProducer", "--bootstrap-server", cl.bootstrap,
            "--topic", cl.topic("commands"), "--reader-property", "parse.key=true",
            "--reader-property", "key.separator=|", "--max-block-ms", "15000",
            input=b'c1|{"hello":"world"}\n')
        if rc == 0 and "Error when sending" in err:
            rc = "error"  # ConsoleProducer logs a failed send and still exits 0
        result["produce"] = (rc, err[-800:])

    async def go():
        async with ws_connect(cl.ws_url("userid=c1")) as a, ws_connect(cl.ws_url("client_id=c1")) as b:
            # Keep both sockets busy (the idle close is 5 s; the JVM tool takes seconds).
            async def keepalive(ws):
                while not loop_done.is_set():
                    await ws.send("1")
                    await asyncio.sleep(1.0)

            async def wait_command(ws, name):
                others = []
                while True:
                    text = await asyncio.wait_for(ws.recv(), 30)
                    if text == "1 : []":
                        continue
                    try:
                        obj = json.loads(text)
                    except ValueError:
                        others.append(text)
                        continue
                    if isinstance(obj, dict) and obj.get("type") == "command":
                        return obj, others
                    others.append(text)

            keep = [asyncio.ensure_future(keepalive(a)), asyncio.ensure_future(keepalive(b))]
            await asyncio.sleep(0.5)
            prod = asyncio.get_event_loop().run_in_executor(None, produce)
            ta = asyncio.ensure_future(wait_command(a, "a"))
            tb = asyncio.ensure_future(wait_command(b, "b"))
            await asyncio.wait({ta, tb}, timeout=40)
            await prod
            if not (ta.done() and tb.done()):
                for t in (ta, tb):
                    t.cancel()
                missing = [name for name, t in (("userid=c1", ta), ("client_id=c1", tb)) if not t.done()]
                raise AssertionError("no command frame within 40 s of producing to %s on the "
                                     "socket(s) %s of c1 (two sockets: one per gateway); producer: %r"
                                     % (cl.topic("commands"), missing, result.get("produce")))
            got = [ta.result(), tb.result()]
            # Now the other direction.
            await a.send(json.dumps({"type": "client_message", "text": "hi"}))
            await asyncio.sleep(0.5)
            loop_done.set()
            for k in keep:
                await k
            return got

    got = arun(go(), timeout=90)
    rc, err = result["produce"]
    assert rc == 0, "ConsoleProducer to %s failed (%s): %s" % (cl.topic("commands"), rc, err)
    for name, (obj, others) in zip("ab", got):
        assert obj.get("type") == "command" and obj.get("hello") == "world", \
            "socket %s: expected {\"type\":\"command\",\"hello\":\"world\"}, got %r" % (name, obj)

    rc, out, err = cl.broker.tool(
        "org.apache.kafka.tools.consumer.ConsoleConsumer", "--bootstrap-server", cl.bootstrap,
        "--topic", cl.topic("client-messages"), "--formatter-property", "print.headers=true",
        "--from-beginning", "--max-messages", "1", "--timeout-ms", "20000")
    lines = [l for l in out.splitlines() if l.strip()]
    assert rc == 0 and lines, "ConsoleConsumer on %s saw nothing (rc %s): %s" % (
        cl.topic("client-messages"), rc, err[-800:])
    headers, _, value = lines[0].partition("\t")
    assert "client_id:c1" in headers.split(","), \
        "client-messages record: expected header client_id:c1, got headers %r (line %r)" % (headers, lines[0])
    try:
        msg = json.loads(value)
    except ValueError:
        raise AssertionError("client-messages record value is not JSON: %r" % value)
    assert msg.get("text") == "hi", "client-messages record value: %r" % msg


CHAOS_JOBS = 400
CHAOS_DIGITS = 36  # ~4 ms each


@suite.test
def chaos_kill9_worker_under_load(cl):
    """400 jobs from 8 callers over REST and 40 numbers on a WebSocket; one worker is killed
    with SIGKILL half-way. Every accepted job ends done with the right factors, each answer
    stays the same once given, and each WebSocket number is answered exactly once."""
    numbers = semiprimes(CHAOS_DIGITS, CHAOS_JOBS, seed=5001)
    ws_numbers = [str(n) for n, _ in semiprimes(34, 40, seed=5002)]
    victim = cl.workers[0]
    ws_result = {}
    half = threading.Event()

    def ws_client():
        async def go():
            async with ws_connect(cl.ws_url("userid=chaos-ws")) as ws:
                t0 = time.monotonic()
                for n in ws_numbers[:20]:
                    await ws.send(n)
                await asyncio.get_event_loop().run_in_executor(None, half.wait, 30)
                await asyncio.sleep(0.3)
                for n in ws_numbers[20:]:
                    await ws.send(n)
                return await recv_until_closed(ws, t0)
        try:
            ws_result["value"] = arun(go(), timeout=150)
        except BaseException as e:  # reported by the main thread
            ws_result["error"] = e

    t = threading.Thread(target=ws_client)
    t.start()
    hs = [cl.http() for _ in range(2)]
    ids = [None] * CHAOS_JOBS
    errors = []
    early = []

    def submit(k):
        for i in range(k, CHAOS_JOBS, 2):
            n = numbers[i][0]
            try:
                ids[i], _r = submit_new(hs[k], n, "chaos-%d" % (i % 8), early, "POST #%d" % i)
            except AssertionError as e:
                errors.append(str(e))
            if i == CHAOS_JOBS // 2:
                half.set()
    subs = [threading.Thread(target=submit, args=(k,)) for k in range(2)]
    for s in subs:
        s.start()
    half.wait(60)
    victim.kill9()  # from the main thread
    t_kill = time.monotonic()
    for s in subs:
        s.join()
    h = cl.http()
    accepted = [(rid, nf) for rid, nf in zip(ids, numbers) if rid is not None]
    first = wait_all(h, [a for a, _ in accepted], [b for _, b in accepted], t_kill + 120,
                     "after kill -9 of %s" % victim.name)
    t_done = time.monotonic() - t_kill
    changed = []
    for rid, job in first.items():
        again = h.get_job(rid).json()
        if any(again.get(k) != job.get(k) for k in ("status", "factors", "number", "caller_id", "finished_at")):
            changed.append((rid, job, again))
    assert not changed, "%d jobs answered differently after they were done (a duplicate result " \
                        "reached the client), e.g. %r" % (len(changed), changed[0])
    t.join(160)
    assert "error" not in ws_result, "WebSocket client: %r" % ws_result.get("error")
    frames, t_closed, code, reason = ws_result["value"]
    answered = {}
    for _, text in frames:
        n, _f = parse_reply(text, "chaos WebSocket")
        answered[n] = answered.get(n, 0) + 1
    dup = {n: c for n, c in answered.items() if c > 1}
    missing = [n for n in ws_numbers if n not in answered]
    assert not dup, "WebSocket numbers answered more than once: %r" % dup
    assert not missing, "WebSocket numbers never answered (close %r %r): %r" % (code, reason, missing)
    assert not errors, "%d POSTs not accepted while a worker died: %s" % (len(errors), errors[:5])
    no_early_200(early, CHAOS_JOBS)
    print("     (all %d jobs done %.1f s after the kill)" % (CHAOS_JOBS, t_done))


@suite.test
def chaos_kill9_gateway(cl):
    """Jobs accepted by gateway 1, then gateway 1 is killed with SIGKILL: through nginx
    every one of them answers done with the right factors (from gateway 2); sockets on the
    dead gateway are closed and a reconnect through nginx works; new POSTs are accepted."""
    gw1 = cl.gateways[0]
    g1 = gw1.http()
    numbers = semiprimes(30, 20, seed=6001) + semiprimes(46, 10, seed=6002)
    early = []
    ids = [submit_new(g1, n, "gwkill-%d" % (i % 3), early, "POST #%d on gw1" % i)[0]
           for i, (n, _) in enumerate(numbers)]

    async def go():
        socks = [await ws_connect(cl.ws_url("userid=gwkill-ws-%d" % i)) for i in range(4)]
        try:
            for ws in socks:
                await ws.send("91")
            for ws in socks:
                assert await asyncio.wait_for(ws.recv(), 20) == "91 : [7 13]"
            gw1.kill9()
            await asyncio.sleep(2.0)
            closed = [i for i, ws in enumerate(socks) if ws.closed]
            open_ = [i for i, ws in enumerate(socks) if not ws.closed]
            codes = {i: socks[i].close_code for i in closed}
            # The others are on gateway 2 and still work.
            for i in open_:
                await socks[i].send("3211891798434562153")
                text = await asyncio.wait_for(socks[i].recv(), 20)
                assert text == "3211891798434562153 : [1000000087 3211891519]", (i, text)
            # Reconnect the closed ones through nginx.
            for i in closed:
                async with ws_connect(cl.ws_url("userid=gwkill-ws-%d" % i)) as ws:
                    await ws.send("1016669087450202913")
                    text = await asyncio.wait_for(ws.recv(), 20)
                    parse_reply(text, "reconnected socket %d" % i)
            return closed, open_, codes
        finally:
            for ws in socks:
                await ws.close()

    closed, open_, codes = arun(go(), timeout=90)
    assert closed, "4 sockets through nginx (least_conn), gateway 1 killed: none was closed " \
                   "within 2 s (all on gateway 2? open: %r)" % open_
    assert all(codes[i] != 1000 for i in closed), "a socket on the killed gateway closed " \
        "cleanly?! %r" % codes
    h = cl.http()
    wait_all(h, ids, numbers, time.monotonic() + 60, "accepted by the killed gateway")
    more = semiprimes(28, 5, seed=6003)
    new_ids = []
    for n, _ in more:
        new_ids.append(submit_new(h, n, "gwkill-after", early, "POST through nginx, gw1 dead")[0])
    wait_all(h, new_ids, more, time.monotonic() + 30, "POSTed after the kill")
    no_early_200(early, len(numbers) + len(more))


@suite.test
def paused_partitions_resume_after_a_rebalance(cl):
    """A worker whose read-ahead is full pauses its partitions; a second worker joins and
    the group rebalances while they are paused. Every job still ends done: a partition
    handed back to the same worker is fetched again (librdkafka keeps the pause across a
    rebalance; the bridge starts each assignment fresh)."""
    for w in cl.workers:
        assert w.stop() == 0, "%s did not stop cleanly" % w.name
    w3 = cl.new_node("worker", "w3", extra=["--kafka-read-ahead", "4"])
    w4 = cl.new_node("worker", "w4")
    try:
        w3.start()
        numbers = semiprimes(40, 240, seed=8001)
        h = cl.http()
        ids = []
        for c in range(12):  # 12 callers: jobs on every partition, 20 each
            part = numbers[c::12]
            r = h.request("POST", "/v1/jobs:batch", json_body={"numbers": [str(n) for n, _ in part]},
                          headers={"X-Caller-ID": "pause-%d" % c})
            assert r.status == 202, "batch of caller pause-%d: %r" % (c, r)
            ids.append(r.json()["request_ids"])
        ids = [ids[i % 12][i // 12] for i in range(len(numbers))]
        time.sleep(0.5)  # w3 reads ahead and pauses
        doc = w3.http().get("/v1/actors").json()
        bridge = [a for a in doc.get("actors", []) if a.get("kind") == "kafka-bridge"]
        paused = bridge[0]["state"].get("paused_partitions", 0) if bridge else 0
        assert paused > 0, "w3 (--kafka-read-ahead 4) paused no partition with %d jobs queued; " \
                           "the test needs paused partitions: %r" % (len(ids), bridge)
        w4.start()  # the rebalance: w3 gives up every partition, then gets half of them back
        wait_all(h, ids, numbers, time.monotonic() + 60,
                 "jobs queued on paused partitions across a rebalance")
        print("     (%d jobs done; w3 had %d partitions paused when w4 joined)" % (len(ids), paused))
    finally:
        for w in (w3, w4):
            if w.alive():
                w.stop()
        for w in cl.workers:
            if not w.alive():
                w.restart()


OUTAGE = 10.0  # seconds the broker is down, counted from its process's exit
DETECT = 5.0   # seconds the processes get to notice


@suite.test
def broker_outage_503_then_recovery(cl):
    """A steady submit loop through nginx while the broker is stopped for 10 s and started
    again on the same directory: during the outage POSTs answer 503 with Retry-After, never
    202, and /readyz is 503 everywhere; within 30 s of the restart POSTs get 202 again; every
    job that ever got a 202 ends done."""
    pool = semiprimes(24, 100, seed=7001)
    posts = []   # (t_sent, t_answered, status, retry_after, request_id or error, index)
    early = []   # 200 instead of 202 (counted as accepted, reported at the end)
    probes = []  # (t, node name, status)
    stop = threading.Event()

    def submit_loop():
        h = cl.http(timeout=40)
        i = 0
        while not stop.is_set():
            n = pool[i % len(pool)][0]
            t_sent = time.monotonic()
            try:
                r = h.post_job(str(n), caller="outage-%d" % (i % 4))
                status = r.status
                rid = r.json().get("request_id") if status in (200, 202) else None
                if status == 200:  # finished before the acknowledgement came back
                    early.append("POST #%d: %r" % (i, r))
                    status = 202
                posts.append((t_sent, time.monotonic(), status, r.header("Retry-After"), rid, i))
            except Exception as e:  # noqa: BLE001  (reported below)
                h.close()
                posts.append((t_sent, time.monotonic(), None, None, repr(e), i))
            i += 1
            time.sleep(0.05)

    def probe_loop():
        while not stop.is_set():
            for n in cl.nodes:
                probes.append((time.monotonic(), n.name, http_status(n.port, "/readyz", 2.0)))
            time.sleep(0.25)

    threads = [threading.Thread(target=submit_loop), threading.Thread(target=probe_loop)]
    for th in threads:
        th.start()
    try:
        time.sleep(3)
        t_stop_begin = time.monotonic()
        rc = cl.broker.stop()
        t_stopped = time.monotonic()
        assert rc == 0, "scripts/kafka stop failed"
        # Counted from the exit, not from the stop request: a broker under load can take a
        # few seconds to shut down, and the 503 window below needs its full length. A POST
        # sent just before the processes noticed may wait --kafka-timeout (5 s) for its ack.
        time.sleep(max(t_stopped + OUTAGE - time.monotonic(), DETECT + 1))
        t_start_begin = time.monotonic()
        cl.broker.start()
        t_started = time.monotonic()
        # Until a POST sent after the restart gets a 202 (30 s at most), then 3 s more.
        deadline = t_started + 30
        while time.monotonic() < deadline:
            if any(p[2] == 202 and p[0] >= t_started for p in posts):
                break
            time.sleep(0.2)
        time.sleep(3)
    finally:
        stop.set()
        for th in threads:
            th.join(60)
    t_back = next((p[1] - t_started for p in posts if p[2] == 202 and p[0] >= t_started), None)

    problems = []
    for t_sent, t_ans, status, retry, rid, i in posts:
        when = "POST #%d sent %+.1f s, answered %+.1f s after the broker stopped" % (
            i, t_sent - t_stopped, t_ans - t_stopped)
        if status is None:
            problems.append("%s: no answer (%s)" % (when, rid))
        elif status not in (202, 503):
            problems.append("%s: status %s" % (when, status))
        elif status == 503 and not retry:
            problems.append("%s: 503 without Retry-After" % when)
        elif status == 202 and t_stopped + 1.0 <= t_ans < t_start_begin:
            problems.append("%s: 202 while the broker was down" % when)
        if status is not None and t_ans - t_sent > 10:
            problems.append("%s: took %.1f s to answer" % (when, t_ans - t_sent))
        if t_stopped + DETECT <= t_sent < t_start_begin and status != 503:
            # A POST sent just before the restart may be held and then accepted.
            straggler = status == 202 and t_ans >= t_start_begin and t_sent >= t_start_begin - 3
            if not straggler:
                problems.append("%s: %s, expected 503 (the restart began %+.1f s after the stop)"
                                % (when, status, t_start_begin - t_stopped))
    in_outage = [p for p in posts if t_stopped + DETECT <= p[0] and p[1] < t_start_begin]
    if len(in_outage) < 5:
        problems.append("only %d POSTs were answered between %.0f s into the outage and the "
                        "restart (the loop sends one every 50 ms once answered)" % (len(in_outage), DETECT))
    for n in cl.nodes:
        samples = [(t, s) for t, name, s in probes
                   if name == n.name and t_stopped + DETECT <= t < t_start_begin]
        bad = [(round(t - t_stopped, 1), s) for t, s in samples if s != 503]
        if not samples:
            problems.append("%s: no /readyz sample during the outage" % n.name)
        elif bad:
            problems.append("%s: /readyz during the outage was not 503 at (s, status) %s"
                            % (n.name, bad[:5]))
        back = [t for t, name, s in probes if name == n.name and t >= t_started and s == 200]
        while not back and time.monotonic() < t_started + 30:
            if http_status(n.port, "/readyz", 2.0) == 200:
                back.append(time.monotonic())
            else:
                time.sleep(0.25)
        if not back:
            problems.append("%s: /readyz not 200 again within 30 s of the restart" % n.name)
    if t_back is None:
        problems.append("no POST got 202 within 30 s of the broker's restart")
    assert not problems, "%d problems (outage %.1f–%.1f s after the stop began):\n  %s" % (
        len(problems), t_stopped - t_stop_begin, t_start_begin - t_stop_begin,
        "\n  ".join(problems[:25]))

    accepted = [(p[4], pool[p[5] % len(pool)]) for p in posts if p[2] == 202]
    assert accepted, "no POST was accepted at all"
    h = cl.http()
    wait_all(h, [a for a, _ in accepted], [b for _, b in accepted], time.monotonic() + 60,
             "accepted around the outage")
    no_early_200(early, len(accepted))
    print("     (%d POSTs: %d accepted, %d answered 503; 202 again %.1f s after the restart)"
          % (len(posts), len(accepted), sum(1 for p in posts if p[2] == 503), t_back))


@suite.test
def auth_on_gateway_private_jobs(cl):
    """A gateway with --auth on (API keys) before the standing workers: the caller is the
    key's (a forged X-Caller-ID is a 403, no credential a 401), another caller's GET and
    DELETE are the same 404 as an unknown id, and a key with weight= is served."""
    keys = os.path.join(cl.tmp, "keys-auth.txt")

    def key(caller, *settings):
        p = subprocess.run([cl.factord, "keys", "add", caller, *settings, "--auth-keys", keys],
                           capture_output=True, text=True, timeout=30)
        assert p.returncode == 0, p.stderr
        return {"Authorization": "Bearer " + p.stdout.strip()}

    alice, bob = key("c-alice", "weight=3"), key("c-bob")
    g = cl.new_node("gateway", "gauth", extra=["--auth", "on", "--auth-keys", keys]).start()
    h = g.http()
    (n, f), = semiprimes(30, 1, seed=4101)
    r = h.post_job(str(n), caller=None)
    assert r.status == 401 and "bearer" in (r.header("WWW-Authenticate") or "").lower(), r
    r = h.post_job(str(n), caller="c-mallory", extra_headers=alice)
    assert r.status == 403 and r.json()["error"]["code"] == "caller_mismatch", r
    r = h.post_job(str(n), caller=None, extra_headers=alice)
    assert r.status == 202, r
    rid = r.json()["request_id"]
    job = h.wait_job(rid, 60, headers=alice)
    job_ok(job, n, f, "alice's job through the auth gateway")
    assert job["caller_id"] == "c-alice", job
    unknown = h.get_job("0" * 32, headers=bob)
    for r in (h.get_job(rid, headers=bob), h.request("DELETE", "/v1/jobs/" + rid, headers=bob)):
        # Word for word the unknown id's answer (each names the id that was asked for).
        assert r.status == 404 and r.body.decode().replace(rid, "ID") == \
            unknown.body.decode().replace("0" * 32, "ID"), (r, unknown)
    assert h.get_job(rid, headers=alice).json()["status"] == "done"
    assert h.get_job(rid).status == 401

    # WebSockets: the key's caller, or nothing (pushed commands go to a socket by that caller).
    token = alice["Authorization"].split()[1]

    async def sockets():
        try:
            async with ws_connect(g.ws_url("token=%s&userid=c-mallory" % token)):
                raise AssertionError("a socket claiming another caller than its key's was opened")
        except websockets.exceptions.InvalidStatusCode as e:  # python3-websockets 10.4
            assert e.status_code == 403, e
        async with ws_connect(g.ws_url("token=" + token)) as ws:
            await ws.send("91")
            assert await asyncio.wait_for(ws.recv(), 30) == "91 : [7 13]"

    arun(sockets(), timeout=60)


@suite.test
def sigterm_stops_every_process_with_status_0(cl):
    """Last: SIGTERM to each gateway and worker; each exits 0 within 20 s."""
    bad = {}
    for n in cl.nodes:
        t0 = time.monotonic()
        rc = n.stop(20, signal.SIGTERM)
        if rc != 0:
            bad[n.name] = (rc, round(time.monotonic() - t0, 1))
    assert not bad, "exit status after SIGTERM (expected 0): %r" % bad


if __name__ == "__main__":
    suite.main()
