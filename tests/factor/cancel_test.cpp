// Every engine phase polls its stop token inside its long loops, not only between them:
// a token that trips after N real checks must see exactly N + 1 (the phase returns at
// the first poll after the trip), and the phase must report "stopped", not an answer.
// Poll counts, not wall-clock time, so these hold on any machine and load.
#include "factor/bpsw.hpp"
#include "factor/ecm.hpp"
#include "factor/engine.hpp"
#include "factor/fermat.hpp"
#include "factor/perfect_power.hpp"
#include "factor/rho_mpz.hpp"
#include "factor/siqs_linalg.hpp"
#include "factor/stop.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

using namespace factord::factor;

namespace {

mpz_class mersenne(unsigned exponent) { return (mpz_class(1) << exponent) - 1; }

// 1332 digits, 70 words: past the size where 2^d mod n is one mpz_powm call.
const mpz_class big_prime = mersenne(4423);
// 2300 digits, no factor that trial division, rho or a first ECM curve finds.
const mpz_class big_composite = mersenne(4423) * mersenne(3217);

// A hook that says "stop" from its (trip_after + 1)-th call on, counting every call.
struct tripwire {
  std::uint64_t trip_after;
  std::uint64_t calls = 0;
  stop_token token() {
    return stop_token([this] { return ++calls > trip_after; }, {});
  }
};

} // namespace

TEST_CASE("a stop token that trips counts every real check and stays stopped", "[cancel]") {
  tripwire wire{3};
  stop_token stop = wire.token();
  CHECK_FALSE(stop.should_stop());
  CHECK_FALSE(stop.should_stop());
  CHECK_FALSE(stop.should_stop());
  CHECK(stop.should_stop());
  CHECK(stop.should_stop()); // sticky: the hook is not asked again
  CHECK(wire.calls == 4);
  CHECK(stop.reason() == errc::cancelled);
}

TEST_CASE("strided_stop really checks every stride calls", "[cancel]") {
  tripwire wire{1000};
  stop_token stop = wire.token();
  strided_stop poll(stop, 8);
  for (int i = 0; i < 80; ++i) CHECK_FALSE(poll.should_stop());
  CHECK(wire.calls == 10);
  CHECK(steps_per_poll(mpz_class(1) << 64) > steps_per_poll(big_prime));
  CHECK(steps_per_poll(big_prime) == 1);
}

TEST_CASE("BPSW on a 1332-digit prime polls inside both halves", "[cancel]") {
  tripwire counting{UINT64_MAX};
  stop_token never_stops = counting.token();
  REQUIRE(is_probable_prime(big_prime, never_stops));
  // At least one poll per bit of the exponent in each half (70 words: stride 1).
  CHECK(counting.calls >= std::uint64_t{8800});

  SECTION("a stop during the Fermat half") {
    tripwire wire{100};
    stop_token stop = wire.token();
    CHECK_FALSE(strong_fermat_base2(big_prime, stop));
    CHECK(wire.calls == 101);
    CHECK(stop.reason() == errc::cancelled);
  }
  SECTION("a stop during the Lucas half") {
    tripwire wire{100};
    stop_token stop = wire.token();
    CHECK_FALSE(strong_lucas_selfridge(big_prime, stop));
    CHECK(wire.calls == 101);
  }
  SECTION("a stop requested before the test") {
    stop_token stop([] { return true; }, {});
    CHECK_FALSE(is_probable_prime(big_prime, stop));
    CHECK(stop.reason() == errc::cancelled);
  }
  SECTION("an exhausted budget") {
    stop_token stop({}, std::chrono::nanoseconds{1});
    CHECK_FALSE(is_probable_prime(big_prime, stop));
    CHECK(stop.reason() == errc::budget_exceeded);
  }
}

TEST_CASE("the polled 2^d mod n ladder gives mpz_powm's verdicts beyond 64 words", "[cancel]") {
  stop_token never;
  CHECK(strong_fermat_base2(big_prime, never));
  CHECK_FALSE(strong_fermat_base2(big_composite, never));
  // 2^p - 1 for a prime p is a strong probable prime to base 2 even when composite:
  // 2^4409 - 1 is (4409 is prime, no Mersenne prime has it); Lucas must reject it.
  REQUIRE(mpz_probab_prime_p(mpz_class(4409).get_mpz_t(), 25) == 2);
  const mpz_class pseudoprime = mersenne(4409);
  CHECK(mpz_probab_prime_p(pseudoprime.get_mpz_t(), 1) == 0);
  CHECK(strong_fermat_base2(pseudoprime, never));
  CHECK_FALSE(strong_lucas_selfridge(pseudoprime, never));
  CHECK_FALSE(is_probable_prime(pseudoprime, never));
  // Odd numbers of 70-79 words: the same verdicts as GMP's own test.
  for (unsigned e : {4421u, 4500u, 5000u}) {
    const mpz_class odd = mersenne(e) - 2 * 3 * 5 * 7;
    const bool gmp = mpz_probab_prime_p(odd.get_mpz_t(), 25) != 0;
    CHECK(is_probable_prime(odd, never) == gmp);
  }
}

