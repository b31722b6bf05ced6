#include "factor/primes.hpp"
#include "factor/siqs_factor_base.hpp"
#include "factor/siqs_linalg.hpp"
#include "factor/siqs_params.hpp"
#include "factor/siqs_poly.hpp"
#include "factor/siqs_relations.hpp"
#include "factor/siqs_sieve.hpp"
#include "factor/siqs_sqrt.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace factord::factor;

namespace {

// 40 digits, two 20-digit primes.
const mpz_class sample_n("4669341920934802928950557812652374879233");

bool is_even_combination(const std::vector<std::vector<std::uint32_t>>& rows,
                         const std::vector<std::uint32_t>& dep, std::uint32_t columns) {
  std::vector<unsigned> count(columns, 0);
  for (std::uint32_t r : dep)
    for (std::uint32_t c : rows[r]) ++count[c];
  for (unsigned c : count)
    if (c % 2 != 0) return false;
  return !dep.empty();
}

} // namespace

TEST_CASE("Multiplier choice is deterministic and small", "[siqs]") {
  const std::uint32_t k = choose_multiplier(sample_n);
  CHECK(k == choose_multiplier(sample_n));
  CHECK(k >= 1);
  CHECK(k < 100);
  CHECK(k % 2 == 1);
}

TEST_CASE("Multiplier choice matches the Knuth-Schroeppel score computed directly", "[siqs]") {
  // The score as written in the literature: (kN/p) by Euler's criterion, no tables.
  const std::uint32_t multipliers[] = {1,  3,  5,  7,  11, 13, 15, 17, 19, 21, 23, 29, 31, 33,
                                       35, 37, 39, 41, 43, 47, 51, 53, 55, 57, 59, 61, 65, 67,
                                       69, 71, 73, 77, 79, 83, 85, 87, 89, 91, 93, 95, 97};
  auto direct = [&](const mpz_class& n) {
    std::uint32_t best = 1;
    double best_score = -1e300;
    for (std::uint32_t k : multipliers) {
      const mpz_class kn = n * k;
      double score = -0.5 * std::log(static_cast<double>(k));
      const unsigned long kn_mod8 = mpz_fdiv_ui(kn.get_mpz_t(), 8);
      if (kn_mod8 == 1)
        score += 2 * std::log(2.0);
      else if (kn_mod8 == 5)
        score += std::log(2.0);
      else if (kn_mod8 == 3 || kn_mod8 == 7)
        score += 0.5 * std::log(2.0);
      for (std::size_t i = 1; i < 300; ++i) {
        const double p = small_primes()[i];
        const mpz_class prime = small_primes()[i];
        if (k % small_primes()[i] == 0) {
          score += std::log(p) / p;
        } else if (mpz_legendre(kn.get_mpz_t(), prime.get_mpz_t()) == 1) {
          score += 2 * std::log(p) / (p - 1);
        }
      }
      if (score > best_score + 1e-9) {
        best_score = score;
        best = k;
      }
    }
    return best;
  };
  gmp_randclass rng(gmp_randinit_default);
  rng.seed(41);
  for (int i = 0; i < 40; ++i) {
    mpz_class n = mpz_class(rng.get_z_bits(60 + 5 * i)) | 1;
    if (i % 10 == 0) n *= 3 * 7; // primes of N among the scored ones
    INFO(n.get_str());
    CHECK(choose_multiplier(n) == direct(n));
  }
}

TEST_CASE("Factor base primes have kN as a square with the stored root", "[siqs]") {
  const siqs_factor_base fb = build_factor_base(sample_n, choose_multiplier(sample_n), 400);
  REQUIRE(fb.size() == 400);
  CHECK(fb.prime[0] == 2);
  CHECK(fb.kn == sample_n * fb.multiplier);
  for (std::uint32_t i = 1; i < fb.size(); ++i) {
    const std::uint32_t p = fb.prime[i];
    const auto kn_mod = static_cast<std::uint64_t>(mpz_fdiv_ui(fb.kn.get_mpz_t(), p));
    const std::uint64_t t = fb.sqrt_kn[i];
    CHECK(t * t % p == kn_mod);
    CHECK(p * fb.inverse[i] == 1u);
    if (kn_mod != 0) CHECK(pow_mod_u32(static_cast<std::uint32_t>(kn_mod), (p - 1) / 2, p) == 1);
  }
}

