// siqs_sieve's second half (the class is in siqs_sieve.hpp): trial division of the
// candidates scan_block finds, from the cheap estimate that drops most of them to the
// relation handed to siqs_relations.
#include "factor/siqs_sieve.hpp"

#include "factor/factor64.hpp"
#include "factor/prime64.hpp"

#include <immintrin.h>

#include <algorithm>
#include <cmath>

namespace factord::factor {

// The tables of the root test and of the divisions, per prime of the factor base.
void siqs_sieve::init_trial_division() {
  const std::uint32_t n = fb_.size();
  // Padded to whole groups of 8 with entries that never hit (prime 0, limit 0).
  const std::uint32_t padded = (n + 7) / 8 * 8;
  divisor_limit_.assign(padded, 0);
  prime_pad_.assign(padded, 0);
  inverse_pad_.assign(padded, 1);
  std::copy(fb_.prime.begin(), fb_.prime.end(), prime_pad_.begin());
  std::copy(fb_.inverse.begin(), fb_.inverse.end(), inverse_pad_.begin());
  pad_root1_.assign(8, 0xFFFFFFFFu);
  pad_root2_.assign(8, 0xFFFFFFFFu);
  hit_bits_.assign((n + 63) / 64, 0);
  inverse128_.assign(n, 0);
  limit128_.assign(n, 0);
  for (std::uint32_t i = 0; i < n; ++i) {
    divisor_limit_[i] = 0xFFFFFFFFu / fb_.prime[i];
    if (fb_.prime[i] % 2 == 0) continue;
    uint128 inv = fb_.prime[i]; // Newton: each step doubles the correct low bits (3 to start)
    for (int k = 0; k < 6; ++k) inv *= 2 - fb_.prime[i] * inv;
    inverse128_[i] = inv;
    limit128_[i] = ~uint128{0} / fb_.prime[i];
  }
  for (std::uint32_t i = 1; i < n; ++i)
    if (fb_.sqrt_kn[i] == 0) multiplier_primes_.push_back(i);
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
__attribute__((target("avx2"))) void
mark_root_hits_avx2(std::uint32_t i, std::uint32_t from, std::uint32_t n, const std::uint32_t* prime,
                    const std::uint32_t* inverse, const std::uint32_t* limit, const std::uint32_t* root1,
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

void mark_root_hits_generic(std::uint32_t i, std::uint32_t from, std::uint32_t n, const std::uint32_t* prime,
                            const std::uint32_t* inverse, const std::uint32_t* limit,
                            const std::uint32_t* root1, const std::uint32_t* root2, std::uint8_t* bits) {
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
void siqs_sieve::mark_root_hits(std::uint32_t i, const std::uint32_t* root1, const std::uint32_t* root2,
                                std::uint32_t from, std::uint32_t to) {
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
      mark_root_hits_avx2(i, 0, 8, prime + full, inverse + full, limit + full, pad_root1_.data(),
                          pad_root2_.data(), bits + full / 8);
  } else {
    mark_root_hits_generic(i, from, full, prime, inverse, limit, root1, root2, bits);
    if (tail)
      mark_root_hits_generic(i, 0, 8, prime + full, inverse + full, limit + full, pad_root1_.data(),
                             pad_root2_.data(), bits + full / 8);
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
  if (est_bits > max_cofactor_bits_ || (est_bits > max_single_bits_ && est_bits < min_double_bits_)) return;
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
