// The test's stand-in for a cluster bridge: an actor that records everything a Kafka
// consumer sends it, and a journal the test thread waits on (real time, always bounded).
#pragma once

#include "actors/kafka/kafka_records.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace factord::testing {

struct bridge_log {
  struct assignment {
    std::vector<std::int32_t> partitions;
    std::vector<std::int64_t> ends;
    std::uint64_t generation = 0;
    std::size_t records_before = 0; // records that had arrived before it
  };
  std::vector<actors::kafka_record> records; // in arrival order
  std::vector<assignment> assigned;
  std::vector<std::uint64_t> revoked; // generations
  std::vector<bool> health;           // up or down, each change
  struct sync_mark {
    std::uint64_t token = 0;
    bool ok = false;
    std::size_t records_before = 0; // records that had arrived before it
  };
  std::vector<sync_mark> synced;
  std::vector<std::string> events; // "records", "assigned", ... in arrival order

  // The records of one topic partition, in arrival order.
  std::vector<actors::kafka_record> of(const std::string& topic, std::int32_t partition) const;
};

class bridge_journal {
public:
  // Waits until `done(log)` holds, at most `timeout`; false if it never did.
  bool wait(std::chrono::milliseconds timeout, const std::function<bool(const bridge_log&)>& done);
  bridge_log snapshot() const;
  void update(const std::function<void(bridge_log&)>& change);

private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bridge_log log_;
};

caf::actor spawn_recording_bridge(caf::actor_system& sys, std::shared_ptr<bridge_journal> journal);

} // namespace factord::testing
