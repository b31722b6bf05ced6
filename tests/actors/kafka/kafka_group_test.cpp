// kafka-consumer in group mode (the workers on the jobs topic) against librdkafka's mock
// brokers: how members split the partitions, and where a partition's next owner starts.
// The 2.0.2 mock group coordinator waits 3 s for the first members to join and, after a
// member leaves, session timeout - 1 s for the others to rejoin. It also drops a member
// whose JoinGroup waited longer than its session timeout, without ever answering it, so
// the session timeout must stay above those 3 s: 4 s (production: 6 s) keeps each test
// within seconds.
#include "kafka_fixture.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace std::chrono_literals;
using namespace factord::actors;
using factord::testing::bridge_log;
using factord::testing::kafka_fixture;

namespace {

using offsets = std::vector<std::pair<std::int32_t, std::int64_t>>;

// Records 0..count-1 on each of the partitions of "jobs".
void fill_jobs(kafka_fixture& f, int partitions, int count) {
  std::vector<std::pair<std::int32_t, kafka_message>> records;
  for (int i = 0; i < count; ++i)
    for (std::int32_t p = 0; p < partitions; ++p)
      records.emplace_back(p, kafka_message{"jobs", "caller", std::to_string(p) + "-" + std::to_string(i), {}});
  REQUIRE(f.kafka.write(records) == "");
}

caf::actor start_member(kafka_fixture& f, const std::string& name, const caf::actor& bridge) {
  kafka_consumer_settings settings;
  settings.client_id = name;
  settings.group = "workers";
  settings.topics = {{"jobs", true}};
  settings.target = bridge;
  settings.session_timeout = 4000ms;
  settings.heartbeat = 500ms;
  return f.start_consumer(settings);
}

// Offsets of partition `p` the bridge got after its `n`-th assignment (0-based).
std::vector<std::int64_t> offsets_after(const bridge_log& log, std::size_t n, std::int32_t p) {
  std::vector<std::int64_t> out;
  for (std::size_t i = log.assigned.at(n).records_before; i < log.records.size(); ++i)
    if (log.records[i].partition == p) out.push_back(log.records[i].offset);
  return out;
}

bool has_records(const bridge_log& log, std::size_t n, const std::set<std::int32_t>& partitions, std::size_t each) {
  if (log.assigned.size() <= n) return false;
  for (auto p : partitions)
    if (offsets_after(log, n, p).size() < each) return false;
  return true;
}

std::set<std::int32_t> as_set(const std::vector<std::int32_t>& v) { return {v.begin(), v.end()}; }

} // namespace

TEST_CASE("two group consumers split the partitions; when one leaves the other takes all from the committed offsets",
          "[actor][kafka]") {
  kafka_fixture f;
  f.kafka.create_topic("jobs", 4);
  fill_jobs(f, 4, 5);
  auto a = f.start_bridge();
  auto b = f.start_bridge();
  auto member_a = start_member(f, "worker-a", a.actor);
  start_member(f, "worker-b", b.actor);

  // Both joined within the coordinator's first 3 s: one generation, two partitions each,
  // each with its end offset at that moment.
  auto assigned = [](const bridge_log& log) { return !log.assigned.empty(); };
  REQUIRE(a.journal->wait(15s, assigned));
  REQUIRE(b.journal->wait(15s, assigned));
  auto first_a = a.log().assigned.front();
  auto first_b = b.log().assigned.front();
  CHECK(first_a.partitions.size() == 2);
  CHECK(first_b.partitions.size() == 2);
  std::set<std::int32_t> all = as_set(first_a.partitions);
  all.insert(first_b.partitions.begin(), first_b.partitions.end());
  CHECK(all == std::set<std::int32_t>{0, 1, 2, 3});
  CHECK(first_a.ends == std::vector<std::int64_t>{5, 5});
  CHECK(first_b.ends == std::vector<std::int64_t>{5, 5});

  // Each reads its own partitions, nothing else.
  auto own_a = as_set(first_a.partitions);
  auto own_b = as_set(first_b.partitions);
  REQUIRE(a.journal->wait(10s, [&](const bridge_log& log) { return has_records(log, 0, own_a, 5); }));
  REQUIRE(b.journal->wait(10s, [&](const bridge_log& log) { return has_records(log, 0, own_b, 5); }));
  for (const auto& r : a.log().records) CHECK(own_a.count(r.partition) == 1);
  for (const auto& r : b.log().records) CHECK(own_b.count(r.partition) == 1);

  // Worker a finished offsets 0, 1, 2 and 4 of its partitions, not 3: it commits 3, the
  // lowest unfinished. A commit from an older generation (a job finished after its
  // partition was taken away) must not count.
  offsets done, stale;
  for (auto p : first_a.partitions) {
    done.emplace_back(p, 3);
    stale.emplace_back(p, 5);
  }
  f.self->send(member_a, commit_atom::value, done, first_a.generation);
  f.self->send(member_a, commit_atom::value, stale, first_a.generation - 1);
  f.stop(member_a);
  CHECK(a.log().revoked.size() == 1); // leaving gives its partitions back

  // b is rebalanced: everything revoked, then all four partitions in a newer generation.
  // a's partitions resume at a's commit; b's own, never committed, from the beginning.
  REQUIRE(b.journal->wait(10s, [&](const bridge_log& log) { return has_records(log, 1, all, 2); }));
  auto log_b = b.log();
  REQUIRE(log_b.revoked.size() == 1);
  auto revoked_at = std::find(log_b.events.begin(), log_b.events.end(), "revoked");
  CHECK(std::find(revoked_at, log_b.events.end(), "assigned") != log_b.events.end());
  auto second_b = log_b.assigned.at(1);
  CHECK(as_set(second_b.partitions) == all);
  CHECK(second_b.generation > first_b.generation);
  REQUIRE(b.journal->wait(10s, [&](const bridge_log& log) { return has_records(log, 1, own_b, 5); }));
  log_b = b.log();
  for (auto p : first_a.partitions) {
    INFO("a's partition " << p);
    CHECK(offsets_after(log_b, 1, p) == std::vector<std::int64_t>{3, 4});
  }
  for (auto p : first_b.partitions) {
    INFO("b's partition " << p);
    CHECK(offsets_after(log_b, 1, p) == std::vector<std::int64_t>{0, 1, 2, 3, 4});
  }
}

TEST_CASE("a new member of the group starts each partition at the offset committed for it", "[actor][kafka]") {
  kafka_fixture f;
  f.kafka.create_topic("jobs", 2);
  fill_jobs(f, 2, 5);
  auto first = f.start_bridge();
  auto member = start_member(f, "worker-a", first.actor);
  REQUIRE(first.journal->wait(15s, [](const bridge_log& log) { return has_records(log, 0, {0, 1}, 5); }));
  auto generation = first.log().assigned.front().generation;

  // Partition 0 is done up to offset 3, partition 1 completely.
  f.self->send(member, commit_atom::value, offsets{{0, 3}, {1, 5}}, generation);
  f.stop(member);
  fill_jobs(f, 2, 1); // offset 5 of both partitions, written while the group is empty

  auto next = f.start_bridge();
  start_member(f, "worker-c", next.actor);
  REQUIRE(next.journal->wait(15s, [](const bridge_log& log) {
    return has_records(log, 0, {0}, 3) && has_records(log, 0, {1}, 1);
  }));
  auto log = next.log();
  CHECK(offsets_after(log, 0, 0) == std::vector<std::int64_t>{3, 4, 5});
  CHECK(offsets_after(log, 0, 1) == std::vector<std::int64_t>{5});
}
