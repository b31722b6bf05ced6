// Relations of the quadratic sieve: y^2 == (-1)^e0 * prod p_j^e_j * large^2 (mod n).
//
// Full relations are kept as they come. A partial relation has one large prime L outside
// the factor base; two partials with the same L multiply into a usable relation (L^2 is
// a square), so partials wait in a hash map keyed by L until a partner arrives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <gmpxx.h>
#include <set>
#include <unordered_map>
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
  void add_partial(std::uint32_t large_prime, siqs_relation rel);

  // Relations usable by the linear algebra (full + combined partials).
  std::size_t size() const { return usable_.size(); }
  const std::vector<siqs_relation>& usable() const { return usable_; }
  std::size_t fulls() const { return fulls_; }
  std::size_t partials() const { return partials_.size(); }

private:
  mpz_class n_;
  std::vector<siqs_relation> usable_;
  std::unordered_map<std::uint32_t, siqs_relation> partials_;
  std::set<mpz_class> seen_y_;  // a polynomial reused by a tiny factor base repeats values
  std::size_t fulls_ = 0;
};

} // namespace factord::factor
