// The sieve proper: for one polynomial, add log p at every x in [-M, M) where p divides
// Q(x), block by block (a block fits L1 or L2), then trial-divide the x whose total is
// close to log|Q(x)| and hand the smooth ones to the relation store.
//
// With several blocks, primes above half the block length go through buckets
// (siqs_buckets). With one block every prime is sieved directly; those with at most 16
// hits per root in fixed-count loops (sieve_medium_single).
//
// Small prime variation: primes below params.small_prime_limit are not sieved (they cost
// the most memory traffic and contribute little); the threshold allows for them, and
// trial division first checks them exactly to drop the candidates they cannot rescue.
//
// Trial division leaves a cofactor: 1 (full relation), a prime below the large-prime
// bound (partial), or, with params.dlp_exponent, a composite below bound^exponent that
// splits (factor_u64) into two primes below the bound (double partial).
//
// One class, two files: sieving and the scan for candidates in siqs_sieve.cpp, trial
// division of the candidates in siqs_trial.cpp.
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
  std::uint64_t cofactor_splits() const { return splits_; } // double-large-prime attempts
  std::uint64_t survivors() const { return survivors_; }    // candidates fully trial divided

private:
  __extension__ typedef unsigned __int128 uint128;

  // Sieving (siqs_sieve.cpp).
  void sieve_block(std::uint32_t blk);
  void sieve_range(std::uint8_t* s, std::uint32_t len, std::uint32_t from, std::uint32_t to);
  void sieve_medium_single(std::uint8_t* s, const std::uint32_t* root1, const std::uint32_t* root2);
  void scan_block(std::uint32_t block_start, const siqs_poly& poly, siqs_relations& out);

  // Trial division of the candidates (siqs_trial.cpp).
  void init_trial_division();
  void prepare_polynomial(const siqs_poly& poly);
  void trial_divide(std::uint32_t i, std::uint8_t sieve_value, const siqs_poly& poly, siqs_relations& out);
  void mark_root_hits(std::uint32_t i, const std::uint32_t* root1, const std::uint32_t* root2,
                      std::uint32_t from, std::uint32_t to);
  void divide_out(std::uint32_t j); // divides q_ by prime[j] as often as it goes
  void add_cofactor_relation(std::uint64_t c, siqs_relations& out); // c > 1: what trial division left

  const siqs_factor_base& fb_;
  std::uint32_t block_len_;
  std::uint32_t blocks_;
  std::uint32_t half_width_;
  std::uint32_t first_sieved_ = 1;           // index of the first prime >= small_prime_limit
  std::uint32_t first_large_ = 1;            // index of the first prime above half a block
  std::uint32_t direct_end_ = 1;             // primes below are sieved per block, the rest bucketed
  std::uint32_t first_medium_ = 1;           // one block: from here to direct_end_, fixed-count loops
  std::vector<std::uint32_t> medium_start_;  // [h]: first index with at most h hits per root
  const std::uint32_t* cur_root1_ = nullptr; // the polynomial being sieved
  const std::uint32_t* cur_root2_ = nullptr;
  std::uint64_t large_bound_ = 0;
  std::uint64_t dlp_bound_ = 0;   // cofactors below are split into two large primes
  std::uint64_t split_floor_ = 0; // largest prime squared: cofactors below are prime
  std::uint8_t init_byte_ = 0;    // 128 - threshold: a candidate's byte reaches 128
  double scale_ = 1;              // sieve byte units per bit
  double max_cofactor_bits_ = 0;  // trial division stops early above this (estimated)
  double max_single_bits_ = 0;    // ... and between these two (primes above the bound)
  double min_double_bits_ = 0;

  std::vector<std::uint8_t> logp_;
  std::vector<std::uint32_t> divisor_limit_;   // (2^32 - 1) / p, for the multiply test
  std::vector<uint128> inverse128_, limit128_; // the same mod 2^128, for trial division
  std::vector<std::uint32_t> pos1_, pos2_;     // next hit of each root, relative to the block
  siqs_buckets buckets_;                       // hits of the primes from direct_end_ on
  std::vector<std::uint64_t> block_;           // the sieve block, as words for the scan

  // Scratch for trial division, kept to avoid reallocating per candidate.
  mpz_class y_, q_;
  std::vector<std::uint32_t> cols_;
  std::vector<std::uint64_t> hit_bits_;                // bit j set where a root of prime[j] hits
  std::vector<std::uint32_t> prime_pad_, inverse_pad_; // fb's, padded to groups of 8
  std::vector<std::uint32_t> pad_root1_, pad_root2_;   // the last partial group's roots
  std::vector<std::uint32_t> multiplier_primes_;       // indices of the primes dividing k
  std::vector<std::uint64_t> split_primes_;
  std::vector<std::uint32_t> small_hits_;        // unsieved primes on a root of the candidate
  double a_d_ = 0, b_d_ = 0, c_d_ = 0;           // Q(x) = A x^2 + 2 B x + C, approximately
  std::uint64_t a_lo_ = 0, b_lo_ = 0, c_lo_ = 0; // and mod 2^64
  stop_token split_stop_;                        // never fires: a 64-bit split is microseconds
  std::uint64_t candidates_ = 0;
  std::uint64_t splits_ = 0;
  std::uint64_t survivors_ = 0;
};

} // namespace factord::factor
