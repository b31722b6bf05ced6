// kafka-consumer: a detached actor that owns one librdkafka consumer (cluster mode) and
// turns what it reads into messages for one target actor. Two modes:
//  - group: joins consumer group `group` on one topic (workers on the jobs topic); offsets
//    are committed only when the target says so, partitions can be paused;
//  - reader (`group` empty): reads every partition of its topics, each from the beginning
//    or the end (gateways materialize jobs and results; workers the results).
// Either way it creates factord's topics that are missing, and checks the broker every
// second.
//
// Messages out, to the target:
//   (records_atom, std::vector<kafka_record>)           in partition order
//   (assigned_atom, std::vector<int32_t>, std::vector<int64_t> ends, uint64_t gen)
//                                                        group mode: partitions now ours, with
//                                                        each one's end offset at that moment
//   (revoked_atom, uint64_t gen)                         group mode: all taken back
//   (health_atom, bool up, std::string detail)           on every change
//   (synced_atom, uint64_t token, bool ok)               everything that was in the first
//                                                        topic when (sync_atom, token)
//                                                        arrived has been forwarded;
//                                                        token 0: the start-up catch-up (all
//                                                        from-beginning topics)
// Messages in:
//   (sync_atom, uint64_t token)
//   (commit_atom, std::vector<std::pair<int32_t, int64_t>>, uint64_t gen)
//        group mode: commit these next offsets (ignored for an older generation)
//   (pause_atom, int32_t partition, uint64_t gen) / (resume_atom, int32_t, uint64_t gen)
//   (probe_atom) -> probe_sample
// On exit it closes the consumer (leaving the group at once) before quitting.
#pragma once

#include "actors/kafka/kafka_errc.hpp"
#include "actors/kafka/kafka_records.hpp"
#include "config/result.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace factord::actors {

struct kafka_consumer_settings {
  struct topic {
    std::string name;
    bool from_beginning = true;
  };
  std::string brokers;
  std::string client_id;
  std::string group;              // empty: reader mode
  std::vector<topic> topics;      // group mode: exactly one
  std::vector<topic_spec> ensure; // created when missing
  caf::actor target;
  std::size_t max_batch = 1000; // records per message to the target
  // Group mode: a member silent this long is dropped and its partitions move (a killed
  // worker's jobs wait at most this); members tell the group they live at `heartbeat`.
  std::chrono::milliseconds session_timeout{6000};
  std::chrono::milliseconds heartbeat{1500};
};

// `bad_config` or `cannot_create` when librdkafka refuses the configuration, `bad_config`
// without topics (or, in group mode, with more than one).
result<caf::actor, kafka_errc> spawn_kafka_consumer(caf::actor_system& sys, kafka_consumer_settings settings);

} // namespace factord::actors
