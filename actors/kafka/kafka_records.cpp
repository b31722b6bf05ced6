#include "actors/kafka/kafka_records.hpp"

#include "actors/protocol/json_object.hpp"
#include "config/limits.hpp"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace factord::actors {

namespace {

using json = nlohmann::json;
// Whether a field was read; a failure says which field and what is wrong with it.
using field_read = result<void, kafka_errc>;

constexpr std::size_t max_field = 1 << 16; // no field of ours is near this; longer is hostile

std::string dump(const json& doc) { return doc.dump(-1, ' ', false, json::error_handler_t::replace); }

failure<kafka_errc> malformed(std::string why) { return fail(kafka_errc::malformed_record, std::move(why)); }

// A record's JSON object, or why not: malformed JSON, or a field named twice.
result<json, kafka_errc> record_object(std::string_view text) {
  bool duplicate_key = false;
  json doc = read_json_object(text, duplicate_key);
  if (doc.is_discarded() || !doc.is_object()) return malformed("not a JSON object");
  if (duplicate_key) return malformed("a field is named twice");
  return doc;
}

// Leaves `out` alone when an optional field is missing.
field_read get_text(const json& doc, const char* key, std::string& out, bool required) {
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) {
    if (required) return malformed(std::string("missing \"") + key + "\"");
    return {};
  }
  if (!it->is_string()) return malformed(std::string("\"") + key + "\" is not a string");
  const auto& text = it->get_ref<const std::string&>();
  if (text.size() > max_field) return malformed(std::string("\"") + key + "\" is too long");
  out = text;
  return {};
}

// Optional: leaves `out` alone when the field is missing.
field_read get_int(const json& doc, const char* key, std::int64_t& out) {
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return {};
  if (!it->is_number_integer()) return malformed(std::string("\"") + key + "\" is not an integer");
  out = it->get<std::int64_t>();
  return {};
}

// A credential's weight is 1..100 (net/auth); 0 or missing: none given.
constexpr std::int64_t max_weight = 100;

bool is_decimal(const std::string& s) {
  if (s.empty() || s.size() > 4096 || s[0] == '0') return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

} // namespace

std::string encode_job_record(const job& j, std::string_view gateway) {
  json doc = {{"type", "job"},      {"request_id", j.request_id}, {"caller_id", j.caller_id},
              {"number", j.number}, {"queued_at", j.queued_at},   {"gateway", gateway}};
  if (!j.idempotency_key.empty()) doc["idempotency_key"] = j.idempotency_key;
  if (j.weight > 0) doc["weight"] = j.weight;
  return dump(doc);
}

std::string encode_cancel_record(const job& j) {
  return dump({{"type", "cancel"},
               {"request_id", j.request_id},
               {"caller_id", j.caller_id},
               {"requested_at", unix_millis_now()}});
}

result<job_record, kafka_errc> decode_job_record(std::string_view text) {
  auto object = record_object(text);
  if (!object) return object.error();
  const json& doc = *object;
  std::string type;
  if (auto read = get_text(doc, "type", type, true); !read) return read.error();
  job_record out;
  if (type == "job")
    out.type = job_record::kind::job;
  else if (type == "cancel")
    out.type = job_record::kind::cancel;
  else
    return malformed("unknown record type '" + type.substr(0, 32) + "'");
  job& j = out.value;
  auto read = get_text(doc, "request_id", j.request_id, true);
  if (read) read = get_text(doc, "caller_id", j.caller_id, true);
  if (!read) return read.error();
  if (j.request_id.empty() || j.request_id.size() > 128 || j.caller_id.empty() || j.caller_id.size() > 512)
    return malformed("request_id or caller_id is empty or too long");
  if (out.type == job_record::kind::cancel) return out;
  read = get_text(doc, "number", j.number, true);
  if (read) read = get_int(doc, "queued_at", j.queued_at);
  if (read) read = get_text(doc, "idempotency_key", j.idempotency_key, false);
  if (read) read = get_text(doc, "gateway", out.gateway, false);
  std::int64_t weight = 0;
  if (read) read = get_int(doc, "weight", weight);
  if (!read) return read.error();
  if (!is_decimal(j.number)) return malformed("\"number\" is not a normalized decimal number");
  if (weight < 0 || weight > max_weight) return malformed("\"weight\" is not from 1 to 100");
  if (j.idempotency_key.size() > 256) return malformed("\"idempotency_key\" is longer than 256 bytes");
  j.weight = static_cast<unsigned>(weight);
  j.status = job_status::queued;
  return out;
}

std::string encode_result(const job& j, std::string_view worker) {
  json doc = {{"request_id", j.request_id},
              {"caller_id", j.caller_id},
              {"number", j.number},
              {"status", std::string(to_string(j.status))},
              {"queued_at", j.queued_at},
              {"started_at", j.started_at},
              {"finished_at", j.finished_at},
              {"attempts", j.attempts},
              {"worker", worker}};
  if (j.status == job_status::done) doc["factors"] = j.factors;
  if (!j.error_code.empty()) doc["error"] = {{"code", j.error_code}, {"message", j.error_message}};
  if (!j.method.empty()) doc["method"] = j.method;
  if (!j.idempotency_key.empty()) doc["idempotency_key"] = j.idempotency_key;
  return dump(doc);
}

