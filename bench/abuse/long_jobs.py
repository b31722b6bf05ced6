#!/usr/bin/env python3
"""An attacker that holds the workers with long jobs: one batch of --count balanced
semiprimes of --digits digits (SIQS work of seconds each) from one caller (--bearer), then
waits until --workers of them run. The jobs stay; the server is stopped after the row.
Writes what it submitted to --json. Part of bench/abuse/run."""
import argparse
import http.client
import json
import random
import time


def is_probable_prime(n, rounds=24):
    if n < 2:
        return False
    for p in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    rng = random.Random(n)
    for _ in range(rounds):
        x = pow(rng.randrange(2, n - 1), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def prime(digits, rng):
    while True:
        c = rng.randrange(10 ** (digits - 1), 10 ** digits) | 1
        if is_probable_prime(c):
            return c


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
    numbers = [str(prime(a.digits // 2, rng) * prime(a.digits - a.digits // 2, rng)) for _ in range(a.count)]
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
