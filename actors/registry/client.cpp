#include "actors/registry/client.hpp"

#include "actors/protocol/atoms.hpp"
#include "actors/scheduling/dispatcher.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

namespace factord::actors {

namespace {

api_error unavailable(caf::actor_system& sys, const caf::error& err) {
  return {api_errc::not_ready, "node_unavailable",
          "the job server is not answering (" + sys.render(err) + "); retry shortly",
          std::chrono::seconds{1}};
}

// One request from outside the actor world: a short-lived actor sends it and hands the
// reply (or a not_ready error) to `done`, then terminates.
template <class Reply, class... Ts>
void ask(caf::actor_system& sys, const registry_api& dest, std::function<void(Reply)> done, Ts... xs) {
  sys.spawn([dest, done = std::move(done), xs...](caf::event_based_actor* self) {
    self->request(dest, caf::infinite, xs...)
        .then([done](Reply& reply) { done(std::move(reply)); },
              [done, self](caf::error& err) {
                Reply reply;
                reply.error = unavailable(self->system(), err);
                done(std::move(reply));
              });
  });
}

} // namespace

void submit_job(caf::actor_system& sys, const registry_api& registry, submission s,
                std::function<void(job_reply)> done) {
  ask<job_reply>(sys, registry, std::move(done), submit_atom::value, std::move(s));
}

void submit_batch(caf::actor_system& sys, const registry_api& registry, batch_submission b,
                  std::function<void(batch_reply)> done) {
  ask<batch_reply>(sys, registry, std::move(done), batch_atom::value, std::move(b));
}

void fetch_job(caf::actor_system& sys, const registry_api& registry, std::string request_id,
               std::chrono::milliseconds wait, requester who, std::function<void(job_reply)> done) {
  ask<job_reply>(sys, registry, std::move(done), fetch_atom::value, std::move(request_id),
                 caf::timespan{wait}, std::move(who));
}

void cancel_job(caf::actor_system& sys, const registry_api& registry, std::string request_id, requester who,
                std::function<void(job_reply)> done) {
  ask<job_reply>(sys, registry, std::move(done), cancel_atom::value, std::move(request_id), std::move(who));
}

void check_ready(caf::actor_system& sys, const registry_api& registry,
                 std::function<void(std::string)> done) {
  sys.spawn([registry, done = std::move(done)](caf::event_based_actor* self) {
    self->request(registry, std::chrono::seconds(2), ready_atom::value)
        .then([done](std::string& why) { done(std::move(why)); },
              [done](caf::error&) { done("the node did not answer"); });
  });
}

void collect_stats(caf::actor_system& sys, const registry_api& registry, const caf::actor& dispatcher,
                   std::function<void(node_stats)> done) {
  sys.spawn([registry, dispatcher, done = std::move(done)](caf::event_based_actor* self) {
    auto out = std::make_shared<node_stats>();
    self->request(registry, caf::infinite, stats_atom::value)
        .then(
            [=](registry_stats& r) {
              out->registry = std::move(r);
              out->workers_restarted = out->registry.workers_lost;
              out->workers_busy = out->registry.running;
              if (!dispatcher) { // a gateway schedules nothing itself
                done(std::move(*out));
                return;
              }
              self->request(dispatcher, caf::infinite, stats_atom::value)
                  .then(
                      [=](dispatcher_stats& d) {
                        out->callers_waiting = d.callers_waiting;
                        out->jobs_suspended = d.suspended;
                        out->suspensions = d.suspensions;
                        out->deepest_callers = std::move(d.deepest);
                        done(std::move(*out));
                      },
                      [=](caf::error&) { done(std::move(*out)); });
            },
            [=](caf::error&) { done(std::move(*out)); });
  });
}

} // namespace factord::actors
