"""The factoring tools the benchmark compares, each driven through one process per suite.

Every tool gets the whole suite on stdin and must print `N: p1 p2 ...` lines
(GNU coreutils factor format). Wall time covers process start to exit, so it
includes start-up (gp's is ~0.1 s) -- the same cost a user of the CLI pays.
"""

import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from math import prod
from pathlib import Path

from verify import check_output, is_prime_cached, parse_answers

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
OUT_DIR = REPO / "bench" / "out"


@dataclass
class Outcome:
    status: str  # ok | timeout | wrong | skipped | n/a
    seconds: float = 0.0
    note: str = ""


@dataclass
class Run:
    seconds: float
    stdout: str
    returncode: int  # None when killed by the timeout


def timed_run(argv, stdin_text, timeout):
    """Runs argv once, wall-clock timed; on timeout kills its whole process group."""
    start = time.monotonic()
    process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, cwd=REPO,
                               start_new_session=True)
    try:
        stdout, _ = process.communicate(stdin_text, timeout=timeout)
        return Run(time.monotonic() - start, stdout, process.returncode)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, _ = process.communicate()
        return Run(time.monotonic() - start, stdout or "", None)


def warm_up(argv):
    """One untimed run with empty input, so the timed run finds the binary and its
    shared libraries in the page cache. This machine reclaims page cache that has sat
    unused for a minute or two; without this, whichever tool ran first after a long
    suite paid for disk reads (factord on `mixed` after GMP-ECM's d70 timeout: 0.07 s
    instead of 0.04 s)."""
    subprocess.run(argv, input="", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   text=True, cwd=REPO, timeout=60)


def ensure_packages(packages):
    """apt-get installs what is missing, quietly; None on success, else the reason."""
    missing = [p for p in packages if subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", p], capture_output=True,
        text=True).stdout != "install ok installed"]
    if not missing:
        return None
    install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for attempt in range(2):
        if attempt:  # stale package lists are the usual cause of a failed install
            subprocess.run(["apt-get", "update", "-qq"], capture_output=True, env=env)
        done = subprocess.run(install, capture_output=True, text=True, env=env)
        if done.returncode == 0:
            return None
    return (f"apt-get install {' '.join(missing)} failed: {done.stderr.strip()[-200:]}"
            " Hint: install it by hand (needs root) or leave the tool out with --tools.")


class PipeTool:
    """A tool that reads the suite on stdin and prints one answer line per number."""

    key = title = ""
    packages = ()
    in_order = False
    suites = None  # None: every suite

    def prepare(self):
        """None when ready, else why the tool cannot run (shown as n/a)."""
        return ensure_packages(self.packages)

    def command(self, suite):
        raise NotImplementedError

    def run(self, suite, numbers, timeout):
        warm_up(self.command(suite))
        run = timed_run(self.command(suite), "".join(f"{n}\n" for n in numbers), timeout)
        if run.returncode is None:
            done = len(parse_answers(run.stdout))
            return Outcome("timeout", run.seconds,
                           f"stopped after {timeout:g} s, {done}/{len(numbers)} answers out")
        problem = check_output(numbers, run.stdout, self.in_order)
        if problem:
            return Outcome("wrong", run.seconds, f"{problem} (exit status {run.returncode})")
        return Outcome("ok", run.seconds)


class Factord(PipeTool):
    key, title, in_order = "factord", "factord", True

    def __init__(self, path):
        self.path = path

    def prepare(self):
        if not (self.path.is_file() and os.access(self.path, os.X_OK)):
            return (f"{self.path} not found. Hint: build it with scripts/build, or set"
                    " FACTORD=/usr/bin/factor to test the harness")
        return None

    def command(self, suite):
        # coreutils factor stands in for factord while it is being written;
        # it takes the numbers directly, without the `factor` subcommand.
        if self.path.name == "factor":
            return [str(self.path)]
        return [str(self.path), "factor"]


class Pari(PipeTool):
    key, title, packages = "pari", "PARI/GP", ("pari-gp",)

    def command(self, suite):
        # parisizemax lets the stack grow for 60-70 digit MPQS without a
        # "stack overflow"; gp only commits what it uses.
        return ["gp", "-q", "-f", "-D", "parisizemax=1G", str(HERE / "pari_factor.gp")]


