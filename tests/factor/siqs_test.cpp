#include "factor/siqs.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>

using namespace factord::factor;

namespace {

// A prime of exactly `digits` digits drawn from `rng` (fixed seeds keep tests repeatable).
mpz_class random_prime(gmp_randclass& rng, unsigned digits) {
  mpz_class low;
  mpz_ui_pow_ui(low.get_mpz_t(), 10, digits - 1);
  mpz_class p = low + rng.get_z_range(low * 8);
  mpz_nextprime(p.get_mpz_t(), p.get_mpz_t());
  return p;
}

mpz_class balanced_semiprime(unsigned digits, unsigned long seed) {
  gmp_randclass rng(gmp_randinit_default);
  rng.seed(seed);
  const unsigned half = digits / 2;
  return random_prime(rng, half) * random_prime(rng, digits - half);
}

bool proper_divisor(const mpz_class& f, const mpz_class& n) {
  return f > 1 && f < n && mpz_divisible_p(n.get_mpz_t(), f.get_mpz_t());
}

} // namespace

TEST_CASE("SIQS splits balanced semiprimes of 20 to 50 digits", "[siqs]") {
  for (unsigned digits : {20u, 25u, 30u, 35u, 40u, 45u, 50u}) {
    for (unsigned long seed : {1ul, 2ul}) {
      if (digits >= 45 && seed > 1) continue; // keep the suite fast
      const mpz_class n = balanced_semiprime(digits, seed * 1000 + digits);
      INFO("n = " << n.get_str());
      REQUIRE(mpz_sizeinbase(n.get_mpz_t(), 10) >= digits - 1);
      stop_token stop;
      CHECK(proper_divisor(siqs_find_factor(n, stop), n));
    }
  }
}

// The sizes where double large primes are on (siqs_params: from 60 digits); a few
// seconds each, about 12 s together.
TEST_CASE("SIQS splits balanced semiprimes of 55 to 70 digits", "[siqs]") {
  for (unsigned digits : {55u, 60u, 65u, 70u}) {
    const mpz_class n = balanced_semiprime(digits, 7000 + digits);
    INFO("n = " << n.get_str());
    REQUIRE(mpz_sizeinbase(n.get_mpz_t(), 10) >= digits - 1);
    stop_token stop;
    CHECK(proper_divisor(siqs_find_factor(n, stop), n));
  }
}

// Half a minute: ctest and a bare factor_tests skip it; `factor_tests "[slow]"` runs it.
TEST_CASE("SIQS splits a balanced 75-digit semiprime", "[siqs][.slow]") {
  const mpz_class n = balanced_semiprime(75, 7075);
  INFO("n = " << n.get_str());
  REQUIRE(mpz_sizeinbase(n.get_mpz_t(), 10) >= 74);
  stop_token stop;
  CHECK(proper_divisor(siqs_find_factor(n, stop), n));
}

TEST_CASE("SIQS splits a product of three 15-digit primes", "[siqs]") {
  gmp_randclass rng(gmp_randinit_default);
  rng.seed(315);
  const mpz_class n = random_prime(rng, 15) * random_prime(rng, 15) * random_prime(rng, 15);
  INFO("n = " << n.get_str());
  stop_token stop;
  CHECK(proper_divisor(siqs_find_factor(n, stop), n));
}

TEST_CASE("SIQS handles the smallest sizes it is given", "[siqs]") {
  for (unsigned long seed = 1; seed <= 5; ++seed) {
    const mpz_class n = balanced_semiprime(18, seed);
    INFO("n = " << n.get_str());
    stop_token stop;
    CHECK(proper_divisor(siqs_find_factor(n, stop), n));
  }
}

TEST_CASE("SIQS stops within 50 ms of cancellation", "[siqs]") {
  using clock = std::chrono::steady_clock;
  const mpz_class n = balanced_semiprime(55, 55);
  const auto flip_at = clock::now() + std::chrono::milliseconds(100);
  stop_token stop([&] { return clock::now() >= flip_at; }, std::chrono::nanoseconds(0));
  const mpz_class f = siqs_find_factor(n, stop);
  const auto late = clock::now() - flip_at;
  CHECK(f == 0);
  CHECK(stop.reason() == errc::cancelled);
  CHECK(late < std::chrono::milliseconds(50));
}

TEST_CASE("SIQS honours a compute budget", "[siqs]") {
  const mpz_class n = balanced_semiprime(55, 56);
  stop_token stop({}, std::chrono::milliseconds(30));
  CHECK(siqs_find_factor(n, stop) == 0);
  CHECK(stop.reason() == errc::budget_exceeded);
}
