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
constexpr std::size_t siqs_max_digits = 100;    // beyond, ECM alone (the sieve would take days)

// Rho iterations by size. Rho finds the factors just above the trial-division bound
// (2^16) in random numbers; on balanced semiprimes it is pure cost. In fixed-width
// Montgomery arithmetic (rho_wide, up to 77 digits) a step costs ~15 ns at 2 words and
// ~27 ns at 3, 7-8x less than in mpz, so the old time budget (0.14 ms at 39 digits, ~2%
// of the sieve) now buys the ~10^4 steps that find factors of up to 8 digits.
// Measured (CPU, 2026-11, 38-digit n): 7-digit factors 100% within 16384 steps (mean
// 0.08 ms), 8 digits 76% (0.16 ms), 9 digits 19%.
std::uint64_t rho_iterations(std::size_t digits) {
  if (digits < 30) return 1u << 12;
  if (digits < 45) return 1u << 14;
  return 1u << 15;
}

// Wide ECM curves (B1, count) before the sieve below 45 digits, where GMP-ECM's setup
// costs more than a curve. Mean cost of finding a factor in a 40-digit n by B1 (CPU,
// 2026-11; one curve 0.08/0.15/0.27/0.53/1.0 ms at B1 100/200/400/800/1600): 8 digits
// 0.37 ms (B1 200), 10 digits 1.5 ms (200-800), 12 digits 5.3 ms (800-1600), 14 digits
// 27 ms. The sieve takes 1.5/2.8/10 ms at 30/35/40 digits.
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
  if (digits < 75) return {{15, 2e3, 25}, {20, 11e3, 40}};
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
  if (mpz_class f = fits_wide ? rho_wide(m, rho_iterations(digits), stop)
                              : rho_brent(m, rho_iterations(digits), 1, stop);
      f != 0) {
    used = method::rho;
    return f;
  }
  std::uint64_t sigma = 2;
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
      if (mpz_class f = ecm_curves(m, level.b1, level.curves, sigma, stop); f != 0) {
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
    if (mpz_class f = ecm_curves(m, l.b1, l.curves, sigma, stop); f != 0) {
      used = method::ecm;
      return f;
    }
  }
  return 0;
}

} // namespace factord::factor
