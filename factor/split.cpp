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

// Rho iterations by size: a few thousand peel factors of up to ~8 digits for the cost of
// a few percent of a sieve run.
std::uint64_t rho_iterations(std::size_t digits) {
  if (digits < 30) return 1u << 10;
  if (digits < 50) return 1u << 12;
  return 1u << 14;
}

// ECM curves to run before the sieve: the expected factor size of a random number makes
// a short ECM pretest pay off once the sieve costs seconds.
std::vector<ecm_level> ecm_pretest(std::size_t digits) {
  if (digits < 45) return {};
  if (digits < 55) return {{15, 2e3, 10}};
  if (digits < 65) return {{15, 2e3, 25}};
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
