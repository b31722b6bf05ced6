#include "factor/rho_mpz.hpp"

#include <algorithm>

namespace factord::factor {

namespace {

void step(mpz_class& x, const mpz_class& n, unsigned long c) {
  mpz_mul(x.get_mpz_t(), x.get_mpz_t(), x.get_mpz_t());
  mpz_add_ui(x.get_mpz_t(), x.get_mpz_t(), c);
  mpz_mod(x.get_mpz_t(), x.get_mpz_t(), n.get_mpz_t());
}

} // namespace

mpz_class rho_brent(const mpz_class& n, std::uint64_t max_iterations, unsigned long c, stop_token& stop) {
  constexpr std::uint64_t batch = 128;
  mpz_class y = 2, x, ys, q = 1, g = 1, diff;
  std::uint64_t done = 0;
  // A step is a product mod n: ~5 ms at 100,000 digits, so a batch of 128 (or the 2^13
  // steps of the catch-up loop) must poll inside.
  strided_stop poll(stop, steps_per_poll(n));
  for (std::uint64_t r = 1; g == 1 && done < max_iterations; r *= 2) {
    x = y;
    for (std::uint64_t i = 0; i < r; ++i) {
      if (poll.should_stop()) return 0;
      step(y, n, c);
    }
    done += r;
    for (std::uint64_t k = 0; k < r && g == 1; k += batch) {
      if (stop.should_stop()) return 0;
      ys = y;
      auto count = std::min(batch, r - k);
      for (std::uint64_t i = 0; i < count; ++i) {
        if (poll.should_stop()) return 0;
        step(y, n, c);
        diff = x - y;
        q *= diff;
        mpz_mod(q.get_mpz_t(), q.get_mpz_t(), n.get_mpz_t());
      }
      mpz_gcd(g.get_mpz_t(), q.get_mpz_t(), n.get_mpz_t());
      done += count;
    }
  }
  if (g == n) {
    // The batch overshot: redo its steps one gcd at a time.
    do {
      if (stop.should_stop()) return 0; // a gcd per step: ~25 ms each at 100,000 digits
      step(ys, n, c);
      diff = x - ys;
      mpz_gcd(g.get_mpz_t(), diff.get_mpz_t(), n.get_mpz_t());
    } while (g == 1);
  }
  if (g > 1 && g < n) return g;
  return 0;
}

} // namespace factord::factor
