#!/usr/bin/python3
"""Builds the "Server load" section of bench/RESULTS.md from factord-load's JSON summaries.

usage: report.py --out DIR --command CMD --nproc N --cpu MODEL --date D --workers W
                 --io-threads T [--quick] [--write RESULTS.md]
Prints the section; with --write also replaces that section in RESULTS.md (other
sections are kept as they are; the file is created if missing).
"""
import argparse
import json
import os
import re

SECTION = "## Server load"


def load(out, name):
    path = os.path.join(out, name + ".json")
    return json.load(open(path)) if os.path.exists(path) else None


def ticks(out, name):
    path = os.path.join(out, name)
    if not os.path.exists(path):
        return {}
    result = {}
    for line in open(path):
        parts = line.split()
        if len(parts) == 2:
            result[parts[0]] = int(parts[1])
    return result


def thread_cpu(out, prefix):
    before, after = ticks(out, prefix + "-threads-before.txt"), ticks(out, prefix + "-threads-after.txt")
    seconds_file = os.path.join(out, prefix + "-threads-seconds.txt")
    if not after or not os.path.exists(seconds_file):
        return []
    seconds = float(open(seconds_file).read().strip())
    # ticks are 1/100 s; keys are "name:tid", one row per thread
    rows = [(key.split(":")[0], (after[key] - before.get(key, 0)) / seconds) for key in after]
    return sorted([r for r in rows if r[1] >= 1.0], key=lambda r: -r[1])


def fails(s):
    f = s.get("failures", {})
    return ", ".join(f"{k} {v}" for k, v in sorted(f.items())) or "none"


def ms(s):
    return f"{s['p50_ms']:.2f} / {s['p99_ms']:.2f} / {s['max_ms']:.1f}"


def ratio(a, b):
    return f"{a / b:.2f}" if b else "–"


