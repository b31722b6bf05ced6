#include "factor/ecm.hpp"
#include "factor/fermat.hpp"
#include "factor/rho_mpz.hpp"

#include <catch2/catch.hpp>

using namespace factord::factor;

namespace {

bool proper_divisor(const mpz_class& f, const mpz_class& n) {
  return f > 1 && f < n && mpz_divisible_p(n.get_mpz_t(), f.get_mpz_t());
}

mpz_class next_prime(const mpz_class& x) {
  mpz_class p;
  mpz_nextprime(p.get_mpz_t(), x.get_mpz_t());
  return p;
}

} // namespace

TEST_CASE("Fermat with multipliers splits factors near a small ratio", "[methods]") {
  stop_token stop;
  mpz_class n("100000000000000000050700000000000000004563"); // q/p close to 10
  CHECK(proper_divisor(fermat_multipliers(n, 32, stop), n));
  mpz_class p = next_prime(mpz_class("123456789012345678901234567"));
  mpz_class q = next_prime(p * 3 + 1000);
  CHECK(proper_divisor(fermat_multipliers(p * q, 32, stop), p * q));
  // Far-apart factors are not this method's business.
  mpz_class far = next_prime(mpz_class(1) << 40) * next_prime(mpz_class(1) << 90);
  CHECK(fermat_multipliers(far, 32, stop) == 0);
}

TEST_CASE("rho finds small factors of big numbers", "[methods]") {
  stop_token stop;
  mpz_class p = next_prime(mpz_class(1000003));
  mpz_class big = next_prime(mpz_class(1) << 200);
  mpz_class n = p * big;
  mpz_class f = rho_brent(n, 1 << 14, 1, stop);
  CHECK(f == p);
  // A stopped token returns 0 at once.
  stop_token stopped([] { return true; }, {});
  CHECK(rho_brent(n, 1 << 20, 1, stopped) == 0);
}

TEST_CASE("ECM through GMP-ECM finds a 15-digit factor of a 100-digit number", "[methods]") {
  stop_token stop;
  mpz_class p = next_prime(mpz_class("314159265358979"));
  mpz_class big = next_prime(mpz_class(1) << 280);
  mpz_class n = p * big;
  std::uint64_t sigma = 2;
  ecm_stage2 stage2;
  mpz_class f;
  for (int level = 0; level < 4 && f == 0; ++level) f = ecm_curves(n, 2000, 25, sigma, stage2, stop);
  CHECK(f == p);
  CHECK(sigma > 2);
  CHECK(ecm_schedule().front().factor_digits == 15);
}

TEST_CASE("ECM honours a stop request", "[methods]") {
  stop_token stopped([] { return true; }, {});
  std::uint64_t sigma = 2;
  ecm_stage2 stage2;
  CHECK(ecm_curves((mpz_class(1) << 401) - 1, 1e6, 10, sigma, stage2, stopped) == 0);
}
