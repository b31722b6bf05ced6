// The console actor's state and the pure functions that turn it into JSON; split from
// console.cpp so the JSON building (console_json.cpp) is readable on its own.
#pragma once

#include "actors/protocol/api.hpp"
#include "actors/console/console.hpp"
#include "actors/scheduling/dispatcher.hpp"
#include "actors/protocol/probe.hpp"
#include "actors/protocol/registry_api.hpp"

#include <caf/actor.hpp>
#include <caf/actor_clock.hpp>
#include <caf/response_promise.hpp>

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

namespace factord::actors {

struct console_state {
  struct watched {
    caf::actor handle;
    std::string kind;
    std::string role;
    caf::actor_id parent = 0;
    std::int64_t started_ms = 0;
    probe_sample last;
    std::int64_t sampled_ms = 0;
    double rate = 0; // messages per second between the last two samples
    std::uint64_t changed_round = 0;
  };
  struct exited_entry {
    caf::actor_id id = 0;
    std::string kind;
    std::string role;
    std::int64_t started_ms = 0;
    std::int64_t exited_ms = 0;
    std::string reason;
    std::uint64_t round = 0;
  };
  struct viewer {
    caf::actor who;
    caf::timespan interval;
    caf::actor_clock::time_point next_due{}; // on the actor clock, so tests can drive it
    std::uint64_t seen_round = 0;            // 0: has not had its snapshot yet
  };
  // One sample of the cumulative counters, for rates and the fairness window.
  struct counters_point {
    std::int64_t t_ms = 0;
    registry_stats stats;
    std::map<std::string, double> worker_seconds; // per caller, cumulative
  };
  struct history_point {
    std::int64_t t_ms = 0;
    double accepted_per_s = 0;
    double finished_per_s = 0;
    double p50_ms = 0;
    double p99_ms = 0;
    double utilization = 0;
    std::uint64_t queued = 0;
  };

  registry_api registry;
  caf::actor dispatcher;
  std::map<caf::actor_id, watched> live;
  std::deque<exited_entry> exited; // the most recent exits
  std::vector<viewer> viewers;
  std::deque<counters_point> window; // the last minute of samples
  std::deque<history_point> history; // the last ten minutes, one point per second at most
  registry_view registry_now;
  caller_fairness fairness_now;
  std::int64_t started_ms = 0;
  std::uint64_t round = 0;
  bool round_running = false;
  std::vector<caf::response_promise> waiting_snapshots;
  std::uint64_t tick_generation = 0;
  probe counters;
  static inline const char* name = "console";
};

// Everything the page shows, as one JSON object ("type":"snapshot").
std::string console_snapshot_json(const console_state& st, std::int64_t now_ms);
// What changed since `seen_round` ("type":"delta").
std::string console_delta_json(const console_state& st, std::uint64_t seen_round, std::int64_t now_ms);

} // namespace factord::actors
