// Creating Kafka clients and topics fails as a value with a kafka_errc and librdkafka's
// reason: a refused property, consumer settings without their topic, no broker at all.
// Nothing here needs a broker; the one that would connects to a closed port.
#include "actors/kafka/kafka_common.hpp"
#include "actors/kafka/kafka_consumer.hpp"
#include "actors/kafka/kafka_producer.hpp"
#include "result_text.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include <catch2/catch.hpp>

#include <chrono>

using namespace factord::actors;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;
using Catch::Matchers::Equals;

namespace {

// Port 1 on loopback: nothing listens there, so a connection is refused at once.
constexpr const char* no_broker = "127.0.0.1:1";

} // namespace

TEST_CASE("make_conf refuses an unknown or out-of-range property as bad_config", "[kafka_common]") {
  auto unknown = kafka::make_conf(no_broker, "test", nullptr, {{"no.such.property", "1"}});
  REQUIRE_FALSE(unknown);
  CHECK(unknown.code() == kafka_errc::bad_config);
  CHECK_THAT(unknown.message(), Contains("Kafka property no.such.property=1: "));

  auto out_of_range = kafka::make_conf(no_broker, "test", nullptr, {{"linger.ms", "-5"}});
  REQUIRE_FALSE(out_of_range);
  CHECK(out_of_range.code() == kafka_errc::bad_config);
  CHECK_THAT(out_of_range.message(), Contains("Kafka property linger.ms=-5: "));

  auto fine = kafka::make_conf(no_broker, "test", nullptr, {{"linger.ms", "5"}});
  REQUIRE(fine);
  CHECK(*fine != nullptr);
}

TEST_CASE("ensure_topics without a broker is broker_unreachable", "[kafka_common]") {
  auto conf = kafka::make_conf(no_broker, "test", nullptr, {{"log_level", "0"}}); // refusals are expected
  REQUIRE(conf);
  std::string err;
  std::unique_ptr<RdKafka::Producer> handle(RdKafka::Producer::create(conf->get(), err));
  REQUIRE(handle);
  auto ensured = kafka::ensure_topics(handle.get(), {{"factord-test-jobs", 1, {}}}, 300ms);
  REQUIRE_FALSE(ensured);
  CHECK(ensured.code() == kafka_errc::broker_unreachable);
  CHECK_THAT(ensured.message(), Contains("no Kafka broker answered: "));
}

TEST_CASE("the Kafka clients refuse a bad configuration before they start", "[kafka_common]") {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};

  SECTION("a producer with a delivery timeout librdkafka refuses") {
    kafka_producer_settings settings;
    settings.brokers = no_broker;
    settings.client_id = "test";
    settings.delivery_timeout = -1ms;
    auto producer = spawn_kafka_producer(sys, settings);
    REQUIRE_FALSE(producer);
    CHECK(producer.code() == kafka_errc::bad_config);
    CHECK_THAT(producer.message(), Contains("Kafka property message.timeout.ms=-1: "));
  }
  SECTION("a consumer without a topic") {
    kafka_consumer_settings settings;
    settings.brokers = no_broker;
    settings.client_id = "test";
    auto consumer = spawn_kafka_consumer(sys, settings);
    REQUIRE_FALSE(consumer);
    CHECK(consumer.code() == kafka_errc::bad_config);
    CHECK_THAT(consumer.message(),
               Equals("internal: a consumer needs its topics (exactly one in group mode)"));
  }
  SECTION("a group consumer with two topics") {
    kafka_consumer_settings settings;
    settings.brokers = no_broker;
    settings.client_id = "test";
    settings.group = "workers";
    settings.topics = {{"jobs", true}, {"results", true}};
    auto consumer = spawn_kafka_consumer(sys, settings);
    REQUIRE_FALSE(consumer);
    CHECK(consumer.code() == kafka_errc::bad_config);
  }
  SECTION("a consumer whose heartbeat librdkafka refuses") {
    kafka_consumer_settings settings;
    settings.brokers = no_broker;
    settings.client_id = "test";
    settings.topics = {{"jobs", true}};
    settings.heartbeat = 0ms;
    auto consumer = spawn_kafka_consumer(sys, settings);
    REQUIRE_FALSE(consumer);
    CHECK(consumer.code() == kafka_errc::bad_config);
    CHECK_THAT(consumer.message(), Contains("Kafka property heartbeat.interval.ms=0: "));
  }
}
