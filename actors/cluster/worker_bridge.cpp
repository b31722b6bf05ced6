#include "actors/cluster/worker_bridge.hpp"

#include "actors/protocol/atoms.hpp"
#include "actors/scheduling/factor_worker.hpp"
#include "actors/registry/job_registry.hpp" // registry_view
#include "actors/kafka/kafka_producer.hpp"
#include "actors/protocol/probe.hpp"
#include "actors/cluster/worker_state.hpp"
#include "config/log.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

namespace factord::actors {

namespace {

using namespace worker_ops;

caf::behavior worker_bridge(self_ptr self, worker_bridge_config config) {
  self->state.config = std::move(config);
  self->state.offsets = partition_offsets{self->state.config.settings.kafka_read_ahead};
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
      auto sample = make_sample(st.counters, self->mailbox().size());
      sample.text("role", "worker")
        .text("node", st.config.node_id)
        .number("partitions", static_cast<std::uint64_t>(st.offsets.partition_count()))
        .number("paused_partitions", static_cast<std::uint64_t>(st.offsets.paused_count()))
        .number("unfinished_offsets", static_cast<std::uint64_t>(st.offsets.unfinished_count()))
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
