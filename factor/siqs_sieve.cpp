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

std::uint32_t first_index_at_least(const siqs_factor_base& fb, std::uint32_t from,
                                   std::uint32_t bound) {
  while (from < fb.size() && fb.prime[from] < bound) ++from;
  return from;
}

} // namespace

siqs_sieve::siqs_sieve(const siqs_factor_base& fb, const siqs_params& params)
  : fb_(fb), block_len_(params.block_len), blocks_(params.blocks),
    half_width_(params.block_len * params.blocks / 2),
    first_sieved_(first_index_at_least(fb, 1, params.small_prime_limit)),
    first_large_(first_index_at_least(fb, first_sieved_, params.block_len / bucket_fraction)),
    buckets_(params.block_len, params.blocks, fb.prime.data(), first_large_, fb.size()) {
  const std::uint32_t n = fb.size();
  large_bound_ = static_cast<std::uint64_t>(fb.largest()) * params.large_prime_mult;

  // Typical |Q(x)| is M sqrt(kN / 2); accept what lacks at most a large prime and slack.
  long exp = 0;
  const double mant = mpz_get_d_2exp(&exp, fb.kn.get_mpz_t());
  const double log2_q = std::log2(static_cast<double>(half_width_)) +
                        0.5 * (std::log2(mant) + static_cast<double>(exp)) - 0.5;
  // The unsieved small primes still divide Q(x) on average this much (two roots each).
  double small_prime_bits = 1.0;  // 2: Q(x) is even half the time, more for kN == 1 (mod 8)
  for (std::uint32_t i = 1; i < first_sieved_; ++i) {
    const double p = fb.prime[i];
    small_prime_bits += fb.log2p[i] * (fb.sqrt_kn[i] == 0 ? 1.0 / p : 2.0 / (p - 1));
  }
  double threshold = log2_q - std::log2(static_cast<double>(large_bound_)) -
                     params.threshold_slack - small_prime_bits;
  threshold = std::max(threshold, 8.0);
  const double scale = threshold > max_threshold ? max_threshold / threshold : 1.0;
  init_byte_ = static_cast<std::uint8_t>(128 - std::lround(threshold * scale));

  logp_.resize(n);
  divisor_limit_.resize(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    logp_[i] = static_cast<std::uint8_t>(std::lround(fb.log2p[i] * scale));
    divisor_limit_[i] = 0xFFFFFFFFu / fb.prime[i];
  }
  for (std::uint32_t i = 1; i < n; ++i)
    if (fb.sqrt_kn[i] == 0) multiplier_primes_.push_back(i);
  hit_flags_.assign((n + 63) / 64 * 64, 0);
  pos1_.resize(n);
  pos2_.resize(n);
  block_.resize(block_len_ / 8);
}

bool siqs_sieve::sieve(const siqs_poly& poly, siqs_relations& out, stop_token& stop) {
  const std::uint32_t n = fb_.size();
  const auto& r1 = poly.root1();
  const auto& r2 = poly.root2();
  // no_root is far beyond any interval, so unsieved primes simply never hit a block.
  for (std::uint32_t i = first_sieved_; i < first_large_; ++i) {
    pos1_[i] = std::min(r1[i], r2[i]);
    pos2_[i] = std::max(r1[i], r2[i]);
  }
  buckets_.fill(fb_.prime.data(), logp_.data(), r1.data(), r2.data(), first_large_, n);
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
  // slower at 60 digits: the 64 KiB block stays in L2 for every prime.
  sieve_range(s, block_len_, first_sieved_, first_large_);
  buckets_.apply(blk, s);
}