def build(args):
    out = args.out
    lines = [SECTION, ""]
    lines += [
        f"Command: `{args.command}` · date {args.date} · {args.nproc} cores ({args.cpu}) · "
        f"`factord serve --workers {args.workers} --io-threads {args.io_threads} --ws-idle-timeout 1h`, "
        f"fresh temp data dir · load average at start {args.loadavg} · generator `bench/load/factord-load` with 1 io thread."
        + (" **Quick run (small counts): not the reference numbers.**" if args.quick else ""),
        "",
        "The generator, factord and the echo ceiling share the same cores, so every figure here is "
        "\"server + client on the same box\". `echo-server` is a bare Beast server with the same "
        "io-thread count (fixed JSON answer / WebSocket echo): the ratio says how much of the "
        "network stack's ceiling factord keeps. Thread names in factord: `factord` = Asio io thread "
        "(and main), `caf.multiplexer` = CAF 0.17's name for its cooperative scheduler workers, "
        "`caf.actor` = detached actors (job registry + journal, factor workers), `caf.clock` = CAF timers.",
        "",
        "| scenario | factord | echo ceiling | ratio | target | verdict |",
        "|---|---|---|---|---|---|",
    ]
    t = load(out, "trellis")
    if t:
        v = t.get("verify", {})
        ok = t["failed"] == 0 and v.get("lost", 1) == 0 and v.get("wrong_factors", 1) == 0 and t["p99_ms"] < 50
        lines.append(
            f"| trellis: {t['sent']} requests at {t['target_rate']:.0f}/s | {t['ok_per_s']:.0f}/s, "
            f"p50/p99/max {ms(t)} ms, failures: {fails(t)}, lost {v.get('lost')}, wrong {v.get('wrong_factors')} "
            f"of {v.get('accepted')} | – | – | 0 failures, p99 < 50 ms | "
            + ("met" if ok else f"**missed** (p99 {t['p99_ms']:.1f} ms)") + " |")
    m, me = load(out, "mixed-max"), load(out, "mixed-max-echo")
    if m:
        v = m.get("verify", {})
        e_rate = me["ok_per_s"] if me else 0
        verdict = "met" if m["ok_per_s"] >= 20000 else f"**missed** by {20000 - m['ok_per_s']:.0f}/s ({m['ok_per_s'] / 200:.0f}% of target)"
        lines.append(
            f"| mixed-max: 64 conns × {m['seconds']:.0f} s, 50/50 POST/GET | {m['ok_per_s']:.0f}/s, p50/p99 "
            f"{m['p50_ms']:.2f} / {m['p99_ms']:.2f} ms, failures: {fails(m)}, lost {v.get('lost')} of "
            f"{v.get('checked')} checked ({v.get('accepted')} accepted) | "
            f"{e_rate:.0f}/s, p99 {me['p99_ms']:.2f} ms | {ratio(m['ok_per_s'], e_rate)} | ≥ 20,000/s | {verdict} |"
            if me else "")
    w, we = load(out, "websocket"), load(out, "websocket-echo")
    if w and we:
        lines.append(
            f"| websocket: {w['sockets']} sockets × {w['in_flight_per_socket']} in flight | {w['ok_per_s']:.0f} replies/s, "
            f"p50/p99/max {ms(w)} ms, failures: {fails(w)} | {we['ok_per_s']:.0f}/s, p50/p99 {we['p50_ms']:.2f} / "
            f"{we['p99_ms']:.2f} ms | {ratio(w['ok_per_s'], we['ok_per_s'])} | – | every reply checked |")
    s = load(out, "spike")
    if s:
        v = s.get("verify", {})
        o = s.get("outcomes", {})
        conn_errors = sum(n for k, n in s.get("failures", {}).items() if not k.startswith("http_"))
        ok = conn_errors == 0 and v.get("lost", 1) == 0
        lines.append(
            f"| spike: {s['sent']} POSTs at {s['target_rate']:.0f}/s | 202: {o.get('202', 0)}, 429: {o.get('429', 0)}, "
            f"503: {o.get('503', 0)}; connection errors {conn_errors}; all answered in {s['seconds']:.1f} s; "
            f"p50/p99/max {ms(s)} ms; lost {v.get('lost')} | – | – | no connection error, no lost job | "
            + ("met" if ok else "**missed**") + " |")
    f = load(out, "fairness")
    if f:
        sm = f.get("verify", {}).get("server_ms", {})
        h, l_ = sm.get("heavy", {}), sm.get("light", {})
        lines.append(
            f"| fairness: heavy floods {f['heavy_accepted']} 38-digit semiprimes, 4 light callers 1 job/200 ms | "
            f"light submit→done (client) p50/p99 {f['p50_ms']:.0f} / {f['p99_ms']:.0f} ms; server queued→finished: "
            f"light p50/p99 {l_.get('p50', 0):.0f} / {l_.get('p99', 0):.0f} ms, heavy p50/p99 "
            f"{h.get('p50', 0):.0f} / {h.get('p99', 0):.0f} ms; lost {f['verify'].get('lost')} | – | – | "
            f"light ≪ heavy | " + ("met" if l_ and h and l_.get("p99", 1e9) < h.get("p50", 0) else "**missed**") + " |")
    i = load(out, "idle")
    if i:
        r = i["server_rss_mib"]
        ok = i["opened"] == i["sockets"] and i["still_open_after_hold"] == i["opened"] and r["after_hold"] < 200
        lines.append(
            f"| idle: {i['sockets']} WebSockets held {i['hold_seconds']:.0f} s | opened {i['opened']} in "
            f"{i['open_seconds']:.1f} s, still open {i['still_open_after_hold']}; server RSS {r['before']:.1f} → "
            f"{r['all_open']:.1f} → {r['after_hold']:.1f} MiB ({i.get('server_kib_per_socket', 0):.1f} KiB/socket), "
            f"threads {i['server_threads']['before']} → {i['server_threads']['after_hold']} | – | – | < 200 MB RSS | "
            + ("met" if ok else "**missed**") + " |")
    lines.append("")
    for prefix, title in (("mixed", "mixed-max"), ("ws", "websocket")):
        rows = thread_cpu(out, prefix)
        if rows:
            lines.append(f"factord CPU per thread during {title} (% of one core, one entry per thread): "
                         + ", ".join(f"`{n}` {c:.0f}%" for n, c in rows) + ".")
            lines.append("")
    lines += [
        "Plots: `bench/load/trellis.png` (committed); `bench/out/load/*.png` (mixed-max, websocket, spike, "
        "fairness, idle) and per-second CSVs beside them.",
        "",
        "![trellis](load/trellis.png)",
        "",
    ]
    return "\n".join(l for l in lines if l is not None) + "\n"


def write(path, section):
    text = open(path).read() if os.path.exists(path) else "# Benchmark results\n\n"
    pattern = re.compile(r"^## Server load\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    open(path, "w").write(text.rstrip("\n") + "\n")


def main():
    p = argparse.ArgumentParser()
    for name in ("--out", "--command", "--nproc", "--cpu", "--date", "--loadavg", "--workers", "--io-threads"):
        p.add_argument(name, required=True)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--write")
    args = p.parse_args()
    section = build(args)
    print(section, end="")
    if args.write:
        write(args.write, section)


if __name__ == "__main__":
    main()
