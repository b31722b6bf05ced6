// The WebSocket frame protocol of API.md, as pure functions: parse an incoming text frame,
// format replies and errors. The ws-session actor uses it; tests use it alone.
#pragma once

#include "actors/protocol/job.hpp"

#include <string>
#include <string_view>

namespace factord::actors {

struct ws_request {
  enum class kind { bare, json } form = kind::bare;
  std::string type;   // JSON frames: "message", "client_message", ...
  std::string number; // the number text to factor (not yet validated)
  std::string userid; // JSON frames may name the user
  std::string error;  // non-empty: the frame is malformed; reply with this
};

// A frame whose first non-blank character is '{' is JSON; anything else is a bare number.
ws_request parse_ws_frame(std::string_view text);

// "N : [p1 p2 ...]"
std::string reply_content(const job& j);

// The reply for a finished job, in the frame's form.
std::string format_ws_reply(const ws_request& request, const job& j);

// An error reply in the frame's form: "error: ..." or {"type":"error",...}.
std::string format_ws_error(const ws_request& request, std::string_view message,
                            std::string_view request_id = {});

} // namespace factord::actors
