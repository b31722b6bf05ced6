#include "net/origin.hpp"

#include <string>

namespace factord::net {

namespace {

// Host values are short; anything longer cannot be a host of ours (and is not copied).
constexpr std::size_t max_host_length = config::max_origin_length - 8; // room for "https://"

} // namespace

browser_policy make_browser_policy(const config::settings& s) {
  browser_policy p;
  p.allowed = s.allowed_origins;
  p.loopback_bind = config::is_loopback_host(s.host);
  return p;
}

result<config::web_origin> own_origin(std::string_view host_header, bool tls) {
  if (host_header.size() > max_host_length)
    return fail(errc::malformed_request, "the Host header is too long");
  auto o = config::parse_origin(std::string{tls ? "https://" : "http://"} + std::string{host_header});
  if (!o) return fail(errc::malformed_request, "the Host header is not host[:port]");
  return std::move(o).value();
}

bool is_loopback_host(std::string_view host_header) {
  auto o = own_origin(host_header, false);
  if (!o) return false;
  return config::is_loopback_host(o->host); // the host as parse_origin leaves it: lower case, [v6]
}

bool origin_allowed(const browser_policy& policy, std::string_view origin_header,
                    std::string_view host_header) {
  if (policy.allowed.any) return true;
  auto page = config::parse_origin(origin_header);
  if (!page) return false; // "null", garbage
  if (auto own = own_origin(host_header, policy.tls); own && *own == *page) return true;
  for (const auto& allowed : policy.allowed.origins)
    if (allowed == *page) return true;
  return false;
}

bool checks_origin(route which) {
  switch (which) {
    case route::websocket:
    case route::actors_stream:
    case route::actors:
    case route::console:
    case route::console_actions: return true;
    default: return false;
  }
}

result<void> check_browser_request(const browser_policy& policy, const request_head& head) {
  if (head.host_count > 1)
    return fail(errc::malformed_request, "the request has more than one Host header; send one");
  if (head.host_count == 0 && head.version >= 11)
    return fail(errc::malformed_request, "an HTTP/1.1 request needs a Host header (RFC 9112); send one");
  if (policy.loopback_bind && head.host_count == 1 && !is_loopback_host(head.host))
    return fail(errc::host_not_allowed,
                "factord listens on loopback and answers only requests addressed to localhost, "
                "127.0.0.1 or [::1] (this guards against DNS rebinding); connect by one of those names, "
                "or listen on another address with --host");
  if (checks_origin(head.which) && head.origin_count > 0) {
    bool allowed =
        policy.allowed.any || (head.origin_count == 1 && origin_allowed(policy, head.origin, head.host));
    if (!allowed)
      return fail(errc::origin_not_allowed,
                  "pages of this origin may not open factord's WebSockets or console; add the origin "
                  "to --allowed-origins (scheme://host[:port]) to allow it");
  }
  return {};
}

} // namespace factord::net
