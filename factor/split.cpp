#include "factor/split.hpp"

#include "factor/ecm.hpp"
#include "factor/fermat.hpp"
#include "factor/rho_mpz.hpp"
#include "factor/siqs.hpp"
#include "factor/wide.hpp"

#include <algorithm>

namespace factord::factor {

namespace {

struct wide_ecm_level {
  std::uint32_t b1;
  std::uint32_t curves;
};

// Crossovers, measured with bench/factor (see bench/RESULTS.md).
constexpr unsigned fermat_multipliers_tried = 32;
constexpr std::size_t siqs_max_digits = 100; // beyond, ECM alone (the sieve would take days)

// Rho iterations by size. Rho finds the factors just above the trial-division bound
// (2^16) in random numbers; on balanced semiprimes it is pure cost. In fixed-width
// Montgomery arithmetic (rho_wide, up to 77 digits) a step costs ~15 ns at 2 words and
// ~27 ns at 3, 7-8x less than in mpz, so the time the mpz rho had (0.14 ms at 39
// digits, ~2% of the sieve) now buys the ~8000 steps that find factors of up to 7-8
// digits. Measured (CPU, 2026-11, 38-digit n): 7-digit factors 86% within 8192 steps,
// 100% within 16384 (mean 0.08 ms); 8 digits 32% / 76%; 9 digits 4% / 19%. On the mixed
// suite 8192 steps plus the wide ECM curves below did as well as 16384; below 30 digits
// 1024-4096 steps made no measurable difference there (the sieve takes ~1 ms), and 1024
// (20 us) keeps the cost on 29-digit semiprimes near the old mpz rho's.
std::uint64_t rho_iterations(std::size_t digits) {
  if (digits < 30) return 1u << 10;
  if (digits < 45) return 1u << 13;
  return 1u << 15;
}
constexpr std::uint64_t rho_mpz_iterations = 1u << 14; // beyond 77 digits

// Wide ECM curves (B1, count) before the sieve below 45 digits, where a GMP-ECM curve
// costs 2.4x more (B1 = 300 at 40 digits: 0.44 ms against 0.18, same success rate).
// Measured (CPU, 2026-11, 40-digit n, 200 numbers per cell): one curve costs 0.07 / 0.13
// / 0.18 / 0.23 / 0.44 / 0.9 ms at B1 100 / 200 / 300 / 400 / 800 / 1600; the expected
// cost of finding an 8-digit factor is 0.33 ms (B1 200; 0.45 at 300), 10 digits 1.2 ms
// (B1 300; 1.3-1.4 at 200/800), 12 digits 3.9 ms (B1 300; 6 at 800-1600). B1 = 300 is
// near the best for every size worth trying before a sieve that takes 0.8 / 2.3 / 6.7 /
// 22 ms at 30 / 35 / 40 / 45 digits; the curve counts keep the pretest near a tenth of
// the sieve.
std::vector<wide_ecm_level> wide_ecm_pretest(std::size_t digits) {
  if (digits < 30 || digits >= 45) return {};
  if (digits < 35) return {{200, 1}};
  if (digits < 40) return {{250, 2}};
  return {{300, 3}};
}

// ECM curves to run before the sieve. On a balanced semiprime the pretest never succeeds
// (its factors are beyond the 15/20-digit levels), so it is pure insurance for numbers
// with a mid-sized factor; it is kept near a tenth of the sieve's time. Measured (CPU s,
// 2026-11, after rho): a B1=2000 curve costs ~1.5 ms at 45-60 digits; sieve vs ECM-then-
// sieve on random numbers: 45 digits 0.027 vs 0.013 (5 curves), 50: 0.069 vs 0.044 (5),
// 55: 0.22 vs 0.20/0.16/0.145 (5/10/25), 60: 0.75 vs 0.38/0.38/0.35 (5/10/25); balanced
// semiprimes take 0.03/0.1/0.25/0.74 s in the sieve at 45/50/55/60 digits.
std::vector<ecm_level> ecm_pretest(std::size_t digits) {
  if (digits < 45) return {};
  if (digits < 50) return {{15, 2e3, 4}};
  if (digits < 55) return {{15, 2e3, 8}};
  if (digits < 65) return {{15, 2e3, 12}};
  // 65-74 digits: 25 curves at 2e3 and 40 at 11e3 cost 0.61 s, ~11% of a 70-digit sieve;
  // with 15 at 11e3 it is 0.28 s (a curve: 3.1 ms at 2e3, 13 ms at 11e3). Most of what
  // the pretest saves on random numbers comes from its first curves; on balanced
  // semiprimes it is pure cost.
  if (digits < 75) return {{15, 2e3, 25}, {20, 11e3, 15}};
  return {{15, 2e3, 25}, {20, 11e3, 90}, {25, 5e4, 100}};
}

} // namespace

mpz_class split_composite(const mpz_class& m, stop_token& stop, method& used) {
  const std::size_t digits = mpz_sizeinbase(m.get_mpz_t(), 10);

  if (mpz_class f = fermat_multipliers(m, fermat_multipliers_tried, stop); f != 0) {
    used = method::fermat;
    return f;
  }
  const bool fits_wide = mpz_sizeinbase(m.get_mpz_t(), 2) <= wide_max_bits;
  if (mpz_class f =
          fits_wide ? rho_wide(m, rho_iterations(digits), stop) : rho_brent(m, rho_mpz_iterations, 1, stop);
      f != 0) {
    used = method::rho;
    return f;
  }
  std::uint64_t sigma = 2;
  ecm_stage2 stage2;
  if (digits <= siqs_max_digits) {
    if (fits_wide) {
      for (const auto& level : wide_ecm_pretest(digits)) {
        if (mpz_class f = ecm_wide(m, level.b1, level.curves, sigma, stop); f != 0) {
          used = method::ecm;
          return f;
        }
      }
    }
    for (const auto& level : ecm_pretest(digits)) {
      if (mpz_class f = ecm_curves(m, level.b1, level.curves, sigma, stage2, stop); f != 0) {
        used = method::ecm;
        return f;
      }
    }
    if (stop.should_stop()) return 0;
    mpz_class f = siqs_find_factor(m, stop);
    if (f != 0) used = method::siqs;
    return f;
  }
  // Too big to sieve: climb the ECM table, then stay at its top until something gives.
  const auto& schedule = ecm_schedule();
  for (std::size_t level = 0; !stop.should_stop(); level = std::min(level + 1, schedule.size() - 1)) {
    const auto& l = schedule[level];
    if (mpz_class f = ecm_curves(m, l.b1, l.curves, sigma, stage2, stop); f != 0) {
      used = method::ecm;
      return f;
    }
  }
  return 0;
}

} // namespace factord::factor
