// What factord writes to and reads from Kafka (cluster mode), as pure functions: the
// records of the jobs, results and dead-letter topics, encoded as JSON. Nothing here
// touches librdkafka or CAF, so the format is tested alone.
//
//   <prefix>jobs      key caller id    {"type":"job", request_id, caller_id, number, queued_at,
//                                        idempotency_key?, gateway}
//                                       {"type":"cancel", request_id, caller_id, requested_at}
//   <prefix>results   key request id   the job object of API.md plus attempts, method, worker
//                                       (status running, done, failed or cancelled; queued for
//                                       an attempt record written before a suspect job runs)
//   <prefix>dlq       key request id   {"job":{...}, "reason", "message", "worker", "at"}
//                     (a malformed job record keeps its own key, a caller id)
//   <prefix>commands         key client id (or header client_id)  any JSON: pushed to sockets
//   <prefix>client-messages  key client id, header client_id       a client_message frame
#pragma once

#include "actors/kafka/kafka_errc.hpp"
#include "actors/protocol/job.hpp"
#include "config/result.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace factord::actors {

struct topic_names {
  std::string jobs, results, dlq, commands, client_messages;
  static topic_names with_prefix(const std::string& prefix) {
    return {prefix + "jobs", prefix + "results", prefix + "dlq", prefix + "commands",
            prefix + "client-messages"};
  }
};

// A topic factord creates when it is missing.
struct topic_spec {
  std::string name;
  int partitions = 6;
  std::map<std::string, std::string> config;
};

// factord's topics with their configuration (results compacted; retention from settings).
std::vector<topic_spec> factord_topics(const topic_names& names, int partitions,
                                       std::chrono::milliseconds retention);

// One record read from a topic (the parts factord uses).
struct kafka_record {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::string key;
  std::string value;
  std::vector<std::pair<std::string, std::string>> headers;

  // The last header with this name; empty if none.
  std::string_view header(std::string_view name) const {
    for (auto it = headers.rbegin(); it != headers.rend(); ++it)
      if (it->first == name) return it->second;
    return {};
  }
};

// One record to write.
struct kafka_message {
  std::string topic;
  std::string key;
  std::string value;
  std::vector<std::pair<std::string, std::string>> headers;
};

// The headers of a result record, "status" and "attempts", so the worker bridges read them
// without parsing the JSON value. (Job records carry "request_id" and client messages
// "client_id"; their writers set those.)
std::vector<std::pair<std::string, std::string>> result_headers(const job& j);

// A record of the jobs topic.
struct job_record {
  enum class kind { job, cancel } type = kind::job;
  job value; // request_id, caller_id, number, queued_at, idempotency_key
  std::string gateway;
};

std::string encode_job_record(const job& j, std::string_view gateway);
std::string encode_cancel_record(const job& j);
// `malformed_record`, saying what is wrong, for anything that is not a well-formed job or
// cancel record (the worker sends those to the dead-letter topic).
result<job_record, kafka_errc> decode_job_record(std::string_view text);

std::string encode_result(const job& j, std::string_view worker);
// `malformed_record`, saying what is wrong, for anything that is not a result record.
result<job, kafka_errc> decode_result(std::string_view text);

std::string encode_dlq(const job& j, std::string_view reason, std::string_view message,
                       std::string_view worker);

// The request id for an Idempotency-Key: the same caller and key give the same id on
// every gateway, so a retry through another gateway never creates a second job. "k" and
// 31 hex digits of SHA-256 over the pair: the key cannot be read back from the id, and no
// caller can pick a key that lands on another caller's id.
std::string idempotent_request_id(std::string_view caller, std::string_view key);

} // namespace factord::actors
