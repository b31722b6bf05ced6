#!/usr/bin/python3
"""Black-box REST tests of `factord serve`: every route and error row of API.md."""

import json
import os
import re
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Suite, assert_error, check_factors, raw_http,  # noqa: E402
                     raw_status, running, semiprimes)

suite = Suite("rest")

RFC3339_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)$")
JOB_FIELDS = ("request_id", "caller_id", "number", "status", "factors", "error",
              "queued_at", "started_at", "finished_at")

# ~70 digits: minutes of sieving, so a blocker holds its worker until it is cancelled
# (SIQS keeps getting faster; a 60-digit number now finishes in under a second).
SLOW = [str(n) for n, _ in semiprimes(72, 3, seed=600)]
# ~20–60 ms each: never finished before the 202 goes out.
MEDIUM = [str(n) for n, _ in semiprimes(44, 4, seed=44)]


def check_job(job, what="job"):
    for f in JOB_FIELDS:
        assert f in job or f in ("factors", "error", "started_at", "finished_at"), \
            "%s: field %r missing: %r" % (what, f, job)
    assert job["status"] in ("queued", "running", "done", "failed", "cancelled"), (what, job)
    for f in ("queued_at", "started_at", "finished_at"):
        v = job.get(f)
        if v is not None:
            assert isinstance(v, str) and RFC3339_UTC.match(v), \
                "%s: %s is not RFC 3339 UTC: %r" % (what, f, v)
    if job["status"] == "done":
        check_factors(job["number"], job.get("factors"), what)
        assert job.get("finished_at"), "%s: done without finished_at: %r" % (what, job)


def metrics(http):
    r = http.get("/metrics")
    assert r.status == 200, r
    assert r.header("Content-Type", "").startswith("text/plain"), r.header("Content-Type")
    out = {}
    for line in r.body.decode().splitlines():
        if not line or line.startswith("#"):
            continue
        name, _, value = line.rpartition(" ")
        out[name] = float(value)
    return out


NO_SLICES = ("--time-slice", "0")


def block_worker(http, caller="blocker"):
    """With --workers 1: a slow job that occupies the worker; returns its id once running.
    Another caller's job waits behind it only with --time-slice 0 (NO_SLICES); with slices
    the blocker parks after 100 ms and the other job runs."""
    rid = http.submit(SLOW[0], caller)
    deadline = time.monotonic() + 10
    while http.get_job(rid).json()["status"] != "running":
        assert time.monotonic() < deadline, "the blocker never started running"
        time.sleep(0.02)
    return rid


# ---------------------------------------------------------------------------------------


@suite.test
def submit_then_get_with_and_without_wait(ctx):
    with running(ctx, workers=2) as srv:
        h = srv.http()
        r = h.post_job(MEDIUM[0], caller="alice")
        assert r.status == 202, "POST /v1/jobs: expected 202, got %r" % r
        body = r.json()
        rid = body.get("request_id")
        assert isinstance(rid, str) and rid, body
        assert body.get("status") == "queued", body
        assert body.get("status_url", "").endswith("/v1/jobs/" + rid), body
        loc = r.header("Location")
        assert loc and loc.endswith("/v1/jobs/" + rid), "Location header: %r" % loc

        r = h.get_job(rid)
        assert r.status == 200, r
        job = r.json()
        check_job(job)
        assert job["request_id"] == rid and job["caller_id"] == "alice" and job["number"] == MEDIUM[0], job
        if job["status"] not in ("done", "failed", "cancelled"):
            assert r.header("Retry-After"), "unfinished job without Retry-After: %r" % job

        t0 = time.monotonic()
        r = h.get_job(rid, wait=2)
        held = time.monotonic() - t0
        assert r.status == 200, r
        job = r.json()
        assert job["status"] == "done", "GET ?wait=2 of a ~50 ms job: %r" % job
        assert held < 1.5, "GET ?wait=2 answered %.2f s later, not when the job finished" % held
        check_job(job)
        assert r.header("Retry-After") is None, "finished job with Retry-After"

        r = h.get("/v1/jobs?request_id=" + rid)
        assert r.status == 200 and r.json() == job, (r, job)

        assert_error(h.get_job("nosuchjob0123"), 404, what="GET unknown id")
        assert_error(h.get("/v1/jobs?request_id=nosuchjob0123"), 404, what="GET ?request_id= unknown")
        assert_error(h.get("/v1/jobs"), 400, what="GET /v1/jobs without request_id")


