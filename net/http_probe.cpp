#include "net/http_probe.hpp"

namespace factord::net {

namespace {
constexpr std::array<std::string_view, http_probe::status_slots> status_labels{
    "101", "200", "202", "400", "401", "403", "404", "405", "408",  "413",
    "415", "421", "422", "426", "429", "431", "500", "503", "other"};
constexpr auto relaxed = std::memory_order_relaxed;
} // namespace

std::size_t http_probe::status_slot(unsigned status) noexcept {
  for (std::size_t i = 0; i < statuses.size(); ++i)
    if (statuses[i] == status) return i;
  return statuses.size();
}

std::string_view http_probe::status_label(std::size_t slot) noexcept {
  return slot < status_labels.size() ? status_labels[slot] : status_labels.back();
}

void http_probe::observe(route r, unsigned status, double seconds) noexcept {
  requests_[static_cast<std::size_t>(r)][status_slot(status)].fetch_add(1, relaxed);
  std::size_t bucket = 0;
  while (bucket < duration_bounds.size() && seconds > duration_bounds[bucket]) ++bucket;
  duration_buckets_[bucket].fetch_add(1, relaxed);
  auto micros = seconds <= 0 ? 0 : static_cast<std::uint64_t>(seconds * 1e6);
  duration_sum_micros_.fetch_add(micros, relaxed);
  duration_count_.fetch_add(1, relaxed);
}

http_probe::snapshot http_probe::read() const noexcept {
  snapshot s;
  for (std::size_t r = 0; r < route_count; ++r)
    for (std::size_t k = 0; k < status_slots; ++k) s.requests[r][k] = requests_[r][k].load(relaxed);
  for (std::size_t b = 0; b < duration_buckets_.size(); ++b)
    s.duration_buckets[b] = duration_buckets_[b].load(relaxed);
  s.duration_sum = static_cast<double>(duration_sum_micros_.load(relaxed)) / 1e6;
  s.duration_count = duration_count_.load(relaxed);
  s.connections_open = connections_open_.load(relaxed);
  s.connections_rejected = connections_rejected_.load(relaxed);
  return s;
}

} // namespace factord::net
