// Relations of the quadratic sieve: y^2 == (-1)^e0 * prod p_j^e_j * large^2 (mod n).
//
// Full relations are kept as they come. A partial relation has one or two large primes
// outside the factor base; partials are stored as edges of the large-prime graph
// (siqs_cycles), and every cycle they close there multiplies into a usable relation
// whose large-prime part is a square.
#pragma once

#include "factor/sharded_table.hpp"
#include "factor/siqs_cycles.hpp"
#include "factor/siqs_partials.hpp"

#include <cstddef>
#include <cstdint>
#include <gmpxx.h>
#include <utility>
#include <vector>

namespace factord::factor {

struct siqs_relation {
  mpz_class y;                     // reduced mod n
  std::vector<std::uint32_t> cols; // matrix columns with multiplicity: 0 = -1, j + 1 = prime[j]
  mpz_class large = 1;             // square root of the large-prime part of the right side
};

class siqs_relations {
public:
  explicit siqs_relations(const mpz_class& n) : n_(n) {}

  void add_full(siqs_relation rel);
  // `rel` has the extra prime factor `large_prime` (not in rel.cols).
  void add_partial(std::uint32_t large_prime, siqs_relation rel) {
    add_double_partial(1, large_prime, std::move(rel));
  }
  // `rel` has the extra prime factors `p1` and `p2` (not in rel.cols; p1 == 1 for a
  // single large prime, p1 == p2 for a square).
  void add_double_partial(std::uint32_t p1, std::uint32_t p2, siqs_relation rel);

  // Relations usable by the linear algebra (full + combined partials).
  std::size_t size() const { return usable_.size(); }
  const std::vector<siqs_relation>& usable() const { return usable_; }
  std::size_t fulls() const { return fulls_; }
  std::size_t partials() const { return partials_.size(); } // stored, not yet in a cycle
  std::size_t cycles() const { return graph_.cycles(); }
  const large_prime_graph& graph() const { return graph_; }

private:
  mpz_class n_;
  std::vector<siqs_relation> usable_;
  siqs_partials partials_; // indexed by edge id
  large_prime_graph graph_;
  large_prime_graph::cycle cycle_;
  // A polynomial reused by a tiny factor base repeats values: y's low word identifies
  // them (a false match among ~2^20 random words of 64 bits is not going to happen, and
  // would only drop one relation).
  sharded_table seen_y_;
  std::size_t fulls_ = 0;
};

} // namespace factord::factor
