"""Cluster mode beside embedded mode (see run). Three loads, each against both targets:

  websocket  factord-load: 64 sockets x 16 numbers in flight; a reply is the finished job
  mixed-max  factord-load: 64 keep-alive connections, 50/50 POST/GET, closed loop
  batch      60,000 small jobs in POST /v1/jobs:batch of 100 (4 threads, 16 callers), timed
             until the (first) gateway's /metrics counts them all done: pipeline throughput

The generator shares the two cores with everything it measures, as in bench/load.
"""

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "tests" / "cluster"))
import cluster as harness  # noqa: E402


def write_section(results, heading, section):
    """Replaces the section that starts with `heading` in the results file (or appends it)."""
    text = open(results).read()
    start = text.find(heading)
    if start >= 0:
        end = text.find("\n## ", start + 3)
        text = text[:start] + section + (text[end + 1:] if end >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    with open(results, "w") as f:
        f.write(text)
    print("### wrote the %s section of %s" % (heading.lstrip("# "), results), file=sys.stderr)


def run_load(load, port, scenario, seconds, out):
    args = [load, scenario, "--port", str(port), "--duration", str(seconds), "--json", out]
    if scenario == "websocket":
        args += ["--sockets", "64", "--in-flight", "16"]
    else:
        args += ["--connections", "64", "--verify-max", "5000"]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    with open(out) as f:
        return json.load(f)


def done_count(port):
    text = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=10).read().decode()
    m = re.search(r'factord_jobs_total\{outcome="done"\} ([0-9.e+]+)', text)
    return int(float(m.group(1))) if m else 0


