#include "factor/trial.hpp"

#include "factor/primes.hpp"

namespace factord::factor {

void trial_divide(mpz_class& n, std::uint32_t bound, std::vector<mpz_class>& primes) {
  const auto& table = small_primes();
  // One multi-precision remainder serves a group of primes whose product fits in 64 bits;
  // the primes are then tested against that single-word remainder.
  std::size_t i = 0;
  while (i < table.size() && table[i] <= bound && n > 1) {
    std::size_t end = i;
    unsigned long product = 1;
    while (end < table.size() && table[end] <= bound &&
           product <= ~0UL / table[end]) {
      product *= table[end];
      ++end;
    }
    unsigned long rem = mpz_tdiv_ui(n.get_mpz_t(), product);
    for (std::size_t j = i; j < end; ++j) {
      unsigned long p = table[j];
      if (rem % p != 0) continue;
      while (mpz_divisible_ui_p(n.get_mpz_t(), p)) {
        mpz_divexact_ui(n.get_mpz_t(), n.get_mpz_t(), p);
        primes.emplace_back(p);
      }
    }
    // Once p^2 > n what is left is 1 or a prime, which the caller detects.
    std::uint64_t last = table[end - 1];
    if (mpz_fits_ulong_p(n.get_mpz_t()) && last * last > mpz_get_ui(n.get_mpz_t())) break;
    i = end;
  }
}

} // namespace factord::factor
