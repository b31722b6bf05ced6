// ECM stage 1 in plain mpz arithmetic with a poll at every ladder step, for numbers so big
// that GMP-ECM's unpolled pieces (its set-up, the doublings for 2^k <= B1, one prime's
// addition chain, each polynomial step of stage 2) outlast a poll interval: 120 ms at
// 19,000 digits, 1 s at 100,000 (bench/poll). One step here is ~11 products mod n
// (~50 ms at 100,000 digits, polled in two halves). No stage 2: at these sizes a curve's stage 1 alone takes
// minutes, and what ECM could find there is long gone to trial division and rho.
#include "factor/ecm.hpp"

#include "factor/prime64.hpp"

#include <cstdint>

namespace factord::factor {

namespace {

// x-only arithmetic on the Montgomery curve y^2 = x^3 + A x^2 + x, A = 4 a24 - 2, in
// projective (X : Z) coordinates, every value reduced mod n.
class montgomery_curve {
public:
  montgomery_curve(const mpz_class& n, unsigned long a24) : n_(n), a24_(a24) {}

  // (x : z) <- 2 (x : z)
  void dup(mpz_class& x, mpz_class& z) {
    sum_ = x + z;
    mul(sum_, sum_, sum_);
    diff_ = x - z;
    mul(diff_, diff_, diff_);
    mul(x, sum_, diff_);
    sum_ -= diff_; // 4xz
    t_ = sum_ * a24_ + diff_;
    mul(z, sum_, t_);
  }
  // (x1 : z1) <- (x1 : z1) + (x2 : z2), given their difference (xd : zd).
  void add(mpz_class& x1, mpz_class& z1, const mpz_class& x2, const mpz_class& z2, const mpz_class& xd,
           const mpz_class& zd) {
    t_ = x1 - z1;
    u_ = x2 + z2;
    mul(t_, t_, u_);
    sum_ = x1 + z1;
    u_ = x2 - z2;
    mul(u_, sum_, u_);
    sum_ = t_ + u_;
    diff_ = t_ - u_;
    mul(sum_, sum_, sum_);
    mul(diff_, diff_, diff_);
    mul(x1, zd, sum_);
    mul(z1, xd, diff_);
  }

private:
  void mul(mpz_class& out, const mpz_class& a, const mpz_class& b) {
    mpz_mul(out.get_mpz_t(), a.get_mpz_t(), b.get_mpz_t());
    mpz_mod(out.get_mpz_t(), out.get_mpz_t(), n_.get_mpz_t());
  }
  const mpz_class& n_;
  unsigned long a24_;
  mpz_class sum_, diff_, t_, u_;
};

// (x : z) <- k (x : z) by the Montgomery ladder; false when `stop` fired.
bool multiply(montgomery_curve& curve, mpz_class& x, mpz_class& z, std::uint64_t k, strided_stop& poll) {
  const mpz_class x0 = x, z0 = z;
  mpz_class x1 = x, z1 = z, x2 = x, z2 = z; // (k1 P, (k1 + 1) P), k1 = 1
  curve.dup(x2, z2);
  for (int bit = 62 - __builtin_clzll(k); bit >= 0; --bit) {
    // A poll before the addition (6 products) and one before the doubling (5).
    if (poll.should_stop()) return false;
    const bool one = ((k >> bit) & 1) != 0;
    if (one)
      curve.add(x1, z1, x2, z2, x0, z0);
    else
      curve.add(x2, z2, x1, z1, x0, z0);
    if (poll.should_stop()) return false;
    if (one)
      curve.dup(x2, z2);
    else
      curve.dup(x1, z1);
  }
  x = x1;
  z = z1;
  return true;
}

} // namespace

mpz_class ecm_stage1_polled(const mpz_class& n, double b1, unsigned curves, std::uint64_t& sigma,
                            stop_token& stop) {
  strided_stop poll(stop, steps_per_poll(n));
  const auto bound = static_cast<std::uint64_t>(b1);
  for (unsigned i = 0; i < curves; ++i) {
    if (stop.should_stop()) return 0;
    // a24 = (A + 2) / 4 >= 2 (A = 2 is singular); the starting point x = 2 lies on the
    // curve or its twist, and either does for ECM.
    montgomery_curve curve(n, static_cast<unsigned long>(sigma++ + 2));
    mpz_class x = 2, z = 1;
    for (std::uint64_t p = 2; p <= bound; p = p == 2 ? 3 : p + 2) {
      if (!is_prime_u64(p)) continue;
      std::uint64_t power = p;
      while (power <= bound / p) power *= p;
      if (!multiply(curve, x, z, power, poll)) return 0;
    }
    mpz_class g;
    mpz_gcd(g.get_mpz_t(), z.get_mpz_t(), n.get_mpz_t());
    if (g > 1 && g < n) return g;
  }
  return 0;
}

} // namespace factord::factor
