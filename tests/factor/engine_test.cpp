#include "factor/bpsw.hpp"
#include "factor/engine.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

using namespace factord::factor;

namespace {

std::vector<std::string> factor_strings(const std::string& n) {
  auto r = factorize(mpz_class(n));
  INFO(n << ": " << r.message);
  REQUIRE(r.ok());
  std::vector<std::string> out;
  for (const auto& f : r.factors) out.push_back(f.get_str());
  return out;
}

// Product equals the input, every factor is prime, ascending order.
void check_complete(const mpz_class& n, const factorization& r) {
  INFO("n = " << n.get_str());
  REQUIRE(r.ok());
  mpz_class product = 1;
  for (std::size_t i = 0; i < r.factors.size(); ++i) {
    product *= r.factors[i];
    CHECK(mpz_probab_prime_p(r.factors[i].get_mpz_t(), 30) != 0);
    if (i > 0) CHECK(r.factors[i - 1] <= r.factors[i]);
  }
  CHECK(product == n);
  CHECK(r.unfactored.empty());
}

using strings = std::vector<std::string>;

} // namespace

TEST_CASE("the seeds' numbers", "[engine]") {
  CHECK(factor_strings("3211891798434562153") == strings{"1000000087", "3211891519"});
  CHECK(factor_strings("66706930041755363083") == strings{"3727337573", "17896669871"});
  CHECK(factor_strings("111906709554793344173") == strings{"2106945901", "53113233473"});
  CHECK(factor_strings("28049854149491043631") == strings{"3159946799", "8876685569"});
  CHECK(factor_strings("1016669087450202913") == strings{"1000000087", "1016668999"});
  CHECK(factor_strings("100000000000000000050700000000000000004563") ==
        strings{"100000000000000000039", "1000000000000000000117"});
  CHECK(factor_strings("16") == strings{"2", "2", "2", "2"});
}

TEST_CASE("edge cases", "[engine]") {
  CHECK(factor_strings("1").empty());
  CHECK(factor_strings("2") == strings{"2"});
  CHECK(factor_strings("4294967291") == strings{"4294967291"});                     // prime < 2^32
  CHECK(factor_strings("4294967297") == strings{"641", "6700417"});                 // 2^32+1
  CHECK(factor_strings("18446744073709551557") == strings{"18446744073709551557"}); // prime < 2^64
  CHECK(factor_strings("18446744073709551615") ==
        strings{"3", "5", "17", "257", "641", "65537", "6700417"});                     // 2^64-1
  CHECK(factor_strings("18446744073709551617") == strings{"274177", "67280421310721"}); // 2^64+1
  CHECK(factor_strings("340282366920938463463374607431768211457") ==
        strings{"59649589127497217", "5704689200685129054721"}); // 2^128+1
  CHECK(factor_strings("340282366920938463463374607431768211297") ==
        strings{"340282366920938463463374607431768211297"}); // 2^128-159, prime
  CHECK(factor_strings("561") == strings{"3", "11", "17"});  // Carmichael
  CHECK(factor_strings("9746347772161") == strings{"7", "11", "13", "17", "19", "31", "37", "41", "641"});
  // Square and cube of large primes.
  mpz_class q("18446744073709551557");
  CHECK(factor_strings(mpz_class(q * q).get_str()) == strings{q.get_str(), q.get_str()});
  mpz_class p("1000000000000000000117");
  auto cube = factorize(p * p * p);
  check_complete(p * p * p, cube);
  CHECK(cube.factors == std::vector<mpz_class>{p, p, p});
  // Many small factors: 100! has 239 prime factors with multiplicity.
  mpz_class fact100;
  mpz_fac_ui(fact100.get_mpz_t(), 100);
  auto r = factorize(fact100);
  check_complete(fact100, r);
  CHECK(r.factors.size() == 239);
}

