#include "factor/siqs_buckets.hpp"

#include <algorithm>

namespace factord::factor {

namespace {

// Splits primes[first, end) (ascending) into runs whose roots hit the interval at most
// `hits` times each, from the largest primes (1 hit) down, and calls run(lo, hi, hits):
// the fixed-count loops then have no data-dependent exit.
template <class Run>
void by_hit_count(const std::uint32_t* prime, std::uint32_t first, std::uint32_t end, std::uint32_t interval,
                  std::uint32_t max_hits, Run&& run) {
  std::uint32_t hi = end;
  for (std::uint32_t hits = 1; hits <= max_hits; ++hits) {
    // First index whose prime reaches interval / hits: those need at most `hits` puts.
    const std::uint32_t bound = (interval + hits - 1) / hits;
    const std::uint32_t* lo_it =
        hits == max_hits ? prime + first : std::lower_bound(prime + first, prime + hi, bound);
    const auto lo = static_cast<std::uint32_t>(lo_it - prime);
    run(lo, hi, hits);
    hi = lo;
  }
}

} // namespace

siqs_buckets::siqs_buckets(std::uint32_t block_len, std::uint32_t blocks, const std::uint32_t* prime,
                           std::uint32_t first, std::uint32_t end)
    : blocks_(blocks), interval_(block_len * blocks) {
  while ((1u << shift_) < block_len) ++shift_;
  // A root of p hits a block at most ceil(block_len / p) times; the miss bucket takes up
  // to one entry per possible hit of one prime.
  std::uint64_t capacity = 0;
  for (std::uint32_t i = first; i < end; ++i)
    capacity += std::uint64_t{2} * ((block_len + prime[i] - 1) / prime[i]);
  max_hits_ = first < end ? (interval_ + prime[first] - 1) / prime[first] : 1;
  capacity_ = static_cast<std::uint32_t>(capacity) + 2 * max_hits_;
  entries_.resize(static_cast<std::size_t>(blocks_ + 1) * capacity_);
  count_.assign(blocks_ + 1, 0);
}

void siqs_buckets::fill(const std::uint32_t* prime, const std::uint8_t* logp, const std::uint32_t* root1,
                        const std::uint32_t* root2, std::uint32_t first, std::uint32_t end) {
  if (blocks_ == 1) {
    fill_single(prime, logp, root1, root2, first, end);
    return;
  }
  if (blocks_ <= packed_max_blocks && capacity_ <= packed_max_count) {
    fill_packed(prime, logp, root1, root2, first, end);
    return;
  }
  std::fill(count_.begin(), count_.end(), 0);
  const std::uint32_t mask = (1u << shift_) - 1;
  std::uint32_t* entries = entries_.data();
  std::uint32_t* count = count_.data();
  const std::uint32_t cap = capacity_;
  const std::uint32_t interval = interval_;
  const std::uint32_t shift = shift_;
  for (std::uint32_t i = first; i < end; ++i) {
    const std::uint32_t p = prime[i];
    const std::uint32_t log_bits = static_cast<std::uint32_t>(logp[i]) << 24;
    for (std::uint32_t r = root1[i]; r < interval; r += p) {
      const std::uint32_t blk = r >> shift;
      entries[blk * cap + count[blk]++] = (r & mask) | log_bits;
    }
    for (std::uint32_t r = root2[i]; r < interval; r += p) {
      const std::uint32_t blk = r >> shift;
      entries[blk * cap + count[blk]++] = (r & mask) | log_bits;
    }
  }
}

// The usual layouts (at most three blocks) keep all bucket counts in one register, 16
// bits each, with a fourth bucket for the misses: no branch and no store-to-load chain
// through memory counters. Both cost ~13 cycles per prime in the loop above, a third of
// the sieve time at 70 digits.
void siqs_buckets::fill_packed(const std::uint32_t* prime, const std::uint8_t* logp,
                               const std::uint32_t* root1, const std::uint32_t* root2, std::uint32_t first,
                               std::uint32_t end) {
  const std::uint32_t mask = (1u << shift_) - 1;
  const std::uint32_t shift = shift_;
  const std::uint32_t miss = blocks_;
  const std::uint32_t cap = capacity_;
  std::uint32_t* entries = entries_.data();
  const std::uint64_t miss_field = std::uint64_t{0xFFFF} << (16 * miss);
  std::uint64_t counts = 0;
  auto put = [&](std::uint32_t r, std::uint32_t log_bits) {
    const std::uint32_t blk = std::min(r >> shift, miss);
    const std::uint32_t field = 16 * blk;
    // blk <= packed_max_blocks and cap <= packed_max_count: the 32-bit product cannot
    // wrap, and this hot loop keeps the multiply it was timed with.
    // NOLINTNEXTLINE(bugprone-implicit-widening-of-multiplication-result)
    entries[blk * cap + ((counts >> field) & 0xFFFF)] = (r & mask) | log_bits;
    counts += std::uint64_t{1} << field;
  };
  // A prime p >= interval / k hits each root at most k times: k unconditional puts.
  auto run = [&](std::uint32_t from, std::uint32_t to, std::uint32_t hits) {
    for (std::uint32_t i = from; i < to; ++i) {
      const std::uint32_t p = prime[i];
      const std::uint32_t log_bits = static_cast<std::uint32_t>(logp[i]) << 24;
      std::uint32_t a = root1[i], b = root2[i];
      for (std::uint32_t h = 0; h < hits; ++h, a += p, b += p) {
        put(a, log_bits);
        put(b, log_bits);
      }
      counts &= ~miss_field; // at most 2 * hits misses since the last reset
    }
  };
  by_hit_count(prime, first, end, interval_, max_hits_, run);
  for (std::uint32_t blk = 0; blk <= miss; ++blk)
    count_[blk] = static_cast<std::uint32_t>((counts >> (16 * blk)) & 0xFFFF);
}

// One block: every root is written at the end of the bucket, and the end moves on only
// for a hit, so a miss is overwritten by the next root. Four or five instructions per
// root, no branch.
void siqs_buckets::fill_single(const std::uint32_t* prime, const std::uint8_t* logp,
                               const std::uint32_t* root1, const std::uint32_t* root2, std::uint32_t first,
                               std::uint32_t end) {
  std::uint32_t* entries = entries_.data();
  const std::uint32_t interval = interval_;
  std::uint32_t n = 0;
  auto run = [&](std::uint32_t from, std::uint32_t to, std::uint32_t hits) {
    for (std::uint32_t i = from; i < to; ++i) {
      const std::uint32_t p = prime[i];
      const std::uint32_t log_bits = static_cast<std::uint32_t>(logp[i]) << 24;
      std::uint32_t a = root1[i], b = root2[i];
      for (std::uint32_t h = 0; h < hits; ++h, a += p, b += p) {
        entries[n] = a | log_bits;
        n += a < interval;
        entries[n] = b | log_bits;
        n += b < interval;
      }
    }
  };
  by_hit_count(prime, first, end, interval_, max_hits_, run);
  count_[0] = n;
}

void siqs_buckets::apply(std::uint32_t blk, std::uint8_t* s) const {
  const std::uint32_t* e = entries_.data() + static_cast<std::size_t>(blk) * capacity_;
  const std::uint32_t n = count_[blk];
  for (std::uint32_t k = 0; k < n; ++k) s[e[k] & 0xFFFFFFu] += static_cast<std::uint8_t>(e[k] >> 24);
}

} // namespace factord::factor
