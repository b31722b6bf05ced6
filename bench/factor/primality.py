"""Baillie-PSW probable-prime test (standard library only).

Used twice: by gen_suites.py to pick the primes of the suites, and by the runner
to check that every factor a tool prints is prime. Miller-Rabin to the first 12
prime bases is already a proof below 3.3e24; the strong Lucas test on top makes
this BPSW, for which no composite counterexample is known at any size.
"""

from math import isqrt

_SMALL_PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)


def _strong_probable_prime(n, base):
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    x = pow(base, d, n)
    if x in (1, n - 1):
        return True
    for _ in range(s - 1):
        x = x * x % n
        if x == n - 1:
            return True
    return False


def _jacobi(a, n):
    a %= n
    result = 1
    while a:
        while a % 2 == 0:
            a //= 2
            if n % 8 in (3, 5):
                result = -result
        a, n = n, a
        if a % 4 == 3 and n % 4 == 3:
            result = -result
        a %= n
    return result if n == 1 else 0


def _strong_lucas_probable_prime(n):
    """Strong Lucas test with Selfridge's parameters (D = 5, -7, 9, ...)."""
    root = isqrt(n)
    if root * root == n:
        return False  # no suitable D exists for squares
    d = 5
    while _jacobi(d, n) != -1:
        d = -d - 2 if d > 0 else -d + 2
    p, q = 1, (1 - d) // 4
    k, s = n + 1, 0
    while k % 2 == 0:
        k //= 2
        s += 1

    def halve(x):  # x / 2 mod n, n odd
        return (x + n) // 2 % n if x % 2 else x // 2 % n

    u, v, qk = 1, p, q % n  # U_1, V_1, Q^1
    for bit in bin(k)[3:]:
        u, v = u * v % n, (v * v - 2 * qk) % n
        qk = qk * qk % n
        if bit == "1":
            u, v = halve(p * u + v), halve(d * u + p * v)
            qk = qk * q % n
    if u == 0 or v == 0:
        return True
    for _ in range(s - 1):
        v = (v * v - 2 * qk) % n
        qk = qk * qk % n
        if v == 0:
            return True
    return False


def is_probable_prime(n):
    if n < 2:
        return False
    for p in _SMALL_PRIMES:
        if n % p == 0:
            return n == p
    if not all(_strong_probable_prime(n, base) for base in _SMALL_PRIMES):
        return False
    return n < 3_317_044_064_679_887_385_961_981 or _strong_lucas_probable_prime(n)
