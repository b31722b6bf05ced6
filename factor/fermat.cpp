#include "factor/fermat.hpp"

namespace factord::factor {

mpz_class fermat_multipliers(const mpz_class& n, unsigned max_multiplier, stop_token& stop) {
  constexpr int steps_per_multiplier = 4;
  mpz_class four_kn, a, b2, b, g;
  for (unsigned k = 1; k <= max_multiplier; ++k) {
    // A real check per multiplier: only 32 of them (should_stop_sometimes would never
    // check), each a square root and four squares of 4kn (~20 ms at 100,000 digits).
    if (stop.should_stop()) return 0;
    four_kn = n * (4 * k);
    mpz_sqrt(a.get_mpz_t(), four_kn.get_mpz_t());
    if (a * a < four_kn) ++a;
    for (int step = 0; step < steps_per_multiplier; ++step, ++a) {
      b2 = a * a - four_kn;
      if (!mpz_perfect_square_p(b2.get_mpz_t())) continue;
      mpz_sqrt(b.get_mpz_t(), b2.get_mpz_t());
      // a^2 - b^2 = 4kn, so (a - b)(a + b) = 4kn and gcd(a - b, n) is usually proper.
      g = a - b;
      mpz_gcd(g.get_mpz_t(), g.get_mpz_t(), n.get_mpz_t());
      if (g > 1 && g < n) return g;
    }
  }
  return 0;
}

} // namespace factord::factor
