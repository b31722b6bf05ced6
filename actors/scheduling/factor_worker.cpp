#include "actors/scheduling/factor_worker.hpp"

#include "actors/protocol/atoms.hpp"
#include "actors/protocol/probe.hpp"
#include "factor/engine.hpp"

#include <caf/event_based_actor.hpp>

namespace factord::actors {

job_outcome run_job(const job_ticket& ticket, const worker_limits& limits, const std::atomic<int>& flag) {
  factor::options opts;
  opts.budget = limits.job_budget;
  opts.stop_requested = [&flag] { return flag.load(std::memory_order_relaxed) != cancel_handle::run; };
  auto start = std::chrono::steady_clock::now();
  factor::factorization result = factor::factorize(ticket.number, limits.max_digits, opts);
  job_outcome out;
  out.compute_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
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
      [=](job_atom, const job_ticket& ticket) {
        cancel_handle handle;
        self->send(registry, started_atom::value, ticket.request_id, handle, caf::actor{self});
        job_outcome outcome = run_job(ticket, limits, *handle.flag);
        // On shutdown the job is left as journalled; it runs again after a restart.
        if (handle.flag->load() != cancel_handle::shutdown)
          self->send(registry, finished_atom::value, std::move(outcome));
        self->send(dispatcher, demand_atom::value, caf::actor{self});
      },
      [=](probe_atom) { return make_sample(probe{}, self->mailbox().size()); },
  };
}

} // namespace factord::actors
