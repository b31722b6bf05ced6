#include "factor/ecm.hpp"

#include "factor/gmp_ecm_leak.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <ecm.h>

namespace factord::factor {

namespace {

// The stop token is polled on every call (~40 ns); the CPU clock (~160 ns) at most once per
// this much wall time, so a gap is measured to within about this much.
constexpr std::chrono::microseconds cpu_sample_interval{500};

double thread_cpu_ms() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

class ecm_session;
// GMP-ECM polls a context-free function pointer; the session running on this thread is
// reached through a thread-local.
thread_local ecm_session* current_session = nullptr;
int stop_trampoline();

class ecm_session {
public:
  explicit ecm_session(stop_token& stop) : stop_(stop) {
    ecm_init(params_);
    params_->verbose = 0;
    params_->stop_asap = &stop_trampoline;
    previous_ = current_session;
    current_session = this;
  }
  ~ecm_session() {
    current_session = previous_;
    ecm_clear(params_);
  }
  ecm_session(const ecm_session&) = delete;
  ecm_session& operator=(const ecm_session&) = delete;

  // GMP-ECM calls it once per prime in stage 1 (non-batch curves) and between the steps
  // of stage 2, each at least tens of microseconds beyond 100 digits: a real check every
  // call is free, where one in 64 left seconds between checks on big numbers.
  int poll() {
    const auto now = std::chrono::steady_clock::now();
    if (now - sampled_at_ >= cpu_sample_interval) sample(now);
    return stop_.should_stop() ? 1 : 0;
  }

  // One curve; the params object is reused so GMP-ECM keeps its batch product for B1.
  // ecm_factor takes a non-const n, hence the caller's private copy. Returns GMP-ECM's
  // status; `longest_gap_ms()` is then the curve's longest CPU stretch between polls.
  int run(mpz_class& factor, mpz_class& n, double b1, std::uint64_t sigma, bool batch, unsigned long blocks) {
    params_->param = batch ? ECM_PARAM_BATCH_SQUARE : ECM_PARAM_SUYAMA;
    // GMP-ECM exits the process when a non-batch curve sees a batch product.
    if (!batch) mpz_set_ui(params_->batch_s, 1);
    mpz_set_ui(params_->sigma, static_cast<unsigned long>(sigma));
    mpz_set_ui(params_->x, 0);
    params_->B1done = ECM_DEFAULT_B1_DONE;
    params_->k = blocks;
    longest_ = 0;
    // A batch stage 1 never polls (it is kept short: batch_stage1_fits), so the stretch
    // up to its first poll is not stage 2's to answer for.
    skip_next_ = batch;
    sampled_cpu_ = thread_cpu_ms();
    sampled_at_ = std::chrono::steady_clock::now();
    int status = 0;
    {
      const gmp_ecm_leak_scope third_party_leak;
      status = ecm_factor(factor.get_mpz_t(), n.get_mpz_t(), b1, params_);
    }
    sample(std::chrono::steady_clock::now()); // the last step, after stage 2's last poll
    return status;
  }

  double longest_gap_ms() const noexcept { return longest_; }

private:
  void sample(std::chrono::steady_clock::time_point now) {
    const double cpu = thread_cpu_ms();
    if (!skip_next_) longest_ = std::max(longest_, cpu - sampled_cpu_);
    skip_next_ = false;
    sampled_cpu_ = cpu;
    sampled_at_ = now;
  }

