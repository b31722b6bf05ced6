#include "factor/ecm64.hpp"

#include "factor/mont64.hpp"
#include "factor/primes.hpp"
#include "factor/u64_math.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace factord::factor {
namespace {

// Projective x-only point (X : Z) on B y^2 = x^3 + A x^2 + x; values in Montgomery form.
struct point {
  std::uint64_t x;
  std::uint64_t z;
};

// One curve's arithmetic. `a24` is (A + 2) / 4.
struct curve {
  const mont64& m;
  std::uint64_t a24;

  point twice(point p) const {
    std::uint64_t sum = m.square(m.add(p.x, p.z));
    std::uint64_t diff = m.square(m.sub(p.x, p.z));
    std::uint64_t four_xz = m.sub(sum, diff);
    return {m.mul(sum, diff), m.mul(four_xz, m.add(diff, m.mul(a24, four_xz)))};
  }

  // p + q, given difference = p - q (any Z).
  point add(point p, point q, point difference) const {
    std::uint64_t u = m.mul(m.sub(p.x, p.z), m.add(q.x, q.z));
    std::uint64_t v = m.mul(m.add(p.x, p.z), m.sub(q.x, q.z));
    std::uint64_t x = m.square(m.add(u, v));
    // Stage 1 runs from an affine point (Z = 1): one product saved per ladder step.
    if (difference.z != m.one()) x = m.mul(difference.z, x);
    return {x, m.mul(difference.x, m.square(m.sub(u, v)))};
  }

  // Montgomery ladder over the bits of `scalar` (least significant word first, > 0):
  // returns scalar*p. The ladder keeps (kP, (k+1)P) so every addition knows its difference.
  point multiply(point p, const std::uint64_t* scalar, std::size_t word_count) const {
    int top_word = static_cast<int>(word_count) - 1;
    int top_bit = 63 - __builtin_clzll(scalar[top_word]);
    point low = p;
    point high = twice(p);
    for (int word = top_word; word >= 0; --word) {
      for (int bit = (word == top_word ? top_bit - 1 : 63); bit >= 0; --bit) {
        if ((scalar[word] >> bit) & 1) {
          low = add(high, low, p);
          high = twice(high);
        } else {
          high = add(high, low, p);
          low = twice(low);
        }
      }
    }
    return low;
  }
};

// B1 by size of n: the factor sought is at most sqrt(n), and larger bounds pay off only
// for larger factors. Chosen by measuring mean time on balanced semiprimes.
std::uint32_t stage1_bound(std::uint64_t n) {
  int bits = 64 - __builtin_clzll(n);
  if (bits <= 44) return 45;
  if (bits <= 52) return 85;
  if (bits <= 58) return 165;
  return 250;
}

// Stage 2 covers primes up to B1 + giant_steps * wheel, as wheel*k +- j for the j < wheel/2
// coprime to the wheel: for primes this small that is hardly more products than primes.
constexpr std::uint32_t wheel = 210;
constexpr std::uint32_t stage2_multiplier = 25;

const std::vector<std::uint64_t>& cached_stage1_scalar(std::uint32_t b1) {
  static const std::array<std::vector<std::uint64_t>, 4> scalars = {
      ecm_stage1_scalar(45), ecm_stage1_scalar(85), ecm_stage1_scalar(165), ecm_stage1_scalar(250)};
  return scalars[b1 <= 45 ? 0 : b1 <= 85 ? 1 : b1 <= 165 ? 2 : 3];
}

// a^-1 mod n for gcd(a, n) = 1, plain (not Montgomery) values: binary extended Euclid,
// halving the cofactors mod n so nothing overflows.
std::uint64_t inverse_mod(std::uint64_t a, const mont64& m) {
  std::uint64_t u = a, v = m.modulus();
  std::uint64_t x_u = 1, x_v = 0; // invariants: x_u * a == u, x_v * a == v (mod n)
  while (u != 1 && v != 1) {
    while ((u & 1) == 0) {
      u >>= 1;
      x_u = m.half(x_u);
    }
    while ((v & 1) == 0) {
      v >>= 1;
      x_v = m.half(x_v);
    }
    if (u >= v) {
      u -= v;
      x_u = m.sub(x_u, x_v);
    } else {
      v -= u;
      x_v = m.sub(x_v, x_u);
    }
  }
  return u == 1 ? x_u : x_v;
}

// Stage 2: accumulates X_g Z_b - X_b Z_g over giant steps g = k*wheel*Q and baby steps
// b = j*Q; it vanishes mod p when p's group order is B1-smooth apart from one prime k*wheel +- j.
std::uint64_t stage2_product(const curve& e, point q, std::uint32_t b1) {
  const mont64& m = e.m;
  std::array<point, wheel / 4> babies{};
  std::size_t baby_count = 0;
  point q2 = e.twice(q);
  point previous = q;              // j - 2
  point current = e.add(q2, q, q); // j = 3
  babies[baby_count++] = q;
  for (std::uint32_t j = 3; j < wheel / 2; j += 2) {
    if (j % 3 != 0 && j % 5 != 0 && j % 7 != 0) babies[baby_count++] = current;
    point next = e.add(current, q2, previous);
    previous = current;
    current = next;
  }
  // current is now (wheel/2) Q.
  point giant_step = e.twice(current);
  // Giant step k covers (k*wheel - wheel/2, k*wheel + wheel/2): start with the one that
  // holds B1 (for B1 < wheel/2 the primes up to wheel/2 are skipped; they are few).
  std::uint64_t first_k = std::max<std::uint64_t>(1, (b1 + wheel / 2) / wheel);
  std::uint64_t last_k = stage2_multiplier * b1 / wheel + 1;
  point giant = e.multiply(giant_step, &first_k, 1);
  std::uint64_t second_k = first_k + 1;
  point giant_next = e.multiply(giant_step, &second_k, 1);
  std::uint64_t product = m.one();
  for (std::uint64_t k = first_k; k <= last_k; ++k) {
    for (std::size_t b = 0; b < baby_count; ++b) {
      std::uint64_t cross = m.sub(m.mul(giant.x, babies[b].z), m.mul(babies[b].x, giant.z));
      product = m.mul(product, cross);
    }
    point after_next = e.add(giant_next, giant_step, giant);
    giant = giant_next;
    giant_next = after_next;
  }
  return product;
}

} // namespace

