// Fermat's method with small multipliers (Lehman's idea): finds n = p*q at once when
// q/p is close to a ratio of small integers, e.g. p ~ 10^20, q ~ 10^21. Costs about one
// square root per multiplier, so the driver runs it briefly before the heavy methods.
#pragma once

#include "factor/stop.hpp"

#include <gmpxx.h>

namespace factord::factor {

// Tries multipliers k = 1..max_multiplier, a few Fermat steps each, on 4kn.
// Returns a nontrivial factor of n, or 0.
mpz_class fermat_multipliers(const mpz_class& n, unsigned max_multiplier, stop_token& stop);

} // namespace factord::factor
