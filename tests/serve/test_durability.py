#!/usr/bin/python3
"""Durability, black-box (API.md: "An accepted job (202) is never lost, including across a
restart of factord serve"): kill -9 and SIGTERM with jobs queued, restart on the same
--data-dir, every accepted request id answers `done` with correct factors."""

import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Http, Server, Suite, semiprimes  # noqa: E402

suite = Suite("durability")

OVERALL = 120.0  # seconds for all 200 jobs to be answered after a restart


def workload(seed, count=200):
    """Alternating quick (~2 ms) and ~50 ms numbers: (number, [factors])."""
    quick = semiprimes(20, count // 2, seed=seed)
    slow = semiprimes(44, count - count // 2, seed=seed + 1)
    out = []
    for q, s in zip(quick, slow):
        out += [q, s]
    return out


def submit_all(h, jobs, caller="durable", key_prefix=None):
    ids = []
    for i, (n, _) in enumerate(jobs):
        key = "%s-%d" % (key_prefix, i) if key_prefix else None
        ids.append(h.submit(str(n), caller, key=key))
    return ids


def status_of(h, rid):
    return h.get_job(rid).json()["status"]


def check_all_done(h, ids, jobs, deadline):
    for rid, (n, factors) in zip(ids, jobs):
        r = h.get_job(rid)
        assert r.status == 200, "after restart GET /v1/jobs/%s: expected 200, got %r (an accepted " \
                                "job was lost)" % (rid, r)
        job = h.wait_job(rid, timeout=max(1.0, deadline - time.monotonic()))
        assert job["status"] == "done", "after restart %s: %r" % (rid, job)
        assert job["number"] == str(n), (job, n)
        assert job["factors"] == [str(f) for f in factors], \
            "%s: factors %r, expected %r" % (rid, job["factors"], factors)


@suite.test
def kill9_with_jobs_queued_loses_nothing(ctx):
    jobs = workload(seed=9)
    srv = Server(ctx, workers=1).start()
    try:
        h = srv.http()
        ids = submit_all(h, jobs, key_prefix="k")
        assert len(set(ids)) == len(ids) == 200
        done_before = [rid for rid in ids[:20] if status_of(h, rid) == "done"]
        last = status_of(h, ids[-1])
        assert last == "queued", "the last job is already %r: no queue left to lose; make the " \
                                 "workload slower" % last
        srv.kill9()
        assert srv.proc.returncode == -9

        srv.restart()
        h = srv.http()
        # Crash again while the recovered queue is being worked off.
        time.sleep(0.3)
        srv.kill9()
        srv.restart()
        h = srv.http()
        deadline = time.monotonic() + OVERALL
        check_all_done(h, ids, jobs, deadline)
        # Finished results and idempotency keys outlive the crashes too.
        for rid in done_before:
            assert status_of(h, rid) == "done"
        r = h.post_job(str(jobs[5][0]), caller="durable", key="k-5")
        assert r.status in (200, 202) and r.json()["request_id"] == ids[5], \
            "Idempotency-Key after restart: expected %s, got %r" % (ids[5], r)
        rc = srv.stop()
        assert rc == 0, "exit status %s after SIGTERM" % rc
    finally:
        srv.kill9()


@suite.test
def kill9_during_submission_keeps_every_202(ctx):
    jobs = workload(seed=19, count=400)
    srv = Server(ctx, workers=1).start()
    accepted = []  # (request_id, index): every 202 the client saw
    stop = threading.Event()

    def submitter(port, part):
        h = Http(port, timeout=5)
        for i in part:
            if stop.is_set():
                return
            try:
                r = h.post_job(str(jobs[i][0]), caller="sub-%d" % (i % 2))
            except OSError:
                return  # the server is gone
            if r.status == 202:
                accepted.append((r.json()["request_id"], i))

    try:
        threads = [threading.Thread(target=submitter, args=(srv.port, range(k, len(jobs), 2)))
                   for k in (0, 1)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 30
        while len(accepted) < 150 and time.monotonic() < deadline:
            time.sleep(0.005)
        srv.kill9()
        stop.set()
        for t in threads:
            t.join(10)
        assert len(accepted) >= 150, "only %d jobs accepted" % len(accepted)
        assert len(accepted) < len(jobs), "the kill came after all submissions; nothing tested"
        srv.restart()
        h = srv.http()
        ids = [rid for rid, _ in accepted]
        check_all_done(h, ids, [jobs[i] for _, i in accepted], time.monotonic() + OVERALL)
        assert srv.stop() == 0
    finally:
        stop.set()
        srv.kill9()


@suite.test
def sigterm_mid_load_exits_0_and_loses_nothing(ctx):
    jobs = workload(seed=29)
    srv = Server(ctx, workers=1).start()
    try:
        h = srv.http()
        ids = submit_all(h, jobs)
        assert status_of(h, ids[-1]) == "queued"
        t0 = time.monotonic()
        rc = srv.stop(timeout=30)
        took = time.monotonic() - t0
        assert rc == 0, "SIGTERM with a queue: exit status %s, expected 0" % rc
        assert took < 10, "SIGTERM took %.1f s: shutdown should not work off the queue" % took
        srv.restart()
        check_all_done(srv.http(), ids, jobs, time.monotonic() + OVERALL)
        assert srv.stop() == 0
    finally:
        srv.kill9()


if __name__ == "__main__":
    suite.main()
