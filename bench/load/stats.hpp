// Latency histogram, failure counters and the once-a-second progress/CSV reporter.
//
// Every io thread records into one shared `run_stats` with relaxed atomics; the reporter
// snapshots the cumulative histogram each second, so a second's percentiles are the
// difference of two snapshots and recording never takes a lock.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace load {

using clock_type = std::chrono::steady_clock;

// Log-linear buckets over microseconds: 32 sub-buckets per power of two (~3% error),
// from 1 µs to about 2^30 µs (18 minutes).
class latency_histogram {
public:
  static constexpr int sub_bits = 5;
  static constexpr int bucket_count = (31 - sub_bits) * (1 << sub_bits) + (1 << sub_bits);

  void record(std::uint64_t micros);
  std::array<std::uint64_t, bucket_count> snapshot() const;

  // Percentiles over a snapshot (or a difference of two), in microseconds.
  static std::uint64_t percentile(const std::array<std::uint64_t, bucket_count>& counts, double q);
  static std::uint64_t max_value(const std::array<std::uint64_t, bucket_count>& counts);
  static std::uint64_t total(const std::array<std::uint64_t, bucket_count>& counts);

private:
  static int index_of(std::uint64_t micros);
  static std::uint64_t upper_bound_of(int index);
  std::array<std::atomic<std::uint64_t>, bucket_count> counts_{};
};

using histogram_counts = std::array<std::uint64_t, latency_histogram::bucket_count>;

// Failure kinds are free-form short names ("http_429", "connect", "timeout", "bad_factors").
class failure_counters {
public:
  void add(const std::string& kind, std::uint64_t n = 1);
  std::map<std::string, std::uint64_t> snapshot() const;
  std::uint64_t total() const;

private:
  mutable std::mutex mutex_;
  std::map<std::string, std::uint64_t> counts_;
};

struct run_stats {
  latency_histogram latency; // successful requests / replies
  failure_counters failures;
  failure_counters outcomes; // e.g. "202", "429", "503": what the server answered
  std::atomic<std::uint64_t> sent{0};
  std::atomic<std::uint64_t> ok{0};
  std::atomic<std::uint64_t> in_flight{0};

  void record_ok(clock_type::time_point started) {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() - started);
    latency.record(static_cast<std::uint64_t>(us.count()));
    ok.fetch_add(1, std::memory_order_relaxed);
  }
};

// One line per second on stderr, one CSV row per second in memory (written at the end).
class progress_reporter {
public:
  progress_reporter(run_stats& stats, std::string label);
  void tick(); // call once a second
  void write_csv(const std::string& path) const;

private:
  run_stats& stats_;
  std::string label_;
  clock_type::time_point start_ = clock_type::now();
  clock_type::time_point last_tick_ = start_;
  histogram_counts last_{};
  std::uint64_t last_ok_ = 0, last_fail_ = 0, last_sent_ = 0;
  std::vector<std::string> rows_;
};

} // namespace load
