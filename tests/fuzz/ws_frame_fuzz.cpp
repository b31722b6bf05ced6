// The WebSocket frame protocol: any text frame is a bare number, a JSON request, or a JSON
// frame with an error to send back; replies and errors format without trouble.
#include "actors/session/ws_protocol.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace factord;
  const auto text = fuzz::as_text(data, size);
  auto request = actors::parse_ws_frame(text);
  if (request.form == actors::ws_request::kind::bare) {
    fuzz::require(request.number == text, "a bare frame is its own number text");
    fuzz::require(request.error.empty(), "a bare frame has no frame error");
  }
  fuzz::require(request.error.size() < 200, "frame errors are short, whatever the frame");
  const auto error = actors::format_ws_error(request, request.error.empty() ? "x" : request.error, "id");
  fuzz::require(!error.empty(), "an error frame is written");
  actors::job j;
  j.number = request.number;
  j.status = actors::job_status::done;
  j.factors = {request.userid};
  fuzz::require(!actors::format_ws_reply(request, j).empty(), "a reply frame is written");
  return 0;
}
