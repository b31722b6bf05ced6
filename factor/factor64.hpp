// Complete factorization of 64-bit numbers: the engine's fast path.
//
// Trial division by the small primes, then a recursive split of what is left: BPSW
// primality, perfect squares and cubes, and a splitter chosen by size (see factor64.cpp).
#pragma once

#include "factor/stop.hpp"

#include <cstdint>
#include <vector>

namespace factord::factor {

// Appends every prime factor of n with multiplicity (in no particular order) to `primes`
// and returns the part of n left unfactored: 1 when done, > 1 only when `stop` fired
// (then the returned cofactor times the appended primes is n). n = 0 returns 0.
std::uint64_t factor_u64(std::uint64_t n, stop_token& stop, std::vector<std::uint64_t>& primes);

} // namespace factord::factor
