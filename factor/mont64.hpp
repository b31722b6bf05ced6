// Montgomery arithmetic modulo an odd 64-bit n: the workhorse of the 64-bit fast path.
//
// Values in Montgomery form stand for a*R mod n with R = 2^64; they are always < n.
// A multiplication then costs three 64x64 multiplies and no division, which is what makes
// BPSW, rho and ECM on word-sized numbers cheap. Build one `mont64` per modulus and reuse
// it: the constructor does the only 128-bit division.
#pragma once

#include <cstdint>

namespace factord::factor {

__extension__ typedef unsigned __int128 u128;

class mont64 {
public:
  // n must be odd and > 1.
  explicit mont64(std::uint64_t n) : n_(n), n_inverse_(inverse_mod_2_64(n)) {
    one_ = (0 - n) % n; // R mod n
    r_squared_ = static_cast<std::uint64_t>(static_cast<u128>(one_) * one_ % n);
  }

  std::uint64_t modulus() const { return n_; }
  std::uint64_t one() const { return one_; }

  // Any a (not only a < n) into Montgomery form.
  std::uint64_t to_mont(std::uint64_t a) const { return mul(a, r_squared_); }
  std::uint64_t from_mont(std::uint64_t a) const { return reduce(0, a); }

  // REDC of a*b: valid whenever a*b < n*R, e.g. both < n, or one < n and one any word.
  std::uint64_t mul(std::uint64_t a, std::uint64_t b) const {
    u128 product = static_cast<u128>(a) * b;
    return reduce(static_cast<std::uint64_t>(product >> 64), static_cast<std::uint64_t>(product));
  }
  std::uint64_t square(std::uint64_t a) const { return mul(a, a); }

  std::uint64_t add(std::uint64_t a, std::uint64_t b) const {
    // a + b may wrap past 2^64 when n is close to it; comparing with n - b cannot.
    return a >= n_ - b ? a - (n_ - b) : a + b;
  }
  std::uint64_t sub(std::uint64_t a, std::uint64_t b) const { return a >= b ? a - b : a + (n_ - b); }
  // a / 2 mod n (n odd): the Lucas sequence steps need it.
  std::uint64_t half(std::uint64_t a) const { return (a & 1) ? (a >> 1) + (n_ >> 1) + 1 : a >> 1; }

  // base^exponent, base and result in Montgomery form.
  std::uint64_t pow(std::uint64_t base, std::uint64_t exponent) const {
    std::uint64_t result = one_;
    while (exponent != 0) {
      if (exponent & 1) result = mul(result, base);
      base = square(base);
      exponent >>= 1;
    }
    return result;
  }

private:
  // (high*2^64 + low) / R mod n, for high < n. This form, with n^-1 instead of -n^-1,
  // never overflows 128 bits, so it is valid for every odd n < 2^64.
  std::uint64_t reduce(std::uint64_t high, std::uint64_t low) const {
    std::uint64_t m = low * n_inverse_;
    auto mn_high = static_cast<std::uint64_t>((static_cast<u128>(m) * n_) >> 64);
    return high >= mn_high ? high - mn_high : high - mn_high + n_;
  }

  // Newton's iteration doubles the correct low bits each step; n*n == 1 mod 8 gives 3.
  static std::uint64_t inverse_mod_2_64(std::uint64_t n) {
    std::uint64_t x = n;
    for (int step = 0; step < 5; ++step) x *= 2 - n * x;
    return x;
  }

  std::uint64_t n_;
  std::uint64_t n_inverse_;
  std::uint64_t one_ = 0;
  std::uint64_t r_squared_ = 0;
};

} // namespace factord::factor
