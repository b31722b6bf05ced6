#include "factor/bpsw.hpp"

#include "factor/prime64.hpp"

#include <array>

namespace factord::factor {

namespace {

// x / 2 mod n for odd n.
void half_mod(mpz_class& x, const mpz_class& n) {
  if (mpz_odd_p(x.get_mpz_t())) x += n;
  x >>= 1;
}

void reduce(mpz_class& x, const mpz_class& n) {
  mpz_mod(x.get_mpz_t(), x.get_mpz_t(), n.get_mpz_t());
}

} // namespace

bool strong_fermat_base2(const mpz_class& n) {
  mpz_class d = n - 1;
  auto s = mpz_scan1(d.get_mpz_t(), 0);
  d >>= s;
  mpz_class x;
  mpz_class two = 2;
  mpz_powm(x.get_mpz_t(), two.get_mpz_t(), d.get_mpz_t(), n.get_mpz_t());
  mpz_class minus_one = n - 1;
  if (x == 1 || x == minus_one) return true;
  for (decltype(s) r = 1; r < s; ++r) {
    x = x * x;
    reduce(x, n);
    if (x == minus_one) return true;
    if (x == 1) return false;
  }
  return false;
}

bool strong_lucas_selfridge(const mpz_class& n) {
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
  const long p = 1;
  const long q = (1 - d_value) / 4;
  mpz_class k = n + 1;
  auto s = mpz_scan1(k.get_mpz_t(), 0);
  k >>= s;

  // Left-to-right ladder over the bits of k computing U_k, V_k and Q^k mod n.
  mpz_class u = 1, v = p, qk = q, tmp;
  reduce(qk, n);
  for (auto bit = static_cast<long>(mpz_sizeinbase(k.get_mpz_t(), 2)) - 2; bit >= 0; --bit) {
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
    v = v * v - 2 * qk;
    reduce(v, n);
    if (v == 0) return true;
    qk = qk * qk;
    reduce(qk, n);
  }
  return false;
}

bool is_probable_prime(const mpz_class& n) {
  if (n < 2) return false;
  if (mpz_fits_ulong_p(n.get_mpz_t())) return is_prime_u64(mpz_get_ui(n.get_mpz_t()));
  static constexpr std::array<unsigned, 24> tiny = {2,  3,  5,  7,  11, 13, 17, 19,
                                                    23, 29, 31, 37, 41, 43, 47, 53,
                                                    59, 61, 67, 71, 73, 79, 83, 89};
  for (unsigned p : tiny)
    if (mpz_divisible_ui_p(n.get_mpz_t(), p)) return false;
  return strong_fermat_base2(n) && strong_lucas_selfridge(n);
}

} // namespace factord::factor
