"""CAF scheduler settings side by side (see run): the same loads against `factord serve` and
against the loopback cluster, once per setting, rounds interleaved so that drift on this
noisy machine hits every setting alike. Reports the median of the rounds.

  serve     factord-load mixed-max (64 connections) and websocket (64 x 16), --seconds each
  cluster   60,000 small jobs in batches of 100 through nginx, 2 gateways, 2 workers, broker
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "tests" / "cluster"))
sys.path.insert(0, str(HERE.parents[1] / "bench" / "cluster"))
import bench as cluster_bench  # noqa: E402
import cluster as harness  # noqa: E402

SETTINGS = [("stealing", 2), ("stealing", 1), ("sharing", 1), ("sharing", 2)]
BASELINE = ("stealing", 2)  # factord's default before this comparison


def flags(setting):
    policy, threads = setting
    return ["--scheduler", policy, "--scheduler-threads", str(threads)]


def serve_round(a, setting, tmp):
    log_path = os.path.join(tmp, "serve-%s-%d.log" % setting)
    log = open(log_path, "w")
    data = tempfile.mkdtemp(prefix="data.", dir=tmp)
    proc = subprocess.Popen([a.factord, "serve", "--port", "0", "--workers", "2", "--ws-idle-timeout", "1h",
                             "--data-dir", data] + flags(setting), stdout=log, stderr=log)
    try:
        port = None
        for _ in range(100):
            m = re.search(r"net.listening host=\S+ port=(\d+)", open(log_path).read())
            if m:
                port = int(m.group(1))
                break
            time.sleep(0.1)
        if port is None:
            raise RuntimeError("serve did not start: %s" % open(log_path).read()[-2000:])
        out = os.path.join(tmp, "load.json")
        mixed = cluster_bench.run_load(a.load, port, "mixed-max", a.seconds, out)
        ws = cluster_bench.run_load(a.load, port, "websocket", a.seconds, out)
        return mixed["ok_per_s"], ws["ok_per_s"]
    finally:
        proc.terminate()
        proc.wait()


def cluster_round(a, setting, tmp):
    cl = harness.Cluster(a.factord, tempfile.mkdtemp(prefix="cluster.", dir=tmp), gateways=2,
                         workers=2, worker_threads=1, node_args=flags(setting))
    try:
        cl.start()
        r = cluster_bench.batch_load(cl.nginx.port, cl.gateways[0].port, a.batch_jobs)
        if r["done"] != a.batch_jobs or r["errors"]:
            raise RuntimeError("cluster batch with %s: %r" % (setting, r))
        return r["jobs_per_s"]
    finally:
        cl.teardown()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--factord", required=True)
    ap.add_argument("--load", required=True)
    ap.add_argument("--results", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=8)
    ap.add_argument("--batch-jobs", type=int, default=60000)
    ap.add_argument("--no-write", action="store_true")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="factord-bench-scheduler.")
    load_before = " ".join(open("/proc/loadavg").read().split()[:3])
    got = {s: {"mixed": [], "ws": [], "batch": []} for s in SETTINGS}
    for r in range(a.rounds):
        for s in SETTINGS:
            print("### round %d: %s x%d" % (r + 1, s[0], s[1]), file=sys.stderr)
            mixed, ws = serve_round(a, s, tmp)
            got[s]["mixed"].append(mixed)
            got[s]["ws"].append(ws)
            got[s]["batch"].append(cluster_round(a, s, tmp))
    load_after = " ".join(open("/proc/loadavg").read().split()[:3])

    med = {s: {k: statistics.median(v) for k, v in got[s].items()} for s in SETTINGS}
    base = med[BASELINE]
    cpu = subprocess.run("lscpu | sed -n 's/^Model name: *//p'", shell=True, capture_output=True,
                         text=True).stdout.strip()
    lines = [
        "## Scheduler",
        "",
        "Command: `bench/scheduler/run` · date %s · %d cores (%s) · load average %s before, %s after"
        % (time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime()), os.cpu_count(), cpu, load_before, load_after),
        "",
        "`--scheduler` and `--scheduler-threads` side by side; median of %d interleaved rounds"
        " (all rounds in brackets). serve: `factord serve --workers 2`, factord-load for %d s"
        " per load. cluster: %d small jobs in batches of 100 through nginx, 2 gateways,"
        " 2 workers (`--workers 1`) and the broker, every process with the setting. Ratios are"
        " against `stealing` x2, the default before this comparison."
        % (a.rounds, a.seconds, a.batch_jobs),
        "",
        "| setting | serve mixed-max req/s | serve websocket replies/s | cluster batch jobs/s |",
        "|---|---|---|---|",
    ]
    for s in SETTINGS:
        cells = []
        for k in ("mixed", "ws", "batch"):
            runs = ", ".join("%.0f" % v for v in got[s][k])
            cells.append("%.0f (%.2f) [%s]" % (med[s][k], med[s][k] / base[k], runs))
        lines.append("| `--scheduler %s --scheduler-threads %d` | %s |" % (s[0], s[1], " | ".join(cells)))
    lines.append("")
    section = "\n".join(lines) + "\n"
    print(section)
    if not a.no_write:
        cluster_bench.write_section(a.results, "## Scheduler", section)


if __name__ == "__main__":
    main()
