"""Checks a tool's `N: p1 p2 ...` answers against the numbers it was given.

A timing only counts when every answer is right: one line per input number,
factors ascending, their product equal to N, each factor prime. The first
problem found is returned as text for the notes under the table.
"""

from collections import Counter
from math import prod

from primality import is_probable_prime

_prime_cache = {}


def is_prime_cached(n):
    """Every tool prints the same primes; test each only once per run."""
    if n not in _prime_cache:
        _prime_cache[n] = is_probable_prime(n)
    return _prime_cache[n]


def parse_line(line):
    """'N: p1 p2' -> (N, [p1, p2]); raises ValueError on anything else."""
    head, sep, tail = line.partition(":")
    if not sep:
        raise ValueError("no ':'")
    return int(head), [int(word) for word in tail.split()]


def parse_answers(text):
    """All well-formed lines of an output; used to count progress before a timeout."""
    answers = []
    for line in text.splitlines():
        try:
            answers.append(parse_line(line))
        except ValueError:
            pass
    return answers


def check_factorization(n, factors):
    if factors != sorted(factors):
        return f"{n}: factors not ascending"
    if prod(factors) != n:
        return f"{n}: product of factors {' * '.join(map(str, factors))} != {n}"
    composite = next((p for p in factors if not is_prime_cached(p)), None)
    if composite is not None:
        return f"{n}: factor {composite} is not prime"
    return None


def check_output(numbers, text, in_order):
    """None if `text` correctly factors every number, else what is wrong.

    in_order: the tool promises answers in input order (factord does; coreutils
    9.1 prints numbers above 2^128 out of order, which the others may do too).
    """
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) != len(numbers):
        return f"{len(lines)} answer lines for {len(numbers)} numbers"
    answered = []
    for index, line in enumerate(lines):
        try:
            n, factors = parse_line(line)
        except ValueError:
            return f"line {index + 1} is not 'N: p1 p2 ...': {line[:80]!r}"
        if in_order and n != numbers[index]:
            return f"line {index + 1} answers {n}, expected {numbers[index]} (out of order?)"
        problem = check_factorization(n, factors)
        if problem:
            return f"line {index + 1}: {problem}"
        answered.append(n)
    if not in_order and Counter(answered) != Counter(numbers):
        missing = next(iter(Counter(numbers) - Counter(answered)), None)
        return f"answers do not match the input numbers (e.g. {missing} unanswered)"
    return None
