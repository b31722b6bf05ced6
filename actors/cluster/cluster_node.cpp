// Start and stop of the cluster roles (factord gateway, factord worker).
#include "actors/protocol/atoms.hpp"
#include "actors/console/console.hpp"
#include "actors/scheduling/dispatcher.hpp"
#include "actors/cluster/gateway_bridge.hpp"
#include "actors/kafka/kafka_consumer.hpp"
#include "actors/kafka/kafka_producer.hpp"
#include "actors/cluster/cluster_node.hpp"
#include "actors/protocol/probe.hpp"
#include "actors/cluster/worker_bridge.hpp"
#include "actors/scheduling/worker_pool.hpp"
#include "config/limits.hpp"
#include "config/log.hpp"

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>

#include <unistd.h>

namespace factord::actors {

namespace {

std::string node_name(const config::settings& s) {
  if (!s.node_id.empty()) return s.node_id;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host[0] ? host : "factord") + "-" + std::to_string(getpid());
}

failure<node_errc> no_kafka(const char* role) {
  return fail(node_errc::kafka_not_configured,
              std::string("factord ") + role +
                  " needs Kafka. Hint: pass --kafka HOST:PORT (or set KAFKA_BOOTSTRAP_SERVERS); "
                  "scripts/kafka start runs a broker on 127.0.0.1:19092");
}

// In order, each gone before the next is told; typed and untyped handles alike.
template <class... Handles>
void stop_all(caf::actor_system& sys, const Handles&... actors) {
  caf::scoped_actor self{sys};
  auto stop = [&self](const auto& a) {
    if (!a) return;
    self->send_exit(a, caf::exit_reason::user_shutdown);
    self->wait_for(a);
  };
  (stop(actors), ...);
}

} // namespace

result<node, node_errc> start_gateway(caf::actor_system& sys, const config::settings& settings) {
  if (settings.kafka.empty()) return no_kafka("gateway");
  node n;
  n.role = node_role::gateway;
  std::string id = node_name(settings);
  auto topics = topic_names::with_prefix(settings.topic_prefix);
  auto producer = spawn_kafka_producer(sys, {settings.kafka, "factord-" + id, settings.kafka_timeout});
  if (!producer) return fail(node_errc::kafka_client_failed, producer.message());
  n.producer = *producer;
  n.console = spawn_console(sys);
  auto bridge = spawn_gateway_bridge(sys, {settings, topics, id, n.producer});
  n.jobs = bridge;
  kafka_consumer_settings reader;
  reader.brokers = settings.kafka;
  reader.client_id = "factord-" + id;
  reader.topics = {{topics.jobs, true}, {topics.results, true}, {topics.commands, false}};
  reader.ensure = factord_topics(topics, static_cast<int>(settings.kafka_partitions), settings.retention);
  reader.target = caf::actor_cast<caf::actor>(bridge); // kafka/ sends untyped
  auto consumer = spawn_kafka_consumer(sys, reader);
  if (!consumer) {
    stop_all(sys, n.jobs, n.producer, n.console);
    return fail(node_errc::kafka_client_failed, consumer.message());
  }
  n.consumer = *consumer;
  caf::anon_send(bridge, attach_atom::value, n.consumer);
  register_actor(n.console, n.jobs, "kafka-bridge", 0, "gateway " + id);
  register_actor(n.console, n.producer, "kafka-producer", n.jobs.id(), topics.jobs);
  register_actor(n.console, n.consumer, "kafka-consumer", n.jobs.id(), "reader");
  attach_console(n.console, n.jobs, n.dispatcher);
  logging::info("gateway_starting",
                {{"node", id}, {"kafka", settings.kafka}, {"topics", settings.topic_prefix + "*"}});
  return n;
}

