#include "factor/factor64.hpp"

#include "factor/ecm64.hpp"
#include "factor/prime64.hpp"
#include "factor/primes.hpp"
#include "factor/rho64.hpp"
#include "factor/u64_math.hpp"

#include <limits>

namespace factord::factor {
namespace {

// p divides n exactly when n * p^-1 mod 2^64 <= (2^64 - 1) / p: one multiply, no division.
struct divisibility_test {
  std::uint64_t prime;
  std::uint64_t inverse;
  std::uint64_t quotient_limit;
};

// Measured: bounds from 2^7 to 2^14 cost about the same on random 64-bit numbers; above,
// trial division costs more than splitting the cofactor.
constexpr std::uint32_t trial_bound = 1 << 10;

const std::vector<divisibility_test>& trial_table() {
  static const std::vector<divisibility_test> table = [] {
    std::vector<divisibility_test> tests;
    for (std::uint32_t p : small_primes()) {
      if (p == 2) continue;
      if (p >= trial_bound) break;
      std::uint64_t inverse = p;
      for (int step = 0; step < 5; ++step) inverse *= 2 - p * inverse;
      tests.push_back({p, inverse, std::numeric_limits<std::uint64_t>::max() / p});
    }
    return tests;
  }();
  return table;
}

// Divides out 2 and the odd primes below trial_bound; returns the cofactor.
std::uint64_t trial_divide(std::uint64_t n, std::vector<std::uint64_t>& primes) {
  int twos = __builtin_ctzll(n);
  primes.insert(primes.end(), twos, 2);
  n >>= twos;
  for (const divisibility_test& t : trial_table()) {
    if (t.prime * t.prime > n) break;
    while (n * t.inverse <= t.quotient_limit) {
      primes.push_back(t.prime);
      n *= t.inverse; // exact division
    }
  }
  return n;
}

// Rho needs ~sqrt(p) steps, one ECM curve a fixed ~1-3 us: measured on balanced
// semiprimes, rho wins below ~2^36 (32 bits: 2.7 us vs 3.8 us) and ECM above (48 bits:
// 9 us vs 24 us; 64 bits: 42 us vs 360 us).
constexpr std::uint64_t ecm_threshold = std::uint64_t{1} << 36;
// ECM needs a few dozen curves at worst; rho after it is the fallback that always ends.
constexpr std::uint32_t ecm_curves = 200;

// A nontrivial factor of the odd composite n (no prime factor below trial_bound), or 0
// if `stop` fired first.
std::uint64_t split(std::uint64_t n, stop_token& stop) {
  std::uint64_t root = 0;
  if (is_square_u64(n, root)) return root;
  root = icbrt_u64(n);
  if (root * root * root == n) return root;
  if (n >= ecm_threshold) {
    std::uint64_t factor = ecm_u64(n, ecm_curves, stop);
    if (factor != 0) return factor;
  }
  for (std::uint64_t c = 1; !stop.should_stop(); ++c) {
    std::uint64_t factor = rho_brent_u64(n, c, std::numeric_limits<std::uint64_t>::max(), stop);
    if (factor != 0) return factor;
  }
  return 0;
}

// Factors n > 1 (odd, free of primes below trial_bound) into `primes`; returns the
// product of the parts left unfactored when `stop` fired.
std::uint64_t factor_cofactor(std::uint64_t n, stop_token& stop, std::vector<std::uint64_t>& primes) {
  if (n == 1) return 1;
  if (n < static_cast<std::uint64_t>(trial_bound) * trial_bound || is_prime_u64(n)) {
    primes.push_back(n);
    return 1;
  }
  std::uint64_t factor = split(n, stop);
  if (factor == 0) return n;
  std::uint64_t left = factor_cofactor(factor, stop, primes);
  return left * factor_cofactor(n / factor, stop, primes);
}

} // namespace

std::uint64_t factor_u64(std::uint64_t n, stop_token& stop, std::vector<std::uint64_t>& primes) {
  if (n <= 1) return n;
  return factor_cofactor(trial_divide(n, primes), stop, primes);
}

} // namespace factord::factor
