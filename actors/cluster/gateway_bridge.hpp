// kafka-bridge, gateway side (cluster mode). It speaks the job-registry's protocol to
// net/ and the ws-sessions, so the HTTP and WebSocket code is the same as in `factord
// serve`; behind it the jobs live in Kafka instead of a local journal.
//
//  - A submission is produced to the jobs topic (key: caller id) by the idempotent
//    producer; the 202 (or WebSocket acceptance) is given only after the broker
//    acknowledged it. While the broker is unreachable: 503 + Retry-After, never a 202.
//  - Job states are materialized from the jobs and results topics (read from the
//    beginning by this gateway's reader), so a GET on any gateway answers for a job any
//    gateway accepted. An id not known yet is looked up after reading up to the topics'
//    current end (a sync barrier), so an accepted id never answers 404.
//  - Waiters (long-poll GETs) and watchers (ws-sessions) are told when a result arrives.
//  - Push: records on the commands topic go to the open sockets of their client id;
//    client_message frames are published to the client-messages topic.
//
// Messages in: the job-registry's (submit, batch, fetch, cancel, stats, workers, probe,
// drain, purge) plus
//   (records_atom, std::vector<kafka_record>)  (health_atom, bool, std::string)
//   (synced_atom, uint64_t token, bool ok)      from its kafka-consumer
//   (hello_atom, std::string client_id, caf::actor session)   a ws-session opened
//   (relay_atom, std::string client_id, std::string frame) -> std::string ("" = published)
//   (ready_atom) -> std::string ("" = ready, else why not)
#pragma once

#include "actors/protocol/api.hpp"
#include "actors/kafka/kafka_records.hpp"
#include "config/options.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

namespace factord::actors {

struct gateway_bridge_config {
  config::settings settings;
  topic_names topics;
  std::string node_id;
  caf::actor producer; // kafka-producer (acks=all, idempotent)
};

caf::actor spawn_gateway_bridge(caf::actor_system& sys, gateway_bridge_config config);

} // namespace factord::actors
