#include "factor/siqs_relations.hpp"

#include <utility>

namespace factord::factor {

void siqs_relations::add_full(siqs_relation rel) {
  if (!seen_y_.insert(rel.y).second) return;
  ++fulls_;
  usable_.push_back(std::move(rel));
}

void siqs_relations::add_partial(std::uint32_t large_prime, siqs_relation rel) {
  if (!seen_y_.insert(rel.y).second) return;
  auto [it, inserted] = partials_.try_emplace(large_prime);
  if (inserted) {
    it->second = std::move(rel);
    return;
  }
  const siqs_relation& first = it->second;
  siqs_relation combined;
  combined.y = first.y * rel.y % n_;
  combined.cols.reserve(first.cols.size() + rel.cols.size());
  combined.cols = first.cols;
  combined.cols.insert(combined.cols.end(), rel.cols.begin(), rel.cols.end());
  combined.large = large_prime;
  usable_.push_back(std::move(combined));
}

} // namespace factord::factor
