#include "factor/factor64.hpp"

#include "factor/prime64.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>
#include <vector>

using factord::factor::factor_u64;
using factord::factor::is_prime_u64;
using factord::factor::stop_token;

namespace {

__extension__ typedef unsigned __int128 u128;

std::vector<std::uint64_t> factor_completely(std::uint64_t n) {
  stop_token stop;
  std::vector<std::uint64_t> primes;
  REQUIRE(factor_u64(n, stop, primes) == 1);
  std::sort(primes.begin(), primes.end());
  return primes;
}

// The observable contract: every part prime, their product n.
void check_factorization(std::uint64_t n) {
  CAPTURE(n);
  std::vector<std::uint64_t> primes = factor_completely(n);
  u128 product = 1;
  for (std::uint64_t p : primes) {
    CAPTURE(p);
    REQUIRE(is_prime_u64(p));
    product *= p;
  }
  REQUIRE(product == n);
}

std::uint64_t random_prime(std::mt19937_64& rng, int bits) {
  for (;;) {
    std::uint64_t candidate = (rng() >> (64 - bits)) | (1ull << (bits - 1)) | 1;
    if (is_prime_u64(candidate)) return candidate;
  }
}

using list = std::vector<std::uint64_t>;

} // namespace

TEST_CASE("factor_u64 on the smallest numbers", "[u64][factor64]") {
  stop_token stop;
  std::vector<std::uint64_t> primes;
  CHECK(factor_u64(0, stop, primes) == 0);
  CHECK(factor_u64(1, stop, primes) == 1);
  CHECK(primes.empty());
  CHECK(factor_completely(2) == list{2});
  CHECK(factor_completely(3) == list{3});
  CHECK(factor_completely(4) == list{2, 2});
  CHECK(factor_completely(1031ull * 1031ull) == list{1031, 1031}); // first past trial division
}

TEST_CASE("factor_u64 on known factorizations", "[u64][factor64]") {
  CHECK(factor_completely(~std::uint64_t{0}) == list{3, 5, 17, 257, 641, 65537, 6700417});
  CHECK(factor_completely(18446744073709551557ull) == list{18446744073709551557ull});
  CHECK(factor_completely(3211891798434562153ull) == list{1000000087, 3211891519});
  CHECK(factor_completely(1016669087450202913ull) == list{1000000087, 1016668999});
  CHECK(factor_completely(4294967291ull * 4294967291ull) == list{4294967291, 4294967291});
  CHECK(factor_completely(4294967291ull * 4294967279ull) == list{4294967279, 4294967291});
  CHECK(factor_completely(2097143ull * 2097143 * 2097143) == list{2097143, 2097143, 2097143});
  CHECK(factor_completely(2097143ull * 2097143 * 2097131) == list{2097131, 2097143, 2097143});
  CHECK(factor_completely(65521ull * 65521 * 65521 * 65521) == list(4, 65521));
  CHECK(factor_completely(1ull << 63) == list(63, 2));
  CHECK(factor_completely(12157665459056928801ull) == list(40, 3)); // 3^40
}

TEST_CASE("factor_u64 on pseudoprimes and Carmichael numbers", "[u64][factor64]") {
  CHECK(factor_completely(2047) == list{23, 89});
  CHECK(factor_completely(561) == list{3, 11, 17});
  CHECK(factor_completely(3825123056546413051ull) == list{149491, 747451, 34233211});
  for (std::uint64_t n : {3215031751ull, 2152302898747ull, 3474749660383ull, 341550071728321ull, 41041ull,
                          825265ull, 321197185ull, 5394826801ull, 232250619601ull, 9746347772161ull})
    check_factorization(n);
}

TEST_CASE("factor_u64 on powers of two and numbers around 2^32 and 2^64", "[u64][factor64]") {
  for (int k = 0; k < 64; ++k) CHECK(factor_completely(1ull << k) == list(k, 2));
  for (std::uint64_t n = (1ull << 32) - 300; n < (1ull << 32) + 300; ++n) check_factorization(n);
  for (std::uint64_t n = ~std::uint64_t{0} - 300; n != 0; ++n) check_factorization(n);
}

TEST_CASE("factor_u64 splits balanced semiprimes of every size", "[u64][factor64]") {
  std::mt19937_64 rng(7);
  for (int bits = 16; bits <= 64; bits += 2) {
    for (int i = 0; i < 20; ++i) {
      std::uint64_t p = random_prime(rng, bits / 2);
      std::uint64_t q = random_prime(rng, bits - bits / 2);
      CAPTURE(p, q);
      CHECK(factor_completely(p * q) == (p < q ? list{p, q} : list{q, p}));
    }
  }
}

TEST_CASE("factor_u64 factors random 64-bit numbers completely", "[u64][factor64]") {
  std::mt19937_64 rng(12345);
  for (int i = 0; i < 3000; ++i) check_factorization(rng());
  for (int i = 0; i < 1000; ++i) check_factorization((rng() >> (rng() % 64)) | 1);
}

TEST_CASE("factor_u64 stops early and hands back the cofactor", "[u64][factor64]") {
  stop_token stop([] { return true; }, std::chrono::nanoseconds(0));
  std::vector<std::uint64_t> primes;
  const std::uint64_t semiprime = 1000000087ull * 1016668999ull;
  auto started = std::chrono::steady_clock::now();
  CHECK(factor_u64(semiprime, stop, primes) == semiprime);
  CHECK(primes.empty());

  // Small factors and primes are still found by trial division and BPSW; only the split
  // of the composite remainder is abandoned.
  CHECK(factor_u64(8 * 1000000087ull, stop, primes) == 1);
  CHECK(primes == list{2, 2, 2, 1000000087});
  primes.clear();
  CHECK(factor_u64(12 * 1000000087ull * 1000000123ull / 4, stop, primes) == 1000000087ull * 1000000123ull);
  CHECK(primes == list{3});
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(100));
}

TEST_CASE("factor_u64 stops at its compute budget", "[u64][factor64]") {
  // A 1 ns budget has run out before the first check.
  stop_token stop(nullptr, std::chrono::nanoseconds(1));
  std::vector<std::uint64_t> primes;
  const std::uint64_t semiprime = 4294967291ull * 4294967279ull;
  CHECK(factor_u64(semiprime, stop, primes) == semiprime);
  CHECK(stop.reason() == factord::factor::errc::budget_exceeded);
}