TEST_CASE("non-positive numbers are rejected", "[engine]") {
  CHECK(factorize(mpz_class(0)).error == errc::not_positive);
  CHECK(factorize(mpz_class(-12)).error == errc::not_positive);
  CHECK(factorize("abc", 300).error == errc::not_a_number);
  CHECK(factorize("", 300).error == errc::empty_input);
  CHECK(factorize(std::string(5000, '1'), 300).error == errc::too_many_digits);
  CHECK(factorize(" +91 ", 300).factors == std::vector<mpz_class>{7, 13});
}

TEST_CASE("property: random numbers factor completely", "[engine]") {
  gmp_randclass rng(gmp_randinit_default);
  rng.seed(42);
  for (int i = 0; i < 400; ++i) {
    mpz_class n = rng.get_z_bits(8 + (i * 7) % 150) + 1;
    check_complete(n, factorize(n));
  }
}

TEST_CASE("property: products of primes of mixed sizes", "[engine]") {
  gmp_randclass rng(gmp_randinit_default);
  rng.seed(7);
  for (int i = 0; i < 60; ++i) {
    mpz_class n = 1;
    int parts = 2 + i % 4;
    for (int k = 0; k < parts; ++k) {
      mpz_class p;
      mpz_class start = rng.get_z_bits(10 + (i * 13 + k * 29) % 60);
      mpz_nextprime(p.get_mpz_t(), start.get_mpz_t());
      n *= p;
    }
    check_complete(n, factorize(n));
  }
}

TEST_CASE("balanced semiprimes up to 40 digits", "[engine]") {
  gmp_randclass rng(gmp_randinit_default);
  rng.seed(1234);
  for (unsigned bits : {70u, 90u, 110u, 128u, 132u}) {
    mpz_class p, q, a = rng.get_z_bits(bits / 2) | (mpz_class(1) << (bits / 2 - 1));
    mpz_class b = rng.get_z_bits(bits / 2) | (mpz_class(1) << (bits / 2 - 1));
    mpz_nextprime(p.get_mpz_t(), a.get_mpz_t());
    mpz_nextprime(q.get_mpz_t(), b.get_mpz_t());
    mpz_class n = p * q;
    auto r = factorize(n);
    check_complete(n, r);
    CHECK(r.factors.size() == 2);
  }
}

TEST_CASE("cancellation stops a long factorization soon after the flag is raised", "[engine]") {
  // 2^401-1 has no factor small enough for any method to finish quickly (minutes). The
  // engine polls the flag every few milliseconds; the bound is loose because a loaded CI
  // machine may not schedule this thread for a while (speed is for bench/, not tests).
  mpz_class n = (mpz_class(1) << 401) - 1;
  std::atomic<bool> cancel{false};
  std::atomic<std::int64_t> raised_at{0};
  options opts;
  opts.stop_requested = [&cancel] { return cancel.load(); };
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    raised_at = std::chrono::steady_clock::now().time_since_epoch().count();
    cancel = true;
  });
  auto r = factorize(n, opts);
  auto stopped_at = std::chrono::steady_clock::now().time_since_epoch().count();
  canceller.join();
  CHECK(r.error == errc::cancelled);
  CHECK(std::chrono::steady_clock::duration(stopped_at - raised_at) < std::chrono::seconds(1));
  // What was found so far and what is left still multiply to n.
  mpz_class product = 1;
  for (const auto& f : r.factors) product *= f;
  for (const auto& u : r.unfactored) product *= u;
  CHECK(product == n);
  CHECK_FALSE(r.unfactored.empty());
}

TEST_CASE("the compute budget ends a job with budget_exceeded", "[engine]") {
  mpz_class n = (mpz_class(1) << 401) - 1;
  options opts;
  opts.budget = std::chrono::milliseconds(50);
  auto start = std::chrono::steady_clock::now();
  auto r = factorize(n, opts);
  auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(r.error == errc::budget_exceeded);
  CHECK(r.message.find("budget") != std::string::npos);
  CHECK(elapsed < std::chrono::seconds(1)); // loose: see the cancellation test
  // A number that is quick still finishes under the same budget.
  CHECK(factorize(mpz_class("3211891798434562153"), opts).ok());
}
