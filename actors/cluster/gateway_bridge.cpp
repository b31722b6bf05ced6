#include "actors/cluster/gateway_bridge.hpp"

#include "actors/protocol/atoms.hpp"
#include "actors/cluster/gateway_state.hpp"
#include "actors/protocol/replies.hpp"
#include "actors/registry/job_registry.hpp" // book_limits
#include "config/limits.hpp"
#include "actors/kafka/kafka_producer.hpp"
#include "config/log.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>
#include <caf/stateful_actor.hpp>

#include <nlohmann/json.hpp>

namespace factord::actors {

namespace {

using namespace gateway_ops;
using json = nlohmann::json;
gateway_bridge_actor::behavior_type gateway_bridge(self_ptr self, gateway_bridge_config config) {
  self->state.book = job_book{book_limits(config.settings, job_book::open_means::unfinished)};
  self->state.config = std::move(config);
  self->set_default_handler(caf::print_and_drop);
  self->set_down_handler([self](const caf::down_msg& msg) {
    auto& st = self->state;
    auto it = st.session_client.find(msg.source);
    if (it == st.session_client.end()) return;
    auto sessions = st.clients.find(it->second);
    if (sessions != st.clients.end()) {
      auto& v = sessions->second;
      v.erase(
          std::remove_if(v.begin(), v.end(), [&](const caf::actor& a) { return a.address() == msg.source; }),
          v.end());
      if (v.empty()) st.clients.erase(sessions);
    }
    st.session_client.erase(it);
  });
  self->delayed_send(self, config::limits::purge_interval, purge_atom::value);
  return {
      [=](attach_atom, caf::actor& consumer) { self->state.consumer = std::move(consumer); },
      [=](submit_atom, submission& s) {
        probe_scope scope(self->state.counters, "submit");
        auto rp = self->make_response_promise<job_reply>();
        auto& st = self->state;
        auto watch = [self](job_book::entry& e, const caf::actor& session) {
          self->state.book.watch(
              e, [self, session](const job& j) { self->anon_send(session, jobdone_atom::value, j); });
        };
        // With a key, every gateway derives the same id: a retry through another gateway
        // finds the same job in the topic.
        std::string id = s.idempotency_key.empty() ? st.book.new_request_id()
                                                   : idempotent_request_id(s.caller_id, s.idempotency_key);
        auto* known = s.idempotency_key.empty() ? nullptr : st.book.find(id);
        if (known && !job_book::visible_to(known->value, as_caller(s.caller_id))) {
          // Only if SHA-256 collided: never answer with, or replace, another caller's job.
          auto err = make_error(api_errc::bad_request, "idempotency_key_conflict",
                                "this Idempotency-Key cannot be used; send another one");
          st.book.refused(err);
          rp.deliver(failed_reply(std::move(err)));
          return rp;
        }
        if (known) {
          if (s.watcher && !known->value.finished()) watch(*known, s.watcher);
          auto unacked = st.awaiting_ack.find(id);
          if (unacked == st.awaiting_ack.end()) {
            rp.deliver(ok_reply(known->value, false));
            return rp;
          }
          // Same key still on its way to the broker: answer when the first one is.
          unacked->second.same_key.push_back(rp);
          return rp;
        }
        std::string number;
        rate_state rate;
        if (auto err = st.book.admit_submission(admit(st, s.caller_id, s.number, 1, s.limits, number),
                                                s.limits, rate_limiter::clock::now(), rate)) {
          rp.deliver(failed_reply(std::move(*err), rate));
          return rp;
        }
        auto& e = create(st, s.caller_id, std::move(number), std::move(s.idempotency_key), std::move(id),
                         s.limits.weight);
        if (s.watcher) watch(e, s.watcher);
        // The answer is the job as accepted: a fast worker's result may be read before the
        // broker's acknowledgement arrives, and a submission is a 202, not a finished job.
        job accepted = e.value;
        produce_job(self, e.value, [self, rp, accepted, rate](bool acked, const std::string& why) mutable {
          auto& st2 = self->state;
          const auto& rid = accepted.request_id;
          if (!acked) {
            auto refusal = kafka_refused(why, !accepted.idempotency_key.empty());
            if (!forget_unless_in_kafka(self, rid, refusal)) {
              st2.book.refused(refusal);
              rp.deliver(failed_reply(std::move(refusal)));
              return;
            }
          }
          acknowledged(st2, rid, accepted);
          auto reply = ok_reply(accepted, true);
          reply.rate = rate;
          rp.deliver(std::move(reply));
        });
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
        const rate_state rate = batch->rate; // captured below
        struct progress {
          std::vector<job> jobs;
          std::size_t answered = 0;
          std::string failure;
        };
        auto p = std::make_shared<progress>();
        for (auto& n : numbers)
          p->jobs.push_back(
              create(st, b.caller_id, std::move(n), {}, st.book.new_request_id(), b.limits.weight).value);
        for (const auto& j : p->jobs) {
          produce_job(self, j, [self, p, rp, rate](bool acked, const std::string& why) mutable {
            if (!acked && p->failure.empty()) p->failure = why.empty() ? "refused" : why;
            if (++p->answered < p->jobs.size()) return;
            auto& st2 = self->state;
            if (p->failure.empty()) {
              for (const auto& accepted : p->jobs) acknowledged(st2, accepted.request_id, accepted);
              rp.deliver(batch_reply{true, p->jobs, {}, 0, rate});
              return;
            }
            // All or none: the records that did reach Kafka are cancelled again (their
            // worker publishes them as cancelled), and the client is told nothing was taken.
            for (const auto& accepted : p->jobs) {
              self->anon_send(
                  st2.config.producer, publish_atom::value,
                  kafka_message{
                      st2.config.topics.jobs, accepted.caller_id, encode_cancel_record(accepted), {}});
            }
            auto refusal = kafka_refused_batch(p->failure);
            for (const auto& accepted : p->jobs) forget_unless_in_kafka(self, accepted.request_id, refusal);
            st2.book.refused(refusal);
            rp.deliver(batch_reply{false, {}, std::move(refusal), 0, {}});
          });
        }
        return rp;
      },
      // A job the requester may not see takes the unknown-id path (unknown_ids.hpp): the
      // same wait, the same 404.
      [=](fetch_atom, const std::string& id, caf::timespan wait, const requester& who) {
        probe_scope scope(self->state.counters, "fetch");
        auto rp = self->make_response_promise<job_reply>();
        if (auto* e = self->state.book.find_for(id, who))
          answer_fetch(self, *e, wait, rp);
        else
          lookup_later(self, {id, wait, rp, false, who});
        return rp;
      },
      [=](waitover_atom, const std::string& id, std::uint64_t waiter) {
        self->state.book.expire(id, waiter);
      },
      [=](cancel_atom, const std::string& id, const requester& who) {
        auto rp = self->make_response_promise<job_reply>();
        if (auto* e = self->state.book.find_for(id, who))
          start_cancel(self, *e, rp);
        else
          lookup_later(self, {id, caf::timespan{0}, rp, true, who});
        return rp;
      },
      [=](records_atom, std::vector<kafka_record>& batch) {
        probe_scope scope(self->state.counters, "records");
        const auto& topics = self->state.config.topics;
        for (const auto& r : batch) {
          if (r.topic == topics.results)
            on_result_record(self, r);
          else if (r.topic == topics.jobs)
            on_job_record(self, r);
          else if (r.topic == topics.commands)
            on_command_record(self, r);
        }
        carry_out(self, self->state.unknown.on_records(known_ids(self->state)));
      },
      // The unknown-id lookups' short wait is over (the consumer gets the sync atom with a token).
      [=](sync_atom) { carry_out(self, self->state.unknown.on_timer(known_ids(self->state))); },
      [=](health_atom, bool up, const std::string& detail) {
        auto& st = self->state;
        st.kafka_up = up;
        st.kafka_detail = detail;
      },
      [=](synced_atom, std::uint64_t token, bool synced) {
        auto& st = self->state;
        if (token == 0) {
          if (!st.caught_up)
            logging::info("gateway_caught_up", {{"known_jobs", std::to_string(st.book.size())}});
          st.caught_up = true;
          return;
        }
        carry_out(self, st.unknown.on_synced(token, synced, known_ids(st)));
      },
      [=](hello_atom, const std::string& client, const caf::actor& session) {
        auto& st = self->state;
        self->monitor(session);
        st.clients[client].push_back(session);
        st.session_client[session.address()] = client;
      },
      [=](relay_atom, const std::string& client, std::string& frame) {
        auto rp = self->make_response_promise<std::string>();
        auto& st = self->state;
        if (!st.kafka_up) {
          rp.deliver(std::string("Kafka is unreachable; the message was not published"));
          return rp;
        }
        ++st.client_messages;
        self->request(
                st.config.producer, caf::infinite, produce_atom::value,
                kafka_message{
                    st.config.topics.client_messages, client, std::move(frame), {{"client_id", client}}})
            .then([rp](std::string& err) mutable { rp.deliver(err); },
                  [rp](caf::error&) mutable { rp.deliver(std::string("the Kafka producer is gone")); });
        return rp;
      },
      [=](ready_atom) { return not_ready(self->state); },
      [=](stats_atom) { return self->state.book.stats(); },
      [=](workers_atom) { return registry_view{}; },
      [=](probe_atom) {
        auto& st = self->state;
        auto sample = make_sample(st.counters, self->mailbox().size());
        sample.text("role", "gateway")
            .text("node", st.config.node_id)
            .number("known_jobs", static_cast<std::uint64_t>(st.book.size()))
            .number("unfinished", st.book.open_total())
            .number("awaiting_ack", st.producing)
            .number("accepted", st.book.stats().accepted)
            .number("sockets_by_client", static_cast<std::uint64_t>(st.clients.size()))
            .number("commands_pushed", st.commands_pushed)
            .number("client_messages", st.client_messages)
            .number("bad_records", st.bad_records);
        sample.fields.emplace_back("kafka_up", st.kafka_up ? "true" : "false");
        sample.fields.emplace_back("caught_up", st.caught_up ? "true" : "false");
        return sample;
      },
      [=](purge_atom) { purge(self); },
      [=](drain_atom) {
        self->state.draining = true;
        return true;
      },
  };
}

} // namespace

gateway_bridge_actor spawn_gateway_bridge(caf::actor_system& sys, gateway_bridge_config config) {
  return sys.spawn(gateway_bridge, std::move(config));
}

} // namespace factord::actors
