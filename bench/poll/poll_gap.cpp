// How long the factor engine runs between two polls of its stop token, phase by phase and
// size by size, and how long a cancel or an exhausted budget takes to stop it. See
// README.md; the results go to bench/RESULTS.md ("Engine poll gaps").
#include "factor/bpsw.hpp"
#include "factor/ecm.hpp"
#include "factor/engine.hpp"
#include "factor/fermat.hpp"
#include "factor/perfect_power.hpp"
#include "factor/primes.hpp"
#include "factor/rho_mpz.hpp"
#include "factor/siqs.hpp"
#include "factor/split.hpp"
#include "factor/stop.hpp"
#include "factor/trial.hpp"
#include "factor/wide.hpp"

#include <gmpxx.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace factord::factor;
using clock_type = std::chrono::steady_clock;

double ms_between(clock_type::time_point a, clock_type::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

double thread_cpu_ms() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

// What one run saw: the longest stretch without a poll (start and return count as polls)
// and, when it was stopped, how long after the stop was due it returned.
struct run_record {
  double max_gap_ms = 0;
  double max_cpu_gap_ms = 0; // the same in this thread's CPU time: without the waits for a core
  double duration_ms = 0;
  double stop_latency_ms = -1; // < 0: finished before the stop was due
  std::uint64_t polls = 0;
};

// A phase under test: runs on n with the token (or, for the whole engine, its hook and
// budget) until it finishes or the token fires.
using phase_fn = std::function<void(const mpz_class& n, const std::function<bool()>& hook,
                                    std::chrono::nanoseconds budget)>;

// One run, stopped by `budget` (if > 0) or by a cancel at `cancel_after` (if > 0).
run_record measure(const phase_fn& phase, const mpz_class& n, std::chrono::nanoseconds budget,
                   std::chrono::nanoseconds cancel_after) {
  run_record out;
  const auto start = clock_type::now();
  auto last = start;
  double last_cpu = thread_cpu_ms();
  const auto cancel_at = cancel_after.count() > 0 ? start + cancel_after : clock_type::time_point::max();
  auto hook = [&] {
    const auto now = clock_type::now();
    out.max_gap_ms = std::max(out.max_gap_ms, ms_between(last, now));
    last = now;
    const double cpu = thread_cpu_ms();
    out.max_cpu_gap_ms = std::max(out.max_cpu_gap_ms, cpu - last_cpu);
    last_cpu = cpu;
    ++out.polls;
    return now >= cancel_at;
  };
  phase(n, hook, budget);
  const auto end = clock_type::now();
  out.max_gap_ms = std::max(out.max_gap_ms, ms_between(last, end));
  out.max_cpu_gap_ms = std::max(out.max_cpu_gap_ms, thread_cpu_ms() - last_cpu);
  out.duration_ms = ms_between(start, end);
  const auto due = budget.count() > 0 ? start + budget : cancel_at;
  if (due != clock_type::time_point::max() && end >= due) out.stop_latency_ms = ms_between(due, end);
  return out;
}

stop_token token_for(const std::function<bool()>& hook, std::chrono::nanoseconds budget) {
  return stop_token(hook, budget);
}

// Random odd number of exactly `digits` digits with no prime factor below 2^16, composite
// when it is small enough to check cheaply.
mpz_class hard_number(std::size_t digits, gmp_randclass& random) {
  static const mpz_class primorial = [] {
    mpz_class p = 1;
    for (std::uint32_t q : small_primes()) p *= q;
    return p;
  }();
  const mpz_class low = [&] {
    mpz_class l;
    mpz_ui_pow_ui(l.get_mpz_t(), 10, digits - 1);
    return l;
  }();
  for (;;) {
    mpz_class n = low + random.get_z_range(low * 9);
    n |= 1;
    mpz_class g;
    mpz_gcd(g.get_mpz_t(), n.get_mpz_t(), primorial.get_mpz_t());
    if (g != 1) continue;
    if (digits <= 2000 && mpz_probab_prime_p(n.get_mpz_t(), 1) != 0) continue;
    return n;
  }
}

mpz_class prime_of(std::size_t digits, gmp_randclass& random) {
  if (digits <= 1000) {
    mpz_class low;
    mpz_ui_pow_ui(low.get_mpz_t(), 10, digits - 1);
    mpz_class p = low + random.get_z_range(low * 8);
    mpz_nextprime(p.get_mpz_t(), p.get_mpz_t());
    return p;
  }
  // Too big to search for: the largest Mersenne prime with at most `digits` digits.
  const unsigned exponents[] = {216091, 86243, 44497, 19937, 9689, 4423};
  for (unsigned e : exponents) {
    mpz_class m = (mpz_class(1) << e) - 1;
    if (mpz_sizeinbase(m.get_mpz_t(), 10) <= digits) return m;
  }
  return (mpz_class(1) << 4423) - 1;
}

// A product of primes of about `digits` digits in all, none small enough for ECM to find:
// two random primes up to 1000 digits, Mersenne primes beyond.
mpz_class no_small_factor(std::size_t digits, gmp_randclass& random) {
  if (digits <= 1000) return prime_of(digits / 2, random) * prime_of(digits - digits / 2, random);
  mpz_class n = 1;
  const unsigned exponents[] = {216091, 86243, 44497, 19937, 9689, 4423};
  for (unsigned e : exponents) {
    mpz_class m = (mpz_class(1) << e) - 1;
    if (mpz_sizeinbase(n.get_mpz_t(), 10) + mpz_sizeinbase(m.get_mpz_t(), 10) <= digits + 1) n *= m;
  }
  return n;
}

struct row {
  std::string input;
  std::string phase;
  mpz_class n;
  phase_fn run;
};

std::vector<row> rows_for(std::size_t digits, gmp_randclass& random, double ecm_b1) {
  std::vector<row> rows;
  const mpz_class hard = no_small_factor(digits, random);
  const mpz_class prime = prime_of(digits, random);
  const mpz_class half = hard_number(std::max<std::size_t>(digits / 2, 2), random);
  const mpz_class power = half * half;

  rows.push_back({"semiprime", "trial division", hard,
                  [](const mpz_class& n, const std::function<bool()>&, std::chrono::nanoseconds) {
                    mpz_class m = n;
                    std::vector<mpz_class> primes;
                    trial_divide(m, 65535, primes);
                  }});
  rows.push_back(
      {"prime", "BPSW", prime, [](const mpz_class& n, const std::function<bool()>& hook, auto budget) {
         stop_token stop = token_for(hook, budget);
         (void)is_probable_prime(n, stop);
       }});
  rows.push_back({"semiprime", "BPSW (Fermat half)", hard,
                  [](const mpz_class& n, const std::function<bool()>& hook, auto budget) {
                    stop_token stop = token_for(hook, budget);
                    (void)is_probable_prime(n, stop);
                  }});
  rows.push_back({"square", "perfect power", power,
                  [](const mpz_class& n, const std::function<bool()>& hook, auto budget) {
                    stop_token stop = token_for(hook, budget);
                    mpz_class root;
                    (void)perfect_power(n, root, stop);
                  }});
  rows.push_back(
      {"semiprime", "Fermat", hard, [](const mpz_class& n, const std::function<bool()>& hook, auto budget) {
         stop_token stop = token_for(hook, budget);
         (void)fermat_multipliers(n, 32, stop);
       }});
  rows.push_back(
      {"semiprime", "rho", hard, [](const mpz_class& n, const std::function<bool()>& hook, auto budget) {
         stop_token stop = token_for(hook, budget);
         if (mpz_sizeinbase(n.get_mpz_t(), 2) <= wide_max_bits)
           (void)rho_wide(n, 1u << 15, stop);
         else
           (void)rho_brent(n, 1u << 14, 1, stop);
       }});
  rows.push_back({"semiprime", "ECM (schedule)", hard,
                  [](const mpz_class& n, const std::function<bool()>& hook, auto budget) {
                    stop_token stop = token_for(hook, budget);
                    std::uint64_t sigma = 2;
                    ecm_stage2 stage2;
                    const auto& schedule = ecm_schedule();
                    for (std::size_t level = 0; !stop.should_stop();
                         level = std::min(level + 1, schedule.size() - 1))
                      if (ecm_curves(n, schedule[level].b1, schedule[level].curves, sigma, stage2, stop) != 0)
                        return;
                  }});
  if (ecm_b1 > 0 && mpz_size(hard.get_mpz_t()) < ecm_polled_min_words) {
    // Curves at one bound, as the climb reaches it: GMP-ECM's stage 2 cut is learned
    // first from one curve at the schedule's level below (not measured), as split.cpp's
    // climb would have; every measured run starts from that.
    const auto& schedule = ecm_schedule();
    double below = 0;
    for (const auto& level : schedule)
      if (level.b1 < ecm_b1) below = level.b1;
    ecm_stage2 learned;
    std::uint64_t warm_sigma = 1000;
    if (below > 0) {
      stop_token never;
      (void)ecm_curves(hard, below, 1, warm_sigma, learned, never);
    }
    char label[96];
    const ecm_stage2_cut cut = ecm_stage2_next(learned, ecm_b1);
    std::snprintf(label, sizeof label, "ECM (B1 %.0f, dF %lu, k %lu)", ecm_b1, cut.df, cut.blocks);
    rows.push_back({"semiprime", label, hard,
                    [ecm_b1, learned](const mpz_class& n, const std::function<bool()>& hook, auto budget) {
                      stop_token stop = token_for(hook, budget);
                      std::uint64_t sigma = 2;
                      ecm_stage2 stage2 = learned;
                      (void)ecm_curves(n, ecm_b1, 1u << 20, sigma, stage2, stop);
                    }});
  }
  if (digits <= 100) {
    rows.push_back(
        {"semiprime", "SIQS", hard, [](const mpz_class& n, const std::function<bool()>& hook, auto budget) {
           stop_token stop = token_for(hook, budget);
           (void)siqs_find_factor(n, stop);
         }});
  }
  for (const auto& [input, n] :
       {std::pair<const char*, mpz_class>{"semiprime", hard}, {"prime", prime}, {"square", power}}) {
    rows.push_back(
        {input, "factorize", n, [](const mpz_class& m, const std::function<bool()>& hook, auto budget) {
           options opts;
           opts.stop_requested = hook;
           opts.budget = budget;
           (void)factorize(m, opts);
         }});
  }
  return rows;
}

double percentile(std::vector<double> values, double q) {
  if (values.empty()) return -1;
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(std::lround(q * static_cast<double>(values.size() - 1)));
  return values[std::min(index, values.size() - 1)];
}

std::string format_ms(double ms) {
  if (ms < 0) return "-";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, ms < 10 ? "%.2f" : "%.0f", ms);
  return buffer;
}