@suite.test
def caller_from_header_or_query(ctx):
    with running(ctx, workers=2) as srv:
        h = srv.http()
        r = h.post_job("91", caller="hdr", wait=2, path="/v1/jobs?caller_id=qry")
        assert r.status in (200, 202), r
        assert h.wait_job(r.json()["request_id"])["caller_id"] == "hdr", "header must win"
        r = h.post_job("91", caller=None, wait=2, path="/v1/jobs?caller_id=qry%20one")
        assert r.status in (200, 202), r
        assert h.wait_job(r.json()["request_id"])["caller_id"] == "qry one"
        assert_error(h.post_job("91", caller=None), 400, what="no caller")
        assert_error(h.post_job("91", caller=""), 400, what="empty X-Caller-ID")
        assert_error(h.post_job("91", caller="x" * 129), 400, what="129-char caller")
        assert_error(h.post_job("91", caller=None, path="/v1/jobs?caller_id=a%01b"), 400,
                     what="caller with a control character")
        r = h.post_job("91", caller="y" * 128)
        assert r.status in (200, 202), "128-char caller must be accepted: %r" % r


@suite.test
def retry_after_and_wait_while_queued(ctx):
    with running(ctx, workers=1, extra=NO_SLICES) as srv:
        h = srv.http()
        blocker = block_worker(h)
        rid = h.submit("91", "second")
        r = h.get_job(rid)
        assert r.status == 200 and r.json()["status"] == "queued", r
        ra = r.header("Retry-After")
        assert ra and ra.isdigit() and int(ra) >= 1, "Retry-After while queued: %r" % ra
        t0 = time.monotonic()
        r = h.get_job(rid, wait=1)
        held = time.monotonic() - t0
        assert r.status == 200 and r.json()["status"] == "queued", r
        assert 0.8 <= held <= 3.0, "GET ?wait=1 of a queued job answered after %.2f s" % held
        assert r.header("Retry-After"), "no Retry-After after the wait ran out"
        assert_error(h.get_job(rid, wait="abc"), 400, what="?wait=abc")
        assert_error(h.get_job(rid, wait="5"), 400, what="?wait=5 (over 2)")
        # The exponent form clients print for a float is a wait too, bounded exactly.
        t0 = time.monotonic()
        r = h.get_job(rid, wait="5e-1")
        held = time.monotonic() - t0
        assert r.status == 200 and 0.3 <= held <= 2.5, "?wait=5e-1: %r after %.2f s" % (r, held)
        assert h.get_job(rid, wait="2.2e-308").status == 200
        for bad in ("2.0001", "2e1", "1e", "1e" + "9" * 3000, "0." + "0" * 3000 + "1e9999"):
            assert_error(h.get_job(rid, wait=bad), 400, "invalid_wait", "?wait=%s" % bad[:20])
        assert h.delete_job(blocker).status == 200
        job = h.wait_job(rid, timeout=20)
        assert job["status"] == "done" and job["factors"] == ["7", "13"], job


@suite.test
def delete_queued_and_running_jobs(ctx):
    with running(ctx, workers=1, extra=NO_SLICES) as srv:
        h = srv.http()
        blocker = block_worker(h)
        victim = h.submit(MEDIUM[1], "victim")
        r = h.delete_job(victim)
        assert r.status == 200, "DELETE of a queued job: %r" % r
        job = r.json()
        assert job["status"] == "cancelled" and job["request_id"] == victim, job
        assert h.get_job(victim).json()["status"] == "cancelled"

        # A running job is cancelled too, and the worker is free at once for the next job.
        r = h.delete_job(blocker)
        assert r.status == 200 and r.json()["status"] == "cancelled", "DELETE running: %r" % r
        t0 = time.monotonic()
        after = h.submit("91", "after")
        job = h.wait_job(after, timeout=20)
        took = time.monotonic() - t0
        assert job["status"] == "done", job
        assert took < 1.0, "the worker was still busy %.2f s after the running job was " \
                           "cancelled" % took
        assert h.get_job(blocker).json()["status"] == "cancelled"
        assert_error(h.delete_job("nosuchjob0123"), 404, what="DELETE unknown id")


