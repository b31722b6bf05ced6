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
// Messages in: from the factor workers and the pool (started, finished, lost) as the
// registry gets them; from its consumers (records, assigned, revoked, health, synced);
// (attach_atom, actor) its group consumer, once at start; (drain_atom) -> bool;
// (stats_atom) -> registry_stats; (workers_atom) -> registry_view; (ready_atom) ->
// std::string ("" = ready); (probe_atom) -> probe_sample.
// Its own timers: (tick_atom) running records and commits; (purge_atom) retention;
// (publish_atom, id) a result the producer refused, again; (attempt_atom, id) an attempt
// record the producer refused, again.
#pragma once

#include "actors/kafka/kafka_records.hpp"
#include "config/options.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

namespace factord::actors {

struct worker_bridge_config {
  config::settings settings;
  topic_names topics;
  std::string node_id;
  caf::actor producer; // kafka-producer, results never time out
  caf::actor dispatcher;
};

caf::actor spawn_worker_bridge(caf::actor_system& sys, worker_bridge_config config);

} // namespace factord::actors
