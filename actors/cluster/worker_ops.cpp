#include "actors/cluster/worker_state.hpp"

#include "actors/protocol/atoms.hpp"
#include "actors/scheduling/factor_worker.hpp"
#include "actors/kafka/kafka_producer.hpp"
#include "config/limits.hpp"
#include "config/log.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

#include <charconv>

namespace factord::actors::worker_ops {

void pause_or_resume(self_ptr self, std::int32_t partition, partition_offsets::read_ahead change) {
  auto& st = self->state;
  if (change == partition_offsets::read_ahead::pause)
    self->anon_send(st.group_consumer, pause_atom::value, partition, st.generation);
  else if (change == partition_offsets::read_ahead::resume)
    self->anon_send(st.group_consumer, resume_atom::value, partition, st.generation);
}

void offset_done(self_ptr self, std::int32_t partition, std::int64_t offset) {
  pause_or_resume(self, partition, self->state.offsets.done(partition, offset));
}

void track(self_ptr self, local_job& lj, std::int32_t partition, std::int64_t offset) {
  lj.partition = partition;
  lj.offset = offset;
  lj.tracked = true;
  pause_or_resume(self, partition, self->state.offsets.track(partition, offset));
}

// Publishes the job's final state; once the broker has it, the job is forgotten and its
// offset may be committed. Retried until it succeeds (the producer itself never gives
// up on a result; this covers a producer that refused at once, e.g. a full queue).
void publish_final(self_ptr self, const std::string& id) {
  auto& st = self->state;
  auto it = st.jobs.find(id);
  auto* e = st.book.find(id);
  if (it == st.jobs.end() || !e) return;
  it->second.publishing = true;
  kafka_message m{st.config.topics.results, id, encode_result(e->value, st.config.node_id),
                  result_headers(e->value)};
  self->request(st.config.producer, caf::infinite, produce_atom::value, std::move(m))
      .then(
          [self, id](std::string& err) {
            auto& s = self->state;
            auto job_it = s.jobs.find(id);
            if (job_it == s.jobs.end()) return;
            if (!err.empty()) {
              logging::warn("result_publish_retry", {{"request_id", id}, {"error", err}});
              self->delayed_send(self, config::limits::republish_delay, publish_atom::value, id);
              return;
            }
            auto& lj = job_it->second;
            if (const auto* published = s.book.find(id))
              s.results[id] = {true, published->value.attempts, unix_millis_now()};
            if (lj.tracked) offset_done(self, lj.partition, lj.offset);
            s.jobs.erase(job_it);
            s.book.erase(id);
          },
          [self, id](caf::error&) {
            self->delayed_send(self, config::limits::republish_delay, publish_atom::value, id);
          });
}

void finish_and_publish(self_ptr self, const std::string& id, job_status status, std::string code,
                        std::string message) {
  auto& st = self->state;
  auto* e = st.book.find(id);
  if (!e) return;
  job final = e->value;
  final.status = status;
  final.error_code = std::move(code);
  final.error_message = std::move(message);
  final.finished_at = 0; // the book stamps it
  st.book.finish(id, std::move(final));
  publish_final(self, id);
}

void dead_letter(self_ptr self, const std::string& id, const std::string& reason,
                 const std::string& message) {
  auto& st = self->state;
  auto* e = st.book.find(id);
  if (!e) return;
  ++st.dead_lettered;
  self->anon_send(
      st.config.producer, publish_atom::value,
      kafka_message{st.config.topics.dlq, id, encode_dlq(e->value, reason, message, st.config.node_id), {}});
  logging::warn("job_dead_lettered", {{"request_id", id}, {"reason", reason}});
  finish_and_publish(self, id, job_status::failed, reason, message);
}

// Publishes the job's running record: its attempt count then survives this process.
void mark_running(self_ptr self, const std::string& id) {
  auto& st = self->state;
  auto it = st.jobs.find(id);
  auto* e = st.book.find(id);
  if (it == st.jobs.end() || !e) return;
  it->second.marked = true;
  self->anon_send(st.config.producer, publish_atom::value,
                  kafka_message{st.config.topics.results, id, encode_result(e->value, st.config.node_id),
                                result_headers(e->value)});
}

void enqueue(self_ptr self, const job& j) {
  self->anon_send(self->state.config.dispatcher, enqueue_atom::value,
                  job_ticket{j.request_id, j.caller_id, j.number, j.weight});
}

void count_attempt_then_enqueue(self_ptr self, const std::string& id) {
  auto& st = self->state;
  auto* e = st.book.find(id);
  if (!e) return;
  job marker = e->value;
  marker.attempts += 1; // the attempt about to start; "queued" so gateways show no change
  kafka_message m{st.config.topics.results, id, encode_result(marker, st.config.node_id),
                  result_headers(marker)};
  self->request(st.config.producer, caf::infinite, produce_atom::value, std::move(m))
      .then(
          [self, id](std::string& err) {
            auto& s = self->state;
            auto job_it = s.jobs.find(id);
            auto* queued = s.book.find(id);
            if (job_it == s.jobs.end() || !queued || queued->value.status != job_status::queued ||
                job_it->second.publishing)
              return;
            if (!err.empty()) {
              self->delayed_send(self, config::limits::republish_delay, attempt_atom::value, id);
              return;
            }
            job_it->second.marked = true;
            enqueue(self, queued->value);
          },
          [self, id](caf::error&) {
            self->delayed_send(self, config::limits::republish_delay, attempt_atom::value, id);
          });
}

void on_job_record(self_ptr self, const kafka_record& r) {
  auto& st = self->state;
  if (!st.offsets.owns(r.partition)) return; // from before a revoke
  st.offsets.consumed(r.partition, r.offset);
  auto decoded = decode_job_record(r.value);
  if (!decoded) {
    const std::string& why = decoded.message();
    ++st.dead_lettered;
    job bad;
    bad.request_id = "(unreadable)";
    bad.number = r.value.substr(0, 256);
    bad.status = job_status::failed;
    // Into the dead-letter topic with the raw record, then past it: one bad record must
    // not stop the partition.
    self->anon_send(st.config.producer, publish_atom::value,
                    kafka_message{st.config.topics.dlq,
                                  r.key,
                                  encode_dlq(bad, "malformed_record",
                                             why + " (partition " + std::to_string(r.partition) +
                                                 ", offset " + std::to_string(r.offset) + ")",
                                             st.config.node_id),
                                  {}});
    logging::warn(
        "malformed_job_record",
        {{"partition", std::to_string(r.partition)}, {"offset", std::to_string(r.offset)}, {"error", why}});
    return;
  }
  job_record& rec = *decoded;
  const std::string id = rec.value.request_id; // a copy: rec.value is moved below
  auto seen = st.results.find(id);
  bool finished_elsewhere = seen != st.results.end() && seen->second.finished;
  if (rec.type == job_record::kind::cancel) {
    auto it = st.jobs.find(id);
    auto* e = st.book.find(id);
    if (it == st.jobs.end() || !e || it->second.publishing) return;
    it->second.cancel_requested = true;
    if (e->value.status == job_status::running) {
      e->cancel.stop(cancel_handle::cancel); // the worker reports back, then we publish
    } else {
      self->anon_send(st.config.dispatcher, cancel_atom::value, e->value.caller_id, id);
      finish_and_publish(self, id, job_status::cancelled, "cancelled",
                         "the job was cancelled by a DELETE request");
    }
    return;
  }
  if (auto it = st.jobs.find(id); it != st.jobs.end()) {
    // Known here: re-read after a rebalance (adopt the offset again), or a duplicate.
    if (!it->second.tracked)
      track(self, it->second, r.partition, r.offset);
    else
      ++st.duplicates_skipped;
    return;
  }
  if (finished_elsewhere) {
    ++st.duplicates_skipped;
    return;
  }
  ++st.book.counters().accepted;
  auto& lj = st.jobs[id];
  lj.suspect = st.offsets.suspect(r.partition, r.offset);
  rec.value.status = job_status::queued;
  rec.value.attempts = seen != st.results.end() ? seen->second.attempts : 0;
  const job& j = st.book.add(std::move(rec.value)).value;
  track(self, lj, r.partition, r.offset);
  if (j.attempts >= st.config.settings.max_attempts) {
    dead_letter(self, id, "worker_crashed",
                "the job was started " + std::to_string(j.attempts) +
                    " times and its worker died each time (option --max-attempts); it will not be retried");
    return;
  }
  if (!lj.suspect) {
    enqueue(self, j);
    return;
  }
  // The job may have killed the worker that had this partition: its attempt is in Kafka
  // before it starts here, so a job that keeps killing workers ends in the dead-letter
  // topic instead of going round for ever.
  count_attempt_then_enqueue(self, id);
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
  } else if (auto decoded = decode_result(r.value); decoded) {
    j = std::move(decoded).value();
  } else {
    return;
  }
  auto& seen = st.results[j.request_id];
  seen.seen_at = unix_millis_now();
  seen.attempts = std::max(seen.attempts, j.attempts);
  if (!j.finished()) return;
  seen.finished = true;
  // Finished by another worker (after a rebalance): drop our queued copy.
  auto it = st.jobs.find(j.request_id);
  auto* ours = st.book.find(j.request_id);
  if (it == st.jobs.end() || !ours || ours->value.status != job_status::queued || it->second.publishing)
    return;
  ++st.duplicates_skipped;
  self->anon_send(st.config.dispatcher, cancel_atom::value, ours->value.caller_id, j.request_id);
  if (it->second.tracked) offset_done(self, it->second.partition, it->second.offset);
  st.jobs.erase(it);
  st.book.erase(j.request_id);
}

void commit(self_ptr self) {
  auto& st = self->state;
  auto offsets = st.offsets.advance_commits();
  if (!offsets.empty() && st.group_consumer)
    self->anon_send(st.group_consumer, commit_atom::value, std::move(offsets), st.generation);
}

// After a rebalance: jobs of partitions that are no longer ours stop counting; queued ones
// leave (their new owner runs them), running ones finish and publish (harmless twice).
void reassign(self_ptr self, const std::vector<std::int32_t>& ours, const std::vector<std::int64_t>& ends) {
  auto& st = self->state;
  std::set<std::int32_t> mine(ours.begin(), ours.end());
  st.offsets.assign(ours, ends);
  for (auto it = st.jobs.begin(); it != st.jobs.end();) {
    auto& lj = it->second;
    lj.tracked = false;
    const auto* e = st.book.find(it->first);
    if (e && !mine.count(lj.partition) && e->value.status == job_status::queued && !lj.publishing) {
      self->anon_send(st.config.dispatcher, cancel_atom::value, e->value.caller_id, it->first);
      st.book.erase(it->first);
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
  self->delayed_send(self, config::limits::purge_interval, purge_atom::value);
}

} // namespace factord::actors::worker_ops