@suite.test
def batch_all_or_nothing(ctx):
    with running(ctx, workers=2) as srv:
        h = srv.http()
        hdr = {"X-Caller-ID": "batcher"}
        numbers = ["91", "15", 77, "1", "+16"]
        r = h.request("POST", "/v1/jobs:batch", json_body={"numbers": numbers}, headers=hdr)
        assert r.status == 202, "POST /v1/jobs:batch: %r" % r
        ids = r.json().get("request_ids")
        assert isinstance(ids, list) and len(ids) == len(numbers) and len(set(ids)) == len(ids), r.json()
        expected = [["7", "13"], ["3", "5"], ["7", "11"], [], ["2", "2", "2", "2"]]
        for rid, factors in zip(ids, expected):
            job = h.wait_job(rid)
            assert job["status"] == "done" and job["factors"] == factors, (job, factors)
            assert job["caller_id"] == "batcher", job

        before = metrics(h)['factord_jobs_total{outcome="accepted"}']
        r = h.request("POST", "/v1/jobs:batch", json_body={"numbers": ["91", "15", "1.5", "21"]},
                      headers=hdr)
        err = assert_error(r, 422, what="batch with one bad number")
        assert err.get("index") in (None, 2), "error index should be 2: %r" % err
        after = metrics(h)['factord_jobs_total{outcome="accepted"}']
        assert after == before, "a refused batch created %d jobs" % (after - before)
        r = h.request("POST", "/v1/jobs:batch", json_body={"numbers": "91"}, headers=hdr)
        assert r.status in (400, 422), "numbers not a list: %r" % r
        assert_error(r, r.status)
        r = h.request("POST", "/v1/jobs:batch", json_body={"numbers": []}, headers=hdr)
        assert r.status in (202, 400, 422), "empty batch: %r" % r
        assert_error(h.request("GET", "/v1/jobs:batch"), 405, what="GET /v1/jobs:batch")


@suite.test
def idempotency_key(ctx):
    with running(ctx, workers=2) as srv:
        h = srv.http()
        r1 = h.post_job(MEDIUM[2], caller="idem", key="k-1")
        assert r1.status == 202, r1
        rid = r1.json()["request_id"]
        before = metrics(h)['factord_jobs_total{outcome="accepted"}']
        r2 = h.post_job(MEDIUM[2], caller="idem", key="k-1")
        assert r2.status in (200, 202), r2
        assert r2.json()["request_id"] == rid, "same key, same caller: %r vs %r" % (rid, r2.json())
        assert metrics(h)['factord_jobs_total{outcome="accepted"}'] == before, \
            "a repeated Idempotency-Key created a second job"
        r3 = h.post_job(MEDIUM[2], caller="other", key="k-1")
        assert r3.status == 202 and r3.json()["request_id"] != rid, \
            "same key, different caller must be a different job: %r" % r3
        r4 = h.post_job(MEDIUM[2], caller="idem", key="k-2")
        assert r4.status == 202 and r4.json()["request_id"] != rid, r4
        h.wait_job(rid)
        r5 = h.post_job(MEDIUM[2], caller="idem", key="k-1")  # after it finished, too
        assert r5.status in (200, 202) and r5.json()["request_id"] == rid, r5


@suite.test
def wait_on_post(ctx):
    with running(ctx, workers=1, extra=NO_SLICES) as srv:
        h = srv.http()
        r = h.post_job("3211891798434562153", caller="w", wait=2)
        assert r.status == 200, "POST ?wait=2 of a quick number: expected 200 job, got %r" % r
        job = r.json()
        check_job(job)
        assert job["status"] == "done" and job["factors"] == ["1000000087", "3211891519"], job
        block_worker(h)
        t0 = time.monotonic()
        r = h.post_job("91", caller="w2", wait=0.5)
        held = time.monotonic() - t0
        assert r.status == 202, "POST ?wait=0.5 behind a busy worker: expected 202, got %r" % r
        assert r.json()["status"] in ("queued", "running") and r.header("Location"), r
        assert 0.4 <= held <= 2.5, "POST ?wait=0.5 answered after %.2f s" % held


