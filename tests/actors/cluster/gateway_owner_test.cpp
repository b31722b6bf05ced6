// The gateway's kafka-bridge keeps jobs private as the job-registry does: another caller's
// GET or DELETE is answered exactly as an unknown id (the same wait for the topics, the same
// 404) and writes nothing to Kafka. A real kafka-producer writes to librdkafka's mock
// cluster; the test plays the bridge's reader (records, health, sync barriers), so every
// wait is the test's own choice. Real time, every wait bounded.
#include "mock_kafka.hpp"

#include "actors/cluster/gateway_bridge.hpp"
#include "actors/kafka/kafka_producer.hpp"
#include "actors/protocol/atoms.hpp"
#include "actors/protocol/registry_api.hpp"
#include "config/log.hpp"

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/after.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace factord::actors;
using namespace std::chrono_literals;

namespace {

caf::actor_system_config& real_time(caf::actor_system_config& cfg) {
  factord::logging::init(factord::config::log_format::text, factord::logging::level::warn);
  cfg.set("scheduler.max-threads", 2);
  return cfg;
}

struct gateway_fixture {
  // First member, so it is destroyed last: the mock brokers die with it.
  factord::testing::mock_kafka kafka;
  caf::actor_system_config cfg;
  caf::actor_system sys{real_time(cfg)};
  caf::scoped_actor self{sys};
  topic_names topics = topic_names::with_prefix("owner-test.");
  caf::actor producer;
  gateway_bridge_actor bridge;

  // `delivery_timeout`: the gateway's --kafka-timeout, as its producer gets it.
  explicit gateway_fixture(std::chrono::milliseconds delivery_timeout = 5s) {
    kafka.create_topic(topics.jobs, 2);
    kafka.create_topic(topics.results, 2);
    kafka_producer_settings ps;
    ps.delivery_timeout = delivery_timeout;
    ps.brokers = kafka.bootstraps();
    ps.client_id = "owner-test";
    auto spawned = spawn_kafka_producer(sys, ps);
    REQUIRE(spawned);
    producer = *spawned;
    bridge = spawn_gateway_bridge(sys, {factord::config::settings{}, topics, "gateway-test", producer});
    // The test is the bridge's reader: Kafka is up and the topics are read to their end.
    self->send(bridge, attach_atom::value, caf::actor_cast<caf::actor>(self));
    self->send(bridge, health_atom::value, true, std::string());
    self->send(bridge, synced_atom::value, std::uint64_t{0}, true);
  }

  ~gateway_fixture() {
    for (const auto& a : {caf::actor_cast<caf::actor>(bridge), producer}) {
      self->send_exit(a, caf::exit_reason::user_shutdown);
      self->wait_for(a);
    }
  }

  job_reply submit(const std::string& caller, const std::string& number, const std::string& key = {}) {
    return submit_to(bridge, caller, number, key);
  }
  job_reply submit_to(const gateway_bridge_actor& to, const std::string& caller, const std::string& number,
                      const std::string& key) {
    job_reply out;
    self->request(to, 10s, submit_atom::value, submission{caller, number, key, {}, {}})
        .receive([&](job_reply& r) { out = std::move(r); }, [](caf::error&) { FAIL("no answer to submit"); });
    return out;
  }

  // Answers that arrived (GETs and DELETEs sent with send(), so they come as messages),
  // and the sync barriers the bridge asked its reader for, within `bound`.
  struct mail {
    std::vector<job_reply> replies;
    std::vector<std::uint64_t> syncs;
  };
  mail collect(std::size_t replies, caf::timespan bound) {
    mail m;
    bool more = true;
    auto until = std::chrono::steady_clock::now() + bound;
    while (more && m.replies.size() < replies && std::chrono::steady_clock::now() < until) {
      self->receive(
          [&](job_reply& r) { m.replies.push_back(std::move(r)); },
          [&](sync_atom, std::uint64_t token) { m.syncs.push_back(token); },
          caf::after(std::chrono::duration_cast<caf::timespan>(until - std::chrono::steady_clock::now())) >>
              [&] { more = false; });
    }
    return m;
  }

