// kafka-producer: a detached actor that owns one librdkafka producer (cluster mode).
// librdkafka calls back from poll(); only this actor's thread polls, so delivery reports
// become replies without locks.
//
// Messages in:
//   (produce_atom, kafka_message) -> std::string   "" once the broker acknowledged it
//                                                   (acks=all, idempotent), else the error
//   (publish_atom, kafka_message)                  the same without a reply (best effort)
//   (probe_atom) -> probe_sample
// The reply to `produce` is text, not a result<void, kafka_errc>: it is this actor's
// message protocol with both bridges, which treat any non-empty text as "not acknowledged"
// (librdkafka's reason, or "shutting down"). When librdkafka says the record may have been
// written all the same (a delivery timeout after it was sent: MSG_STATUS_POSSIBLY_PERSISTED)
// the text starts with `possibly_written` (see outcome_unknown()).
// On exit it flushes what is queued (at most 5 s), then destroys the producer.
#pragma once

#include "actors/kafka/kafka_errc.hpp"
#include "actors/kafka/kafka_records.hpp"
#include "config/result.hpp"

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace factord::actors {

// The start of a produce reply whose record may be in the topic after all.
inline constexpr const char* possibly_written = "possibly written: ";
inline bool outcome_unknown(const std::string& produce_reply) {
  return produce_reply.rfind(possibly_written, 0) == 0;
}

struct kafka_producer_settings {
  std::string brokers;
  std::string client_id;
  // How long librdkafka keeps retrying one record; 0 = for ever (worker results).
  std::chrono::milliseconds delivery_timeout{5000};
  // How long records wait to be sent together: fewer, larger requests for the broker.
  std::chrono::milliseconds linger{5};
};

// `bad_config` or `cannot_create` when librdkafka refuses the configuration.
result<caf::actor, kafka_errc> spawn_kafka_producer(caf::actor_system& sys,
                                                    const kafka_producer_settings& settings);

} // namespace factord::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(factord::actors::kafka_message)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(factord::actors::kafka_record)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<factord::actors::kafka_record>)