std::vector<std::size_t> parse_sizes(std::string_view text) {
  std::vector<std::size_t> sizes;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string item(text.substr(0, comma));
    const long value = std::strtol(item.c_str(), nullptr, 10);
    if (value < 2 || value > 100000) {
      std::fprintf(stderr, "poll-gap: size '%s' is not 2-100000 digits\n", item.c_str());
      std::exit(2);
    }
    sizes.push_back(static_cast<std::size_t>(value));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  return sizes;
}

} // namespace

int main(int argc, char** argv) {
  std::vector<std::size_t> sizes = {30, 60, 100, 200, 300, 1000, 10000, 100000};
  double seconds = 2;
  int cancels = 10;
  unsigned long seed = 12;
  std::string only;
  double ecm_b1 = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
    if (arg == "--sizes" && value)
      sizes = parse_sizes(value), ++i;
    else if (arg == "--seconds" && value)
      seconds = std::atof(value), ++i;
    else if (arg == "--cancels" && value)
      cancels = std::atoi(value), ++i;
    else if (arg == "--seed" && value)
      seed = std::strtoul(value, nullptr, 10), ++i;
    else if (arg == "--phase" && value)
      only = value, ++i;
    else if (arg == "--ecm-b1" && value) {
      char* end = nullptr;
      ecm_b1 = std::strtod(value, &end);
      if (end == value || *end != '\0' || ecm_stage2_cuts(ecm_b1).empty()) {
        std::fprintf(stderr, "poll-gap: --ecm-b1 must be one of the ECM schedule's bounds (2e3 ... 85e7)\n");
        return 2;
      }
      ++i;
    } else {
      std::fprintf(stderr,
                   "usage: factord-poll-gap [--sizes 30,60,...] [--seconds S] [--cancels K] [--seed N] "
                   "[--phase NAME] [--ecm-b1 B1]\n");
      return 2;
    }
  }
  if (seconds <= 0 || seconds > 3600 || cancels < 0 || cancels > 1000) {
    std::fprintf(stderr, "poll-gap: --seconds must be in (0, 3600], --cancels in [0, 1000]\n");
    return 2;
  }
  gmp_randclass random(gmp_randinit_default);
  random.seed(seed);
  std::mt19937_64 cancel_times(seed);
  const auto budget =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(seconds));

  std::printf(
      "| digits | input | phase | run ms | polls | max gap ms | max gap CPU ms | stop latency p50 / p99 / "
      "max ms |\n");
  std::printf("|--:|---|---|--:|--:|--:|--:|---|\n");
  std::fflush(stdout);
  for (std::size_t digits : sizes) {
    for (const row& r : rows_for(digits, random, ecm_b1)) {
      if (!only.empty() && r.phase.rfind(only, 0) != 0) continue;
      // First run: stopped by the budget (or finishing first); then `cancels` runs, each
      // cancelled at a random moment within the first run's duration.
      const run_record first = measure(r.run, r.n, budget, {});
      double max_gap = first.max_gap_ms;
      double max_cpu_gap = first.max_cpu_gap_ms;
      std::vector<double> latencies;
      if (first.stop_latency_ms >= 0) latencies.push_back(first.stop_latency_ms);
      std::uniform_real_distribution<double> when(0.0, std::min(first.duration_ms, seconds * 1000));
      for (int k = 0; k < cancels; ++k) {
        const auto at = std::chrono::duration_cast<std::chrono::nanoseconds>(
            std::chrono::duration<double, std::milli>(std::max(when(cancel_times), 0.001)));
        const run_record cancelled = measure(r.run, r.n, {}, at);
        max_gap = std::max(max_gap, cancelled.max_gap_ms);
        max_cpu_gap = std::max(max_cpu_gap, cancelled.max_cpu_gap_ms);
        if (cancelled.stop_latency_ms >= 0) latencies.push_back(cancelled.stop_latency_ms);
      }
      const std::string run_ms = first.stop_latency_ms >= 0 ? "budget" : format_ms(first.duration_ms);
      std::printf(
          "| %zu | %s | %s | %s | %llu | %s | %s | %s / %s / %s (%zu) |\n",
          mpz_sizeinbase(r.n.get_mpz_t(), 10), r.input.c_str(), r.phase.c_str(), run_ms.c_str(),
          static_cast<unsigned long long>(first.polls), format_ms(max_gap).c_str(),
          format_ms(max_cpu_gap).c_str(), format_ms(percentile(latencies, 0.5)).c_str(),
          format_ms(percentile(latencies, 0.99)).c_str(),
          format_ms(latencies.empty() ? -1 : *std::max_element(latencies.begin(), latencies.end())).c_str(),
          latencies.size());
      std::fflush(stdout);
    }
  }
  return 0;
}
