// Montgomery arithmetic modulo an odd n of `Limbs` 64-bit words (2 to 4: 65 to 256 bits).
//
// The multi-word counterpart of mont64.hpp, for rho, ECM and BPSW on the 20-77 digit
// numbers between the 64-bit path and the sieve. GMP's mpz calls cost a division (or a
// dispatch and a normalisation) per product; with the word count fixed at compile time a
// product is Limbs^2 + Limbs^2 + Limbs word multiplies, unrolled: about 4x fewer cycles
// at 2-3 words. Values in Montgomery form stand for a*R mod n with R = 2^(64*Limbs); they
// are always < n.
#pragma once

#include "factor/mont64.hpp"

#include <array>
#include <cstdint>
#include <gmpxx.h>

namespace factord::factor {

template <int Limbs>
class mont_wide {
public:
  using value = std::array<std::uint64_t, Limbs>;

  // n odd, > 1, with at most Limbs words.
  explicit mont_wide(const mpz_class& n) : n_(from_mpz(n)) {
    std::uint64_t inverse = n_[0]; // Newton: n*n == 1 mod 8 gives 3 bits, each step doubles
    for (int step = 0; step < 5; ++step) inverse *= 2 - n_[0] * inverse;
    minus_n_inverse_ = 0 - inverse;
    mpz_class r = 1;
    r <<= mp_bitcnt_t{64} * Limbs;
    one_ = from_mpz(mpz_class(r % n));
    r_squared_ = from_mpz(mpz_class(r * r % n));
  }

  const value& one() const { return one_; }

  // Plain values below n (or any mpz, reduced first) in and out of Montgomery form.
  value to_mont(const mpz_class& a) const { return mul(from_mpz(a % to_mpz(n_)), r_squared_); }
  value to_mont(std::uint64_t a) const {
    value v{};
    v[0] = a;
    return mul(v, r_squared_);
  }
  mpz_class from_mont(const value& a) const {
    value unit{};
    unit[0] = 1;
    return to_mpz(mul(a, unit));
  }
  const value& modulus() const { return n_; }

  // CIOS Montgomery product; a, b < n.
  value mul(const value& a, const value& b) const {
    std::uint64_t t[Limbs + 2] = {};
    for (int i = 0; i < Limbs; ++i) {
      std::uint64_t carry = 0;
      for (int j = 0; j < Limbs; ++j) {
        u128 sum = static_cast<u128>(a[j]) * b[i] + t[j] + carry;
        t[j] = static_cast<std::uint64_t>(sum);
        carry = static_cast<std::uint64_t>(sum >> 64);
      }
      u128 top = static_cast<u128>(t[Limbs]) + carry;
      t[Limbs] = static_cast<std::uint64_t>(top);
      t[Limbs + 1] = static_cast<std::uint64_t>(top >> 64);

      const std::uint64_t m = t[0] * minus_n_inverse_;
      u128 sum = static_cast<u128>(m) * n_[0] + t[0];
      carry = static_cast<std::uint64_t>(sum >> 64);
      for (int j = 1; j < Limbs; ++j) {
        sum = static_cast<u128>(m) * n_[j] + t[j] + carry;
        t[j - 1] = static_cast<std::uint64_t>(sum);
        carry = static_cast<std::uint64_t>(sum >> 64);
      }
      top = static_cast<u128>(t[Limbs]) + carry;
      t[Limbs - 1] = static_cast<std::uint64_t>(top);
      t[Limbs] = t[Limbs + 1] + static_cast<std::uint64_t>(top >> 64);
    }
    value result;
    for (int j = 0; j < Limbs; ++j) result[j] = t[j];
    if (t[Limbs] != 0 || !less(result, n_)) subtract_in_place(result, n_);
    return result;
  }
  value square(const value& a) const { return mul(a, a); }

  value add(const value& a, const value& b) const {
    value sum;
    unsigned char carry = 0;
    for (int j = 0; j < Limbs; ++j) {
      u128 s = static_cast<u128>(a[j]) + b[j] + carry;
      sum[j] = static_cast<std::uint64_t>(s);
      carry = static_cast<unsigned char>(s >> 64);
    }
    if (carry != 0 || !less(sum, n_)) subtract_in_place(sum, n_);
    return sum;
  }
  value sub(const value& a, const value& b) const {
    value difference = a;
    if (subtract_in_place(difference, b)) add_in_place(difference, n_);
    return difference;
  }
  // a / 2 mod n (n odd): the Lucas sequence steps need it.
  value half(const value& a) const {
    value h = a;
    bool carry = false;
    if (a[0] & 1) carry = add_in_place(h, n_);
    for (int j = 0; j < Limbs - 1; ++j) h[j] = (h[j] >> 1) | (h[j + 1] << 63);
    h[Limbs - 1] = (h[Limbs - 1] >> 1) | (static_cast<std::uint64_t>(carry) << 63);
    return h;
  }

  static bool is_zero(const value& a) {
    std::uint64_t any = 0;
    for (auto word : a) any |= word;
    return any == 0;
  }

  // base^exponent, base and result in Montgomery form.
  value pow(value base, const mpz_class& exponent) const {
    value result = one_;
    const auto bits = mpz_sizeinbase(exponent.get_mpz_t(), 2);
    for (auto bit = bits; bit-- > 0;) {
      result = square(result);
      if (mpz_tstbit(exponent.get_mpz_t(), bit)) result = mul(result, base);
    }
    return result;
  }

  static value from_mpz(const mpz_class& a) {
    value v{};
    mpz_export(v.data(), nullptr, -1, sizeof(std::uint64_t), 0, 0, a.get_mpz_t());
    return v;
  }
  static mpz_class to_mpz(const value& a) {
    mpz_class result;
    mpz_import(result.get_mpz_t(), Limbs, -1, sizeof(std::uint64_t), 0, 0, a.data());
    return result;
  }

private:
  static bool less(const value& a, const value& b) {
    for (int j = Limbs - 1; j >= 0; --j)
      if (a[j] != b[j]) return a[j] < b[j];
    return false;
  }
  // a -= b; returns the borrow out.
  static bool subtract_in_place(value& a, const value& b) {
    unsigned char borrow = 0;
    for (int j = 0; j < Limbs; ++j) {
      u128 d = static_cast<u128>(a[j]) - b[j] - borrow;
      a[j] = static_cast<std::uint64_t>(d);
      borrow = static_cast<unsigned char>((d >> 64) != 0);
    }
    return borrow != 0;
  }
  // a += b; returns the carry out.
  static bool add_in_place(value& a, const value& b) {
    unsigned char carry = 0;
    for (int j = 0; j < Limbs; ++j) {
      u128 s = static_cast<u128>(a[j]) + b[j] + carry;
      a[j] = static_cast<std::uint64_t>(s);
      carry = static_cast<unsigned char>(s >> 64);
    }
    return carry != 0;
  }

  value n_;
  std::uint64_t minus_n_inverse_ = 0;
  value one_{};
  value r_squared_{};
};

} // namespace factord::factor
