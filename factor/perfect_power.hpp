// Perfect powers: rho, ECM and the sieve all fail on n = r^k, so the driver peels them first.
#pragma once

#include "factor/stop.hpp"

#include <gmpxx.h>

namespace factord::factor {

// Writes the smallest `root` with n = root^k and returns k >= 2; returns 1 (and root = n)
// when n is not a perfect power. n >= 2.
// mpz_perfect_power_p answers in one call (~20 ms at 100,000 digits); the root search
// after a yes polls `stop` and gives up with 1 (root = n) when it fires.
unsigned perfect_power(const mpz_class& n, mpz_class& root, stop_token& stop);
unsigned perfect_power(const mpz_class& n, mpz_class& root); // never stops

} // namespace factord::factor
