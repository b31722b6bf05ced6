#include "actors/registry/job_registry.hpp"

#include "actors/protocol/atoms.hpp"
#include "actors/registry/job_registry_ops.hpp"

#include <caf/timespan.hpp>

namespace factord::actors {

using namespace registry_ops;

caf::behavior job_registry(caf::stateful_actor<registry_state>* self, caf::actor dispatcher,
                           std::shared_ptr<journal> store, config::settings settings,
                           std::vector<job> recovered, std::vector<job> finished) {
  self->state.dispatcher = std::move(dispatcher);
  self->state.store = std::move(store);
  self->state.settings = std::move(settings);
  restore(self, std::move(recovered), std::move(finished));
  self->delayed_send(self, std::chrono::minutes{1}, purge_atom::value);

  return {
    [=](submit_atom, submission& s) {
      probe_scope scope(self->state.counters, "submit");
      auto rp = self->make_response_promise();
      auto& st = self->state;
      if (!s.idempotency_key.empty()) {
        auto known = st.idempotency.find(s.caller_id + '\n' + s.idempotency_key);
        if (known != st.idempotency.end() && st.jobs.count(known->second)) {
          auto& e = st.jobs[known->second];
          if (s.watcher && !e.value.finished()) e.watchers.push_back(s.watcher);
          rp.deliver(ok_reply(e.value, false));
          return rp;
        }
      }
      std::string number;
      api_error err;
      if (!admit(self, s.caller_id, s.number, 1, number, err)) {
        ++st.stats.rejected;
        rp.deliver(failed_reply(std::move(err)));
        return rp;
      }
      job& j = create_job(self, s.caller_id, std::move(number), std::move(s.idempotency_key));
      if (s.watcher) st.jobs[j.request_id].watchers.push_back(std::move(s.watcher));
      st.unacked.push_back({rp, {j.request_id}, false, true});
      return rp;
    },
    [=](batch_atom, batch_submission& b) {
      auto rp = self->make_response_promise();
      auto& st = self->state;
      std::vector<std::string> numbers(b.numbers.size());
      for (std::size_t i = 0; i < b.numbers.size(); ++i) {
        api_error err;
        if (!admit(self, b.caller_id, b.numbers[i], b.numbers.size(), numbers[i], err)) {
          ++st.stats.rejected;
          rp.deliver(batch_reply{false, {}, std::move(err), i});
          return rp;
        }
      }
      registry_state::pending_ack ack{rp, {}, true, true};
      for (auto& n : numbers) ack.request_ids.push_back(create_job(self, b.caller_id, std::move(n), {}).request_id);
      st.unacked.push_back(std::move(ack));
      schedule_flush(self);
      return rp;
    },
    [=](fetch_atom, const std::string& id, caf::timespan wait) {
      probe_scope scope(self->state.counters, "fetch");
      auto rp = self->make_response_promise();
      auto it = self->state.jobs.find(id);
      if (it == self->state.jobs.end()) {
        rp.deliver(failed_reply(error(api_errc::not_found, "unknown_request_id",
                                      "no job has request id '" + id.substr(0, 64) +
                                        "'; it may have expired after the retention period")));
      } else if (it->second.value.finished() || wait.count() <= 0) {
        rp.deliver(ok_reply(it->second.value));
      } else {
        auto waiter_id = self->state.next_waiter++;
        it->second.waiters.push_back({waiter_id, rp});
        self->delayed_send(self, wait, waitover_atom::value, id, waiter_id);
      }
      return rp;
    },
    [=](waitover_atom, const std::string& id, std::uint64_t waiter_id) {
      if (auto it = self->state.jobs.find(id); it != self->state.jobs.end())
        answer_waiter(it->second.waiters, waiter_id, it->second.value);
    },
    [=](cancel_atom, const std::string& id) {
      auto rp = self->make_response_promise();
      auto& st = self->state;
      auto it = st.jobs.find(id);
      if (it == st.jobs.end()) {
        rp.deliver(failed_reply(error(api_errc::not_found, "unknown_request_id",
                                      "no job has request id '" + id.substr(0, 64) + "'")));
        return rp;
      }
      auto& e = it->second;
      if (e.value.finished()) {
        rp.deliver(ok_reply(e.value));
        return rp;
      }
      if (e.value.status == job_status::queued) {
        leave_queue(st, e.value);
        self->send(st.dispatcher, cancel_atom::value, e.value.caller_id, id);
      } else {
        e.cancel.flag->store(cancel_handle::cancel);
        st.running_on.erase(e.worker);
        if (st.stats.running > 0) --st.stats.running;
      }
      e.value.status = job_status::cancelled;
      e.value.error_code = "cancelled";
      e.value.error_message = "the job was cancelled by a DELETE request";
      finish(self, e);
      st.unacked.push_back({rp, {id}, false, false});
      return rp;
    },
    [=](started_atom, const std::string& id, cancel_handle& handle, const caf::actor& worker) {
      auto& st = self->state;
      auto it = st.jobs.find(id);
      if (it == st.jobs.end() || it->second.value.status != job_status::queued) {
        // Cancelled (or unknown) before it reached the worker: stop it at once.
        handle.flag->store(cancel_handle::cancel);
        return;
      }
      auto& e = it->second;
      if (st.draining) handle.flag->store(cancel_handle::shutdown);
      leave_queue(st, e.value);
      ++st.stats.running;
      e.value.status = job_status::running;
      e.value.started_at = unix_millis_now();
      ++e.value.attempts;
      e.cancel = std::move(handle);
      e.worker = worker.id();
      st.running_on[e.worker] = id;
      persist(self, e);
    },
    [=](finished_atom, job_outcome& outcome) {
      auto& st = self->state;
      probe_scope scope(st.counters, "finished");
      st.stats.worker_busy_seconds += outcome.compute_seconds;
      auto it = st.jobs.find(outcome.request_id);
      if (it == st.jobs.end()) return;
      note_service(st, it->second.value.caller_id, outcome.compute_seconds, outcome.ok);
      if (it->second.value.status != job_status::running) return;
      auto& e = it->second;
      st.running_on.erase(e.worker);
      if (st.stats.running > 0) --st.stats.running;
      e.value.method = std::move(outcome.method);
      if (outcome.ok) {
        e.value.status = job_status::done;
        e.value.factors = std::move(outcome.factors);
      } else {
        e.value.status = job_status::failed;
        e.value.error_code = std::move(outcome.error_code);
        e.value.error_message = std::move(outcome.error_message);
      }
      finish(self, e);
    },
    [=](lost_atom, const caf::actor_addr& worker) {
      auto& st = self->state;
      ++st.stats.workers_lost;
      auto running = st.running_on.find(worker.id());
      if (running == st.running_on.end()) return;
      auto& e = st.jobs[running->second];
      st.running_on.erase(running);
      if (st.stats.running > 0) --st.stats.running;
      if (e.value.attempts >= st.settings.max_attempts) {
        e.value.status = job_status::failed;
        e.value.error_code = "worker_crashed";
        e.value.error_message = "the job crashed a factor worker " + std::to_string(e.value.attempts) +
                                " times (option --max-attempts); it will not be retried";
        finish(self, e);
        return;
      }
      ++st.stats.requeued;
      e.value.status = job_status::queued;
      e.value.started_at = 0;
      ++st.queued_by_caller[e.value.caller_id];
      ++st.stats.queued;
      persist(self, e);
      enqueue(self, e.value);
    },
    [=](flush_atom) {
      probe_scope scope(self->state.counters, "flush");
      flush(self);
    },
    [=](workers_atom) { return make_view(self->state); },
    [=](probe_atom) {
      const auto& st = self->state;
      return make_sample(st.counters, self->mailbox().size())
        .number("known_jobs", static_cast<std::uint64_t>(st.jobs.size()))
        .number("queued", st.stats.queued)
        .number("running", st.stats.running)
        .number("journal_commits", st.stats.journal_commits)
        .number("journal_errors", st.stats.journal_errors);
    },
    [=](purge_atom) { purge(self); },
    [=](drain_atom) {
      auto& st = self->state;
      st.draining = true;
      for (auto& [worker, id] : st.running_on) st.jobs[id].cancel.flag->store(cancel_handle::shutdown);
      flush(self);
      return true;
    },
    [=](stats_atom) {
      auto s = self->state.stats;
      s.known = self->state.jobs.size();
      return s;
    },
  };
}

} // namespace factord::actors
