#include "actors/cluster/gateway_state.hpp"

#include "actors/protocol/atoms.hpp"
#include "config/limits.hpp"
#include "config/log.hpp"

#include <caf/event_based_actor.hpp>

#include <nlohmann/json.hpp>

namespace factord::actors::gateway_ops {

using json = nlohmann::json;

void seen_in_kafka(gateway_state& st, const std::string& id) {
  if (auto it = st.awaiting_ack.find(id); it != st.awaiting_ack.end()) it->second.in_kafka = true;
}

// A result record (or a job record) moves a job forward; finished states are final.
void apply_result(self_ptr self, job&& update) {
  auto& st = self->state;
  auto* e = st.book.find(update.request_id);
  seen_in_kafka(st, update.request_id);
  if (!e) {
    const bool finished = update.finished();
    if (finished) st.book.count_final(update);
    st.book.add(std::move(update));
    if (finished) st.book.trim(); // --retention-max-jobs and -bytes: the oldest finished go
    return;
  }
  if (e->value.finished()) return; // duplicates after a worker crash or rebalance
  if (!update.finished()) {
    if (update.status == job_status::running) st.book.note_running(*e, update.started_at, update.attempts);
    return;
  }
  std::string id = update.request_id;
  st.book.finish(id, std::move(update));
  st.book.trim();
}

void on_job_record(self_ptr self, const kafka_record& r) {
  auto& st = self->state;
  // Most records are this gateway's own, already known: no need to parse them.
  if (auto id = r.header("request_id"); !id.empty()) {
    std::string known(id);
    if (st.book.find(known)) {
      seen_in_kafka(st, known);
      return;
    }
  }
  auto decoded = decode_job_record(r.value);
  if (!decoded) {
    ++st.bad_records; // the workers send it to the dead-letter topic
    return;
  }
  job_record& rec = *decoded;
  if (rec.type != job_record::kind::job) return;
  if (st.book.find(rec.value.request_id)) {
    seen_in_kafka(st, rec.value.request_id);
    return;
  }
  apply_result(self, std::move(rec.value));
}

void on_result_record(self_ptr self, const kafka_record& r) {
  auto decoded = decode_result(r.value);
  if (!decoded || decoded->request_id != r.key) {
    ++self->state.bad_records;
    // A result keyed by another id decodes fine, so its error is empty.
    logging::warn("bad_result_record", {{"partition", std::to_string(r.partition)},
                                        {"offset", std::to_string(r.offset)},
                                        {"error", decoded ? std::string() : decoded.message()}});
    return;
  }
  apply_result(self, std::move(decoded).value());
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
  for (auto& session : it->second) self->anon_send(session, command_atom::value, text);
  st.commands_pushed += it->second.size();
}

void purge(self_ptr self) {
  self->state.book.purge(unix_millis_now());
  self->delayed_send(self, config::limits::purge_interval, purge_atom::value);
}

} // namespace factord::actors::gateway_ops
