#include "factor/siqs_cycles.hpp"

#include <algorithm>
#include <utility>

namespace factord::factor {

std::uint32_t large_prime_graph::vertex(std::uint32_t prime) {
  const auto v = static_cast<std::uint32_t>(prime_.size());
  const auto [found, inserted] = id_.try_emplace(prime, v);
  if (!inserted) return found;
  prime_.push_back(prime);
  parent_.push_back(v);
  parent_edge_.push_back(no_edge);
  set_.push_back(v);
  size_.push_back(1);
  mark_.push_back(0);
  return v;
}

std::uint32_t large_prime_graph::find(std::uint32_t v) {
  while (set_[v] != v) {
    set_[v] = set_[set_[v]]; // path halving
    v = set_[v];
  }
  return v;
}

void large_prime_graph::reroot(std::uint32_t v) {
  // Reverses the parent pointers on the path from v to the old root.
  std::uint32_t new_parent = v, new_edge = no_edge, cur = v;
  for (;;) {
    const std::uint32_t old_parent = parent_[cur], old_edge = parent_edge_[cur];
    parent_[cur] = new_parent;
    parent_edge_[cur] = new_edge;
    if (old_parent == cur) break;
    new_parent = cur;
    new_edge = old_edge;
    cur = old_parent;
  }
}

bool large_prime_graph::add_edge(std::uint32_t a, std::uint32_t b, std::uint32_t edge, cycle& out) {
  std::uint32_t va = vertex(a), vb = vertex(b);
  out.edges.clear();
  out.primes.clear();
  if (va == vb) { // a loop: L^2 on the right side is already a square
    ++cycles_;
    out.edges.push_back(edge);
    if (a != 1) out.primes.push_back(a);
    longest_ = std::max<std::size_t>(longest_, 1);
    return true;
  }
  std::uint32_t ra = find(va), rb = find(vb);
  if (ra != rb) {
    if (size_[ra] < size_[rb]) {
      std::swap(va, vb);
      std::swap(ra, rb);
    }
    reroot(vb); // vb's tree is the smaller one
    parent_[vb] = va;
    parent_edge_[vb] = edge;
    set_[rb] = ra;
    size_[ra] += size_[rb];
    ++tree_edges_;
    return false;
  }

  // Same tree: the cycle is the new edge plus the paths from both ends to where they meet.
  ++cycles_;
  if (++epoch_ == 0) {
    std::fill(mark_.begin(), mark_.end(), 0);
    epoch_ = 1;
  }
  for (std::uint32_t v = va;; v = parent_[v]) {
    mark_[v] = epoch_;
    if (parent_[v] == v) break;
  }
  std::uint32_t meet = vb;
  while (mark_[meet] != epoch_) meet = parent_[meet];
  out.edges.push_back(edge);
  for (std::uint32_t v : {va, vb}) {
    for (; v != meet; v = parent_[v]) {
      out.edges.push_back(parent_edge_[v]);
      if (prime_[v] != 1) out.primes.push_back(prime_[v]);
    }
  }
  if (prime_[meet] != 1) out.primes.push_back(prime_[meet]);
  longest_ = std::max(longest_, out.edges.size());
  return true;
}

} // namespace factord::factor
