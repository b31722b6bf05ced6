#include "factor/siqs_sieve.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

namespace factord::factor {

namespace {

// Sums of byte logs must stay below 256 - 128; bigger numbers get coarser logs.
constexpr double max_threshold = 110.0;
// Primes from block_len / bucket_fraction up are bucketed (siqs_buckets); 2 measured
// 1-3% faster than 1 at 65 digits, 4 was 6% slower at 60.
constexpr std::uint32_t bucket_fraction = 2;
// Trial division goes on when the sieve value leaves a cofactor at most this many bits
// above the bound (rounded byte logs).
// (1 and 3 made no difference to the relations found or the time at 60 digits.)
constexpr double cofactor_tolerance_bits = 2.0;
// With one block (45-80 digits), the primes from block_len / medium_max_hits up (the
// bucketed ones too) are sieved with a fixed number of adds per root, the last one onto
// a spare byte past the block when it misses, instead of loops that end on a
// mispredicted branch; no buckets are filled. Against the loops below (2026-11-23, user
// CPU seconds, interleaved runs): d60 0.91-0.96 -> 0.84-0.87 s, d70 6.6-6.8 -> 6.3-6.4 s,
// and without the bucket fill d70 6.1-6.4 -> 6.0 s (d60 unchanged). 16 and 32 measured
// alike, 8 slightly slower; every prime (up to 1024 hits) no better at d60; spreading the
// misses over the block (adding 0, no chain through the spare byte) 2-4% slower at d70.
constexpr std::uint32_t medium_max_hits = 16;

std::uint32_t first_index_at_least(const siqs_factor_base& fb, std::uint32_t from, std::uint32_t bound) {
  while (from < fb.size() && fb.prime[from] < bound) ++from;
  return from;
}

} // namespace

siqs_sieve::siqs_sieve(const siqs_factor_base& fb, const siqs_params& params)
    : fb_(fb), block_len_(params.block_len), blocks_(params.blocks),
      half_width_(params.block_len * params.blocks / 2),
      first_sieved_(first_index_at_least(fb, 1, params.small_prime_limit)),
      first_large_(first_index_at_least(fb, first_sieved_, params.block_len / bucket_fraction)),
      direct_end_(params.blocks == 1 ? fb.size() : first_large_),
      buckets_(params.block_len, params.blocks, fb.prime.data(), direct_end_, fb.size()) {
  const std::uint32_t n = fb.size();
  // Large primes are graph vertices of 32 bits (siqs_cycles).
  large_bound_ = std::min<std::uint64_t>(static_cast<std::uint64_t>(fb.largest()) * params.large_prime_mult,
                                         0xFFFFFFFFu);
  split_floor_ = static_cast<std::uint64_t>(fb.largest()) * fb.largest();
  double cofactor_bits = std::log2(static_cast<double>(large_bound_));
  if (params.dlp_exponent > 1.0) {
    const double e = std::min(params.dlp_exponent, 2.0);
    dlp_bound_ = static_cast<std::uint64_t>(std::min(std::pow(static_cast<double>(large_bound_), e), 0x1p63));
    cofactor_bits *= e;
  }

  // Typical |Q(x)| is M sqrt(kN / 2); accept what lacks at most a large prime and slack.
  long exp = 0;
  const double mant = mpz_get_d_2exp(&exp, fb.kn.get_mpz_t());
  const double log2_q =
      std::log2(static_cast<double>(half_width_)) + 0.5 * (std::log2(mant) + static_cast<double>(exp)) - 0.5;
  // The unsieved small primes still divide Q(x) on average this much (two roots each).
  double small_prime_bits = 1.0; // 2: Q(x) is even half the time, more for kN == 1 (mod 8)
  for (std::uint32_t i = 1; i < first_sieved_; ++i) {
    const double p = fb.prime[i];
    small_prime_bits += fb.log2p[i] * (fb.sqrt_kn[i] == 0 ? 1.0 / p : 2.0 / (p - 1));
  }
  double threshold = log2_q - cofactor_bits - params.threshold_slack - small_prime_bits;
  threshold = std::max(threshold, 8.0);
  const double scale = threshold > max_threshold ? max_threshold / threshold : 1.0;
  init_byte_ = static_cast<std::uint8_t>(128 - std::lround(threshold * scale));
  scale_ = scale;
  max_cofactor_bits_ = cofactor_bits + cofactor_tolerance_bits;
  max_single_bits_ = std::log2(static_cast<double>(large_bound_)) + cofactor_tolerance_bits;
  min_double_bits_ = dlp_bound_ == 0 ? max_cofactor_bits_
                                     : std::log2(static_cast<double>(split_floor_)) - cofactor_tolerance_bits;

  logp_.resize(n);
  for (std::uint32_t i = 0; i < n; ++i)
    logp_[i] = static_cast<std::uint8_t>(std::lround(fb.log2p[i] * scale));
  init_trial_division();
  pos1_.resize(n);
  pos2_.resize(n);
  // One spare word past the block for the misses of the medium primes.
  block_.resize(block_len_ / 8 + 8);
  // medium_start_[h]: the first prime of at least block_len / h, so that the primes from
  // medium_start_[h] to medium_start_[h - 1] hit each root at most h times.
  medium_start_.assign(medium_max_hits + 1, direct_end_);
  if (blocks_ == 1)
    for (std::uint32_t h = 1; h <= medium_max_hits; ++h)
      medium_start_[h] =
          std::min(direct_end_, first_index_at_least(fb, first_sieved_, (block_len_ + h - 1) / h));
  first_medium_ = medium_start_[medium_max_hits];
}

bool siqs_sieve::sieve(const siqs_poly& poly, siqs_relations& out, stop_token& stop) {
  const std::uint32_t n = fb_.size();
  const auto& r1 = poly.root1();
  const auto& r2 = poly.root2();
  // no_root is far beyond any interval, so unsieved primes simply never hit a block.
  for (std::uint32_t i = first_sieved_; i < first_medium_; ++i) {
    pos1_[i] = std::min(r1[i], r2[i]);
    pos2_[i] = std::max(r1[i], r2[i]);
  }
  cur_root1_ = r1.data();
  cur_root2_ = r2.data();
  prepare_polynomial(poly);
  if (direct_end_ < n) buckets_.fill(fb_.prime.data(), logp_.data(), r1.data(), r2.data(), direct_end_, n);
  for (std::uint32_t blk = 0; blk < blocks_; ++blk) {
    if (stop.should_stop_sometimes()) return false;
    sieve_block(blk);
    scan_block(blk * block_len_, poly, out);
  }
  return true;
}

void siqs_sieve::sieve_block(std::uint32_t blk) {
  auto* s = reinterpret_cast<std::uint8_t*>(block_.data());
  std::memset(s, init_byte_, block_len_);
  // Sieving the smallest primes over L1-sized halves of the block first measured 5%
  // slower at 60 digits: the 64 KiB block stays in L2 for every prime. (Again no gain at
  // 70 digits for the primes below 8192 over 32 KiB quarters of a 128 KiB block, nor
  // from grouping the primes by hits per block for fixed-count loops.)
  sieve_range(s, block_len_, first_sieved_, first_medium_);
  if (first_medium_ < direct_end_) sieve_medium_single(s, cur_root1_, cur_root2_);
  if (direct_end_ < fb_.size()) buckets_.apply(blk, s);
}

// One block, primes with at most medium_max_hits hits per root: a prime with at most h
// hits has h - 1 certain ones per root and a last one that may miss (then it lands on
// the spare byte s[len]).
void siqs_sieve::sieve_medium_single(std::uint8_t* s, const std::uint32_t* root1,
                                     const std::uint32_t* root2) {
  const std::uint32_t* prime = fb_.prime.data();
  const std::uint8_t* logp = logp_.data();
  const std::uint32_t len = block_len_;
  for (std::uint32_t h = medium_max_hits; h >= 1; --h) {
    const std::uint32_t from = medium_start_[h], to = medium_start_[h - 1];
    for (std::uint32_t i = from; i < to; ++i) {
      const std::uint32_t p = prime[i];
      const std::uint8_t l = logp[i];
      std::uint32_t a = root1[i], b = root2[i];
      if (a >= p) continue; // no root (a prime of A)
      for (std::uint32_t k = 1; k < h; ++k) {
        s[a] += l;
        s[b] += l;
        a += p;
        b += p;
      }
      s[a < len ? a : len] += l;
      s[b < len ? b : len] += l;
    }
  }
}

// Primes below `len` hit every range, usually many times. pos1 <= pos2 < pos1 + p hold
// relative to the range start, and again relative to the next range on return.
void siqs_sieve::sieve_range(std::uint8_t* s, std::uint32_t len, std::uint32_t from, std::uint32_t to) {
  const std::uint32_t* prime = fb_.prime.data();
  const std::uint8_t* logp = logp_.data();
  std::uint32_t* pos1 = pos1_.data();
  std::uint32_t* pos2 = pos2_.data();
  for (std::uint32_t i = from; i < to; ++i) {
    const std::uint32_t p = prime[i];
    const std::uint8_t l = logp[i];
    std::uint32_t a = pos1[i], b = pos2[i];
    // Four hits per root and step while they surely fit (b < len - 3p): 2-9% faster at
    // 50-60 digits than the loop below alone.
    const std::uint32_t p4 = 4 * p;
    if (p4 < len) {
      const std::uint32_t stop4 = len - 3 * p;
      while (b < stop4) {
        s[a] += l;
        s[b] += l;
        s[a + p] += l;
        s[b + p] += l;
        s[a + 2 * p] += l;
        s[b + 2 * p] += l;
        s[a + 3 * p] += l;
        s[b + 3 * p] += l;
        a += p4;
        b += p4;
      }
    }
    while (b < len) {
      s[a] += l;
      s[b] += l;
      a += p;
      b += p;
    }
    if (a < len) {
      s[a] += l;
      a += p;
      std::swap(a, b);
    }
    pos1[i] = a - len;
    pos2[i] = b - len;
  }
}

void siqs_sieve::scan_block(std::uint32_t block_start, const siqs_poly& poly, siqs_relations& out) {
  constexpr std::uint64_t high_bits = 0x8080808080808080ull;
  const std::size_t words = block_len_ / 8;
  const std::uint64_t* b = block_.data();
  // Candidates are rare (a few per block): test 64 bytes per step, look closer on a hit.
  for (std::size_t w = 0; w < words; w += 8) {
    if (((b[w] | b[w + 1] | b[w + 2] | b[w + 3] | b[w + 4] | b[w + 5] | b[w + 6] | b[w + 7]) & high_bits) ==
        0)
      continue;
    for (std::size_t k = w; k < w + 8; ++k) {
      std::uint64_t hits = b[k] & high_bits;
      while (hits != 0) {
        const auto byte = static_cast<std::uint32_t>(__builtin_ctzll(hits) / 8);
        hits &= hits - 1;
        trial_divide(block_start + static_cast<std::uint32_t>(k * 8) + byte,
                     static_cast<std::uint8_t>(b[k] >> (8 * byte)), poly, out);
      }
    }
  }
}

} // namespace factord::factor
