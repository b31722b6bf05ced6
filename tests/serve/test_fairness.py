#!/usr/bin/python3
"""Fairness, black-box (API.md "Fairness"): with one worker, a caller with 1,000 queued
jobs delays another caller's job by about one job's compute time, not by its backlog."""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Suite, check_factors, running, semiprimes  # noqa: E402

suite = Suite("fairness")

HEAVY_JOBS = 1000
DIGITS = 36  # balanced semiprimes of ~5–10 ms each on one core (38–40 digits take ~10–15)
LIGHT_LIMIT = 1.0  # seconds from submission to done for the light caller's job


@suite.test
def light_caller_not_delayed_by_heavy_backlog(ctx):
    heavy = semiprimes(DIGITS, HEAVY_JOBS, seed=1234)
    light = semiprimes(DIGITS, 3, seed=4321)
    with running(ctx, workers=1) as srv:
        h = srv.http()
        t0 = time.monotonic()
        ids = []
        # Four batches of 250 (one POST per job works the same but takes longer to send).
        for i in range(0, HEAVY_JOBS, 250):
            chunk = [str(n) for n, _ in heavy[i:i + 250]]
            r = h.request("POST", "/v1/jobs:batch", json_body={"numbers": chunk},
                          headers={"X-Caller-ID": "heavy"})
            assert r.status == 202, "heavy batch: %r" % r
            ids += r.json()["request_ids"]
        submit_time = time.monotonic() - t0

        # The light caller: each job must finish within about one heavy job's time.
        light_times = []
        queued_then = []
        for n, _ in light:
            q = h.get("/metrics").body.decode()
            queued_then.append(next(float(line.split()[-1]) for line in q.splitlines()
                                    if line.startswith("factord_jobs_queued ")))
            t1 = time.monotonic()
            r = h.post_job(str(n), caller="light", wait=2)
            assert r.status in (200, 202), r
            job = r.json() if r.status == 200 else h.wait_job(r.json()["request_id"], 30)
            took = time.monotonic() - t1
            assert job["status"] == "done", job
            check_factors(str(n), job["factors"], "light job")
            light_times.append(took)

        # The measurement only means something while a backlog was waiting.
        assert min(queued_then) >= 200, \
            "heavy backlog too small when the light jobs came (%r queued); the machine is " \
            "faster than assumed: raise HEAVY_JOBS or DIGITS" % queued_then
        assert max(light_times) < LIGHT_LIMIT, \
            "light caller's jobs took %s s with %r heavy jobs queued ahead (limit %.1f s; " \
            "submitting the heavy backlog took %.2f s)" % (
                ["%.3f" % t for t in light_times], queued_then, LIGHT_LIMIT, submit_time)

        # Every heavy job finishes, correctly (the last one first: after it, all are done).
        by_id = dict(zip(ids, heavy))
        deadline = time.monotonic() + 50
        for rid in [ids[-1]] + ids:
            job = h.wait_job(rid, timeout=max(1.0, deadline - time.monotonic()))
            n, factors = by_id[rid]
            assert job["status"] == "done" and job["number"] == str(n), job
            assert job["factors"] == [str(f) for f in factors], (job, factors)


@suite.test
def two_heavy_callers_share_the_worker_round_robin(ctx):
    """Two callers with equal backlogs finish at about the same pace, not one after the other."""
    a = semiprimes(30, 150, seed=11)
    b = semiprimes(30, 150, seed=22)
    with running(ctx, workers=1) as srv:
        h = srv.http()
        ids = {}
        for caller, nums in (("first", a), ("second", b)):
            r = h.request("POST", "/v1/jobs:batch", json_body={"numbers": [str(n) for n, _ in nums]},
                          headers={"X-Caller-ID": caller})
            assert r.status == 202, r
            ids[caller] = r.json()["request_ids"]
        # When "first"'s 75th job is done, "second" must have made comparable progress.
        h.wait_job(ids["first"][74], timeout=40)
        done_second = 0
        for rid in ids["second"]:
            if h.get_job(rid).json()["status"] == "done":
                done_second += 1
        assert done_second >= 50, "after 75 jobs of 'first', only %d of 'second' were done " \
                                  "(round-robin would give ~74)" % done_second
        for caller, nums in (("first", a), ("second", b)):
            job = h.wait_job(ids[caller][-1], timeout=40)
            assert job["status"] == "done"
            check_factors(str(nums[-1][0]), job["factors"])


if __name__ == "__main__":
    suite.main()
