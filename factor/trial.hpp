// Trial division of a multi-precision number by the primes below 2^16.
#pragma once

#include <cstdint>
#include <gmpxx.h>
#include <vector>

namespace factord::factor {

// Divides every prime p <= bound (bound <= 65535) out of n, appending each to `primes`
// with multiplicity, in ascending order.
void trial_divide(mpz_class& n, std::uint32_t bound, std::vector<mpz_class>& primes);

} // namespace factord::factor
