// A broker outage, with every mock broker refusing connections: what the Kafka actors tell
// their users while it lasts and after it ends.
#include "kafka_fixture.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using namespace factord::actors;
using factord::testing::bridge_log;
using factord::testing::kafka_fixture;

namespace {

using clock_type = std::chrono::steady_clock;

long long ms_since(clock_type::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - start).count();
}

bool last_health_is(const bridge_log& log, bool up) { return !log.health.empty() && log.health.back() == up; }

} // namespace

TEST_CASE("with every broker down the consumer reports down and a produce fails, and back up both work again",
          "[actor][kafka]") {
  kafka_fixture f;
  f.kafka.create_topic("jobs", 2);
  auto bridge = f.start_bridge();
  kafka_consumer_settings reader;
  reader.topics = {{"jobs", true}};
  reader.target = bridge.actor;
  f.start_consumer(reader);
  kafka_producer_settings producer_settings;
  producer_settings.delivery_timeout = 1500ms; // a gateway's submission: give up, answer 503
  auto producer = f.start_producer(producer_settings);

  REQUIRE(bridge.journal->wait(10s, [](const bridge_log& log) { return last_health_is(log, true); }));
  REQUIRE(f.produce(producer, {"jobs", "caller", "before", {}}) == "");

  f.kafka.all_brokers_down();
  auto down_at = clock_type::now();
  REQUIRE(bridge.journal->wait(10s, [](const bridge_log& log) { return last_health_is(log, false); }));
  auto noticed = ms_since(down_at);
  // A produce is answered with an error once its delivery timeout is over; it never hangs.
  auto start = clock_type::now();
  auto answer = f.produce(producer, {"jobs", "caller", "during", {}});
  auto failed_after = ms_since(start);
  INFO("health down after " << noticed << " ms; produce failed after " << failed_after << " ms: " << answer);
  CHECK(noticed < 5000);
  CHECK_FALSE(answer.empty());
  CHECK(answer.rfind("no answer", 0) == std::string::npos);
  CHECK(failed_after < 5000);

  CHECK(last_health_is(bridge.log(), false)); // still down while the outage lasts
  f.kafka.all_brokers_up();
  auto up_at = clock_type::now();
  REQUIRE(bridge.journal->wait(10s, [](const bridge_log& log) { return last_health_is(log, true); }));
  auto recovered = ms_since(up_at);
  INFO("health up after " << recovered << " ms");
  CHECK(recovered < 5000);
  CHECK(f.produce(producer, {"jobs", "caller", "after", {}}) == "");

  // The reader saw the records written outside the outage, and only those.
  REQUIRE(bridge.journal->wait(10s, [](const bridge_log& log) { return log.records.size() >= 2; }));
  std::vector<std::string> values;
  for (const auto& r : bridge.log().records) values.push_back(r.value);
  std::sort(values.begin(), values.end());
  CHECK(values == std::vector<std::string>{"after", "before"});
  CHECK(bridge.log().health == std::vector<bool>{true, false, true});
}
