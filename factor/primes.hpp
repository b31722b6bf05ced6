// Tables of small primes, shared by trial division, the 64-bit path and the sieve.
#pragma once

#include <cstdint>
#include <vector>

namespace factord::factor {

// All primes p <= limit, ascending (sieve of Eratosthenes; limit up to ~2^32).
std::vector<std::uint32_t> primes_up_to(std::uint32_t limit);

// The primes below 2^16, computed once (thread-safe).
const std::vector<std::uint32_t>& small_primes();

} // namespace factord::factor
