#include "stats.hpp"

#include <algorithm>
#include <fstream>

namespace load {

int latency_histogram::index_of(std::uint64_t v) {
  constexpr std::uint64_t sub = 1u << sub_bits;
  if (v < sub) return static_cast<int>(v);
  int msb = 63 - __builtin_clzll(v);
  int shift = msb - sub_bits;
  int idx = (shift + 1) * static_cast<int>(sub) + static_cast<int>((v >> shift) & (sub - 1));
  return idx < bucket_count ? idx : bucket_count - 1;
}

std::uint64_t latency_histogram::upper_bound_of(int idx) {
  constexpr int sub = 1 << sub_bits;
  if (idx < sub) return static_cast<std::uint64_t>(idx);
  int shift = idx / sub - 1;
  std::uint64_t mantissa = static_cast<std::uint64_t>(sub + idx % sub);
  return ((mantissa + 1) << shift) - 1;
}

void latency_histogram::record(std::uint64_t micros) {
  counts_[static_cast<std::size_t>(index_of(micros))].fetch_add(1, std::memory_order_relaxed);
}

histogram_counts latency_histogram::snapshot() const {
  histogram_counts out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = counts_[i].load(std::memory_order_relaxed);
  return out;
}

std::uint64_t latency_histogram::total(const histogram_counts& c) {
  std::uint64_t n = 0;
  for (auto x : c) n += x;
  return n;
}

std::uint64_t latency_histogram::percentile(const histogram_counts& c, double q) {
  std::uint64_t n = total(c);
  if (n == 0) return 0;
  auto rank = static_cast<std::uint64_t>(q * static_cast<double>(n - 1)) + 1;
  std::uint64_t seen = 0;
  for (int i = 0; i < bucket_count; ++i) {
    seen += c[static_cast<std::size_t>(i)];
    if (seen >= rank) return upper_bound_of(i);
  }
  return upper_bound_of(bucket_count - 1);
}

std::uint64_t latency_histogram::max_value(const histogram_counts& c) {
  for (int i = bucket_count - 1; i >= 0; --i)
    if (c[static_cast<std::size_t>(i)] != 0) return upper_bound_of(i);
  return 0;
}

void failure_counters::add(const std::string& kind, std::uint64_t n) {
  std::lock_guard<std::mutex> lock(mutex_);
  counts_[kind] += n;
}

std::map<std::string, std::uint64_t> failure_counters::snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return counts_;
}

std::uint64_t failure_counters::total() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::uint64_t n = 0;
  for (auto& [k, v] : counts_) n += v;
  return n;
}

progress_reporter::progress_reporter(run_stats& stats, std::string label)
    : stats_(stats), label_(std::move(label)) {
  rows_.push_back("second,sent_per_s,ok_per_s,failed_per_s,p50_ms,p99_ms,max_ms,in_flight");
}

void progress_reporter::tick() {
  auto now_counts = stats_.latency.snapshot();
  histogram_counts window{};
  for (std::size_t i = 0; i < window.size(); ++i) window[i] = now_counts[i] - last_[i];
  last_ = now_counts;
  std::uint64_t ok = stats_.ok.load(), sent = stats_.sent.load(), fail = stats_.failures.total();
  std::uint64_t d_ok = ok - last_ok_, d_sent = sent - last_sent_, d_fail = fail - last_fail_;
  last_ok_ = ok;
  last_sent_ = sent;
  last_fail_ = fail;
  auto now = clock_type::now();
  double secs = std::chrono::duration<double>(now - start_).count();
  // Rates over the real interval: the last tick of a run covers only part of a second.
  double interval = std::max(1e-3, std::chrono::duration<double>(now - last_tick_).count());
  last_tick_ = now;
  double p50 = static_cast<double>(latency_histogram::percentile(window, 0.50)) / 1000.0;
  double p99 = static_cast<double>(latency_histogram::percentile(window, 0.99)) / 1000.0;
  double mx = static_cast<double>(latency_histogram::max_value(window)) / 1000.0;
  auto in_flight = stats_.in_flight.load();
  std::fprintf(
      stderr,
      "[%s] t=%5.1fs sent=%llu ok=%llu (+%llu/s) fail=%llu p50=%.2fms p99=%.2fms max=%.1fms in_flight=%llu\n",
      label_.c_str(), secs, static_cast<unsigned long long>(sent), static_cast<unsigned long long>(ok),
      static_cast<unsigned long long>(d_ok), static_cast<unsigned long long>(fail), p50, p99, mx,
      static_cast<unsigned long long>(in_flight));
  if (interval < 0.5) return; // too short a tail to plot as a rate
  char row[256];
  std::snprintf(row, sizeof row, "%.1f,%.0f,%.0f,%.0f,%.3f,%.3f,%.3f,%llu", secs,
                static_cast<double>(d_sent) / interval, static_cast<double>(d_ok) / interval,
                static_cast<double>(d_fail) / interval, p50, p99, mx,
                static_cast<unsigned long long>(in_flight));
  rows_.emplace_back(row);
}

void progress_reporter::write_csv(const std::string& path) const {
  if (path.empty()) return;
  std::ofstream out(path);
  for (auto& r : rows_) out << r << '\n';
}

} // namespace load
