// GMP-ECM's stage 2 cuts: the table of dF thresholds is what the linked GMP-ECM does, and
// the rule that picks a cut from the last curve's gap asks for the largest dF predicted to
// stay within the limit.
#include "factor/ecm.hpp"
#include "factor/gmp_ecm_leak.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <ecm.h>
#include <string>

using namespace factord::factor;

namespace {

// What GMP-ECM makes of stage 2 for B1 and k blocks: the dF it prints in its verbose
// parameter line, read back from a temporary file; no curve is run (the stop callback asks
// it to stop at its first poll, before stage 1's first prime). GMP-ECM's verbosity is
// process-wide: this is for a single-threaded test only.
int stop_at_once() { return 1; }

unsigned long probe_df(const mpz_class& n, double b1, unsigned long blocks) {
  std::FILE* out = std::tmpfile();
  REQUIRE(out != nullptr);
  ecm_params params;
  ecm_init(params);
  params->verbose = 2;
  params->os = out;
  params->es = out;
  params->param = ECM_PARAM_SUYAMA;
  mpz_set_ui(params->sigma, 1000);
  params->k = blocks;
  params->stop_asap = &stop_at_once;
  mpz_class factor, n_copy = n;
  {
    const gmp_ecm_leak_scope third_party_leak;
    (void)ecm_factor(factor.get_mpz_t(), n_copy.get_mpz_t(), b1, params);
  }
  params->verbose = 0;
  ecm_clear(params);
  std::rewind(out);
  std::string text;
  for (int c = std::fgetc(out); c != EOF; c = std::fgetc(out)) text.push_back(static_cast<char>(c));
  std::fclose(out);
  const auto at = text.find("dF=");
  INFO(text);
  REQUIRE(at != std::string::npos);
  return std::stoul(text.substr(at + 3));
}

mpz_class semiprime(unsigned half_digits) {
  mpz_class low, p, q;
  mpz_ui_pow_ui(low.get_mpz_t(), 10, half_digits);
  mpz_nextprime(p.get_mpz_t(), low.get_mpz_t());
  mpz_nextprime(q.get_mpz_t(), mpz_class(low * 7).get_mpz_t());
  return p * q;
}

} // namespace

TEST_CASE("the stage 2 cuts are the linked GMP-ECM's thresholds", "[ecm]") {
  // dF does not depend on the number's size while GMP-ECM uses NTT (below
  // ecm_polled_min_words): checked at 121 and 1,001 digits.
  const mpz_class n = GENERATE(semiprime(60), semiprime(500));
  for (const auto& level : ecm_schedule()) {
    const auto& cuts = ecm_stage2_cuts(level.b1);
    INFO("B1 " << level.b1);
    REQUIRE(cuts.size() >= 3);
    CHECK(cuts.front().blocks == 0);
    CHECK(probe_df(n, level.b1, 0) == cuts.front().df);
    for (std::size_t i = 1; i < cuts.size(); ++i) {
      INFO("cut " << i << ": dF " << cuts[i].df << ", k " << cuts[i].blocks);
      CHECK(cuts[i].df * 2 == cuts[i - 1].df);
      CHECK(probe_df(n, level.b1, cuts[i].blocks) == cuts[i].df);
      // The fewest blocks for that dF: one less keeps the larger one.
      CHECK(probe_df(n, level.b1, cuts[i].blocks - 1) > cuts[i].df);
    }
  }
  CHECK(ecm_stage2_cuts(12345).empty());
}

TEST_CASE("a curve that went long between polls makes the next cut smaller", "[ecm]") {
  // Nothing measured yet: GMP-ECM's default.
  ecm_stage2 stage2;
  CHECK(ecm_stage2_next(stage2, 1e6).df == 4096);
  CHECK(ecm_stage2_next(stage2, 1e6).blocks == 0);
  // A bound outside the table: GMP-ECM's default, and dF not known.
  CHECK(ecm_stage2_next(stage2, 12345).df == 0);
  CHECK(ecm_stage2_next(stage2, 12345).blocks == 0);
  stage2 = {12345, 0, 500};
  CHECK(ecm_stage2_next(stage2, 1e6).blocks == 0);

  // Within the limit at the same bound: kept.
  stage2 = {1e6, 4096, ecm_stage2_max_gap_ms};
  CHECK(ecm_stage2_next(stage2, 1e6).df == 4096);
  // 114 ms at dF 4,096 (120 digits, B1 1e6): 46 ms predicted at 2,048, GMP-ECM's 21 blocks.
  stage2 = {1e6, 4096, 114};
  CHECK(ecm_stage2_next(stage2, 1e6).df == 2048);
  CHECK(ecm_stage2_next(stage2, 1e6).blocks == 21);
  // 259 ms (300 digits): 105 predicted at 2,048, 43 at 1,024.
  stage2 = {1e6, 4096, 259};
  CHECK(ecm_stage2_next(stage2, 1e6).df == 1024);
  CHECK(ecm_stage2_next(stage2, 1e6).blocks == 89);
  // Past what the table can cut: its smallest dF.
  stage2 = {1e6, 4096, 50000};
  CHECK(ecm_stage2_next(stage2, 1e6).df == 64);

  // The next level: 40 ms at dF 2,048 and B1 1e6 is 40 predicted at 3e6's 2,048 (102
  // blocks), 99 at 4,096.
  stage2 = {1e6, 2048, 40};
  CHECK(ecm_stage2_next(stage2, 3e6).df == 2048);
  CHECK(ecm_stage2_next(stage2, 3e6).blocks == 102);

  // A larger dF than the last curve's only when predicted within the target: 20 ms at
  // 2,048 is 49 at 4,096; 21 ms is 52, over the target though within the limit.
  stage2 = {1e6, 2048, 20};
  CHECK(ecm_stage2_next(stage2, 1e6).df == 4096);
  stage2 = {1e6, 2048, 21};
  CHECK(ecm_stage2_next(stage2, 1e6).df == 2048);
}

TEST_CASE("ecm_curves records each curve's cut and gap", "[ecm]") {
  // 60 digits at B1 = 2000 (batch curves): a first curve with GMP-ECM's default, then one
  // told that the last went long, which takes the table's smallest dF.
  const mpz_class n = semiprime(30);
  stop_token never;
  std::uint64_t sigma = 2;
  ecm_stage2 stage2;
  CHECK(ecm_curves(n, 2000, 1, sigma, stage2, never) == 0);
  CHECK(stage2.b1 == 2000);
  CHECK(stage2.df == 64);
  CHECK(stage2.gap_ms > 0);
  stage2.gap_ms = 1000;
  CHECK(ecm_curves(n, 2000, 1, sigma, stage2, never) == 0);
  CHECK(stage2.df == 16);
}