TEST_CASE("the perfect-power root search polls and gives up with exponent 1", "[cancel]") {
  const mpz_class n = [] {
    mpz_class p;
    mpz_ui_pow_ui(p.get_mpz_t(), 3, 6007); // 3^6007: 780 prime exponents to try
    return p;
  }();
  mpz_class root;
  stop_token never;
  CHECK(perfect_power(n, root, never) == 6007);
  CHECK(root == 3);

  tripwire wire{2};
  stop_token stop = wire.token();
  CHECK(perfect_power(n, root, stop) == 1);
  CHECK(root == n);
  CHECK(wire.calls == 3);
  CHECK(stop.reason() == errc::cancelled);
}

TEST_CASE("Fermat checks its token for every multiplier", "[cancel]") {
  tripwire wire{5};
  stop_token stop = wire.token();
  CHECK(fermat_multipliers(big_composite, 32, stop) == 0);
  CHECK(wire.calls == 6);
}

TEST_CASE("rho on a big number polls inside its batches", "[cancel]") {
  tripwire counting{UINT64_MAX};
  stop_token never_stops = counting.token();
  CHECK(rho_brent(big_composite, 1u << 10, 1, never_stops) == 0);
  CHECK(counting.calls >= 1u << 10); // one per step at 121 words

  tripwire wire{200};
  stop_token stop = wire.token();
  CHECK(rho_brent(big_composite, 1u << 14, 1, stop) == 0);
  CHECK(wire.calls == 201);
}

TEST_CASE("ECM curves whose batch stage 1 would outlast a poll interval poll per prime", "[cancel]") {
  // 301 digits and B1 = 5e4: a batch stage 1 here is ~0.3 s without a poll; the
  // non-batch curve polls once per prime below B1 (5133 of them).
  mpz_class low;
  mpz_ui_pow_ui(low.get_mpz_t(), 10, 150);
  mpz_class p, q;
  mpz_nextprime(p.get_mpz_t(), low.get_mpz_t());
  mpz_nextprime(q.get_mpz_t(), mpz_class(low * 7).get_mpz_t());
  const mpz_class n = p * q;
  tripwire counting{UINT64_MAX};
  stop_token never_stops = counting.token();
  std::uint64_t sigma = 2;
  ecm_stage2 stage2;
  CHECK(ecm_curves(n, 5e4, 1, sigma, stage2, never_stops) == 0);
  CHECK(counting.calls > 4000);

  tripwire wire{50};
  stop_token stop = wire.token();
  CHECK(ecm_curves(n, 5e4, 1, sigma, stage2, stop) == 0);
  CHECK(wire.calls == 51);
  CHECK(stop.reason() == errc::cancelled);
}

TEST_CASE("ECM keeps the batch curves where they fit a poll interval", "[cancel]") {
  // A 60-digit number at B1 = 2000: a batch curve takes ~1 ms, and the only polls are
  // the one before each curve and GMP-ECM's between the steps of stage 2.
  mpz_class p, q;
  mpz_nextprime(p.get_mpz_t(), mpz_class("100000000000000000000000000000").get_mpz_t());
  mpz_nextprime(q.get_mpz_t(), mpz_class("700000000000000000000000000000").get_mpz_t());
  tripwire counting{UINT64_MAX};
  stop_token stop = counting.token();
  std::uint64_t sigma = 2;
  ecm_stage2 stage2;
  CHECK(ecm_curves(p * q, 2000, 1, sigma, stage2, stop) == 0);
  CHECK(counting.calls < 50);
}

TEST_CASE("a curve's gap is measured from its own start, not the thread's", "[cancel]") {
  // The thread has used ~500 ms of CPU before the curve. A Suyama curve (301 digits,
  // B1 = 5e4; the test above) polls once per prime in stage 1 and between stage 2's steps,
  // each a few milliseconds (tens under the sanitizers).
  const auto begin = std::chrono::steady_clock::now();
  volatile std::uint64_t spin = 0;
  while (std::chrono::steady_clock::now() - begin < std::chrono::milliseconds(500)) spin = spin + 1;
  mpz_class low;
  mpz_ui_pow_ui(low.get_mpz_t(), 10, 150);
  mpz_class p, q;
  mpz_nextprime(p.get_mpz_t(), low.get_mpz_t());
  mpz_nextprime(q.get_mpz_t(), mpz_class(low * 7).get_mpz_t());
  stop_token never;
  std::uint64_t sigma = 2;
  ecm_stage2 stage2;
  CHECK(ecm_curves(p * q, 5e4, 1, sigma, stage2, never) == 0);
  CHECK(stage2.gap_ms > 0);
  CHECK(stage2.gap_ms < 150);
  CHECK(ecm_stage2_next(stage2, 2000).blocks == 0);
}

