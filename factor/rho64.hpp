// Pollard–Brent rho on 64-bit numbers, in Montgomery arithmetic.
#pragma once

#include "factor/stop.hpp"

#include <cstdint>

namespace factord::factor {

// Iterates x -> x^2 + c mod n at most `max_iterations` times and returns a nontrivial
// factor of n, or 0 when none was found (then retry with another c) or `stop` fired.
// n should be composite and not a perfect power; even n yields 2.
std::uint64_t rho_brent_u64(std::uint64_t n, std::uint64_t c, std::uint64_t max_iterations, stop_token& stop);

} // namespace factord::factor
