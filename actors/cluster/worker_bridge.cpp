#include "actors/cluster/worker_bridge.hpp"

#include "actors/protocol/atoms.hpp"
#include "actors/scheduling/factor_worker.hpp"
#include "actors/registry/job_registry.hpp" // book_limits
#include "config/limits.hpp"
#include "actors/kafka/kafka_producer.hpp"
#include "actors/protocol/probe.hpp"
#include "actors/protocol/replies.hpp"
#include "actors/cluster/worker_state.hpp"
#include "config/log.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

namespace factord::actors {

namespace {

using namespace worker_ops;

// Jobs reach a worker through Kafka only; net/ answers the same for a worker's job routes.
api_error not_a_gateway() {
  return make_error(api_errc::not_found, "not_a_gateway",
                    "this is a factord worker: it takes jobs from Kafka only; send them to a gateway");
}

worker_bridge_actor::behavior_type worker_bridge(self_ptr self, worker_bridge_config config) {
  // No admission here (jobs come from the topic), so the bounds are unused.
  self->state.book = job_book{book_limits(config.settings, job_book::open_means::unfinished)};
  self->state.config = std::move(config);
  self->state.offsets = partition_offsets{self->state.config.settings.kafka_read_ahead};
  self->set_default_handler(caf::print_and_drop);
  self->delayed_send(self, config::limits::worker_tick, tick_atom::value);
  self->delayed_send(self, config::limits::purge_interval, purge_atom::value);
  return {
      [=](attach_atom, caf::actor& group_consumer) {
        self->state.group_consumer = std::move(group_consumer);
      },
      [=](records_atom, std::vector<kafka_record>& batch) {
        probe_scope scope(self->state.counters, "records");
        const auto& topics = self->state.config.topics;
        for (const auto& r : batch) {
          if (r.topic == topics.jobs)
            on_job_record(self, r);
          else if (r.topic == topics.results)
            on_result_record(self, r);
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
        std::vector<std::string> long_running;
        for (const auto& [worker, id] : st.book.running())
          if (auto it = st.jobs.find(id); it != st.jobs.end() && !it->second.marked)
            if (const auto* e = st.book.find(id);
                e && now - e->value.started_at >= config::limits::worker_tick.count())
              long_running.push_back(id);
        for (const auto& id : long_running) mark_running(self, id);
        if (++st.ticks % config::limits::commit_ticks == 0) commit(self);
        self->delayed_send(self, config::limits::worker_tick, tick_atom::value);
      },
      [=](publish_atom, const std::string& id) { publish_final(self, id); },
      [=](attempt_atom, const std::string& id) { count_attempt_then_enqueue(self, id); },
      [=](started_atom, const std::string& id, cancel_handle& handle, const caf::actor& worker) {
        auto& st = self->state;
        auto it = st.jobs.find(id);
        if (it == st.jobs.end() || it->second.publishing || !st.book.start(id, worker.id(), handle)) {
          handle.stop(cancel_handle::cancel);
          return;
        }
        auto& lj = it->second;
        if (st.draining) handle.stop(cancel_handle::shutdown);
        if (lj.cancel_requested) handle.stop(cancel_handle::cancel);
        auto attempts = st.book.find(id)->value.attempts;
        auto& seen = st.results[id];
        seen.attempts = std::max(seen.attempts, attempts);
        seen.seen_at = unix_millis_now();
        // A fresh job gets its running record only if it runs for more than a tick: most
        // small jobs never need one. (Suspects were counted before they were queued.)
        if (attempts > 1 && !lj.suspect) mark_running(self, id);
      },
      [=](finished_atom, job_outcome& outcome) {
        auto& st = self->state;
        probe_scope scope(st.counters, "finished");
        st.book.counters().worker_busy_seconds += outcome.compute_seconds;
        auto it = st.jobs.find(outcome.request_id);
        auto* e = st.book.find(outcome.request_id);
        if (it == st.jobs.end() || !e || e->value.status != job_status::running) return;
        st.book.charge(e->value.caller_id, outcome.compute_seconds, outcome.ok);
        e->value.method = std::move(outcome.method);
        const auto& id = outcome.request_id;
        if (outcome.ok) {
          e->value.factors = std::move(outcome.factors);
          finish_and_publish(self, id, job_status::done, {}, {});
        } else if (it->second.cancel_requested) {
          finish_and_publish(self, id, job_status::cancelled, "cancelled",
                             "the job was cancelled by a DELETE request");
        } else {
          finish_and_publish(self, id, job_status::failed, std::move(outcome.error_code),
                             std::move(outcome.error_message));
        }
      },
      [=](lost_atom, const caf::actor_addr& worker) {
        auto& st = self->state;
        auto* e = st.book.worker_lost(worker.id());
        if (!e) return;
        std::string id = e->value.request_id;
        if (e->value.attempts >= st.config.settings.max_attempts) {
          dead_letter(self, id, "worker_crashed",
                      "the job crashed a factor worker " + std::to_string(e->value.attempts) +
                          " times (option --max-attempts); it will not be retried");
          return;
        }
        st.book.requeue(id);
        enqueue(self, e->value);
      },
      [=](drain_atom) {
        auto& st = self->state;
        st.draining = true;
        st.book.signal_running(cancel_handle::shutdown);
        commit(self);
        return true;
      },
      [=](ready_atom) {
        auto& st = self->state;
        if (st.draining) return std::string("the worker is shutting down");
        if (!st.kafka_up) return "Kafka is unreachable (" + st.kafka_detail + ")";
        return std::string();
      },
      [](submit_atom, const submission&) { return failed_reply(not_a_gateway()); },
      [](batch_atom, const batch_submission&) {
        return batch_reply{false, {}, not_a_gateway(), 0, {}};
      },
      [](fetch_atom, const std::string&, caf::timespan, const requester&) {
        return failed_reply(not_a_gateway());
      },
      [](cancel_atom, const std::string&, const requester&) { return failed_reply(not_a_gateway()); },
      [=](stats_atom) { return self->state.book.stats(); },
      [=](workers_atom) { return self->state.book.view(); },
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
            .number("done", st.book.stats().done)
            .number("dead_lettered", st.dead_lettered)
            .number("duplicates_skipped", st.duplicates_skipped);
        sample.fields.emplace_back("kafka_up", st.kafka_up ? "true" : "false");
        return sample;
      },
      [=](purge_atom) { purge(self); },
  };
}

} // namespace

worker_bridge_actor spawn_worker_bridge(caf::actor_system& sys, worker_bridge_config config) {
  return sys.spawn(worker_bridge, std::move(config));
}

} // namespace factord::actors
