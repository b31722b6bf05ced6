#include "factor/siqs_poly.hpp"

#include <algorithm>
#include <cmath>

namespace factord::factor {

namespace {

// A-factors around this size keep s (and so 2^(s-1) polynomials per A) large without
// sieving with many tiny primes missing from the factor base.
constexpr double preferred_a_prime_log2 = 11.0;
constexpr int max_a_attempts = 200;

double log2_mpz(const mpz_class& v) {
  long exp = 0;
  double mant = mpz_get_d_2exp(&exp, v.get_mpz_t());
  return std::log2(mant) + static_cast<double>(exp);
}

} // namespace

// v mod prime[i] for v >= 0: the 32-bit halves of up to three limbs times 2^(32 k) mod p,
// summed in 128 bits, then two multiply-based reductions (`reduce`, no division).
// mpz_fdiv_ui's per-call set-up (a limb inverse) made first_b ~10% of a 60-digit run.
std::uint32_t siqs_poly::mod_prime(const mpz_class& v, std::uint32_t i) const {
  static_assert(sizeof(mp_limb_t) == 8, "64-bit limbs");
  const std::size_t limbs = mpz_size(v.get_mpz_t());
  const std::uint32_t p = fb_.prime[i];
  if (limbs > pow32_limbs) return static_cast<std::uint32_t>(mpz_fdiv_ui(v.get_mpz_t(), p));
  // A and the B terms fit one word up to ~45 digits.
  if (limbs <= 1) return limbs == 0 ? 0 : reduce(mpz_getlimbn(v.get_mpz_t(), 0), i);
  const auto& w = pow32_mod_p_[i];
  __extension__ typedef unsigned __int128 uint128;
  uint128 acc = 0;
  for (std::size_t k = 0; k < limbs; ++k) {
    const std::uint64_t limb = mpz_getlimbn(v.get_mpz_t(), static_cast<mp_size_t>(k));
    acc += static_cast<uint128>((limb & 0xFFFFFFFFu) * w[2 * k]) +
           static_cast<uint128>((limb >> 32) * w[2 * k + 1]);
  }
  const auto lo = static_cast<std::uint64_t>(acc), hi = static_cast<std::uint64_t>(acc >> 64);
  return reduce(reduce(lo, i) + hi * w[2], i);
}

siqs_poly::siqs_poly(const siqs_factor_base& fb, std::uint32_t half_width, std::uint32_t min_a_prime)
    : fb_(fb) {
  const std::uint32_t n = fb.size();
  while (min_a_index_ + 1 < n && fb.prime[min_a_index_] < min_a_prime) ++min_a_index_;
  target_log2_a_ = 0.5 * (log2_mpz(fb.kn) + 1) - std::log2(static_cast<double>(half_width));

  // The fewest factors whose typical size stays within the preferred size and the upper
  // part of the factor base.
  const double cap = std::min(preferred_a_prime_log2, std::log2(static_cast<double>(fb.prime[n * 3 / 4])));
  a_factor_count_ = static_cast<std::uint32_t>(std::max(1.0, std::ceil(target_log2_a_ / cap)));
  a_factor_count_ = std::min<std::uint32_t>(a_factor_count_, 20);

  half_width_mod_p_.resize(n);
  for (std::uint32_t i = 0; i < n; ++i) half_width_mod_p_[i] = half_width % fb.prime[i];
  __extension__ typedef unsigned __int128 uint128;
  reciprocal_.resize(n);
  for (std::uint32_t i = 0; i < n; ++i)
    reciprocal_[i] = static_cast<std::uint64_t>((static_cast<uint128>(1) << 64) / fb.prime[i]);
  pow32_mod_p_.assign(n, {});
  for (std::uint32_t i = 0; i < n; ++i) {
    std::uint64_t w = 1 % fb.prime[i];
    for (auto& entry : pow32_mod_p_[i]) {
      entry = static_cast<std::uint32_t>(w);
      w = (w << 32) % fb.prime[i];
    }
  }
  root1_.assign(n, no_root);
  root2_.assign(n, no_root);
  delta_.assign(a_factor_count_, std::vector<std::uint32_t>(n, 0));
}

void siqs_poly::next() {
  ++polynomials_;
  if (gray_index_ + 1 < gray_count_) {
    ++gray_index_;
    next_b();
    return;
  }
  choose_a();
  first_b();
}

void siqs_poly::choose_a() {
  const std::uint32_t n = fb_.size();
  const std::uint32_t s = a_factor_count_;
  const double ideal = std::exp2(target_log2_a_ / s);
  // Window of candidate indices around the ideal prime size, wide enough for variety.
  auto idx_of = [&](double v) {
    auto it = std::lower_bound(fb_.prime.begin(), fb_.prime.end(), v,
                               [](std::uint32_t p, double x) { return p < x; });
    return static_cast<std::uint32_t>(it - fb_.prime.begin());
  };
  std::uint32_t lo = std::max(min_a_index_, idx_of(ideal / 2));
  std::uint32_t hi = std::min(n - 1, std::max(idx_of(ideal * 2), lo + 4 * s + 8));
  if (hi > n - 1) hi = n - 1;
  if (lo + 2 * s + 2 > hi) lo = std::max<std::uint32_t>(min_a_index_, hi > 2 * s + 2 ? hi - 2 * s - 2 : 1);

  std::vector<std::uint32_t> best;
  double best_err = 1e300;
  for (int attempt = 0; attempt < max_a_attempts; ++attempt) {
    std::vector<std::uint32_t> pick;
    double log_a = 0;
    std::uniform_int_distribution<std::uint32_t> dist(lo, hi);
    while (pick.size() + 1 < s) {
      std::uint32_t i = dist(rng_);
      if (fb_.sqrt_kn[i] == 0 || std::find(pick.begin(), pick.end(), i) != pick.end()) continue;
      pick.push_back(i);
      log_a += fb_.log2p[i];
    }
    // The last factor brings A as close to its target as the factor base allows.
    std::uint32_t last = idx_of(std::exp2(target_log2_a_ - log_a));
    last = std::clamp(last, min_a_index_, n - 1);
    for (std::uint32_t step = 0; step < 2 * s + 4; ++step) {
      std::uint32_t cand = (step % 2 == 0) ? last + step / 2 : last - (step + 1) / 2;
      if (cand < min_a_index_ || cand >= n || fb_.sqrt_kn[cand] == 0) continue;
      if (std::find(pick.begin(), pick.end(), cand) != pick.end()) continue;
      pick.push_back(cand);
      break;
    }
    if (pick.size() != s) continue;
    std::sort(pick.begin(), pick.end());
    if (used_a_.count(pick) != 0) continue;
    double total = 0;
    for (std::uint32_t i : pick) total += fb_.log2p[i];
    const double err = std::abs(total - target_log2_a_);
    if (err < best_err) {
      best_err = err;
      best = pick;
    }
    if (err < 0.5) break;
  }
  // Tiny factor bases can run out of fresh A's; reusing one only repeats relations,
  // which the relation store drops.
  if (best.empty()) best = a_index_;
  used_a_.insert(best);
  a_index_ = best;
  a_ = 1;
  for (std::uint32_t i : a_index_) a_ *= fb_.prime[i];
  gray_index_ = 0;
  gray_count_ = 1u << (s - 1);
}

void siqs_poly::first_b() {
  const std::uint32_t n = fb_.size();
  const std::uint32_t s = a_factor_count_;
  b_terms_.resize(s);
  b_ = 0;
  for (std::uint32_t j = 0; j < s; ++j) {
    const std::uint32_t q = fb_.prime[a_index_[j]];
    const mpz_class a_over_q = a_ / q;
    const auto rest = static_cast<std::uint32_t>(mpz_fdiv_ui(a_over_q.get_mpz_t(), q));
    std::uint32_t gamma = static_cast<std::uint32_t>(static_cast<std::uint64_t>(fb_.sqrt_kn[a_index_[j]]) *
                                                     inverse_mod_u32(rest, q) % q);
    if (gamma > q / 2) gamma = q - gamma;
    b_terms_[j] = a_over_q * gamma;
    b_ += b_terms_[j];
  }
  for (std::uint32_t i = 1; i < n; ++i) {
    const std::uint32_t p = fb_.prime[i];
    const std::uint32_t a_mod = mod_prime(a_, i);
    if (a_mod == 0 || fb_.sqrt_kn[i] == 0) continue;
    const std::uint64_t ainv = inverse_mod_u32(a_mod, p);
    for (std::uint32_t j = 0; j < s; ++j) {
      const std::uint64_t bj = mod_prime(b_terms_[j], i);
      delta_[j][i] = reduce(2 * bj * ainv, i);
    }
    const std::uint32_t b_mod = mod_prime(b_, i);
    const std::uint32_t t = fb_.sqrt_kn[i];
    root1_[i] = reduce((t + p - b_mod) * ainv + half_width_mod_p_[i], i);
    root2_[i] = reduce((2 * p - t - b_mod) * ainv + half_width_mod_p_[i], i);
  }
  clear_special_roots();
}

namespace {

// Every root moved by +delta (Up) or -delta mod p, i from 1 to n. The loop is compiled
// twice, for SSE2 and for AVX2 (8 roots per instruction); on 70 digits the SSE2 copy was
// 7% of the run, 25000 polynomials times 6500 primes.
template <bool Up>
inline void shift_roots(std::uint32_t n, const std::uint32_t* prime, const std::uint32_t* delta,
                        std::uint32_t* r1, std::uint32_t* r2) {
  for (std::uint32_t i = 1; i < n; ++i) {
    if (Up) {
      const std::uint32_t x = r1[i] + delta[i], y = r2[i] + delta[i];
      r1[i] = x >= prime[i] ? x - prime[i] : x;
      r2[i] = y >= prime[i] ? y - prime[i] : y;
    } else {
      const std::uint32_t x = r1[i] - delta[i], y = r2[i] - delta[i];
      r1[i] = x >= prime[i] ? x + prime[i] : x;
      r2[i] = y >= prime[i] ? y + prime[i] : y;
    }
  }
}

template <bool Up>
__attribute__((target("avx2"))) void shift_roots_avx2(std::uint32_t n, const std::uint32_t* prime,
                                                      const std::uint32_t* delta, std::uint32_t* r1,
                                                      std::uint32_t* r2) {
  shift_roots<Up>(n, prime, delta, r1, r2);
}

const bool cpu_has_avx2 = __builtin_cpu_supports("avx2");

} // namespace

void siqs_poly::next_b() {
  const std::uint32_t n = fb_.size();
  const auto v = static_cast<std::uint32_t>(__builtin_ctz(gray_index_));
  const bool minus = ((gray_index_ ^ (gray_index_ >> 1)) >> v) & 1;
  const std::uint32_t* delta = delta_[v].data();
  const std::uint32_t* prime = fb_.prime.data();
  std::uint32_t* r1 = root1_.data();
  std::uint32_t* r2 = root2_.data();
  if (minus) {
    // B -= 2 B_v moves every root up by 2 B_v / A.
    b_ -= 2 * b_terms_[v];
    if (cpu_has_avx2)
      shift_roots_avx2<true>(n, prime, delta, r1, r2);
    else
      shift_roots<true>(n, prime, delta, r1, r2);
  } else {
    b_ += 2 * b_terms_[v];
    if (cpu_has_avx2)
      shift_roots_avx2<false>(n, prime, delta, r1, r2);
    else
      shift_roots<false>(n, prime, delta, r1, r2);
  }
  clear_special_roots();
}

void siqs_poly::clear_special_roots() {
  root1_[0] = root2_[0] = no_root;
  for (std::uint32_t i : a_index_) root1_[i] = root2_[i] = no_root;
  for (std::uint32_t i = 1; i < fb_.size() && fb_.prime[i] <= 97; ++i)
    if (fb_.sqrt_kn[i] == 0) root1_[i] = root2_[i] = no_root;
}

} // namespace factord::factor
