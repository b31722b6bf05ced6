// Perfect powers: rho, ECM and the sieve all fail on n = r^k, so the driver peels them first.
#pragma once

#include <gmpxx.h>

namespace factord::factor {

// Writes the smallest `root` with n = root^k and returns k >= 2; returns 1 (and root = n)
// when n is not a perfect power. n >= 2.
unsigned perfect_power(const mpz_class& n, mpz_class& root);

} // namespace factord::factor
