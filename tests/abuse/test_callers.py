#!/usr/bin/python3
"""Invented caller ids, black-box (issue #12): with auth off a caller id is whatever the
client says, so per-caller state must not grow with the ids a client invents.

- 10,000 batches, each from a fresh caller id and each refused (422, a bad number at the
  end): nothing is created, and the server's RSS stays flat;
- 5,000 fresh caller ids that each get one tiny job through: once the jobs are done, no
  caller is left waiting in the scheduler, and RSS stays under a stated bound. (Rate
  buckets are keyed by client address with auth off; their cap is a unit test.)
An honest caller is served throughout."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "serve"))
sys.path.insert(0, HERE)
from harness import Server, Suite, metric, wait_idle  # noqa: E402
from test_requests import rss_mb  # noqa: E402

suite = Suite("abuse-callers")

REJECTED_BATCHES = 10000
# Measured here: the server sits at ~12 MB, and 10,000 refused batches from fresh ids move
# it by less than 1 MB.
FLAT_MB = 6
FRESH_CALLERS = 5000
RSS_LIMIT_MB = 48


def honest_served(http):
    r = http.post_job("91", caller="honest", wait=2)
    job = r.json() if r.status == 200 else http.wait_job(r.json()["request_id"])
    assert job["factors"] == ["7", "13"], (r, job)


@suite.test
def ten_thousand_refused_batches_from_fresh_ids_leave_rss_flat(ctx):
    srv = Server(ctx, workers=2).start()
    try:
        http = srv.http()
        honest = srv.http()
        honest_served(honest)
        # Warm-up: the first refusals allocate what every later one reuses.
        for i in range(200):
            http.request("POST", "/v1/jobs:batch", json_body={"numbers": ["91", "15", "x"]},
                         headers={"X-Caller-ID": "warm-%d" % i})
        before = rss_mb(srv)
        accepted_before = metric(http, 'factord_jobs_total{outcome="accepted"}')
        honest_jobs = 0
        for i in range(REJECTED_BATCHES):
            r = http.request("POST", "/v1/jobs:batch", json_body={"numbers": ["91", "15", "1.5"]},
                             headers={"X-Caller-ID": "fresh-%d" % i})
            assert r.status == 422, r
            if i % 2500 == 0:
                honest_served(honest)
                honest_jobs += 1
        after = rss_mb(srv)
        assert metric(http, 'factord_jobs_total{outcome="accepted"}') == accepted_before + honest_jobs, \
            "a refused batch created jobs"
        assert after - before <= FLAT_MB, "RSS grew from %d MB to %d MB over %d refused batches" % (
            before, after, REJECTED_BATCHES)
        honest_served(honest)
        print("  RSS %d MB before, %d MB after %d refused batches" % (before, after, REJECTED_BATCHES))
    finally:
        if srv.alive():
            srv.stop()


@suite.test
def five_thousand_fresh_callers_leave_no_scheduler_state(ctx):
    srv = Server(ctx, workers=2).start()
    try:
        http = srv.http()
        honest = srv.http()
        for i in range(FRESH_CALLERS):
            r = http.post_job(str(91 + 2 * (i % 500)), caller="one-shot-%d" % i)
            assert r.status == 202, r
            if i % 1000 == 0:
                honest_served(honest)
        wait_idle(http)
        # The dispatcher forgets a caller once nothing of it is queued, parked or running.
        assert metric(http, "factord_callers_waiting") == 0
        peak = rss_mb(srv)
        assert peak < RSS_LIMIT_MB, "RSS %d MB after %d fresh callers (bound %d MB)" % (
            peak, FRESH_CALLERS, RSS_LIMIT_MB)
        honest_served(honest)
        print("  RSS %d MB after %d one-shot callers" % (peak, FRESH_CALLERS))
    finally:
        if srv.alive():
            srv.stop()


if __name__ == "__main__":
    suite.main()
