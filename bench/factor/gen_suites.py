#!/usr/bin/env python3
"""Regenerate the factor benchmark suites in bench/factor/suites/.

Deterministic: every suite draws from its own random.Random seeded with a fixed
string, so running this again rewrites byte-identical files. Changing a count or
a recipe changes the benchmark; bump SEED_VERSION then, so old and new numbers
in bench/RESULTS.md are never compared by mistake.

    python3 bench/factor/gen_suites.py            # writes bench/factor/suites/*.txt
"""

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from primality import is_probable_prime  # noqa: E402

SEED_VERSION = "v1"
SUITES_DIR = Path(__file__).resolve().parent / "suites"

# name -> (count, recipe); recipes are defined below.
SUITE_PLAN = {
    "s64": (1000, ("bits", 64)),
    "s96": (200, ("bits", 96)),
    "s128": (100, ("bits", 128)),
    "d40": (40, ("digits", 40)),
    "d50": (10, ("digits", 50)),
    "d60": (3, ("digits", 60)),
    "d70": (1, ("digits", 70)),
    "mixed": (100, ("mixed", None)),
}


def random_prime(rng, low, high):
    """A uniformly drawn probable prime in [low, high)."""
    while True:
        candidate = rng.randrange(low, high) | 1
        if low <= candidate < high and is_probable_prime(candidate):
            return candidate


def balanced_semiprime(rng, half_low, half_high, accept):
    """p * q with p != q both in [half_low, half_high), redrawn until accept(product)."""
    while True:
        p = random_prime(rng, half_low, half_high)
        q = random_prime(rng, half_low, half_high)
        if p != q and accept(p * q):
            return p * q


def bits_semiprime(rng, bits):
    half = bits // 2
    return balanced_semiprime(rng, 1 << (half - 1), 1 << half,
                              lambda n: n.bit_length() == bits)


def digits_semiprime(rng, digits):
    half = digits // 2
    return balanced_semiprime(rng, 10 ** (half - 1), 10 ** half,
                              lambda n: len(str(n)) == digits)


def random_digits(rng, digits):
    return rng.randrange(10 ** (digits - 1), 10 ** digits)


def prime_power(rng):
    """p^k of 10-45 digits: tiny base with a big exponent up to a 22-digit square."""
    while True:
        base_digits = rng.choice((1, 2, 3, 5, 8, 11, 15, 22))
        prime = random_prime(rng, max(2, 10 ** (base_digits - 1)), 10 ** base_digits)
        n = prime ** rng.randint(2, 150)
        if 10 <= len(str(n)) <= 45:
            return n


def many_small_factors(rng):
    """A product of 6-20 primes below 10^4, sometimes times a 10-20 digit prime cofactor."""
    while True:
        n = 1
        for _ in range(rng.randint(6, 20)):
            n *= random_prime(rng, 2, 10_000)
        if rng.random() < 0.5:
            digits = rng.randint(10, 20)
            n *= random_prime(rng, 10 ** (digits - 1), 10 ** digits)
        if 10 <= len(str(n)) <= 45:
            return n


def mixed(rng, count):
    """55% random 10-45 digit numbers, 15% prime powers, 20% smooth-ish, 10% primes."""
    kinds = (["random"] * 55 + ["power"] * 15 + ["smooth"] * 20 + ["prime"] * 10)
    numbers = []
    for i in range(count):
        kind = kinds[i * len(kinds) // count]
        if kind == "random":
            numbers.append(random_digits(rng, rng.randint(10, 45)))
        elif kind == "power":
            numbers.append(prime_power(rng))
        elif kind == "smooth":
            numbers.append(many_small_factors(rng))
        else:
            digits = rng.randint(10, 45)
            numbers.append(random_prime(rng, 10 ** (digits - 1), 10 ** digits))
    rng.shuffle(numbers)  # so a timeout cut does not hit one kind only
    return numbers


def generate(name):
    count, (recipe, size) = SUITE_PLAN[name]
    rng = random.Random(f"factord-bench-{name}-{SEED_VERSION}")
    if recipe == "mixed":
        return mixed(rng, count)
    make = bits_semiprime if recipe == "bits" else digits_semiprime
    return [make(rng, size) for _ in range(count)]


def main():
    SUITES_DIR.mkdir(exist_ok=True)
    for name in SUITE_PLAN:
        numbers = generate(name)
        path = SUITES_DIR / f"{name}.txt"
        path.write_text("".join(f"{n}\n" for n in numbers))
        print(f"{path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}:"
              f" {len(numbers)} numbers")


if __name__ == "__main__":
    main()
