#include "factor/wide.hpp"

#include "factor/ecm64.hpp"
#include "factor/mont_wide.hpp"
#include "factor/primes.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <mutex>
#include <vector>

namespace factord::factor {
namespace {

// Stage 2 covers primes up to stage2_multiplier * B1 as wheel*k +- j, j < wheel/2 coprime
// to the wheel (24 baby steps). At B1 = 100-3000 this balances the two stages' cost.
constexpr std::uint32_t wheel = 210;
constexpr std::uint32_t stage2_multiplier = 50;

// The product of the prime powers p^k <= b1, least significant word first. Cached per
// bound: the pretest uses a handful of bounds, each over and over.
const std::vector<std::uint64_t>& stage1_scalar(std::uint32_t b1) {
  static std::mutex guard;
  static std::map<std::uint32_t, std::vector<std::uint64_t>> cache;
  std::lock_guard<std::mutex> lock(guard);
  auto [it, inserted] = cache.try_emplace(b1);
  if (!inserted) return it->second;
  it->second = ecm_stage1_scalar(b1);
  return it->second;
}

template <int Limbs>
struct curve {
  using arith = mont_wide<Limbs>;
  using value = typename arith::value;
  // Projective x-only point (X : Z) on B y^2 = x^3 + A x^2 + x.
  struct point {
    value x;
    value z;
  };

  const arith& m;
  value a24; // (A + 2) / 4
  const mpz_class& n;

  point twice(const point& p) const {
    value sum = m.square(m.add(p.x, p.z));
    value diff = m.square(m.sub(p.x, p.z));
    value four_xz = m.sub(sum, diff);
    return {m.mul(sum, diff), m.mul(four_xz, m.add(diff, m.mul(a24, four_xz)))};
  }

  // p + q, given difference = p - q; `affine_difference` when its Z is one.
  point add(const point& p, const point& q, const point& difference, bool affine_difference) const {
    value u = m.mul(m.sub(p.x, p.z), m.add(q.x, q.z));
    value v = m.mul(m.add(p.x, p.z), m.sub(q.x, q.z));
    value x = m.square(m.add(u, v));
    if (!affine_difference) x = m.mul(difference.z, x);
    return {x, m.mul(difference.x, m.square(m.sub(u, v)))};
  }

  // Montgomery ladder: scalar*p for scalar > 0 (words least significant first).
  point multiply(const point& p, const std::uint64_t* scalar, std::size_t word_count, bool affine) const {
    const int top_word = static_cast<int>(word_count) - 1;
    const int top_bit = 63 - __builtin_clzll(scalar[top_word]);
    point low = p;
    point high = twice(p);
    for (int word = top_word; word >= 0; --word) {
      for (int bit = (word == top_word ? top_bit - 1 : 63); bit >= 0; --bit) {
        if ((scalar[word] >> bit) & 1) {
          low = add(high, low, p, affine);
          high = twice(high);
        } else {
          high = add(high, low, p, affine);
          low = twice(low);
        }
      }
    }
    return low;
  }

