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
// Messages in (its type, gateway_bridge_actor, checks them): registry_api
// (protocol/registry_api.hpp: submit, batch, fetch, cancel, stats, workers, probe, drain,
// ready, where ready answers "" or why not) plus
//   (attach_atom, caf::actor consumer)          its reader, once spawned
//   (records_atom, std::vector<kafka_record>)  (health_atom, bool, std::string)
//   (synced_atom, uint64_t token, bool ok)      from its kafka-consumer
//   (hello_atom, std::string client_id, caf::actor session)   a ws-session opened
//   (relay_atom, std::string client_id, std::string frame) -> std::string ("" = published)
// Internal (sent to itself, so in its type too): (sync_atom) the unknown-id lookups' short
//   wait is over, (waitover_atom, id, waiter) long-poll expiry, (purge_atom) retention sweep.
// It sends to untyped actors (producer, consumer, sessions) with anon_send: CAF 0.17 lets a
// typed actor send() only to typed actors.
#pragma once

#include "actors/protocol/api.hpp"
#include "actors/protocol/registry_api.hpp"
#include "actors/kafka/kafka_records.hpp"
#include "config/options.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace factord::actors {

using gateway_bridge_actor = registry_api::extend<
    caf::reacts_to<attach_atom, caf::actor>,                                  // its reader
    caf::reacts_to<records_atom, std::vector<kafka_record>>,                  // from the reader
    caf::reacts_to<health_atom, bool, std::string>,                           // from the reader
    caf::reacts_to<synced_atom, std::uint64_t, bool>,                         // from the reader
    caf::reacts_to<hello_atom, std::string, caf::actor>,                      // a ws-session opened
    caf::replies_to<relay_atom, std::string, std::string>::with<std::string>, // client_message
    caf::reacts_to<sync_atom>,                                                // internal
    caf::reacts_to<waitover_atom, std::string, std::uint64_t>,                // internal
    caf::reacts_to<purge_atom>>;                                              // internal

struct gateway_bridge_config {
  config::settings settings;
  topic_names topics;
  std::string node_id;
  caf::actor producer; // kafka-producer (acks=all, idempotent)
};

gateway_bridge_actor spawn_gateway_bridge(caf::actor_system& sys, gateway_bridge_config config);

} // namespace factord::actors
