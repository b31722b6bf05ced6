// The gateway bridge's state and its bookkeeping, as functions over it: records read from
// the topics (gateway_records.cpp), lookups and submissions (gateway_ops.cpp). The
// behavior in gateway_bridge.cpp only routes messages to these. Internal to those files.
#pragma once

#include "actors/cluster/gateway_bridge.hpp"
#include "actors/registry/job_registry.hpp" // registry_state::waiter, registry_stats
#include "actors/kafka/kafka_records.hpp"
#include "actors/protocol/probe.hpp"
#include "actors/cluster/unknown_ids.hpp"

#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>

#include <functional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace factord::actors::gateway_ops {

struct gateway_state {
  using waiter = registry_state::waiter;
  struct entry {
    job value;
    std::vector<waiter> waiters;      // long-poll GETs and DELETEs
    std::vector<caf::actor> watchers; // ws-sessions
    std::vector<caf::response_promise> same_key; // resubmissions while the first is unacked
    bool in_kafka = false;            // acknowledged by the broker or read from the topic
  };
  // GETs and DELETEs for ids this gateway has not read yet.
  using lookups = unknown_ids<caf::response_promise>;

  gateway_bridge_config config;
  std::unordered_map<std::string, entry> jobs;
  std::unordered_map<std::string, std::uint64_t> open_by_caller; // jobs not finished
  std::uint64_t open_total = 0;
  lookups unknown;
  std::unordered_map<std::string, std::vector<caf::actor>> clients; // client id -> sessions
  std::unordered_map<caf::actor_addr, std::string> session_client;
  caf::actor consumer;
  bool kafka_up = false;
  std::string kafka_detail = "connecting to Kafka";
  bool caught_up = false;
  bool draining = false;
  std::uint64_t next_waiter = 1;
  std::uint64_t producing = 0;
  std::uint64_t commands_pushed = 0;
  std::uint64_t client_messages = 0;
  std::uint64_t bad_records = 0;
  std::mt19937_64 rng{std::random_device{}()};
  registry_stats stats;
  probe counters;
  static inline const char* name = "kafka-bridge";
};

using self_ptr = caf::stateful_actor<gateway_state>*;

// -- records (gateway_records.cpp) ------------------------------------------------------
// Counting of unfinished jobs, by caller and in total (the queue bounds).
void open_job(gateway_state& st, const job& j);
void close_job(gateway_state& st, const job& j, job_status before);
// Answers the job's long-polls; a finished job also goes to its watching sessions.
void notify(self_ptr self, gateway_state::entry& e);
// A result record (or a job record) moves a job forward; finished states are final.
void apply_result(self_ptr self, job&& update);
void on_job_record(self_ptr self, const kafka_record& r);
void on_result_record(self_ptr self, const kafka_record& r);
// {"type":"command", ...the record's JSON fields...} to every socket of the client.
void on_command_record(self_ptr self, const kafka_record& r);
// Forgets finished jobs older than the retention; runs again in a minute.
void purge(self_ptr self);

// -- lookups and submissions (gateway_ops.cpp) -------------------------------------------
// "" when submissions can be accepted now, else why not (for a 503).
std::string not_ready(const gateway_state& st);
void answer_fetch(self_ptr self, gateway_state::entry& e, caf::timespan wait, caf::response_promise rp);
void start_cancel(self_ptr self, gateway_state::entry& e, caf::response_promise rp);
// An id not read yet: waits for the next records, then for a sync (unknown_ids.hpp).
void lookup_later(self_ptr self, gateway_state::lookups::lookup u);
// The lookups' view of the jobs: whether an id has been read or accepted here.
gateway_state::lookups::known_fn known_ids(const gateway_state& st);
// Does what the lookups decided: answers, then the timer, then the sync barrier.
void carry_out(self_ptr self, gateway_state::lookups::step s);
// Validates a number and the cluster's queue bounds (`extra` jobs more); normalizes it.
bool admit(self_ptr self, const std::string& caller, const std::string& text, std::uint64_t extra,
           std::string& number, api_error& err);
gateway_state::entry& create(self_ptr self, const std::string& caller, std::string number, std::string key,
                             std::string id);
// The broker refused or timed out: the job was not accepted, forget it (unless the
// reader has meanwhile seen it in the topic, in which case it was accepted after all).
bool forget_unless_in_kafka(self_ptr self, const std::string& id);
// Produces the job record; `done(acked, why)` once the broker answered.
void produce_job(self_ptr self, const job& j, std::function<void(bool, const std::string&)> done);
api_error kafka_refused(const std::string& why);

} // namespace factord::actors::gateway_ops
