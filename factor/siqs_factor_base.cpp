#include "factor/siqs_factor_base.hpp"

#include "factor/primes.hpp"

#include <array>
#include <cmath>
#include <cstdint>

namespace factord::factor {

namespace {

// Squarefree multipliers tried; beyond ~100 the size penalty outweighs any gain.
// Odd squarefree multipliers (odd keeps kN odd, so 2 behaves the same for every k);
// beyond ~100 the size penalty outweighs any gain.
constexpr std::uint32_t multipliers[] = {1,  3,  5,  7,  11, 13, 15, 17, 19, 21, 23, 29, 31, 33,
                                         35, 37, 39, 41, 43, 47, 51, 53, 55, 57, 59, 61, 65, 67,
                                         69, 71, 73, 77, 79, 83, 85, 87, 89, 91, 93, 95, 97};
// Primes scored by Knuth–Schroeppel; later ones change the ranking by a hair.
constexpr std::size_t ks_primes = 300;

std::uint32_t mul_mod(std::uint32_t a, std::uint32_t b, std::uint32_t m) {
  return static_cast<std::uint32_t>(static_cast<std::uint64_t>(a) * b % m);
}

// Jacobi symbol (a/m) for odd m by quadratic reciprocity: a few dozen cycles, where
// Euler's criterion costs a modular exponentiation. For prime m it is Legendre's symbol.
int jacobi(std::uint32_t a, std::uint32_t m) {
  a %= m;
  int result = 1;
  while (a != 0) {
    const int twos = __builtin_ctz(a);
    a >>= twos;
    if ((twos & 1) && (m % 8 == 3 || m % 8 == 5)) result = -result;
    if (a % 4 == 3 && m % 4 == 3) result = -result;
    const std::uint32_t r = m % a;
    m = a;
    a = r;
  }
  return m == 1 ? result : 0;
}

int legendre(std::uint32_t a, std::uint32_t p) { return jacobi(a, p); }

} // namespace

std::uint32_t pow_mod_u32(std::uint32_t base, std::uint32_t exp, std::uint32_t mod) {
  std::uint32_t result = 1 % mod;
  base %= mod;
  for (; exp != 0; exp >>= 1) {
    if (exp & 1) result = mul_mod(result, base, mod);
    base = mul_mod(base, base, mod);
  }
  return result;
}

std::uint32_t inverse_mod_u32(std::uint32_t a, std::uint32_t mod) {
  // 32-bit quotients: a 64-bit division costs several times more, and this runs for every
  // factor-base prime at every new A (5% of a 39-digit sieve with 64-bit ones).
  std::uint32_t r0 = mod, r1 = a % mod;
  std::int64_t s0 = 0, s1 = 1;
  while (r1 != 0) {
    const std::uint32_t q = r0 / r1;
    const std::uint32_t r2 = r0 - q * r1;
    const std::int64_t s2 = s0 - static_cast<std::int64_t>(q) * s1;
    r0 = r1;
    r1 = r2;
    s0 = s1;
    s1 = s2;
  }
  if (s0 < 0) s0 += mod;
  return static_cast<std::uint32_t>(s0);
}

std::uint32_t sqrt_mod_prime(std::uint32_t a, std::uint32_t p) {
  a %= p;
  if (p == 2 || a == 0) return a;
  if (p % 4 == 3) return pow_mod_u32(a, (p + 1) / 4, p);
  // p - 1 = q * 2^s with q odd; z any non-residue.
  std::uint32_t q = p - 1, s = 0;
  while ((q & 1) == 0) {
    q >>= 1;
    ++s;
  }
  std::uint32_t z = 2;
  while (legendre(z, p) != -1) ++z;
  std::uint32_t m = s, c = pow_mod_u32(z, q, p), t = pow_mod_u32(a, q, p);
  std::uint32_t r = pow_mod_u32(a, (q + 1) / 2, p);
  while (t != 1) {
    std::uint32_t i = 0, t2 = t;
    while (t2 != 1) {
      t2 = mul_mod(t2, t2, p);
      ++i;
    }
    std::uint32_t b = c;
    for (std::uint32_t j = 0; j + 1 < m - i; ++j) b = mul_mod(b, b, p);
    m = i;
    c = mul_mod(b, b, p);
    t = mul_mod(t, c, p);
    r = mul_mod(r, b, p);
  }
  return r;
}

namespace {

constexpr std::size_t multiplier_count = sizeof(multipliers) / sizeof(multipliers[0]);

// What Knuth–Schroeppel needs that does not depend on N, computed once per process (it
// was a fifth of a 30-digit factorisation when redone per call). The score of k is
//   -log(k)/2 + [2-adic term] + sum over p | k of log(p)/p
//                             + sum over (kN/p) = 1 of 2 log(p)/(p-1),
// and with (kN/p) = (k/p)(N/p), both +-1, the last sum is
//   sum_p (1 + (k/p)(N/p)) log(p)/(p-1) = fixed(k) + dot(weight_k, (N/p)),
// so per N it is one Legendre symbol per prime (a table lookup) and 41 dot products:
// 75 us -> ~10 us, ~7% of a 29-digit factorisation.
struct ks_table {
  std::array<double, multiplier_count> fixed_score{}; // N-independent part
  std::vector<std::array<double, ks_primes>> weight;  // (k/p) log(p)/(p-1)
  std::array<double, ks_primes> log_p_over_p_minus_1{};
  std::vector<std::vector<bool>> is_square; // per prime, by residue
  std::vector<std::uint64_t> group_product; // products of consecutive scored primes < 2^64
  std::vector<std::uint32_t> group_end;

