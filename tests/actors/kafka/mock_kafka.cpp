#include "mock_kafka.hpp"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h> // only after rdkafka.h

#include <memory>
#include <set>
#include <stdexcept>

namespace factord::testing {

namespace {

using handle_ptr = std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)>;

// A client of the mock cluster; throws when librdkafka refuses the configuration.
handle_ptr make_client(rd_kafka_type_t type, const std::vector<std::pair<const char*, std::string>>& props,
                       void (*delivered)(rd_kafka_t*, const rd_kafka_message_t*, void*) = nullptr,
                       void* opaque = nullptr) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  for (const auto& [key, value] : props) {
    if (rd_kafka_conf_set(conf, key, value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      throw std::runtime_error(std::string("mock_kafka: ") + key + ": " + err);
    }
  }
  if (delivered) rd_kafka_conf_set_dr_msg_cb(conf, delivered);
  rd_kafka_conf_set_opaque(conf, opaque);
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err); // owns conf on success
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(std::string("mock_kafka: cannot create a client: ") + err);
  }
  return {rk, &rd_kafka_destroy};
}

void check(rd_kafka_resp_err_t err, const char* what) {
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    throw std::runtime_error(std::string("mock_kafka: ") + what + ": " + rd_kafka_err2str(err));
}

} // namespace

mock_kafka::mock_kafka(int brokers) : brokers_(brokers) {
  // The host never connects anywhere; its log would only say so.
  host_ = make_client(RD_KAFKA_PRODUCER, {{"log_level", "0"}}).release();
  cluster_ = rd_kafka_mock_cluster_new(host_, brokers);
  if (!cluster_) {
    rd_kafka_destroy(host_);
    throw std::runtime_error("mock_kafka: rd_kafka_mock_cluster_new failed");
  }
  bootstraps_ = rd_kafka_mock_cluster_bootstraps(cluster_);
}

mock_kafka::~mock_kafka() {
  rd_kafka_mock_cluster_destroy(cluster_);
  rd_kafka_destroy(host_);
}

void mock_kafka::create_topic(const std::string& name, int partitions) {
  check(rd_kafka_mock_topic_create(cluster_, name.c_str(), partitions, 1), "create topic");
}

// Broker ids run from 1 to the broker count.
void mock_kafka::all_brokers_down() {
  for (int id = 1; id <= brokers_; ++id) check(rd_kafka_mock_broker_set_down(cluster_, id), "broker down");
}

void mock_kafka::all_brokers_up() {
  for (int id = 1; id <= brokers_; ++id) check(rd_kafka_mock_broker_set_up(cluster_, id), "broker up");
}

void mock_kafka::fail_next_produces(const std::vector<int>& error_codes) {
  std::vector<rd_kafka_resp_err_t> errors;
  errors.reserve(error_codes.size());
  for (int code : error_codes) errors.push_back(static_cast<rd_kafka_resp_err_t>(code));
  rd_kafka_mock_push_request_errors_array(cluster_, 0 /* ProduceRequest */, errors.size(), errors.data());
}

void mock_kafka::delay_responses(std::chrono::milliseconds rtt) {
  for (int id = 1; id <= brokers_; ++id)
    check(rd_kafka_mock_broker_set_rtt(cluster_, id, static_cast<int>(rtt.count())), "broker rtt");
}

std::string mock_kafka::write(const std::vector<std::pair<std::int32_t, actors::kafka_message>>& records) {
  std::string first_error; // set by delivery reports, which run inside flush() on this thread
  auto delivered = [](rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto& error = *static_cast<std::string*>(opaque);
    if (m->err && error.empty()) error = rd_kafka_err2str(m->err);
  };
  auto producer = make_client(RD_KAFKA_PRODUCER, {{"bootstrap.servers", bootstraps_}, {"linger.ms", "0"}},
                              delivered, &first_error);
  for (const auto& [partition, m] : records) {
    rd_kafka_headers_t* headers = rd_kafka_headers_new(m.headers.size());
    for (const auto& [name, value] : m.headers)
      rd_kafka_header_add(headers, name.data(), static_cast<ssize_t>(name.size()), value.data(),
                          static_cast<ssize_t>(value.size()));
    rd_kafka_vu_t fields[6] = {};
    fields[0].vtype = RD_KAFKA_VTYPE_TOPIC;
    fields[0].u.cstr = m.topic.c_str();
    fields[1].vtype = RD_KAFKA_VTYPE_PARTITION;
    fields[1].u.i32 = partition;
    fields[2].vtype = RD_KAFKA_VTYPE_KEY;
    fields[2].u.mem = {const_cast<char*>(m.key.data()), m.key.size()};
    fields[3].vtype = RD_KAFKA_VTYPE_VALUE;
    fields[3].u.mem = {const_cast<char*>(m.value.data()), m.value.size()};
    fields[4].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
    fields[4].u.i = RD_KAFKA_MSG_F_COPY;
    fields[5].vtype = RD_KAFKA_VTYPE_HEADERS;
    fields[5].u.headers = headers;
    if (rd_kafka_error_t* error = rd_kafka_produceva(producer.get(), fields, 6)) {
      std::string text = rd_kafka_error_string(error);
      rd_kafka_error_destroy(error);
      rd_kafka_headers_destroy(headers); // still ours when the produce failed
      return text;
    }
  }
  if (rd_kafka_flush(producer.get(), 10000) != RD_KAFKA_RESP_ERR_NO_ERROR) return "flush timed out";
  return first_error;
}

std::vector<actors::kafka_record> mock_kafka::read(const std::string& topic, int partitions,
                                                   std::chrono::milliseconds timeout) {
  // A group id only because librdkafka's consumer API wants one; nothing joins or commits.
  auto consumer = make_client(RD_KAFKA_CONSUMER, {{"bootstrap.servers", bootstraps_},
                                                  {"group.id", "mock-kafka-reader"},
                                                  {"enable.auto.commit", "false"},
                                                  {"enable.partition.eof", "true"},
                                                  // the end is seen at once, not after 500 ms
                                                  {"fetch.wait.max.ms", "10"}});
  check(rd_kafka_poll_set_consumer(consumer.get()), "poll_set_consumer");
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
  for (std::int32_t p = 0; p < partitions; ++p)
    rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  auto err = rd_kafka_assign(consumer.get(), list);
  rd_kafka_topic_partition_list_destroy(list);
  check(err, "assign");

  std::vector<actors::kafka_record> out;
  std::set<std::int32_t> at_end;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (at_end.size() < static_cast<std::size_t>(partitions) &&
         std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer.get(), 50);
    if (!m) continue;
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) at_end.insert(m->partition);
    if (!m->err) {
      actors::kafka_record r;
      r.topic = rd_kafka_topic_name(m->rkt);
      r.partition = m->partition;
      r.offset = m->offset;
      if (m->key) r.key.assign(static_cast<const char*>(m->key), m->key_len);
      if (m->payload) r.value.assign(static_cast<const char*>(m->payload), m->len);
      rd_kafka_headers_t* headers = nullptr;
      if (rd_kafka_message_headers(m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* name = nullptr;
        const void* value = nullptr;
        size_t size = 0;
        for (size_t i = 0;
             rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i)
          r.headers.emplace_back(name, value ? std::string(static_cast<const char*>(value), size) : "");
      }
      out.push_back(std::move(r));
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(consumer.get());
  return out;
}

} // namespace factord::testing
