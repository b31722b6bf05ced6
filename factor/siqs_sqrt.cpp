#include "factor/siqs_sqrt.hpp"

namespace factord::factor {

mpz_class factor_from_dependency(const mpz_class& n, const siqs_factor_base& fb,
                                 const std::vector<siqs_relation>& relations,
                                 const std::vector<std::uint32_t>& dependency) {
  // X = prod y; the right side's exponents are all even, so Y = prod p^(e/2) * large.
  mpz_class x = 1, y = 1;
  std::vector<std::uint32_t> exponent(fb.size() + 1, 0);
  for (std::uint32_t r : dependency) {
    const siqs_relation& rel = relations[r];
    x = x * rel.y % n;
    y = y * rel.large % n;
    for (std::uint32_t c : rel.cols) ++exponent[c];
  }
  mpz_class power;
  for (std::uint32_t c = 1; c < exponent.size(); ++c) {
    // An odd exponent means a broken relation; the square would be wrong anyway.
    if (exponent[c] % 2 != 0) return 0;
    if (exponent[c] == 0) continue;
    mpz_class p = fb.prime[c - 1];
    mpz_powm_ui(power.get_mpz_t(), p.get_mpz_t(), exponent[c] / 2, n.get_mpz_t());
    y = y * power % n;
  }
  mpz_class diff = x - y, f;
  mpz_gcd(f.get_mpz_t(), diff.get_mpz_t(), n.get_mpz_t());
  if (f > 1 && f < n) return f;
  return 0;
}

} // namespace factord::factor
