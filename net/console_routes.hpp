// The console's HTTP side (API.md "Operations"): GET /v1/actors, the page's files under
// /console, POST /v1/console/actions, and the checks of GET /v1/actors/stream before its
// upgrade. The actor side (what a snapshot holds, what an action does) is
// actors/console/console.hpp; this file only translates. The parsing helpers are pure so
// tests/net checks them without an actor system.
#pragma once

#include "net/access.hpp"
#include "actors/console/console.hpp"
#include "net/errors.hpp"
#include "net/handlers.hpp"
#include "net/query.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace factord::net {

// The stream's refresh interval (?interval_ms= and frames {"interval_ms":N}); the console
// viewer enforces the same bounds on frames.
inline constexpr std::chrono::milliseconds min_stream_interval{250};
inline constexpr std::chrono::milliseconds max_stream_interval{10000};
inline constexpr std::chrono::milliseconds default_stream_interval{1000};

// ?interval_ms=N, integer milliseconds in [250, 10000]; absent: 1000. invalid_interval.
result<std::chrono::milliseconds> parse_stream_interval(const query_params& params);

// {"action":"close_session","actor":123} | {"action":"cancel_job","request_id":".."} |
// {"action":"pause_caller"|"resume_caller","caller":".."} |
// {"action":"set_weight","caller":"..","weight":1..100}
result<actors::console_action> parse_console_action(std::string_view body);

// True when `authorization` is "Bearer <token>" and the token equals `expected`. The
// comparison takes the same time wherever the two differ (no timing oracle).
bool bearer_token_matches(std::string_view authorization, std::string_view expected);

// Route handlers; each answers exactly once through `respond`.
void serve_actor_snapshot(const std::shared_ptr<server_state>& state, const responder& respond);
void serve_console_asset(std::string_view name, const responder& respond);
// Allowed with the console token, or (--auth on) an admin credential.
void serve_console_action(const std::shared_ptr<server_state>& state, const http_request& req,
                          const grant& granted, const responder& respond);

} // namespace factord::net