  // The jobs topic as the broker has it: kinds of record, in order.
  std::vector<std::string> jobs_topic() {
    std::vector<std::string> kinds;
    for (const auto& r : kafka.read(topics.jobs, 2, 5s))
      kinds.push_back(r.value.find("\"cancel\"") != std::string::npos ? "cancel" : "job");
    return kinds;
  }
};

} // namespace

TEST_CASE("on a gateway another caller's GET waits and 404s exactly like an unknown id", "[actor][cluster]") {
  gateway_fixture f;
  auto alices = f.submit("alice", "91");
  REQUIRE(alices.ok);
  const auto id = alices.value.request_id;
  const std::string unknown(id.size(), '0');

  f.self->send(f.bridge, fetch_atom::value, id, caf::timespan{0}, as_caller("bob"));
  f.self->send(f.bridge, fetch_atom::value, unknown, caf::timespan{0}, as_caller("bob"));
  // Both wait for the records, then for one sync barrier; neither is answered before it.
  auto before = f.collect(2, 2s);
  CHECK(before.replies.empty());
  REQUIRE(before.syncs.size() == 1);
  f.self->send(f.bridge, synced_atom::value, before.syncs.front(), true);
  auto after = f.collect(2, 5s);
  REQUIRE(after.replies.size() == 2);
  for (const auto& r : after.replies) {
    CHECK_FALSE(r.ok);
    CHECK(r.error.code == api_errc::not_found);
    CHECK(r.error.reason == "unknown_request_id");
    CHECK(r.value.request_id.empty());
  }
  auto text = after.replies[1].error.message;
  text.replace(text.find(unknown), unknown.size(), id);
  CHECK(after.replies[0].error.message == text);

  // The owner and an admin are answered at once, without a sync.
  f.self->send(f.bridge, fetch_atom::value, id, caf::timespan{0}, as_caller("alice"));
  f.self->send(f.bridge, fetch_atom::value, id, caf::timespan{0}, as_admin());
  auto owners = f.collect(2, 5s);
  CHECK(owners.syncs.empty());
  REQUIRE(owners.replies.size() == 2);
  for (const auto& r : owners.replies) {
    CHECK(r.ok);
    CHECK(r.value.request_id == id);
    CHECK(r.value.caller_id == "alice");
  }
}

