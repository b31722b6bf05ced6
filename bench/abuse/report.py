#!/usr/bin/env python3
"""The "Abuse and authentication" section of bench/RESULTS.md from bench/out/abuse/*.json
(written by bench/abuse/run). Prints it; with --write FILE replaces the section there
(--part c: only its subsection C, --part ab: all but C). Every verdict is computed from the
measured numbers."""
import argparse
import json
import os
import re


def load(out, name):
    path = os.path.join(out, name + ".json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def fmt(v, d=2):
    return "—" if v is None else f"{v:.{d}f}"


def statuses(s):
    o = s.get("outcomes") or {}
    return ", ".join(f"{k}: {v}" for k, v in sorted(o.items())) or "—"


C_ROWS = [
    ("slow-headers", "2000 sockets: a request line, then a header byte a second"),
    ("slow-body", "2000 requests announcing 100 kB of body, a byte a second"),
    ("ws-dribble", "1000 WebSockets: a frame header, then its payload a byte a second (`--ws-idle-timeout 60s`)"),
    ("ws-non-reader", "2 WebSockets sending 2^3300 (replies ~22 kB) as fast as the socket takes, never "
     "reading (`--max-digits 1000`)"),
    ("connections", "5000 connections that send nothing"),
    ("long-polls", "1000 sockets long-polling (`?wait=2`) one queued job, again and again"),
    ("viewers", "100 console streams (`interval_ms=250`) that never read, reopened when refused"),
]


def section_c(a):
    out = a.out
    lines = ["### C. Slow clients and floods: the server's RSS and the honest caller", ""]
    lines.append(f"Command: `{a.command}` · date {a.date} · {a.cpu}, {a.cores} cores · load average at start "
                 f"{a.loadavg}. A fresh `factord serve --workers {a.workers} --io-threads 1` per row with the "
                 "default limits (no `--max-connections-per-ip`: the deadlines and bounds of issue #12 are what "
                 "is measured). The attacker (`bench/abuse/slow_clients.py`) runs from 127.0.0.3, keeps its "
                 "sockets up for the whole row (one the server ends is opened again) and samples the server's "
                 f"RSS every 0.2 s; the honest caller is B's ({a.honest_rate}/s for {a.seconds} s from 127.0.0.1), "
                 "started 2 s into the attack.")
    lines += ["", "| attack | RSS start → peak MB | honest p50 ms | honest p99 ms | success | p99 ÷ alone | "
              "attacker saw |", "|---|---:|---:|---:|---:|---:|---|"]
    alone = load(out, "c-alone")
    if alone:
        lines.append(f"| none | — | {fmt(alone['p50_ms'])} | {fmt(alone['p99_ms'])} | "
                     f"{100 * alone['success_rate']:.1f} % | — | — |")
    for name, label in C_ROWS:
        s, att = load(out, "c-" + name), load(out, f"c-{name}-attacker")
        if not s or not att:
            lines.append(f"| {label} | not measured | | | | | |")
            continue
        ratio = s["p99_ms"] / alone["p99_ms"] if alone and alone["p99_ms"] > 0 and s["ok"] > 0 else None
        seen = ", ".join(f"{k}: {v}" for k, v in sorted(att["seen"].items())) or "no answer"
        saw = f"{att['opened']} opened, {att['held_at_end']} open at the end; {seen}"
        p50, p99 = (s["p50_ms"], s["p99_ms"]) if s["ok"] > 0 else (None, None)
        lines.append(f"| {label} | {att['rss_start_mb']:.0f} → {att['rss_peak_mb']:.0f} | {fmt(p50)} | {fmt(p99)} | "
                     f"{100 * s['success_rate']:.1f} % | {fmt(ratio)} | {saw} |")
    lines.append("")
    lines.append("- The deadlines (`config/limits.hpp`): a request head within 10 s of its first byte, a body at "
                 "1 KiB/s after 10 s (both 408 `request_timeout`), a WebSocket message within 10 s of its first "
                 "payload byte (close 1008 `message too slow`); a peer that does not read is dropped at 4 MiB "
                 "queued or a 10 s write stall; 64 long-polls per job (429 `too_many_waiters`), 32 console "
                 "streams (503 `too_many_viewers`).")
    lines.append("- The non-reader's RSS is the jobs it creates, not its sockets: each socket is dropped once "
                 "4 MiB are queued for it (log `ws.slow_consumer`; \"dropped by the server\" above), but every "
                 "number it got in before is a job kept for `--retention` with its 3300 factors, ~100 kB each "
                 "in memory, and the client's kernel buffers hand over thousands of numbers per socket. A rate "
                 "limit (`--rate-per-caller`, off here) bounds that; the socket bounds do not.")
    lines.append("- Console streams that do not read are closed 20 s after they opened (no pong to the ping "
                 "at 10 s); \"dropped by the server\" does not show it, because the server's FIN waits behind "
                 "the data the attacker never reads.")
    worst = [load(out, "c-" + n) for n, _ in C_ROWS]
    worst = [w["p99_ms"] for w in worst if w and w["ok"] > 0]
    if worst:
        lines.append(f"- The honest caller was served in every row it ran (success above); its p99 stayed at or "
                     f"under {max(worst):.0f} ms. Each p99 is about the second-slowest of 200 calls of a few ms, "
                     "so a burst (1000 WebSockets closed in the same second), the attacker's own CPU (one "
                     "Python process polling thousands of sockets on the same two cores) or other work on the "
                     "box moves it a lot, the alone row included; no target is set for this table.")
    lines.append("- The attacker runs on the same two cores; the floods of refused reconnects (long-polls, "
                 "viewers) cost CPU on both sides.")
    return "\n".join(lines) + "\n"


def section(a):
    out = a.out
    lines = ["## Abuse and authentication", ""]
    lines.append(f"Command: `{a.command}` · date {a.date} · {a.cpu}, {a.cores} cores · load average at "
                 f"start {a.loadavg}. `factord serve --workers {a.workers} --io-threads 1`, a fresh "
                 f"server and data dir per table; generator and server share the cores.")
    lines += ["", "### A. What authentication costs: mixed-max, one credential for all requests", ""]
    lines.append(f"`factord-load mixed-max --duration {a.seconds} --connections 64` (closed loop, 50/50 "
                 "POST/GET of 12–18 digit numbers), each against its own server with "
                 "`--rate-per-caller 0 --max-queued-per-caller 100000`; with auth on every request carries "
                 "`Authorization: Bearer` (`--bearer`).")
    lines.append("Each kind ran twice, the second pass in reverse order (off, key, HS256, RS256, then "
                 "RS256, HS256, key, off); req/s is the mean of the two, the ratio is to auth off's mean.")
    lines += ["", "| auth | req/s (pass 1, pass 2) | p50 ms | p99 ms | ratio to auth off | failures | lost / wrong |",
              "|---|---:|---:|---:|---:|---|---|"]
    rows = [("off", "off"), ("api-key", "on, API key"), ("jwt-hs256", "on, HS256 JWT"), ("jwt-rs256", "on, RS256 JWT")]

    def passes(name):
        return [s for s in (load(out, f"a-{name}-1"), load(out, f"a-{name}-2")) if s]

    def mean(xs):
        return sum(xs) / len(xs) if xs else None

    base_rate = mean([s["ok_per_s"] for s in passes("off")])
    ratios = {}
    for name, label in rows:
        ps = passes(name)
        if not ps:
            lines.append(f"| {label} | not measured | | | | | |")
            continue
        rate = mean([s["ok_per_s"] for s in ps])
        ratio = rate / base_rate if base_rate else None
        ratios[name] = ratio
        fails = {}
        for s in ps:
            for k, v in (s.get("failures") or {}).items():
                fails[k] = fails.get(k, 0) + v
        lost = sum(s.get("verify", {}).get("lost", 0) for s in ps)
        wrong = sum(s.get("verify", {}).get("wrong_factors", 0) for s in ps)
        each = ", ".join(f"{s['ok_per_s']:.0f}" for s in ps)
        lines.append(f"| {label} | {rate:.0f} ({each}) | {fmt(mean([s['p50_ms'] for s in ps]))} | "
                     f"{fmt(mean([s['p99_ms'] for s in ps]))} | {fmt(ratio, 3)} | "
                     f"{json.dumps(fails) if fails else '0'} | {lost} / {wrong} |")
    lines.append("")
    for name, label in [("api-key", "API key"), ("jwt-hs256", "HS256 JWT")]:
        r = ratios.get(name)
        if r is None:
            lines.append(f"- Target \"auth costs < 10 % of mixed-max throughput\" with {label}: not measured.")
        else:
            cost = (1 - r) * 100
            verdict = "met" if cost < 10 else "NOT met"
            lines.append(f"- Target \"auth costs < 10 % of mixed-max throughput\" with {label}: cost "
                         f"{cost:.1f} % → **{verdict}**.")
    r = ratios.get("jwt-rs256")
    if r is not None:
        lines.append(f"- RS256 (no target): cost {(1 - r) * 100:.1f} %; one token, so after its first "
                     "request it comes from the verified-token memory.")
    lines.append("- One run of a few seconds per row on a shared 2-core box: differences of a few "
                 "per cent are within run-to-run noise; read the ratio, not the absolute rate.")

    lines += ["", "### B. An honest caller under attack", ""]
    lines.append(f"The honest caller (`factord-load honest`): one caller from 127.0.0.1, a 2–5 digit "
                 f"number every {1000 / a.honest_rate:.0f} ms (open loop, {a.honest_rate}/s) for "
                 f"{a.seconds} s, `POST ?wait=2` then `GET ?wait=2` until done; latency is submit → done "
                 "from the due time (monotonic clock), success = done ÷ submitted. Server: "
                 "`--rate-per-caller 50 --burst-per-caller 100 --max-connections-per-ip 256`. Attackers: "
                 "`factord-load flood` (POSTs only, closed loop, 64 connections, as fast as answered; its "
                 "own process on the same 2 cores) or `hold_connections.py` (2000 sockets, each an "
                 "unfinished request, held).")
    lines += ["", "| auth | attack | honest p50 ms | honest p99 ms | success | p99 ÷ alone | "
              "target p99 < 2× | attacker saw |", "|---|---|---:|---:|---:|---:|---|---|"]
    brows = [
        ("off-alone", "off", "none"),
        ("off-flood", "off", "flood, one caller id, from 127.0.0.2"),
        ("off-invented", "off", "flood, 100000 invented caller ids, from 127.0.0.2"),
        ("off-same-ip", "off", "flood, 100000 invented ids, from the honest caller's address"),
        ("off-conns", "off", "2000 held connections from 127.0.0.3"),
        ("on-alone", "on (API keys)", "none"),
        ("on-flood", "on (API keys)", "flood with its own key (one caller, whatever ids it invents), same address"),
        ("on-conns", "on (API keys)", "2000 held connections from 127.0.0.3"),
        ("on-long", "on (API keys)", "28 numbers of 64 digits from its key hold every worker; time slices "
         "(`--time-slice 100ms`, the default)"),
        ("on-long-noslice", "on (API keys)", "the same with `--time-slice 0` (jobs keep their worker)"),
    ]
    verdicts = []
    for name, auth, attack in brows:
        s = load(out, "b-" + name)
        if not s:
            lines.append(f"| {auth} | {attack} | not measured | | | | | |")
            continue
        alone = load(out, "b-" + name.split("-")[0] + "-alone")
        is_alone = name.endswith("-alone")
        ratio = None
        if not is_alone and alone and alone["p99_ms"] > 0 and s["ok"] > 0:
            ratio = s["p99_ms"] / alone["p99_ms"]
        long_jobs = "-long" in name
        if is_alone:
            target = "—"
        elif long_jobs:  # the trust issue's own target for this attack: a small job within 1 s
            target = ("p99 < 1 s: met" if s["ok"] > 0 and s["p99_ms"] < 1000 and s["success_rate"] == 1
                      else "p99 < 1 s: **NOT met**")
        elif s["ok"] == 0:
            target = "**NOT met** (no job finished)"
        else:
            target = "met" if ratio < 2 else "**NOT met**"
        if not is_alone and not long_jobs:
            verdicts.append((auth, attack, ratio, ratio is not None and ratio < 2, s["success_rate"]))
        refused = {k: v for k, v in (s.get("outcomes") or {}).items() if k not in ("200", "202")}
        success = f"{100 * s['success_rate']:.1f} %" + (
            " (" + ", ".join(f"{k}: {v}" for k, v in sorted(refused.items())) + ")" if refused else "")
        att = load(out, "b-" + name + "-attacker")
        if att is None:
            saw = "—"
        elif "long_jobs" in att:
            saw = f"{att['long_jobs']} jobs of {att['digits']} digits queued, {att['running']} running"
        elif "held_to_end" in att:
            saw = (f"{att['held_to_end']} held, {att['refused_503']} refused 503, "
                   f"{att['closed_by_server']} closed, {att['connect_failed']} failed to connect")
        else:
            saw = f"{att['sent']} POSTs in {att['seconds']:.0f} s; {statuses(att)}"
        p50, p99 = (s["p50_ms"], s["p99_ms"]) if s["ok"] > 0 else (None, None)
        lines.append(f"| {auth} | {attack} | {fmt(p50)} | {fmt(p99)} | {success} | {fmt(ratio)} | "
                     f"{target} | {saw} |")
    lines.append("")
    if verdicts:
        met = [v for v in verdicts if v[3]]
        lines.append(f"- Target \"honest p99 < 2× its no-attack figure\": met in {len(met)} of {len(verdicts)} "
                     "attack rows.")
        for auth, attack, ratio, ok, succ in verdicts:
            if not ok:
                how = "no honest job finished" if ratio is None else f"p99 {ratio:.2f}× alone"
                lines.append(f"  - not met: auth {auth}, {attack}: {how}, success {100 * succ:.1f} %.")
    sliced, unsliced = load(out, "b-on-long"), load(out, "b-on-long-noslice")
    if sliced and unsliced and sliced["ok"] > 0 and unsliced["ok"] > 0:
        lines.append(f"- Long jobs (not in the 2× count: their target is the issue's \"small job within 1 s\"): "
                     f"with time slices the honest p99 is {sliced['p99_ms']:.0f} ms, without "
                     f"{unsliced['p99_ms'] / 1000:.1f} s ({unsliced['p99_ms'] / sliced['p99_ms']:.0f}× lower). A "
                     "small job waits for the end of a long job's current slice (up to `--time-slice`, "
                     "100 ms, plus a 25 ms tick and the engine's next poll point), so its floor is about "
                     "the slice, not the no-attack figure.")
    lines.append("- The flood generator runs on the same two cores as factord and the honest client, so "
                 "a flood row also measures CPU contention from the attacker's own process, not only "
                 "what factord lets it do. With auth off the rate bucket is per address: an attacker on "
                 "the honest caller's address shares its bucket (the \"same address\" row).")
    lines.append(f"- Honest p99 comes from {a.honest_rate * a.seconds:.0f} submissions per row: about the "
                 "second-slowest; one run, so treat a ratio near 2 as undecided.")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    for k in ("out", "command", "date", "cpu", "cores", "loadavg", "workers"):
        ap.add_argument("--" + k, required=True)
    ap.add_argument("--seconds", type=float, required=True)
    ap.add_argument("--honest-rate", type=float, required=True)
    ap.add_argument("--write")
    ap.add_argument("--part", choices=["ab", "c", "all"], default="all")
    a = ap.parse_args()
    a.seconds = int(a.seconds) if a.seconds == int(a.seconds) else a.seconds
    a.honest_rate = int(a.honest_rate) if a.honest_rate == int(a.honest_rate) else a.honest_rate
    whole = re.compile(r"## Abuse and authentication\n.*?(?=\n## |\Z)", re.S)
    sub_c = re.compile(r"### C\. .*?(?=\n## |\n### |\Z)", re.S)
    doc = ""
    if a.write:
        with open(a.write) as f:
            doc = f.read()
    old = whole.search(doc)
    old_c = sub_c.search(old.group(0)) if old else None
    if a.part == "c":
        c = section_c(a)
        if old:
            body = old.group(0)
            body = sub_c.sub(lambda m: c.rstrip("\n"), body) if old_c else body.rstrip("\n") + "\n\n" + c
            text = body
        else:
            text = "## Abuse and authentication\n\n" + c
    else:
        text = section(a)
        c = section_c(a) if a.part == "all" else (old_c.group(0) if old_c else "")
        if c:
            text = text.rstrip("\n") + "\n\n" + c.rstrip("\n") + "\n"
    print(text)
    if a.write:
        doc = whole.sub(lambda m: text.rstrip("\n") + "\n", doc) if old else doc.rstrip("\n") + "\n\n" + text
        with open(a.write, "w") as f:
            f.write(doc)


if __name__ == "__main__":
    main()