@suite.test
def compute_aliases(ctx):
    with running(ctx, workers=2) as srv:
        h = srv.http()
        r = h.post_job(MEDIUM[3], caller="old", path="/compute")
        assert r.status == 202, "POST /compute: %r" % r
        rid = r.json()["request_id"]
        assert r.header("Location", "").endswith("/compute/" + rid), r.header("Location")
        job = h.wait_job(rid, base="/compute/")
        assert job["status"] == "done" and job["number"] == MEDIUM[3], job
        check_job(job)
        assert h.get_job(rid, base="/v1/jobs/").json() == job, "the two routes disagree"
        assert_error(h.get_job("nosuchjob0123", base="/compute/"), 404, what="GET /compute/unknown")


@suite.test
def json_integer_numbers_kept_exact(ctx):
    n = 7 * 2 ** 160  # 50 digits; a double would round it
    assert len(str(n)) == 50
    with running(ctx, workers=2) as srv:
        h = srv.http()
        r = h.post_job(b'{"number": %d}' % n, caller="int", wait=2)
        assert r.status in (200, 202), r
        job = h.wait_job(r.json()["request_id"])
        assert job["number"] == str(n), "50-digit JSON integer became %r" % job["number"]
        assert job["factors"] == ["2"] * 160 + ["7"], job["factors"]
        r = h.post_job(b'{"number": 91}', caller="int", wait=2)
        assert h.wait_job(r.json()["request_id"])["factors"] == ["7", "13"]
        r = h.post_job(b'{"number": "  +91 "}', caller="int", wait=2)
        assert r.status in (200, 202), "' +91 ' must be accepted: %r" % r


@suite.test
def health_and_openapi(ctx):
    with running(ctx, workers=2) as srv:
        h = srv.http()
        assert h.get("/healthz").status == 200
        assert h.get("/readyz").status == 200
        r = h.get("/openapi.json")
        assert r.status == 200, r
        doc = r.json()
        assert isinstance(doc.get("paths"), dict) and any("/v1/jobs" in p for p in doc["paths"]), \
            "openapi.json without /v1/jobs paths: %r" % list(doc)


@suite.test
def metrics_names_and_counters(ctx):
    with running(ctx, workers=2) as srv:
        h = srv.http()
        m0 = metrics(h)
        for name in ('factord_jobs_total{outcome="accepted"}', 'factord_jobs_total{outcome="done"}',
                     "factord_jobs_queued", "factord_jobs_running", "factord_workers",
                     "factord_workers_busy", "factord_ws_sessions"):
            assert name in m0, "metric %s missing from /metrics" % name
        rid = h.submit("91", "metrics")
        h.wait_job(rid)
        m1 = metrics(h)
        for name in ('factord_jobs_total{outcome="accepted"}', 'factord_jobs_total{outcome="done"}'):
            assert m1[name] >= m0[name] + 1, "%s did not move: %s → %s" % (name, m0[name], m1[name])
        assert any(k.startswith("factord_http_requests_total") and v > 0 for k, v in m1.items()), \
            "no factord_http_requests_total sample after several requests"
        slow = h.submit(SLOW[0], "metrics")
        deadline = time.monotonic() + 10
        while h.get_job(slow).json()["status"] != "running":
            assert time.monotonic() < deadline
            time.sleep(0.02)
        m2 = metrics(h)
        h.delete_job(slow)
        problems = []
        if m2["factord_jobs_running"] != 1:
            problems.append("factord_jobs_running %s while one job runs (expected 1)" % m2["factord_jobs_running"])
        if m2["factord_workers"] != 2:
            problems.append("factord_workers %s with --workers 2 (expected 2)" % m2["factord_workers"])
        if m2["factord_workers_busy"] != 1:
            problems.append("factord_workers_busy %s while one job runs (expected 1)" % m2["factord_workers_busy"])
        assert not problems, "; ".join(problems)


@suite.test
def actors_snapshot_and_console(ctx):
    with running(ctx, workers=2) as srv:
        h = srv.http()
        r = h.get("/v1/actors")
        assert r.status == 200, "GET /v1/actors (API.md Operations): %r" % r
        r.json()
        r = h.get("/console")
        assert r.status == 200 and "html" in r.header("Content-Type", ""), \
            "GET /console (API.md Operations): %r %r" % (r, r.header("Content-Type"))


