#include "factor/bpsw.hpp"
#include "factor/perfect_power.hpp"
#include "factor/primes.hpp"
#include "factor/trial.hpp"

#include <catch2/catch.hpp>

using namespace factord::factor;

TEST_CASE("small prime table", "[primality]") {
  CHECK(primes_up_to(1).empty());
  CHECK(primes_up_to(2) == std::vector<std::uint32_t>{2});
  CHECK(primes_up_to(30) == std::vector<std::uint32_t>{2, 3, 5, 7, 11, 13, 17, 19, 23, 29});
  CHECK(small_primes().size() == 6542);
  CHECK(small_primes().back() == 65521);
}

TEST_CASE("BPSW agrees with GMP on large numbers", "[primality]") {
  gmp_randclass rng(gmp_randinit_default);
  rng.seed(2026);
  int primes = 0;
  for (int i = 0; i < 3000; ++i) {
    mpz_class n = rng.get_z_bits(65 + i % 300) | 1;
    bool gmp = mpz_probab_prime_p(n.get_mpz_t(), 30) != 0;
    INFO(n.get_str());
    CHECK(is_probable_prime(n) == gmp);
    primes += gmp;
  }
  CHECK(primes > 20); // the sample did contain primes
}

TEST_CASE("BPSW: known primes and composites beyond 64 bits", "[primality]") {
  mpz_class two128 = mpz_class(1) << 128;
  CHECK(is_probable_prime(mpz_class("340282366920938463463374607431768211297"))); // 2^128-159
  CHECK_FALSE(is_probable_prime(two128 + 1)); // 59649589127497217 * 5704689200685129054721
  CHECK(is_probable_prime(mpz_class("100000000000000000039")));
  CHECK(is_probable_prime(mpz_class("1000000000000000000117")));
  CHECK_FALSE(is_probable_prime(mpz_class("100000000000000000050700000000000000004563")));
  CHECK(is_probable_prime((mpz_class(1) << 127) - 1)); // Mersenne prime
  CHECK_FALSE(is_probable_prime((mpz_class(1) << 128) - 1));
  // Carmichael numbers and squares of primes fool weaker tests.
  mpz_class spsp("3825123056546413051");
  CHECK_FALSE(is_probable_prime(spsp * spsp));
  mpz_class p("18446744073709551557"); // largest prime below 2^64
  CHECK(is_probable_prime(p));
  CHECK_FALSE(is_probable_prime(p * p));
}

TEST_CASE("the two BPSW halves catch each other's pseudoprimes", "[primality]") {
  // Strong base-2 pseudoprimes pass the Fermat half but not the Lucas half.
  for (unsigned long n : {2047UL, 3277UL, 4033UL, 3215031751UL, 2152302898747UL}) {
    CHECK(strong_fermat_base2(mpz_class(n)));
    CHECK_FALSE(strong_lucas_selfridge(mpz_class(n)));
  }
  // Strong Lucas pseudoprimes pass the Lucas half but not the Fermat half.
  for (unsigned long n : {5459UL, 5777UL, 10877UL, 16109UL, 18971UL}) {
    CHECK(strong_lucas_selfridge(mpz_class(n)));
    CHECK_FALSE(strong_fermat_base2(mpz_class(n)));
  }
}

TEST_CASE("perfect powers are recognised with their full exponent", "[primality]") {
  mpz_class root;
  CHECK(perfect_power(mpz_class(1) << 64, root) == 64);
  CHECK(root == 2);
  mpz_class p("1000000000000000000117");
  mpz_class p6 = p * p * p * p * p * p;
  CHECK(perfect_power(p6, root) == 6);
  CHECK(root == p);
  CHECK(perfect_power(mpz_class(36) * 36 * 36, root) == 6);
  CHECK(root == 6);
  CHECK(perfect_power(p * p + 1, root) == 1);
  CHECK(root == p * p + 1);
  CHECK(perfect_power(mpz_class(2), root) == 1);
}

TEST_CASE("trial division strips small primes with multiplicity", "[primality]") {
  mpz_class p("1000000000000000000117");
  mpz_class n = p * 2 * 2 * 3 * 65521 * 65521 * 65519;
  std::vector<mpz_class> primes;
  trial_divide(n, 65535, primes);
  CHECK(n == p);
  std::vector<mpz_class> expected = {2, 2, 3, 65519, 65521, 65521};
  CHECK(primes == expected);
  mpz_class m = 65537; // above the bound: untouched
  primes.clear();
  trial_divide(m, 65535, primes);
  CHECK(primes.empty());
}

TEST_CASE("trial division: remainders by prime groups agree with plain division", "[primality]") {
  // Every size path: one word, 2-8 words (group remainders), beyond 8 words (mpz per group).
  gmp_randclass rng(gmp_randinit_default);
  rng.seed(16);
  const auto& table = small_primes();
  for (int i = 0; i < 300; ++i) {
    mpz_class cofactor = mpz_class(rng.get_z_bits(20 + (i * 7) % 700)) | 1;
    mpz_class n = cofactor;
    for (int k = 0; k < i % 9; ++k) n *= table[mpz_class(rng.get_z_range(table.size())).get_ui()];
    n <<= i % 5;
    std::vector<mpz_class> expected;
    mpz_class rest = n;
    for (std::uint32_t p : table)
      while (mpz_divisible_ui_p(rest.get_mpz_t(), p)) {
        rest /= p;
        expected.emplace_back(p);
      }
    std::vector<mpz_class> primes;
    mpz_class m = n;
    trial_divide(m, 65535, primes);
    INFO(n.get_str());
    // Stopping early once p^2 > m may leave a prime below 2^16 in m, for the caller.
    // clang-tidy 14 calls `x > 1 && x < c` "always false" whenever > and < are overloaded
    // operators (here gmpxx's): a false positive, the range is not empty.
    // NOLINTNEXTLINE(misc-redundant-expression)
    if (m > 1 && m < 65536) {
      REQUIRE(rest == 1);
      CHECK(m == expected.back());
      expected.pop_back();
      rest = m;
    }
    CHECK(m == rest);
    CHECK(primes == expected);
  }
  // A lower bound leaves the primes above it.
  mpz_class n = mpz_class("1000000000000000000117") * 7 * 1009 * 65521;
  std::vector<mpz_class> primes;
  trial_divide(n, 1000, primes);
  CHECK(primes == std::vector<mpz_class>{7});
  CHECK(n == mpz_class("1000000000000000000117") * 1009 * 65521);
}
