#include "actors/gateway_bridge.hpp"

#include "actors/atoms.hpp"
#include "actors/job_registry_ops.hpp" // registry_view, replies
#include "actors/kafka_producer.hpp"
#include "actors/probe.hpp"
#include "config/log.hpp"
#include "factor/parse.hpp"

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <random>
#include <unordered_map>

namespace factord::actors {

namespace {

struct gateway_state {
  using waiter = registry_state::waiter;
  struct entry {
    job value;
    std::vector<waiter> waiters;      // long-poll GETs and DELETEs
    std::vector<caf::actor> watchers; // ws-sessions
    std::vector<caf::response_promise> same_key; // resubmissions while the first is unacked
    bool in_kafka = false;            // acknowledged by the broker or read from the topic
  };
  // A GET or DELETE for an id this gateway has not read yet: answered after a sync.
  struct unknown_request {
    std::string id;
    caf::timespan wait;
    caf::response_promise promise;
    bool cancel = false;
  };

  gateway_bridge_config config;
  std::unordered_map<std::string, entry> jobs;
  std::unordered_map<std::string, std::uint64_t> open_by_caller; // jobs not finished
  std::uint64_t open_total = 0;
  std::vector<unknown_request> unknown;
  std::uint64_t sync_token = 0;   // last sync asked for
  bool sync_pending = false;
  std::vector<unknown_request> next_unknown; // arrived while a sync was running
  std::vector<unknown_request> recent_unknown; // waiting for the next records first
  bool lookup_timer = false;
  std::unordered_map<std::string, std::vector<caf::actor>> clients; // client id -> sessions
  std::unordered_map<caf::actor_addr, std::string> session_client;
  caf::actor consumer;
  bool kafka_up = false;
  std::string kafka_detail = "connecting to Kafka";
  bool caught_up = false;
  bool draining = false;
  std::uint64_t next_waiter = 1;
  std::uint64_t producing = 0;
  std::uint64_t commands_pushed = 0;
  std::uint64_t client_messages = 0;
  std::uint64_t bad_records = 0;
  std::mt19937_64 rng{std::random_device{}()};
  registry_stats stats;
  probe counters;
  static inline const char* name = "kafka-bridge";
};

using self_ptr = caf::stateful_actor<gateway_state>*;
using json = nlohmann::json;

// Replies and errors are built as the job-registry builds them.
using registry_ops::error;
using registry_ops::failed_reply;
using registry_ops::ok_reply;

std::string new_request_id(std::mt19937_64& rng) {
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  return buf;
}

// "" when submissions can be accepted now, else why not (for a 503).
std::string not_ready(const gateway_state& st) {
  if (st.draining) return "the gateway is shutting down; retry on another one";
  if (!st.kafka_up) return "Kafka is unreachable (" + st.kafka_detail + "); nothing can be accepted, retry shortly";
  if (!st.caught_up) return "the gateway is still reading the job topics after its start; retry shortly";
  return {};
}

void open_job(gateway_state& st, const job& j) {
  ++st.open_by_caller[j.caller_id];
  ++st.open_total;
  ++(j.status == job_status::running ? st.stats.running : st.stats.queued);
}

void close_job(gateway_state& st, const job& j, job_status before) {
  if (auto it = st.open_by_caller.find(j.caller_id); it != st.open_by_caller.end() && --it->second == 0)
    st.open_by_caller.erase(it);
  if (st.open_total > 0) --st.open_total;
  auto& gauge = before == job_status::running ? st.stats.running : st.stats.queued;
  if (gauge > 0) --gauge;
}

void notify(self_ptr self, gateway_state::entry& e) {
  for (auto& w : e.waiters) w.promise.deliver(ok_reply(e.value));
  e.waiters.clear();
  if (e.value.finished()) {
    for (auto& watcher : e.watchers) self->send(watcher, jobdone_atom::value, e.value);
    e.watchers.clear();
  }
}

// A result record (or a job record) moves a job forward; finished states are final.
void apply_result(self_ptr self, job&& update) {
  auto& st = self->state;
  auto [it, fresh] = st.jobs.try_emplace(update.request_id);
  auto& e = it->second;
  e.in_kafka = true;
  if (fresh) {
    e.value = std::move(update);
    if (!e.value.finished()) open_job(st, e.value);
    else ++(e.value.status == job_status::done ? st.stats.done
            : e.value.status == job_status::failed ? st.stats.failed : st.stats.cancelled);
    return;
  }
  if (e.value.finished()) return; // duplicates after a worker crash or rebalance
  job_status before = e.value.status;
  if (!update.finished()) {
    if (update.status == job_status::running && before == job_status::queued) {
      e.value.status = job_status::running;
      e.value.started_at = update.started_at;
      e.value.attempts = update.attempts;
      if (st.stats.queued > 0) --st.stats.queued;
      ++st.stats.running;
    }
    return;
  }
  std::string key = std::move(e.value.idempotency_key);
  e.value = std::move(update);
  if (e.value.idempotency_key.empty()) e.value.idempotency_key = std::move(key);
  close_job(st, e.value, before);
  switch (e.value.status) {
    case job_status::done: ++st.stats.done; break;
    case job_status::failed: ++st.stats.failed; break;
    default: ++st.stats.cancelled; break;
  }
  notify(self, e);
}

void on_job_record(self_ptr self, const kafka_record& r) {
  auto& st = self->state;
  // Most records are this gateway's own, already known: no need to parse them.
  if (auto id = r.header("request_id"); !id.empty()) {
    if (auto it = st.jobs.find(std::string(id)); it != st.jobs.end()) {
      it->second.in_kafka = true;
      return;
    }
  }
  job_record rec;
  std::string why;
  if (!decode_job_record(r.value, rec, why)) {
    ++st.bad_records; // the workers send it to the dead-letter topic
    return;
  }
  if (rec.type != job_record::kind::job) return;
  auto it = st.jobs.find(rec.value.request_id);
  if (it != st.jobs.end()) {
    it->second.in_kafka = true;
    return;
  }
  apply_result(self, std::move(rec.value));
}

void on_result_record(self_ptr self, const kafka_record& r) {
  job j;
  std::string why;
  if (!decode_result(r.value, j, why) || j.request_id != r.key) {
    ++self->state.bad_records;
    logging::warn("bad_result_record", {{"partition", std::to_string(r.partition)},
                                        {"offset", std::to_string(r.offset)}, {"error", why}});
    return;
  }
  apply_result(self, std::move(j));
}

// {"type":"command", ...the record's JSON fields...} to every socket of the client.
void on_command_record(self_ptr self, const kafka_record& r) {
  auto& st = self->state;
  std::string client(r.header("client_id"));
  if (client.empty()) client = r.key;
  auto it = st.clients.find(client);
  if (client.empty() || it == st.clients.end()) return;
  json doc = json::parse(r.value, nullptr, false);
  json frame = json::object();
  frame["type"] = "command";
  if (doc.is_object()) {
    for (auto& [k, v] : doc.items())
      if (k != "type") frame[k] = v;
  } else {
    frame["payload"] = r.value;
  }
  auto text = frame.dump(-1, ' ', false, json::error_handler_t::replace);
  for (auto& session : it->second) self->send(session, command_atom::value, text);
  st.commands_pushed += it->second.size();
}

void ask_sync(self_ptr self) {
  auto& st = self->state;
  if (st.sync_pending) return;
  st.sync_pending = true;
  self->send(st.consumer, sync_atom::value, ++st.sync_token);
}

void start_cancel(self_ptr self, gateway_state::entry& e, caf::response_promise rp);

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

// After a sync: every id the topics held when it was asked is known now.
void resolve_unknown(self_ptr self, bool synced) {
  auto& st = self->state;
  auto waiting = std::move(st.unknown);
  st.unknown.clear();
  for (auto& u : waiting) {
    auto it = st.jobs.find(u.id);
    if (it != st.jobs.end()) {
      if (u.cancel) start_cancel(self, it->second, u.promise);
      else answer_fetch(self, it->second, u.wait, u.promise);
    } else if (synced) {
      u.promise.deliver(failed_reply(error(api_errc::not_found, "unknown_request_id",
                                     "no job has request id '" + u.id.substr(0, 64) +
                                       "'; it may have expired after the retention period")));
    } else {
      u.promise.deliver(failed_reply(error(api_errc::not_ready, "kafka_unavailable",
                                     "Kafka could not be asked whether request id '" + u.id.substr(0, 64) +
                                       "' exists; retry shortly", 2)));
    }
  }
}

void lookup_later(self_ptr self, gateway_state::unknown_request u) {
  auto& st = self->state;
  if (!st.kafka_up && st.caught_up) {
    st.unknown.push_back(std::move(u));
    resolve_unknown(self, false);
    return;
  }
  // Usually the id is a job another gateway accepted a moment ago, and its record comes
  // with the next fetch: wait for that first; ask the broker for the topic's end (a sync)
  // only for what is still unknown after a short while.
  st.recent_unknown.push_back(std::move(u));
  if (!st.lookup_timer) {
    st.lookup_timer = true;
    self->delayed_send(self, std::chrono::milliseconds(100), sync_atom::value);
  }
}

// After new records: answers the recently unknown ids that are known now.
void resolve_recent(self_ptr self) {
  auto& st = self->state;
  if (st.recent_unknown.empty()) return;
  std::vector<gateway_state::unknown_request> still;
  for (auto& u : st.recent_unknown) {
    auto it = st.jobs.find(u.id);
    if (it == st.jobs.end()) still.push_back(std::move(u));
    else if (u.cancel) start_cancel(self, it->second, u.promise);
    else answer_fetch(self, it->second, u.wait, u.promise);
  }
  st.recent_unknown = std::move(still);
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

void purge(self_ptr self) {
  auto& st = self->state;
  auto cutoff = unix_millis_now() - st.config.settings.retention.count();
  for (auto it = st.jobs.begin(); it != st.jobs.end();) {
    if (it->second.value.finished() && it->second.value.finished_at < cutoff && it->second.waiters.empty())
      it = st.jobs.erase(it);
    else
      ++it;
  }
  self->delayed_send(self, std::chrono::minutes(1), purge_atom::value);
}

caf::behavior gateway_bridge(self_ptr self, gateway_bridge_config config) {
  self->state.config = std::move(config);
  self->set_default_handler(caf::print_and_drop);
  self->set_down_handler([self](const caf::down_msg& msg) {
    auto& st = self->state;
    auto it = st.session_client.find(msg.source);
    if (it == st.session_client.end()) return;
    auto sessions = st.clients.find(it->second);
    if (sessions != st.clients.end()) {
      auto& v = sessions->second;
      v.erase(std::remove_if(v.begin(), v.end(), [&](const caf::actor& a) { return a.address() == msg.source; }),
              v.end());
      if (v.empty()) st.clients.erase(sessions);
    }
    st.session_client.erase(it);
  });
  self->delayed_send(self, std::chrono::minutes(1), purge_atom::value);
  return {
    [=](attach_atom, caf::actor& consumer) { self->state.consumer = std::move(consumer); },
    [=](submit_atom, submission& s) {
      probe_scope scope(self->state.counters, "submit");
      auto rp = self->make_response_promise();
      auto& st = self->state;
      std::string id = s.idempotency_key.empty() ? new_request_id(st.rng)
                                                 : idempotent_request_id(s.caller_id, s.idempotency_key);
      if (auto known = st.jobs.find(id); known != st.jobs.end() && !s.idempotency_key.empty()) {
        if (s.watcher && !known->second.value.finished()) known->second.watchers.push_back(s.watcher);
        if (known->second.in_kafka) {
          rp.deliver(ok_reply(known->second.value, false));
          return rp;
        }
        // Same key still on its way to the broker: answer when the first one is.
        known->second.same_key.push_back(rp);
        return rp;
      }
      std::string number;
      api_error err;
      if (!admit(self, s.caller_id, s.number, 1, number, err)) {
        ++st.stats.rejected;
        rp.deliver(failed_reply(std::move(err)));
        return rp;
      }
      auto& e = create(self, s.caller_id, std::move(number), std::move(s.idempotency_key), std::move(id));
      if (s.watcher) e.watchers.push_back(std::move(s.watcher));
      std::string rid = e.value.request_id;
      // The answer is the job as accepted: a fast worker's result may be read before the
      // broker's acknowledgement arrives, and a submission is a 202, not a finished job.
      job accepted = e.value;
      produce_job(self, e.value, [self, rid, rp, accepted](bool acked, const std::string& why) mutable {
        auto& st2 = self->state;
        if (!acked && !forget_unless_in_kafka(self, rid)) {
          ++st2.stats.rejected;
          rp.deliver(failed_reply(kafka_refused(why)));
          return;
        }
        auto it = st2.jobs.find(rid);
        if (it == st2.jobs.end()) {
          rp.deliver(failed_reply(kafka_refused("the job vanished")));
          return;
        }
        it->second.in_kafka = true;
        ++st2.stats.accepted;
        rp.deliver(ok_reply(accepted, true));
        for (auto& other : it->second.same_key) other.deliver(ok_reply(accepted, false));
        it->second.same_key.clear();
      });
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
      struct progress {
        std::vector<std::string> ids;
        std::size_t answered = 0;
        std::string failure;
      };
      auto p = std::make_shared<progress>();
      for (auto& n : numbers) p->ids.push_back(create(self, b.caller_id, std::move(n), {}, new_request_id(st.rng)).value.request_id);
      for (const auto& id : p->ids) {
        produce_job(self, st.jobs[id].value, [self, p, rp](bool acked, const std::string& why) mutable {
          if (!acked && p->failure.empty()) p->failure = why.empty() ? "refused" : why;
          if (++p->answered < p->ids.size()) return;
          auto& st2 = self->state;
          if (p->failure.empty()) {
            batch_reply reply;
            reply.ok = true;
            for (const auto& rid : p->ids) {
              auto& entry = st2.jobs[rid];
              entry.in_kafka = true;
              reply.jobs.push_back(entry.value);
            }
            st2.stats.accepted += p->ids.size();
            rp.deliver(std::move(reply));
            return;
          }
          // All or none: the records that did reach Kafka are cancelled again (their
          // worker publishes them as cancelled), and the client is told nothing was taken.
          for (const auto& rid : p->ids) {
            auto it = st2.jobs.find(rid);
            if (it == st2.jobs.end()) continue;
            self->send(st2.config.producer, publish_atom::value,
                       kafka_message{st2.config.topics.jobs, it->second.value.caller_id,
                                     encode_cancel_record(it->second.value), {}});
            forget_unless_in_kafka(self, rid);
          }
          ++st2.stats.rejected;
          rp.deliver(batch_reply{false, {}, kafka_refused(p->failure), 0});
        });
      }
      return rp;
    },
    [=](fetch_atom, const std::string& id, caf::timespan wait) {
      probe_scope scope(self->state.counters, "fetch");
      auto rp = self->make_response_promise();
      auto it = self->state.jobs.find(id);
      if (it != self->state.jobs.end()) answer_fetch(self, it->second, wait, rp);
      else lookup_later(self, {id, wait, rp, false});
      return rp;
    },
    [=](waitover_atom, const std::string& id, std::uint64_t waiter_id) {
      if (auto it = self->state.jobs.find(id); it != self->state.jobs.end())
        registry_ops::answer_waiter(it->second.waiters, waiter_id, it->second.value);
    },
    [=](cancel_atom, const std::string& id) {
      auto rp = self->make_response_promise();
      auto it = self->state.jobs.find(id);
      if (it != self->state.jobs.end()) start_cancel(self, it->second, rp);
      else lookup_later(self, {id, caf::timespan{0}, rp, true});
      return rp;
    },
    [=](records_atom, std::vector<kafka_record>& batch) {
      probe_scope scope(self->state.counters, "records");
      const auto& topics = self->state.config.topics;
      for (const auto& r : batch) {
        if (r.topic == topics.results) on_result_record(self, r);
        else if (r.topic == topics.jobs) on_job_record(self, r);
        else if (r.topic == topics.commands) on_command_record(self, r);
      }
      resolve_recent(self);
    },
    [=](sync_atom) {
      auto& st = self->state;
      st.lookup_timer = false;
      resolve_recent(self);
      if (st.recent_unknown.empty()) return;
      auto& into = st.sync_pending ? st.next_unknown : st.unknown;
      for (auto& u : st.recent_unknown) into.push_back(std::move(u));
      st.recent_unknown.clear();
      if (!st.sync_pending) ask_sync(self);
    },
    [=](health_atom, bool up, const std::string& detail) {
      auto& st = self->state;
      st.kafka_up = up;
      st.kafka_detail = detail;
    },
    [=](synced_atom, std::uint64_t token, bool synced) {
      auto& st = self->state;
      if (token == 0) {
        if (!st.caught_up) logging::info("gateway_caught_up", {{"known_jobs", std::to_string(st.jobs.size())}});
        st.caught_up = true;
        return;
      }
      if (token != st.sync_token) return;
      st.sync_pending = false;
      resolve_unknown(self, synced);
      if (!st.next_unknown.empty()) {
        st.unknown = std::move(st.next_unknown);
        st.next_unknown.clear();
        ask_sync(self);
      }
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
      self->request(st.config.producer, caf::infinite, produce_atom::value,
                    kafka_message{st.config.topics.client_messages, client, std::move(frame), {{"client_id", client}}})
        .then([rp](std::string& err) mutable { rp.deliver(err); },
              [rp](caf::error&) mutable { rp.deliver(std::string("the Kafka producer is gone")); });
      return rp;
    },
    [=](ready_atom) { return not_ready(self->state); },
    [=](stats_atom) {
      auto s = self->state.stats;
      s.known = self->state.jobs.size();
      return s;
    },
    [=](workers_atom) { return registry_view{}; },
    [=](probe_atom) {
      auto& st = self->state;
      auto sample = make_sample(st.counters, self->mailbox().size());
      sample.text("role", "gateway")
        .text("node", st.config.node_id)
        .number("known_jobs", static_cast<std::uint64_t>(st.jobs.size()))
        .number("unfinished", st.open_total)
        .number("awaiting_ack", st.producing)
        .number("accepted", st.stats.accepted)
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

caf::actor spawn_gateway_bridge(caf::actor_system& sys, gateway_bridge_config config) {
  return sys.spawn(gateway_bridge, std::move(config));
}

} // namespace factord::actors
