#include "recording_bridge.hpp"

#include "actors/kafka/kafka_producer.hpp" // kafka_record as a message type
#include "actors/protocol/atoms.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

namespace factord::testing {

using namespace factord::actors;

std::vector<kafka_record> bridge_log::of(const std::string& topic, std::int32_t partition) const {
  std::vector<kafka_record> out;
  for (const auto& r : records)
    if (r.topic == topic && r.partition == partition) out.push_back(r);
  return out;
}

bool bridge_journal::wait(std::chrono::milliseconds timeout,
                          const std::function<bool(const bridge_log&)>& done) {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return done(log_); });
}

bridge_log bridge_journal::snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return log_;
}

void bridge_journal::update(const std::function<void(bridge_log&)>& change) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    change(log_);
  }
  changed_.notify_all();
}

namespace {

caf::behavior recording_bridge(caf::event_based_actor*, const std::shared_ptr<bridge_journal>& journal) {
  return {
      [journal](records_atom, std::vector<kafka_record>& batch) {
        journal->update([&](bridge_log& log) {
          for (auto& r : batch) log.records.push_back(std::move(r));
          log.events.emplace_back("records");
        });
      },
      [journal](assigned_atom, const std::vector<std::int32_t>& partitions,
                const std::vector<std::int64_t>& ends, std::uint64_t generation) {
        journal->update([&](bridge_log& log) {
          log.assigned.push_back({partitions, ends, generation, log.records.size()});
          log.events.emplace_back("assigned");
        });
      },
      [journal](revoked_atom, std::uint64_t generation) {
        journal->update([&](bridge_log& log) {
          log.revoked.push_back(generation);
          log.events.emplace_back("revoked");
        });
      },
      [journal](health_atom, bool up, const std::string&) {
        journal->update([&](bridge_log& log) {
          log.health.push_back(up);
          log.events.emplace_back("health");
        });
      },
      [journal](synced_atom, std::uint64_t token, bool ok) {
        journal->update([&](bridge_log& log) {
          log.synced.push_back({token, ok, log.records.size()});
          log.events.emplace_back("synced");
        });
      },
  };
}

} // namespace

caf::actor spawn_recording_bridge(caf::actor_system& sys, std::shared_ptr<bridge_journal> journal) {
  return sys.spawn(recording_bridge, std::move(journal));
}

} // namespace factord::testing
