// The quadratic sieve's big stores: the sharded hash table (relations seen, large prime ->
// vertex) against std::unordered_map, and the flat partial-relation store against the
// relations it was given, across its 4 MiB chunks.
#include "factor/sharded_table.hpp"
#include "factor/siqs_partials.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <unordered_map>
#include <vector>

using namespace factord::factor;

TEST_CASE("the sharded table keeps the first value of every key, as a map would", "[siqs]") {
  sharded_table table;
  std::unordered_map<std::uint64_t, std::uint32_t> oracle;
  std::mt19937_64 random(5);
  // Extreme keys, a dense run and random ones (with repeats): 200,000 inserts, every shard
  // grown many times.
  std::vector<std::uint64_t> keys = {0, 1, UINT64_MAX, UINT64_MAX - 1, std::uint64_t{1} << 63};
  for (std::uint64_t k = 2; k < 50000; ++k) keys.push_back(k);
  for (int i = 0; i < 150000; ++i) keys.push_back(random() % 3 == 0 ? random() % 1000 : random());
  std::uint32_t next = 0;
  for (const std::uint64_t key : keys) {
    const auto [value, inserted] = table.try_emplace(key, next);
    const auto [it, oracle_inserted] = oracle.try_emplace(key, next);
    REQUIRE(inserted == oracle_inserted);
    REQUIRE(value == it->second);
    ++next;
  }
  CHECK(table.size() == oracle.size());
  for (const auto& [key, value] : oracle) {
    const auto [found, inserted] = table.try_emplace(key, 0xFFFFFFFFu);
    REQUIRE_FALSE(inserted);
    REQUIRE(found == value);
  }
  CHECK(table.size() == oracle.size());
}

TEST_CASE("the partial store gives back every y and column list, across chunks", "[siqs]") {
  siqs_partials store;
  std::mt19937_64 random(9);
  gmp_randclass gmp_random(gmp_randinit_default);
  gmp_random.seed(9);
  const mpz_class n =
      mpz_class("1000000000000000000000000000000000000000000000000000000000000000000000000000000000"
                "000000000000000057");
  std::vector<mpz_class> ys;
  std::vector<std::vector<std::uint32_t>> cols;
  // 80,000 partials of 0-300 columns and y from 0 to n - 1: ~10 words each, a few chunks.
  for (std::uint32_t i = 0; i < 80000; ++i) {
    mpz_class y = i % 7 == 0 ? mpz_class(i % 3) : mpz_class(gmp_random.get_z_range(n));
    std::vector<std::uint32_t> c(i % 101 == 0 ? 300 : random() % 40);
    for (auto& col : c)
      col = static_cast<std::uint32_t>(random() % 3 == 0 ? 0xFFFFFFFFu - random() % 5 : random() % 60000);
    REQUIRE(store.add(y, c) == i);
    ys.push_back(y);
    cols.push_back(std::move(c));
  }
  REQUIRE(store.size() == ys.size());
  for (std::uint32_t i = 0; i < ys.size(); ++i) {
    REQUIRE(store.column_count(i) == cols[i].size());
    std::vector<std::uint32_t> out = {42};
    store.append_columns(i, out);
    REQUIRE(out.size() == cols[i].size() + 1);
    REQUIRE(std::equal(cols[i].begin(), cols[i].end(), out.begin() + 1));
    mpz_class product = i + 2;
    store.multiply_y(i, product, n);
    REQUIRE(product == mpz_class((i + 2) * ys[i] % n));
  }
}