TEST_CASE("Tonelli–Shanks roots square back, also for p == 1 mod 8", "[siqs]") {
  for (std::uint32_t p : {17u, 41u, 73u, 97u, 65537u, 1000033u}) {
    for (std::uint32_t a = 1; a < 60; ++a) {
      if (pow_mod_u32(a, (p - 1) / 2, p) != 1) continue;
      const std::uint64_t r = sqrt_mod_prime(a, p);
      CHECK(r * r % p == a % p);
    }
  }
}

TEST_CASE("Every SIQS polynomial has B^2 == kN (mod A) and roots of Q mod p", "[siqs]") {
  const siqs_factor_base fb = build_factor_base(sample_n, choose_multiplier(sample_n), 400);
  const std::uint32_t half_width = 32768;
  siqs_poly poly(fb, half_width, 30);
  for (int i = 0; i < 40; ++i) { // crosses several A's and the Gray-code steps between
    poly.next();
    const mpz_class b2 = poly.b() * poly.b() - fb.kn;
    CHECK(mpz_divisible_p(b2.get_mpz_t(), poly.a().get_mpz_t()));
    // Q(x) = ((A x + B)^2 - kN) / A vanishes mod p at the stored sieve positions.
    for (std::uint32_t j = 1; j < fb.size(); j += 37) {
      const std::uint32_t r = poly.root1()[j];
      if (r == siqs_poly::no_root) continue;
      const long x = static_cast<long>(r) - static_cast<long>(half_width);
      mpz_class y = poly.a() * x + poly.b();
      mpz_class q = (y * y - fb.kn) / poly.a();
      CHECK(mpz_divisible_ui_p(q.get_mpz_t(), fb.prime[j]) != 0);
    }
  }
}

TEST_CASE("GF(2) elimination finds the dependencies of a small known matrix", "[siqs]") {
  // Rows are relations, entries their columns. 0+1 and 2+3+4 are the only dependencies
  // (row 5 holds column 5 alone, so it can be in none).
  const std::vector<std::vector<std::uint32_t>> rows = {{0, 1, 1, 2}, {0, 2},       {1, 3},
                                                        {3, 4},       {1, 4, 4, 4}, {2, 5}};
  stop_token stop;
  const auto deps = find_dependencies(rows, 6, 10, stop);
  REQUIRE(deps.size() == 2);
  for (const auto& dep : deps) CHECK(is_even_combination(rows, dep, 6));
}

TEST_CASE("GF(2) elimination: more rows than columns always leave a dependency", "[siqs]") {
  std::vector<std::vector<std::uint32_t>> rows;
  std::uint32_t state = 12345;
  for (int r = 0; r < 150; ++r) {
    std::vector<std::uint32_t> cols;
    for (int k = 0; k < 6; ++k) {
      state = state * 1103515245u + 12345u;
      cols.push_back((state >> 8) % 128);
    }
    rows.push_back(cols);
  }
  stop_token stop;
  const auto deps = find_dependencies(rows, 128, 100, stop);
  CHECK(deps.size() >= 150 - 128);
  for (const auto& dep : deps) CHECK(is_even_combination(rows, dep, 128));
}

TEST_CASE("GF(2) elimination: more than 64 dependencies come out in batches", "[siqs]") {
  std::vector<std::vector<std::uint32_t>> rows;
  std::uint32_t state = 777;
  for (int r = 0; r < 300; ++r) {
    std::vector<std::uint32_t> cols;
    for (int k = 0; k < 5; ++k) {
      state = state * 1103515245u + 12345u;
      cols.push_back((state >> 8) % 64);
    }
    rows.push_back(cols);
  }
  stop_token stop;
  const auto deps = find_dependencies(rows, 64, 150, stop);
  CHECK(deps.size() == 150);
  for (const auto& dep : deps) CHECK(is_even_combination(rows, dep, 64));
}

TEST_CASE("Square root step turns a congruence of squares into a factor", "[siqs]") {
  // n = 77: 9^2 == 4 (mod 77) and 2^2 == 4, so y = 9 with right side 2^2 gives gcd(7, 77).
  const mpz_class n = 77;
  siqs_factor_base fb = build_factor_base(n, 1, 3);
  siqs_relation rel{9, {1, 1}, 1}; // column 1 is prime[0] == 2
  const std::vector<siqs_relation> rels{rel};
  const mpz_class f = factor_from_dependency(n, fb, rels, {0});
  CHECK((f == 7 || f == 11));
}

