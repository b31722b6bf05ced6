#include "factor/perfect_power.hpp"

#include "factor/primes.hpp"

namespace factord::factor {

unsigned perfect_power(const mpz_class& n, mpz_class& root, stop_token& stop) {
  root = n;
  unsigned exponent = 1;
  mpz_class r;
  // Take prime roots one at a time: r^(p*q) is found as a p-th root, then a q-th root.
  for (bool found = true; found;) {
    found = false;
    if (!mpz_perfect_power_p(root.get_mpz_t()) || root < 4) break;
    auto bits = mpz_sizeinbase(root.get_mpz_t(), 2);
    // One mpz_root per prime: ~0.5 ms at 100,000 digits for small p, less for large p.
    for (std::uint32_t p : small_primes()) {
      if (p > bits) break;
      if (stop.should_stop_sometimes()) {
        root = n;
        return 1;
      }
      if (mpz_root(r.get_mpz_t(), root.get_mpz_t(), p) != 0) {
        root = r;
        exponent *= p;
        found = true;
        break;
      }
    }
  }
  return exponent;
}

unsigned perfect_power(const mpz_class& n, mpz_class& root) {
  stop_token never;
  return perfect_power(n, root, never);
}

} // namespace factord::factor
