// Lenstra's elliptic curve method on 64-bit numbers, in Montgomery arithmetic.
//
// Rho needs ~sqrt(p) steps, so on a balanced 64-bit semiprime (p ~ 2^32) it runs ~10^5
// iterations. ECM with small bounds finds the same p in a handful of short curves,
// several times faster; this is what makes the 64-bit path beat general-purpose tools.
#pragma once

#include "factor/stop.hpp"

#include <cstdint>
#include <vector>

namespace factord::factor {

// Tries up to `max_curves` curves (Montgomery form, Suyama parametrization, stage 1 to
// B1 and a baby-step giant-step stage 2 to ~25*B1, B1 picked from n's size) and returns
// a nontrivial factor of n, or 0 when none was found or `stop` fired. n odd composite,
// not a perfect power, with no prime factor below ~100 (trial division does that).
std::uint64_t ecm_u64(std::uint64_t n, std::uint32_t max_curves, stop_token& stop);

// Stage 1's scalar: the product of all prime powers p^k <= b1, least significant 64-bit
// word first (shared with the fixed-width ECM in ecm_wide.cpp).
std::vector<std::uint64_t> ecm_stage1_scalar(std::uint32_t b1);

} // namespace factord::factor
