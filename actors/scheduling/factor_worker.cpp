#include "actors/scheduling/factor_worker.hpp"

#include "actors/protocol/atoms.hpp"
#include "actors/protocol/probe.hpp"
#include "factor/engine.hpp"

#include <caf/event_based_actor.hpp>

namespace factord::actors {

job_outcome run_job(const job_ticket& ticket, const worker_limits& limits, const cancel_handle& handle,
                    const std::function<void()>& on_park) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  clock::duration parked{0};
  bool over_budget = false;
  factor::options opts;
  // The budget counts compute time, so a parked job's wait is taken off; the engine's own
  // deadline would count it.
  opts.stop_requested = [&] {
    if (on_park && handle.state() == cancel_handle::yield && handle.park()) {
      const auto parked_at = clock::now();
      on_park();
      handle.wait_while_parked();
      parked += clock::now() - parked_at;
    }
    const int state = handle.state();
    if (state == cancel_handle::cancel || state == cancel_handle::shutdown) return true;
    if (limits.job_budget.count() > 0 && clock::now() - start - parked > limits.job_budget)
      over_budget = true;
    return over_budget;
  };
  factor::factorization result = factor::factorize(ticket.number, limits.max_digits, opts);
  if (over_budget && !result.ok()) result.error = factor::errc::budget_exceeded;
  job_outcome out;
  out.compute_seconds = std::chrono::duration<double>(clock::now() - start - parked).count();
  out.request_id = ticket.request_id;
  out.method = std::string(factor::to_string(result.hardest));
  out.ok = result.ok();
  if (out.ok) {
    out.factors.reserve(result.factors.size());
    for (const auto& p : result.factors) out.factors.push_back(p.get_str());
  } else {
    out.error_code = std::string(factor::to_string(result.error));
    out.error_message = result.message;
    if (result.error == factor::errc::budget_exceeded)
      out.error_message = "the job exceeded its compute budget of " +
                          std::to_string(limits.job_budget.count()) +
                          " ms (option --job-budget) before it was fully factored";
  }
  return out;
}

caf::behavior factor_worker(caf::event_based_actor* self, const caf::actor& dispatcher,
                            const worker_report_api& registry, worker_limits limits) {
  self->send(dispatcher, demand_atom::value, caf::actor{self});
  return {
      [=](job_atom, const job_ticket& ticket, cancel_handle& handle) {
        self->send(registry, started_atom::value, ticket.request_id, handle, caf::actor{self});
        // A job that was around at a crash starts only once this attempt is journalled, so
        // an input that kills the process is counted every time (--max-attempts). A stop
        // while waiting ends the job at its first poll.
        if (ticket.record_start_first) handle.wait_start_recorded();
        // Runs on this worker's thread while the job is parked, so the dispatcher can give
        // the slot to another job; the thread then waits inside the engine.
        auto on_park = [=] { self->send(dispatcher, suspended_atom::value, caf::actor{self}); };
        job_outcome outcome = run_job(ticket, limits, handle, on_park);
        // On shutdown the job is left as journalled; it runs again after a restart.
        if (handle.state() != cancel_handle::shutdown)
          self->send(registry, finished_atom::value, std::move(outcome));
        self->send(dispatcher, demand_atom::value, caf::actor{self});
      },
      [=](probe_atom) { return make_sample(probe{}, self->mailbox().size()); },
  };
}

} // namespace factord::actors
