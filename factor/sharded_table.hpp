// A hash table from 64-bit keys to 32-bit values for the quadratic sieve's big indexes
// (relations seen, large prime -> graph vertex), which reach millions of entries.
//
// std::unordered_map was the wrong shape there: growing it rehashes every entry at once
// (68-76 ms without a poll at 350,000 entries, 80 digits), and freeing it is one free per
// entry (with the relations, 0.3 s after a 76-digit factorization found its factor or
// was cancelled). Here the keys are spread over 64 open-addressing tables: growing one
// moves 1/64 of the entries, and the whole is 64 allocations.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace factord::factor {

class sharded_table {
public:
  // The value stored for `key`, and false; or `value`, now stored for it, and true.
  std::pair<std::uint32_t, bool> try_emplace(std::uint64_t key, std::uint32_t value);
  std::size_t size() const noexcept { return size_; }

private:
  struct slot {
    std::uint64_t key = 0;
    std::uint32_t value = 0;
    bool used = false;
  };
  struct shard {
    std::vector<slot> slots; // a power of two, at most half used
    std::size_t used = 0;
  };
  static constexpr unsigned shard_bits = 6;
  static void grow(shard& s);

  std::array<shard, std::size_t{1} << shard_bits> shards_;
  std::size_t size_ = 0;
};

} // namespace factord::factor