TEST_CASE("Partial relations sharing a large prime combine into one", "[siqs]") {
  siqs_relations store(mpz_class(1000003));
  store.add_partial(101, {5, {1}, 1});
  CHECK(store.size() == 0);
  store.add_partial(103, {6, {2}, 1});
  store.add_partial(101, {7, {3}, 1});
  REQUIRE(store.size() == 1);
  const siqs_relation& r = store.usable()[0];
  CHECK(r.y == 35);
  CHECK(r.large == 101);
  CHECK(r.cols.size() == 2);
  store.add_full({11, {4}, 1});
  store.add_full({11, {4}, 1}); // a repeat adds nothing
  CHECK(store.size() == 2);
}

namespace {

// Sieves `polys` polynomials of sample_n with the given block layout; returns the sieve's
// candidate count and checks every relation found.
std::uint64_t sieve_sample(std::uint32_t block_len, std::uint32_t blocks, std::size_t polys,
                           std::size_t& relations_found) {
  const siqs_factor_base fb = build_factor_base(sample_n, choose_multiplier(sample_n), 600);
  siqs_params params;
  params.fb_size = 600;
  params.block_len = block_len;
  params.blocks = blocks;
  params.large_prime_mult = 40;
  params.small_prime_limit = 30;
  params.threshold_slack = 4.0;
  siqs_sieve sieve(fb, params);
  siqs_poly poly(fb, sieve.half_width(), 30);
  siqs_relations relations(sample_n);
  stop_token stop;
  for (std::size_t i = 0; i < polys; ++i) {
    poly.next();
    REQUIRE(sieve.sieve(poly, relations, stop));
  }
  // y^2 == (-1)^e0 prod p_j^e_j * large^2 (mod n) for fulls and combined partials alike.
  for (const siqs_relation& r : relations.usable()) {
    mpz_class right = r.large * r.large;
    for (std::uint32_t c : r.cols) right *= c == 0 ? mpz_class(-1) : mpz_class(fb.prime[c - 1]);
    const mpz_class diff = r.y * r.y - right;
    CHECK(mpz_divisible_p(diff.get_mpz_t(), sample_n.get_mpz_t()) != 0);
  }
  relations_found = relations.size();
  return sieve.candidates();
}

} // namespace

TEST_CASE("Bucketed large primes sieve exactly like direct sieving", "[siqs]") {
  // The same 8 KiB interval as one block (few primes above it), as two 4 KiB blocks
  // (register-packed bucket counts) and as four 2 KiB blocks (counts in memory) must
  // flag the same candidates.
  std::size_t rel_direct = 0, rel_packed = 0, rel_general = 0;
  const std::uint64_t direct = sieve_sample(8192, 1, 300, rel_direct);
  const std::uint64_t packed = sieve_sample(4096, 2, 300, rel_packed);
  const std::uint64_t general = sieve_sample(2048, 4, 300, rel_general);
  CHECK(direct > 0);
  CHECK(direct == packed);
  CHECK(direct == general);
  CHECK(rel_direct == rel_packed);
  CHECK(rel_direct == rel_general);
  CHECK(rel_direct > 0);
}

TEST_CASE("Double large primes: every relation the sieve combines is a congruence", "[siqs][cycles]") {
  const siqs_factor_base fb = build_factor_base(sample_n, choose_multiplier(sample_n), 300);
  siqs_params params;
  params.fb_size = 300;
  params.block_len = 8192;
  params.blocks = 1;
  params.large_prime_mult = 200;
  params.small_prime_limit = 30;
  params.threshold_slack = 4.0;
  params.dlp_exponent = 1.8;
  siqs_sieve sieve(fb, params);
  siqs_poly poly(fb, sieve.half_width(), 30);
  siqs_relations relations(sample_n);
  stop_token stop;
  for (int i = 0; i < 600; ++i) {
    poly.next();
    REQUIRE(sieve.sieve(poly, relations, stop));
  }
  CHECK(sieve.cofactor_splits() > 0);
  CHECK(relations.cycles() > 0);
  CHECK(relations.graph().longest_cycle() >= 3); // some cycle went through a double partial
  for (const siqs_relation& r : relations.usable()) {
    mpz_class right = r.large * r.large;
    for (std::uint32_t c : r.cols) right *= c == 0 ? mpz_class(-1) : mpz_class(fb.prime[c - 1]);
    const mpz_class diff = r.y * r.y - right;
    CHECK(mpz_divisible_p(diff.get_mpz_t(), sample_n.get_mpz_t()) != 0);
  }
}
