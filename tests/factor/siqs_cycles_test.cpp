#include "factor/siqs_cycles.hpp"
#include "factor/siqs_relations.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace factord::factor;

namespace {

std::vector<std::uint32_t> sorted(std::vector<std::uint32_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

} // namespace

TEST_CASE("Large-prime graph: a cycle through 1 and three primes", "[siqs][cycles]") {
  large_prime_graph g;
  large_prime_graph::cycle c;
  CHECK_FALSE(g.add_edge(1, 11, 0, c));  // single large prime 11
  CHECK_FALSE(g.add_edge(11, 13, 1, c)); // double: 11 * 13
  CHECK_FALSE(g.add_edge(17, 13, 2, c));
  CHECK_FALSE(g.add_edge(19, 23, 3, c)); // another component
  REQUIRE(g.add_edge(1, 17, 4, c));      // closes 1-11-13-17-1
  CHECK(sorted(c.edges) == std::vector<std::uint32_t>{0, 1, 2, 4});
  CHECK(sorted(c.primes) == std::vector<std::uint32_t>{11, 13, 17});
  CHECK(g.cycles() == 1);
  CHECK(g.vertices() == 6); // 1, 11, 13, 17, 19, 23
  CHECK(g.tree_edges() == 4);

  // Joining the two components closes nothing; the next edge between them does.
  CHECK_FALSE(g.add_edge(23, 11, 5, c));
  REQUIRE(g.add_edge(19, 1, 6, c)); // 19-23-11-1-19
  CHECK(sorted(c.edges) == std::vector<std::uint32_t>{0, 3, 5, 6});
  CHECK(sorted(c.primes) == std::vector<std::uint32_t>{11, 19, 23});
  CHECK(g.longest_cycle() == 4);
}

TEST_CASE("Large-prime graph: repeated single primes and squares", "[siqs][cycles]") {
  large_prime_graph g;
  large_prime_graph::cycle c;
  CHECK_FALSE(g.add_edge(1, 101, 0, c));
  REQUIRE(g.add_edge(1, 101, 1, c)); // the classic pair of partials
  CHECK(sorted(c.edges) == std::vector<std::uint32_t>{0, 1});
  CHECK(c.primes == std::vector<std::uint32_t>{101});
  REQUIRE(g.add_edge(103, 103, 2, c)); // a squared large prime is a cycle by itself
  CHECK(c.edges == std::vector<std::uint32_t>{2});
  CHECK(c.primes == std::vector<std::uint32_t>{103});
  // Many re-rootings keep the forest consistent: a long path, closed from both ends.
  for (std::uint32_t k = 0; k < 200; ++k) CHECK_FALSE(g.add_edge(1000 + k, 1001 + k, 10 + k, c));
  CHECK_FALSE(g.add_edge(1, 1100, 300, c));
  REQUIRE(g.add_edge(1000, 1, 301, c)); // 1-1000-...-1100-1
  CHECK(c.edges.size() == 102);
  CHECK(c.primes.size() == 101);
}

namespace {

// n = 10403 = 101 * 103; "factor base" 2, 3, 5, 7 (columns 1..4, 0 = -1), large primes
// 11..43. Every y whose y^2 mod n (or n minus it) factors so is a relation: full, single
// or double partial.
constexpr std::uint32_t tiny_fb[] = {2, 3, 5, 7};
constexpr std::uint32_t tiny_large[] = {11, 13, 17, 19, 23, 29, 31, 37, 41, 43};

bool relation_holds(const mpz_class& n, const siqs_relation& r) {
  mpz_class right = r.large * r.large;
  for (std::uint32_t c : r.cols) right *= c == 0 ? mpz_class(-1) : mpz_class(tiny_fb[c - 1]);
  const mpz_class diff = r.y * r.y - right;
  return mpz_divisible_p(diff.get_mpz_t(), n.get_mpz_t()) != 0;
}

} // namespace

TEST_CASE("Cycles of double-large-prime partials multiply to squares mod n", "[siqs][cycles]") {
  const mpz_class n = 10403;
  siqs_relations store(n);
  std::size_t fulls = 0, singles = 0, doubles = 0;
  for (std::uint32_t y = 2; y < 10403; ++y) {
    const std::uint32_t sq = y * y % 10403;
    for (bool negative : {false, true}) {
      std::uint32_t v = negative ? 10403 - sq : sq;
      if (v == 0) continue;
      siqs_relation rel{y, {}, 1};
      if (negative) rel.cols.push_back(0);
      for (std::uint32_t j = 0; j < 4; ++j)
        while (v % tiny_fb[j] == 0) {
          v /= tiny_fb[j];
          rel.cols.push_back(j + 1);
        }
      std::vector<std::uint32_t> large;
      for (std::uint32_t l : tiny_large)
        while (v % l == 0) {
          v /= l;
          large.push_back(l);
        }
      if (v != 1 || large.size() > 2) continue;
      if (large.empty()) {
        store.add_full(rel);
        ++fulls;
      } else if (large.size() == 1) {
        store.add_partial(large[0], rel);
        ++singles;
      } else {
        store.add_double_partial(large[0], large[1], rel);
        ++doubles;
      }
      break; // one sign per y: the same y twice would be dropped anyway
    }
  }
  CHECK(fulls > 0);
  CHECK(singles > 0);
  CHECK(doubles > 0);
  CHECK(store.cycles() > 0);
  CHECK(store.graph().longest_cycle() >= 3); // some cycle needed a double partial
  CHECK(store.size() == store.fulls() + store.cycles());
  for (const siqs_relation& r : store.usable()) CHECK(relation_holds(n, r));
}
