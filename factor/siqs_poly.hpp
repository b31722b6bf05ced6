// Polynomials of the self-initialising quadratic sieve.
//
// Q(x) = ((A x + B)^2 - kN) / A with A a product of s factor-base primes near
// sqrt(2kN)/M, so |Q(x)| stays near M sqrt(kN/2) over the interval [-M, M). Each A gives
// 2^(s-1) values of B; switching B in Gray-code order changes one term, so the sieve roots
// move by one precomputed table add per prime instead of a modular inversion.
#pragma once

#include "factor/siqs_factor_base.hpp"

#include <array>
#include <cstdint>
#include <gmpxx.h>
#include <random>
#include <set>
#include <vector>

namespace factord::factor {

class siqs_poly {
public:
  // Root value of the primes the sieve skips (2, the primes of k and of A): beyond any
  // sieve interval, and far enough below 2^32 that stepping over blocks cannot wrap.
  static constexpr std::uint32_t no_root = 0x7FFFFFFFu;

  // `half_width` is M; A-factors are chosen among primes >= `min_a_prime`.
  siqs_poly(const siqs_factor_base& fb, std::uint32_t half_width, std::uint32_t min_a_prime);

  // Moves to the next polynomial (the first call sets up the first one).
  void next();

  const mpz_class& a() const { return a_; }
  const mpz_class& b() const { return b_; }
  // Factor-base indices of the primes of A.
  const std::vector<std::uint32_t>& a_factors() const { return a_index_; }
  // Sieve positions i = x + M of the two roots of Q(x) mod prime[j], reduced mod prime[j];
  // no_root for the primes that are not sieved.
  const std::vector<std::uint32_t>& root1() const { return root1_; }
  const std::vector<std::uint32_t>& root2() const { return root2_; }
  std::uint64_t polynomials() const { return polynomials_; }

private:
  void choose_a();
  void first_b();
  void next_b();
  void clear_special_roots();
  std::uint32_t mod_prime(const mpz_class& v, std::uint32_t i) const; // v >= 0, mod prime[i]
  // x mod prime[i] by a multiply with floor(2^64 / p) and one correction, no division.
  std::uint32_t reduce(std::uint64_t x, std::uint32_t i) const {
    __extension__ typedef unsigned __int128 uint128;
    const std::uint64_t p = fb_.prime[i];
    const auto q = static_cast<std::uint64_t>((static_cast<uint128>(x) * reciprocal_[i]) >> 64);
    const std::uint64_t r = x - q * p; // q >= floor(x / p) - 1, so r < 2p
    return static_cast<std::uint32_t>(r >= p ? r - p : r);
  }

  static constexpr std::size_t pow32_limbs = 3;

  const siqs_factor_base& fb_;
  std::uint32_t min_a_index_ = 1;
  std::uint32_t a_factor_count_ = 1;
  double target_log2_a_ = 0;
  std::mt19937_64 rng_{0x5eed51c5u}; // fixed: the same n always sieves the same polynomials
  std::set<std::vector<std::uint32_t>> used_a_;

  mpz_class a_, b_;
  std::vector<mpz_class> b_terms_;
  std::vector<std::uint32_t> a_index_;
  std::vector<std::uint32_t> half_width_mod_p_;
  std::vector<std::array<std::uint32_t, 2 * pow32_limbs>> pow32_mod_p_; // [i][k] = 2^(32 k) mod p
  std::vector<std::uint64_t> reciprocal_;                               // floor(2^64 / prime[i])
  std::vector<std::uint32_t> root1_, root2_;
  std::vector<std::vector<std::uint32_t>> delta_; // [j][i] = 2 B_j / A mod prime[i]
  std::uint32_t gray_index_ = 0, gray_count_ = 0;
  std::uint64_t polynomials_ = 0;
};

} // namespace factord::factor
