#include "factor/siqs.hpp"

#include "factor/siqs_factor_base.hpp"
#include "factor/siqs_linalg.hpp"
#include "factor/siqs_params.hpp"
#include "factor/siqs_poly.hpp"
#include "factor/siqs_relations.hpp"
#include "factor/siqs_sieve.hpp"
#include "factor/siqs_sqrt.hpp"

namespace factord::factor {

namespace {

// Dependencies tried per linear algebra pass: each splits a semiprime with probability
// 1/2, so failing 32 in a row means something is wrong with the relations, not luck.
constexpr std::size_t dependencies_tried = 32;
// Relations added before retrying when no dependency split n.
constexpr std::size_t retry_relations = 32;
// A-factors are never smaller than this: tiny primes are skipped by the sieve anyway,
// and small A-factors make many A's share factors.
constexpr std::uint32_t min_a_prime = 30;

} // namespace

mpz_class siqs_find_factor(const mpz_class& n, stop_token& stop) {
  const siqs_params params = siqs_params_for(mpz_sizeinbase(n.get_mpz_t(), 10));
  const siqs_factor_base fb = build_factor_base(n, choose_multiplier(n), params.fb_size);
  // Factor-base primes above 2^16 could divide n (the caller only trial divided below).
  for (std::uint32_t p : fb.prime)
    if (mpz_divisible_ui_p(n.get_mpz_t(), p) && n != p) return p;

  siqs_sieve sieve(fb, params);
  siqs_poly poly(fb, sieve.half_width(), min_a_prime);
  siqs_relations relations(n);
  const std::uint32_t columns = fb.size() + 1;
  std::size_t wanted = columns + params.extra_relations;

  for (;;) {
    while (relations.size() < wanted) {
      if (stop.should_stop()) return 0;
      poly.next();
      if (!sieve.sieve(poly, relations, stop)) return 0;
    }
    std::vector<std::vector<std::uint32_t>> rows;
    rows.reserve(relations.size());
    for (const auto& r : relations.usable()) rows.push_back(r.cols);
    for (const auto& dep : find_dependencies(rows, columns, dependencies_tried, stop)) {
      mpz_class f = factor_from_dependency(n, fb, relations.usable(), dep);
      if (f != 0) return f;
    }
    if (stop.should_stop()) return 0;
    wanted = relations.size() + retry_relations;
  }
}

} // namespace factord::factor
