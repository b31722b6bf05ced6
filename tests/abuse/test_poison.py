#!/usr/bin/python3
"""Poison jobs, black-box (issue #12): a job that is running each time the process dies
must not crash-loop `factord serve`. A start journalled as running and never finished counts
as an attempt; after --max-attempts such starts the job ends failed / worker_crashed at the
next restart. A graceful stop (SIGTERM) is not the job's fault and counts nothing."""

import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "serve"))
from harness import Server, Suite, random_prime  # noqa: E402

suite = Suite("abuse-poison")


def long_number(seed):
    """A product of two 145-digit primes: hours of ECM, so it is running whenever we look."""
    rng = random.Random(seed)
    return str(random_prime(145, rng) * random_prime(145, rng))


def status(srv, rid):
    r = srv.http().get_job(rid)
    assert r.status == 200, r
    return r.json()


def wait_running(srv, rid, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = status(srv, rid)
        if job["status"] == "running":
            time.sleep(0.5)  # the journal's group commit has written the start
            return
        assert job["status"] == "queued", job
        time.sleep(0.05)
    raise AssertionError("job %s did not start within %d s" % (rid, timeout))


def honest_still_served(srv):
    r = srv.http().post_job("91", caller="honest", wait=2)
    assert r.status == 200 and r.json()["factors"] == ["7", "13"], r


@suite.test
def a_job_running_at_every_crash_ends_failed_after_max_attempts(ctx):
    srv = Server(ctx, workers=1, extra=("--max-attempts", "2")).start()
    try:
        rid = srv.http().submit(long_number(1), "poison")
        for crash in (1, 2):
            wait_running(srv, rid)
            srv.kill9()  # the process dies while the job runs, as a poison input would make it
            srv.restart()
            job = status(srv, rid)
            if crash == 1:
                assert job["status"] in ("queued", "running"), "after one crash: %r" % job
        assert job["status"] == "failed", "after two crashes with --max-attempts 2: %r" % job
        assert job["error"]["code"] == "worker_crashed", job
        assert "--max-attempts" in job["error"]["message"] and "2 times" in job["error"]["message"], job
        assert any(e.get("event") == "job_poison" and e.get("request_id") == rid for e in srv.log_events())
        honest_still_served(srv)
        # Journalled as failed: the next restart does not bring it back.
        assert srv.stop() == 0
        srv.restart()
        assert status(srv, rid)["status"] == "failed"
    finally:
        if srv.alive():
            srv.stop()


@suite.test
def four_kill9s_at_the_default_max_attempts(ctx):
    """The issue's scenario: kill -9 four times while the job runs, with the default
    --max-attempts (3). Three crashes end it failed; the fourth finds nothing to re-run, and
    the server keeps serving. A GET shows `running` only once that start is journalled."""
    srv = Server(ctx, workers=1).start()
    try:
        rid = srv.http().submit(long_number(3), "poison")
        for crash in range(1, 5):
            if crash <= 3:
                wait_running(srv, rid)
            srv.kill9()
            srv.restart()
            job = status(srv, rid)
            if crash < 3:
                assert job["status"] in ("queued", "running"), "after %d crashes: %r" % (crash, job)
            else:
                assert job["status"] == "failed", "after %d crashes: %r" % (crash, job)
                assert job["error"]["code"] == "worker_crashed" and "3 times" in job["error"]["message"], job
            honest_still_served(srv)
    finally:
        if srv.alive():
            srv.stop()


@suite.test
def a_graceful_stop_is_not_an_attempt(ctx):
    """--max-attempts 1: three SIGTERM restarts while the job runs, and it still runs."""
    srv = Server(ctx, workers=1, extra=("--max-attempts", "1")).start()
    try:
        rid = srv.http().submit(long_number(2), "patient")
        for _ in range(3):
            wait_running(srv, rid)
            assert srv.stop() == 0
            srv.restart()
        wait_running(srv, rid)
        assert status(srv, rid)["status"] == "running"
        # One crash now uses up the single attempt.
        srv.kill9()
        srv.restart()
        job = status(srv, rid)
        assert job["status"] == "failed" and job["error"]["code"] == "worker_crashed", job
    finally:
        if srv.alive():
            srv.stop()


if __name__ == "__main__":
    suite.main()
