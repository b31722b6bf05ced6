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
  double dlp_exponent;
};

// Measured on the reference 2-core machine (EPYC, 48 KiB L1d, 1 MiB L2) against PARI/GP
// (2026-11, 38-65 digits). Notes from the measurements:
// - one 64 KiB block (L2-resident) beats two 32 KiB blocks from ~45 digits: the per-prime
//   cost of entering a block is paid once, and L2 absorbs the scattered byte adds;
// - skipping primes below 256 saves ~45% of the sieve adds; the slack (plus the expected
//   contribution of the skipped primes, added by the sieve) makes up the lost yield;
// - bigger factor bases than these find relations faster but lose it in more polynomials
//   and a bigger matrix (up to 55 digits);
// - from 65 digits the primes above half a block go through buckets (siqs_buckets),
//   which made bigger factor bases pay: 70 digits went from 20.9 s (6500 primes, 2
//   blocks, 100x) to 14-15.5 s for anything from 9000 to 12000 primes, 2 or 3 blocks;
// - below 35 digits trial division dominates: a tighter threshold (slack 2) and smaller
//   factor bases cut 29-digit numbers from 1.4 to 1.1 ms;
// - double large primes (2026-11-23, CPU seconds, minimum of 2-3 runs on a loaded
//   machine, so differences under ~5% are noise): a loss at 50 digits (0.104 s against
//   0.090 s without), a win from 60: d60 0.94 s -> 0.80-0.83 s with exponent 1.55-1.6,
//   slack 8 and a 300-400x bound (1.7 and 6 lost: 0.95 s, too many prime cofactors to
//   trial divide), d70 10.0 s -> 7.1 s with 9000 primes, 1000x and one 128 KiB block
//   (one 128 KiB block instead of two 64 KiB ones: the single-block bucket fill is
//   branch-free and three times cheaper; 2 blocks 8.2-8.6 s, 3 blocks 8.6 s; 7000 or
//   11000 primes and 300x or 2000x all within 8.2-8.6 s before that change);
// - with the exact small-prime check in trial division, skipping the primes below 800
//   (slack 10) at 70 digits was 6.6-7.3 s against 7.0-7.3 s for 256 (slack 8); no
//   difference at 60;
// - 75 digits (one number, single runs): 12000 primes in one 256 KiB block 28 s, 13000
//   in two 128 KiB blocks 33 s; the rows beyond are extrapolations, not measurements.
// - retune after the sieve speedups (2026-11-23, CPU seconds, sum of d70 and a second
//   70-digit semiprime, single runs, ~2-3% noise): 9000 primes in 128 KiB 12.4-12.8 s;
//   7000 primes 12.2, 11000 16.8, 7500 12.4; 1.7 exponent 15.2, 2000x 13.7, one 256 KiB
//   block 14.2; one 64 KiB block (half the interval) 11.8-11.9 for 5500-7000 primes
//   (8000: 13.1; 32 KiB: 16.3) and 11.5-11.7 with exponent 1.55 (1.5 11.6, 2000x 12.1,
//   small-prime limit 1200/slack 11 no change). Sieve is ~90% of the SIQS time, the
//   dense elimination 0.36 s at 7000 columns (0.6 s at 9000). A 66-digit number: 3.4 s
//   before, 2.9 s with 4800 primes in 64 KiB (the 65 row is set to give that there).
constexpr params_row table[] = {
    {18, 60, 8192, 1, 20, 30, 4.0, 0.0},           {20, 80, 8192, 1, 20, 30, 4.0, 0.0},
    {25, 100, 16384, 1, 30, 30, 2.0, 0.0},         {30, 150, 16384, 1, 30, 30, 2.0, 0.0},
    {35, 300, 32768, 1, 40, 30, 2.0, 0.0},         {40, 450, 32768, 1, 40, 100, 8.0, 0.0},
    {45, 800, 65536, 1, 50, 256, 12.0, 0.0},       {50, 1400, 65536, 1, 60, 256, 12.0, 0.0},
    {55, 2000, 65536, 1, 70, 256, 12.0, 0.0},      {60, 3200, 65536, 1, 400, 256, 8.0, 1.55},
    {65, 4500, 65536, 1, 600, 256, 8.0, 1.6},      {70, 6500, 65536, 1, 1000, 800, 10.0, 1.55},
    {75, 12000, 262144, 1, 1000, 800, 10.0, 1.65}, {80, 18000, 262144, 1, 1000, 800, 10.0, 1.7},
    {90, 25000, 262144, 2, 1000, 800, 10.0, 1.75}, {100, 50000, 262144, 2, 1000, 800, 10.0, 1.75},
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
  p.dlp_exponent = near.dlp_exponent;
  // A few dozen spare relations make a dependency that splits n near certain; small
  // factor bases take fewer (the sieving for 48 spares was ~8% of a 30-digit run; 8
  // instead of 16 spares saved 4-6% at 29 and 40 digits, and each dependency still
  // splits n with probability 1/2).
  p.extra_relations = std::clamp<std::uint32_t>(p.fb_size / 64, 8, 48);
  return p;
}

} // namespace factord::factor
