// WebSocket close codes: every way the server ends a WebSocket, with the RFC 6455 code and
// reason it sends. The one table; ws_connection.cpp closes through it and checks at compile
// time that Beast's own closes (1002, 1007, 1009) are the codes written here.
//
// Not in the table: a peer's close is echoed with the peer's code (Beast); a slow consumer
// (outbound queue full in frames or bytes, or one write pending for
// config::limits::ws_write_deadline) gets no close frame, its TCP connection is dropped,
// because it reads nothing we could send.
#pragma once

#include <cstdint>
#include <string_view>

namespace factord::net {

enum class ws_close : std::uint8_t {
  idle,             // nothing in flight, nothing received for --ws-idle-timeout (API.md)
  by_operator,      // the console's close_session action
  going_away,       // the server shuts down
  protocol_error,   // broken framing (Beast closes)
  invalid_payload,  // a text frame that is not UTF-8 (Beast closes)
  too_big,          // a message over --max-frame-bytes (Beast closes)
  auth_failed,      // --auth on: the first frame's credential was refused, or none came in time
  auth_revoked,     // --auth on: the socket's API key was removed, or its JWT expired
  rate_limited,     // kept sending numbers while over its rate (config::limits::ws_refusals_before_close)
  message_too_slow, // a message not complete within config::limits::ws_message_deadline (slowloris)
};

inline constexpr std::size_t ws_close_count = static_cast<std::size_t>(ws_close::message_too_slow) + 1;

struct ws_close_frame {
  std::uint16_t code;
  std::string_view reason; // at most 123 bytes on the wire; empty: Beast sends none
};

constexpr ws_close_frame close_frame(ws_close c) {
  switch (c) {
    // idle, by_operator and rate_limited: the ws-session actor asks for these through
    // actors::ws_connection::close(actors::session_close), mapped in ws_connection.cpp.
    case ws_close::idle: return {1000, "idle"};
    case ws_close::by_operator: return {1000, "closed by operator"};
    case ws_close::going_away: return {1001, "going away"};
    case ws_close::protocol_error: return {1002, ""};
    case ws_close::invalid_payload: return {1007, ""};
    case ws_close::too_big: return {1009, ""};
    // 1008 policy violation: the close tells the client which; the socket's log line says why.
    case ws_close::auth_failed: return {1008, "authentication failed"};
    case ws_close::auth_revoked: return {1008, "credential no longer valid"};
    case ws_close::rate_limited: return {1008, "rate limited"};
    case ws_close::message_too_slow: return {1008, "message too slow"};
  }
  return {1011, ""}; // unreachable: every enumerator has its row
}

} // namespace factord::net
