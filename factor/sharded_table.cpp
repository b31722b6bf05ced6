#include "factor/sharded_table.hpp"

namespace factord::factor {

namespace {

// Fibonacci hashing: the top bits of the product pick the shard, the 32 below them the
// slot (its low bits depend only on the key's low bits).
std::uint64_t mix(std::uint64_t key) { return key * 0x9E3779B97F4A7C15ULL; }
std::size_t slot_hash(std::uint64_t h, unsigned shard_bits) {
  return static_cast<std::size_t>((h << shard_bits) >> 32);
}

constexpr std::size_t first_slots = 16;

} // namespace

void sharded_table::grow(shard& s) {
  std::vector<slot> old = std::move(s.slots);
  s.slots.assign(old.empty() ? first_slots : old.size() * 2, slot{});
  const std::size_t mask = s.slots.size() - 1;
  for (const slot& o : old) {
    if (!o.used) continue;
    std::size_t i = slot_hash(mix(o.key), shard_bits) & mask;
    while (s.slots[i].used) i = (i + 1) & mask;
    s.slots[i] = o;
  }
}

std::pair<std::uint32_t, bool> sharded_table::try_emplace(std::uint64_t key, std::uint32_t value) {
  const std::uint64_t h = mix(key);
  shard& s = shards_[static_cast<std::size_t>(h >> (64 - shard_bits))];
  if ((s.used + 1) * 2 > s.slots.size()) grow(s);
  const std::size_t mask = s.slots.size() - 1;
  std::size_t i = slot_hash(h, shard_bits) & mask;
  for (; s.slots[i].used; i = (i + 1) & mask)
    if (s.slots[i].key == key) return {s.slots[i].value, false};
  s.slots[i] = {key, value, true};
  ++s.used;
  ++size_;
  return {value, true};
}

} // namespace factord::factor
