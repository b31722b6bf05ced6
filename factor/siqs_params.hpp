// Tuning of the self-initialising quadratic sieve, by the size of the number.
//
// Every knob the sieve has lives here, so retuning after a measurement touches one table
// (siqs_params.cpp) and nothing else.
#pragma once

#include <cstddef>
#include <cstdint>

namespace factord::factor {

struct siqs_params {
  std::uint32_t fb_size = 0;           // primes in the factor base, 2 included
  std::uint32_t block_len = 0;         // bytes per sieve block (L1 or L2 sized; see the table)
  std::uint32_t blocks = 0;            // blocks per polynomial; interval is [-M, M), 2M = blocks * block_len
  std::uint32_t large_prime_mult = 0;  // single large primes up to this * largest FB prime
  std::uint32_t small_prime_limit = 0; // primes below this are not sieved (small prime variation)
  double threshold_slack = 0;          // bits below log2|Q(x)| - log2(large-prime bound) still tried
  std::uint32_t extra_relations = 0;   // relations beyond the column count before linear algebra
  // Double large primes: cofactors up to large-prime bound ^ dlp_exponent are split into
  // two large primes (siqs_cycles combines them). 0 = single large prime only.
  double dlp_exponent = 0;
};

// Parameters for a number of `digits` decimal digits (interpolated between table rows).
siqs_params siqs_params_for(std::size_t digits);

} // namespace factord::factor
