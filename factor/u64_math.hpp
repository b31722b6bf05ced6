// Word-sized number theory helpers shared by the 64-bit fast path.
#pragma once

#include <cmath>
#include <cstdint>

namespace factord::factor {

// Binary gcd: several times faster than Euclid's on 64-bit words (no division).
inline std::uint64_t gcd_u64(std::uint64_t a, std::uint64_t b) {
  if (a == 0) return b;
  if (b == 0) return a;
  int shift = __builtin_ctzll(a | b);
  a >>= __builtin_ctzll(a);
  while (b != 0) {
    b >>= __builtin_ctzll(b);
    if (a > b) {
      std::uint64_t t = a;
      a = b;
      b = t;
    }
    b -= a;
  }
  return a << shift;
}

// floor(sqrt(n)) for every 64-bit n. The double estimate can be off by one either way
// above 2^52, so it is corrected with exact integer arithmetic.
inline std::uint64_t isqrt_u64(std::uint64_t n) {
  auto r = static_cast<std::uint64_t>(std::sqrt(static_cast<double>(n)));
  if (r > 0xFFFFFFFFu) r = 0xFFFFFFFFu;
  while (r * r > n) --r;
  while (r < 0xFFFFFFFFu && (r + 1) * (r + 1) <= n) ++r;
  return r;
}

// floor(cbrt(n)), corrected the same way; the result is < 2^22.
inline std::uint64_t icbrt_u64(std::uint64_t n) {
  auto r = static_cast<std::uint64_t>(std::cbrt(static_cast<double>(n)));
  if (r > 2642245) r = 2642245; // floor(cbrt(2^64 - 1))
  while (r * r * r > n) --r;
  while (r < 2642245 && (r + 1) * (r + 1) * (r + 1) <= n) ++r;
  return r;
}

// True when n is a perfect square; the root goes to `root`.
inline bool is_square_u64(std::uint64_t n, std::uint64_t& root) {
  // Squares are 0, 1, 4 or 9 mod 16: rejects 3/4 of non-squares without a sqrt.
  if (((0x0213u >> (n & 15)) & 1) == 0) return false;
  root = isqrt_u64(n);
  return root * root == n;
}

} // namespace factord::factor
