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

// How GMP-ECM's stage 2 is cut for one number, learned from its curves and carried from
// level to level. Stage 2 polls the stop token only between its polynomial steps, and a
// step's time goes with the degree of its polynomials (GMP-ECM's dF) and the number's
// size: GMP-ECM's default dF is 4,096 at B1 1e6 and 16,384 at 3e6, whose steps take
// ~110 ms at 120 digits and 0.26 s at 300 (B1 1e6), 0.4-0.6 s at 120 digits (3e6). Each
// halving of dF cuts the longest step 2.4-2.9x and doubles stage 2's time (bench/RESULTS.md,
// "GMP-ECM's stage 2: cuts"). ecm_curves records each curve here.
struct ecm_stage2 {
  double b1 = 0;        // the bound of the last curve; 0 before the first
  unsigned long df = 0; // its stage 2's dF; 0 when not known (a bound outside the table)
  double gap_ms = 0;    // its longest stretch between two polls (CPU ms)
};

// One way GMP-ECM can cut stage 2 at a bound: the polynomial degree, and the number of
// blocks (its `k`) that makes it choose that degree. GMP-ECM picks the smallest dF whose
// blocks cover its B2 in k, then widens B2 to fill all k: a k between two of its
// thresholds buys a larger B2 at the same dF, not shorter steps. So only the thresholds
// are used, measured from GMP-ECM 7.0.5 (tests/factor/ecm_stage2_test.cpp checks them
// against the library linked).
struct ecm_stage2_cut {
  unsigned long df;     // GMP-ECM's dF
  unsigned long blocks; // its k; 0 is GMP-ECM's default
};

// The cuts at one of ecm_schedule()'s bounds, largest dF first: GMP-ECM's default, then
// dF / 2, / 4, ... down to 256 or below. Empty for any other bound.
const std::vector<ecm_stage2_cut>& ecm_stage2_cuts(double b1);

// The longest stretch of CPU time a curve may go without polling, and the most a curve
// that gets a larger dF than the last one is predicted to take: a cancel or an exhausted
// budget must land within 100 ms (issue #12), which leaves room for waits for a core on a
// busy machine; the gap between the two keeps a number from switching back and forth
// between two cuts.
inline constexpr double ecm_stage2_max_gap_ms = 75;
inline constexpr double ecm_stage2_target_gap_ms = 50;
// How the longest step grows with dF (halving dF from 4,096 to 2,048 and to 1,024 cut it
// 2.4-2.9x at 120-300 digits; less below 1,024, where other steps take over).
inline constexpr double ecm_stage2_gap_per_df_exponent = 1.3;

// The cut for the next curve at bound b1, from the last curve's dF and gap, scaled by
// ecm_stage2_gap_per_df_exponent: the largest dF predicted to stay within
// ecm_stage2_max_gap_ms (within ecm_stage2_target_gap_ms for a dF larger than the last
// curve's), the smallest in the table when none is. GMP-ECM's default before anything was
// measured, and {0, 0} at a bound outside the table.
ecm_stage2_cut ecm_stage2_next(const ecm_stage2& last, double b1);

// Runs up to `curves` curves with bound b1 on n. Curve parameters come from `sigma`, which
// is advanced so that later calls try new curves. Returns a nontrivial factor or 0.
// `stage2` carries what earlier calls on the same n learned (a fresh one is fine).
// Beyond ecm_polled_min_words the curves are ecm_stage1_polled's.
mpz_class ecm_curves(const mpz_class& n, double b1, unsigned curves, std::uint64_t& sigma, ecm_stage2& stage2,
                     stop_token& stop);

// Words (~10,000 digits) from which GMP-ECM's longest unpolled step would pass ~50 ms.
inline constexpr std::size_t ecm_polled_min_words = 512;

// ECM stage 1 only, in mpz arithmetic, polled at every ladder step (ecm_mpz.cpp): for
// numbers too big for GMP-ECM to poll often enough. Same contract as ecm_curves.
mpz_class ecm_stage1_polled(const mpz_class& n, double b1, unsigned curves, std::uint64_t& sigma,
                            stop_token& stop);

} // namespace factord::factor
