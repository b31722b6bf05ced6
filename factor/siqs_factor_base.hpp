// The factor base of the quadratic sieve: the Knuth–Schroeppel multiplier k and the
// primes p for which kN is a square mod p, with a square root of kN mod each.
#pragma once

#include <cstdint>
#include <gmpxx.h>
#include <vector>

namespace factord::factor {

struct siqs_factor_base {
  mpz_class kn; // multiplier * n: the number actually sieved
  std::uint32_t multiplier = 1;
  std::vector<std::uint32_t> prime;   // ascending; prime[0] == 2
  std::vector<std::uint32_t> sqrt_kn; // t with t^2 == kN (mod p); 0 where p divides kN
  std::vector<std::uint32_t> inverse; // p^-1 mod 2^32 (odd p): divisibility by one multiply
  std::vector<float> log2p;

  std::uint32_t size() const { return static_cast<std::uint32_t>(prime.size()); }
  std::uint32_t largest() const { return prime.back(); }
};

// The small squarefree k maximising the Knuth–Schroeppel estimate of how smooth kN's
// residues are. Deterministic: the same n always gets the same k.
std::uint32_t choose_multiplier(const mpz_class& n);

// 2, the primes dividing k, and the primes with (kN/p) = 1, until `size` primes.
siqs_factor_base build_factor_base(const mpz_class& n, std::uint32_t multiplier, std::uint32_t size);

// Number theory on words, shared by the sieve stages.
std::uint32_t pow_mod_u32(std::uint32_t base, std::uint32_t exp, std::uint32_t mod);
std::uint32_t inverse_mod_u32(std::uint32_t a, std::uint32_t mod); // a must be a unit
// A square root of the quadratic residue a mod the odd prime p (Tonelli–Shanks).
std::uint32_t sqrt_mod_prime(std::uint32_t a, std::uint32_t p);

} // namespace factord::factor