// Primes below `len` hit every range, usually many times. pos1 <= pos2 < pos1 + p hold
// relative to the range start, and again relative to the next range on return.
void siqs_sieve::sieve_range(std::uint8_t* s, std::uint32_t len, std::uint32_t from,
                             std::uint32_t to) {
  const std::uint32_t* prime = fb_.prime.data();
  const std::uint8_t* logp = logp_.data();
  std::uint32_t* pos1 = pos1_.data();
  std::uint32_t* pos2 = pos2_.data();
  for (std::uint32_t i = from; i < to; ++i) {
    const std::uint32_t p = prime[i];
    const std::uint8_t l = logp[i];
    std::uint32_t a = pos1[i], b = pos2[i];
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

void siqs_sieve::scan_block(std::uint32_t block_start, const siqs_poly& poly,
                            siqs_relations& out) {
  constexpr std::uint64_t high_bits = 0x8080808080808080ull;
  const std::size_t words = block_.size();
  const std::uint64_t* b = block_.data();
  // Candidates are rare (a few per block): test 64 bytes per step, look closer on a hit.
  for (std::size_t w = 0; w < words; w += 8) {
    if (((b[w] | b[w + 1] | b[w + 2] | b[w + 3] | b[w + 4] | b[w + 5] | b[w + 6] | b[w + 7]) &
         high_bits) == 0)
      continue;
    for (std::size_t k = w; k < w + 8; ++k) {
      std::uint64_t hits = b[k] & high_bits;
      while (hits != 0) {
        const auto byte = static_cast<std::uint32_t>(__builtin_ctzll(hits) / 8);
        hits &= hits - 1;
        trial_divide(block_start + static_cast<std::uint32_t>(k * 8) + byte, poly, out);
      }
    }
  }
}

void siqs_sieve::divide_out(std::uint32_t j) {
  const std::uint32_t p = fb_.prime[j];
  while (mpz_divisible_ui_p(q_.get_mpz_t(), p)) {
    mpz_divexact_ui(q_.get_mpz_t(), q_.get_mpz_t(), p);
    cols_.push_back(j + 1);
  }
}

// p | (i - root) is tested as (i + p - root) * p^-1 mod 2^32 <= (2^32 - 1) / p: two
// multiplies and compares per prime, vectorised where the CPU allows.
__attribute__((target_clones("avx2", "default")))
void siqs_sieve::mark_root_hits(std::uint32_t i, const std::uint32_t* root1,
                                const std::uint32_t* root2) {
  const std::uint32_t n = fb_.size();
  const std::uint32_t* prime = fb_.prime.data();
  const std::uint32_t* inverse = fb_.inverse.data();
  const std::uint32_t* limit = divisor_limit_.data();
  std::uint8_t* flag = hit_flags_.data();
  for (std::uint32_t j = 1; j < n; ++j) {
    const std::uint32_t u = (i + prime[j] - root1[j]) * inverse[j];
    const std::uint32_t v = (i + prime[j] - root2[j]) * inverse[j];
    flag[j] = static_cast<std::uint8_t>(((u <= limit[j]) | (v <= limit[j])) << 7);
  }
}

void siqs_sieve::trial_divide(std::uint32_t i, const siqs_poly& poly, siqs_relations& out) {
  ++candidates_;
  const auto x = static_cast<long>(i) - static_cast<long>(half_width_);
  // Q(x) = ((A x + B)^2 - kN) / A; the relation is y^2 == A Q(x) (mod n).
  mpz_mul_si(y_.get_mpz_t(), poly.a().get_mpz_t(), x);
  y_ += poly.b();
  q_ = y_ * y_ - fb_.kn;
  mpz_divexact(q_.get_mpz_t(), q_.get_mpz_t(), poly.a().get_mpz_t());
  cols_.clear();
  if (q_ < 0) {
    cols_.push_back(0);
    q_ = -q_;
  }
  for (std::uint32_t j : poly.a_factors()) cols_.push_back(j + 1);
  const auto twos = static_cast<std::uint32_t>(mpz_scan1(q_.get_mpz_t(), 0));
  cols_.insert(cols_.end(), twos, 1);
  mpz_tdiv_q_2exp(q_.get_mpz_t(), q_.get_mpz_t(), twos);

  // Primes with no sieve root may still divide Q(x): those of A (one root mod q) and of k.
  for (std::uint32_t j : poly.a_factors()) divide_out(j);
  for (std::uint32_t j : multiplier_primes_) divide_out(j);
  // The others divide Q(x) exactly when i sits on one of their roots. Flag those first in
  // a branch-free loop (spurious flags of unsieved primes only cost a failed division).
  mark_root_hits(i, poly.root1().data(), poly.root2().data());
  const auto* flag_words = reinterpret_cast<const std::uint64_t*>(hit_flags_.data());
  for (std::size_t w = 0; w < hit_flags_.size() / 8; ++w) {
    std::uint64_t bits = flag_words[w];
    while (bits != 0) {
      const auto j = static_cast<std::uint32_t>(w * 8 + static_cast<std::size_t>(__builtin_ctzll(bits)) / 8);
      bits &= bits - 1;
      divide_out(j);
    }
  }

  if (q_ == 1) {
    out.add_full({mpz_class(y_ % fb_.kn), cols_, 1});
    return;
  }
  if (mpz_cmp_ui(q_.get_mpz_t(), 0xFFFFFFFFul) <= 0) {
    const auto large = static_cast<std::uint32_t>(q_.get_ui());
    if (large < large_bound_) out.add_partial(large, {mpz_class(y_ % fb_.kn), cols_, 1});
  }
}

} // namespace factord::factor
