#include "factor/wide.hpp"

#include "factor/mont_wide.hpp"

#include <algorithm>

namespace factord::factor {
namespace {

// A gcd costs about as much as 200 products at these sizes; a batch that overshoots (the
// gcd is n) is replayed step by step.
constexpr std::uint64_t batch_size = 128;

template <int Limbs>
mpz_class rho(const mpz_class& n, std::uint64_t max_iterations, stop_token& stop) {
  using arith = mont_wide<Limbs>;
  using value = typename arith::value;
  const arith m(n);
  const value c = m.one();
  auto step = [&](const value& x) { return m.add(m.square(x), c); };
  auto distance = [&](const value& a, const value& b) { return m.sub(a, b); };

  value y = m.add(c, c);
  value x = y;
  value saved_y = y;
  value product = m.one();
  mpz_class g = 1;
  std::uint64_t iterations = 0;
  for (std::uint64_t cycle_length = 1; g == 1; cycle_length *= 2) {
    if (iterations + 2 * cycle_length > max_iterations) return 0;
    x = y;
    for (std::uint64_t i = 0; i < cycle_length; ++i) y = step(y);
    for (std::uint64_t done = 0; done < cycle_length && g == 1; done += batch_size) {
      if (stop.should_stop_sometimes()) return 0;
      saved_y = y;
      const std::uint64_t steps = std::min(batch_size, cycle_length - done);
      for (std::uint64_t i = 0; i < steps; ++i) {
        y = step(y);
        product = m.mul(product, distance(x, y));
      }
      g = gcd(arith::to_mpz(product), n);
    }
    iterations += 2 * cycle_length;
  }
  if (g == n) {
    do {
      saved_y = step(saved_y);
      g = gcd(arith::to_mpz(distance(x, saved_y)), n);
    } while (g == 1);
  }
  return g == n ? mpz_class(0) : g;
}

} // namespace

mpz_class rho_wide(const mpz_class& n, std::uint64_t max_iterations, stop_token& stop) {
  switch ((mpz_sizeinbase(n.get_mpz_t(), 2) + 63) / 64) {
    case 2: return rho<2>(n, max_iterations, stop);
    case 3: return rho<3>(n, max_iterations, stop);
    case 4: return rho<4>(n, max_iterations, stop);
    default: return 0;
  }
}

} // namespace factord::factor
