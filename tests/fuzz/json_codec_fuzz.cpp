// The REST JSON codecs: a body for POST /v1/jobs and for POST /v1/jobs:batch. Every refusal
// has a message; a batch never holds more than --max-batch numbers.
#include "fuzz_support.hpp"
#include "net/json_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace factord;
  const auto body = fuzz::as_text(data, size);
  auto one = net::extract_number(body);
  fuzz::require(one.ok() || !one.message().empty(), "a refused number body says why");
  constexpr std::size_t max_batch = 16;
  auto many = net::extract_numbers(body, max_batch);
  if (!many.ok()) {
    fuzz::require(!many.message().empty(), "a refused batch says why");
    return 0;
  }
  fuzz::require(!many->empty() && many->size() <= max_batch, "a batch holds 1 to --max-batch numbers");
  for (const auto& element : *many)
    fuzz::require(element.ok() || !element.message().empty(), "a bad element says why");
  return 0;
}
