// Primality of multi-precision numbers: Baillie–PSW (strong base-2 Fermat + strong Lucas,
// Selfridge's method A). No BPSW pseudoprime is known at any size, and none exists below
// 2^64, where we defer to the deterministic 64-bit test.
#pragma once

#include <gmpxx.h>

namespace factord::factor {

bool is_probable_prime(const mpz_class& n);

// The two halves, exposed for tests against known pseudoprimes. n odd, n > 2.
bool strong_fermat_base2(const mpz_class& n);
bool strong_lucas_selfridge(const mpz_class& n);

} // namespace factord::factor
