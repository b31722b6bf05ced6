#include "factor/prime64.hpp"

#include "factor/mont64.hpp"
#include "factor/u64_math.hpp"

namespace factord::factor {
namespace {

// Trial division catches most composites for the price of a few multiplies (the
// compiler turns n % constant into multiplications), before any modular power.
constexpr std::uint32_t trial_primes[] = {3,  5,  7,  11, 13, 17, 19, 23, 29, 31,  37,  41,  43,  47, 53,
                                          59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107, 109, 113};
constexpr std::uint64_t trial_limit = 127; // next prime: below 127^2 no BPSW is needed

// Jacobi symbol (a/n) for odd n > 0.
int jacobi(std::uint64_t a, std::uint64_t n) {
  a %= n;
  int sign = 1;
  while (a != 0) {
    int twos = __builtin_ctzll(a);
    a >>= twos;
    // (2/n) = -1 exactly when n = 3 or 5 mod 8.
    if ((twos & 1) && ((n & 7) == 3 || (n & 7) == 5)) sign = -sign;
    // Quadratic reciprocity: the sign flips when both are 3 mod 4.
    if ((a & 3) == 3 && (n & 3) == 3) sign = -sign;
    std::uint64_t t = a;
    a = n % a;
    n = t;
  }
  return n == 1 ? sign : 0;
}

} // namespace

bool strong_fermat_base2_u64(std::uint64_t n) {
  mont64 m(n);
  std::uint64_t d = n - 1;
  int s = __builtin_ctzll(d);
  d >>= s;
  std::uint64_t x = m.pow(m.add(m.one(), m.one()), d);
  std::uint64_t minus_one = m.sub(0, m.one());
  if (x == m.one() || x == minus_one) return true;
  for (int r = 1; r < s; ++r) {
    x = m.square(x);
    if (x == minus_one) return true;
    if (x == m.one()) return false;
  }
  return false;
}

bool strong_lucas_selfridge_u64(std::uint64_t n) {
  std::uint64_t root = 0;
  if (is_square_u64(n, root)) return false; // no D with (D/n) = -1 would exist

  // Selfridge's method A: first D in 5, -7, 9, -11, ... with (D/n) = -1; P = 1,
  // Q = (1 - D) / 4. A non-square n finds one within a few tries.
  std::int64_t d_signed = 5;
  for (;;) {
    std::uint64_t d_abs = d_signed > 0 ? d_signed : -d_signed;
    std::uint64_t d_mod_n = d_signed > 0 ? d_abs % n : (n - d_abs % n) % n;
    int j = jacobi(d_mod_n, n);
    if (j == -1) break;
    if (j == 0 && d_abs % n != 0) return false; // gcd(|D|, n) is a proper factor
    d_signed = d_signed > 0 ? -(d_signed + 2) : -d_signed + 2;
  }

  mont64 m(n);
  auto to_mont_signed = [&](std::int64_t v) {
    std::uint64_t magnitude = m.to_mont(static_cast<std::uint64_t>(v > 0 ? v : -v));
    return v >= 0 ? magnitude : m.sub(0, magnitude);
  };
  const std::uint64_t d_mont = to_mont_signed(d_signed);
  const std::uint64_t q_mont = to_mont_signed((1 - d_signed) / 4);

  // n + 1 = k * 2^s with k odd. It cannot wrap: 2^64 - 1 is divisible by 5 and was
  // rejected by the search for D.
  std::uint64_t k = n + 1;
  int s = __builtin_ctzll(k);
  k >>= s;

  // Left-to-right binary ladder on (U_j, V_j, Q^j), starting from j = 1.
  std::uint64_t u = m.one();
  std::uint64_t v = m.one(); // V_1 = P = 1
  std::uint64_t q_power = q_mont;
  for (int bit = 62 - __builtin_clzll(k); bit >= 0; --bit) {
    // Doubling: U_2j = U_j V_j, V_2j = V_j^2 - 2 Q^j.
    u = m.mul(u, v);
    v = m.sub(m.square(v), m.add(q_power, q_power));
    q_power = m.square(q_power);
    if ((k >> bit) & 1) {
      // Increment with P = 1: U_j+1 = (U_j + V_j) / 2, V_j+1 = (D U_j + V_j) / 2.
      std::uint64_t next_u = m.half(m.add(u, v));
      v = m.half(m.add(m.mul(d_mont, u), v));
      u = next_u;
      q_power = m.mul(q_power, q_mont);
    }
  }
  if (u == 0 || v == 0) return true;
  for (int r = 1; r < s; ++r) {
    v = m.sub(m.square(v), m.add(q_power, q_power));
    if (v == 0) return true;
    q_power = m.square(q_power);
  }
  return false;
}

bool is_prime_u64(std::uint64_t n) {
  if (n < 2) return false;
  if ((n & 1) == 0) return n == 2;
  for (std::uint32_t p : trial_primes) {
    if (n % p == 0) return n == p;
  }
  if (n < trial_limit * trial_limit) return true;
  return strong_fermat_base2_u64(n) && strong_lucas_selfridge_u64(n);
}

} // namespace factord::factor
