// Cycle finding for the large-prime variations of the quadratic sieve.
//
// A partial relation whose right side has one or two large primes outside the factor
// base is an edge of a graph whose vertices are the large primes, with 1 standing in for
// the missing second prime of a single-large-prime partial: L gives the edge (1, L), L1 L2
// the edge (L1, L2), and L^2 the loop (L, L). Along any cycle every vertex meets two edge
// ends, so the product of the cycle's relations has the square of each vertex's prime on
// its right side: one full relation per independent cycle.
//
// The graph is kept as a spanning forest (parent pointers), with a union-find on the side
// for the connectivity test. An edge between two trees joins them (the smaller tree is
// re-rooted at its end and hung below the other end); an edge inside one tree closes
// exactly one new independent cycle, made of the new edge and the tree path between its
// ends, and is not stored.
#pragma once

#include "factor/sharded_table.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace factord::factor {

class large_prime_graph {
public:
  struct cycle {
    std::vector<std::uint32_t> edges;  // the relations (edge ids) of the cycle
    std::vector<std::uint32_t> primes; // its vertices' primes, each once, 1 left out
  };

  // Adds the edge (a, b) (a == 1 for a single large prime; a == b for a squared one)
  // carrying the caller's id `edge`. Returns true and fills `out` when the edge closes a
  // cycle; the edge is then not kept (the cycle's relation replaces it).
  bool add_edge(std::uint32_t a, std::uint32_t b, std::uint32_t edge, cycle& out);

  std::size_t vertices() const { return prime_.size(); }
  std::size_t tree_edges() const { return tree_edges_; }
  std::size_t cycles() const { return cycles_; }
  std::size_t longest_cycle() const { return longest_; } // in edges

private:
  static constexpr std::uint32_t no_edge = 0xFFFFFFFFu;

  std::uint32_t vertex(std::uint32_t prime);
  std::uint32_t find(std::uint32_t v); // union-find representative
  void reroot(std::uint32_t v);        // makes v the root of its tree

  sharded_table id_; // prime -> vertex
  std::vector<std::uint32_t> prime_;
  std::vector<std::uint32_t> parent_;      // forest; a root is its own parent
  std::vector<std::uint32_t> parent_edge_; // edge id to the parent
  std::vector<std::uint32_t> set_;         // union-find parent
  std::vector<std::uint32_t> size_;        // tree size, valid at union-find roots
  std::vector<std::uint32_t> mark_;        // path search: epoch of the last visit
  std::uint32_t epoch_ = 0;
  std::size_t tree_edges_ = 0;
  std::size_t cycles_ = 0;
  std::size_t longest_ = 0;
};

} // namespace factord::factor
