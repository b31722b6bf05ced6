// Deterministic primality for 64-bit numbers.
//
// Baillie–PSW (strong base-2 Miller–Rabin + strong Lucas, Selfridge's method A) has no
// pseudoprime below 2^64: Feitsma and Gilchrist enumerated every base-2 strong
// pseudoprime up to 2^64 and each fails the Lucas test. So the answer is exact.
#pragma once

#include <cstdint>

namespace factord::factor {

bool is_prime_u64(std::uint64_t n);

// The two halves, exposed for tests against known pseudoprimes. n odd, n > 2.
bool strong_fermat_base2_u64(std::uint64_t n);
bool strong_lucas_selfridge_u64(std::uint64_t n);

} // namespace factord::factor
