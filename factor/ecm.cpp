#include "factor/ecm.hpp"

#include <ecm.h>

// A sanitized build (build-asan/, the fuzz build) with LeakSanitizer.
#if defined(__SANITIZE_ADDRESS__)
#define FACTORD_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FACTORD_LSAN 1
#endif
#endif
#ifdef FACTORD_LSAN
#include <sanitizer/lsan_interface.h>
#endif

namespace factord::factor {

namespace {

// GMP-ECM polls a context-free function pointer; the token of the curve running on this
// thread is reached through a thread-local.
thread_local stop_token* current_stop = nullptr;

// GMP-ECM calls it once per prime in stage 1 (non-batch curves) and between the steps
// of stage 2, each at least tens of microseconds beyond 100 digits: a real check every
// call (~40 ns) is free, where one in 64 left seconds between checks on big numbers.
int stop_trampoline() { return current_stop != nullptr && current_stop->should_stop() ? 1 : 0; }

class ecm_session {
public:
  explicit ecm_session(stop_token& stop) {
    ecm_init(params_);
    params_->verbose = 0;
    params_->stop_asap = &stop_trampoline;
    previous_ = current_stop;
    current_stop = &stop;
  }
  ~ecm_session() {
    current_stop = previous_;
    ecm_clear(params_);
  }
  ecm_session(const ecm_session&) = delete;
  ecm_session& operator=(const ecm_session&) = delete;

  // One curve; the params object is reused so GMP-ECM keeps its batch product for B1.
  // ecm_factor takes a non-const n, hence the caller's private copy.
  int run(mpz_class& factor, mpz_class& n, double b1, std::uint64_t sigma, bool batch) {
    params_->param = batch ? ECM_PARAM_BATCH_SQUARE : ECM_PARAM_SUYAMA;
    // GMP-ECM exits the process when a non-batch curve sees a batch product.
    if (!batch) mpz_set_ui(params_->batch_s, 1);
    mpz_set_ui(params_->sigma, static_cast<unsigned long>(sigma));
    mpz_set_ui(params_->x, 0);
    params_->B1done = ECM_DEFAULT_B1_DONE;
#ifdef FACTORD_LSAN
    // Debian's GMP-ECM 7.0.5 never frees the curve's coefficients it allocates in each call
    // (256 bytes; README "Known limits"), and nothing outside ecm() can. LeakSanitizer
    // ignores what this call allocates and checks everything else. (A suppressions file
    // cannot name it: libgmp and libecm have no frame pointers, so the leak's stack ends
    // in __gmp_default_allocate, shared by every mpz of factord.)
    const __lsan::ScopedDisabler third_party_leak;
#endif
    return ecm_factor(factor.get_mpz_t(), n.get_mpz_t(), b1, params_);
  }

private:
  ecm_params params_;
  stop_token* previous_ = nullptr;
};

// GMP-ECM's batch stage 1 (Montgomery curves with a small d, its fastest) is one ladder
// over the product of all prime powers below B1 and never calls stop_asap; Suyama's
// curves (param 0) poll once per prime, and cost ~1.2x more per curve (measured, one
// curve with its default stage 2: 100 digits B1 5e4 108 vs 128 ms, 200 digits 151 vs
// 177 ms). So batch is kept while its stage 1 fits well inside a poll interval. Its cost
// (CPU, 2026-12) is ~2.5e-5 ms x B1 x words^2: 58 ms at 100 digits (6 words) and B1 5e4,
// 32 ms at 200 digits and 11e3, 64 ms at 300 digits and 11e3, 290 ms there at 5e4. Every
// level below 101 digits stays batch (the pretest's largest, 5e4 at 75-100 digits).
constexpr double batch_stage1_ms_per_b1_word2 = 2.5e-5;
constexpr double batch_stage1_max_ms = 60;

bool batch_stage1_fits(const mpz_class& n, double b1) {
  const auto words = static_cast<double>(mpz_size(n.get_mpz_t()));
  return b1 * batch_stage1_ms_per_b1_word2 * words * words <= batch_stage1_max_ms;
}

// Suyama's sigma must avoid a few small values (0, 1, 3, 5 give singular curves).
constexpr std::uint64_t suyama_min_sigma = 6;

} // namespace

const std::vector<ecm_level>& ecm_schedule() {
  static const std::vector<ecm_level> levels = {
      {15, 2e3, 25},     {20, 11e3, 90},     {25, 5e4, 300},     {30, 25e4, 700},
      {35, 1e6, 1800},   {40, 3e6, 5100},    {45, 11e6, 10600},  {50, 43e6, 19300},
      {55, 11e7, 49000}, {60, 26e7, 124000}, {65, 85e7, 210000},
  };
  return levels;
}

mpz_class ecm_curves(const mpz_class& n, double b1, unsigned curves, std::uint64_t& sigma, stop_token& stop) {
  if (mpz_size(n.get_mpz_t()) >= ecm_polled_min_words) return ecm_stage1_polled(n, b1, curves, sigma, stop);
  ecm_session session(stop);
  mpz_class factor, n_copy = n;
  const bool batch = batch_stage1_fits(n, b1);
  for (unsigned i = 0; i < curves; ++i) {
    if (stop.should_stop()) return 0;
    // Batch parametrisation 1 accepts small sigma values; skip the degenerate ones.
    if (sigma < 2) sigma = 2;
    if (!batch && sigma < suyama_min_sigma) sigma = suyama_min_sigma;
    int status = session.run(factor, n_copy, b1, sigma++, batch);
    if (status > 0 && factor > 1 && factor < n) return factor;
    if (status < 0) continue; // a bad curve parameter; the next sigma will do
  }
  return 0;
}

} // namespace factord::factor
