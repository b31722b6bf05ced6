// Bucket sieve for the factor-base primes not much smaller than a sieve block.
//
// Such a prime hits a block a few times per root at most, often not at all;
// visiting every large prime in every block costs more than the hits themselves. Instead,
// once per polynomial, each root is walked across the whole interval and every hit is
// appended to the bucket of its block as (offset, log p). Sieving a block then replays
// its bucket: sequential reads, one scattered byte add per real hit.
#pragma once

#include <cstdint>
#include <vector>

namespace factord::factor {

class siqs_buckets {
public:
  // `block_len` must be a power of two; prime[first..end) are the primes bucketed for
  // every polynomial (ascending).
  siqs_buckets(std::uint32_t block_len, std::uint32_t blocks, const std::uint32_t* prime, std::uint32_t first,
               std::uint32_t end);

  // Buckets the hits of primes prime[first..end) with sieve positions root1/root2
  // (reduced mod p; siqs_poly::no_root never hits) over the interval of all blocks.
  void fill(const std::uint32_t* prime, const std::uint8_t* logp, const std::uint32_t* root1,
            const std::uint32_t* root2, std::uint32_t first, std::uint32_t end);

  // Adds the logs bucketed for block `blk` into its sieve bytes `s`.
  void apply(std::uint32_t blk, std::uint8_t* s) const;

private:
  static constexpr std::uint32_t packed_max_blocks = 3; // + the miss bucket: 4 x 16 bits
  static constexpr std::uint32_t packed_max_count = 0xFFFF;

  // One block: branch-free, misses are overwritten in place.
  void fill_single(const std::uint32_t* prime, const std::uint8_t* logp, const std::uint32_t* root1,
                   const std::uint32_t* root2, std::uint32_t first, std::uint32_t end);
  void fill_packed(const std::uint32_t* prime, const std::uint8_t* logp, const std::uint32_t* root1,
                   const std::uint32_t* root2, std::uint32_t first, std::uint32_t end);

  std::uint32_t shift_ = 0; // log2(block_len)
  std::uint32_t blocks_;
  std::uint32_t interval_;
  std::uint32_t max_hits_ = 1; // most hits of one root over the interval
  std::uint32_t capacity_ = 0; // entries per bucket
  // blocks_ + 1 buckets: the last one swallows the misses so that the fill needs no branch.
  std::vector<std::uint32_t> entries_; // entry = offset | log p << 24
  std::vector<std::uint32_t> count_;
};

} // namespace factord::factor
