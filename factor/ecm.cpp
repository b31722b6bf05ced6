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

int stop_trampoline() { return current_stop != nullptr && current_stop->should_stop_sometimes() ? 1 : 0; }

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
  int run(mpz_class& factor, mpz_class& n, double b1, std::uint64_t sigma) {
    params_->param = ECM_PARAM_BATCH_SQUARE;
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
  ecm_session session(stop);
  mpz_class factor, n_copy = n;
  for (unsigned i = 0; i < curves; ++i) {
    if (stop.should_stop()) return 0;
    // Batch parametrisation 1 accepts small sigma values; skip the degenerate ones.
    if (sigma < 2) sigma = 2;
    int status = session.run(factor, n_copy, b1, sigma++);
    if (status > 0 && factor > 1 && factor < n) return factor;
    if (status < 0) continue; // a bad curve parameter; the next sigma will do
  }
  return 0;
}

} // namespace factord::factor
