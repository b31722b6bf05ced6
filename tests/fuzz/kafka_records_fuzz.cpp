// The Kafka record decoders (jobs, cancels, results): what a worker or gateway reads from a
// topic anyone with broker access may write. A decoded record re-encodes and decodes the same.
#include "actors/kafka/kafka_records.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace factord;
  const auto text = fuzz::as_text(data, size);
  auto record = actors::decode_job_record(text);
  if (record) {
    const auto& j = record->value;
    fuzz::require(!j.request_id.empty() && !j.caller_id.empty(), "a job record names its job and caller");
    fuzz::require(j.idempotency_key.size() <= 256 && j.weight <= 100, "bounded fields stay bounded");
    if (record->type == actors::job_record::kind::job) {
      auto again = actors::decode_job_record(actors::encode_job_record(j, record->gateway));
      fuzz::require(again && again->value.number == j.number && again->value.weight == j.weight,
                    "a job record round-trips");
    }
  } else {
    fuzz::require(!record.message().empty(), "a refused record says why");
  }
  auto result = actors::decode_result(text);
  if (result) {
    auto again = actors::decode_result(actors::encode_result(*result, "w"));
    fuzz::require(again && again->request_id == result->request_id && again->factors == result->factors,
                  "a result round-trips");
  }
  return 0;
}
