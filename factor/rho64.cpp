#include "factor/rho64.hpp"

#include "factor/mont64.hpp"
#include "factor/u64_math.hpp"

#include <algorithm>

namespace factord::factor {
namespace {

// Products of |x - y| accumulated between gcds: a gcd costs about as much as 100
// Montgomery products, and a batch that overshoots is replayed step by step.
constexpr std::uint64_t batch_size = 128;

std::uint64_t distance(std::uint64_t a, std::uint64_t b) { return a > b ? a - b : b - a; }

} // namespace

std::uint64_t rho_brent_u64(std::uint64_t n, std::uint64_t c, std::uint64_t max_iterations,
                            stop_token& stop) {
  if (n % 2 == 0) return n > 2 ? 2 : 0;
  if (n < 9) return 0;
  const mont64 m(n);
  // The walk is done on Montgomery representatives: x -> x^2 R^-1 + c is a different
  // polynomial map mod each prime factor, but just as pseudo-random, and saves a conversion.
  c = c % n;
  if (c == 0 || c == n - 2) c = 1; // x^2 and x^2 - 2 have short, structured cycles
  auto step = [&](std::uint64_t x) { return m.add(m.square(x), c); };

  std::uint64_t y = 2;
  std::uint64_t x = y;
  std::uint64_t saved_y = y;
  std::uint64_t product = m.one();
  std::uint64_t g = 1;
  std::uint64_t iterations = 0;
  // Brent's cycle finding: x is parked, y runs `cycle_length` steps unchecked, then
  // `cycle_length` more steps each compared with x; the length doubles every round.
  for (std::uint64_t cycle_length = 1; g == 1; cycle_length *= 2) {
    if (iterations + 2 * cycle_length > max_iterations) return 0;
    x = y;
    for (std::uint64_t done = 0; done < cycle_length; done += batch_size) {
      if (stop.should_stop_sometimes()) return 0;
      std::uint64_t steps = std::min(batch_size, cycle_length - done);
      for (std::uint64_t i = 0; i < steps; ++i) y = step(y);
    }
    for (std::uint64_t done = 0; done < cycle_length && g == 1; done += batch_size) {
      if (stop.should_stop_sometimes()) return 0;
      saved_y = y;
      std::uint64_t steps = std::min(batch_size, cycle_length - done);
      for (std::uint64_t i = 0; i < steps; ++i) {
        y = step(y);
        product = m.mul(product, distance(x, y));
      }
      g = gcd_u64(product, n);
    }
    iterations += 2 * cycle_length;
  }
  if (g == n) {
    // The batch swallowed every factor at once (or product hit 0): replay it one gcd
    // per step from the saved point.
    do {
      saved_y = step(saved_y);
      g = gcd_u64(distance(x, saved_y), n);
    } while (g == 1);
  }
  return g == n ? 0 : g;
}

} // namespace factord::factor