  ks_table() : weight(multiplier_count), is_square(ks_primes) {
    const auto& primes = small_primes();
    for (std::size_t i = 1; i < ks_primes; ++i) {
      const std::uint32_t p = primes[i];
      const double log_p = std::log(static_cast<double>(p));
      log_p_over_p_minus_1[i] = log_p / (p - 1);
      is_square[i].assign(p, false);
      // x^2 mod p for x up to p/2, stepping (x+1)^2 = x^2 + 2x + 1: no division.
      for (std::uint32_t x = 0, square = 0; x <= p / 2; ++x) {
        is_square[i][square] = true;
        square += 2 * x + 1;
        if (square >= p) square -= p;
      }
      for (std::size_t m = 0; m < multiplier_count; ++m) {
        const std::uint32_t k_mod_p = multipliers[m] % p;
        const int k_symbol = k_mod_p == 0 ? 0 : is_square[i][k_mod_p] ? 1 : -1;
        if (k_symbol == 0)
          fixed_score[m] += log_p / p;
        else
          fixed_score[m] += log_p_over_p_minus_1[i];
        weight[m][i] = k_symbol * log_p_over_p_minus_1[i];
      }
    }
    for (std::size_t m = 0; m < multiplier_count; ++m)
      fixed_score[m] -= 0.5 * std::log(static_cast<double>(multipliers[m]));
    std::uint64_t product = 1;
    for (std::size_t i = 1; i < ks_primes; ++i) {
      if (product > ~std::uint64_t{0} / primes[i]) {
        group_product.push_back(product);
        group_end.push_back(static_cast<std::uint32_t>(i));
        product = 1;
      }
      product *= primes[i];
    }
    group_product.push_back(product);
    group_end.push_back(static_cast<std::uint32_t>(ks_primes));
  }
};

} // namespace

std::uint32_t choose_multiplier(const mpz_class& n) {
  static const ks_table table;
  const auto& primes = small_primes();
  const std::uint32_t n_mod8 = static_cast<std::uint32_t>(mpz_fdiv_ui(n.get_mpz_t(), 8));
  // (N/p) for the scored primes; p | N (possible when the caller did not trial divide)
  // takes back the fixed part's term for p.
  std::array<double, ks_primes> n_symbol{};
  std::array<double, multiplier_count> correction{};
  std::size_t i = 1;
  for (std::size_t g = 0; g < table.group_product.size(); ++g) {
    const std::uint64_t r = mpz_fdiv_ui(n.get_mpz_t(), table.group_product[g]);
    for (; i < table.group_end[g]; ++i) {
      const std::uint64_t residue = r % primes[i];
      if (residue == 0) {
        for (std::size_t m = 0; m < multiplier_count; ++m)
          if (table.weight[m][i] != 0) correction[m] -= table.log_p_over_p_minus_1[i];
        continue;
      }
      n_symbol[i] = table.is_square[i][residue] ? 1.0 : -1.0;
    }
  }

  std::uint32_t best = 1;
  double best_score = -1e300;
  for (std::size_t m = 0; m < multiplier_count; ++m) {
    const std::uint32_t k = multipliers[m];
    double score = table.fixed_score[m] + correction[m];
    const std::uint32_t kn_mod8 = (k * n_mod8) % 8;
    if (kn_mod8 == 1)
      score += 2 * std::log(2.0);
    else if (kn_mod8 == 5)
      score += std::log(2.0);
    else if (kn_mod8 == 3 || kn_mod8 == 7)
      score += 0.5 * std::log(2.0);
    // Four partial sums: independent additions pipeline, one chain would not.
    const auto& w = table.weight[m];
    double sum[4] = {0, 0, 0, 0};
    for (std::size_t j = 0; j + 4 <= ks_primes; j += 4)
      for (int lane = 0; lane < 4; ++lane) sum[lane] += w[j + lane] * n_symbol[j + lane];
    score += (sum[0] + sum[1]) + (sum[2] + sum[3]);
    if (score > best_score) {
      best_score = score;
      best = k;
    }
  }
  return best;
}

siqs_factor_base build_factor_base(const mpz_class& n, std::uint32_t multiplier, std::uint32_t size) {
  siqs_factor_base fb;
  fb.multiplier = multiplier;
  fb.kn = n * multiplier;
  // Roughly half the primes qualify; grow the prime table if that guess falls short.
  std::uint32_t limit = std::max<std::uint32_t>(1000, size * 30);
  for (;;) {
    fb.prime.assign(1, 2);
    fb.sqrt_kn.assign(1, mpz_tstbit(fb.kn.get_mpz_t(), 0));
    // The shared table below 2^16 covers factor bases up to ~3000 primes; sieving a
    // fresh table per call was 2% of a 29-digit factorisation.
    const std::vector<std::uint32_t> larger =
        limit > small_primes().back() ? primes_up_to(limit) : std::vector<std::uint32_t>{};
    for (std::uint32_t p : larger.empty() ? small_primes() : larger) {
      if (fb.prime.size() >= size || p > limit) break;
      if (p == 2) continue;
      const auto r = static_cast<std::uint32_t>(mpz_fdiv_ui(fb.kn.get_mpz_t(), p));
      if (r != 0 && legendre(r, p) != 1) continue;
      fb.prime.push_back(p);
      fb.sqrt_kn.push_back(sqrt_mod_prime(r, p));
    }
    if (fb.prime.size() >= size) break;
    limit *= 2;
  }
  fb.inverse.resize(fb.prime.size());
  fb.log2p.resize(fb.prime.size());
  for (std::size_t i = 0; i < fb.prime.size(); ++i) {
    const std::uint32_t p = fb.prime[i];
    // Newton's iteration doubles the correct low bits of an inverse mod 2^32 each step.
    std::uint32_t inv = p;
    for (int step = 0; step < 5; ++step) inv *= 2 - p * inv;
    fb.inverse[i] = inv;
    fb.log2p[i] = static_cast<float>(std::log2(static_cast<double>(p)));
  }
  return fb;
}

} // namespace factord::factor
