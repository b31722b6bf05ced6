// http_probe: the HTTP metrics net/ owns (factord_http_*, factord_connections_open).
// Written from every Asio thread on every request, so it is a fixed grid of relaxed
// atomics — no lock, no allocation, no label that a client can grow (routes are
// templated, statuses come from a fixed list with "other" for the rest).
#pragma once

#include "net/routes.hpp"

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace factord::net {

class http_probe {
public:
  // The statuses factord sends; anything else is counted as "other".
  static constexpr std::array<unsigned, 18> statuses{101, 200, 202, 400, 401, 403, 404, 405, 408,
                                                     413, 415, 421, 422, 426, 429, 431, 500, 503};
  static constexpr std::size_t status_slots = statuses.size() + 1;
  // Upper bounds in seconds of the request-duration histogram.
  static constexpr std::array<double, 12> duration_bounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                          0.05,   0.1,   0.25,   0.5,   1,    2.5};

  void observe(route r, unsigned status, double seconds) noexcept;
  void connection_opened() noexcept { connections_open_.fetch_add(1, std::memory_order_relaxed); }
  void connection_closed() noexcept { connections_open_.fetch_sub(1, std::memory_order_relaxed); }
  void connection_rejected() noexcept { connections_rejected_.fetch_add(1, std::memory_order_relaxed); }
  std::int64_t connections_open() const noexcept { return connections_open_.load(std::memory_order_relaxed); }

  // A copy for rendering; counters are read one by one, so totals may be a request apart.
  struct snapshot {
    std::array<std::array<std::uint64_t, status_slots>, route_count> requests{};
    std::array<std::uint64_t, duration_bounds.size() + 1> duration_buckets{}; // not cumulative; last = +Inf
    double duration_sum = 0;
    std::uint64_t duration_count = 0;
    std::int64_t connections_open = 0;
    std::uint64_t connections_rejected = 0;
  };
  snapshot read() const noexcept;

  static std::size_t status_slot(unsigned status) noexcept;
  // "200", ..., "other"
  static std::string_view status_label(std::size_t slot) noexcept;

private:
  std::array<std::array<std::atomic<std::uint64_t>, status_slots>, route_count> requests_{};
  std::array<std::atomic<std::uint64_t>, duration_bounds.size() + 1> duration_buckets_{};
  std::atomic<std::uint64_t> duration_sum_micros_{0};
  std::atomic<std::uint64_t> duration_count_{0};
  std::atomic<std::int64_t> connections_open_{0};
  std::atomic<std::uint64_t> connections_rejected_{0};
};

} // namespace factord::net
