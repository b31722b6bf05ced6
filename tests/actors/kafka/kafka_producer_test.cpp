// kafka-producer against librdkafka's mock brokers: a produce is answered only once the
// broker has the record, and the broker then serves it to any reader.
#include "kafka_fixture.hpp"

#include <catch2/catch.hpp>
#include <librdkafka/rdkafka.h> // broker error codes

using namespace std::chrono_literals;
using factord::actors::kafka_message;
using factord::actors::kafka_producer_settings;
using factord::actors::outcome_unknown;
using factord::actors::possibly_written;
using factord::testing::kafka_fixture;

namespace {

using clock_type = std::chrono::steady_clock;

long long ms_since(clock_type::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - start).count();
}

} // namespace

TEST_CASE("kafka-producer answers a produce with \"\" once the broker acknowledged it", "[actor][kafka]") {
  kafka_fixture f;
  f.kafka.create_topic("results", 3);
  auto producer = f.start_producer();

  kafka_message first{"results", "req-1", R"({"status":"done"})", {{"status", "done"}, {"attempts", "1"}}};
  CHECK(f.produce(producer, first) == "");

  // With every broker answering 400 ms late, the answer cannot come before the ack.
  f.kafka.delay_responses(400ms);
  kafka_message second{"results", "req-2", R"({"status":"running"})", {{"status", "running"}}};
  auto start = clock_type::now();
  CHECK(f.produce(producer, second) == "");
  auto waited = ms_since(start);
  INFO("answered after " << waited << " ms");
  CHECK(waited >= 400);
  f.kafka.delay_responses(0ms);

  // The broker has both, with key, value and headers as sent.
  auto stored = f.kafka.read("results", 3);
  REQUIRE(stored.size() == 2);
  std::sort(stored.begin(), stored.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& sent = i == 0 ? first : second;
    CHECK(stored[i].topic == "results");
    CHECK(stored[i].key == sent.key);
    CHECK(stored[i].value == sent.value);
    CHECK(stored[i].headers == sent.headers);
  }
}

TEST_CASE("kafka-producer retries a transient broker error: still \"\", and the record is stored once",
          "[actor][kafka]") {
  kafka_fixture f;
  f.kafka.create_topic("results", 1);
  auto producer = f.start_producer();
  REQUIRE(f.produce(producer, {"results", "req-1", "first", {}}) == "");

  f.kafka.fail_next_produces({RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS});
  CHECK(f.produce(producer, {"results", "req-2", "second", {}}) == "");

  auto stored = f.kafka.read("results", 1); // a third record would be a duplicate
  REQUIRE(stored.size() == 2);
  CHECK(stored[0].value == "first");
  CHECK(stored[1].value == "second");
}

TEST_CASE("kafka-producer answers a record the broker refuses with the broker's error, and the next one goes "
          "through",
          "[actor][kafka]") {
  kafka_fixture f;
  f.kafka.create_topic("results", 1);
  auto producer = f.start_producer();
  REQUIRE(f.produce(producer, {"results", "req-1", "first", {}}) == "");

  f.kafka.fail_next_produces({RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE});
  CHECK(f.produce(producer, {"results", "req-2", "refused", {}}) == "Broker: Message size too large");
  CHECK(f.produce(producer, {"results", "req-3", "third", {}}) == "");

  auto stored = f.kafka.read("results", 1);
  REQUIRE(stored.size() == 2);
  CHECK(stored[0].value == "first");
  CHECK(stored[1].value == "third");
}

TEST_CASE("kafka-producer says when a record that timed out may have been written, and it was",
          "[actor][kafka]") {
  kafka_fixture f;
  f.kafka.create_topic("jobs", 1);
  kafka_producer_settings settings;
  settings.delivery_timeout = 300ms;
  auto producer = f.start_producer(settings);
  // Connected. Until the producer has connected, a record can time out unsent (a loaded
  // machine, the sanitizer build): a plain timeout, never written, so try again.
  std::string first;
  for (int attempt = 0; attempt < 20; ++attempt) {
    first = f.produce(producer, {"jobs", "req-1", "first", {}});
    if (first.empty() || outcome_unknown(first)) break;
  }
  REQUIRE(first == "");
  // The broker takes the record but answers after the producer has given up on it.
  // librdkafka looks for timed-out records once a second, so the answer comes well after
  // the 300 ms timeout plus that scan (1.5 s was too close for the sanitizer build).
  f.kafka.delay_responses(3000ms);
  auto reply = f.produce(producer, {"jobs", "req-2", "second", {}});
  INFO(reply);
  CHECK(outcome_unknown(reply));
  f.kafka.delay_responses(0ms);
  // The truth behind "possibly written": the record is in the topic.
  auto stored = f.kafka.read("jobs", 1);
  REQUIRE(stored.size() == 2);
  CHECK(stored[1].value == "second");
}

TEST_CASE("kafka-producer's plain refusals are not mistaken for unknown outcomes", "[actor][kafka]") {
  CHECK_FALSE(outcome_unknown(""));
  CHECK_FALSE(outcome_unknown("Local: Message timed out"));
  CHECK_FALSE(outcome_unknown("shutting down"));
  CHECK(outcome_unknown(std::string(possibly_written) + "Local: Message timed out"));
}
