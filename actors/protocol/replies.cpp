#include "actors/protocol/replies.hpp"

#include "factor/parse.hpp"

namespace factord::actors {

const char* to_string(api_errc code) noexcept {
  switch (code) {
    case api_errc::invalid_number: return "invalid_number";
    case api_errc::not_found: return "not_found";
    case api_errc::queue_full: return "queue_full";
    case api_errc::not_ready: return "not_ready";
    case api_errc::bad_request: return "bad_request";
    case api_errc::rate_limited: return "rate_limited";
  }
  return "bad_request";
}

api_error make_error(api_errc code, std::string reason, std::string message, int retry_after_seconds) {
  return {code, std::move(reason), std::move(message), std::chrono::seconds{retry_after_seconds}};
}

job_reply failed_reply(api_error e, rate_state rate) {
  job_reply r;
  r.error = std::move(e);
  r.rate = rate;
  return r;
}

job_reply ok_reply(const job& j, bool created) {
  job_reply r;
  r.ok = true;
  r.created = created;
  r.value = j;
  return r;
}

job_reply unknown_id_reply(const std::string& id) {
  // Ids come from clients: quote at most 64 characters of one back.
  return failed_reply(make_error(api_errc::not_found, "unknown_request_id",
                                 "no job has request id '" + id.substr(0, 64) +
                                     "'; it may have expired after the retention period"));
}

std::variant<std::string, api_error> normalize_number(const std::string& text, unsigned max_digits) {
  auto parsed = factor::parse_number(text, max_digits);
  if (!parsed.ok())
    return make_error(api_errc::invalid_number, std::string(factor::to_string(parsed.error)), parsed.message);
  return parsed.value.get_str();
}

} // namespace factord::actors
