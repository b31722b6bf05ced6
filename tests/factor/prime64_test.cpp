#include "factor/prime64.hpp"

#include <catch2/catch.hpp>
#include <gmp.h>

#include <cstdint>
#include <random>
#include <vector>

using factord::factor::is_prime_u64;
using factord::factor::strong_fermat_base2_u64;
using factord::factor::strong_lucas_selfridge_u64;

namespace {

bool gmp_says_prime(std::uint64_t n) {
  mpz_t x;
  mpz_init(x);
  mpz_import(x, 1, 1, sizeof n, 0, 0, &n);
  bool prime = mpz_probab_prime_p(x, 40) != 0;
  mpz_clear(x);
  return prime;
}

constexpr std::uint64_t max_u64 = ~std::uint64_t{0};

} // namespace

TEST_CASE("is_prime_u64 on the smallest numbers", "[u64][prime64]") {
  CHECK_FALSE(is_prime_u64(0));
  CHECK_FALSE(is_prime_u64(1));
  CHECK(is_prime_u64(2));
  CHECK(is_prime_u64(3));
  CHECK_FALSE(is_prime_u64(4));
  CHECK(is_prime_u64(127)); // first number past trial division
  CHECK_FALSE(is_prime_u64(std::uint64_t{127} * 127));
  CHECK_FALSE(is_prime_u64(std::uint64_t{127} * 131));
}

TEST_CASE("is_prime_u64 agrees with a sieve below 2^20", "[u64][prime64]") {
  constexpr std::uint32_t limit = 1 << 20;
  std::vector<bool> composite(limit, false);
  composite[0] = composite[1] = true;
  for (std::uint32_t p = 2; p * p < limit; ++p)
    if (!composite[p])
      for (std::uint32_t q = p * p; q < limit; q += p) composite[q] = true;
  std::uint32_t mismatches = 0;
  for (std::uint32_t n = 0; n < limit; ++n)
    if (is_prime_u64(n) == composite[n]) ++mismatches;
  CHECK(mismatches == 0);
}

TEST_CASE("strong base-2 pseudoprimes pass Fermat and fail BPSW", "[u64][prime64]") {
  for (std::uint64_t n : {2047ull, 3215031751ull, 2152302898747ull, 3474749660383ull, 341550071728321ull,
                          3825123056546413051ull}) {
    CAPTURE(n);
    CHECK(strong_fermat_base2_u64(n));
    CHECK_FALSE(strong_lucas_selfridge_u64(n));
    CHECK_FALSE(is_prime_u64(n));
  }
}

TEST_CASE("strong Lucas pseudoprimes pass Lucas and fail BPSW", "[u64][prime64]") {
  // The first strong Lucas pseudoprimes for Selfridge's parameters (OEIS A217255).
  for (std::uint64_t n : {5459ull, 5777ull, 10877ull, 16109ull, 18971ull}) {
    CAPTURE(n);
    CHECK(strong_lucas_selfridge_u64(n));
    CHECK_FALSE(strong_fermat_base2_u64(n));
    CHECK_FALSE(is_prime_u64(n));
  }
}

TEST_CASE("Carmichael numbers are composite", "[u64][prime64]") {
  for (std::uint64_t n :
       {561ull, 41041ull, 825265ull, 321197185ull, 5394826801ull, 232250619601ull, 9746347772161ull}) {
    CAPTURE(n);
    CHECK_FALSE(is_prime_u64(n));
  }
}

TEST_CASE("is_prime_u64 near 2^32 and 2^64", "[u64][prime64]") {
  CHECK(is_prime_u64(4294967291ull)); // largest prime < 2^32
  CHECK(is_prime_u64(4294967311ull)); // smallest prime > 2^32
  CHECK_FALSE(is_prime_u64(4294967296ull));
  CHECK_FALSE(is_prime_u64(4294967291ull * 4294967291ull));
  CHECK(is_prime_u64(18446744073709551557ull)); // 2^64 - 59, largest prime < 2^64
  CHECK_FALSE(is_prime_u64(max_u64));
  for (std::uint64_t n = max_u64 - 2000; n != 0; ++n) {
    CAPTURE(n);
    REQUIRE(is_prime_u64(n) == gmp_says_prime(n));
  }
  for (std::uint64_t n = (1ull << 32) - 2000; n < (1ull << 32) + 2000; ++n) {
    CAPTURE(n);
    REQUIRE(is_prime_u64(n) == gmp_says_prime(n));
  }
}

TEST_CASE("is_prime_u64 agrees with GMP on random numbers of every size", "[u64][prime64]") {
  std::mt19937_64 rng(20240601);
  std::uint32_t checked_primes = 0;
  for (int i = 0; i < 200000; ++i) {
    int bits = 2 + static_cast<int>(rng() % 63);
    std::uint64_t n = rng() >> (64 - bits);
    bool prime = is_prime_u64(n);
    if (prime != gmp_says_prime(n)) FAIL("disagreement with GMP on " << n);
    checked_primes += prime;
  }
  CHECK(checked_primes > 5000); // the sample really exercised the prime branch
}

TEST_CASE("is_prime_u64 agrees with GMP on products of two primes", "[u64][prime64]") {
  // Pseudoprimes hide among products of few primes, which trial division does not catch:
  // sample those directly, including the classic (k+1)(2k+1) shape.
  std::mt19937_64 rng(31337);
  auto random_prime = [&](int bits) {
    for (;;) {
      std::uint64_t candidate = (rng() >> (64 - bits)) | (1ull << (bits - 1)) | 1;
      if (gmp_says_prime(candidate)) return candidate;
    }
  };
  for (int i = 0; i < 30000; ++i) {
    int bits = 8 + static_cast<int>(rng() % 25);
    std::uint64_t p = random_prime(bits);
    std::uint64_t q = i % 2 == 0 ? random_prime(64 - bits) : 2 * p - 1;
    if (q > ~std::uint64_t{0} / p || !gmp_says_prime(q)) continue;
    CAPTURE(p, q);
    REQUIRE_FALSE(is_prime_u64(p * q));
  }
}