def batch_load(submit_port, metrics_port, total, per_batch=100, threads=4):
    rng = random.Random(5)
    batches = [[str(rng.randrange(10**15, 10**18)) for _ in range(per_batch)]
               for _ in range(total // per_batch)]
    before = done_count(metrics_port)
    errors = []
    t0 = time.monotonic()

    def submit(part):
        for index, b in part:
            body = json.dumps({"numbers": b}).encode()
            for _ in range(50):
                req = urllib.request.Request(
                    "http://127.0.0.1:%d/v1/jobs:batch" % submit_port, data=body, method="POST",
                    headers={"Content-Type": "application/json", "X-Caller-ID": "b%d" % (index % 16)})
                try:
                    urllib.request.urlopen(req, timeout=30).read()
                    break
                except urllib.error.HTTPError as e:
                    if e.code not in (429, 503):
                        errors.append(e.code)
                        break
                    time.sleep(0.2)

    ts = [threading.Thread(target=submit, args=(list(enumerate(batches))[i::threads],))
          for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    submitted = time.monotonic() - t0
    deadline = time.monotonic() + 300
    while done_count(metrics_port) - before < total and time.monotonic() < deadline:
        time.sleep(0.05)
    elapsed = time.monotonic() - t0
    done = done_count(metrics_port) - before
    return {"jobs": total, "done": done, "seconds": elapsed, "submit_seconds": submitted,
            "jobs_per_s": done / elapsed, "errors": errors}


def measure(label, load, port, metrics_port, seconds, batch_total, tmp):
    print("### %s: websocket" % label, file=sys.stderr)
    ws = run_load(load, port, "websocket", seconds, os.path.join(tmp, label + "-ws.json"))
    print("### %s: mixed-max" % label, file=sys.stderr)
    mixed = run_load(load, port, "mixed-max", seconds, os.path.join(tmp, label + "-mixed.json"))
    print("### %s: batch" % label, file=sys.stderr)
    batch = batch_load(port, metrics_port, batch_total)
    return {"websocket": ws, "mixed": mixed, "batch": batch}


def fmt_ws(r):
    return "%.0f replies/s, p50/p99 %.0f / %.0f ms%s" % (
        r["ok_per_s"], r["p50_ms"], r["p99_ms"], "" if not r["failed"] else ", %d failed" % r["failed"])


def fmt_mixed(r):
    v = r.get("verify", {})
    return "%.0f req/s, p50/p99 %.1f / %.1f ms; checked %d, lost %d, wrong %d" % (
        r["ok_per_s"], r["p50_ms"], r["p99_ms"], v.get("checked", 0), v.get("lost", 0),
        v.get("wrong_factors", 0))


def fmt_batch(r):
    return "%.0f jobs/s (%d of %d done in %.1f s)" % (r["jobs_per_s"], r["done"], r["jobs"], r["seconds"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--factord", required=True)
    ap.add_argument("--load", required=True)
    ap.add_argument("--results", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-write", action="store_true")
    a = ap.parse_args()
    seconds = 5 if a.quick else 15
    batch_total = 5000 if a.quick else 60000
    tmp = tempfile.mkdtemp(prefix="factord-bench-cluster.")
    load_before = open("/proc/loadavg").read().split()[:3]

    serve_log = open(os.path.join(tmp, "serve.log"), "w")
    serve = subprocess.Popen([a.factord, "serve", "--port", "0", "--workers", "2", "--ws-idle-timeout", "1h",
                              "--data-dir", os.path.join(tmp, "data")], stdout=serve_log, stderr=serve_log)
    port = None
    for _ in range(100):
        m = re.search(r"net.listening host=\S+ port=(\d+)", open(os.path.join(tmp, "serve.log")).read())
        if m:
            port = int(m.group(1))
            break
        time.sleep(0.1)
    try:
        embedded = measure("embedded", a.load, port, port, seconds, batch_total, tmp)
    finally:
        serve.terminate()
        serve.wait()

    cl = harness.Cluster(a.factord, tmp, gateways=2, workers=2, worker_threads=1)
    try:
        cl.start()
        gw1 = cl.gateways[0].port
        # The batch check reads gateway 1's metrics: it materializes every result.
        clustered = measure("cluster", a.load, cl.nginx.port, gw1, seconds, batch_total, tmp)
    finally:
        cl.teardown()

    rows = [
        ("websocket: 64 sockets x 16 in flight, %d s" % seconds, fmt_ws(embedded["websocket"]),
         fmt_ws(clustered["websocket"]), clustered["websocket"]["ok_per_s"] / embedded["websocket"]["ok_per_s"]),
        ("mixed-max: 64 connections, POST/GET, %d s" % seconds, fmt_mixed(embedded["mixed"]),
         fmt_mixed(clustered["mixed"]), clustered["mixed"]["ok_per_s"] / embedded["mixed"]["ok_per_s"]),
        ("batch: %d small jobs, batches of 100" % batch_total, fmt_batch(embedded["batch"]),
         fmt_batch(clustered["batch"]), clustered["batch"]["jobs_per_s"] / embedded["batch"]["jobs_per_s"]),
    ]
    cpu = subprocess.run("lscpu | sed -n 's/^Model name: *//p'", shell=True, capture_output=True,
                         text=True).stdout.strip()
    cmd = "bench/cluster/run" + (" --quick" if a.quick else "")
    lines = [
        "## Cluster mode",
        "",
        "Command: `%s` · date %s · %d cores (%s) · load average at start %s" % (
            cmd, time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime()), os.cpu_count(), cpu, " ".join(load_before)),
        "",
        "Embedded: `factord serve --workers 2`. Cluster: a real Kafka broker (scripts/kafka, one"
        " node), nginx in front of two `factord gateway`s, two `factord worker --workers 1`, all"
        " on this machine with the load generator. End to end = submitted, factored and the"
        " result back (websocket: the reply; batch: counted done by a gateway).",
        "",
        "| load | embedded | cluster | cluster / embedded |",
        "|---|---|---|---|",
    ]
    for name, e, c, ratio in rows:
        lines.append("| %s | %s | %s | %.2f |" % (name, e, c, ratio))
    lines.append("")
    section = "\n".join(lines) + "\n"
    print(section)
    with open(os.path.join(tmp, "section.md"), "w") as f:
        f.write(section)
    if not a.no_write:
        write_section(a.results, "## Cluster mode", section)


if __name__ == "__main__":
    main()
