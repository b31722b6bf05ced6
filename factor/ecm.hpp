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
// step grows with the number and with B2 (~B1^1.42): 0.33 s at 300 digits and B1 1e6,
// 0.45 s at 1,000 digits and B1 2.5e5 in GMP-ECM's default two blocks. More blocks (its
// `k`) make each step smaller at a price in speed, so they are added only where a curve
// went, or is predicted to go, longer than ecm_stage2_max_gap_ms between two polls.
// ecm_curves records each curve here.
struct ecm_stage2 {
  double b1 = 0;            // the bound of the last curve; 0 before the first
  unsigned long blocks = 0; // its GMP-ECM k; 0 is GMP-ECM's default (2)
  double gap_ms = 0;        // its longest stretch between two polls (CPU ms)
};

// The longest stretch of CPU time a curve may go without polling; a curve predicted to go
// longer gets enough stage-2 blocks to bring it to ecm_stage2_target_gap_ms, half the
// 100 ms a stop may take (issue #12), which leaves room for waits for a core on a busy
// machine. Between the two nothing changes: each doubling of the blocks costs time per
// curve (bench/RESULTS.md, "Engine poll gaps"), more than a gap just over 50 ms is worth.
inline constexpr double ecm_stage2_max_gap_ms = 75;
inline constexpr double ecm_stage2_target_gap_ms = 50;
// GMP-ECM's default number of blocks, and how far they may grow: k = 32 costs +23-38 % of
// a curve's time at 120-1,000 digits; k = 64 cost +78-137 % and left the longest gap where
// 32 did, its last unpolled step not being one that more blocks cut (bench/RESULTS.md,
// "GMP-ECM's stage 2: adaptive blocks").
inline constexpr unsigned long ecm_stage2_default_blocks = 2;
inline constexpr unsigned long ecm_stage2_max_blocks = 32;

// Blocks for the next curve at bound b1, from the last curve: its gap scaled to b1 (a
// step's size goes as sqrt(B2 / k), B2 as B1^1.42 by GMP-ECM's default). Within
// ecm_stage2_max_gap_ms the last curve's blocks; beyond, enough to bring the gap to the
// target, at least 2x, at most 16x the last curve's and ecm_stage2_max_blocks in all.
// Never fewer than the last curve had; 0 (GMP-ECM's default) until a curve asks for more.
unsigned long ecm_stage2_blocks(const ecm_stage2& stage2, double b1);

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
