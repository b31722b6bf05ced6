// Start of the cluster roles (factord gateway, factord worker); stop_node (node/node.hpp)
// stops them. Only the factord-cluster binary links this library (and librdkafka).
#pragma once

#include "actors/node/node.hpp"

namespace factord::actors {

// The gateway's kafka-bridge with its producer and reader; the worker's kafka-bridge,
// dispatcher and factor workers with its producer and consumers. They start even while
// the broker is unreachable and become ready when it answers.
result<node, node_errc> start_gateway(caf::actor_system& sys, const config::settings& settings);
result<node, node_errc> start_worker(caf::actor_system& sys, const config::settings& settings);

// Graceful stop of a gateway or worker: the bridge drains, the consumers commit and leave
// the group, the producer flushes last. Blocks until done.
void stop_cluster_node(caf::actor_system& sys, node& n);

} // namespace factord::actors
