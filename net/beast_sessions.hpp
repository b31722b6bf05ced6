// Private to net/: the hand-offs between the Beast translation units (listener ->
// HTTP session -> WebSocket connection). Never include this from a public header.
#pragma once

#include "net/auth/identity.hpp"
#include "net/server_state.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace factord::net {

namespace asio = boost::asio; // not `net`: that is caf::net and our own namespace

using upgrade_request = boost::beast::http::request<boost::beast::http::string_body>;

// Serves HTTP/1.1 on an accepted socket whose executor is the connection's strand.
// `ip_slot` (--max-connections-per-ip, else null) is held until the connection closes,
// through its WebSocket if it upgrades.
void run_http_session(asio::ip::tcp::socket socket, std::shared_ptr<server_state> state,
                      std::shared_ptr<void> ip_slot);

// --auth on: how a WebSocket proved who it is, kept to check again while it is open (the
// key may be removed from --auth-keys, a JWT expires).
struct ws_credential {
  // No credential came with the upgrade: the first frame must bring one,
  // {"type":"auth","token":"..."}, within limits::ws_auth_wait. `named` is the caller the
  // upgrade named (?userid=), which the credential must then prove.
  bool awaiting_first_frame = false;
  std::optional<std::string> named;
  // Once checked: the token, whom it proved (a console viewer must stay an admin), when.
  std::string token;
  std::string caller;
  bool admin = false;
  std::uint64_t generation = 0; // authenticator::generation() when the token was checked
  std::chrono::system_clock::time_point expires = std::chrono::system_clock::time_point::max();
  auth::caller_limits limits; // the credential's own settings (rate, max_digits, ...)
};

// Takes over a socket whose WebSocket upgrade request was read and checked, completes
// the handshake and bridges frames to a ws-session actor named `caller_id`. `peer_ip`, the
// client's address, is the rate key of its numbers with --auth off.
void run_ws_connection(asio::ip::tcp::socket socket, const upgrade_request& req, std::string caller_id,
                       std::optional<ws_credential> credential, std::string peer_ip,
                       std::shared_ptr<server_state> state, std::shared_ptr<void> ip_slot);

// Takes over a socket upgraded on /v1/actors/stream and bridges it to a console viewer
// that streams the console's frames every `interval` (the client may change it).
// `viewer_slot` (server_state::acquire_viewer_slot) is held until the socket closes.
void run_console_stream(asio::ip::tcp::socket socket, const upgrade_request& req,
                        std::chrono::milliseconds interval, std::optional<ws_credential> credential,
                        std::shared_ptr<server_state> state, std::shared_ptr<void> ip_slot,
                        std::shared_ptr<void> viewer_slot);

// Logs an I/O error unless it is part of normal life (peer closed, timeout, shutdown).
void fail(boost::beast::error_code ec, const char* what);

} // namespace factord::net
