#include "factor/siqs_params.hpp"

#include <algorithm>
#include <iterator>

namespace factord::factor {

namespace {

struct params_row {
  std::size_t digits;
  std::uint32_t fb_size;
  std::uint32_t block_len;
  std::uint32_t blocks;
  std::uint32_t large_prime_mult;
  std::uint32_t small_prime_limit;
  double threshold_slack;
};

// Measured on the reference 2-core machine (EPYC, 48 KiB L1d, 1 MiB L2) against PARI/GP
// (2026-11, 38-65 digits). Notes from the measurements:
// - one 64 KiB block (L2-resident) beats two 32 KiB blocks from ~45 digits: the per-prime
//   cost of entering a block is paid once, and L2 absorbs the scattered byte adds;
// - skipping primes below 256 saves ~45% of the sieve adds; the slack (plus the expected
//   contribution of the skipped primes, added by the sieve) makes up the lost yield;
// - bigger factor bases than these find relations faster but lose it in more polynomials
//   and a bigger matrix (up to 55 digits; at 60, 3500 primes and a 150x large-prime
//   bound took 0.78 s against 0.83 s for 3000 and 80x);
// - from 65 digits the primes above half a block go through buckets (siqs_buckets),
//   which made bigger factor bases pay: 70 digits went from 20.9 s (6500 primes, 2
//   blocks, 100x) to 14-15.5 s for anything from 9000 to 12000 primes, 2 or 3 blocks;
//   a large-prime bound of 1000x the largest prime was 3% better than 250x there and
//   no different at 65 digits (single runs; this machine's noise is about 5%);
// - below 35 digits trial division dominates: a tighter threshold (slack 2) and smaller
//   factor bases cut 29-digit numbers from 1.4 to 1.1 ms;
// - rows from 75 digits on are extrapolations, not measurements.
constexpr params_row table[] = {
  {18, 60, 8192, 1, 20, 30, 4.0},
  {20, 80, 8192, 1, 20, 30, 4.0},
  {25, 100, 16384, 1, 30, 30, 2.0},
  {30, 150, 16384, 1, 30, 30, 2.0},
  {35, 300, 32768, 1, 40, 30, 2.0},
  {40, 450, 32768, 1, 40, 100, 8.0},
  {45, 800, 65536, 1, 50, 256, 12.0},
  {50, 1400, 65536, 1, 60, 256, 12.0},
  {55, 2000, 65536, 1, 70, 256, 12.0},
  {60, 3500, 65536, 1, 150, 256, 12.0},
  {65, 5500, 65536, 2, 150, 256, 12.0},
  {70, 9000, 65536, 2, 1000, 256, 12.0},
  {75, 14000, 65536, 3, 250, 256, 12.0},
  {80, 18000, 65536, 4, 300, 256, 12.0},
  {90, 25000, 65536, 4, 120, 256, 12.0},
  {100, 50000, 65536, 4, 150, 256, 12.0},
};

} // namespace

siqs_params siqs_params_for(std::size_t digits) {
  const params_row* hi = std::find_if(std::begin(table), std::end(table),
                                      [&](const params_row& r) { return r.digits >= digits; });
  if (hi == std::begin(table)) hi = std::begin(table) + 1;
  if (hi == std::end(table)) hi = std::end(table) - 1;
  const params_row* lo = hi - 1;
  double t = (static_cast<double>(digits) - static_cast<double>(lo->digits)) /
             static_cast<double>(hi->digits - lo->digits);
  t = std::clamp(t, 0.0, 1.0);
  // Discrete knobs come from the nearer row; the factor base size is interpolated
  // because relation yield changes smoothly with it.
  const params_row& near = t < 0.5 ? *lo : *hi;

  siqs_params p;
  p.fb_size = static_cast<std::uint32_t>(lo->fb_size + t * (hi->fb_size - lo->fb_size));
  p.block_len = near.block_len;
  p.blocks = near.blocks;
  p.large_prime_mult = near.large_prime_mult;
  p.small_prime_limit = near.small_prime_limit;
  p.threshold_slack = near.threshold_slack;
  // A few dozen spare relations make a dependency that splits n near certain; small
  // factor bases take fewer (the sieving for 48 spares was ~8% of a 30-digit run).
  p.extra_relations = std::clamp<std::uint32_t>(p.fb_size / 16, 16, 48);
  return p;
}

} // namespace factord::factor