TEST_CASE("on a gateway another caller's DELETE is a 404 and writes no cancel to Kafka", "[actor][cluster]") {
  gateway_fixture f;
  auto alices = f.submit("alice", "91");
  REQUIRE(alices.ok);
  const auto id = alices.value.request_id;

  f.self->send(f.bridge, cancel_atom::value, id, as_caller("bob"));
  auto held = f.collect(1, 1s);
  CHECK(held.replies.empty());
  REQUIRE(held.syncs.size() == 1);
  f.self->send(f.bridge, synced_atom::value, held.syncs.front(), true);
  auto refused = f.collect(1, 5s);
  REQUIRE(refused.replies.size() == 1);
  CHECK(refused.replies[0].error.code == api_errc::not_found);
  CHECK(f.jobs_topic() == std::vector<std::string>{"job"});

  // The owner's DELETE writes the cancel record after the job; the worker's cancelled
  // result (played here) answers it.
  f.self->send(f.bridge, cancel_atom::value, id, as_caller("alice"));
  auto until = std::chrono::steady_clock::now() + 10s;
  while (f.jobs_topic().size() < 2 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(50ms);
  CHECK(f.jobs_topic() == std::vector<std::string>{"job", "cancel"});
  job cancelled = alices.value;
  cancelled.status = job_status::cancelled;
  cancelled.error_code = "cancelled";
  cancelled.finished_at = unix_millis_now();
  kafka_record result{f.topics.results, 0, 0, id, encode_result(cancelled, "worker-test"), {}};
  f.self->send(f.bridge, records_atom::value, std::vector<kafka_record>{result});
  auto owners = f.collect(1, 5s);
  REQUIRE(owners.replies.size() == 1);
  CHECK(owners.replies[0].ok);
  CHECK(owners.replies[0].value.status == job_status::cancelled);
}

TEST_CASE("on a gateway a job read from the topics is shown only to its caller", "[actor][cluster]") {
  gateway_fixture f;
  job carols;
  carols.request_id = "0123456789abcdef0123456789abcdef";
  carols.caller_id = "carol";
  carols.number = "91";
  carols.queued_at = unix_millis_now();
  kafka_record record{f.topics.jobs, 1, 0, "carol", encode_job_record(carols, "another-gateway"), {}};
  // Asked before this gateway read the job (another gateway accepted it a moment ago).
  f.self->send(f.bridge, fetch_atom::value, carols.request_id, caf::timespan{0}, as_caller("carol"));
  f.self->send(f.bridge, fetch_atom::value, carols.request_id, caf::timespan{0}, as_caller("bob"));
  f.self->send(f.bridge, records_atom::value, std::vector<kafka_record>{record});
  auto first = f.collect(1, 2s);
  REQUIRE(first.replies.size() == 1); // carol's, as soon as the record is read
  CHECK(first.replies[0].ok);
  CHECK(first.replies[0].value.caller_id == "carol");
  auto rest = f.collect(1, 2s);
  CHECK(rest.replies.empty()); // bob's waits for a sync, as for an unknown id
  REQUIRE(rest.syncs.size() == 1);
  f.self->send(f.bridge, synced_atom::value, rest.syncs.front(), true);
  auto bobs = f.collect(1, 5s);
  REQUIRE(bobs.replies.size() == 1);
  CHECK(bobs.replies[0].error.code == api_errc::not_found);
}

TEST_CASE("a gateway's 503 after a Kafka delivery timeout says the outcome is unknown, and a keyed retry "
          "through another gateway names the same job",
          "[actor][cluster]") {
  gateway_fixture f(300ms);
  // Records time out while the producer (re)connects, e.g. after the disconnect that a
  // timed-out request causes: wait until one goes through.
  auto connected = [&] {
    for (int i = 0; i < 40; ++i)
      if (f.submit("alice", "91").ok) return true;
    return false;
  };
  // The broker stores the records but answers after the gateway's --kafka-timeout.
  // One record per phase: a record still waiting behind another when the time runs out was
  // never sent, and librdkafka rightly reports it as not written.
  auto timed_out = [&](const std::string& number, const std::string& key) {
    REQUIRE(connected());
    // Well past the 300 ms timeout plus librdkafka's once-a-second scan for timed-out
    // records (1.5 s was too close for the sanitizer build).
    f.kafka.delay_responses(3000ms);
    auto r = f.submit("alice", number, key);
    f.kafka.delay_responses(0ms);
    return r;
  };
  auto keyed = timed_out("91", "retry-me");
  auto keyless = timed_out("93", "");
  for (const auto* r : {&keyed, &keyless}) {
    CHECK_FALSE(r->ok);
    CHECK(r->error.code == api_errc::not_ready);
    CHECK(r->error.reason == "kafka_unavailable");
    CHECK_THAT(r->error.message, Catch::Matchers::Contains("may or may not have been accepted"));
    CHECK_THAT(r->error.message, !Catch::Matchers::Contains("nothing was accepted"));
  }
  CHECK_THAT(keyed.error.message, Catch::Matchers::Contains("same Idempotency-Key is safe"));
  CHECK_THAT(keyless.error.message, Catch::Matchers::Contains("may create a second job"));

  REQUIRE(connected());
  // The retry goes to another gateway, which has not read the first record: the same key
  // derives the same request id, so it is the same job, not a second one.
  auto other =
      spawn_gateway_bridge(f.sys, {factord::config::settings{}, f.topics, "gateway-two", f.producer});
  f.self->send(other, attach_atom::value, caf::actor_cast<caf::actor>(f.self));
  f.self->send(other, health_atom::value, true, std::string());
  f.self->send(other, synced_atom::value, std::uint64_t{0}, true);
  auto retried = f.submit_to(other, "alice", "91", "retry-me");
  REQUIRE(retried.ok);
  auto jobs = f.kafka.read(f.topics.jobs, 2, 5s);
  std::size_t records_of_job = 0;
  for (const auto& r : jobs)
    if (r.value.find(retried.value.request_id) != std::string::npos) ++records_of_job;
  CHECK(records_of_job == 2); // the timed-out write and the retry: one id, deduplicated downstream
  f.self->send_exit(other, caf::exit_reason::user_shutdown);
  f.self->wait_for(other);
}
