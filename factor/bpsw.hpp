// Primality of multi-precision numbers: Baillie–PSW (strong base-2 Fermat + strong Lucas,
// Selfridge's method A). No BPSW pseudoprime is known at any size, and none exists below
// 2^64, where we defer to the deterministic 64-bit test.
#pragma once

#include "factor/stop.hpp"

#include <gmpxx.h>

namespace factord::factor {

// Polls `stop` every few milliseconds of work at most (beyond 1233 digits one test is
// minutes of squarings); when it fires the answer is false and stop.reason() says why,
// so a caller that stops on `stop` must check it before taking false for "composite".
bool is_probable_prime(const mpz_class& n, stop_token& stop);
bool is_probable_prime(const mpz_class& n); // never stops

// The two halves, exposed for tests against known pseudoprimes. n odd, n > 2.
bool strong_fermat_base2(const mpz_class& n, stop_token& stop);
bool strong_lucas_selfridge(const mpz_class& n, stop_token& stop);
bool strong_fermat_base2(const mpz_class& n);
bool strong_lucas_selfridge(const mpz_class& n);

} // namespace factord::factor
