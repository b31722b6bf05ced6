// The sieve proper: for one polynomial, add log p at every x in [-M, M) where p divides
// Q(x), block by block (a block fits L1 or L2), then trial-divide the x whose total is
// close to log|Q(x)| and hand the smooth ones to the relation store.
//
// Primes above half the block length go through buckets (siqs_buckets).
//
// Small prime variation: primes below params.small_prime_limit are not sieved (they cost
// the most memory traffic and contribute little); the threshold allows for them.
#pragma once

#include "factor/siqs_buckets.hpp"
#include "factor/siqs_factor_base.hpp"
#include "factor/siqs_params.hpp"
#include "factor/siqs_poly.hpp"
#include "factor/siqs_relations.hpp"
#include "factor/stop.hpp"

#include <cstdint>
#include <gmpxx.h>
#include <vector>

namespace factord::factor {

class siqs_sieve {
public:
  siqs_sieve(const siqs_factor_base& fb, const siqs_params& params);

  std::uint32_t half_width() const { return half_width_; }
  std::uint64_t large_prime_bound() const { return large_bound_; }

  // Sieves the current polynomial of `poly`; relations go to `out`. Returns false when
  // `stop` fired (the polynomial is then only partly sieved).
  bool sieve(const siqs_poly& poly, siqs_relations& out, stop_token& stop);

  std::uint64_t candidates() const { return candidates_; }

private:
  void sieve_block(std::uint32_t blk);
  void sieve_range(std::uint8_t* s, std::uint32_t len, std::uint32_t from, std::uint32_t to);
  void scan_block(std::uint32_t block_start, const siqs_poly& poly, siqs_relations& out);
  void trial_divide(std::uint32_t i, const siqs_poly& poly, siqs_relations& out);
  void mark_root_hits(std::uint32_t i, const std::uint32_t* root1, const std::uint32_t* root2);
  void divide_out(std::uint32_t j);  // divides q_ by prime[j] as often as it goes

  const siqs_factor_base& fb_;
  std::uint32_t block_len_;
  std::uint32_t blocks_;
  std::uint32_t half_width_;
  std::uint32_t first_sieved_ = 1;   // index of the first prime >= small_prime_limit
  std::uint32_t first_large_ = 1;    // index of the first bucketed prime
  std::uint64_t large_bound_ = 0;
  std::uint8_t init_byte_ = 0;       // 128 - threshold: a candidate's byte reaches 128

  std::vector<std::uint8_t> logp_;
  std::vector<std::uint32_t> divisor_limit_;  // (2^32 - 1) / p, for the multiply test
  std::vector<std::uint32_t> pos1_, pos2_;    // next hit of each root, relative to the block
  siqs_buckets buckets_;                      // hits of the primes from first_large_ on
  std::vector<std::uint64_t> block_;          // the sieve block, as words for the scan

  // Scratch for trial division, kept to avoid reallocating per candidate.
  mpz_class y_, q_;
  std::vector<std::uint32_t> cols_;
  std::vector<std::uint8_t> hit_flags_;           // 0x80 where a root of prime[j] hits
  std::vector<std::uint32_t> multiplier_primes_;  // indices of the primes dividing k
  std::uint64_t candidates_ = 0;
};

} // namespace factord::factor
