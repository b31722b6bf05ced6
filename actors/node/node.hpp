// One node of `factord serve`: the journal and every actor of the job server, started and
// stopped together. main() wires this to net/.
#pragma once

#include "actors/protocol/registry_api.hpp"
#include "config/options.hpp"
#include "config/result.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

namespace factord::actors {

enum class node_role { serve, gateway, worker };

// Why a node did not start. Each comes with a message that says what to fix; main logs it
// as start_failed and maps the code to the exit status (config/exit_codes.hpp).
enum class node_errc {
  journal_unavailable,  // serve: the journal under --data-dir cannot be opened or written
  kafka_not_configured, // gateway, worker: no --kafka (nor KAFKA_BOOTSTRAP_SERVERS)
  kafka_client_failed,  // gateway, worker: librdkafka refused to create a producer or consumer
};

struct node {
  node_role role = node_role::serve;
  // The actor that holds the node's jobs and answers the registry protocol
  // (protocol/registry_api.hpp): the job-registry in serve, the kafka-bridge in gateway and
  // worker (a worker's refuses submit, batch, fetch and cancel: jobs reach it through Kafka).
  registry_api jobs;
  caf::actor dispatcher;   // round-robin over callers
  caf::actor pool;         // supervisor of the factor workers
  caf::actor console;      // actor directory and probes for the inspection console
  caf::actor checkpointer; // journal WAL checkpoints off the registry's thread (may be null)
  // Cluster mode: the Kafka clients (detached actors).
  caf::actor producer;
  caf::actor consumer; // worker: the consumer group on the jobs topic; gateway: reader
  caf::actor reader;   // worker: the results reader
};

// Opens the journal under settings.data_dir, re-queues unfinished jobs in their original
// order, and spawns the console, the registry, the dispatcher, the factor workers and the
// journal-checkpointer (when the journal's WAL can be checkpointed off the registry).
result<node, node_errc> start_node(caf::actor_system& sys, const config::settings& settings);

// Graceful stop: running jobs are abandoned but stay journalled (they run again after a
// restart), the journal is committed, every node actor exits. Blocks until done.
void stop_node(caf::actor_system& sys, node& n);

} // namespace factord::actors