result<job, kafka_errc> decode_result(std::string_view text) {
  auto object = record_object(text);
  if (!object) return object.error();
  const json& doc = *object;
  job j;
  std::string status;
  auto read = get_text(doc, "request_id", j.request_id, true);
  if (read) read = get_text(doc, "caller_id", j.caller_id, true);
  if (read) read = get_text(doc, "number", j.number, true);
  if (read) read = get_text(doc, "status", status, true);
  if (read) read = get_int(doc, "queued_at", j.queued_at);
  if (read) read = get_int(doc, "started_at", j.started_at);
  if (read) read = get_int(doc, "finished_at", j.finished_at);
  if (read) read = get_text(doc, "method", j.method, false);
  if (read) read = get_text(doc, "idempotency_key", j.idempotency_key, false);
  if (!read) return read.error();
  if (!parse_job_status(status, j.status)) return malformed("unknown status '" + status.substr(0, 32) + "'");
  std::int64_t attempts = 0;
  if (read = get_int(doc, "attempts", attempts); !read) return read.error();
  j.attempts = static_cast<std::uint32_t>(std::clamp<std::int64_t>(attempts, 0, 1 << 20));
  if (auto f = doc.find("factors"); f != doc.end() && !f->is_null()) {
    if (!f->is_array()) return malformed("\"factors\" is not an array");
    if (j.status != job_status::done) return malformed("\"factors\" in a result that is not done");
    for (const auto& p : *f) {
      if (!p.is_string() || !is_decimal(p.get_ref<const std::string&>()))
        return malformed("a factor is not a decimal string");
      j.factors.push_back(p.get<std::string>());
    }
  }
  if (auto e = doc.find("error"); e != doc.end() && e->is_object()) {
    read = get_text(*e, "code", j.error_code, false);
    if (read) read = get_text(*e, "message", j.error_message, false);
    if (!read) return read.error();
  }
  return j;
}

std::string encode_dlq(const job& j, std::string_view reason, std::string_view message,
                       std::string_view worker) {
  json doc = {{"job", json::parse(encode_result(j, worker))},
              {"reason", reason},
              {"message", message},
              {"worker", worker},
              {"at", rfc3339(unix_millis_now())}};
  return dump(doc);
}

std::vector<topic_spec> factord_topics(const topic_names& names, int partitions,
                                       std::chrono::milliseconds retention) {
  const std::string ms = std::to_string(retention.count());
  return {
      {names.jobs, partitions, {{"retention.ms", ms}}},
      // Keyed by request id: compaction keeps each job's last state; delete drops finished
      // jobs after the retention, as `factord serve` does.
      {names.results, partitions, {{"cleanup.policy", "compact,delete"}, {"retention.ms", ms}}},
      {names.dlq, 1, {}},
      {names.commands,
       partitions,
       {{"retention.ms", std::to_string(config::limits::commands_retention.count())}}},
      {names.client_messages, partitions, {}},
  };
}

std::vector<std::pair<std::string, std::string>> result_headers(const job& j) {
  return {{"status", std::string(to_string(j.status))}, {"attempts", std::to_string(j.attempts)}};
}

std::string idempotent_request_id(std::string_view caller, std::string_view key) {
  // SHA-256 over a version tag and the length-prefixed pair, so no other (caller, key)
  // spells the same input. Unlike the FNV hash used before: the id does not give back the
  // key (a client's key may be a secret of its own), and no caller can craft a key whose id
  // is another caller's job (FNV collisions are easy to construct). It is still a function
  // of (caller, key) alone, as every gateway must derive the same id without sharing a
  // secret: whoever knows both can compute it (README "Known gaps"); job_book::find_for()
  // keeps the job private anyway.
  std::string input = "factord-idempotency-v2";
  input += '\0';
  input += std::to_string(caller.size());
  input += ':';
  input.append(caller);
  input.append(key);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &digest_size, EVP_sha256(), nullptr) != 1 ||
      digest_size < 16) {
    // OpenSSL's software SHA-256 does not fail short of memory exhaustion.
    std::fprintf(stderr, "factord: fatal: SHA-256 failed in OpenSSL\n");
    std::abort();
  }
  // "k" and 124 bits: 32 characters like a random id, and never equal to one.
  static constexpr char hex[] = "0123456789abcdef";
  std::string id = "k";
  for (std::size_t i = 0; i < 16; ++i) {
    id += hex[digest[i] >> 4];
    id += hex[digest[i] & 0x0f];
  }
  id.pop_back();
  return id;
}

} // namespace factord::actors
