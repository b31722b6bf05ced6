#!/usr/bin/env python3
"""An attacker that holds the workers with long jobs: one batch of --count balanced
semiprimes of --digits digits (SIQS work of seconds each) from one caller (--bearer), then
waits until --workers of them run. The jobs stay; the server is stopped after the row.
Writes what it submitted to --json. Part of bench/abuse/run."""
import argparse
import http.client
import json
import os
import random
import sys
import time

# The same primes as the black-box tests make (tests/serve/harness.py).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "serve"))
from harness import random_prime  # noqa: E402


def running_jobs(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/metrics")
    text = conn.getresponse().read().decode()
    conn.close()
    return next(float(line.split()[-1]) for line in text.splitlines() if line.startswith("factord_jobs_running "))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--bearer", required=True)
    ap.add_argument("--count", type=int, default=28)
    ap.add_argument("--digits", type=int, default=70)
    ap.add_argument("--workers", type=int, required=True)
    ap.add_argument("--json", required=True)
    a = ap.parse_args()
    rng = random.Random(20261203)
    numbers = [str(random_prime(a.digits // 2, rng) * random_prime(a.digits - a.digits // 2, rng))
               for _ in range(a.count)]
    conn = http.client.HTTPConnection("127.0.0.1", a.port, timeout=30)
    conn.request("POST", "/v1/jobs:batch", body=json.dumps({"numbers": numbers}),
                 headers={"Content-Type": "application/json", "Authorization": "Bearer " + a.bearer})
    r = conn.getresponse()
    body = r.read()
    if r.status != 202:
        raise SystemExit("long jobs batch: %d %r" % (r.status, body[:200]))
    deadline = time.monotonic() + 30
    while running_jobs(a.port) < a.workers:
        if time.monotonic() > deadline:
            raise SystemExit("the long jobs did not start within 30 s")
        time.sleep(0.05)
    time.sleep(0.5)  # each running job is past its first slice
    with open(a.json, "w") as f:
        json.dump({"long_jobs": a.count, "digits": a.digits, "running": a.workers}, f)


if __name__ == "__main__":
    main()
