#include "actors/cluster/gateway_state.hpp"

#include "actors/protocol/atoms.hpp"
#include "actors/protocol/replies.hpp"
#include "config/limits.hpp"
#include "actors/kafka/kafka_producer.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

namespace factord::actors::gateway_ops {

namespace {

api_error kafka_unavailable(std::string message) {
  return make_error(api_errc::not_ready, "kafka_unavailable", std::move(message), 2);
}

} // namespace

// "" when submissions can be accepted now, else why not (for a 503).
std::string not_ready(const gateway_state& st) {
  if (st.draining) return "the gateway is shutting down; retry on another one";
  if (!st.kafka_up)
    return "Kafka is unreachable (" + st.kafka_detail + "); nothing can be accepted, retry shortly";
  if (!st.caught_up) return "the gateway is still reading the job topics after its start; retry shortly";
  return {};
}

void answer_fetch(self_ptr self, gateway_state::entry& e, caf::timespan wait, job_promise rp) {
  if (e.value.finished() || wait.count() <= 0) {
    rp.deliver(ok_reply(e.value));
    return;
  }
  auto waiter = self->state.book.wait(e, [rp](const job& j) mutable { rp.deliver(ok_reply(j)); });
  if (const auto* refused = std::get_if<api_error>(&waiter))
    rp.deliver(failed_reply(*refused));
  else
    self->delayed_send(self, wait, waitover_atom::value, e.value.request_id, std::get<std::uint64_t>(waiter));
}

void start_cancel(self_ptr self, gateway_state::entry& e, job_promise rp) {
  auto& st = self->state;
  if (e.value.finished()) {
    rp.deliver(ok_reply(e.value));
    return;
  }
  if (auto why = not_ready(st); !why.empty()) {
    rp.deliver(failed_reply(kafka_unavailable(why)));
    return;
  }
  // The cancel goes where the job went (same key, same partition, after it): the worker
  // that owns the job stops it and publishes the cancelled result, which answers here.
  kafka_message m{st.config.topics.jobs, e.value.caller_id, encode_cancel_record(e.value), {}};
  std::string id = e.value.request_id;
  self->request(st.config.producer, caf::infinite, produce_atom::value, std::move(m))
      .then(
          [self, id, rp](std::string& err) mutable {
            auto* known = self->state.book.find(id);
            if (!known) {
              rp.deliver(unknown_id_reply(id));
              return;
            }
            if (!err.empty()) {
              rp.deliver(failed_reply(
                  kafka_unavailable("the cancel could not be written to Kafka (" + err + "); retry")));
              return;
            }
            answer_fetch(self, *known, config::limits::cancel_answer_wait, rp);
          },
          [rp](caf::error&) mutable {
            rp.deliver(failed_reply(kafka_unavailable("the Kafka producer is gone")));
          });
}

void lookup_later(self_ptr self, gateway_state::lookups::lookup u) {
  auto& st = self->state;
  carry_out(self, st.unknown.add(std::move(u), !st.kafka_up && st.caught_up, known_ids(st)));
}

gateway_state::lookups::known_fn known_ids(const gateway_state& st) {
  return [&st](const gateway_state::lookups::lookup& l) { return st.book.find_for(l.id, l.who) != nullptr; };
}

namespace {

void answer_lookup(self_ptr self, gateway_state::lookups::answer& a) {
  auto& u = a.request;
  auto* e = self->state.book.find_for(u.id, u.who);
  if (a.how == lookup_answer::kafka_unavailable) {
    u.promise.deliver(failed_reply(kafka_unavailable("Kafka could not be asked whether request id '" +
                                                     u.id.substr(0, 64) + "' exists; retry shortly")));
  } else if (a.how == lookup_answer::not_found || !e) { // !e: not reached, it was known just now
    u.promise.deliver(unknown_id_reply(u.id));
  } else if (a.how == lookup_answer::cancel) {
    start_cancel(self, *e, u.promise);
  } else {
    answer_fetch(self, *e, u.wait, u.promise);
  }
}

} // namespace

void carry_out(self_ptr self, gateway_state::lookups::step s) {
  auto& st = self->state;
  for (auto& a : s.answers) answer_lookup(self, a);
  if (s.arm_timer) self->delayed_send(self, gateway_state::lookups::records_wait, sync_atom::value);
  if (s.sync != 0) self->anon_send(st.consumer, sync_atom::value, s.sync);
}

std::optional<api_error> admit(gateway_state& st, const std::string& caller, const std::string& text,
                               std::uint64_t extra, const submit_limits& limits, std::string& number) {
  auto normalized = normalize_number(text, job_book::max_digits_for(limits, st.config.settings.max_digits));
  if (auto* err = std::get_if<api_error>(&normalized)) return std::move(*err);
  if (auto why = not_ready(st); !why.empty())
    return make_error(api_errc::not_ready, st.kafka_up ? "not_ready" : "kafka_unavailable", why, 2);
  number = std::move(std::get<std::string>(normalized));
  return st.book.admit(caller, extra, limits);
}

gateway_state::entry& create(gateway_state& st, const std::string& caller, std::string number,
                             std::string key, std::string id, unsigned weight) {
  job j;
  j.request_id = std::move(id);
  j.caller_id = caller;
  j.number = std::move(number);
  j.queued_at = unix_millis_now();
  j.idempotency_key = std::move(key);
  j.weight = weight;
  st.awaiting_ack[j.request_id];
  return st.book.add(std::move(j));
}

bool forget_unless_in_kafka(self_ptr self, const std::string& id, const api_error& refusal) {
  auto& st = self->state;
  auto it = st.awaiting_ack.find(id);
  if (it == st.awaiting_ack.end()) return st.book.find(id) != nullptr;
  if (it->second.in_kafka) return true;
  for (auto& rp : it->second.same_key) rp.deliver(failed_reply(refusal));
  st.awaiting_ack.erase(it);
  st.book.erase(id);
  return false;
}

void acknowledged(gateway_state& st, const std::string& id, const job& accepted) {
  ++st.book.counters().accepted;
  auto it = st.awaiting_ack.find(id);
  if (it == st.awaiting_ack.end()) return;
  for (auto& other : it->second.same_key) other.deliver(ok_reply(accepted, false));
  st.awaiting_ack.erase(it);
}

void produce_job(self_ptr self, const job& j, const std::function<void(bool, const std::string&)>& done) {
  auto& st = self->state;
  ++st.producing;
  kafka_message m{st.config.topics.jobs,
                  j.caller_id,
                  encode_job_record(j, st.config.node_id),
                  {{"request_id", j.request_id}}};
  self->request(st.config.producer, caf::infinite, produce_atom::value, std::move(m))
      .then(
          [self, done](std::string& err) {
            --self->state.producing;
            done(err.empty(), err);
          },
          [self, done](caf::error& err) {
            --self->state.producing;
            done(false, self->system().render(err));
          });
}

api_error kafka_refused(const std::string& why, bool keyed) {
  if (!outcome_unknown(why))
    return kafka_unavailable("Kafka did not acknowledge the job (" + why +
                             "); nothing was accepted, retry shortly");
  // Sent, but not confirmed within --kafka-timeout: the record may be in the topic.
  return kafka_unavailable(
      "Kafka did not confirm the job within --kafka-timeout (" + why +
      "); it may or may not have been accepted. " +
      (keyed ? "A retry with the same Idempotency-Key is safe: on every gateway it names the same job"
             : "A retry may create a second job; send an Idempotency-Key to make retries safe"));
}

api_error kafka_refused_batch(const std::string& why) {
  return kafka_unavailable("Kafka did not acknowledge every job of the batch (" + why +
                           "); the batch was not accepted: records that reached Kafka are cancelled "
                           "again. Retry shortly");
}

} // namespace factord::actors::gateway_ops
