// Lenstra's elliptic-curve method through the GMP-ECM library, with the standard table of
// B1 bounds and curve counts by the size of the factor sought.
#pragma once

#include "factor/stop.hpp"

#include <cstddef>
#include <cstdint>
#include <gmpxx.h>
#include <vector>

namespace factord::factor {

struct ecm_level {
  unsigned factor_digits; // a factor of about this many digits is found with ~63% chance
  double b1;              // stage-1 bound
  unsigned curves;        // expected number of curves at this level
};

// Levels from 15 to 65 digits (GMP-ECM's documented optimal B1 and curve counts).
const std::vector<ecm_level>& ecm_schedule();

// Runs up to `curves` curves with bound b1 on n. Curve parameters come from `sigma`, which
// is advanced so that later calls try new curves. Returns a nontrivial factor or 0.
// Beyond ecm_polled_min_words the curves are ecm_stage1_polled's.
mpz_class ecm_curves(const mpz_class& n, double b1, unsigned curves, std::uint64_t& sigma, stop_token& stop);

// Words (~10,000 digits) from which GMP-ECM's longest unpolled step would pass ~50 ms.
inline constexpr std::size_t ecm_polled_min_words = 512;

// ECM stage 1 only, in mpz arithmetic, polled at every ladder step (ecm_mpz.cpp): for
// numbers too big for GMP-ECM to poll often enough. Same contract as ecm_curves.
mpz_class ecm_stage1_polled(const mpz_class& n, double b1, unsigned curves, std::uint64_t& sigma,
                            stop_token& stop);

} // namespace factord::factor
