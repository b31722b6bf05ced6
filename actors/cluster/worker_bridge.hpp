// kafka-bridge, worker side (cluster mode). Stands where the job-registry stands in
// `factord serve`: the factor workers report to it, and it feeds the same dispatcher and
// caller-queues, so round-robin fairness across callers holds inside every worker.
//
//  - Jobs come from a consumer group on the jobs topic. Each partition's unfinished jobs
//    are tracked by offset (partition_offsets.hpp); the committed offset is the lowest
//    unfinished one (or the end when none), so a crash re-delivers exactly the jobs
//    without a published result.
//  - Read-ahead is bounded per partition: at settings.kafka_read_ahead unfinished jobs the
//    partition is paused, and resumed at half of it.
//  - A job's result is produced to the results topic (key: request id, retried until the
//    broker has it) before its offset may be committed. A "running" record carries the
//    attempt count, so it survives a worker's death. A job whose record was already in
//    the partition when the partition was assigned may have run on a worker that died:
//    its attempt is written (and acknowledged) before it is queued. A fresh job gets its
//    running record once it has run for 50 ms (most small jobs never need one).
//  - The results topic is also read (from the beginning), so a re-delivered job that some
//    worker already finished is not computed again, and crashes are counted across
//    processes: at settings.max_attempts the job goes to the dead-letter topic and ends
//    failed. Malformed records go to the dead-letter topic too.
//  - Cancel records (same key as their job, so after it in the partition) stop the job.
//
// Messages in (its type, worker_bridge_actor, checks them):
//   worker_report_api (scheduling/worker_report_api.hpp): started, finished, lost, from the
//     factor workers and the pool, as the registry gets them;
//   registry_api (protocol/registry_api.hpp), so it can stand in node::jobs: (drain_atom)
//     -> bool; (stats_atom) -> registry_stats; (workers_atom) -> registry_view;
//     (ready_atom) -> std::string; (probe_atom); submit, batch, fetch and cancel are
//     refused (404 not_a_gateway: jobs reach a worker through Kafka; net/ refuses those
//     routes on a worker before asking);
//   from its consumers: (attach_atom, caf::actor group consumer), records, assigned,
//     revoked, health, synced;
//   internal (sent to itself, so in its type too): (tick_atom) its commit timer,
//     (publish_atom, id) and (attempt_atom, id) retries, (purge_atom) retention sweep.
// It sends to untyped actors (producer, consumer, dispatcher) with anon_send: CAF 0.17
// lets a typed actor send() only to typed actors.
#pragma once

#include "actors/kafka/kafka_records.hpp"
#include "actors/protocol/registry_api.hpp"
#include "actors/scheduling/worker_report_api.hpp"
#include "config/options.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace factord::actors {

using worker_bridge_actor = registry_api::extend_with<worker_report_api>::extend<
    caf::reacts_to<attach_atom, caf::actor>,                 // its group consumer
    caf::reacts_to<records_atom, std::vector<kafka_record>>, // from the consumers
    caf::reacts_to<assigned_atom, std::vector<std::int32_t>, std::vector<std::int64_t>,
                   std::uint64_t>,                    // from the group consumer
    caf::reacts_to<revoked_atom, std::uint64_t>,      // from the group consumer
    caf::reacts_to<health_atom, bool, std::string>,   // from the consumers
    caf::reacts_to<synced_atom, std::uint64_t, bool>, // from the consumers
    caf::reacts_to<tick_atom>,                        // internal
    caf::reacts_to<publish_atom, std::string>,        // internal
    caf::reacts_to<attempt_atom, std::string>,        // internal
    caf::reacts_to<purge_atom>>;                      // internal

struct worker_bridge_config {
  config::settings settings;
  topic_names topics;
  std::string node_id;
  caf::actor producer; // kafka-producer, results never time out
  caf::actor dispatcher;
};

worker_bridge_actor spawn_worker_bridge(caf::actor_system& sys, worker_bridge_config config);

} // namespace factord::actors
