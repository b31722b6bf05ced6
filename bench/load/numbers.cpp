#include "numbers.hpp"

#include <algorithm>

namespace load {

std::string to_decimal(u128 v) {
  if (v == 0) return "0";
  std::string s;
  while (v != 0) {
    s.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  std::reverse(s.begin(), s.end());
  return s;
}

bool parse_decimal(const std::string& s, u128& out) {
  if (s.empty() || s.size() > 39) return false;
  u128 v = 0;
  const u128 max = ~static_cast<u128>(0);
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    auto d = static_cast<unsigned>(c - '0');
    if (v > (max - d) / 10) return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

std::string random_number(std::mt19937_64& rng, int min_digits, int max_digits) {
  int digits = std::uniform_int_distribution<int>(min_digits, max_digits)(rng);
  std::uint64_t lo = 1;
  for (int i = 1; i < digits; ++i) lo *= 10;
  std::uint64_t hi = lo * 10 - 1;
  return std::to_string(std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng));
}

namespace {

std::uint64_t mul_mod(std::uint64_t a, std::uint64_t b, std::uint64_t m) {
  return static_cast<std::uint64_t>(static_cast<u128>(a) * b % m);
}

std::uint64_t pow_mod(std::uint64_t a, std::uint64_t e, std::uint64_t m) {
  std::uint64_t r = 1;
  a %= m;
  for (; e != 0; e >>= 1, a = mul_mod(a, a, m))
    if (e & 1) r = mul_mod(r, a, m);
  return r;
}

// Deterministic Miller-Rabin for 64-bit n (these 12 bases suffice below 3.3e24).
bool is_prime_u64(std::uint64_t n) {
  static const std::uint64_t bases[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};
  if (n < 2) return false;
  for (auto p : bases)
    if (n % p == 0) return n == p;
  std::uint64_t d = n - 1;
  int s = 0;
  while ((d & 1) == 0) {
    d >>= 1;
    ++s;
  }
  for (auto a : bases) {
    std::uint64_t x = pow_mod(a, d, n);
    if (x == 1 || x == n - 1) continue;
    bool composite = true;
    for (int i = 1; i < s && composite; ++i) {
      x = mul_mod(x, x, n);
      if (x == n - 1) composite = false;
    }
    if (composite) return false;
  }
  return true;
}

std::uint64_t random_prime(std::mt19937_64& rng, std::uint64_t lo, std::uint64_t hi) {
  std::uniform_int_distribution<std::uint64_t> dist(lo, hi);
  for (;;) {
    std::uint64_t c = dist(rng) | 1;
    if (is_prime_u64(c)) return c;
  }
}

} // namespace

std::string random_semiprime38(std::mt19937_64& rng) {
  // sqrt(1e37) ≈ 3.1623e18, so both primes at or above 3.17e18 give a 38-digit product.
  constexpr std::uint64_t lo = 3170000000000000000ull, hi = 9999999999999999999ull;
  u128 p = random_prime(rng, lo, hi), q = random_prime(rng, lo, hi);
  return to_decimal(p * q);
}

bool factors_match(const std::string& number, const std::vector<std::string>& factors) {
  u128 n = 0;
  if (!parse_decimal(number, n)) return false;
  if (factors.empty()) return n == 1;
  u128 product = 1, previous = 0;
  const u128 max = ~static_cast<u128>(0);
  for (auto& f : factors) {
    u128 v = 0;
    if (!parse_decimal(f, v) || v < 2 || v < previous) return false;
    if (product > max / v) return false;
    product *= v;
    previous = v;
  }
  return product == n;
}

bool parse_ws_reply(const std::string& text, std::string& number, std::vector<std::string>& factors) {
  auto colon = text.find(" : [");
  if (colon == std::string::npos || text.empty() || text.back() != ']') return false;
  number = text.substr(0, colon);
  factors.clear();
  std::string cur;
  for (std::size_t i = colon + 4; i + 1 < text.size(); ++i) {
    if (text[i] == ' ') {
      if (!cur.empty()) factors.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(text[i]);
    }
  }
  if (!cur.empty()) factors.push_back(std::move(cur));
  return true;
}

} // namespace load