TEST_CASE("a smaller stage-2 cut polls more often and finds the same factors", "[cancel]") {
  // 60 digits at B1 = 2000: batch curves, so the polls counted are stage 2's (and one
  // before each curve). A last curve that went long makes the next take the smallest cut
  // (dF 16, GMP-ECM's default 64).
  mpz_class p, q;
  mpz_nextprime(p.get_mpz_t(), mpz_class("100000000000000000000000000000").get_mpz_t());
  mpz_nextprime(q.get_mpz_t(), mpz_class("700000000000000000000000000000").get_mpz_t());
  const ecm_stage2 fresh;
  const ecm_stage2 went_long{2000, 64, 1000};
  auto polls_with = [&](const ecm_stage2& last) {
    tripwire counting{UINT64_MAX};
    stop_token stop = counting.token();
    std::uint64_t sigma = 2;
    ecm_stage2 stage2 = last;
    CHECK(ecm_curves(p * q, 2000, 1, sigma, stage2, stop) == 0);
    CHECK(stage2.gap_ms > 0);
    return counting.calls;
  };
  const auto by_default = polls_with(fresh);
  const auto cut_small = polls_with(went_long);
  CHECK(cut_small > by_default);

  // A 12-digit factor of a 100-digit number, with GMP-ECM's cut and with the smallest.
  mpz_class small, big;
  mpz_nextprime(small.get_mpz_t(), mpz_class("314159265359").get_mpz_t());
  mpz_nextprime(big.get_mpz_t(), mpz_class(mpz_class(1) << 292).get_mpz_t());
  const mpz_class n = small * big;
  for (const ecm_stage2& last : {fresh, went_long}) {
    stop_token never;
    std::uint64_t sigma = 2;
    ecm_stage2 stage2 = last;
    CHECK(ecm_curves(n, 2000, 50, sigma, stage2, never) == small);
  }
}

TEST_CASE("the linear algebra polls every column of a big matrix", "[cancel]") {
  // 2000 columns x 2100 relations: 2000 rows x 33 words, past the one-poll-per-column size.
  std::mt19937 random(7);
  std::uniform_int_distribution<std::uint32_t> column(0, 1999);
  std::vector<std::vector<std::uint32_t>> relations(2100);
  for (auto& r : relations)
    for (int k = 0; k < 20; ++k) r.push_back(column(random));
  tripwire wire{10};
  stop_token stop = wire.token();
  CHECK(find_dependencies(relations, 2000, 32, stop).empty());
  CHECK(wire.calls == 11);

  stop_token never;
  const auto dependencies = find_dependencies(relations, 2000, 32, never);
  CHECK(dependencies.size() == 32);
}

TEST_CASE("factorize stops inside BPSW or the split and reports the number unfactored", "[cancel]") {
  // 300 polls: inside BPSW of the prime. 9000: past BPSW of the composite (~7640 polls,
  // one per bit of n - 1) and its 32 Fermat multipliers, inside rho.
  const auto [n, trip_after] = GENERATE(std::make_pair(big_prime, std::uint64_t{300}),
                                        std::make_pair(big_composite, std::uint64_t{9000}));
  tripwire wire{trip_after};
  options opts;
  opts.stop_requested = [&wire] { return ++wire.calls > wire.trip_after; };
  const factorization out = factorize(n, opts);
  CHECK(out.error == errc::cancelled);
  CHECK(out.factors.empty());
  REQUIRE(out.unfactored.size() == 1);
  CHECK(out.unfactored[0] == n);
  CHECK(wire.calls == trip_after + 1);
}

TEST_CASE("factorize still finds a big prime's square root when nothing stops it", "[cancel]") {
  const factorization out = factorize(big_prime * big_prime);
  REQUIRE(out.ok());
  REQUIRE(out.factors.size() == 2);
  CHECK(out.factors[0] == big_prime);
  CHECK(out.factors[1] == big_prime);
}

TEST_CASE("the polled mpz ECM stage 1 finds small factors", "[cancel]") {
  // Same curves as on a 10,000-digit number, on a small one so the test is quick.
  mpz_class p, q;
  mpz_nextprime(p.get_mpz_t(), mpz_class(10000019).get_mpz_t());
  mpz_nextprime(q.get_mpz_t(), mpz_class(mpz_class(1) << 200).get_mpz_t());
  stop_token never;
  std::uint64_t sigma = 2;
  CHECK(ecm_stage1_polled(p * q, 2000, 100, sigma, never) == p);
  CHECK(sigma > 2);

  tripwire wire{10};
  stop_token stop = wire.token();
  CHECK(ecm_stage1_polled(big_composite, 2000, 1, sigma, stop) == 0);
  CHECK(wire.calls == 11);
}

TEST_CASE("ECM on a 10,000-digit number polls at every ladder step", "[cancel]") {
  const mpz_class n = mersenne(19937) * mersenne(9689) * mersenne(4423); // 10,251 digits
  REQUIRE(mpz_size(n.get_mpz_t()) >= ecm_polled_min_words);
  tripwire wire{30};
  stop_token stop = wire.token();
  std::uint64_t sigma = 2;
  ecm_stage2 stage2;
  CHECK(ecm_curves(n, 2000, 1, sigma, stage2, stop) == 0);
  CHECK(wire.calls == 31);
}
