#include "scenarios.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <thread>

namespace load {

void run_threads(std::vector<std::function<void()>> bodies, progress_reporter& reporter) {
  std::mutex mutex;
  std::condition_variable cv;
  std::size_t finished = 0;
  std::vector<std::thread> threads;
  for (auto& body : bodies)
    threads.emplace_back([&, body] {
      body();
      std::lock_guard<std::mutex> lock(mutex);
      ++finished;
      cv.notify_all();
    });
  auto next = clock_type::now() + std::chrono::seconds(1);
  for (;;) {
    std::unique_lock<std::mutex> lock(mutex);
    if (cv.wait_until(lock, next, [&] { return finished == threads.size(); })) break;
    lock.unlock();
    reporter.tick();
    next += std::chrono::seconds(1);
  }
  reporter.tick(); // the last, partial second
  for (auto& t : threads) t.join();
}

json latency_summary(const run_stats& stats) {
  auto h = stats.latency.snapshot();
  auto ms = [&](double q) { return static_cast<double>(latency_histogram::percentile(h, q)) / 1000.0; };
  json failures = json::object();
  for (auto& [k, v] : stats.failures.snapshot()) failures[k] = v;
  json outcomes = json::object();
  for (auto& [k, v] : stats.outcomes.snapshot()) outcomes[k] = v;
  return {{"sent", stats.sent.load()},
          {"ok", stats.ok.load()},
          {"p50_ms", ms(0.5)},
          {"p99_ms", ms(0.99)},
          {"p999_ms", ms(0.999)},
          {"max_ms", static_cast<double>(latency_histogram::max_value(h)) / 1000.0},
          {"failures", failures},
          {"outcomes", outcomes},
          {"failed", stats.failures.total()}};
}

const std::string& token_for(const options& opt, const std::string& caller) {
  static const std::string none;
  if (opt.tokens.empty()) return none;
  return opt.tokens[std::hash<std::string>{}(caller) % opt.tokens.size()];
}

double sample_percentile(std::vector<double> samples, double q) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  auto idx = static_cast<std::size_t>(q * static_cast<double>(samples.size() - 1));
  return samples[idx];
}

} // namespace load
