// The Kafka actors against librdkafka's mock cluster, on CAF's real scheduler. These
// actors are detached and block in librdkafka calls, so CAF's test coordinator cannot
// drive them: the tests run in real time and every wait has a bound.
#pragma once

#include "mock_kafka.hpp"
#include "recording_bridge.hpp"
#include "result_text.hpp"

#include "actors/kafka/kafka_consumer.hpp"
#include "actors/kafka/kafka_producer.hpp"
#include "actors/protocol/atoms.hpp"
#include "config/log.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace factord::testing {

inline caf::actor_system_config& real_time_config(caf::actor_system_config& cfg) {
  logging::init(config::log_format::text, logging::level::warn);
  cfg.set("scheduler.max-threads", 2);
  return cfg;
}

struct kafka_fixture {
  // First member, so it is destroyed last: the mock brokers die with it, and a consumer
  // whose brokers vanished blocks in close() for a long time.
  mock_kafka kafka;
  caf::actor_system_config cfg;
  caf::actor_system sys{real_time_config(cfg)};
  caf::scoped_actor self{sys};
  std::vector<caf::actor> running; // stopped in reverse order when the test ends

  struct bridge {
    caf::actor actor;
    std::shared_ptr<bridge_journal> journal;
    bridge_log log() const { return journal->snapshot(); }
  };

  ~kafka_fixture() {
    kafka.all_brokers_up(); // a test that failed during an outage: let consumers close
    while (!running.empty()) stop(running.back());
  }

  bridge start_bridge() {
    auto journal = std::make_shared<bridge_journal>();
    auto actor = spawn_recording_bridge(sys, journal);
    running.push_back(actor);
    return {actor, journal};
  }

  caf::actor start_producer(actors::kafka_producer_settings settings = {}) {
    settings.brokers = kafka.bootstraps();
    if (settings.client_id.empty()) settings.client_id = "test-producer";
    auto producer = actors::spawn_kafka_producer(sys, settings);
    REQUIRE(producer);
    running.push_back(*producer);
    return *producer;
  }

  caf::actor start_consumer(actors::kafka_consumer_settings settings) {
    settings.brokers = kafka.bootstraps();
    if (settings.client_id.empty()) settings.client_id = "test-consumer";
    auto consumer = actors::spawn_kafka_consumer(sys, std::move(settings));
    REQUIRE(consumer);
    running.push_back(*consumer);
    return *consumer;
  }

  // Ends the actor the way a node's shutdown does (exit message) and waits until it is gone.
  void stop(const caf::actor& a) {
    self->send_exit(a, caf::exit_reason::user_shutdown);
    self->wait_for(a);
    running.erase(std::remove(running.begin(), running.end(), a), running.end());
  }

  // The producer's answer to one produce request; "no answer: ..." if none came in `timeout`.
  std::string produce(const caf::actor& producer, const actors::kafka_message& m,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::string answer;
    self->request(producer, timeout, actors::produce_atom::value, m)
        .receive([&](std::string& reply) { answer = std::move(reply); },
                 [&](caf::error& err) { answer = "no answer: " + to_string(err); });
    return answer;
  }
};

} // namespace factord::testing
