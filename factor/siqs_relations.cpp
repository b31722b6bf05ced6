#include "factor/siqs_relations.hpp"

#include <utility>

namespace factord::factor {

namespace {

std::uint64_t low_word(const mpz_class& v) { return mpz_getlimbn(v.get_mpz_t(), 0); }

} // namespace

void siqs_relations::add_full(siqs_relation rel) {
  if (!seen_y_.try_emplace(low_word(rel.y), 0).second) return;
  ++fulls_;
  usable_.push_back(std::move(rel));
}

void siqs_relations::add_double_partial(std::uint32_t p1, std::uint32_t p2, siqs_relation rel) {
  if (!seen_y_.try_emplace(low_word(rel.y), 0).second) return;
  const auto id = static_cast<std::uint32_t>(partials_.size());
  if (!graph_.add_edge(p1, p2, id, cycle_)) {
    partials_.add(rel.y, rel.cols);
    return;
  }
  // The new edge (id) and stored ones: multiply the left sides, concatenate the columns;
  // the right side's large part is the square of the cycle's vertex primes.
  siqs_relation combined;
  combined.y = 1;
  std::size_t cols = 0;
  for (std::uint32_t e : cycle_.edges) cols += e == id ? rel.cols.size() : partials_.column_count(e);
  combined.cols.reserve(cols);
  for (std::uint32_t e : cycle_.edges) {
    if (e == id) {
      combined.y = combined.y * rel.y % n_;
      combined.cols.insert(combined.cols.end(), rel.cols.begin(), rel.cols.end());
    } else {
      partials_.multiply_y(e, combined.y, n_);
      partials_.append_columns(e, combined.cols);
    }
  }
  for (std::uint32_t p : cycle_.primes) combined.large = combined.large * p % n_;
  usable_.push_back(std::move(combined));
}

} // namespace factord::factor