  stop_token& stop_;
  ecm_params params_;
  ecm_session* previous_ = nullptr;
  std::chrono::steady_clock::time_point sampled_at_{};
  double sampled_cpu_ = 0;
  double longest_ = 0;
  bool skip_next_ = false;
};

int stop_trampoline() { return current_session != nullptr ? current_session->poll() : 0; }

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

const std::vector<ecm_stage2_cut>& ecm_stage2_cuts(double b1) {
  // GMP-ECM 7.0.5 with NTT (every size below ecm_polled_min_words), its default B2: the
  // default dF at each bound of ecm_schedule(), then the fewest blocks that make it pick
  // half of that, a quarter, ... down to 256 at least: ~60 ms at 1,000 digits
  // (tests/factor/ecm_stage2_test.cpp).
  struct bound_cuts {
    double b1;
    std::vector<ecm_stage2_cut> cuts;
  };
  // One bound per line (or two), which clang-format would break into one cut per line.
  // clang-format off
  static const std::vector<bound_cuts> table = {
      {2e3, {{64, 0}, {32, 15}, {16, 56}}},
      {11e3, {{256, 0}, {128, 10}, {64, 38}, {32, 159}, {16, 635}}},
      {5e4, {{512, 0}, {256, 20}, {128, 82}, {64, 327}, {32, 1387}, {16, 5547}}},
      {25e4, {{2048, 0}, {1024, 13}, {512, 49}, {256, 195}, {128, 817}, {64, 3266}, {32, 13878}}},
      {1e6, {{4096, 0}, {2048, 21}, {1024, 89}, {512, 353}, {256, 1411}, {128, 5933}, {64, 23729}}},
      {3e6, {{16384, 0}, {8192, 7}, {4096, 25}, {2048, 102}, {1024, 425}, {512, 1698}, {256, 6790}}},
      {11e6, {{32768, 0}, {16384, 10}, {8192, 40}, {4096, 161}, {2048, 648}, {1024, 2721}, {512, 10884},
              {256, 43536}}},
      {43e6, {{65536, 0}, {32768, 17}, {16384, 69}, {8192, 275}, {4096, 1125}, {2048, 4553}, {1024, 19120},
              {512, 76477}, {256, 305905}}},
      {11e7, {{131072, 0}, {65536, 16}, {32768, 65}, {16384, 264}, {8192, 1053}, {4096, 4310}, {2048, 17442},
              {1024, 73254}, {512, 293015}, {256, 1172059}}},
      {26e7, {{262144, 0}, {131072, 14}, {65536, 54}, {32768, 220}, {16384, 901}, {8192, 3602}, {4096, 14745},
              {2048, 59679}, {1024, 250651}, {512, 1002604}, {256, 4010414}}},
      {85e7, {{524288, 0}, {262144, 18}, {131072, 73}, {65536, 291}, {32768, 1194}, {16384, 4899}, {8192, 19595},
              {4096, 80223}, {2048, 324710}, {1024, 1363779}, {512, 5455115}, {256, 21820458}}},
  };
  // clang-format on
  static const std::vector<ecm_stage2_cut> none;
  for (const auto& bound : table)
    if (bound.b1 == b1) return bound.cuts;
  return none;
}

ecm_stage2_cut ecm_stage2_next(const ecm_stage2& last, double b1) {
  const auto& cuts = ecm_stage2_cuts(b1);
  if (cuts.empty()) return {0, 0};
  if (last.df == 0) return cuts.front();
  for (const auto& cut : cuts) {
    const double predicted =
        last.gap_ms *
        std::pow(static_cast<double>(cut.df) / static_cast<double>(last.df), ecm_stage2_gap_per_df_exponent);
    if (predicted <= (cut.df > last.df ? ecm_stage2_target_gap_ms : ecm_stage2_max_gap_ms)) return cut;
  }
  return cuts.back();
}

const std::vector<ecm_level>& ecm_schedule() {
  static const std::vector<ecm_level> levels = {
      {15, 2e3, 25},     {20, 11e3, 90},     {25, 5e4, 300},     {30, 25e4, 700},
      {35, 1e6, 1800},   {40, 3e6, 5100},    {45, 11e6, 10600},  {50, 43e6, 19300},
      {55, 11e7, 49000}, {60, 26e7, 124000}, {65, 85e7, 210000},
  };
  return levels;
}

mpz_class ecm_curves(const mpz_class& n, double b1, unsigned curves, std::uint64_t& sigma, ecm_stage2& stage2,
                     stop_token& stop) {
  if (mpz_size(n.get_mpz_t()) >= ecm_polled_min_words) return ecm_stage1_polled(n, b1, curves, sigma, stop);
  ecm_session session(stop);
  mpz_class factor, n_copy = n;
  const bool batch = batch_stage1_fits(n, b1);
  for (unsigned i = 0; i < curves; ++i) {
    if (stop.should_stop()) return 0;
    // Batch parametrisation 1 accepts small sigma values; skip the degenerate ones.
    if (sigma < 2) sigma = 2;
    if (!batch && sigma < suyama_min_sigma) sigma = suyama_min_sigma;
    const ecm_stage2_cut cut = ecm_stage2_next(stage2, b1);
    const int status = session.run(factor, n_copy, b1, sigma++, batch, cut.blocks);
    stage2 = {b1, cut.df, session.longest_gap_ms()};
    if (status > 0 && factor > 1 && factor < n) return factor;
    if (status < 0) continue; // a bad curve parameter; the next sigma will do
  }
  return 0;
}

} // namespace factord::factor
