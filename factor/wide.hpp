// Rho and ECM on 65-256 bit numbers in fixed-width Montgomery arithmetic (mont_wide.hpp).
//
// They peel the 6-12 digit factors random numbers have before the sieve gets a 20-45
// digit cofactor: the sieve needs 1-30 ms there whatever the factor sizes; at 40 digits
// rho finds a 7-digit factor in ~0.08 ms and ECM a 10-digit one in ~1.5 ms (expected). Both take n odd
// composite with at most 4 words and no prime factor below 2^16, and return a nontrivial factor or 0 (none
// found, or `stop` fired).
#pragma once

#include "factor/stop.hpp"

#include <cstdint>
#include <gmpxx.h>

namespace factord::factor {

constexpr unsigned wide_max_bits = 256;

// Pollard–Brent rho, x -> x^2 + 1 (kept in Montgomery form), at most `max_iterations`
// steps.
mpz_class rho_wide(const mpz_class& n, std::uint64_t max_iterations, stop_token& stop);

// Up to `curves` ECM curves with stage-1 bound b1 and a baby-step giant-step stage 2 to
// 50*b1 (Suyama's parametrisation from `sigma`, which is advanced so later calls try new
// curves).
mpz_class ecm_wide(const mpz_class& n, std::uint32_t b1, std::uint32_t curves, std::uint64_t& sigma,
                   stop_token& stop);

} // namespace factord::factor
