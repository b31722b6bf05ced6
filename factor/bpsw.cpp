#include "factor/bpsw.hpp"

#include "factor/mont_wide.hpp"
#include "factor/prime64.hpp"

#include <array>
#include <cstdlib>

namespace factord::factor {

namespace {

// x / 2 mod n for odd n.
void half_mod(mpz_class& x, const mpz_class& n) {
  if (mpz_odd_p(x.get_mpz_t())) x += n;
  x >>= 1;
}

void reduce(mpz_class& x, const mpz_class& n) { mpz_mod(x.get_mpz_t(), x.get_mpz_t(), n.get_mpz_t()); }

// Up to this many words 2^d mod n is one mpz_powm (~15 ms at 64 words, 1233 digits);
// beyond, one call would outlast a poll interval (0.3 s at 3000 digits, many minutes at
// 100,000), so the ladder below does it a bit at a time with polls. A square and a mod
// per bit cost about what mpz_powm's Montgomery steps do at these sizes.
constexpr std::size_t powm_max_limbs = 64;

// 2^d mod n, left to right over the bits of d (d >= 1): square, and double for a one bit
// (a shift and a subtraction). False, with x unspecified, when `stop` fired.
bool pow2_mod_polled(mpz_class& x, const mpz_class& d, const mpz_class& n, stop_token& stop) {
  strided_stop poll(stop, steps_per_poll(n));
  x = 2;
  for (auto bit = static_cast<long>(mpz_sizeinbase(d.get_mpz_t(), 2)) - 2; bit >= 0; --bit) {
    if (poll.should_stop()) return false;
    x *= x;
    reduce(x, n);
    if (mpz_tstbit(d.get_mpz_t(), static_cast<mp_bitcnt_t>(bit))) {
      x <<= 1;
      if (x >= n) x -= n;
    }
  }
  return true;
}

// The same two tests in fixed-width Montgomery arithmetic for n of 2-4 words: 3-4x
// faster than mpz below 77 digits (a 40-digit prime: ~35 -> ~10 us), and every cofactor
// the driver meets goes through here at least once.
template <int Limbs>
bool strong_fermat_base2_wide(const mpz_class& n) {
  const mont_wide<Limbs> m(n);
  mpz_class d = n - 1;
  const auto s = mpz_scan1(d.get_mpz_t(), 0);
  d >>= s;
  const auto one = m.one();
  const auto minus_one = m.sub(decltype(one){}, one);
  auto x = m.pow(m.to_mont(2), d);
  if (x == one || x == minus_one) return true;
  for (decltype(+s) r = 1; r < s; ++r) {
    x = m.square(x);
    if (x == minus_one) return true;
    if (x == one) return false;
  }
  return false;
}

template <int Limbs>
bool strong_lucas_wide(const mpz_class& n, long d_value) {
  const mont_wide<Limbs> m(n);
  using value = typename mont_wide<Limbs>::value;
  const value zero{};
  auto small = [&](long c) {
    const value magnitude = m.to_mont(static_cast<std::uint64_t>(std::labs(c)));
    return c < 0 ? m.sub(zero, magnitude) : magnitude;
  };
  const value d = small(d_value);
  const value q = small((1 - d_value) / 4); // P = 1
  mpz_class k = n + 1;
  const auto s = mpz_scan1(k.get_mpz_t(), 0);
  k >>= s;

  value u = m.one(), v = m.one(), qk = q;
  for (auto bit = static_cast<long>(mpz_sizeinbase(k.get_mpz_t(), 2)) - 2; bit >= 0; --bit) {
    u = m.mul(u, v);
    v = m.sub(m.square(v), m.add(qk, qk));
    qk = m.square(qk);
    if (mpz_tstbit(k.get_mpz_t(), static_cast<mp_bitcnt_t>(bit))) {
      const value next_u = m.half(m.add(u, v));
      v = m.half(m.add(m.mul(d, u), v));
      u = next_u;
      qk = m.mul(qk, q);
    }
  }
  if (mont_wide<Limbs>::is_zero(u) || mont_wide<Limbs>::is_zero(v)) return true;
  for (decltype(+s) r = 1; r < s; ++r) {
    v = m.sub(m.square(v), m.add(qk, qk));
    if (mont_wide<Limbs>::is_zero(v)) return true;
    qk = m.square(qk);
  }
  return false;
}

// Words of n when the fixed-width versions apply, else 0.
int wide_limbs(const mpz_class& n) {
  const auto limbs = mpz_size(n.get_mpz_t());
  return limbs >= 2 && limbs <= 4 ? static_cast<int>(limbs) : 0;
}

} // namespace

bool strong_fermat_base2(const mpz_class& n, stop_token& stop) {
  switch (wide_limbs(n)) {
    case 2: return strong_fermat_base2_wide<2>(n);
    case 3: return strong_fermat_base2_wide<3>(n);
    case 4: return strong_fermat_base2_wide<4>(n);
    default: break;
  }
  mpz_class d = n - 1;
  auto s = mpz_scan1(d.get_mpz_t(), 0);
  d >>= s;
  mpz_class x;
  if (mpz_size(n.get_mpz_t()) <= powm_max_limbs) {
    const mpz_class two = 2;
    mpz_powm(x.get_mpz_t(), two.get_mpz_t(), d.get_mpz_t(), n.get_mpz_t());
  } else if (!pow2_mod_polled(x, d, n, stop)) {
    return false;
  }
  mpz_class minus_one = n - 1;
  if (x == 1 || x == minus_one) return true;
  strided_stop poll(stop, steps_per_poll(n));
  for (decltype(s) r = 1; r < s; ++r) {
    if (poll.should_stop()) return false;
    x = x * x;
    reduce(x, n);
    if (x == minus_one) return true;
    if (x == 1) return false;
  }
  return false;
}

bool strong_lucas_selfridge(const mpz_class& n, stop_token& stop) {
  // A square has no D with (D/n) = -1; the search below would never end.
  if (mpz_perfect_square_p(n.get_mpz_t())) return false;
  long d_value = 5;
  for (;;) {
    mpz_class d_mpz = d_value;
    int j = mpz_jacobi(d_mpz.get_mpz_t(), n.get_mpz_t());
    if (j == -1) break;
    if (j == 0 && abs(d_mpz) != n) return false; // shares a factor with D
    d_value = d_value > 0 ? -(d_value + 2) : -d_value + 2;
  }
  switch (wide_limbs(n)) {
    case 2: return strong_lucas_wide<2>(n, d_value);
    case 3: return strong_lucas_wide<3>(n, d_value);
    case 4: return strong_lucas_wide<4>(n, d_value);
    default: break;
  }
  const long p = 1;
  const long q = (1 - d_value) / 4;
  mpz_class k = n + 1;
  auto s = mpz_scan1(k.get_mpz_t(), 0);
  k >>= s;

  // Left-to-right ladder over the bits of k computing U_k, V_k and Q^k mod n.
  mpz_class u = 1, v = p, qk = q, tmp;
  reduce(qk, n);
  strided_stop poll(stop, steps_per_poll(n));
  for (auto bit = static_cast<long>(mpz_sizeinbase(k.get_mpz_t(), 2)) - 2; bit >= 0; --bit) {
    if (poll.should_stop()) return false;
    u = u * v;
    reduce(u, n);
    v = v * v - 2 * qk;
    reduce(v, n);
    qk = qk * qk;
    reduce(qk, n);
    if (mpz_tstbit(k.get_mpz_t(), static_cast<mp_bitcnt_t>(bit))) {
      tmp = p * u + v;
      v = d_value * u + p * v;
      u = tmp;
      reduce(u, n);
      reduce(v, n);
      half_mod(u, n);
      half_mod(v, n);
      qk = qk * q;
      reduce(qk, n);
    }
  }
  if (u == 0 || v == 0) return true;
  for (decltype(s) r = 1; r < s; ++r) {
    if (poll.should_stop()) return false;
    v = v * v - 2 * qk;
    reduce(v, n);
    if (v == 0) return true;
    qk = qk * qk;
    reduce(qk, n);
  }
  return false;
}

bool is_probable_prime(const mpz_class& n, stop_token& stop) {
  if (n < 2) return false;
  if (mpz_fits_ulong_p(n.get_mpz_t())) return is_prime_u64(mpz_get_ui(n.get_mpz_t()));
  static constexpr std::array<unsigned, 24> tiny = {2,  3,  5,  7,  11, 13, 17, 19, 23, 29, 31, 37,
                                                    41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89};
  for (unsigned p : tiny)
    if (mpz_divisible_ui_p(n.get_mpz_t(), p)) return false;
  return strong_fermat_base2(n, stop) && strong_lucas_selfridge(n, stop);
}

bool is_probable_prime(const mpz_class& n) {
  stop_token never;
  return is_probable_prime(n, never);
}

bool strong_fermat_base2(const mpz_class& n) {
  stop_token never;
  return strong_fermat_base2(n, never);
}

bool strong_lucas_selfridge(const mpz_class& n) {
  stop_token never;
  return strong_lucas_selfridge(n, never);
}

} // namespace factord::factor
