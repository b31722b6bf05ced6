// What a web page may make factord do (API.md "Browsers", README "Security"): the checks
// every request passes before it is routed, as pure functions of its head, so tests/net
// checks them without a socket. http_session.cpp calls check_browser_request once per
// request, before a WebSocket upgrade and before the REST handlers.
//
// - Origin: a browser names the page behind a WebSocket or a fetch in the Origin header.
//   The sockets and the console (which can close sessions and cancel jobs) answer only
//   pages of factord's own origin and of --allowed-origins; requests without Origin come
//   from non-browser clients and pass. Refused: 403 origin_not_allowed.
// - DNS rebinding: a page of evil.example can make its name resolve to 127.0.0.1 and then
//   talk to a factord on loopback "same-origin". So when factord listens on loopback only,
//   the Host header must name loopback too. Refused: 421 host_not_allowed.
// - Host: HTTP/1.1 requires exactly one (RFC 9112 section 3.2). Refused: 400.
#pragma once

#include "config/auth_choice.hpp"
#include "config/options.hpp"
#include "config/origin.hpp"
#include "net/errc.hpp"
#include "net/routes.hpp"

#include <cstddef>
#include <string_view>

namespace factord::net {

struct browser_policy {
  config::origin_list allowed; // --allowed-origins
  bool loopback_bind = false;  // --host is a loopback address or name: Host must be one too
  bool tls = false;            // factord's own origin is https:// (when TLS is served)
};

browser_policy make_browser_policy(const config::settings& s);

// A Host header that names loopback: localhost, 127.x.y.z or [::1], with any port.
bool is_loopback_host(std::string_view host_header);

// The origin of the pages factord itself serves, as the browser sees it: the scheme of
// the connection and the Host the browser sent. A bad Host: a failure (no page has it).
result<config::web_origin> own_origin(std::string_view host_header, bool tls);

// Whether a page of `origin_header` may use the socket and console routes, given the Host
// of its request: "*", factord's own origin, or one of --allowed-origins. Exact: scheme,
// host and port.
bool origin_allowed(const browser_policy& policy, std::string_view origin_header,
                    std::string_view host_header);

// The routes a page must not reach from another origin: WebSockets, the console.
bool checks_origin(route which);

// The request head as the checks see it. The counts tell absent (0) from empty, and
// catch a header sent twice.
struct request_head {
  unsigned version = 11; // 10 or 11
  route which = route::unknown;
  std::size_t host_count = 0;
  std::string_view host;
  std::size_t origin_count = 0;
  std::string_view origin;
};

// 400 malformed_request (HTTP/1.1 without exactly one Host), 421 host_not_allowed
// (loopback bind, Host not loopback), 403 origin_not_allowed.
result<void> check_browser_request(const browser_policy& policy, const request_head& head);

} // namespace factord::net
