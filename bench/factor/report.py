"""Renders the factor benchmark as Markdown and keeps it in bench/RESULTS.md.

Only the "## Factor engine" section is rewritten; other sections (load tests
and so on, written by other benches) are kept as they are.
"""

import datetime
import os
import re
import subprocess
from pathlib import Path

SECTION_TITLE = "## Factor engine"
PACKAGES = ("pari-gp", "libflint-dev", "gmp-ecm", "coreutils", "libgmp10")
CELL_TEXT = {"timeout": "timeout", "wrong": "WRONG", "skipped": "skipped", "n/a": "n/a"}


def format_seconds(seconds):
    return f"{seconds:.3g}"


def cell(outcome, count):
    if outcome.status == "ok":
        return format_seconds(outcome.seconds / count)
    return CELL_TEXT[outcome.status]


def ratio_cell(row):
    """PARI time / factord time; >1 means factord is faster."""
    factord, pari = row.get("factord"), row.get("pari")
    if not factord or not pari or factord.status != "ok" or pari.status != "ok":
        return "–"
    return f"{pari.seconds / factord.seconds:.3g}"


def table(tools, results, counts):
    """results: suite -> tool key -> Outcome."""
    with_ratio = {"factord", "pari"} <= {t.key for t in tools}
    header = ["suite", "count", *(t.title for t in tools)] + (["PARI/factord"] if with_ratio else [])
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join(["---"] + ["--:"] * (len(header) - 1)) + "|"]
    for suite, row in results.items():
        cells = [suite, str(counts[suite]), *(cell(row[t.key], counts[suite]) for t in tools)]
        if with_ratio:
            cells.append(ratio_cell(row))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def notes(tools, results):
    """One line per distinct (tool, status, note), naming the suites it applies to."""
    titles = {t.key: t.title for t in tools}
    grouped = {}
    for suite, row in results.items():
        for key, outcome in row.items():
            if outcome.note:
                grouped.setdefault((key, outcome.status, outcome.note), []).append(suite)
    return [f"- {titles[key]} on {', '.join(suites)}: {CELL_TEXT.get(status, status)}: {note}"
            for (key, status, note), suites in grouped.items()]


def cpu_model():
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return "unknown"
    match = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else "unknown"


def package_versions():
    versions = []
    for package in PACKAGES:
        query = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package],
                               capture_output=True, text=True)
        versions.append(f"{package} {query.stdout or 'not installed'}")
    return ", ".join(versions)


def factord_description(path):
    if path is None:
        return "not run"
    if not path.exists():
        return f"{path} (missing)"
    built = datetime.datetime.fromtimestamp(path.stat().st_mtime, datetime.timezone.utc)
    commit = subprocess.run(["git", "-C", str(Path(__file__).parent), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip() or "no commit"
    return f"{path} (built {built:%Y-%m-%d %H:%M} UTC, tree at {commit})"


def section(command, tools, results, counts, factord_path, loads):
    """loads: 1-minute load average before and after the run, to judge noise."""
    now = datetime.datetime.now(datetime.timezone.utc)
    body = [
        SECTION_TITLE,
        "",
        f"Command: `{command}`  ",
        f"Date: {now:%Y-%m-%d %H:%M} UTC  ",
        f"Machine: nproc {os.cpu_count()}, CPU {cpu_model()},"
        f" load average {loads[0]:.2f} before / {loads[1]:.2f} after  ",
        f"factord: {factord_description(factord_path)}  ",
        f"Packages: {package_versions()}",
        "",
        "Mean wall-clock seconds per number: one process per tool and suite, fed the",
        "whole suite on stdin, process start included. Every answer is verified",
        "(product == N, every factor prime); WRONG means at least one answer was not.",
        "PARI/factord > 1 means factord is faster. See bench/factor/README.md.",
        "",
        table(tools, results, counts),
    ]
    extra = notes(tools, results)
    if extra:
        body += ["", "Notes:", "", *extra]
    return "\n".join(body) + "\n"


def write_section(path, text):
    """Replaces the Factor engine section of `path` (or appends it), keeping the rest."""
    old = path.read_text() if path.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"^{re.escape(SECTION_TITLE)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(old):
        new = pattern.sub(lambda _: text + "\n", old, count=1)
    else:
        new = old.rstrip("\n") + "\n\n" + text
    path.write_text(new.rstrip("\n") + "\n")