result<node, node_errc> start_worker(caf::actor_system& sys, const config::settings& settings) {
  if (settings.kafka.empty()) return no_kafka("worker");
  node n;
  n.role = node_role::worker;
  std::string id = node_name(settings);
  auto topics = topic_names::with_prefix(settings.topic_prefix);
  // Results are never given up on: librdkafka retries until the broker has them.
  // Results wait a moment to travel together: a result's latency matters less than the
  // broker's load.
  auto producer = spawn_kafka_producer(sys, {settings.kafka, "factord-" + id,
                                             config::limits::worker_result_delivery_timeout,
                                             config::limits::worker_result_linger});
  if (!producer) return fail(node_errc::kafka_client_failed, producer.message());
  n.producer = *producer;
  n.console = spawn_console(sys);
  n.dispatcher = sys.spawn(dispatcher, n.console, scheduling_from(settings));
  auto bridge = spawn_worker_bridge(sys, {settings, topics, id, n.producer, n.dispatcher});
  n.jobs = bridge;
  auto ensure = factord_topics(topics, static_cast<int>(settings.kafka_partitions), settings.retention);
  kafka_consumer_settings group;
  group.brokers = settings.kafka;
  group.client_id = "factord-" + id;
  group.group = settings.topic_prefix + "workers";
  group.topics = {{topics.jobs, true}};
  group.ensure = ensure;
  group.target = caf::actor_cast<caf::actor>(bridge); // kafka/ sends untyped
  kafka_consumer_settings results;
  results.brokers = settings.kafka;
  results.client_id = "factord-" + id + "-results";
  results.topics = {{topics.results, true}};
  results.ensure = ensure;
  results.target = group.target;
  auto consumer = spawn_kafka_consumer(sys, group);
  if (consumer) n.consumer = *consumer;
  auto reader = consumer ? spawn_kafka_consumer(sys, results) : consumer; // the first failure
  if (!reader) {
    stop_all(sys, n.consumer, n.jobs, n.dispatcher, n.producer, n.console);
    return fail(node_errc::kafka_client_failed, reader.message());
  }
  n.reader = *reader;
  caf::anon_send(bridge, attach_atom::value, n.consumer);
  unsigned workers = config::effective_workers(settings);
  n.pool = sys.spawn(worker_pool, n.dispatcher, bridge, workers, settings.max_suspended,
                     worker_limits{settings.max_digits, settings.job_budget}, n.console);
  register_actor(n.console, n.jobs, "kafka-bridge", 0, "worker " + id);
  register_actor(n.console, n.dispatcher, "dispatcher", 0, "");
  register_actor(n.console, n.pool, "worker-pool", 0, "");
  register_actor(n.console, n.producer, "kafka-producer", n.jobs.id(), topics.results);
  register_actor(n.console, n.consumer, "kafka-consumer", n.jobs.id(), "group " + group.group);
  register_actor(n.console, n.reader, "kafka-consumer", n.jobs.id(), "results reader");
  attach_console(n.console, n.jobs, n.dispatcher);
  logging::info("worker_starting",
                {{"node", id}, {"kafka", settings.kafka}, {"workers", std::to_string(workers)}});
  return n;
}

void stop_cluster_node(caf::actor_system& sys, node& n) {
  {
    caf::scoped_actor self{sys};
    // 1. The bridge refuses new work; a worker's bridge raises the shutdown flag of
    //    running jobs (unfinished, so not committed: another worker runs them) and sends
    //    its last commit to the consumer.
    self->request(n.jobs, config::limits::drain_reply_wait, drain_atom::value)
        .receive([](bool) {},
                 [](caf::error& err) {
                   logging::error("drain_failed", {{"error", caf::to_string(err)}});
                 });
    if (n.pool) {
      self->send(n.pool, drain_atom::value);
      self->wait_for(n.pool);
    }
    // The bridge's last commit is in the consumer's mailbox; a round trip behind it makes
    // sure it was handled before the (prioritised) exit message arrives.
    self->request(n.consumer, config::limits::consumer_round_trip_wait, probe_atom::value)
        .receive([](probe_sample&) {}, [](caf::error&) {});
  }
  // 2. Consumers close (a worker's commits its last offsets and leaves the group, so its
  //    partitions move at once); then the bridge and the scheduler; the producer last,
  //    flushing what the bridge wrote.
  stop_all(sys, n.consumer, n.reader, n.jobs, n.dispatcher, n.producer, n.console);
  n = node{};
  logging::info("node_stopped");
}

} // namespace factord::actors
