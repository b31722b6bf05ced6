#include "factor/rho64.hpp"

#include "factor/prime64.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <limits>
#include <random>

using factord::factor::is_prime_u64;
using factord::factor::rho_brent_u64;
using factord::factor::stop_token;

namespace {

constexpr std::uint64_t unlimited = std::numeric_limits<std::uint64_t>::max();

std::uint64_t random_prime(std::mt19937_64& rng, int bits) {
  for (;;) {
    std::uint64_t candidate = (rng() >> (64 - bits)) | (1ull << (bits - 1)) | 1;
    if (is_prime_u64(candidate)) return candidate;
  }
}

// Retries with new constants the way factor_u64 does.
std::uint64_t rho_any_c(std::uint64_t n, stop_token& stop) {
  for (std::uint64_t c = 1; c < 20; ++c)
    if (std::uint64_t factor = rho_brent_u64(n, c, unlimited, stop)) return factor;
  return 0;
}

} // namespace

TEST_CASE("rho_brent_u64 splits small and mid-sized composites", "[u64][rho64]") {
  stop_token stop;
  CHECK(rho_brent_u64(1000, 1, unlimited, stop) == 2);
  for (std::uint64_t n : {1000000087ull * 1016668999ull, 1000000087ull * 3211891519ull,
                          4294967291ull * 4294967279ull, 10403ull, 561ull}) {
    CAPTURE(n);
    std::uint64_t factor = rho_any_c(n, stop);
    CHECK(factor > 1);
    CHECK(factor < n);
    CHECK(n % factor == 0);
  }
}

TEST_CASE("rho_brent_u64 splits random semiprimes of 20 to 48 bits", "[u64][rho64]") {
  std::mt19937_64 rng(99);
  stop_token stop;
  for (int bits = 20; bits <= 48; bits += 4) {
    for (int i = 0; i < 30; ++i) {
      std::uint64_t p = random_prime(rng, bits / 2);
      std::uint64_t q = random_prime(rng, bits - bits / 2);
      if (p == q) continue;
      std::uint64_t factor = rho_any_c(p * q, stop);
      CAPTURE(p, q);
      CHECK((factor == p || factor == q));
    }
  }
}

TEST_CASE("rho_brent_u64 gives up within its iteration budget", "[u64][rho64]") {
  stop_token stop;
  CHECK(rho_brent_u64(4294967291ull * 4294967279ull, 1, 50, stop) == 0);
}

TEST_CASE("rho_brent_u64 returns 0 once the stop token fires", "[u64][rho64]") {
  stop_token stop([] { return true; }, std::chrono::nanoseconds(0));
  CHECK(stop.should_stop());
  CHECK(rho_brent_u64(4294967291ull * 4294967279ull, 1, unlimited, stop) == 0);
}
