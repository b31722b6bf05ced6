#include "actors/registry/job_registry.hpp"

#include "actors/protocol/atoms.hpp"
#include "actors/protocol/replies.hpp"
#include "actors/registry/job_registry_ops.hpp"
#include "actors/scheduling/factor_worker.hpp" // job_outcome
#include "config/limits.hpp"
#include "config/log.hpp"

#include <caf/timespan.hpp>

#include <variant>

namespace factord::actors {

using namespace registry_ops;

job_book::limits book_limits(const config::settings& s, job_book::open_means bound) {
  job_book::limits l;
  l.max_open = s.max_queued;
  l.max_open_per_caller = s.max_queued_per_caller;
  l.retention = s.retention;
  l.retention_max_jobs = s.retention_max_jobs;
  l.retention_max_bytes = s.retention_max_bytes;
  l.bound = bound;
  return l;
}

job_registry_actor::behavior_type job_registry(job_registry_actor::stateful_pointer<registry_state> self,
                                               caf::actor dispatcher, std::shared_ptr<journal> store,
                                               config::settings settings, std::vector<job> recovered,
                                               std::vector<job> finished_jobs) {
  auto& st0 = self->state;
  st0.dispatcher = std::move(dispatcher);
  st0.store = std::move(store);
  st0.book = job_book{book_limits(settings, job_book::open_means::queued)};
  st0.settings = std::move(settings);
  restore(self, std::move(recovered), std::move(finished_jobs));
  self->delayed_send(self, config::limits::purge_interval, purge_atom::value);

  return {
      [=](submit_atom, submission& s) {
        probe_scope scope(self->state.counters, "submit");
        auto rp = self->make_response_promise<job_reply>();
        auto& st = self->state;
        if (!s.idempotency_key.empty()) {
          if (auto* known = st.book.find_by_key(s.caller_id, s.idempotency_key)) {
            // The first submission may still be waiting for its commit: so does this answer.
            if (s.watcher && !known->value.finished()) st.book.watch(*known, tell(self, s.watcher));
            reply_when_durable(self, rp, known->value.request_id);
            return rp;
          }
        }
        std::string number;
        rate_state rate;
        if (auto err = st.book.admit_submission(admit(st, s.caller_id, s.number, 1, s.limits, number),
                                                s.limits, rate_limiter::clock::now(), rate)) {
          rp.deliver(failed_reply(std::move(*err), rate));
          return rp;
        }
        job& j =
            create_job(self, s.caller_id, std::move(number), std::move(s.idempotency_key), s.limits.weight);
        if (s.watcher) st.book.watch(*st.book.find(j.request_id), tell(self, s.watcher));
        st.unacked.push_back({registry_state::pending_ack::kind::submit, rp, {}, {j.request_id}, rate});
        return rp;
      },
      [=](batch_atom, batch_submission& b) {
        auto rp = self->make_response_promise<batch_reply>();
        auto& st = self->state;
        auto check = [&](const std::string& text, std::string& number) {
          return admit(st, b.caller_id, text, b.numbers.size(), b.limits, number);
        };
        auto batch = admit_batch_or_refuse(st.book, b, check, rp);
        if (!batch) return rp;
        auto& numbers = batch->numbers;
        const rate_state rate = batch->rate;
        registry_state::pending_ack ack{registry_state::pending_ack::kind::batch, rp, {}, {}, rate};
        for (auto& n : numbers)
          ack.request_ids.push_back(
              create_job(self, b.caller_id, std::move(n), {}, b.limits.weight).request_id);
        st.unacked.push_back(std::move(ack));
        schedule_flush(self);
        return rp;
      },
      [=](fetch_atom, const std::string& id, caf::timespan wait, const requester& who) {
        probe_scope scope(self->state.counters, "fetch");
        auto rp = self->make_response_promise<job_reply>();
        auto& book = self->state.book;
        auto* e = book.find_for(id, who);
        if (!e) {
          rp.deliver(unknown_id_reply(id));
        } else if (e->value.finished() || wait.count() <= 0) {
          reply_when_durable(self, rp, id);
        } else {
          auto waiter = book.wait(*e, answer(self, rp));
          if (const auto* refused = std::get_if<api_error>(&waiter))
            rp.deliver(failed_reply(*refused));
          else
            self->delayed_send(self, wait, waitover_atom::value, id, std::get<std::uint64_t>(waiter));
        }
        return rp;
      },
      [=](waitover_atom, const std::string& id, std::uint64_t waiter) {
        self->state.book.expire(id, waiter);
      },
      [=](cancel_atom, const std::string& id, const requester& who) {
        auto rp = self->make_response_promise<job_reply>();
        auto& st = self->state;
        auto* e = st.book.find_for(id, who);
        if (!e) {
          rp.deliver(unknown_id_reply(id));
          return rp;
        }
        if (e->value.finished()) {
          reply_when_durable(self, rp, id);
          return rp;
        }
        if (e->value.status == job_status::queued)
          self->anon_send(st.dispatcher, cancel_atom::value, e->value.caller_id, id);
        else
          e->cancel.stop(cancel_handle::cancel);
        finish_job(self, id,
                   final_state(e->value, job_status::cancelled, "cancelled",
                               "the job was cancelled by a DELETE request"));
        reply_when_durable(self, rp, id);
        return rp;
      },
      [=](started_atom, const std::string& id, cancel_handle& handle, const caf::actor& worker) {
        auto& st = self->state;
        if (st.draining) handle.stop(cancel_handle::shutdown);
        if (!st.book.start(id, worker.id(), handle)) {
          // Cancelled (or unknown) before it reached the worker: stop it at once.
          handle.stop(cancel_handle::cancel);
          return;
        }
        persist(self, id);
      },
      [=](finished_atom, job_outcome& outcome) {
        auto& st = self->state;
        probe_scope scope(st.counters, "finished");
        st.book.counters().worker_busy_seconds += outcome.compute_seconds;
        auto* e = st.book.find(outcome.request_id);
        if (!e) return;
        st.book.charge(e->value.caller_id, outcome.compute_seconds, outcome.ok);
        if (e->value.status != job_status::running) return;
        job final = e->value;
        final.method = std::move(outcome.method);
        if (outcome.ok) {
          final.status = job_status::done;
          final.factors = std::move(outcome.factors);
        } else {
          final = final_state(std::move(final), job_status::failed, std::move(outcome.error_code),
                              std::move(outcome.error_message));
        }
        finish_job(self, outcome.request_id, std::move(final));
      },
      [=](lost_atom, const caf::actor_addr& worker) {
        auto& st = self->state;
        auto* e = st.book.worker_lost(worker.id());
        if (!e) return;
        std::string id = e->value.request_id;
        if (e->value.attempts >= st.settings.max_attempts) {
          finish_job(self, id,
                     final_state(e->value, job_status::failed, "worker_crashed",
                                 "the job crashed a factor worker " + std::to_string(e->value.attempts) +
                                     " times (option --max-attempts); it will not be retried"));
          return;
        }
        st.book.requeue(id);
        persist(self, id);
        enqueue(self, e->value, true);
      },
      [=](flush_atom) {
        probe_scope scope(self->state.counters, "flush");
        flush(self);
      },
      [=](workers_atom) { return self->state.book.view(); },
      [=](probe_atom) {
        const auto& st = self->state;
        auto stats = st.book.stats();
        return make_sample(st.counters, self->mailbox().size())
            .number("known_jobs", stats.known)
            .number("queued", stats.queued)
            .number("running", stats.running)
            .number("journal_commits", stats.journal_commits)
            .number("journal_errors", stats.journal_errors);
      },
      [=](purge_atom) {
        auto& st = self->state;
        if (auto purged = st.store->purge_finished_before(st.book.purge(unix_millis_now())); !purged)
          logging::error("journal_purge_failed", {{"error", purged.message()}});
        self->delayed_send(self, config::limits::purge_interval, purge_atom::value);
      },
      [=](drain_atom) {
        auto& st = self->state;
        st.draining = true;
        st.book.signal_running(cancel_handle::shutdown);
        for (const auto& id : st.book.requeue_for_shutdown()) persist(self, id);
        flush(self);
        return true;
      },
      [=](stats_atom) { return self->state.book.stats(); },
      // net/ asks only the cluster roles; answered here because every registry_api speaks it.
      [=](ready_atom) {
        return self->state.draining ? std::string("the server is shutting down") : std::string();
      },
  };
}

} // namespace factord::actors
