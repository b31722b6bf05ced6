// Why a Kafka call of factord failed: client creation, topic creation, a record refused
// by the producer, a record that does not decode. The message next to the code says what
// happened (librdkafka's text, or which field is wrong).
//
// Not every failure is a result: the producer still answers `produce` with a std::string
// ("" once the broker acknowledged, else librdkafka's text), because that is its message
// protocol with the bridges (kafka_producer.hpp).
#pragma once

#include <cstdint>
#include <string_view>

namespace factord::actors {

enum class kafka_errc : std::uint8_t {
  bad_config,         // librdkafka refused a property or callback, or the settings are incomplete
  cannot_create,      // librdkafka could not create the producer or consumer
  broker_unreachable, // no broker answered a metadata request
  timed_out,          // the broker did not answer an admin request in time
  refused,            // the broker or librdkafka refused a request (topic creation, a record)
  malformed_record,   // a record's value is not the JSON factord writes (the worker dead-letters it)
};

// Stable snake_case name, for logs.
constexpr std::string_view to_string(kafka_errc e) noexcept {
  switch (e) {
    case kafka_errc::bad_config: return "bad_config";
    case kafka_errc::cannot_create: return "cannot_create";
    case kafka_errc::broker_unreachable: return "broker_unreachable";
    case kafka_errc::timed_out: return "timed_out";
    case kafka_errc::refused: return "refused";
    case kafka_errc::malformed_record: return "malformed_record";
  }
  return "unknown";
}

} // namespace factord::actors
