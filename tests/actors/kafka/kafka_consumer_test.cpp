// kafka-consumer in reader mode against librdkafka's mock brokers: what its bridge gets,
// and when it is told it has caught up.
#include "kafka_fixture.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using namespace factord::actors;
using factord::testing::bridge_log;
using factord::testing::kafka_fixture;

namespace {

kafka_message numbered(std::int32_t partition, int i) {
  auto tag = std::to_string(partition) + "-" + std::to_string(i);
  return {"results",
          "key-" + std::to_string(partition),
          "value-" + tag,
          {{"request_id", "r" + tag}, {"status", "done"}}};
}

std::vector<std::pair<std::int32_t, kafka_message>> batch(int partitions, int first, int last) {
  std::vector<std::pair<std::int32_t, kafka_message>> out;
  for (int i = first; i < last; ++i)
    for (std::int32_t p = 0; p < partitions; ++p) out.emplace_back(p, numbered(p, i));
  return out;
}

// The bridge got records 0..last-1 of partition `p`, in order and complete.
void check_partition(const bridge_log& log, std::int32_t p, int last) {
  auto got = log.of("results", p);
  INFO("partition " << p);
  REQUIRE(got.size() == static_cast<std::size_t>(last));
  for (int i = 0; i < last; ++i) {
    auto want = numbered(p, i);
    CHECK(got[static_cast<std::size_t>(i)].offset == i);
    CHECK(got[static_cast<std::size_t>(i)].key == want.key);
    CHECK(got[static_cast<std::size_t>(i)].value == want.value);
    CHECK(got[static_cast<std::size_t>(i)].headers == want.headers);
  }
}

} // namespace

TEST_CASE("kafka-consumer delivers every record with its metadata, in order per partition",
          "[actor][kafka]") {
  kafka_fixture f;
  f.kafka.create_topic("results", 3);
  REQUIRE(f.kafka.write(batch(3, 0, 10)) == "");

  auto bridge = f.start_bridge();
  kafka_consumer_settings settings;
  settings.topics = {{"results", true}};
  settings.target = bridge.actor;
  settings.max_batch = 4; // several batches per partition
  auto consumer = f.start_consumer(settings);

  // The start-up catch-up (token 0) comes after everything that was in the topic.
  REQUIRE(bridge.journal->wait(10s, [](const bridge_log& log) { return !log.synced.empty(); }));
  auto log = bridge.log();
  REQUIRE(log.health == std::vector<bool>{true});
  REQUIRE(log.synced.size() == 1);
  CHECK(log.synced[0].token == 0);
  CHECK(log.synced[0].ok);
  CHECK(log.synced[0].records_before == 30);
  for (std::int32_t p = 0; p < 3; ++p) check_partition(log, p, 10);

  // Records written later follow, and a sync covers whatever is in the topic when it is
  // asked for.
  REQUIRE(f.kafka.write(batch(3, 10, 15)) == "");
  f.self->send(consumer, sync_atom::value, std::uint64_t{7});
  REQUIRE(bridge.journal->wait(10s, [](const bridge_log& l) { return l.synced.size() == 2; }));
  log = bridge.log();
  CHECK(log.synced[1].token == 7);
  CHECK(log.synced[1].ok);
  CHECK(log.synced[1].records_before == 45);
  for (std::int32_t p = 0; p < 3; ++p) check_partition(log, p, 15);
}
