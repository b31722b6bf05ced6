#include "actors/cluster/gateway_state.hpp"

#include "actors/protocol/atoms.hpp"
#include "actors/registry/job_registry_ops.hpp" // replies
#include "config/log.hpp"

#include <caf/event_based_actor.hpp>

#include <nlohmann/json.hpp>

namespace factord::actors::gateway_ops {

using json = nlohmann::json;
using registry_ops::ok_reply;

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

} // namespace factord::actors::gateway_ops
