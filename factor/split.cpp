#include "factor/split.hpp"

#include "factor/ecm.hpp"
#include "factor/fermat.hpp"
#include "factor/rho_mpz.hpp"
#include "factor/siqs.hpp"

#include <algorithm>

namespace factord::factor {

namespace {

// Crossovers, measured with bench/factor (see bench/RESULTS.md).
constexpr unsigned fermat_multipliers_tried = 32;
constexpr std::size_t siqs_max_digits = 100;    // beyond, ECM alone (the sieve would take days)

// Rho iterations by size. Rho finds the factors just above the trial-division bound
// (2^16) in random numbers; on balanced semiprimes it is pure cost, so it is held near 5%
// of the sieve's time. Measured (CPU, 2026-11): 1024 iterations cost 0.12 ms at 29 digits
// (the sieve 1.0 ms), 4096 cost 0.56 ms at 39 digits (the sieve 8.5 ms).
std::uint64_t rho_iterations(std::size_t digits) {
  if (digits < 30) return 1u << 9;
  if (digits < 40) return 1u << 10;
  if (digits < 50) return 1u << 11;
  return 1u << 14;
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
  if (mpz_class f = rho_brent(m, rho_iterations(digits), 1, stop); f != 0) {
    used = method::rho;
    return f;
  }
  std::uint64_t sigma = 2;
  if (digits <= siqs_max_digits) {
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
