// Fixed-width Montgomery arithmetic and what runs on it: rho, ECM and the BPSW halves on
// 65-256 bit numbers, checked against GMP.
#include "factor/bpsw.hpp"
#include "factor/mont_wide.hpp"
#include "factor/wide.hpp"

#include <catch2/catch.hpp>

using namespace factord::factor;

namespace {

mpz_class next_prime(const mpz_class& x) {
  mpz_class p;
  mpz_nextprime(p.get_mpz_t(), x.get_mpz_t());
  return p;
}

bool proper_divisor(const mpz_class& f, const mpz_class& n) {
  return f > 1 && f < n && mpz_divisible_p(n.get_mpz_t(), f.get_mpz_t());
}

// Every operation of mont_wide<Limbs> against mpz on random operands modulo n.
template <int Limbs>
void check_against_mpz(const mpz_class& n, gmp_randclass& rng) {
  using arith = mont_wide<Limbs>;
  const arith m(n);
  const mpz_class r = mpz_class(1) << (mp_bitcnt_t{64} * Limbs);
  mpz_class r_inverse;
  REQUIRE(mpz_invert(r_inverse.get_mpz_t(), r.get_mpz_t(), n.get_mpz_t()) != 0);
  for (int i = 0; i < 200; ++i) {
    const mpz_class a = rng.get_z_range(n), b = rng.get_z_range(n);
    const auto am = m.to_mont(a), bm = m.to_mont(b);
    INFO("n = " << n.get_str() << ", a = " << a.get_str() << ", b = " << b.get_str());
    CHECK(m.from_mont(am) == a);
    CHECK(m.from_mont(m.mul(am, bm)) == mpz_class(a * b % n));
    CHECK(m.from_mont(m.add(am, bm)) == mpz_class((a + b) % n));
    CHECK(m.from_mont(m.sub(am, bm)) == mpz_class(((a - b) % n + n) % n));
    mpz_class half = a;
    if (mpz_odd_p(half.get_mpz_t())) half += n;
    half >>= 1;
    // half() works on Montgomery form: half(aR) = (a/2)R.
    CHECK(m.from_mont(m.half(am)) == half);
    mpz_class power;
    const mpz_class exponent = rng.get_z_bits(100);
    mpz_powm(power.get_mpz_t(), a.get_mpz_t(), exponent.get_mpz_t(), n.get_mpz_t());
    CHECK(m.from_mont(m.pow(am, exponent)) == power);
    // The raw product is REDC: a * b / R.
    CHECK(arith::to_mpz(m.mul(arith::from_mpz(a), arith::from_mpz(b))) == mpz_class(a * b * r_inverse % n));
  }
}

} // namespace

TEST_CASE("mont_wide agrees with mpz at 2, 3 and 4 words", "[wide]") {
  gmp_randclass rng(gmp_randinit_default);
  rng.seed(6);
  for (int bits : {65, 100, 127, 128}) {
    check_against_mpz<2>(mpz_class(rng.get_z_bits(bits) | (mpz_class(1) << (bits - 1)) | 1), rng);
  }
  // Moduli just below the word boundary stress the carries of the final subtraction.
  check_against_mpz<2>((mpz_class(1) << 128) - 159, rng);
  check_against_mpz<3>((mpz_class(1) << 192) - 237, rng);
  check_against_mpz<3>(mpz_class(rng.get_z_bits(150)) | (mpz_class(1) << 149) | 1, rng);
  check_against_mpz<4>((mpz_class(1) << 256) - 189, rng);
  check_against_mpz<4>(mpz_class(rng.get_z_bits(233)) | (mpz_class(1) << 232) | 1, rng);
}

TEST_CASE("wide rho peels a 7-digit factor off 20-77 digit numbers", "[wide]") {
  stop_token stop;
  const mpz_class p = next_prime(mpz_class(4000037));
  for (int bits : {70, 140, 180, 250}) {
    const mpz_class n = p * next_prime(mpz_class(1) << (bits - 23));
    INFO("bits " << bits);
    CHECK(proper_divisor(rho_wide(n, 1 << 15, stop), n));
  }
  // Balanced factors are out of reach of a short walk.
  const mpz_class hard = next_prime(mpz_class(1) << 70) * next_prime(mpz_class(1) << 71);
  CHECK(rho_wide(hard, 1 << 10, stop) == 0);
  // Numbers outside 2-4 words are refused, not mangled.
  CHECK(rho_wide(mpz_class(1000003) * 1000033, 1 << 12, stop) == 0);
}

TEST_CASE("wide ECM finds 10-12 digit factors and advances sigma", "[wide]") {
  stop_token stop;
  const mpz_class p = next_prime(mpz_class("3000000019"));   // 10 digits
  const mpz_class q = next_prime(mpz_class("700000000039")); // 12 digits
  const mpz_class big = next_prime(mpz_class(1) << 110);
  std::uint64_t sigma = 0;
  const mpz_class f = ecm_wide(p * big, 400, 60, sigma, stop);
  CHECK(proper_divisor(f, p * big));
  CHECK(sigma >= 6);
  const mpz_class n = q * next_prime(mpz_class(1) << 180);
  CHECK(proper_divisor(ecm_wide(n, 1500, 80, sigma, stop), n));
}

TEST_CASE("wide rho and ECM stop when asked", "[wide]") {
  stop_token stop([] { return true; }, std::chrono::nanoseconds(0));
  const mpz_class hard = next_prime(mpz_class(1) << 70) * next_prime(mpz_class(1) << 71);
  std::uint64_t sigma = 6;
  CHECK(ecm_wide(hard, 2000, 1000, sigma, stop) == 0);
  CHECK(sigma == 6); // no curve was run
  CHECK(rho_wide(hard, std::uint64_t{1} << 40, stop) == 0);
}

TEST_CASE("BPSW halves beyond 64 bits: composite Mersenne numbers are base-2 pseudoprimes",
          "[wide][primality]") {
  // 2^p - 1 with p prime is a strong base-2 probable prime whether or not it is prime;
  // the Lucas half must reject the composite ones. 67 to 251 bits: 2, 3 and 4 words.
  for (unsigned p : {67u, 71u, 101u, 131u, 193u, 199u, 227u, 251u}) {
    const mpz_class m = (mpz_class(1) << p) - 1;
    INFO("2^" << p << " - 1");
    CHECK(strong_fermat_base2(m));
    CHECK_FALSE(strong_lucas_selfridge(m));
    CHECK_FALSE(is_probable_prime(m));
  }
  for (unsigned p : {89u, 107u, 127u}) { // Mersenne primes
    const mpz_class m = (mpz_class(1) << p) - 1;
    CHECK(strong_fermat_base2(m));
    CHECK(strong_lucas_selfridge(m));
  }
}

TEST_CASE("the Lucas half alone: primes pass, random composites fail", "[wide][primality]") {
  gmp_randclass rng(gmp_randinit_default);
  rng.seed(77);
  for (int i = 0; i < 600; ++i) {
    const int bits = 65 + i % 190;
    const mpz_class n = rng.get_z_bits(bits) | (mpz_class(1) << (bits - 1)) | 1;
    const bool prime = mpz_probab_prime_p(n.get_mpz_t(), 30) != 0;
    INFO(n.get_str());
    CHECK(strong_lucas_selfridge(n) == prime);
    const mpz_class p = next_prime(n);
    CHECK(strong_lucas_selfridge(p));
  }
}
