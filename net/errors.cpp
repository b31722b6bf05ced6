#include "net/errors.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <utility>

namespace factord::net {

namespace {

struct mapping {
  unsigned status;
  const char* default_code;
  const char* default_message;
  bool retry; // the client should come back later: send Retry-After
};

mapping map_code(actors::api_errc code) {
  switch (code) {
    case actors::api_errc::invalid_number:
      return {422, "invalid_number", "the number is not a positive decimal integer", false};
    case actors::api_errc::not_found: return {404, "not_found", "no job has this request id", false};
    case actors::api_errc::queue_full:
      return {429, "queue_full", "too many jobs are waiting; retry after the given delay", true};
    case actors::api_errc::not_ready:
      return {503, "not_ready", "the server is not accepting work right now; retry later", true};
    case actors::api_errc::bad_request: break;
  }
  return {400, "bad_request", "the request is malformed", false};
}

} // namespace

http_error make_http_error(unsigned status, std::string code, std::string message) {
  http_error e;
  e.status = status;
  e.code = std::move(code);
  e.message = std::move(message);
  return e;
}

http_error from_api_error(const actors::api_error& e) {
  auto m = map_code(e.code);
  http_error out;
  out.status = m.status;
  out.code = e.reason.empty() ? m.default_code : e.reason;
  out.message = e.message.empty() ? m.default_message : e.message;
  if (m.retry) // a 429/503 without Retry-After makes clients hammer us
    out.retry_after = std::max(e.retry_after, std::chrono::seconds{1});
  return out;
}

std::string error_body(const http_error& e) {
  nlohmann::ordered_json inner = {{"code", e.code}, {"message", e.message}};
  if (e.index) inner["index"] = *e.index;
  nlohmann::ordered_json body = {{"error", std::move(inner)}};
  // replace: a message may echo client bytes that are not valid UTF-8.
  return body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

} // namespace factord::net