@suite.test
def error_rows(ctx):
    with running(ctx, workers=2, extra=["--max-body-bytes", "2000"]) as srv:
        h = srv.http()
        c = {"X-Caller-ID": "errs", "Content-Type": "application/json"}
        assert_error(h.request("POST", "/v1/jobs", body=b'{"number":', headers=c), 400,
                     what="malformed JSON")
        assert_error(h.request("POST", "/v1/jobs", body=b'not json', headers=c), 400,
                     what="not JSON at all")
        r = h.request("POST", "/v1/jobs", body=b'{}', headers=c)
        assert r.status in (400, 422), "body without number: %r" % r
        assert_error(r, r.status, what="body without number")
        r = h.request("POST", "/v1/jobs", body=b'["91"]', headers=c)
        assert r.status in (400, 422), "body not an object: %r" % r
        assert_error(r, r.status)
        assert_error(h.get("/nope"), 404, what="unknown path")
        assert_error(h.get("/v1/jobs/a/b"), 404, what="nested unknown path")

        r = h.request("PUT", "/v1/jobs", body=b"{}", headers=c)
        assert_error(r, 405, what="PUT /v1/jobs")
        allow = r.header("Allow", "")
        assert "GET" in allow and "POST" in allow, "Allow: %r" % allow
        r = h.request("DELETE", "/healthz")
        assert_error(r, 405, what="DELETE /healthz")
        assert r.header("Allow") == "GET", r.header("Allow")
        r = h.request("POST", "/v1/jobs/abc", body=b"{}", headers=c)
        assert_error(r, 405, what="POST /v1/jobs/{id}")
        assert "DELETE" in r.header("Allow", "") and "GET" in r.header("Allow", "")

        big = b'{"number":"91","pad":"' + b"x" * 5000 + b'"}'
        assert_error(h.request("POST", "/v1/jobs", body=big, headers=c), 413, what="body > --max-body-bytes")
        assert_error(h.request("POST", "/v1/jobs", body=b'{"number":"91"}',
                               headers={"X-Caller-ID": "errs", "Content-Type": "text/plain"}),
                     415, what="text/plain body")
        assert_error(h.request("POST", "/v1/jobs", body=b'{"number":"91"}',
                               headers={"X-Caller-ID": "errs",
                                        "Content-Type": "application/x-www-form-urlencoded"}),
                     415, what="form body")
        r = h.request("POST", "/v1/jobs", body=b'{"number":"91"}',
                      headers={"X-Caller-ID": "errs", "Content-Type": "application/json; charset=utf-8"})
        assert r.status == 202 or r.status == 200, "JSON with charset must be accepted: %r" % r

        for what, raw in [("empty", b'""'), ("zero", b'"0"'), ("zeros", b'"000"'),
                          ("negative", b'"-7"'), ("negative int", b'-7'),
                          ("fraction", b'"1.5"'), ("fraction number", b'1.5'),
                          ("exponent", b'"1e5"'), ("exponent number", b'1e5'),
                          ("non-digits", b'"abc"'), ("hex", b'"0x1f"'), ("inner space", b'"9 1"'),
                          ("null", b'null'), ("bool", b'true'),
                          ("301 digits", b'"' + b"1" * 301 + b'"'),
                          ("305 digits integer", b"7" * 305)]:
            r = h.request("POST", "/v1/jobs", body=b'{"number":' + raw + b'}', headers=c)
            if what in ("null", "bool"):
                assert r.status in (400, 422), "%s: %r" % (what, r)
                assert_error(r, r.status, what=what)
            else:
                assert_error(r, 422, what="number " + what)
        assert srv.alive()
    # The 5,000-digit number of the brief, with the default body limit.
    with running(ctx, workers=1) as srv:
        h = srv.http()
        r = h.post_job("7" * 5000, caller="errs")
        assert_error(r, 422, what="5,000 digits")


@suite.test
def json_integers_beyond_double_range(ctx):
    """API.md: a JSON integer of any size is kept exact; too many digits is a 422."""
    with running(ctx, workers=1) as srv:
        r = srv.http().post_job(b'{"number": %s}' % (b"7" * 1500), caller="huge")
        assert_error(r, 422, what="1,500-digit JSON integer (over --max-digits 300)")
    n = 2 ** 1100  # 332 digits: beyond a double's range
    with running(ctx, workers=1, extra=["--max-digits", "400"]) as srv:
        h = srv.http()
        r = h.post_job(b'{"number": %d}' % n, caller="huge", wait=2)
        assert r.status in (200, 202), "332-digit JSON integer with --max-digits 400: %r" % r
        job = h.wait_job(r.json()["request_id"])
        assert job["number"] == str(n) and job["factors"] == ["2"] * 1100, job["number"][:60]


