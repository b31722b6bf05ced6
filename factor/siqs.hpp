// Self-initialising quadratic sieve (SIQS): the general-purpose splitter for numbers of
// ~18 to ~100 digits that ECM did not crack.
//
// Stages, one file pair each: siqs_params (tuning table), siqs_factor_base (multiplier,
// primes, roots), siqs_poly (A and Gray-code B), siqs_sieve (block sieve + trial
// division, the latter in siqs_trial.cpp; siqs_buckets for the larger primes),
// siqs_relations (full relations and partials with one or two large primes; siqs_cycles
// combines the partials), siqs_linalg (GF(2) elimination), siqs_sqrt (square root and
// gcd).
#pragma once

#include "factor/stop.hpp"

#include <gmpxx.h>

namespace factord::factor {

// n: odd composite, not a perfect power, no prime factor below 2^16, at least ~18 digits.
// Returns a nontrivial factor 1 < f < n, or 0 if `stop` fired first.
mpz_class siqs_find_factor(const mpz_class& n, stop_token& stop);

} // namespace factord::factor
