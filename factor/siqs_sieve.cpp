#include "factor/siqs_sieve.hpp"

#include "factor/factor64.hpp"
#include "factor/prime64.hpp"

#include <immintrin.h>

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
    direct_end_(params.blocks == 1 ? fb.size() : first_large_),
    buckets_(params.block_len, params.blocks, fb.prime.data(), direct_end_, fb.size()) {
  const std::uint32_t n = fb.size();
  // Large primes are graph vertices of 32 bits (siqs_cycles).
  large_bound_ = std::min<std::uint64_t>(
      static_cast<std::uint64_t>(fb.largest()) * params.large_prime_mult, 0xFFFFFFFFu);
  split_floor_ = static_cast<std::uint64_t>(fb.largest()) * fb.largest();
  double cofactor_bits = std::log2(static_cast<double>(large_bound_));
  if (params.dlp_exponent > 1.0) {
    const double e = std::min(params.dlp_exponent, 2.0);
    dlp_bound_ = static_cast<std::uint64_t>(
        std::min(std::pow(static_cast<double>(large_bound_), e), 0x1p63));
    cofactor_bits *= e;
  }

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
  // Padded to whole groups of 8 with entries that never hit (prime 0, limit 0).
  const std::uint32_t padded = (n + 7) / 8 * 8;
  divisor_limit_.assign(padded, 0);
  prime_pad_.assign(padded, 0);
  inverse_pad_.assign(padded, 1);
  std::copy(fb.prime.begin(), fb.prime.end(), prime_pad_.begin());
  std::copy(fb.inverse.begin(), fb.inverse.end(), inverse_pad_.begin());
  pad_root1_.assign(8, 0xFFFFFFFFu);
  pad_root2_.assign(8, 0xFFFFFFFFu);
  hit_bits_.assign((n + 63) / 64, 0);
  inverse128_.assign(n, 0);
  limit128_.assign(n, 0);
  for (std::uint32_t i = 0; i < n; ++i) {
    logp_[i] = static_cast<std::uint8_t>(std::lround(fb.log2p[i] * scale));
    divisor_limit_[i] = 0xFFFFFFFFu / fb.prime[i];
    if (fb.prime[i] % 2 == 0) continue;
    uint128 inv = fb.prime[i];  // Newton: each step doubles the correct low bits (3 to start)
    for (int k = 0; k < 6; ++k) inv *= 2 - fb.prime[i] * inv;
    inverse128_[i] = inv;
    limit128_[i] = ~uint128{0} / fb.prime[i];
  }
  for (std::uint32_t i = 1; i < n; ++i)
    if (fb.sqrt_kn[i] == 0) multiplier_primes_.push_back(i);
  pos1_.resize(n);
  pos2_.resize(n);
  // One spare word past the block for the misses of the medium primes.
  block_.resize(block_len_ / 8 + 8);
  // medium_start_[h]: the first prime of at least block_len / h, so that the primes from
  // medium_start_[h] to medium_start_[h - 1] hit each root at most h times.
  medium_start_.assign(medium_max_hits + 1, direct_end_);
  if (blocks_ == 1)
    for (std::uint32_t h = 1; h <= medium_max_hits; ++h)
      medium_start_[h] = std::min(direct_end_, first_index_at_least(
          fb, first_sieved_, (block_len_ + h - 1) / h));
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
  if (direct_end_ < n)
    buckets_.fill(fb_.prime.data(), logp_.data(), r1.data(), r2.data(), direct_end_, n);
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
      if (a >= p) continue;  // no root (a prime of A)
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

void siqs_sieve::scan_block(std::uint32_t block_start, const siqs_poly& poly,
                            siqs_relations& out) {
  constexpr std::uint64_t high_bits = 0x8080808080808080ull;
  const std::size_t words = block_len_ / 8;
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
        trial_divide(block_start + static_cast<std::uint32_t>(k * 8) + byte,
                     static_cast<std::uint8_t>(b[k] >> (8 * byte)), poly, out);
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

namespace {

// p | (i - root) is tested as (i + p - root) * p^-1 mod 2^32 <= (2^32 - 1) / p: two
// multiplies and compares per prime, 8 primes per step with AVX2, one bit of `bits` each.
__attribute__((target("avx2")))
void mark_root_hits_avx2(std::uint32_t i, std::uint32_t from, std::uint32_t n,
                         const std::uint32_t* prime, const std::uint32_t* inverse,
                         const std::uint32_t* limit, const std::uint32_t* root1,
                         const std::uint32_t* root2, std::uint8_t* bits) {
  const __m256i vi = _mm256_set1_epi32(static_cast<int>(i));
#define FACTORD_LOAD8(p) _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p))
  for (std::uint32_t j = from; j < n; j += 8) {
    const __m256i base = _mm256_add_epi32(vi, FACTORD_LOAD8(prime + j));
    const __m256i inv = FACTORD_LOAD8(inverse + j), lim = FACTORD_LOAD8(limit + j);
    const __m256i u = _mm256_mullo_epi32(_mm256_sub_epi32(base, FACTORD_LOAD8(root1 + j)), inv);
    const __m256i v = _mm256_mullo_epi32(_mm256_sub_epi32(base, FACTORD_LOAD8(root2 + j)), inv);
    const __m256i hit = _mm256_or_si256(_mm256_cmpeq_epi32(_mm256_max_epu32(u, lim), lim),
                                        _mm256_cmpeq_epi32(_mm256_max_epu32(v, lim), lim));
    bits[j / 8] = static_cast<std::uint8_t>(_mm256_movemask_ps(_mm256_castsi256_ps(hit)));
  }
#undef FACTORD_LOAD8
}

void mark_root_hits_generic(std::uint32_t i, std::uint32_t from, std::uint32_t n,
                            const std::uint32_t* prime, const std::uint32_t* inverse,
                            const std::uint32_t* limit, const std::uint32_t* root1,
                            const std::uint32_t* root2, std::uint8_t* bits) {
  for (std::uint32_t j = from; j < n; j += 8) {
    unsigned byte = 0;
    for (std::uint32_t k = 0; k < 8; ++k) {
      const std::uint32_t u = (i + prime[j + k] - root1[j + k]) * inverse[j + k];
      const std::uint32_t v = (i + prime[j + k] - root2[j + k]) * inverse[j + k];
      byte |= static_cast<unsigned>((u <= limit[j + k]) | (v <= limit[j + k])) << k;
    }
    bits[j / 8] = static_cast<std::uint8_t>(byte);
  }
}

const bool cpu_has_avx2 = __builtin_cpu_supports("avx2");

} // namespace

// Sets bit j of hit_bits_ for the primes j in [from, to) with a root at i; `from` is a
// multiple of 8, `to` too or the factor-base size (the last group is padded with entries
// that never hit).
void siqs_sieve::mark_root_hits(std::uint32_t i, const std::uint32_t* root1,
                                const std::uint32_t* root2, std::uint32_t from,
                                std::uint32_t to) {
  const std::uint32_t n = fb_.size();
  const std::uint32_t full = to == n ? n - n % 8 : to;
  auto* bits = reinterpret_cast<std::uint8_t*>(hit_bits_.data());
  const std::uint32_t* prime = prime_pad_.data();
  const std::uint32_t* inverse = inverse_pad_.data();
  const std::uint32_t* limit = divisor_limit_.data();
  const bool tail = to == n && full < n;
  if (tail) {
    std::copy(root1 + full, root1 + n, pad_root1_.begin());
    std::copy(root2 + full, root2 + n, pad_root2_.begin());
  }
  if (cpu_has_avx2) {
    mark_root_hits_avx2(i, from, full, prime, inverse, limit, root1, root2, bits);
    if (tail)
      mark_root_hits_avx2(i, 0, 8, prime + full, inverse + full, limit + full,
                          pad_root1_.data(), pad_root2_.data(), bits + full / 8);
  } else {
    mark_root_hits_generic(i, from, full, prime, inverse, limit, root1, root2, bits);
    if (tail)
      mark_root_hits_generic(i, 0, 8, prime + full, inverse + full, limit + full,
                             pad_root1_.data(), pad_root2_.data(), bits + full / 8);
  }
}

void siqs_sieve::prepare_polynomial(const siqs_poly& poly) {
  // Q(x) = A x^2 + 2 B x + C with C = (B^2 - kN) / A, as doubles (|Q| is only far below
  // its typical size right next to a real root, where the estimate errs on the safe side)
  // and mod 2^64 (exact, for the power of two).
  mpz_class c = poly.b() * poly.b() - fb_.kn;
  mpz_divexact(c.get_mpz_t(), c.get_mpz_t(), poly.a().get_mpz_t());
  a_d_ = poly.a().get_d();
  b_d_ = poly.b().get_d();
  c_d_ = c.get_d();
  auto low_word = [](const mpz_class& v) {
    const std::uint64_t w = mpz_getlimbn(v.get_mpz_t(), 0);
    return sgn(v) < 0 ? ~w + 1 : w;
  };
  a_lo_ = low_word(poly.a());
  b_lo_ = low_word(poly.b());
  c_lo_ = low_word(c);
}

void siqs_sieve::trial_divide(std::uint32_t i, std::uint8_t sieve_value, const siqs_poly& poly,
                              siqs_relations& out) {
  ++candidates_;
  const auto x = static_cast<long>(i) - static_cast<long>(half_width_);
  const std::uint32_t* root1 = poly.root1().data();
  const std::uint32_t* root2 = poly.root2().data();

  // First a cheap estimate of the cofactor: |Q(x)| less its power of two, the unsieved
  // small primes on a root (once each) and what the sieve value says the sieved primes
  // take out (up to rounding; prime powers, A's and k's primes only take out more). The
  // threshold could allow for the small primes only on average, so most candidates stop
  // here, before any multiple-precision arithmetic.
  const auto xd = static_cast<double>(x);
  const auto ux = static_cast<std::uint64_t>(x);
  const std::uint64_t q_low = (a_lo_ * ux + 2 * b_lo_) * ux + c_lo_;
  double est_bits = std::log2(std::fabs((a_d_ * xd + 2 * b_d_) * xd + c_d_)) -
                    (q_low == 0 ? 64.0 : static_cast<double>(__builtin_ctzll(q_low))) -
                    static_cast<std::uint8_t>(sieve_value - init_byte_) / scale_;
  small_hits_.clear();
  for (std::uint32_t j = 1; j < first_sieved_; ++j) {
    const std::uint32_t p = fb_.prime[j];
    const std::uint32_t u = (i + p - root1[j]) * fb_.inverse[j];
    const std::uint32_t v = (i + p - root2[j]) * fb_.inverse[j];
    if (u <= divisor_limit_[j] || v <= divisor_limit_[j]) {
      small_hits_.push_back(j);
      est_bits -= fb_.log2p[j];
    }
  }
  // Cofactors between the large-prime bound and the largest prime squared are primes
  // too big to use.
  if (est_bits > max_cofactor_bits_ || (est_bits > max_single_bits_ && est_bits < min_double_bits_))
    return;
  ++survivors_;

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
  for (std::uint32_t j : small_hits_) divide_out(j);

  // The others divide Q(x) exactly when i sits on one of their roots: mark_root_hits flags
  // them (the primes without a root, A's and k's, may be flagged spuriously and are
  // unflagged). Divisions by one-word primes: in GMP while Q(x) is wider than 128 bits,
  // then in a native 128-bit word, where p | q is q * p^-1 mod 2^128 <= (2^128 - 1) / p.
  bool native = false;
  uint128 qn = 0;
  auto to_native = [&] {
    if (mpz_sizeinbase(q_.get_mpz_t(), 2) > 128) return false;
    qn = (static_cast<uint128>(mpz_getlimbn(q_.get_mpz_t(), 1)) << 64) | mpz_getlimbn(q_.get_mpz_t(), 0);
    return true;
  };
  native = to_native();
  // Divides by the flagged primes of [from, to), adding up their sieve logs.
  unsigned sieved_logs = 0;
  auto divide_flagged = [&](std::uint32_t from, std::uint32_t to) {
    for (std::uint32_t j : poly.a_factors()) hit_bits_[j / 64] &= ~(std::uint64_t{1} << (j % 64));
    for (std::uint32_t j : multiplier_primes_) hit_bits_[j / 64] &= ~(std::uint64_t{1} << (j % 64));
    for (std::uint32_t w = from / 64; w < (to + 63) / 64; ++w) {
      std::uint64_t bits = hit_bits_[w];
      if (w == from / 64) bits &= ~std::uint64_t{0} << (from % 64);
      if (w == to / 64) bits &= (std::uint64_t{1} << (to % 64)) - 1;
      while (bits != 0) {
        const auto j = static_cast<std::uint32_t>(w * 64 + static_cast<std::uint32_t>(__builtin_ctzll(bits)));
        bits &= bits - 1;
        sieved_logs += logp_[j];
        // A root hit means p divides: one division is certain, the next ones are tested.
        cols_.push_back(j + 1);
        if (native) {
          const uint128 inv = inverse128_[j], lim = limit128_[j];
          qn *= inv;
          while (qn * inv <= lim) {
            qn *= inv;
            cols_.push_back(j + 1);
          }
          continue;
        }
        mpz_divexact_ui(q_.get_mpz_t(), q_.get_mpz_t(), fb_.prime[j]);
        divide_out(j);
        native = to_native();
      }
    }
  };
  // The primes below half a block first. Every sieved prime on a root added its log
  // exactly once, so when their logs make up the whole sieve value no bigger prime divides
  // Q(x): most candidates skip the root test of the biggest part of the factor base.
  const std::uint32_t n = fb_.size();
  const std::uint32_t mid = std::min(n, (first_large_ + 7) / 8 * 8);
  mark_root_hits(i, root1, root2, first_sieved_ & ~7u, mid);
  divide_flagged(first_sieved_, mid);
  if (mid < n && static_cast<std::uint8_t>(sieve_value - init_byte_) != sieved_logs) {
    mark_root_hits(i, root1, root2, mid, n);
    divide_flagged(mid, n);
  }

  std::uint64_t cofactor = 0;
  if (native) {
    if ((qn >> 64) != 0) return;
    cofactor = static_cast<std::uint64_t>(qn);
  } else {
    static_assert(sizeof(unsigned long) >= sizeof(std::uint64_t), "mpz_get_ui must hold 64 bits");
    if (mpz_sizeinbase(q_.get_mpz_t(), 2) > 64) return;
    cofactor = mpz_get_ui(q_.get_mpz_t());
  }
  if (cofactor == 1) {
    out.add_full({mpz_class(y_ % fb_.kn), cols_, 1});
    return;
  }
  add_cofactor_relation(cofactor, out);
}

// Every prime factor of the cofactor is above the factor base (those below it either are
// in the base or cannot divide Q(x)), so below the largest prime squared it is prime.
void siqs_sieve::add_cofactor_relation(std::uint64_t c, siqs_relations& out) {
  if (c < large_bound_) {
    out.add_partial(static_cast<std::uint32_t>(c), {mpz_class(y_ % fb_.kn), cols_, 1});
    return;
  }
  // A base-2 strong probable prime is taken as prime: a pseudoprime only loses a relation.
  if (c >= dlp_bound_ || c < split_floor_ || strong_fermat_base2_u64(c)) return;
  ++splits_;
  split_primes_.clear();
  if (factor_u64(c, split_stop_, split_primes_) != 1 || split_primes_.size() != 2) return;
  const std::uint64_t p1 = split_primes_[0], p2 = split_primes_[1];
  if (p1 >= large_bound_ || p2 >= large_bound_) return;
  out.add_double_partial(static_cast<std::uint32_t>(p1), static_cast<std::uint32_t>(p2),
                         {mpz_class(y_ % fb_.kn), cols_, 1});
}

} // namespace factord::factor
