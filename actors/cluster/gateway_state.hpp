// The gateway bridge's state and its bookkeeping, as functions over it: records read from
// the topics (gateway_records.cpp), lookups and submissions (gateway_ops.cpp). The
// behavior in gateway_bridge.cpp only routes messages to these. Internal to those files.
#pragma once

#include "actors/cluster/gateway_bridge.hpp"
#include "actors/registry/job_book.hpp"
#include "actors/kafka/kafka_records.hpp"
#include "actors/protocol/probe.hpp"
#include "actors/cluster/unknown_ids.hpp"

#include <caf/typed_response_promise.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace factord::actors::gateway_ops {

struct gateway_state {
  using entry = job_book::entry;
  // GETs and DELETEs for ids this gateway has not read yet.
  using lookups = unknown_ids<job_promise>;

  gateway_bridge_config config;
  job_book book; // jobs accepted here or read from the topics; bounds on unfinished jobs
  // A job produced here whose producer has not answered yet. The reader may see its record
  // in the topic first (then it was accepted whatever the producer says). Resubmissions of
  // the same idempotency key wait for the answer. A job not in here is in Kafka.
  struct unacked {
    bool in_kafka = false;
    std::vector<job_promise> same_key;
  };
  std::unordered_map<std::string, unacked> awaiting_ack;
  lookups unknown;
  std::unordered_map<std::string, std::vector<caf::actor>> clients; // client id -> sessions
  std::unordered_map<caf::actor_addr, std::string> session_client;
  caf::actor consumer;
  bool kafka_up = false;
  std::string kafka_detail = "connecting to Kafka";
  bool caught_up = false;
  bool draining = false;
  std::uint64_t producing = 0;
  std::uint64_t commands_pushed = 0;
  std::uint64_t client_messages = 0;
  std::uint64_t bad_records = 0;
  probe counters;
  static inline const char* name = "kafka-bridge";
};

using self_ptr = gateway_bridge_actor::stateful_pointer<gateway_state>;

// -- records (gateway_records.cpp) ------------------------------------------------------
// The job's record was read from the jobs topic (or its result): it is in Kafka.
void seen_in_kafka(gateway_state& st, const std::string& id);
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
void answer_fetch(self_ptr self, gateway_state::entry& e, caf::timespan wait, job_promise rp);
void start_cancel(self_ptr self, gateway_state::entry& e, job_promise rp);
// An id not read yet: waits for the next records, then for a sync (unknown_ids.hpp).
void lookup_later(self_ptr self, gateway_state::lookups::lookup u);
// The lookups' view of the jobs: whether an id has been read or accepted here, as a job
// the lookup's requester may see (job_book::find_for).
gateway_state::lookups::known_fn known_ids(const gateway_state& st);
// Does what the lookups decided: answers, then the timer, then the sync barrier.
void carry_out(self_ptr self, gateway_state::lookups::step s);
// Validates a number (normalized into `number`), readiness and the cluster's queue bounds
// for `extra` more jobs.
std::optional<api_error> admit(gateway_state& st, const std::string& caller, const std::string& text,
                               std::uint64_t extra, const submit_limits& limits, std::string& number);
// A new job in the book, awaiting the broker's acknowledgement.
gateway_state::entry& create(gateway_state& st, const std::string& caller, std::string number,
                             std::string key, std::string id, unsigned weight);
// The broker refused or timed out: forget the job (unless the reader has meanwhile seen it
// in the topic, in which case it was accepted after all); resubmissions of its key that
// waited for it get `refusal`. A record that may have been written anyway comes back from
// the topic like any other job.
bool forget_unless_in_kafka(self_ptr self, const std::string& id, const api_error& refusal);
// Produces the job record; `done(acked, why)` once the broker answered.
void produce_job(self_ptr self, const job& j, const std::function<void(bool, const std::string&)>& done);
// The 503 for a job Kafka did not acknowledge: "nothing was accepted" when librdkafka
// says the record was not written; when it may have been (a delivery timeout,
// outcome_unknown()), says so, and whether a retry is safe (`keyed`: the same key names the
// same job on every gateway).
api_error kafka_refused(const std::string& why, bool keyed);
// The same for a batch: all or none, the records that reached Kafka are cancelled again.
api_error kafka_refused_batch(const std::string& why);
// The broker acknowledged the job: it counts as accepted, and resubmissions of its key get
// the same answer.
void acknowledged(gateway_state& st, const std::string& id, const job& accepted);

} // namespace factord::actors::gateway_ops
