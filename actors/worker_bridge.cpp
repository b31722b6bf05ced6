#include "actors/worker_bridge.hpp"

#include "actors/atoms.hpp"
#include "actors/factor_worker.hpp"
#include "actors/job_registry.hpp" // registry_view
#include "actors/kafka_producer.hpp"
#include "actors/probe.hpp"
#include "config/log.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <charconv>
#include <map>
#include <set>
#include <unordered_map>

namespace factord::actors {

namespace {

struct worker_bridge_state {
  struct local_job {
    job value;
    std::int32_t partition = 0;
    std::int64_t offset = 0;
    bool tracked = true;          // its offset counts for commits (false once revoked)
    bool cancel_requested = false;
    bool publishing = false;      // final result on its way to the broker
    bool suspect = false;         // in the partition before it was assigned to us
    bool marked = false;          // its running record (with the attempt) is published
    cancel_handle cancel;
    caf::actor_id worker = 0;
  };
  struct partition_state {
    std::int64_t end_at_assignment = 0; // records below it may have run on a dead worker
    std::set<std::int64_t> unfinished;
    std::int64_t next = -1;       // after the last record consumed; -1: none yet
    std::int64_t committed = -1;
    bool paused = false;
  };
  struct seen_result {
    bool finished = false;
    std::uint32_t attempts = 0;
    std::int64_t seen_at = 0;
  };