std::uint64_t ecm_u64(std::uint64_t n, std::uint32_t max_curves, stop_token& stop) {
  const mont64 m(n);
  const std::uint32_t b1 = stage1_bound(n);
  const std::vector<std::uint64_t>& scalar = cached_stage1_scalar(b1);
  for (std::uint64_t sigma = 6; sigma < 6 + max_curves; ++sigma) {
    if (stop.should_stop()) return 0;
    // Suyama: u = sigma^2 - 5, v = 4 sigma, start (u^3 : v^3), (A+2)/4 =
    // (v-u)^3 (3u+v) / (16 u^3 v). Its group order is divisible by 12, which is worth
    // about 3.5 bits of smoothness for free.
    std::uint64_t s = m.to_mont(sigma);
    std::uint64_t u = m.sub(m.square(s), m.to_mont(5));
    std::uint64_t v = m.add(m.add(s, s), m.add(s, s));
    std::uint64_t u3 = m.mul(m.square(u), u);
    std::uint64_t v3 = m.mul(m.square(v), v);
    std::uint64_t v_minus_u = m.sub(v, u);
    std::uint64_t a24_numerator =
        m.mul(m.mul(m.square(v_minus_u), v_minus_u), m.add(m.add(m.add(u, u), u), v));
    std::uint64_t a24_denominator = m.mul(m.to_mont(16), m.mul(u3, v));
    // One inversion serves both a24 and the affine start x = u^3 / v^3.
    std::uint64_t both = m.mul(a24_denominator, v3);
    std::uint64_t both_plain = m.from_mont(both);
    std::uint64_t g = gcd_u64(both_plain, n);
    if (g != 1) {
      if (g != n) return g;
      continue;
    }
    std::uint64_t inverse = m.to_mont(inverse_mod(both_plain, m));
    curve e{m, m.mul(m.mul(a24_numerator, v3), inverse)};
    point start{m.mul(m.mul(u3, a24_denominator), inverse), m.one()};

    point q = e.multiply(start, scalar.data(), scalar.size());
    g = gcd_u64(m.from_mont(q.z), n);
    if (g == 1) g = gcd_u64(m.from_mont(stage2_product(e, q, b1)), n);
    if (g != 1 && g != n) return g;
  }
  return 0;
}

std::vector<std::uint64_t> ecm_stage1_scalar(std::uint32_t b1) {
  std::vector<std::uint64_t> scalar{1};
  for (std::uint32_t p : small_primes()) {
    if (p > b1) break;
    std::uint64_t power = p;
    while (power * p <= b1) power *= p;
    std::uint64_t carry = 0;
    for (std::uint64_t& word : scalar) {
      u128 product = static_cast<u128>(word) * power + carry;
      word = static_cast<std::uint64_t>(product);
      carry = static_cast<std::uint64_t>(product >> 64);
    }
    if (carry != 0) scalar.push_back(carry);
  }
  return scalar;
}

} // namespace factord::factor
