#!/usr/bin/python3
"""Time slices, black-box (README "Fairness"): one caller's long jobs cannot hold the
workers while another caller waits. With --auth on the attacker of the trust issue is one
caller, whatever ids it would invent; its jobs park at the end of a slice and another
caller's small job runs at once. Also: --max-running-per-caller, and a job parked many
times still finishes with the right factors."""

import os
import random
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Suite, assert_error, check_factors, random_prime, running,  # noqa: E402
                     semiprimes)

suite = Suite("slices")

SMALL_LIMIT = 1.0  # seconds from submission to done for the honest caller's small job


def metric(h, name):
    text = h.get("/metrics").body.decode()
    return next(float(line.split()[-1]) for line in text.splitlines() if line.startswith(name + " "))


def make_key(ctx, keys_file, caller):
    p = subprocess.run([ctx.factord, "keys", "add", caller, "--auth-keys", keys_file],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    return p.stdout.strip()


def heavy_numbers(count, digits, seed):
    """Products of two primes of digits/2 digits each: hours of ECM each (never done here)."""
    rng = random.Random(seed)
    primes = [random_prime(digits // 2, rng) for _ in range(8)]
    pairs = [(a, b) for i, a in enumerate(primes) for b in primes[i + 1:]]
    return [str(a * b) for a, b in pairs[:count]]


def wait_running(h, ids, want, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        running_now = metric(h, "factord_jobs_running")
        if running_now >= want:
            return
        time.sleep(0.05)
    raise AssertionError("fewer than %d of the jobs started within %d s" % (want, timeout))


def small_job_latencies(h, numbers, **kw):
    times = []
    for n, factors in numbers:
        t = time.monotonic()
        r = h.post_job(str(n), wait=2, **kw)
        assert r.status in (200, 202), r
        job = r.json() if r.status == 200 else h.wait_job(r.json()["request_id"], 30,
                                                          headers=kw.get("extra_headers"))
        times.append(time.monotonic() - t)
        assert job["status"] == "done", job
        check_factors(str(n), job["factors"], "small job")
    return times


@suite.test
def small_job_runs_at_once_while_one_caller_floods_long_jobs(ctx):
    """The trust issue's scenario: 28 numbers of ~290 digits from one authenticated caller
    (its invented X-Caller-IDs are refused) hold both workers; the honest caller's small
    jobs still finish within a second each, and the attacker's jobs stay running."""
    with tempfile.TemporaryDirectory() as d:
        keys = os.path.join(d, "keys")
        attacker = make_key(ctx, keys, "attacker")
        honest = make_key(ctx, keys, "honest")
        with running(ctx, workers=2, extra=("--auth", "on", "--auth-keys", keys)) as srv:
            h = srv.http()
            heavy = heavy_numbers(28, 290, seed=5)
            r = h.request("POST", "/v1/jobs:batch", json_body={"numbers": heavy},
                          headers={"Authorization": "Bearer " + attacker, "X-Caller-ID": "someone-else"})
            assert_error(r, 403, "caller_mismatch", "an invented caller id with a real key")
            r = h.request("POST", "/v1/jobs:batch", json_body={"numbers": heavy},
                          headers={"Authorization": "Bearer " + attacker})
            assert r.status == 202, r
            wait_running(h, r.json()["request_ids"], 2)
            time.sleep(1.0)  # both workers deep in ECM on the attacker's numbers
            small = semiprimes(25, 5, seed=77)
            times = small_job_latencies(h, small, caller="honest",
                                        extra_headers={"Authorization": "Bearer " + honest})
            assert max(times) < SMALL_LIMIT, \
                "the honest caller's small jobs took %s s behind the attacker's long jobs (limit %.1f s)" % (
                    ["%.3f" % t for t in times], SMALL_LIMIT)
            assert metric(h, "factord_job_suspensions_total") >= 1
            # The attacker's parked job was resumed: both workers are busy with its jobs again.
            deadline = time.monotonic() + 5
            while metric(h, "factord_jobs_suspended") > 0 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert metric(h, "factord_jobs_suspended") == 0
            assert metric(h, "factord_jobs_running") == 2


@suite.test
def max_running_per_caller_leaves_workers_to_others(ctx):
    heavy = heavy_numbers(3, 200, seed=9)
    with running(ctx, workers=2, extra=("--max-running-per-caller", "1")) as srv:
        h = srv.http()
        r = h.request("POST", "/v1/jobs:batch", json_body={"numbers": heavy}, headers={"X-Caller-ID": "heavy"})
        assert r.status == 202, r
        ids = r.json()["request_ids"]
        wait_running(h, ids, 1)
        time.sleep(0.5)
        states = [h.get_job(i).json()["status"] for i in ids]
        assert states.count("running") == 1 and states.count("queued") == 2, states
        # The free worker serves another caller at once, without a slice ending.
        times = small_job_latencies(h, semiprimes(25, 3, seed=78), caller="light")
        assert max(times) < SMALL_LIMIT, times
        assert metric(h, "factord_job_suspensions_total") == 0


@suite.test
def a_job_parked_many_times_finishes_with_the_right_factors(ctx):
    """One worker, a 62-digit SIQS job, and another caller's stream of small jobs: the
    long job is parked again and again and still finishes, correctly."""
    (big, big_factors), = semiprimes(62, 1, seed=31)
    with running(ctx, workers=1, extra=("--time-slice", "20ms")) as srv:
        h = srv.http()
        r = h.post_job(str(big), caller="long")
        assert r.status == 202, r
        rid = r.json()["request_id"]
        wait_running(h, [rid], 1)
        small_job_latencies(h, semiprimes(20, 15, seed=79), caller="light")
        job = h.wait_job(rid, 120)
        assert job["status"] == "done", job
        assert job["factors"] == [str(f) for f in big_factors], job
        assert metric(h, "factord_job_suspensions_total") >= 5


@suite.test
def time_slice_and_caps_refuse_bad_values(ctx):
    for opt, bad in (("--time-slice", "-1s"), ("--time-slice", "soon"), ("--max-suspended", "5000"),
                     ("--max-suspended", "x"), ("--max-running-per-caller", "-1"),
                     ("--max-running-per-caller", "1e3")):
        p = subprocess.run([ctx.factord, "serve", opt, bad, "--port", "0"], capture_output=True,
                           text=True, timeout=30)
        assert p.returncode == 2, (opt, bad, p.returncode, p.stderr)
        assert opt in p.stderr, (opt, p.stderr)


if __name__ == "__main__":
    suite.main()
