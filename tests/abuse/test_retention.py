#!/usr/bin/python3
"""A retention flood, black-box (issue #12): finished jobs are kept for --retention (24 h),
so without a cap memory and the journal grow with the request rate, not with the work.
`--retention-max-jobs` keeps at most that many finished jobs, the oldest finished going
first from memory and from the journal. Here one caller sends 60,000 tiny jobs in batches
while an honest caller keeps submitting; the test asserts that the server keeps at most the
cap (`factord_jobs_known`), that its RSS stays under a stated bound, that the oldest jobs
answer 404 and the newest still answer, that the journal holds no more than the cap after a
restart, and that the honest caller is served throughout."""

import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "serve"))
sys.path.insert(0, HERE)
from harness import Server, Suite, metric, wait_idle  # noqa: E402
from test_requests import rss_mb  # noqa: E402

suite = Suite("abuse-retention")

CAP = 2000
FLOOD_JOBS = 60000
BATCH = 500
# Measured here: an 18 MB peak with the cap (Intel Xeon, 2 cores).
RSS_LIMIT_MB = 48


@suite.test
def a_retention_flood_keeps_at_most_the_cap(ctx):
    srv = Server(ctx, workers=2, extra=("--retention-max-jobs", str(CAP), "--max-batch", str(BATCH))).start()
    try:
        http = srv.http()
        honest = srv.http()
        first_ids, last_ids = [], []
        honest_ms = []
        peak = rss_mb(srv)
        sent = 0
        while sent < FLOOD_JOBS:
            numbers = [str(91 + 2 * ((sent + i) % 1000)) for i in range(BATCH)]
            r = http.request("POST", "/v1/jobs:batch", json_body={"numbers": numbers},
                             headers={"X-Caller-ID": "flood"})
            if r.status == 429:  # the queue bound: let the workers catch up
                time.sleep(0.05)
                continue
            assert r.status == 202, r
            ids = r.json()["request_ids"]
            if not first_ids:
                first_ids = ids[:50]
            last_ids = ids
            sent += BATCH
            if sent % (10 * BATCH) == 0:
                t0 = time.monotonic()
                h = honest.post_job("91", caller="honest", wait=2)
                job = h.json() if h.status == 200 else honest.wait_job(h.json()["request_id"])
                honest_ms.append((time.monotonic() - t0) * 1000)
                assert h.status in (200, 202) and job["factors"] == ["7", "13"], (h, job)
                peak = max(peak, rss_mb(srv))
        # Let the flood finish.
        wait_idle(http)
        peak = max(peak, rss_mb(srv))
        known = metric(http, "factord_jobs_known")
        assert known <= CAP, "%d jobs kept with --retention-max-jobs %d" % (known, CAP)
        for rid in first_ids:
            r = http.get_job(rid)
            assert r.status == 404, "the oldest job %s should be forgotten: %r" % (rid, r)
        for rid in last_ids[-50:]:
            r = http.get_job(rid)
            assert r.status == 200 and r.json()["status"] == "done", r
        assert peak < RSS_LIMIT_MB, "RSS peaked at %d MB (bound %d MB)" % (peak, RSS_LIMIT_MB)

        # The journal was cut too: after a restart the server knows at most the cap.
        assert srv.stop() == 0
        srv.restart()
        http = srv.http()
        assert metric(http, "factord_jobs_known") <= CAP
        for rid in first_ids[:10]:
            assert http.get_job(rid).status == 404
        honest_ms.sort()
        p99 = honest_ms[min(len(honest_ms) - 1, int(len(honest_ms) * 0.99))]
        print("  %d jobs flooded, %d kept, RSS peak %d MB, honest p99 %.0f ms (%d samples)"
              % (FLOOD_JOBS, known, peak, p99, len(honest_ms)))
        print("  " + json.dumps({"rss_peak_mb": peak, "honest_p99_ms": round(p99)}))
    finally:
        if srv.alive():
            srv.stop()


if __name__ == "__main__":
    suite.main()
