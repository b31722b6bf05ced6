// librdkafka's mock cluster: Kafka brokers inside this process, on loopback ports, that
// speak enough of the protocol for producers, consumers and consumer groups. The Kafka
// actors reach them through `bootstraps()` like any broker. Plain librdkafka clients here
// write and read records beside the actors, so a test checks the actors against the
// broker's view rather than against themselves.
#pragma once

#include "actors/kafka/kafka_records.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

struct rd_kafka_s;
struct rd_kafka_mock_cluster_s;

namespace factord::testing {

class mock_kafka {
public:
  explicit mock_kafka(int brokers = 3);
  ~mock_kafka();
  mock_kafka(const mock_kafka&) = delete;
  mock_kafka& operator=(const mock_kafka&) = delete;

  const std::string& bootstraps() const { return bootstraps_; }

  // The mock broker has no CreateTopics API: topics are made here.
  void create_topic(const std::string& name, int partitions);

  // Every broker closes its connections and refuses new ones / accepts them again.
  void all_brokers_down();
  void all_brokers_up();
  // The next produce requests, one per error code, fail with these broker errors.
  void fail_next_produces(const std::vector<int>& error_codes);
  // Every broker delays its responses by `rtt`.
  void delay_responses(std::chrono::milliseconds rtt);

  // Writes the records to their partitions with a plain producer and waits for the
  // broker's acks; "" or the first error.
  std::string write(const std::vector<std::pair<std::int32_t, actors::kafka_message>>& records);

  // Everything in partitions 0..partitions-1 of `topic`, read with a plain consumer up to
  // each partition's end (at most `timeout`), in order per partition.
  std::vector<actors::kafka_record> read(const std::string& topic, int partitions,
                                         std::chrono::milliseconds timeout = std::chrono::seconds(10));

private:
  int brokers_;
  rd_kafka_s* host_ = nullptr; // a producer that exists only to own the cluster
  rd_kafka_mock_cluster_s* cluster_ = nullptr;
  std::string bootstraps_;
};

} // namespace factord::testing