@suite.test
def rate_limit_429_per_caller(ctx):
    with running(ctx, workers=1, extra=["--max-queued-per-caller", "5"]) as srv:
        h = srv.http()
        block_worker(h, caller="heavy")
        statuses = []
        limited = None
        for n in SLOW[1:] + MEDIUM * 2:
            r = h.post_job(n, caller="heavy")
            statuses.append(r.status)
            if r.status == 429:
                limited = r
                break
            assert r.status == 202, r
        assert limited is not None, "no 429 after %d queued jobs of one caller: %r" % (len(statuses), statuses)
        assert_error(limited, 429, what="over --max-queued-per-caller")
        assert statuses.count(202) == 5, "expected 5 accepted before the 429: %r" % statuses
        ra = limited.header("Retry-After")
        assert ra and ra.isdigit() and int(ra) >= 1, "429 without a usable Retry-After: %r" % ra
        # Another caller is not limited by the heavy one's queue.
        r = h.post_job("91", caller="light")
        assert r.status == 202, "another caller got %r" % r


@suite.test
def job_budget_exceeded_fails_the_job(ctx):
    with running(ctx, workers=1, extra=["--job-budget", "300ms"]) as srv:
        h = srv.http()
        t0 = time.monotonic()
        rid = h.submit(SLOW[1], "budget")
        job = h.wait_job(rid, timeout=20)
        took = time.monotonic() - t0
        assert job["status"] == "failed", "a minutes-long job with --job-budget 300ms: %r" % job
        assert "budget" in json.dumps(job.get("error")).lower(), \
            "the error must say the budget was exceeded: %r" % job.get("error")
        assert not job.get("factors"), job
        assert took < 1.5, "the budget of 300 ms was enforced only after %.2f s" % took
        job = h.wait_job(h.submit("91", "budget"), timeout=10)
        assert job["status"] == "done", job


@suite.test
def malformed_http_and_unknown_methods(ctx):
    with running(ctx, workers=1) as srv:
        for raw in (b"GARBAGE\r\n\r\n", b"GET /healthz HTTP/1.1 extra junk\r\n\r\n",
                    b"GET\r\n\r\n", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 40):
            data = raw_http(srv.port, raw, timeout=5)
            assert data, "no answer at all to %r (expected 400)" % raw[:30]
            assert raw_status(data) == 400, "%r → %r" % (raw[:30], data[:100])
            assert srv.alive(), "the server died on %r" % raw[:30]
        for method in ("FOO", "PATCH", "OPTIONS", "TRACE"):
            data = raw_http(srv.port, b"%s /v1/jobs HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n"
                            % method.encode(), timeout=5)
            status = raw_status(data)
            assert status in (400, 405, 501), "%s /v1/jobs → %d" % (method, status)
            body = data.partition(b"\r\n\r\n")[2]
            err = json.loads(body)["error"]
            assert err["code"] and err["message"], (method, body)
        # Headers over the limit: 431 (net/README) and the server survives.
        data = raw_http(srv.port, b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"a" * 20000
                        + b"\r\n\r\n", timeout=5)
        assert data and raw_status(data) in (400, 431), data[:100]
        h = srv.http()
        assert h.get("/healthz").status == 200, "server unhealthy after malformed requests"


@suite.test
def keep_alive_and_pipelining(ctx):
    with running(ctx, workers=2) as srv:
        h = srv.http()
        for i in range(5):
            assert h.get("/healthz").status == 200
            r = h.post_job(str(91 + i), caller="ka")
            assert r.status in (200, 202), r
            assert h.get_job(r.json()["request_id"], wait=2).status == 200
            assert_error(h.get("/nope"), 404)  # an error does not end the connection
        assert h.connects == 1, "keep-alive: %d connections for 20 requests" % h.connects
        # Two requests in one write: two responses, in order.
        with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"
                      b"GET /nope HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            data = b""
            while True:
                c = s.recv(65536)
                if not c:
                    break
                data += c
        statuses = [int(m) for m in re.findall(rb"HTTP/1\.1 (\d{3})", data)]
        assert statuses == [200, 404], "pipelined responses: %r" % statuses


if __name__ == "__main__":
    suite.main()
