#!/usr/bin/python3
"""Draws the server-load plots from the per-second CSVs that factord-load wrote.

usage: plot.py OUT_DIR TRELLIS_PNG
  OUT_DIR/<scenario>.csv -> OUT_DIR/<name>.png; the trellis figure is also saved to
  TRELLIS_PNG (the one committed as bench/load/trellis.png).
"""
import csv
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read_csv(path):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        rows = list(csv.DictReader(f))
    return {k: [float(r[k]) for r in rows] for k in rows[0]} if rows else None


def throughput_latency(ax_rate, ax_lat, data, label, color):
    ax_rate.plot(data["second"], data["ok_per_s"], color=color, label=f"{label} ok/s")
    ax_lat.plot(data["second"], data["p50_ms"], color=color, linestyle="-", label=f"{label} p50")
    ax_lat.plot(data["second"], data["p99_ms"], color=color, linestyle="--", label=f"{label} p99")


def figure(out_dir, title, series, png, log_latency=False):
    present = [(n, l, c) for n, l, c in series if read_csv(os.path.join(out_dir, n + ".csv"))]
    if not present:
        return None
    fig, (ax_rate, ax_lat) = plt.subplots(2, 1, figsize=(8, 6), sharex=True)
    for name, label, color in present:
        throughput_latency(ax_rate, ax_lat, read_csv(os.path.join(out_dir, name + ".csv")), label, color)
    ax_rate.set_ylabel("answers per second")
    # Headroom above the highest rate, so a flat line at the top stays visible.
    ax_rate.set_ylim(0, ax_rate.get_ylim()[1] * 1.15)
    ax_rate.set_title(title)
    ax_rate.legend(loc="best", fontsize=8)
    ax_rate.grid(alpha=0.3)
    ax_lat.set_ylabel("latency per second (ms)")
    ax_lat.set_xlabel("seconds since start")
    if log_latency:
        ax_lat.set_yscale("log")
    ax_lat.legend(loc="best", fontsize=8)
    ax_lat.grid(alpha=0.3)
    fig.tight_layout()
    path = os.path.join(out_dir, png)
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def fairness_figure(out_dir):
    path = os.path.join(out_dir, "fairness.json")
    if not os.path.exists(path):
        return
    s = json.load(open(path))
    server = s.get("verify", {}).get("server_ms", {})
    labels, p50, p99 = [], [], []
    for cls in ("light", "heavy"):
        if cls in server:
            labels.append(f"{cls} (server)")
            p50.append(server[cls]["p50"])
            p99.append(server[cls]["p99"])
    labels.append("light (client)")
    p50.append(s["p50_ms"])
    p99.append(s["p99_ms"])
    fig, ax = plt.subplots(figsize=(7, 4))
    xs = range(len(labels))
    ax.bar([x - 0.2 for x in xs], p50, width=0.4, label="p50")
    ax.bar([x + 0.2 for x in xs], p99, width=0.4, label="p99")
    ax.set_xticks(list(xs))
    ax.set_xticklabels(labels)
    ax.set_yscale("log")
    ax.set_ylabel("submit → done (ms)")
    ax.set_title("fairness: light callers vs a heavy flood")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, "fairness.png"), dpi=90)
    plt.close(fig)


def main():
    out_dir, trellis_png = sys.argv[1], sys.argv[2]
    t = figure(out_dir, "trellis: 50/50 POST/GET at a fixed rate (open loop)",
               [("trellis", "factord", "tab:blue")], "trellis.png")
    if t:
        import shutil
        shutil.copyfile(t, trellis_png)
    figure(out_dir, "mixed-max: 64 connections, closed loop",
           [("mixed-max", "factord", "tab:blue"), ("mixed-max-echo", "echo", "tab:gray")], "mixed-max.png", True)
    figure(out_dir, "websocket: 64 sockets x 16 in flight",
           [("websocket", "factord", "tab:blue"), ("websocket-echo", "echo", "tab:gray")], "websocket.png", True)
    figure(out_dir, "spike: POSTs fired at once", [("spike", "factord", "tab:red")], "spike.png", True)
    figure(out_dir, "idle: WebSocket handshakes", [("idle", "factord", "tab:green")], "idle.png")
    fairness_figure(out_dir)


if __name__ == "__main__":
    main()
