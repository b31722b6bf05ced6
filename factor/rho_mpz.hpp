// Pollard–Brent rho on multi-precision numbers: cheap way to peel factors of up to ~12
// digits off big numbers before ECM or the sieve.
#pragma once

#include "factor/stop.hpp"

#include <cstdint>
#include <gmpxx.h>

namespace factord::factor {

// Iterates x -> x^2 + c mod n at most `max_iterations` times, one gcd per batch of
// products. Returns a nontrivial factor of n, or 0 (none found, or stopped).
mpz_class rho_brent(const mpz_class& n, std::uint64_t max_iterations, unsigned long c, stop_token& stop);

} // namespace factord::factor
