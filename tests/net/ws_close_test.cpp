#include "net/ws_close.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>

using factord::net::close_frame;
using factord::net::ws_close;

TEST_CASE("every WebSocket close the server sends has its RFC 6455 code", "[net]") {
  struct row {
    ws_close why;
    std::uint16_t code;
    const char* reason;
  };
  const row rows[] = {
      {ws_close::idle, 1000, "idle"}, // API.md: code 1000, reason `idle`
      {ws_close::by_operator, 1000, "closed by operator"},
      {ws_close::going_away, 1001, "going away"},
      {ws_close::protocol_error, 1002, ""},
      {ws_close::invalid_payload, 1007, ""},
      {ws_close::too_big, 1009, ""},
      {ws_close::auth_failed, 1008, "authentication failed"},
      {ws_close::auth_revoked, 1008, "credential no longer valid"},
      {ws_close::rate_limited, 1008, "rate limited"},
      {ws_close::message_too_slow, 1008, "message too slow"},
  };
  REQUIRE(std::size(rows) == factord::net::ws_close_count); // a new close needs a row here too
  std::set<ws_close> seen;
  for (const auto& r : rows) {
    INFO(r.reason);
    CHECK(seen.insert(r.why).second);
    auto frame = close_frame(r.why);
    CHECK(frame.code == r.code);
    CHECK(frame.reason == r.reason);
    // Codes an endpoint may put on the wire (1005, 1006 and 1015 are reserved for reports).
    CHECK(frame.code >= 1000);
    CHECK(frame.code <= 1011);
    CHECK(frame.code != 1005);
    CHECK(frame.code != 1006);
    CHECK(frame.reason.size() <= 123); // a control frame's payload is 125 bytes, 2 for the code
  }
}