  worker_bridge_config config;
  std::unordered_map<std::string, local_job> jobs;
  std::map<std::int32_t, partition_state> partitions;
  std::uint64_t generation = 0;
  std::unordered_map<caf::actor_id, std::string> running_on;
  std::unordered_map<std::string, seen_result> results;
  caf::actor group_consumer;
  bool kafka_up = false;
  std::string kafka_detail = "connecting to Kafka";
  bool draining = false;
  std::uint64_t ticks = 0;
  std::uint64_t dead_lettered = 0;
  std::uint64_t duplicates_skipped = 0;
  registry_stats stats;
  std::unordered_map<std::string, registry_state::service_record> service;
  probe counters;
  static inline const char* name = "kafka-bridge";
};

using self_ptr = caf::stateful_actor<worker_bridge_state>*;
using local_job = worker_bridge_state::local_job;

void maybe_resume(self_ptr self, std::int32_t partition) {
  auto& st = self->state;
  auto it = st.partitions.find(partition);
  if (it == st.partitions.end() || !it->second.paused) return;
  if (it->second.unfinished.size() > st.config.settings.kafka_read_ahead / 2) return;
  it->second.paused = false;
  self->send(st.group_consumer, resume_atom::value, partition, st.generation);
}

// The record at (partition, offset) needs nothing more from this worker.
void offset_done(self_ptr self, std::int32_t partition, std::int64_t offset) {
  auto it = self->state.partitions.find(partition);
  if (it == self->state.partitions.end()) return;
  it->second.unfinished.erase(offset);
  maybe_resume(self, partition);
}

void consumed(self_ptr self, std::int32_t partition, std::int64_t offset) {
  auto& st = self->state;
  auto& ps = st.partitions[partition];
  ps.next = std::max(ps.next, offset + 1);
}

void track(self_ptr self, local_job& lj, std::int32_t partition, std::int64_t offset) {
  auto& st = self->state;
  lj.partition = partition;
  lj.offset = offset;
  lj.tracked = true;
  auto& ps = st.partitions[partition];
  ps.unfinished.insert(offset);
  if (!ps.paused && ps.unfinished.size() >= st.config.settings.kafka_read_ahead) {
    ps.paused = true;
    self->send(st.group_consumer, pause_atom::value, partition, st.generation);
  }
}

void count_final(worker_bridge_state& st, const job& j) {
  switch (j.status) {
    case job_status::done: ++st.stats.done; break;
    case job_status::failed: ++st.stats.failed; break;
    default: ++st.stats.cancelled; break;
  }
}

// Publishes the job's final state; once the broker has it, the job is forgotten and its
// offset may be committed. Retried until it succeeds (the producer itself never gives
// up on a result; this covers a producer that refused at once, e.g. a full queue).
void publish_final(self_ptr self, const std::string& id) {
  auto& st = self->state;
  auto it = st.jobs.find(id);
  if (it == st.jobs.end()) return;
  it->second.publishing = true;
  kafka_message m{st.config.topics.results, id, encode_result(it->second.value, st.config.node_id),
                  result_headers(it->second.value)};
  self->request(st.config.producer, caf::infinite, produce_atom::value, std::move(m))
    .then([self, id](std::string& err) {
            auto& s = self->state;
            auto job_it = s.jobs.find(id);
            if (job_it == s.jobs.end()) return;
            if (!err.empty()) {
              logging::warn("result_publish_retry", {{"request_id", id}, {"error", err}});
              self->delayed_send(self, std::chrono::seconds(1), publish_atom::value, id);
              return;
            }
            auto& lj = job_it->second;
            count_final(s, lj.value);
            s.results[id] = {true, lj.value.attempts, unix_millis_now()};
            if (lj.tracked) offset_done(self, lj.partition, lj.offset);
            s.jobs.erase(job_it);
          },
          [self, id](caf::error&) { self->delayed_send(self, std::chrono::seconds(1), publish_atom::value, id); });
}

void finish(self_ptr self, local_job& lj, job_status status, std::string code, std::string message) {
  if (lj.value.status == job_status::queued && status != job_status::done && self->state.stats.queued > 0)
    --self->state.stats.queued;
  lj.value.status = status;
  lj.value.error_code = std::move(code);
  lj.value.error_message = std::move(message);
  lj.value.finished_at = unix_millis_now();
  publish_final(self, lj.value.request_id);
}

void dead_letter(self_ptr self, local_job& lj, const std::string& reason, const std::string& message) {
  auto& st = self->state;
  ++st.dead_lettered;
  self->send(st.config.producer, publish_atom::value,
             kafka_message{st.config.topics.dlq, lj.value.request_id,
                           encode_dlq(lj.value, reason, message, st.config.node_id), {}});
  logging::warn("job_dead_lettered", {{"request_id", lj.value.request_id}, {"reason", reason}});
  finish(self, lj, job_status::failed, reason, message);
}

// Publishes the job's running record: its attempt count then survives this process.
void mark_running(self_ptr self, local_job& lj) {
  auto& st = self->state;
  lj.marked = true;
  self->send(st.config.producer, publish_atom::value,
             kafka_message{st.config.topics.results, lj.value.request_id,
                           encode_result(lj.value, st.config.node_id), result_headers(lj.value)});
}

void enqueue(self_ptr self, const job& j) {
  auto& st = self->state;
  ++st.stats.queued;
  self->send(st.config.dispatcher, enqueue_atom::value, job_ticket{j.request_id, j.caller_id, j.number});
}

void count_attempt_then_enqueue(self_ptr self, const std::string& id) {
  auto& st = self->state;
  auto it = st.jobs.find(id);
  if (it == st.jobs.end()) return;
  job marker = it->second.value;
  marker.attempts += 1; // the attempt about to start; "queued" so gateways show no change
  kafka_message m{st.config.topics.results, id, encode_result(marker, st.config.node_id), result_headers(marker)};
  self->request(st.config.producer, caf::infinite, produce_atom::value, std::move(m))
    .then([self, id](std::string& err) {
            auto& s = self->state;
            auto job_it = s.jobs.find(id);
            if (job_it == s.jobs.end() || job_it->second.value.status != job_status::queued ||
                job_it->second.publishing)
              return;
            if (!err.empty()) {
              self->delayed_send(self, std::chrono::seconds(1), marker_atom::value, id);
              return;
            }
            job_it->second.marked = true;
            enqueue(self, job_it->second.value);
          },
          [self, id](caf::error&) { self->delayed_send(self, std::chrono::seconds(1), marker_atom::value, id); });
}

void on_job_record(self_ptr self, const kafka_record& r) {
  auto& st = self->state;
  if (!st.partitions.count(r.partition)) return; // from before a revoke
  consumed(self, r.partition, r.offset);
  job_record rec;
  std::string why;
  if (!decode_job_record(r.value, rec, why)) {
    ++st.dead_lettered;
    job bad;
    bad.request_id = "(unreadable)";
    bad.number = r.value.substr(0, 256);
    bad.status = job_status::failed;
    // Into the dead-letter topic with the raw record, then past it: one bad record must
    // not stop the partition.
    self->send(st.config.producer, publish_atom::value,
               kafka_message{st.config.topics.dlq, r.key,
                             encode_dlq(bad, "malformed_record", why + " (partition " + std::to_string(r.partition) +
                                                                 ", offset " + std::to_string(r.offset) + ")",
                                        st.config.node_id),
                             {}});
    logging::warn("malformed_job_record", {{"partition", std::to_string(r.partition)},
                                           {"offset", std::to_string(r.offset)}, {"error", why}});
    return;
  }
  const std::string id = rec.value.request_id; // a copy: rec.value is moved below
  auto seen = st.results.find(id);
  bool finished_elsewhere = seen != st.results.end() && seen->second.finished;
  if (rec.type == job_record::kind::cancel) {
    auto it = st.jobs.find(id);
    if (it == st.jobs.end() || it->second.publishing) return;
    auto& lj = it->second;
    lj.cancel_requested = true;
    if (lj.value.status == job_status::running) {
      lj.cancel.flag->store(cancel_handle::cancel); // the worker reports back, then we publish
    } else {
      self->send(st.config.dispatcher, cancel_atom::value, lj.value.caller_id, id);
      finish(self, lj, job_status::cancelled, "cancelled", "the job was cancelled by a DELETE request");
    }
    return;
  }
  if (auto it = st.jobs.find(id); it != st.jobs.end()) {
    // Known here: re-read after a rebalance (adopt the offset again), or a duplicate.
    if (!it->second.tracked) track(self, it->second, r.partition, r.offset);
    else ++st.duplicates_skipped;
    return;
  }
  if (finished_elsewhere) {
    ++st.duplicates_skipped;
    return;
  }
  ++st.stats.accepted;
  auto& lj = st.jobs[id];
  lj.suspect = r.offset < st.partitions[r.partition].end_at_assignment;
  lj.value = std::move(rec.value);
  lj.value.attempts = seen != st.results.end() ? seen->second.attempts : 0;
  track(self, lj, r.partition, r.offset);
  if (lj.value.attempts >= st.config.settings.max_attempts) {
    dead_letter(self, lj, "worker_crashed",
                "the job was started " + std::to_string(lj.value.attempts) +
                  " times and its worker died each time (option --max-attempts); it will not be retried");
    return;
  }
  if (!lj.suspect) {
    enqueue(self, lj.value);
    return;
  }
  // The job may have killed the worker that had this partition: its attempt is in Kafka
  // before it starts here, so a job that keeps killing workers ends in the dead-letter
  // topic instead of going round for ever.
  count_attempt_then_enqueue(self, lj.value.request_id);
}

void on_result_record(self_ptr self, const kafka_record& r) {
  auto& st = self->state;
  job j;
  // The headers carry what this table needs; the JSON value only for older records.
  auto status = r.header("status");
  auto attempts = r.header("attempts");
  if (!status.empty() && !attempts.empty() && parse_job_status(status, j.status)) {
    j.request_id = r.key;
    std::uint32_t n = 0;
    std::from_chars(attempts.data(), attempts.data() + attempts.size(), n);
    j.attempts = n;
  } else if (std::string why; !decode_result(r.value, j, why)) {
    return;
  }
  auto& seen = st.results[j.request_id];
  seen.seen_at = unix_millis_now();
  seen.attempts = std::max(seen.attempts, j.attempts);
  if (!j.finished()) return;
  seen.finished = true;
  // Finished by another worker (after a rebalance): drop our queued copy.
  auto it = st.jobs.find(j.request_id);
  if (it == st.jobs.end() || it->second.value.status != job_status::queued || it->second.publishing) return;
  ++st.duplicates_skipped;
  if (st.stats.queued > 0) --st.stats.queued;
  self->send(st.config.dispatcher, cancel_atom::value, it->second.value.caller_id, j.request_id);
  if (it->second.tracked) offset_done(self, it->second.partition, it->second.offset);
  st.jobs.erase(it);
}

void commit(self_ptr self) {
  auto& st = self->state;
  std::vector<std::pair<std::int32_t, std::int64_t>> offsets;
  for (auto& [p, ps] : st.partitions) {
    if (ps.next < 0) continue;
    std::int64_t offset = ps.unfinished.empty() ? ps.next : *ps.unfinished.begin();
    if (offset <= ps.committed) continue;
    ps.committed = offset;
    offsets.emplace_back(p, offset);
  }
  if (!offsets.empty() && st.group_consumer)
    self->send(st.group_consumer, commit_atom::value, std::move(offsets), st.generation);
}

// After a rebalance: jobs of partitions that are no longer ours stop counting; queued ones
// leave (their new owner runs them), running ones finish and publish (harmless twice).
void reassign(self_ptr self, const std::vector<std::int32_t>& ours, const std::vector<std::int64_t>& ends) {
  auto& st = self->state;
  std::set<std::int32_t> mine(ours.begin(), ours.end());
  st.partitions.clear();
  for (std::size_t i = 0; i < ours.size(); ++i)
    st.partitions[ours[i]].end_at_assignment = i < ends.size() ? ends[i] : 0;
  for (auto it = st.jobs.begin(); it != st.jobs.end();) {
    auto& lj = it->second;
    lj.tracked = false;
    if (!mine.count(lj.partition) && lj.value.status == job_status::queued && !lj.publishing) {
      if (st.stats.queued > 0) --st.stats.queued;
      self->send(st.config.dispatcher, cancel_atom::value, lj.value.caller_id, lj.value.request_id);
      it = st.jobs.erase(it);
    } else {
      ++it;
    }
  }
}

void purge(self_ptr self) {
  auto& st = self->state;
  auto cutoff = unix_millis_now() - st.config.settings.retention.count();
  for (auto it = st.results.begin(); it != st.results.end();)
    it = it->second.seen_at < cutoff ? st.results.erase(it) : std::next(it);
  self->delayed_send(self, std::chrono::minutes(1), purge_atom::value);
}

caf::behavior worker_bridge(self_ptr self, worker_bridge_config config) {
  self->state.config = std::move(config);
  self->set_default_handler(caf::print_and_drop);
  self->delayed_send(self, std::chrono::milliseconds(50), tick_atom::value);
  self->delayed_send(self, std::chrono::minutes(1), purge_atom::value);
  return {
    [=](attach_atom, caf::actor& group_consumer) { self->state.group_consumer = std::move(group_consumer); },
    [=](records_atom, std::vector<kafka_record>& batch) {
      probe_scope scope(self->state.counters, "records");
      const auto& topics = self->state.config.topics;
      for (const auto& r : batch) {
        if (r.topic == topics.jobs) on_job_record(self, r);
        else if (r.topic == topics.results) on_result_record(self, r);
      }
    },
    [=](assigned_atom, const std::vector<std::int32_t>& ours, const std::vector<std::int64_t>& ends,
        std::uint64_t generation) {
      self->state.generation = generation;
      reassign(self, ours, ends);
    },
    [=](revoked_atom, std::uint64_t generation) {
      commit(self); // lands with the old generation: dropped if too late, harmless
      self->state.generation = generation;
      reassign(self, {}, {});
    },
    [=](health_atom, bool up, const std::string& detail) {
      self->state.kafka_up = up;
      self->state.kafka_detail = detail;
    },
    [=](synced_atom, std::uint64_t, bool) {},
    [=](tick_atom) {
      auto& st = self->state;
      auto now = unix_millis_now();
      for (const auto& [worker, id] : st.running_on)
        if (auto it = st.jobs.find(id); it != st.jobs.end() && !it->second.marked &&
                                         now - it->second.value.started_at >= 50)
          mark_running(self, it->second);
      if (++st.ticks % 4 == 0) commit(self);
      self->delayed_send(self, std::chrono::milliseconds(50), tick_atom::value);
    },
    [=](publish_atom, const std::string& id) { publish_final(self, id); },
    [=](marker_atom, const std::string& id) { count_attempt_then_enqueue(self, id); },
    [=](started_atom, const std::string& id, cancel_handle& handle, const caf::actor& worker) {
      auto& st = self->state;
      auto it = st.jobs.find(id);
      if (it == st.jobs.end() || it->second.value.status != job_status::queued || it->second.publishing) {
        handle.flag->store(cancel_handle::cancel);
        return;
      }
      auto& lj = it->second;
      if (st.draining) handle.flag->store(cancel_handle::shutdown);
      if (lj.cancel_requested) handle.flag->store(cancel_handle::cancel);
      if (st.stats.queued > 0) --st.stats.queued;
      ++st.stats.running;
      lj.value.status = job_status::running;
      lj.value.started_at = unix_millis_now();
      ++lj.value.attempts;
      lj.cancel = std::move(handle);
      lj.worker = worker.id();
      st.running_on[lj.worker] = id;
      auto& seen = st.results[id];
      seen.attempts = std::max(seen.attempts, lj.value.attempts);
      seen.seen_at = unix_millis_now();
      // A fresh job gets its running record only if it runs for more than a tick: most
      // small jobs never need one. (Suspects were counted before they were queued.)
      if (lj.value.attempts > 1 && !lj.suspect) mark_running(self, lj);
    },
    [=](finished_atom, job_outcome& outcome) {
      auto& st = self->state;
      probe_scope scope(st.counters, "finished");
      st.stats.worker_busy_seconds += outcome.compute_seconds;
      auto it = st.jobs.find(outcome.request_id);
      if (it == st.jobs.end() || it->second.value.status != job_status::running) return;
      auto& lj = it->second;
      st.running_on.erase(lj.worker);
      if (st.stats.running > 0) --st.stats.running;
      auto& record = st.service[lj.value.caller_id];
      record.compute_seconds += outcome.compute_seconds;
      record.jobs_done += outcome.ok ? 1 : 0;
      record.last_active = unix_millis_now();
      lj.value.method = std::move(outcome.method);
      if (outcome.ok) {
        lj.value.factors = std::move(outcome.factors);
        finish(self, lj, job_status::done, {}, {});
      } else if (lj.cancel_requested) {
        finish(self, lj, job_status::cancelled, "cancelled", "the job was cancelled by a DELETE request");
      } else {
        finish(self, lj, job_status::failed, std::move(outcome.error_code), std::move(outcome.error_message));
      }
    },
    [=](lost_atom, const caf::actor_addr& worker) {
      auto& st = self->state;
      ++st.stats.workers_lost;
      auto running = st.running_on.find(worker.id());
      if (running == st.running_on.end()) return;
      auto it = st.jobs.find(running->second);
      st.running_on.erase(running);
      if (st.stats.running > 0) --st.stats.running;
      if (it == st.jobs.end()) return;
      auto& lj = it->second;
      if (lj.value.attempts >= st.config.settings.max_attempts) {
        dead_letter(self, lj, "worker_crashed",
                    "the job crashed a factor worker " + std::to_string(lj.value.attempts) +
                      " times (option --max-attempts); it will not be retried");
        return;
      }
      ++st.stats.requeued;
      lj.value.status = job_status::queued;
      lj.value.started_at = 0;
      enqueue(self, lj.value);
    },
    [=](drain_atom) {
      auto& st = self->state;
      st.draining = true;
      for (auto& [worker, id] : st.running_on)
        if (auto it = st.jobs.find(id); it != st.jobs.end()) it->second.cancel.flag->store(cancel_handle::shutdown);
      commit(self);
      return true;
    },
    [=](ready_atom) {
      auto& st = self->state;
      if (st.draining) return std::string("the worker is shutting down");
      if (!st.kafka_up) return "Kafka is unreachable (" + st.kafka_detail + ")";
      return std::string();
    },
    [=](stats_atom) {
      auto s = self->state.stats;
      s.known = self->state.jobs.size();
      return s;
    },
    [=](workers_atom) {
      auto& st = self->state;
      registry_view view;
      for (const auto& [worker, id] : st.running_on) {
        auto it = st.jobs.find(id);
        if (it == st.jobs.end()) continue;
        const job& j = it->second.value;
        view.running.push_back({worker, j.request_id, j.caller_id, j.number.size(), j.started_at});
      }
      for (const auto& [caller, record] : st.service) {
        if (view.callers.size() >= 200) break;
        view.callers.push_back({caller, record.jobs_done, record.compute_seconds});
      }
      return view;
    },
    [=](probe_atom) {
      auto& st = self->state;
      std::uint64_t unfinished = 0, paused = 0;
      for (const auto& [p, ps] : st.partitions) {
        unfinished += ps.unfinished.size();
        paused += ps.paused ? 1 : 0;
      }
      auto sample = make_sample(st.counters, self->mailbox().size());
      sample.text("role", "worker")
        .text("node", st.config.node_id)
        .number("partitions", static_cast<std::uint64_t>(st.partitions.size()))
        .number("paused_partitions", paused)
        .number("unfinished_offsets", unfinished)
        .number("local_jobs", static_cast<std::uint64_t>(st.jobs.size()))
        .number("results_known", static_cast<std::uint64_t>(st.results.size()))
        .number("done", st.stats.done)
        .number("dead_lettered", st.dead_lettered)
        .number("duplicates_skipped", st.duplicates_skipped);
      sample.fields.emplace_back("kafka_up", st.kafka_up ? "true" : "false");
      return sample;
    },
    [=](purge_atom) { purge(self); },
  };
}

} // namespace

caf::actor spawn_worker_bridge(caf::actor_system& sys, worker_bridge_config config) {
  return sys.spawn(worker_bridge, std::move(config));
}

} // namespace factord::actors
