#include "actors/cluster/gateway_state.hpp"

#include "actors/protocol/atoms.hpp"
#include "actors/registry/job_registry_ops.hpp" // replies
#include "actors/kafka/kafka_producer.hpp"
#include "factor/parse.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

namespace factord::actors::gateway_ops {

// Replies and errors are built as the job-registry builds them.
using registry_ops::error;
using registry_ops::failed_reply;
using registry_ops::ok_reply;

// "" when submissions can be accepted now, else why not (for a 503).
std::string not_ready(const gateway_state& st) {
  if (st.draining) return "the gateway is shutting down; retry on another one";
  if (!st.kafka_up) return "Kafka is unreachable (" + st.kafka_detail + "); nothing can be accepted, retry shortly";
  if (!st.caught_up) return "the gateway is still reading the job topics after its start; retry shortly";
  return {};
}

void answer_fetch(self_ptr self, gateway_state::entry& e, caf::timespan wait, caf::response_promise rp) {
  if (e.value.finished() || wait.count() <= 0) {
    rp.deliver(ok_reply(e.value));
    return;
  }
  auto id = self->state.next_waiter++;
  e.waiters.push_back({id, rp});
  self->delayed_send(self, wait, waitover_atom::value, e.value.request_id, id);
}

void start_cancel(self_ptr self, gateway_state::entry& e, caf::response_promise rp) {
  auto& st = self->state;
  if (e.value.finished()) {
    rp.deliver(ok_reply(e.value));
    return;
  }
  if (auto why = not_ready(st); !why.empty()) {
    rp.deliver(failed_reply(error(api_errc::not_ready, "kafka_unavailable", why, 2)));
    return;
  }
  // The cancel goes where the job went (same key, same partition, after it): the worker
  // that owns the job stops it and publishes the cancelled result, which answers here.
  kafka_message m{st.config.topics.jobs, e.value.caller_id, encode_cancel_record(e.value), {}};
  std::string id = e.value.request_id;
  self->request(st.config.producer, caf::infinite, produce_atom::value, std::move(m))
    .then([self, id, rp](std::string& err) mutable {
      auto it = self->state.jobs.find(id);
      if (it == self->state.jobs.end()) {
        rp.deliver(failed_reply(error(api_errc::not_found, "unknown_request_id", "the job expired meanwhile")));
        return;
      }
      if (!err.empty()) {
        rp.deliver(failed_reply(error(api_errc::not_ready, "kafka_unavailable",
                                "the cancel could not be written to Kafka (" + err + "); retry", 2)));
        return;
      }
      answer_fetch(self, it->second, std::chrono::seconds(5), rp);
    },
    [rp](caf::error&) mutable {
      rp.deliver(failed_reply(error(api_errc::not_ready, "kafka_unavailable", "the Kafka producer is gone", 2)));
    });
}

void lookup_later(self_ptr self, gateway_state::lookups::lookup u) {
  auto& st = self->state;
  carry_out(self, st.unknown.add(std::move(u), !st.kafka_up && st.caught_up, known_ids(st)));
}

gateway_state::lookups::known_fn known_ids(const gateway_state& st) {
  return [&st](const std::string& id) { return st.jobs.count(id) != 0; };
}

namespace {

void deliver_not_found(gateway_state::lookups::lookup& u) {
  u.promise.deliver(failed_reply(error(api_errc::not_found, "unknown_request_id",
                                 "no job has request id '" + u.id.substr(0, 64) +
                                   "'; it may have expired after the retention period")));
}

void answer_lookup(self_ptr self, gateway_state::lookups::answer& a) {
  auto& u = a.request;
  if (a.how == lookup_answer::not_found) {
    deliver_not_found(u);
  } else if (a.how == lookup_answer::kafka_unavailable) {
    u.promise.deliver(failed_reply(error(api_errc::not_ready, "kafka_unavailable",
                                   "Kafka could not be asked whether request id '" + u.id.substr(0, 64) +
                                     "' exists; retry shortly", 2)));
  } else if (auto it = self->state.jobs.find(u.id); it == self->state.jobs.end()) {
    deliver_not_found(u); // not reached: the lookups saw it known just now
  } else if (a.how == lookup_answer::cancel) {
    start_cancel(self, it->second, u.promise);
  } else {
    answer_fetch(self, it->second, u.wait, u.promise);
  }
}

} // namespace

void carry_out(self_ptr self, gateway_state::lookups::step s) {
  auto& st = self->state;
  for (auto& a : s.answers) answer_lookup(self, a);
  if (s.arm_timer) self->delayed_send(self, gateway_state::lookups::records_wait, sync_atom::value);
  if (s.sync != 0) self->send(st.consumer, sync_atom::value, s.sync);
}

bool admit(self_ptr self, const std::string& caller, const std::string& text, std::uint64_t extra,
           std::string& number, api_error& err) {
  auto& st = self->state;
  auto parsed = factor::parse_number(text, st.config.settings.max_digits);
  if (!parsed.ok()) {
    err = error(api_errc::invalid_number, std::string(factor::to_string(parsed.error)), parsed.message);
    return false;
  }
  if (auto why = not_ready(st); !why.empty()) {
    err = error(api_errc::not_ready, st.kafka_up ? "not_ready" : "kafka_unavailable", why, 2);
    return false;
  }
  number = parsed.value.get_str();
  if (st.open_total + extra > st.config.settings.max_queued) {
    err = error(api_errc::queue_full, "server_queue_full",
                "the cluster already has " + std::to_string(st.open_total) +
                  " unfinished jobs (option --max-queued); retry later", 1);
    return false;
  }
  auto have = st.open_by_caller.count(caller) ? st.open_by_caller[caller] : 0;
  if (have + extra > st.config.settings.max_queued_per_caller) {
    err = error(api_errc::queue_full, "caller_queue_full",
                "caller '" + caller + "' already has " + std::to_string(have) +
                  " unfinished jobs (option --max-queued-per-caller); retry when some finish", 1);
    return false;
  }
  return true;
}

gateway_state::entry& create(self_ptr self, const std::string& caller, std::string number, std::string key,
                             std::string id) {
  auto& st = self->state;
  auto& e = st.jobs[id];
  e.value.request_id = std::move(id);
  e.value.caller_id = caller;
  e.value.number = std::move(number);
  e.value.queued_at = unix_millis_now();
  e.value.idempotency_key = std::move(key);
  open_job(st, e.value);
  return e;
}

// The broker refused or timed out: the job was not accepted, forget it (unless the
// reader has meanwhile seen it in the topic, in which case it was accepted after all).
bool forget_unless_in_kafka(self_ptr self, const std::string& id) {
  auto& st = self->state;
  auto it = st.jobs.find(id);
  if (it == st.jobs.end()) return false;
  if (it->second.in_kafka) return true;
  for (auto& rp : it->second.same_key)
    rp.deliver(failed_reply(error(api_errc::not_ready, "kafka_unavailable",
                            "Kafka did not acknowledge the job; nothing was accepted, retry shortly", 2)));
  if (!it->second.value.finished()) close_job(st, it->second.value, it->second.value.status);
  st.jobs.erase(it);
  return false;
}

void produce_job(self_ptr self, const job& j, std::function<void(bool, const std::string&)> done) {
  auto& st = self->state;
  ++st.producing;
  kafka_message m{st.config.topics.jobs, j.caller_id, encode_job_record(j, st.config.node_id),
                  {{"request_id", j.request_id}}};
  self->request(st.config.producer, caf::infinite, produce_atom::value, std::move(m))
    .then([self, done](std::string& err) {
            --self->state.producing;
            done(err.empty(), err);
          },
          [self, done](caf::error& err) {
            --self->state.producing;
            done(false, self->system().render(err));
          });
}

api_error kafka_refused(const std::string& why) {
  return error(api_errc::not_ready, "kafka_unavailable",
               "Kafka did not acknowledge the job (" + why + "); nothing was accepted, retry shortly", 2);
}

} // namespace factord::actors::gateway_ops
