// The worker bridge's state and its bookkeeping, as functions over it (worker_ops.cpp):
// offsets and read-ahead (decided by partition_offsets, sent to the consumer here),
// publishing results, job and result records, rebalances. The behavior in
// worker_bridge.cpp only routes messages to these. Internal to those files.
#pragma once

#include "actors/registry/job_book.hpp"
#include "actors/kafka/kafka_records.hpp"
#include "actors/protocol/probe.hpp"
#include "actors/cluster/partition_offsets.hpp"
#include "actors/cluster/worker_bridge.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace factord::actors::worker_ops {

struct worker_bridge_state {
  // What this worker keeps about a job besides the job itself (which is in the book).
  struct local_job {
    std::int32_t partition = 0;
    std::int64_t offset = 0;
    bool tracked = true; // its offset counts for commits (false once revoked)
    bool cancel_requested = false;
    bool publishing = false; // final result on its way to the broker
    bool suspect = false;    // in the partition before it was assigned to us
    bool marked = false;     // its running record (with the attempt) is published
  };
  struct seen_result {
    bool finished = false;
    std::uint32_t attempts = 0;
    std::int64_t seen_at = 0;
  };

  worker_bridge_config config;
  job_book book; // the jobs this worker holds: queued, running, or publishing their result
  std::unordered_map<std::string, local_job> jobs;
  partition_offsets offsets{1}; // of the jobs topic's partitions; limit set at spawn
  std::uint64_t generation = 0; // of the assignment; the consumer drops older requests
  std::unordered_map<std::string, seen_result> results;
  caf::actor group_consumer;
  bool kafka_up = false;
  std::string kafka_detail = "connecting to Kafka";
  bool draining = false;
  std::uint64_t ticks = 0;
  std::uint64_t dead_lettered = 0;
  std::uint64_t duplicates_skipped = 0;
  probe counters;
  static inline const char* name = "kafka-bridge";
};

using self_ptr = worker_bridge_actor::stateful_pointer<worker_bridge_state>;
using local_job = worker_bridge_state::local_job;

// Tells the group consumer to pause or resume the partition, as partition_offsets decided.
void pause_or_resume(self_ptr self, std::int32_t partition, partition_offsets::read_ahead change);

// The record at (partition, offset) needs nothing more from this worker.
void offset_done(self_ptr self, std::int32_t partition, std::int64_t offset);

// Counts the job's offset as unfinished; pauses the partition at --kafka-read-ahead.
void track(self_ptr self, local_job& lj, std::int32_t partition, std::int64_t offset);

// Publishes the job's final state; once the broker has it, the job is forgotten and its
// offset may be committed. Retried until it succeeds (the producer itself never gives
// up on a result; this covers a producer that refused at once, e.g. a full queue).
void publish_final(self_ptr self, const std::string& id);

// The job ended here (cancelled, failed): its final state, then publish_final.
void finish_and_publish(self_ptr self, const std::string& id, job_status status, std::string code,
                        std::string message);

// Copies the job to the dead-letter topic with the reason, and fails it.
void dead_letter(self_ptr self, const std::string& id, const std::string& reason, const std::string& message);

// Publishes the job's running record: its attempt count then survives this process.
void mark_running(self_ptr self, const std::string& id);

// Hands the job to the dispatcher (its caller's queue).
void enqueue(self_ptr self, const job& j);

// A job that may have run before (a re-delivery): its next attempt is written to the
// results topic first, so crashes count across processes; then it is enqueued.
void count_attempt_then_enqueue(self_ptr self, const std::string& id);

// Records of the group consumer (jobs and cancels) and of the results reader.
void on_job_record(self_ptr self, const kafka_record& r);
void on_result_record(self_ptr self, const kafka_record& r);

// Commits each partition's offset below its lowest unfinished job.
void commit(self_ptr self);

// After a rebalance: jobs of partitions that are no longer ours stop counting; queued ones
// leave (their new owner runs them), running ones finish and publish (harmless twice).
void reassign(self_ptr self, const std::vector<std::int32_t>& ours, const std::vector<std::int64_t>& ends);

// Forgets results older than the retention; runs again in a minute.
void purge(self_ptr self);

} // namespace factord::actors::worker_ops