class Flint(PipeTool):
    key, title, packages = "flint", "FLINT", ("libflint-dev", "libgmp-dev")
    binary = OUT_DIR / "flint_factor"

    def prepare(self):
        problem = super().prepare()
        if problem:
            return problem
        source = HERE / "flint_factor.c"
        if self.binary.exists() and self.binary.stat().st_mtime >= source.stat().st_mtime:
            return None
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        cc = subprocess.run(["cc", "-O2", "-o", str(self.binary), str(source),
                             "-lflint", "-lgmp"], capture_output=True, text=True)
        return None if cc.returncode == 0 else f"compiling {source.name} failed: {cc.stderr[-300:]}"

    def command(self, suite):
        return [str(self.binary)]


class Coreutils(PipeTool):
    # Pollard rho only: fine to 96 bits, minutes per number at 128; the
    # timeout and the skip-after-timeout rule keep it from eating the run.
    key, title, packages = "coreutils", "coreutils", ("coreutils",)

    def command(self, suite):
        return ["factor"]


class Ecm:
    """GMP-ECM finds factors, not factorizations: drive it in rounds.

    Round 1 runs `ecm -q` on the suite; each output line lists the factors found
    and the cofactor. Pieces still composite (checked here, untimed) go to the
    next round with a 4x smaller B1 -- a piece is left whole when both its
    primes' group orders are B1-smooth, and a smaller B1 separates them.
    Only the semiprime suites: a smooth number keeps coming back whole.
    """

    key, title, packages = "ecm", "GMP-ECM", ("gmp-ecm",)
    b1_by_suite = {"s64": 600, "s96": 5000, "s128": 11000, "d40": 11000,
                   "d50": 50000, "d60": 250000, "d70": 1000000}
    suites = tuple(b1_by_suite)
    max_rounds = 6
    curves = 1_000_000  # "until found"; the timeout is the real bound

    def prepare(self):
        return ensure_packages(self.packages)

    def run(self, suite, numbers, timeout):
        b1 = self.b1_by_suite[suite]
        warm_up(["ecm", "-q", "-c", "1", str(b1)])
        pieces = {n: [n] for n in numbers}  # number -> its current factor pieces
        seconds = 0.0
        for _ in range(self.max_rounds):
            todo = sorted({p for parts in pieces.values() for p in parts if not is_prime_cached(p)})
            if not todo:
                break
            run = timed_run(["ecm", "-q", "-c", str(self.curves), str(b1)],
                            "".join(f"{n}\n" for n in todo), timeout - seconds)
            seconds += run.seconds
            if run.returncode is None:
                return Outcome("timeout", seconds, f"stopped after {timeout:g} s (B1={b1})")
            lines = run.stdout.splitlines()
            if len(lines) != len(todo):
                return Outcome("wrong", seconds, f"{len(lines)} ecm lines for {len(todo)} inputs")
            split = {}
            for piece, line in zip(todo, lines):
                parts = [int(word) for word in line.split()]
                if not parts or prod(parts) != piece:
                    return Outcome("wrong", seconds, f"ecm line {line!r} does not multiply to {piece}")
                split[piece] = parts
            pieces = {n: [q for p in parts for q in split.get(p, [p])] for n, parts in pieces.items()}
            b1 = max(b1 // 4, 50)
        text = "".join(f"{n}: {' '.join(map(str, sorted(pieces[n])))}\n" for n in numbers)
        problem = check_output(numbers, text, in_order=True)
        if problem:
            return Outcome("wrong", seconds, f"{problem} after {self.max_rounds} rounds")
        return Outcome("ok", seconds)


def resolve_factord(override):
    """--factord, else $FACTORD, else build/factord; a bare name is looked up on PATH."""
    text = override or os.environ.get("FACTORD") or str(REPO / "build" / "factord")
    if "/" not in text:
        text = shutil.which(text) or text
    return Path(os.path.abspath(text))  # the tools run with the repository as cwd


def make_tools(keys, factord_override):
    factories = {"factord": lambda: Factord(resolve_factord(factord_override)),
                 "pari": Pari, "flint": Flint, "coreutils": Coreutils, "ecm": Ecm}
    unknown = [k for k in keys if k not in factories]
    if unknown:
        raise SystemExit(f"unknown tool(s) {', '.join(unknown)}; choose from {', '.join(factories)}")
    return [factories[k]() for k in keys]