  // Accumulates X_g Z_b - X_b Z_g over giant steps g = k*wheel*Q and baby steps b = j*Q;
  // the product vanishes mod p when Q's order mod p is one prime k*wheel +- j.
  value stage2(const point& q, std::uint32_t b1) const {
    std::array<point, 24> babies;
    std::size_t baby_count = 0;
    const point q2 = twice(q);
    point previous = q;                   // j - 2
    point current = add(q2, q, q, false); // j = 3
    babies[baby_count++] = q;
    for (std::uint32_t j = 3; j < wheel / 2; j += 2) {
      if (j % 3 != 0 && j % 5 != 0 && j % 7 != 0) babies[baby_count++] = current;
      point next = add(current, q2, previous, false);
      previous = current;
      current = next;
    }
    // Babies to affine x = X/Z (one inversion for all 24, Montgomery's trick): a cross
    // term then costs one product instead of two, a third of stage 2. A Z that is not
    // invertible shares a factor with n, which the caller's gcd of the result finds.
    std::array<value, 24> affine_x;
    value running = m.one();
    for (std::size_t b = 0; b < baby_count; ++b) {
      affine_x[b] = running; // Z_0 ... Z_(b-1)
      running = m.mul(running, babies[b].z);
    }
    mpz_class inverse;
    const mpz_class all_z = m.from_mont(running);
    if (mpz_invert(inverse.get_mpz_t(), all_z.get_mpz_t(), n.get_mpz_t()) == 0) return running;
    value suffix_inverse = m.to_mont(inverse); // (Z_0 ... Z_(b))^-1, b from the top
    for (std::size_t b = baby_count; b-- > 0;) {
      const value z_inverse = m.mul(suffix_inverse, affine_x[b]);
      suffix_inverse = m.mul(suffix_inverse, babies[b].z);
      affine_x[b] = m.mul(babies[b].x, z_inverse);
    }
    const point giant_step = twice(current); // current is (wheel/2) Q
    std::uint64_t k = std::max<std::uint64_t>(1, (b1 + wheel / 2) / wheel);
    const std::uint64_t last_k = std::uint64_t{stage2_multiplier} * b1 / wheel + 1;
    point giant = multiply(giant_step, &k, 1, false);
    std::uint64_t next_k = k + 1;
    point giant_next = multiply(giant_step, &next_k, 1, false);
    value product = m.one();
    for (; k <= last_k; ++k) {
      for (std::size_t b = 0; b < baby_count; ++b)
        product = m.mul(product, m.sub(giant.x, m.mul(affine_x[b], giant.z)));
      point after_next = add(giant_next, giant_step, giant, false);
      giant = giant_next;
      giant_next = after_next;
    }
    return product;
  }
};

template <int Limbs>
mpz_class ecm(const mpz_class& n, std::uint32_t b1, std::uint32_t curves, std::uint64_t& sigma,
              stop_token& stop) {
  using arith = mont_wide<Limbs>;
  using value = typename arith::value;
  using point = typename curve<Limbs>::point;
  const arith m(n);
  const std::vector<std::uint64_t>& scalar = stage1_scalar(b1);
  mpz_class g, inverse;
  for (std::uint32_t i = 0; i < curves; ++i, ++sigma) {
    if (stop.should_stop()) return 0;
    if (sigma < 6) sigma = 6;
    // Suyama: u = sigma^2 - 5, v = 4 sigma, start (u^3 : v^3), (A+2)/4 =
    // (v-u)^3 (3u+v) / (16 u^3 v); the group order is divisible by 12.
    const value s = m.to_mont(sigma);
    const value u = m.sub(m.square(s), m.to_mont(5));
    const value v = m.add(m.add(s, s), m.add(s, s));
    const value u3 = m.mul(m.square(u), u);
    const value v3 = m.mul(m.square(v), v);
    const value v_minus_u = m.sub(v, u);
    const value a24_numerator = m.mul(m.mul(m.square(v_minus_u), v_minus_u), m.add(m.add(m.add(u, u), u), v));
    const value a24_denominator = m.mul(m.to_mont(16), m.mul(u3, v));
    // One inversion serves both a24 and the affine start x = u^3 / v^3.
    const mpz_class both = m.from_mont(m.mul(a24_denominator, v3));
    if (mpz_invert(inverse.get_mpz_t(), both.get_mpz_t(), n.get_mpz_t()) == 0) {
      g = gcd(both, n);
      if (g > 1 && g < n) return g;
      continue;
    }
    const value inverse_mont = m.to_mont(inverse);
    const curve<Limbs> e{m, m.mul(m.mul(a24_numerator, v3), inverse_mont), n};
    const point start{m.mul(m.mul(u3, a24_denominator), inverse_mont), m.one()};

    const point q = e.multiply(start, scalar.data(), scalar.size(), true);
    g = gcd(arith::to_mpz(q.z), n);
    if (g == 1) g = gcd(arith::to_mpz(e.stage2(q, b1)), n);
    if (g > 1 && g < n) return g;
  }
  return 0;
}

} // namespace

mpz_class ecm_wide(const mpz_class& n, std::uint32_t b1, std::uint32_t curves, std::uint64_t& sigma,
                   stop_token& stop) {
  switch ((mpz_sizeinbase(n.get_mpz_t(), 2) + 63) / 64) {
    case 2: return ecm<2>(n, b1, curves, sigma, stop);
    case 3: return ecm<3>(n, b1, curves, sigma, stop);
    case 4: return ecm<4>(n, b1, curves, sigma, stop);
    default: return 0;
  }
}

} // namespace factord::factor
