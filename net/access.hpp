// Who may do what (README "Security"): which credential each route needs and the caller a
// request acts as. The one place net/ decides access; handlers and the WebSocket upgrade ask
// here, with the request's Authorization header and, for WebSockets, its ?token=.
//
// --auth off (or unset on loopback): job routes are open, the caller is whoever the request
// names, and everyone sees every job (API.md as before). /metrics needs --metrics-token
// when it is set, console actions the console token.
// --auth on: job routes and WebSockets need a credential (401 + WWW-Authenticate without
// one); the caller is the credential's; /v1/actors and its stream need an admin credential
// or the console token (403 admin_required otherwise).
#pragma once

#include "actors/protocol/api.hpp"
#include "config/options.hpp"
#include "net/auth/identity.hpp"
#include "net/errc.hpp"
#include "net/routes.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace factord::auth {
class authenticator;
}

namespace factord::net {

// What a request proved about itself.
struct grant {
  std::optional<auth::identity> who; // --auth on: the credential's identity
  bool admin = false;                // may see and act on every caller's jobs and the console
  bool console_token = false;        // proved with --console-token (an admin credential)
};

// Where a credential may come from: the Authorization header; on a WebSocket upgrade also
// ?token= (browsers cannot set headers on a WebSocket).
struct credentials {
  std::string_view authorization;
  std::optional<std::string_view> token_param;
};

// The access `which` needs, checked; a failure is the 401 or 403 to answer with. `auth` is
// the server's credential check, null with --auth off.
result<grant> check_access(const config::settings& settings, const auth::authenticator* auth, route which,
                           const credentials& given, std::chrono::system_clock::time_point now);

// The caller a request acts as. With an identity: its caller id, and a caller the request
// names (X-Caller-ID, ?caller_id=, ?userid=) that differs is a 403 caller_mismatch. Without:
// the named caller (nullopt: none named; the route decides what that means).
result<std::optional<std::string>> acting_caller(const grant& a, const std::optional<std::string>& named);

// The limits a submission is held to (the job book enforces them): `own`, the credential's
// (--auth on), where it sets one, else the options --rate-per-caller, --burst-per-caller
// (0: max(1, rate)), --max-queued-per-caller, --max-digits. The rate key is the caller with a
// credential; without one (--auth off, caller ids are self-asserted) the client's IP.
actors::submit_limits submit_limits_for(const config::settings& settings, const auth::caller_limits* own,
                                        std::string_view caller_id, std::string_view peer_ip);

// A credential refused by auth/, as net/'s 401 with auth/'s message.
failure unauthorized(const factord::failure<auth::auth_errc>& refused);

} // namespace factord::net
