#include "factor/ecm64.hpp"

#include "factor/prime64.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <random>

using factord::factor::ecm_u64;
using factord::factor::is_prime_u64;
using factord::factor::stop_token;

namespace {

std::uint64_t random_prime(std::mt19937_64& rng, int bits) {
  for (;;) {
    std::uint64_t candidate = (rng() >> (64 - bits)) | (1ull << (bits - 1)) | 1;
    if (is_prime_u64(candidate)) return candidate;
  }
}

} // namespace

TEST_CASE("ecm_u64 splits balanced semiprimes of 36 to 64 bits", "[u64][ecm64]") {
  std::mt19937_64 rng(2718);
  stop_token stop;
  for (int bits = 36; bits <= 64; bits += 4) {
    for (int i = 0; i < 25; ++i) {
      std::uint64_t p = random_prime(rng, bits / 2);
      std::uint64_t q = random_prime(rng, bits - bits / 2);
      if (p == q) continue;
      CAPTURE(p, q);
      std::uint64_t factor = ecm_u64(p * q, 200, stop);
      CHECK((factor == p || factor == q));
    }
  }
}

TEST_CASE("ecm_u64 splits numbers with three or more factors", "[u64][ecm64]") {
  stop_token stop;
  const std::uint64_t several_factors[] = {~std::uint64_t{0} / 15, 2097143ull * 2097143 * 2097131,
                                           9746347772161ull, 3825123056546413051ull};
  for (std::uint64_t n : several_factors) {
    CAPTURE(n);
    std::uint64_t factor = ecm_u64(n, 200, stop);
    CHECK(factor > 1);
    CHECK(factor < n);
    CHECK(n % factor == 0);
  }
}

TEST_CASE("ecm_u64 returns 0 once the stop token fires", "[u64][ecm64]") {
  stop_token stop([] { return true; }, std::chrono::nanoseconds(0));
  CHECK(ecm_u64(1000000087ull * 3211891519ull, 200, stop) == 0);
}
